package clientconfig

import "testing"

func TestResolveEndpoint(t *testing.T) {
	all := map[string]string{
		EnvEndpoint:            "http://berth-endpoint.test:1",
		"AWS_ENDPOINT_URL_ECS": "http://aws-endpoint-url-ecs.test:2",
		"AWS_ENDPOINT_URL":     "http://aws-endpoint-url.test:3",
	}
	without := func(keys ...string) map[string]string {
		env := map[string]string{}
		for k, v := range all {
			env[k] = v
		}
		for _, k := range keys {
			env[k] = ""
		}
		return env
	}
	tests := []struct {
		name    string
		opts    Options
		env     map[string]string
		want    string // "" for none
		profile bool   // use the profile "berth", whose endpoint_url is http://profile.test:8080
	}{
		{name: "--endpoint-url first", opts: Options{EndpointURL: "https://flag.test"}, env: all, profile: true, want: "https://flag.test/"},
		{name: "BERTH_ENDPOINT second", env: all, profile: true, want: "http://berth-endpoint.test:1/"},
		{name: "AWS_ENDPOINT_URL_ECS third", env: without(EnvEndpoint), profile: true, want: "http://aws-endpoint-url-ecs.test:2/"},
		{name: "AWS_ENDPOINT_URL fourth", env: without(EnvEndpoint, "AWS_ENDPOINT_URL_ECS"), profile: true, want: "http://aws-endpoint-url.test:3/"},
		{name: "the profile's endpoint_url last", profile: true, want: "http://profile.test:8080/"},
		{name: "none", want: ""},
		{name: "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS keeps BERTH_ENDPOINT",
			env:  map[string]string{"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "TRUE", EnvEndpoint: all[EnvEndpoint], "AWS_ENDPOINT_URL_ECS": all["AWS_ENDPOINT_URL_ECS"]},
			want: "http://berth-endpoint.test:1/"},
		{name: "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS skips the AWS sources",
			env:     map[string]string{"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true", "AWS_ENDPOINT_URL_ECS": all["AWS_ENDPOINT_URL_ECS"], "AWS_ENDPOINT_URL": all["AWS_ENDPOINT_URL"]},
			profile: true, want: ""},
		{name: "a path is kept", opts: Options{EndpointURL: "http://127.0.0.1:8080/prefix/"}, want: "http://127.0.0.1:8080/prefix/"},
		{name: "a query is kept", opts: Options{EndpointURL: "http://127.0.0.1:8080?x=1"}, want: "http://127.0.0.1:8080/?x=1"},
		{name: "SDKEndpoint reads no source, not even a bad one", opts: Options{SDKEndpoint: true, EndpointURL: "no scheme"},
			env: map[string]string{EnvEndpoint: "ftp://x"}, profile: true, want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			isolate(t, tt.env)
			tt.opts.Region = "us-east-1"
			if tt.profile {
				tt.opts.Profile = "berth"
			}
			c := resolve(t, tt.opts)
			got := ""
			if c.Endpoint != nil {
				got = c.Endpoint.String()
			}
			if got != tt.want {
				t.Errorf("endpoint: got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestResolveBadEndpoint(t *testing.T) {
	tests := []struct {
		name string
		opts Options
		env  map[string]string
		bad  string
	}{
		{name: "no scheme", opts: Options{EndpointURL: "127.0.0.1:8080"}, bad: "127.0.0.1:8080"},
		{name: "another scheme", opts: Options{EndpointURL: "ftp://127.0.0.1/"}, bad: "ftp://127.0.0.1/"},
		{name: "no host", opts: Options{EndpointURL: "http:///path"}, bad: "http:///path"},
		{name: "unparsable", opts: Options{EndpointURL: "http://[::1"}, bad: "http://[::1"},
		{name: "from BERTH_ENDPOINT", env: map[string]string{EnvEndpoint: "localhost"}, bad: "localhost"},
		{name: "from AWS_ENDPOINT_URL", env: map[string]string{"AWS_ENDPOINT_URL": "localhost:1"}, bad: "localhost:1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			isolate(t, tt.env)
			tt.opts.Region = "us-east-1"
			err := resolveError(t, tt.opts)
			if err.Reason != BadEndpoint || err.Value != tt.bad || !err.Usage() {
				t.Fatalf("got reason %d value %q usage %v, want %d %q true", err.Reason, err.Value, err.Usage(), BadEndpoint, tt.bad)
			}
			want := `Bad value for --endpoint-url "` + tt.bad + `": scheme is missing. Must be of the form http://<hostname>/ or https://<hostname>/`
			if err.Error() != want {
				t.Errorf("message: got %q, want %q", err.Error(), want)
			}
		})
	}
}
