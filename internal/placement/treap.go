package placement

import "math"

// treap keeps buckets of nodes ordered by an int64 key (a remaining
// resource amount), so that binpack can walk instances from the least
// remaining amount that still fits, in O(log k) per step for k distinct
// keys. All buckets of a treap (and of the other treaps of the same
// orderedIndex) share one slot.
type treap struct {
	root *bucket
	slot int
	seed uint64
	free *bucket // recycled buckets, linked through right
}

// bucket is a treap node: the nodes whose key is key.
type bucket struct {
	key         int64
	prio        uint64
	left, right *bucket
	set         denseSet
}

// add puts n in the bucket for key, creating it if needed.
func (t *treap) add(n *node, key int64) {
	b := t.find(key)
	if b == nil {
		b = t.newBucket(key)
		t.root = insert(t.root, b)
	}
	b.set.add(n)
}

// remove takes n out of the bucket for key and drops the bucket when it
// becomes empty. n must be in that bucket.
func (t *treap) remove(n *node, key int64) {
	b := t.find(key)
	b.set.remove(n)
	if b.set.len() == 0 {
		t.root = del(t.root, key)
		b.left, b.right = nil, t.free
		t.free = b
	}
}

// find returns the bucket for key, or nil.
func (t *treap) find(key int64) *bucket {
	b := t.root
	for b != nil && b.key != key {
		if key < b.key {
			b = b.left
		} else {
			b = b.right
		}
	}
	return b
}

// ceil returns the bucket with the smallest key >= key, or nil.
func (t *treap) ceil(key int64) *bucket {
	var best *bucket
	for b := t.root; b != nil; {
		if b.key >= key {
			best, b = b, b.left
		} else {
			b = b.right
		}
	}
	return best
}

// next returns the bucket after b in key order, or nil.
func (t *treap) next(b *bucket) *bucket {
	if b.key == math.MaxInt64 {
		return nil
	}
	return t.ceil(b.key + 1)
}

func (t *treap) newBucket(key int64) *bucket {
	b := t.free
	if b != nil {
		t.free = b.right
		b.right = nil
	} else {
		b = &bucket{set: denseSet{slot: t.slot}}
	}
	// splitmix64 for the heap priorities.
	t.seed += 0x9e3779b97f4a7c15
	z := t.seed
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	b.key, b.prio = key, z^z>>31
	return b
}

// insert adds b (whose key is not in the tree) under root.
func insert(root, b *bucket) *bucket {
	if root == nil {
		return b
	}
	if b.prio > root.prio {
		b.left, b.right = split(root, b.key)
		return b
	}
	if b.key < root.key {
		root.left = insert(root.left, b)
	} else {
		root.right = insert(root.right, b)
	}
	return root
}

// split divides a tree into keys < key and keys >= key.
func split(root *bucket, key int64) (*bucket, *bucket) {
	if root == nil {
		return nil, nil
	}
	if root.key < key {
		l, r := split(root.right, key)
		root.right = l
		return root, r
	}
	l, r := split(root.left, key)
	root.left = r
	return l, root
}

// merge joins two trees where every key of a is below every key of b.
func merge(a, b *bucket) *bucket {
	switch {
	case a == nil:
		return b
	case b == nil:
		return a
	case a.prio > b.prio:
		a.right = merge(a.right, b)
		return a
	}
	b.left = merge(a, b.left)
	return b
}

// del removes the bucket with key from the tree.
func del(root *bucket, key int64) *bucket {
	switch {
	case root == nil:
		return nil
	case key < root.key:
		root.left = del(root.left, key)
	case key > root.key:
		root.right = del(root.right, key)
	default:
		return merge(root.left, root.right)
	}
	return root
}
