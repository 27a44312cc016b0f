package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/berth-io/berth/internal/credentials"
	"github.com/berth-io/berth/internal/server"
)

// envFlags are the flags of `berth env`: where the server keeps its data
// and where it listens.
type envFlags struct {
	dataDir, listen, region string
}

// newEnvSettings returns the settings of `berth env`; they read the same
// variables and config keys as `berth up`.
func newEnvSettings() (*settings, *envFlags) {
	s := newSettings("berth env")
	var f envFlags
	s.String(&f.dataDir, "data-dir", server.DefaultDataDir, "the data dir of the server", "BERTH_DATA_DIR")
	s.String(&f.listen, "listen", server.DefaultListen, "the server's address (host:port)", "BERTH_LISTEN")
	s.String(&f.region, "region", server.DefaultRegion, "the server's region", "BERTH_REGION")
	return s, &f
}

// runEnv prints the primary key pair of a server as shell export lines and
// as an ~/.aws/config profile: BERTH_ACCESS_KEY_ID/BERTH_SECRET_ACCESS_KEY
// or the config file's pair when set (as the server would use them), else
// the pair saved in the data dir.
func runEnv(_ context.Context, args []string) error {
	s, f := newEnvSettings()
	if err := s.parse(args); err != nil {
		return err
	}
	id, secret, from := s.keyPair(credentials.EnvAccessKeyID, credentials.EnvSecretAccessKey)
	if from == "" {
		if _, err := os.Stat(filepath.Join(f.dataDir, credentials.FileName)); err != nil {
			return fmt.Errorf("no credentials in %s: start berth there first (berth up --data-dir %s)", f.dataDir, shellQuote(f.dataDir))
		}
	}
	getenv := func(name string) string {
		switch name {
		case credentials.EnvAccessKeyID:
			return id
		case credentials.EnvSecretAccessKey:
			return secret
		}
		return ""
	}
	creds, err := credentials.Load(credentials.Options{DataDir: f.dataDir, Getenv: getenv})
	if err != nil {
		return err
	}
	writeEnv(os.Stdout, clientURL("http://"+f.listen), creds.Primary(), f.region)
	return nil
}

// writeEnv writes the export lines (valid POSIX shell, for eval) and the
// profile snippet (as comments).
func writeEnv(w io.Writer, endpoint string, p credentials.Pair, region string) {
	fmt.Fprintf(w, `export BERTH_ENDPOINT=%[1]s
export AWS_ENDPOINT_URL_ECS=%[1]s
export AWS_ACCESS_KEY_ID=%[2]s
export AWS_SECRET_ACCESS_KEY=%[3]s
export AWS_DEFAULT_REGION=%[4]s

# Or, as a profile: add to ~/.aws/config and use --profile berth (or AWS_PROFILE=berth)
# [profile berth]
# region = %[8]s
# endpoint_url = %[5]s
# aws_access_key_id = %[6]s
# aws_secret_access_key = %[7]s
`, shellQuote(endpoint), shellQuote(p.AccessKeyID), shellQuote(p.SecretAccessKey), shellQuote(region),
		endpoint, p.AccessKeyID, p.SecretAccessKey, region)
}
