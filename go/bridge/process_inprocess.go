//go:build !otelbridge_subprocess

package bridge

import "os"

// RustProcessID is the process the Rust components run in: this one, in-process.
func RustProcessID() int { return os.Getpid() }
