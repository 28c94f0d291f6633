//go:build !cgo

package bridge

import (
	"context"
)

// Without cgo there is no Rust library: everything compiles, and every call says why it fails.

// Open reports that cgo is required.
func Open() (*Library, error) { return nil, ErrCgoRequired }

// ConfigureRuntime reports that cgo is required.
func ConfigureRuntime(int) error { return ErrCgoRequired }

// ConfigureRuntimeSettings reports that cgo is required.
func ConfigureRuntimeSettings([]byte, bool) error { return ErrCgoRequired }

// Nop does nothing.
func Nop() {}

// DefaultConfig reports that cgo is required.
func (c *Component) DefaultConfig() ([]byte, error) { return nil, ErrCgoRequired }

// ValidateConfig reports that cgo is required.
func (c *Component) ValidateConfig([]byte) error { return ErrCgoRequired }

// NewInstance reports that cgo is required.
func (c *Component) NewInstance(string, []byte, Sink) (*Instance, error) {
	return nil, ErrCgoRequired
}

// Instance is never created without cgo.
type Instance struct{}

// Result is never produced without cgo.
type Result struct {
	Outcome Outcome
}

// Bytes is empty.
func (r *Result) Bytes() []byte { return nil }

// Free does nothing.
func (r *Result) Free() {}

// Start reports that cgo is required.
func (i *Instance) Start(context.Context) error { return ErrCgoRequired }

// Consume reports that cgo is required.
func (i *Instance) Consume(context.Context, Signal, []byte) (Result, error) {
	return Result{}, ErrCgoRequired
}

// Shutdown does nothing.
func (i *Instance) Shutdown(context.Context) error { return nil }
