// Package cli is `berth ecs`: a command-line client for the Amazon ECS API
// that takes the aws CLI's commands, flags and output, so that a command
// from the AWS documentation runs against berth with `aws` replaced by
// `berth`:
//
//	berth ecs run-task --cluster default --task-definition sleep360:1 --count 1
//	berth ecs start-task --task-definition web --container-instances 4f9a... \
//	    --network-configuration 'awsvpcConfiguration={subnets=[a,b],assignPublicIp=ENABLED}'
//	berth ecs wait tasks-running --cluster default --tasks 1f2e...
//
// # Driven by the model
//
// Nothing is written per operation. The commands, their flags and the
// shapes of requests and responses come from ecsmodel.CLIShapes, which
// ecsmodel's generator writes from botocore's service-2.json: every
// operation is a command (RunTask -> run-task), every input member a flag
// (enableECSManagedTags -> --enable-ecs-managed-tags, with
// --no-enable-ecs-managed-tags for false), named by the aws CLI's rule.
// Scalars are read from the flag's text, lists from one word per element
// (--clusters a b c) or a JSON array, structures and maps from JSON or the
// aws CLI shorthand syntax (shorthand.go), any value from a file with
// file://path. --cli-input-json supplies the whole request (flags override
// its members) and --generate-cli-skeleton prints one, with placeholders by
// type, for the input or the output.
//
// # Checks before sending
//
// The request is assembled as JSON, checked against the model the way
// botocore checks it (types, unknown members, required members), then
// decoded into the ecsmodel request type and run through its Validate
// (enums, lengths, ranges, patterns). Any problem is reported with exit
// code 252 and no request is made. Idempotency tokens (RunTask's
// clientToken) are filled with a random UUID when left out, as botocore
// does.
//
// # Transport
//
// The request is sent as the awsJson1_1 protocol defines it (POST /,
// X-Amz-Target: AmazonEC2ContainerServiceV20141113.<Operation>), signed
// with aws-sdk-go-v2's SigV4 signer (aws/signer/v4) and credentials from
// BERTH_ACCESS_KEY_ID/BERTH_SECRET_ACCESS_KEY or the SDK's default chain
// (config.LoadDefaultConfig: environment, --profile, shared files, ...),
// and retried by the SDK's standard retryer. The SDK's typed ECS client is
// not used: it would need one hand-written or generated call per
// operation, conversions between its types and the model's JSON, and it
// would re-serialise responses through its own structs; a signed raw
// request keeps the bytes the server sent, which is what the aws CLI
// prints. Endpoint: --endpoint-url, BERTH_ENDPOINT, AWS_ENDPOINT_URL_ECS,
// AWS_ENDPOINT_URL, the profile; region: --region, AWS_REGION,
// AWS_DEFAULT_REGION, the profile.
//
// # Output
//
// Responses are read as botocore reads them (model member order, unknown
// members dropped, timestamps as ISO 8601 in the local zone:
// "2016-01-22T12:19:13.893000+00:00") and printed as --output json (the
// default: Python's json.dumps with four-space indents), text or table,
// after --query (JMESPath, github.com/jmespath-community/go-jmespath).
// Paginated operations (list-tasks, ...) fetch every page unless
// --no-paginate, with --page-size, --max-items and --starting-token.
// Service errors print as "An error occurred (ClusterNotFoundException)
// when calling the ListTasks operation: Cluster not found." and exit 254.
//
// # Waiters
//
// `berth ecs wait <name>` runs botocore's ECS waiters (tasks-running:
// DescribeTasks every 6 s, at most 100 times, failing when a task is
// STOPPED or a failure is MISSING; tasks-stopped; services-stable; ...),
// with a progress line on stderr when it is a terminal. BERTH_WAITER_DELAY
// (a duration such as "50ms", or seconds) overrides the poll interval.
// A waiter that fails or runs out of attempts exits 255.
package cli
