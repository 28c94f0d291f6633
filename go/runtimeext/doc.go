// Package runtimeext is the otelbridge extension: the settings of the Rust runtime, in the
// collector's config like any extension's.
//
//	extensions:
//	  otelbridge:
//	    worker_threads: 4
//	    thread_stack_size: 4MiB
//	service:
//	  extensions: [otelbridge]
//
// The Rust side of a collector has one tokio runtime per process, started with the first Rust
// component and never stopped. Its settings must be known before that: Rust components start
// when the collector starts its components, in an order the operator does not choose (a Rust
// extension may start before this one), so the settings are applied when the extension is
// created, which for every extension comes before any component starts. Once the runtime runs
// they cannot change: a config reload that changes them, or two otelbridge/... extensions that
// disagree, is an error naming the component and the field, reported by Validate where it can be
// known then and by the extension's creation otherwise. Shutdown leaves the runtime running.
//
// Without the extension the runtime uses the defaults, with OTELBRIDGE_WORKER_THREADS, when set,
// as the worker count. cgo is required.
package runtimeext // import "github.com/otelbridge/otelbridge/go/runtimeext"
