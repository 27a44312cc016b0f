package placement

// The ephemeral host port range dynamic ports are taken from (the Linux
// fallback ECS documents).
const (
	EphemeralPortLow  = 49153
	EphemeralPortHigh = 65535
	ephemeralCount    = EphemeralPortHigh - EphemeralPortLow + 1
)

// Protocol indexes into node.ports.
const (
	protoTCP = 0
	protoUDP = 1
)

var protoNames = [2]string{"tcp", "udp"}

var protoValues = [2]Protocol{TCP, UDP}

func protoIndex(p Protocol) int {
	if p == UDP {
		return protoUDP
	}
	return protoTCP
}

// portState is one protocol's host ports on an instance.
type portState struct {
	reserved map[uint16]struct{} // registered as reserved
	used     map[uint16]struct{} // held by tasks
	ephBusy  int                 // ephemeral-range ports reserved or used
	cursor   uint16              // where the next dynamic search starts
}

func newPortState(reserved, used []uint16) portState {
	s := portState{reserved: make(map[uint16]struct{}, len(reserved)), used: make(map[uint16]struct{}, len(used))}
	for _, p := range reserved {
		if _, dup := s.reserved[p]; !dup {
			s.reserved[p] = struct{}{}
			s.ephBusy += isEphemeral(p)
		}
	}
	for _, p := range used {
		s.take(p)
	}
	return s
}

func isEphemeral(p uint16) int {
	if p >= EphemeralPortLow {
		return 1
	}
	return 0
}

// busy reports whether a port is reserved or held.
func (s *portState) busy(p uint16) bool {
	if _, ok := s.reserved[p]; ok {
		return true
	}
	_, ok := s.used[p]
	return ok
}

// freeEphemeral is the number of ephemeral ports available for dynamic use.
func (s *portState) freeEphemeral() int { return ephemeralCount - s.ephBusy }

func (s *portState) take(p uint16) {
	s.used[p] = struct{}{}
	s.ephBusy += isEphemeral(p)
}

func (s *portState) free(p uint16) {
	delete(s.used, p)
	s.ephBusy -= isEphemeral(p)
}

// pickDynamic returns k free ephemeral ports not in exclude, searching
// upwards from the cursor and wrapping around, and advances the cursor so
// consecutive tasks get consecutive ports. The caller has checked that
// enough ports are free.
func (s *portState) pickDynamic(k int, exclude []uint16) []uint16 {
	if k == 0 {
		return nil
	}
	out := make([]uint16, 0, k)
	p := s.cursor
	for range ephemeralCount {
		if p < EphemeralPortLow {
			p = EphemeralPortLow
		}
		if !s.busy(p) && !containsPort(exclude, p) {
			out = append(out, p)
			if len(out) == k {
				break
			}
		}
		if p == EphemeralPortHigh {
			p = EphemeralPortLow
		} else {
			p++
		}
	}
	s.cursor = p + 1
	return out
}
