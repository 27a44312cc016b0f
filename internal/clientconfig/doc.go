// Package clientconfig resolves what berth's client tools (`berth ecs`,
// `berth logs`, `berth bench`) need before their first request: the
// endpoint, the signing region, the credentials and the HTTP client. Each
// tool used to resolve them on its own; they now share [Resolve], so a
// setting means the same to all of them.
//
// # Sources, first that is set wins
//
//   - Endpoint: Options.EndpointURL (--endpoint-url), BERTH_ENDPOINT, then,
//     unless AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is "true",
//     AWS_ENDPOINT_URL_ECS, AWS_ENDPOINT_URL and the profile's
//     endpoint_url. It must be an http:// or https:// URL with a host; an
//     empty path becomes "/". No source leaves Config.Endpoint nil: the
//     caller picks its default (Amazon ECS's regional endpoint, or an
//     error). Options.SDKEndpoint skips all this for callers whose
//     aws-sdk-go-v2 service client resolves the endpoint itself.
//   - Region: Options.Region (--region), AWS_REGION, AWS_DEFAULT_REGION,
//     the profile's region, then Options.DefaultRegion.
//   - Credentials: BERTH_ACCESS_KEY_ID and BERTH_SECRET_ACCESS_KEY (with
//     BERTH_SESSION_TOKEN) when both are set, else aws-sdk-go-v2's default
//     chain for the profile (environment, shared files, SSO, process,
//     container and instance roles). They are not fetched by Resolve:
//     [Retrieve] fetches them when the first request is signed.
//   - Profile: Options.Profile (--profile), else the SDK's own choice
//     (AWS_PROFILE, then "default").
//   - HTTP client: connect and response-header timeouts, TLS 1.2 or later,
//     the CA bundle of Options.CABundle (--ca-bundle) or AWS_CA_BUNDLE,
//     and Options.NoVerifySSL. A caller with its own client (a load
//     generator tuning its connection pool) passes Options.HTTPClient.
//
// # Errors
//
// Every failure is an [*Error] whose [Reason] says what is wrong, worded
// as the aws CLI words it. [Error.Usage] separates a malformed endpoint
// (a command-line problem: exit 252 in `berth ecs`) from missing or
// invalid configuration (exit 253); callers map them to their own exit
// codes and may reword by Reason.
//
// # Agent credentials
//
// [EnvCredentials] reads the key pair of the environment, BERTH_* before
// AWS_*, for programs that sign without the SDK's chain (the agent).
package clientconfig
