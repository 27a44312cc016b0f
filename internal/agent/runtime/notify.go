package runtime

// ExitNotifier is implemented by runtimes that can call back when a
// container exits, so that the agent needs no goroutine blocked in Wait
// for each container it runs (the sim runtime, which runs tens of
// thousands of containers per process).
type ExitNotifier interface {
	// NotifyExit arranges for fn to be called once, on a goroutine of
	// the runtime's, with what Wait would return for the container id:
	// when it exits, at once when it has exited already, or with an
	// error for an unknown container (ErrNotFound) or one never started
	// (ErrNotStarted). There is no way to cancel it; fn must not block.
	NotifyExit(id string, fn func(ExitResult, error))
}
