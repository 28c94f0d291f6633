// Command rust2go is a benchmark, not a program: otelbridge's C ABI against rust2go
// (github.com/ihciah/rust2go) on the same calls and the same batch, measured in one `go test`
// process so that every ratio is same-run. Run it with ./run.sh; see README.md.
//
// It is package main because rust2go-cli generates package main (gen.go).
package main

/*
// Our ABI: the otelbridge test library, static, as in bench/link.go.
#cgo LDFLAGS: ${SRCDIR}/../../target/release/libotelbridge_testlib.a -lm -ldl -lpthread -lrt -lgcc_s -lutil -lc
// rust2go's side: a shared library, since two static Rust libraries in one binary collide on the
// standard library's symbols.
#cgo LDFLAGS: -L${SRCDIR}/../../build/rust2go-target/release -lotelbridge_rust2go_peer -Wl,-rpath,${SRCDIR}/../../build/rust2go-target/release

// The baseline of the empty call: an empty C function of the shape of otelbridge_v1_nop.
static void *rust2go_raw_cgo_nop(void *arg) { return arg; }
*/
import "C"

// rawCgoNop calls an empty C function: the cost of cgo alone.
func rawCgoNop() {
	C.rust2go_raw_cgo_nop(nil)
}
