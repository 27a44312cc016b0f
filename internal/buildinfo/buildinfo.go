// Package buildinfo holds the version berth reports: in versionInfo of the
// container instances its agents register, in `berth version`, and in logs.
package buildinfo

// Version is berth's version; release builds set it with
// -ldflags "-X github.com/berth-io/berth/internal/buildinfo.Version=v1.2.3".
var Version = "0.1.0-dev"
