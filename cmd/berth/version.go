package main

import (
	"context"
	"fmt"

	"github.com/berth-io/berth/internal/buildinfo"
)

func runVersion(context.Context, []string) error {
	fmt.Println("berth", buildinfo.Version)
	return nil
}
