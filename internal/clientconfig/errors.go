package clientconfig

import "fmt"

// Reason says what could not be resolved.
type Reason int

// The reasons of an *Error.
const (
	// ProfileNotFound: the profile named by Options.Profile or AWS_PROFILE
	// is in neither shared file. Error.Value is the profile.
	ProfileNotFound Reason = iota + 1
	// InvalidConfig: aws-sdk-go-v2 could not load the shared files or the
	// environment. Error.Err is its error.
	InvalidConfig
	// NoRegion: no source names a region and there is no default.
	NoRegion
	// BadEndpoint: the endpoint is not an http:// or https:// URL with a
	// host. Error.Value is the endpoint.
	BadEndpoint
	// BadCABundle: the CA bundle cannot be read (Error.Err says why) or
	// holds no PEM certificate (Error.Err is nil). Error.Value is its path.
	BadCABundle
	// NoCredentials: the credentials provider gave no key pair; Error.Err
	// is its error, if it returned one.
	NoCredentials
)

// credentialsHint is the NoCredentials message.
const credentialsHint = "Unable to locate credentials. Set " + EnvAccessKeyID + " and " + EnvSecretAccessKey +
	", or configure AWS credentials (aws configure)."

// Error is a configuration Resolve or Retrieve could not use.
type Error struct {
	Reason Reason
	// Value is the profile, endpoint or CA bundle path the error is about.
	Value string
	// Err is the underlying error, when there is one.
	Err error
}

// Error words the problem as `berth ecs` (after the aws CLI) does.
func (e *Error) Error() string {
	switch e.Reason {
	case ProfileNotFound:
		return fmt.Sprintf("The config profile (%s) could not be found", e.Value)
	case InvalidConfig:
		return "Invalid AWS configuration: " + e.Err.Error()
	case NoRegion:
		return `You must specify a region. You can also configure your region by running "aws configure", or set AWS_REGION.`
	case BadEndpoint:
		return fmt.Sprintf("Bad value for --endpoint-url %q: scheme is missing. Must be of the form http://<hostname>/ or https://<hostname>/", e.Value)
	case BadCABundle:
		if e.Err != nil {
			return fmt.Sprintf("Unable to read the CA bundle %s: %v", e.Value, e.Err)
		}
		return fmt.Sprintf("The CA bundle %s holds no PEM certificate", e.Value)
	case NoCredentials:
		if e.Err != nil {
			return credentialsHint + " (" + e.Err.Error() + ")"
		}
		return credentialsHint
	}
	return fmt.Sprintf("client configuration error %d", int(e.Reason))
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// Usage reports whether the command line is at fault rather than the
// configuration: true for a malformed endpoint, which the aws CLI treats
// as a bad --endpoint-url value (exit 252) wherever it came from.
func (e *Error) Usage() bool { return e.Reason == BadEndpoint }
