// Package ecstest builds ECS requests for tests: each builder returns a
// valid request with small, documented defaults, changed by functional
// options, so that a test spells out only what it is about:
//
//	req := ecstest.TaskDefinition(
//		ecstest.Family("api"),
//		ecstest.NetworkMode(ecsmodel.NetworkModeAwsvpc),
//		ecstest.Containers(ecstest.Container("app", ecstest.Port(8080))),
//	)
//	reg := ecstest.RegisterInstance(ecstest.OnCluster("prod"), ecstest.InstanceCPU(4096))
//
// Builders return fresh values on every call; tests may change them freely.
package ecstest
