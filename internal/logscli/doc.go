// Package logscli is the client of berth's logs endpoint (package
// logsapi):
//
//	berth logs [--cluster C] [--container N] [--follow] TASK
//
// prints the output of a container of TASK (an ID or ARN) as it arrives.
// The container may be left out for a task with one container; --follow
// (-f) keeps printing until the container exits or the user interrupts.
//
// It finds the server and signs its request the way `berth ecs` does,
// with package clientconfig:
//
//   - endpoint: --endpoint-url, BERTH_ENDPOINT, AWS_ENDPOINT_URL_ECS,
//     AWS_ENDPOINT_URL (unless AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true),
//     the profile's endpoint_url. There is no default: Amazon ECS has no
//     logs endpoint.
//   - region: --region, AWS_REGION, AWS_DEFAULT_REGION, the profile's.
//   - credentials: BERTH_ACCESS_KEY_ID and BERTH_SECRET_ACCESS_KEY (and
//     BERTH_SESSION_TOKEN), else aws-sdk-go-v2's default chain (--profile /
//     AWS_PROFILE, environment, shared files, SSO, roles).
//
// The request is signed with aws-sdk-go-v2's SigV4 signer for service
// "ecs". It is not retried: a followed stream cannot be resumed without
// repeating output.
//
// Exit codes follow `berth ecs` (the aws CLI's): 0, 252 for command-line
// errors, 253 for missing configuration or credentials, 254 when the
// server answered with an error or the stream broke off, 255 for
// connection failures, 130 when interrupted.
package logscli
