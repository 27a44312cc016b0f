// Package ecsapi is berth's Amazon ECS protocol edge: an http.Handler that
// speaks the awsJson1_1 protocol the aws CLI, boto3 and aws-sdk-go-v2 use for
// ECS, and hands decoded, authenticated, validated requests to a backend.
//
// # Pipeline
//
// Every request goes through one wrapper, in this order, and stops at the
// first failure:
//
//  1. Routing: only POST / is served (other paths answer 404, other methods
//     405, both with a JSON error body).
//  2. Content-Type must be application/x-amz-json-1.1 or application/json.
//  3. The body is read, capped at Config.MaxBodyBytes (1 MiB by default).
//  4. SigV4: Config.Verifier authenticates the request and body.
//  5. X-Amz-Target names the operation: AmazonEC2ContainerServiceV20141113.<Op>.
//  6. The body is decoded into the operation's request shape (an empty body
//     means {}, unknown members are ignored).
//  7. The request shape's model constraints are checked (Validate).
//  8. The backend method runs; its response is encoded as JSON.
//
// The backend is only called after all checks have passed, so a bad request
// never changes state. A panic in the backend becomes a ServerException.
//
// # Backend
//
// The backend is any value with methods of the form
//
//	ListClusters(ctx context.Context, in *ecsmodel.ListClustersRequest) (*ecsmodel.ListClustersResponse, error)
//
// one per implemented model operation (see ecsmodel.Bind). Operations of the
// model the backend lacks answer UnsupportedFeatureException ("berth does not
// implement <Op> yet."); targets that are not model operations answer
// UnknownOperationException. The context passed to the backend carries the
// request id and the caller's access key id (RequestID, AccessKeyID).
//
// # Errors
//
// toAPIError in errors.go is the one table that turns Go errors into wire
// errors: an *ecs.Error keeps its code and message, an *sigv4.Error its code,
// an *ecsmodel.ValidationError becomes InvalidParameterException, and
// anything else becomes ServerException "An internal error occurred." (the
// real error is logged with the request id, never sent). The body is
// {"__type":"<Code>","message":"..."} (plus resourceIds for
// ConflictException), the header x-amzn-ErrorType repeats the code, and the
// status is 400, or 500 for ServerException, the model's only fault.
//
// Errors of the edge itself, and why each name was chosen:
//
//   - Malformed JSON, a member of the wrong JSON type, a body that is not a
//     JSON object, an unreadable body, an unsupported Content-Type:
//     SerializationException, the name AWS JSON services use for requests
//     they cannot deserialize.
//   - A body over the size cap: ClientException. ECS models no size error;
//     ClientException is its general "the request is wrong" error, listed by
//     every ECS operation, so every SDK surfaces it as a typed exception.
//   - A missing or unknown X-Amz-Target, a path other than /, a method other
//     than POST: UnknownOperationException (404 and 405 for the last two).
//   - A model operation berth does not implement: UnsupportedFeatureException.
//   - A backend that fails with the request's context error because the
//     client closed its connection (a disconnect, or a half-close after
//     sending): ClientException, logged at Info, not a ServerException; the
//     client caused it and the server has no fault to count.
//
// Every response, success or error, carries a fresh x-amzn-RequestId (a
// UUIDv4).
//
// # Observability
//
// Each request logs one structured line (operation, request id, status,
// duration, error code, access key id) on Config.Logger, at Info, or at Error
// with the cause for a ServerException. Metrics (requests by operation and
// code, latency by operation) are Prometheus collectors the caller registers
// on its own registry: see NewMetrics.
package ecsapi
