package control

// taskLists are a cluster's committed task entries in id order, as
// ListTasks walks them: one list per desired status (the default query
// lists RUNNING tasks, and a big cluster may hold as many STOPPED ones
// until the janitor deletes them), and one per container instance and
// desired status (tasks without an instance are in the former only).
// Uncommitted entries (launches in flight) are in none.
// The lists hold the entries, so a walk filters without map lookups; they
// are kept by the functions of index_task.go, the only ones that add,
// commit, change or drop entries. The zero value is empty.
type taskLists struct {
	byDesired  map[string]*taskList
	byInstance map[instanceStatus]*taskList
}

// instanceStatus keys the lists of one container instance.
type instanceStatus struct{ instanceID, desired string }

// add lists a committed entry under its desired status and instance.
func (ls *taskLists) add(e *taskEntry) {
	if ls.byDesired == nil {
		ls.byDesired = map[string]*taskList{}
		ls.byInstance = map[instanceStatus]*taskList{}
	}
	l := ls.byDesired[e.desired]
	if l == nil {
		l = &taskList{}
		ls.byDesired[e.desired] = l
	}
	l.insert(e)
	if e.instanceID == "" {
		return
	}
	k := instanceStatus{e.instanceID, e.desired}
	if l = ls.byInstance[k]; l == nil {
		l = &taskList{}
		ls.byInstance[k] = l
	}
	l.insert(e)
}

// remove unlists the entry id that was listed under desired and
// instanceID. Lists left empty are dropped, so instances that come and go
// leave nothing behind.
func (ls *taskLists) remove(id, desired, instanceID string) {
	if l := ls.byDesired[desired]; l != nil && l.remove(id) && l.len() == 0 {
		delete(ls.byDesired, desired)
	}
	k := instanceStatus{instanceID, desired}
	if l := ls.byInstance[k]; l != nil && l.remove(id) && l.len() == 0 {
		delete(ls.byInstance, k)
	}
}

// update relists an entry whose record was applied: listed says whether
// it was listed before, under desired and instanceID.
func (ls *taskLists) update(e *taskEntry, listed bool, desired, instanceID string) {
	if listed {
		if e.desired == desired && e.instanceID == instanceID {
			return
		}
		ls.remove(e.id, desired, instanceID)
	}
	ls.add(e)
}

// list returns the list of the tasks with a desired status, on one
// instance unless instanceID is ""; nil when there are none.
func (ls *taskLists) list(instanceID, desired string) *taskList {
	if instanceID != "" {
		return ls.byInstance[instanceStatus{instanceID, desired}]
	}
	return ls.byDesired[desired]
}
