package expr

import (
	"iter"
	"maps"
	"time"
)

// box is a plain Target for tests, built with the with* options.
type box struct {
	attrs     map[string]string
	connected bool
	version   string
	ec2       string
	reg       time.Time
	running   int
	groups    map[string]int
}

var _ Target = (*box)(nil)

func (b *box) Attribute(name string) (string, bool) { v, ok := b.attrs[name]; return v, ok }
func (b *box) AgentConnected() bool                 { return b.connected }
func (b *box) AgentVersion() string                 { return b.version }
func (b *box) EC2InstanceID() string                { return b.ec2 }
func (b *box) RegisteredAt() time.Time              { return b.reg }
func (b *box) RunningTasksCount() int               { return b.running }
func (b *box) HasTaskGroup(g string) bool           { return b.groups[g] > 0 }
func (b *box) TaskGroups() iter.Seq[string]         { return maps.Keys(b.groups) }

type boxOpt func(*box)

// target returns a connected instance i-0abc, agent 1.20.3, registered
// 2018-06-18T22:28:28.5Z, with the options applied.
func target(opts ...boxOpt) *box {
	b := &box{
		attrs:     map[string]string{},
		connected: true,
		version:   "1.20.3",
		ec2:       "i-0abc",
		reg:       time.Date(2018, 6, 18, 22, 28, 28, 500e6, time.UTC),
		groups:    map[string]int{},
	}
	for _, o := range opts {
		o(b)
	}
	return b
}

func withAttr(name, value string) boxOpt { return func(b *box) { b.attrs[name] = value } }
func withDisconnected() boxOpt           { return func(b *box) { b.connected = false } }
func withVersion(v string) boxOpt        { return func(b *box) { b.version = v } }
func withEC2(id string) boxOpt           { return func(b *box) { b.ec2 = id } }
func withRunning(n int) boxOpt           { return func(b *box) { b.running = n } }
func withGroup(g string, n int) boxOpt {
	return func(b *box) { b.groups[g] = n; b.running += n }
}
func withRegistered(t time.Time) boxOpt { return func(b *box) { b.reg = t } }
