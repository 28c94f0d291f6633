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
// extension may start before this one), so the settings are recorded when the config is
// validated and again when the extension is created, both before any component starts. They
// cannot change after that: two otelbridge/... extensions that disagree, or a config reload that
// changes them, is an error at Validate (`otelcol validate` included) naming the component and the
// field. Shutdown leaves the runtime running.
//
// Without the extension the runtime uses the defaults, with OTELBRIDGE_WORKER_THREADS, when set,
// as the worker count. cgo is required.
package runtimeext // import "github.com/otelbridge/otelbridge/go/runtimeext"
