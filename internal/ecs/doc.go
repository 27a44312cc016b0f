// Package ecs is berth's domain vocabulary: the ECS error categories every
// layer returns, resource names (ARNs and ids) and the ordered task and
// container statuses. It imports only the standard library and the generated
// wire model.
//
// # Errors
//
// Domain code returns *Error values whose Code is the ECS exception name
// (ClusterNotFoundException, InvalidParameterException, ...). The API edge
// writes them as {"__type": Code, "message": Message}; any other error is a
// ServerException. Construct them with the helpers (InvalidParameter,
// ClientError, ClusterNotFound, ...) and match them with errors.As or Is.
package ecs
