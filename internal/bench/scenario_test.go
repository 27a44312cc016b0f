package bench

import (
	"fmt"
	"testing"
)

func TestInterleave(t *testing.T) {
	tests := []struct {
		name    string
		weights []int
		// maxRun is the longest run of one operation allowed in the cycle.
		maxRun int
	}{
		{name: "the mixed scenario", weights: []int{10, 4, 4, 2}, maxRun: 2},
		{name: "equal", weights: []int{1, 1, 1}, maxRun: 1},
		{name: "dominant", weights: []int{8, 1, 1}, maxRun: 4},
		{name: "single", weights: []int{3}, maxRun: 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mix := make([]weighted, len(tt.weights))
			total := 0
			for i, w := range tt.weights {
				mix[i] = weighted{name: fmt.Sprint(i), weight: w}
				total += w
			}
			cycle := interleave(mix)
			if len(cycle) != total {
				t.Fatalf("cycle length = %d, want %d", len(cycle), total)
			}
			counts := make([]int, len(mix))
			run, longest := 0, 0
			for i, k := range cycle {
				counts[k]++
				if i > 0 && cycle[i-1] == k {
					run++
				} else {
					run = 1
				}
				longest = max(longest, run)
			}
			for i, w := range tt.weights {
				if counts[i] != w {
					t.Errorf("operation %d appears %d times in %v, want %d", i, counts[i], cycle, w)
				}
			}
			if longest > tt.maxRun {
				t.Errorf("cycle %v repeats an operation %d times in a row, want at most %d", cycle, longest, tt.maxRun)
			}
		})
	}
}

// TestMixedScenarioShares checks the mixed scenario's documented shares.
func TestMixedScenarioShares(t *testing.T) {
	want := map[string]int{"DescribeTasks": 10, "ListTasks": 4, "RunTask": 4, "StartTask": 2}
	got := map[string]int{}
	for _, k := range interleave(mixWeights) {
		got[mixWeights[k].name]++
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("mixed cycle shares = %v, want %v", got, want)
	}
	if n := len(scenarios["mixed"].ops); n != 20 {
		t.Errorf("mixed cycle length = %d, want 20", n)
	}
}

// TestInstanceRotation checks StartTask's instances are used in turn.
func TestInstanceRotation(t *testing.T) {
	fx := &fixture{instances: []string{"a", "b", "c"}}
	var got []string
	for range 7 {
		got = append(got, fx.nextInstance())
	}
	if fmt.Sprint(got) != "[a b c a b c a]" {
		t.Errorf("instances in turn = %v, want [a b c a b c a]", got)
	}
}
