package toolchain

import (
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// fakeHostVariable makes the test binary, run by a script named as a host program, act as one
// (TestFakeHostProgram): its value is how.
const fakeHostVariable = "OTELBRIDGE_BUILDER_FAKE_HOST"

// fakeHost writes a script that runs this test binary as a host program behaving as how.
func fakeHost(t *testing.T, how string) string {
	t.Helper()
	script := filepath.Join(t.TempDir(), "host")
	content := fmt.Sprintf("#!/bin/sh\n%s=%s exec %q -test.run='^TestFakeHostProgram$'\n", fakeHostVariable, how, os.Args[0])
	if err := os.WriteFile(script, []byte(content), 0o755); err != nil {
		t.Fatal(err)
	}
	return script
}

// The registry comes through the protocol in registration order, after HELLO; an event the
// host program sends first is skipped; after BYE the program exits 0.
func TestDescribeHostProgramReadsTheRegistry(t *testing.T) {
	got, err := DescribeHostProgram(fakeHost(t, "ok"), 1, 6)
	if err != nil {
		t.Fatal(err)
	}
	want := []Component{
		{Type: "redact", Kind: "processor", Signals: 7, Stability: 3},
		{Type: "heartbeat", Kind: "extension", Signals: 0, Stability: 2},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("components %+v, want %+v", got, want)
	}
}

// A refused handshake gives the host program's message; a program that dies says how, with what
// it printed; an answer cut short is an error, not a panic.
func TestDescribeHostProgramSaysWhyItFailed(t *testing.T) {
	for _, tc := range []struct{ how, want string }{
		{"refuse", "HELLO: the host program answered with status 8: the host speaks otelbridge ABI 1.6 but this library speaks 2.0"},
		{"die", "HELLO: reading the answer: EOF (the program ended: exit status 101)\nthread 'main' panicked at src/main.rs:1:1:\nno luck"},
		{"short", "REGISTRY: the answer is short"},
	} {
		t.Run(tc.how, func(t *testing.T) {
			program := fakeHost(t, tc.how)
			_, err := DescribeHostProgram(program, 1, 6)
			want := "reading the registry of the Rust host program " + program + ": " + tc.want
			if err == nil || err.Error() != want {
				t.Errorf("error:\n got %v\nwant %s", err, want)
			}
		})
	}
}

// The ABI version comes from the checkout's header.
func TestABIVersionReadsTheHeader(t *testing.T) {
	major, minor, err := ABIVersion(filepath.Join("..", "..", "..", "ffi", "include"))
	if err != nil || major != 1 || minor < 6 {
		t.Errorf("ABIVersion: %d.%d, %v; want 1.6 or later", major, minor, err)
	}
	if _, _, err := ABIVersion(t.TempDir()); err == nil {
		t.Error("no error without a header")
	}
}

// TestFakeHostProgram is the fake host program, when fakeHostVariable is set.
func TestFakeHostProgram(t *testing.T) {
	how := os.Getenv(fakeHostVariable)
	if how == "" {
		t.Skip("run by the tests above as a host program")
	}
	if os.Getenv("OTELBRIDGE_HOST_FD") != "3" {
		os.Exit(2)
	}
	conn := os.NewFile(3, "socket")
	read := func(wantType byte) []byte {
		var head [5]byte
		if _, err := io.ReadFull(conn, head[:]); err != nil {
			os.Exit(4)
		}
		body := make([]byte, binary.LittleEndian.Uint32(head[:4])-1)
		if _, err := io.ReadFull(conn, body); err != nil || head[4] != wantType {
			os.Exit(5)
		}
		return body
	}
	send := func(typ byte, parts ...[]byte) {
		body := []byte{typ}
		for _, p := range parts {
			body = append(body, p...)
		}
		_, _ = conn.Write(append(binary.LittleEndian.AppendUint32(nil, uint32(len(body))), body...))
	}
	u32 := func(v uint32) []byte { return binary.LittleEndian.AppendUint32(nil, v) }
	u64 := func(v uint64) []byte { return binary.LittleEndian.AppendUint64(nil, v) }
	bytes := func(s string) []byte { return append(u32(uint32(len(s))), s...) }
	status := func(code uint32, message string) []byte {
		return append(append(u32(code), make([]byte, 1+4+4+8)...), bytes(message)...)
	}

	hello := read(0x01)
	if len(hello) != 8+4*4 || binary.LittleEndian.Uint32(hello[8:]) != 1 {
		os.Exit(6)
	}
	req := hello[:8]
	switch how {
	case "die":
		fmt.Fprintln(os.Stderr, "thread 'main' panicked at src/main.rs:1:1:\nno luck")
		os.Exit(101)
	case "refuse":
		send(0x81, req, status(8, "the host speaks otelbridge ABI 1.6 but this library speaks 2.0"), u32(2), u32(0), u64(0))
		untilTheEnd(conn)
	}
	// A log event before the reply.
	send(0x83, u32(1), u32(3), u64(0), u64(0), u64(0), u64(0), bytes("hello"), bytes(""))
	send(0x81, req, status(0, ""), u32(1), u32(6), u64(2))
	req = read(0x02)
	if how == "short" {
		send(0x81, req, status(0, ""), u32(2), bytes("redact"), u32(2))
		untilTheEnd(conn)
	}
	send(0x81, req, status(0, ""), u32(2),
		bytes("redact"), u32(2), u32(7), u32(0), u32(3),
		bytes("heartbeat"), u32(4), u32(0), u32(0), u32(2))
	read(0x0F)
	os.Exit(0)
}

// untilTheEnd waits for the builder to kill the fake host program (or close the socket).
func untilTheEnd(conn io.Reader) {
	_, _ = io.Copy(io.Discard, conn)
	os.Exit(0)
}
