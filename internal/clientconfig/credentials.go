package clientconfig

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// Environment variables of berth's own, read besides the AWS ones.
const (
	EnvEndpoint        = "BERTH_ENDPOINT"
	EnvAccessKeyID     = "BERTH_ACCESS_KEY_ID"
	EnvSecretAccessKey = "BERTH_SECRET_ACCESS_KEY"
	EnvSessionToken    = "BERTH_SESSION_TOKEN"
)

// The AWS variables of a key pair.
const (
	envAWSAccessKeyID     = "AWS_ACCESS_KEY_ID"
	envAWSSecretAccessKey = "AWS_SECRET_ACCESS_KEY"
	envAWSSessionToken    = "AWS_SESSION_TOKEN"
)

// EnvCredentials returns the key pair the environment names, read with
// getenv (os.Getenv, or a test's lookup): BERTH_ACCESS_KEY_ID and
// BERTH_SECRET_ACCESS_KEY (with BERTH_SESSION_TOKEN) when both are set,
// else AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (with
// AWS_SESSION_TOKEN) when both are set. The Source of the credentials is
// the access key's variable. ok is false when neither pair is complete.
//
// It is for programs that sign without aws-sdk-go-v2's chain, such as the
// agent; Resolve reads only the BERTH_ pair itself and leaves the AWS_
// variables to the chain, which ranks them against an explicit profile.
func EnvCredentials(getenv func(string) string) (creds aws.Credentials, ok bool) {
	if creds, ok := berthCredentials(getenv); ok {
		return creds, true
	}
	return envPair(getenv, envAWSAccessKeyID, envAWSSecretAccessKey, envAWSSessionToken)
}

// berthCredentials is the BERTH_ pair, when both of its variables are set.
func berthCredentials(getenv func(string) string) (aws.Credentials, bool) {
	return envPair(getenv, EnvAccessKeyID, EnvSecretAccessKey, EnvSessionToken)
}

func envPair(getenv func(string) string, idVar, secretVar, tokenVar string) (aws.Credentials, bool) {
	id, secret := getenv(idVar), getenv(secretVar)
	if id == "" || secret == "" {
		return aws.Credentials{}, false
	}
	return aws.Credentials{AccessKeyID: id, SecretAccessKey: secret, SessionToken: getenv(tokenVar), Source: idVar}, true
}

// Retrieve fetches the key pair to sign with from p (Config.Credentials).
// A nil provider, an error or a pair without keys is an *Error with
// Reason NoCredentials.
func Retrieve(ctx context.Context, p aws.CredentialsProvider) (aws.Credentials, error) {
	if p == nil {
		return aws.Credentials{}, &Error{Reason: NoCredentials}
	}
	creds, err := p.Retrieve(ctx)
	if err != nil || !creds.HasKeys() {
		return aws.Credentials{}, &Error{Reason: NoCredentials, Err: err}
	}
	return creds, nil
}
