package logscli

import "github.com/berth-io/berth/internal/clientconfig"

// The berth variables the tests set, by the names the tests use.
const (
	envEndpoint     = clientconfig.EnvEndpoint
	envAccessKey    = clientconfig.EnvAccessKeyID
	envSecretKey    = clientconfig.EnvSecretAccessKey
	envSessionToken = clientconfig.EnvSessionToken
)
