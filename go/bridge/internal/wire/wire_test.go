package wire

import (
	"bytes"
	"errors"
	"testing"
)

func TestAFrameReadsBackAsWritten(t *testing.T) {
	e := Begin(nil, Call)
	e.U64(7)
	e.U8(CallConsume)
	e.Bool(true)
	e.U32(3)
	e.I32(-4)
	e.I64(-5)
	e.Bytes([]byte("ctx"))
	e.Status(&Status{Code: 2, Permanent: true, GRPCCode: 14, HTTPCode: 503, RetryAfterNs: 9, Message: []byte("busy")})
	e.BytesLen(4)
	frame := append(e.Finish(4), "data"...)

	typ, n, err := Header(frame)
	if err != nil || typ != Call || n != len(frame)-HeaderSize {
		t.Fatalf("Header = %#x, %d, %v; want %#x, %d", typ, n, err, Call, len(frame)-HeaderSize)
	}
	d := NewDecoder(frame[HeaderSize:])
	if d.U64() != 7 || d.U8() != CallConsume || !d.Bool() || d.U32() != 3 || d.I32() != -4 || d.I64() != -5 {
		t.Fatal("integers did not read back")
	}
	if got := d.Bytes(); string(got) != "ctx" {
		t.Fatalf("bytes = %q", got)
	}
	s := d.Status()
	if s.Code != 2 || !s.Permanent || s.GRPCCode != 14 || s.HTTPCode != 503 || s.RetryAfterNs != 9 || string(s.Message) != "busy" {
		t.Fatalf("status = %+v", s)
	}
	if got := d.Bytes(); string(got) != "data" || d.Err() != nil || len(d.Rest()) != 0 {
		t.Fatalf("trailing data = %q, err %v, rest %d", got, d.Err(), len(d.Rest()))
	}
}

// A frame cut anywhere is an error, never a panic nor a short value read as whole.
func TestATruncatedFrameIsAnError(t *testing.T) {
	e := Begin(nil, Reply)
	e.U64(1)
	e.Status(&Status{Code: 6, Message: []byte("processors::probe: action: unknown")})
	e.U64(42)
	body := e.Finish(0)[HeaderSize:]
	for n := range len(body) {
		d := NewDecoder(bytes.Clone(body[:n]))
		d.U64()
		d.Status()
		d.U64()
		if !errors.Is(d.Err(), ErrShort) {
			t.Fatalf("a body cut at %d of %d bytes read without error", n, len(body))
		}
	}
}

func TestAFrameLengthOutOfRangeIsRefused(t *testing.T) {
	for _, h := range [][]byte{{0, 0, 0, 0, Reply}, {1, 0, 0, 0x40, Reply}} {
		if _, _, err := Header(h); err == nil {
			t.Errorf("Header(% x) accepted", h)
		}
	}
}

func FuzzDecoder(f *testing.F) {
	f.Add([]byte{1, 0, 0, 0, 'x', 2})
	f.Fuzz(func(t *testing.T, body []byte) {
		d := NewDecoder(body)
		for d.Err() == nil && len(d.Rest()) > 0 {
			d.Status()
			d.F64()
		}
	})
}
