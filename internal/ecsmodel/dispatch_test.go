package ecsmodel

import (
	"context"
	"testing"
)

type listOnly struct{}

func (listOnly) ListClusters(_ context.Context, in *ListClustersRequest) (*ListClustersResponse, error) {
	return &ListClustersResponse{NextToken: in.NextToken}, nil
}

// wrongShape has the right name but not the model's signature, so it must not bind.
type wrongShape struct{}

func (wrongShape) ListClusters(_ context.Context, _ *ListTasksRequest) (*ListClustersResponse, error) {
	return nil, nil
}

func TestBind(t *testing.T) {
	h := Bind(listOnly{})
	if len(h) != 1 {
		t.Fatalf("got %d handlers, want 1", len(h))
	}
	in := h["ListClusters"].NewInput().(*ListClustersRequest)
	in.NextToken = "tok"
	out, err := h["ListClusters"].Call(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if got := out.(*ListClustersResponse).NextToken; got != "tok" {
		t.Errorf("got NextToken %q, want %q", got, "tok")
	}
	if got := len(Bind(wrongShape{})); got != 0 {
		t.Errorf("got %d handlers for a mistyped method, want 0", got)
	}
	if got := len(Operations); got < 77 {
		t.Errorf("got %d operations, want at least 77", got)
	}
}
