// Package cgocall stands in for rust2go's Go package of the same path, which the Go module proxy
// refuses to serve (403 "This module version is not available" for every version of
// github.com/ihciah/rust2go). It is what the Go code rust2go-cli generates for a `#[cgo_call]`
// function calls: a cgo call of a C function pointer with 0 to 2 pointer arguments.
package cgocall

/*
static void callp0(const void *fn) { ((void (*)(void))fn)(); }
static void callp1(const void *fn, const void *a0) { ((void (*)(const void *))fn)(a0); }
static void callp2(const void *fn, const void *a0, const void *a1) {
	((void (*)(const void *, const void *))fn)(a0, a1);
}
*/
import "C"

import "unsafe"

// CallFuncG0P0 calls the C function fn().
func CallFuncG0P0(fn unsafe.Pointer) {
	C.callp0(fn)
}

// CallFuncG0P1 calls the C function fn(arg0).
func CallFuncG0P1(fn, arg0 unsafe.Pointer) {
	C.callp1(fn, arg0)
}

// CallFuncG0P2 calls the C function fn(arg0, arg1).
func CallFuncG0P2(fn, arg0, arg1 unsafe.Pointer) {
	C.callp2(fn, arg0, arg1)
}
