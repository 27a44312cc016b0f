// Package e2e drives a real berth control plane, started in process on
// 127.0.0.1 with its bbolt store in a temporary directory, through the real
// aws-sdk-go-v2 ECS client with SigV4. Error cases assert the SDK's typed
// exceptions, so they prove that the SDK maps berth's errors as it maps
// Amazon ECS's.
package e2e
