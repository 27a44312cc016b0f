package control

import (
	"iter"
	"slices"
	"strings"
)

// blockMax is the most entries a taskList block holds. A block is an
// array of pointers, so inserting into or deleting from one moves at most
// 2 KiB, and a million entries make about 4,000 blocks.
const blockMax = 256

// taskList is a set of task entries in id order: a sorted list cut into
// blocks of at most blockMax entries. Finding an id costs two binary
// searches (over the blocks' first ids, then within a block), walking on
// from there costs nothing more per entry, and an entry costs a pointer
// (8 bytes) in a mostly full block.
//
// Task ids are time-ordered, so most insertions land at or near the end.
// When the last block is full, an entry after it starts a new block, and
// one inside it splits it where it goes. A full block elsewhere passes an
// entry to the next block when that has room, and is split in half
// otherwise. So the blocks of a list that grows at its end stay full. A
// block that shrinks by a deletion is merged with its neighbours when
// they fit in half a block, so that every two neighbouring blocks hold
// more than half a block: blocks are on average more than a quarter full
// whatever the order of changes.
//
// The zero value is an empty list. A taskList orders entries by their
// id, which never changes; it is not safe for concurrent use.
type taskList struct {
	// blocks are non-empty and sorted, and every id of a block sorts
	// before every id of the next.
	blocks [][]*taskEntry
	n      int
}

// sortedTaskList returns the list of entries, which must be in id order
// without repeats, built at once (the load builds every list so): full
// blocks, the last one holding the rest, as inserting them one by one in
// order leaves them. The blocks share sorted's array, each capped at its
// own part of it, so that growing one block never writes into the next;
// the list owns sorted from then on.
func sortedTaskList(sorted []*taskEntry) *taskList {
	l := &taskList{n: len(sorted), blocks: make([][]*taskEntry, 0, (len(sorted)+blockMax-1)/blockMax)}
	for start := 0; start < len(sorted); start += blockMax {
		end := min(start+blockMax, len(sorted))
		l.blocks = append(l.blocks, sorted[start:end:end])
	}
	return l
}

// len is the number of entries.
func (l *taskList) len() int { return l.n }

// find returns the block where id is or would be inserted, its position
// in that block, and whether it is there. l must not be empty.
func (l *taskList) find(id string) (bi, pos int, found bool) {
	bi, found = slices.BinarySearchFunc(l.blocks, id, func(b []*taskEntry, id string) int {
		return strings.Compare(b[0].id, id)
	})
	if found {
		return bi, 0, true
	}
	// Block bi starts after id, so id belongs to the one before (or to
	// the first, when it sorts before everything).
	bi = max(bi-1, 0)
	pos, found = slices.BinarySearchFunc(l.blocks[bi], id, func(e *taskEntry, id string) int {
		return strings.Compare(e.id, id)
	})
	return bi, pos, found
}

// insert adds e; false if an entry with its id is there already.
func (l *taskList) insert(e *taskEntry) bool {
	if l.n == 0 {
		l.blocks = append(l.blocks, []*taskEntry{e})
		l.n = 1
		return true
	}
	var bi, pos int
	if tail := l.blocks[len(l.blocks)-1]; e.id > tail[len(tail)-1].id {
		bi, pos = len(l.blocks)-1, len(tail) // after the last entry, as most are
	} else {
		var found bool
		if bi, pos, found = l.find(e.id); found {
			return false
		}
	}
	l.n++
	b := l.blocks[bi]
	if len(b) == blockMax {
		last := bi == len(l.blocks)-1
		switch {
		case last && pos == len(b):
			nb := make([]*taskEntry, 1, blockMax)
			nb[0] = e
			l.blocks = append(l.blocks, nb)
			return true
		case !last && len(l.blocks[bi+1]) < blockMax:
			// The next block has room: it takes e, or this block's last
			// entry to make room for e.
			if pos == len(b) {
				l.blocks[bi+1] = slices.Insert(l.blocks[bi+1], 0, e)
				return true
			}
			l.blocks[bi+1] = slices.Insert(l.blocks[bi+1], 0, b[len(b)-1])
			b = b[:len(b)-1] // e takes the freed slot back below
		default:
			b = l.split(bi, pos)
			if pos > len(b) {
				bi, pos = bi+1, pos-len(b)
				b = l.blocks[bi]
			}
		}
	}
	l.blocks[bi] = slices.Insert(b, pos, e)
	return true
}

// split cuts the full block bi in two before inserting at pos: in half,
// or, in the last block, just before pos when that is further on (ids made
// in the same millisecond arrive in any order, and this leaves the block
// they are inserted into full). It returns the first part.
func (l *taskList) split(bi, pos int) []*taskEntry {
	b := l.blocks[bi]
	at := blockMax / 2
	if bi == len(l.blocks)-1 && pos > at {
		at = pos
	}
	right := make([]*taskEntry, blockMax-at, blockMax)
	copy(right, b[at:])
	clear(b[at:])
	l.blocks[bi] = b[:at]
	l.blocks = slices.Insert(l.blocks, bi+1, right)
	return b[:at]
}

// remove deletes the entry with id; false if there is none.
func (l *taskList) remove(id string) bool {
	if l.n == 0 {
		return false
	}
	bi, pos, found := l.find(id)
	if !found {
		return false
	}
	l.n--
	b := slices.Delete(l.blocks[bi], pos, pos+1) // clears the freed slot
	if len(b) == 0 {
		l.blocks = slices.Delete(l.blocks, bi, bi+1)
		return true
	}
	l.blocks[bi] = b
	// Every two neighbouring blocks hold more than half a block. Block bi
	// shrank: merge it with the next when the two fit in half a block,
	// then the result with the previous one, which restores that.
	l.merge(bi)
	l.merge(bi - 1)
	return true
}

// merge merges blocks j and j+1 when they exist and fit in half a block.
func (l *taskList) merge(j int) {
	if j >= 0 && j+1 < len(l.blocks) && len(l.blocks[j])+len(l.blocks[j+1]) <= blockMax/2 {
		l.blocks[j] = append(l.blocks[j], l.blocks[j+1]...)
		l.blocks = slices.Delete(l.blocks, j+1, j+2)
	}
}

// after yields the entries whose ids sort after id ("" for all), in
// order. The list must not change during the walk.
func (l *taskList) after(id string) iter.Seq[*taskEntry] {
	return func(yield func(*taskEntry) bool) {
		if l.n == 0 {
			return
		}
		bi, pos, found := l.find(id)
		if found {
			pos++
		}
		for ; bi < len(l.blocks); bi++ {
			for _, e := range l.blocks[bi][pos:] {
				if !yield(e) {
					return
				}
			}
			pos = 0
		}
	}
}
