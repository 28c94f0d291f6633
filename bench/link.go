//go:build cgo && !otelbridge_subprocess

// Package bench holds otelbridge's benchmark suite (`make bench`, not part of `make test`): every
// figure against a baseline measured in the same run, turned into RESULTS.md by cmd/report.
//
// The benchmarks link the test library, which registers the probe processor and the example
// components (redact among them). Build it first with `make rust`.
package bench

/*
#cgo LDFLAGS: ${SRCDIR}/../target/release/libotelbridge_testlib.a -lm -ldl -lpthread -lrt -lgcc_s -lutil -lc

// The baseline of the fixed-cost benchmark: an empty C function of the shape of otelbridge_v1_nop.
static void *bench_raw_cgo_nop(void *arg) { return arg; }
*/
import "C"

// rawCgoNop calls an empty C function: the cost of cgo alone (nil in a build without cgo).
var rawCgoNop = func() {
	C.bench_raw_cgo_nop(nil)
}
