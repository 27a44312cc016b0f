package ecs

// TaskStatus is a task's (or container's) lifecycle status, ordered so that
// moving forward is a < comparison.
type TaskStatus int

// Task statuses in lifecycle order.
const (
	StatusNone TaskStatus = iota
	StatusProvisioning
	StatusPending
	StatusActivating
	StatusRunning
	StatusDeactivating
	StatusStopping
	StatusDeprovisioning
	StatusStopped
	StatusDeleted
)

var statusNames = [...]string{"NONE", "PROVISIONING", "PENDING", "ACTIVATING", "RUNNING", "DEACTIVATING", "STOPPING", "DEPROVISIONING", "STOPPED", "DELETED"}

// String is the wire name (RUNNING, STOPPED, ...).
func (s TaskStatus) String() string {
	if s < 0 || int(s) >= len(statusNames) {
		return "NONE"
	}
	return statusNames[s]
}

// Terminal reports whether the status is STOPPED or later.
func (s TaskStatus) Terminal() bool { return s >= StatusStopped }

// ParseTaskStatus maps a wire name to its status; ok is false for unknown names.
func ParseTaskStatus(name string) (TaskStatus, bool) {
	for i, n := range statusNames {
		if n == name {
			return TaskStatus(i), true
		}
	}
	return StatusNone, false
}

// Stop codes of the model used by berth.
const (
	StopCodeTaskFailedToStart        = "TaskFailedToStart"
	StopCodeEssentialContainerExited = "EssentialContainerExited"
	StopCodeUserInitiated            = "UserInitiated"
	StopCodeServiceSchedulerInit     = "ServiceSchedulerInitiated"
	StopCodeTerminationNotice        = "TerminationNotice"
)

// Container instance statuses.
const (
	InstanceActive        = "ACTIVE"
	InstanceDraining      = "DRAINING"
	InstanceInactive      = "INACTIVE"
	InstanceRegistering   = "REGISTERING"
	InstanceDeregistering = "DEREGISTERING"
)
