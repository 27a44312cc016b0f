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

// listsBuilder builds a cluster's taskLists at once from its committed
// entries, given in id order (the load, index_load.go): each list is
// gathered by a counting sort into one array and cut into full blocks
// (sortedTaskList), instead of growing an entry at a time. The caller
// numbers the instances (slots, the same slot for the same instance id,
// -1 for tasks without one), so that the builder needs no lookup by id.
// The zero value is empty.
type listsBuilder struct {
	// entries are the entries added, in id order, and refs their lists.
	entries []*taskEntry
	refs    []listRef
	// desired are the desired statuses met, numbered in order of
	// appearance, and desiredLen how many entries each has.
	desired    []string
	desiredLen []int
	// instLists holds, per instance slot and desired status number, the
	// number of the instance's list (-1 for none yet); instKeys and
	// instLen the key and length of each instance list.
	instLists [][]int32
	instKeys  []instanceStatus
	instLen   []int
}

// listRef names the lists of one entry: its desired status's number and
// its instance list's number (-1 for none).
type listRef struct{ desired, inst int32 }

// add adds e, whose id sorts after every id added before; slot numbers
// its instance (-1 when it has none).
func (b *listsBuilder) add(e *taskEntry, slot int32) {
	ref := listRef{desired: b.desiredNumber(e.desired), inst: -1}
	if slot >= 0 {
		for int(slot) >= len(b.instLists) {
			b.instLists = append(b.instLists, nil)
		}
		nums := b.instLists[slot]
		for int(ref.desired) >= len(nums) {
			nums = append(nums, -1)
		}
		if nums[ref.desired] < 0 {
			nums[ref.desired] = int32(len(b.instKeys))
			b.instKeys = append(b.instKeys, instanceStatus{e.instanceID, e.desired})
			b.instLen = append(b.instLen, 0)
		}
		b.instLists[slot] = nums
		ref.inst = nums[ref.desired]
		b.instLen[ref.inst]++
	}
	b.entries = append(b.entries, e)
	b.refs = append(b.refs, ref)
}

// desiredNumber numbers a desired status; there are only a few.
func (b *listsBuilder) desiredNumber(desired string) int32 {
	for i, d := range b.desired {
		if d == desired {
			b.desiredLen[i]++
			return int32(i)
		}
	}
	b.desired = append(b.desired, desired)
	b.desiredLen = append(b.desiredLen, 1)
	return int32(len(b.desired) - 1)
}

// build returns the lists of the entries added: what adding them one by
// one in the same order to an empty taskLists makes.
func (b *listsBuilder) build() taskLists {
	var ls taskLists
	if len(b.entries) == 0 {
		return ls
	}
	byDesired, desiredAt := gather(b.desiredLen)
	byInstance, instAt := gather(b.instLen)
	for i, e := range b.entries {
		r := b.refs[i]
		byDesired[desiredAt[r.desired]] = e
		desiredAt[r.desired]++
		if r.inst >= 0 {
			byInstance[instAt[r.inst]] = e
			instAt[r.inst]++
		}
	}
	// Each list's part now ends where the next one's starts.
	ls.byDesired = make(map[string]*taskList, len(b.desired))
	for i, d := range b.desired {
		end := desiredAt[i]
		ls.byDesired[d] = sortedTaskList(byDesired[end-b.desiredLen[i] : end])
	}
	ls.byInstance = make(map[instanceStatus]*taskList, len(b.instKeys))
	for i, k := range b.instKeys {
		end := instAt[i]
		ls.byInstance[k] = sortedTaskList(byInstance[end-b.instLen[i] : end])
	}
	return ls
}

// gather returns an array for lists of the given lengths, laid end to
// end, and where each list starts in it.
func gather(lens []int) ([]*taskEntry, []int) {
	at := make([]int, len(lens))
	total := 0
	for i, n := range lens {
		at[i] = total
		total += n
	}
	return make([]*taskEntry, total), at
}
