// Package wire encodes and decodes the frames of subprocess mode's protocol: what the collector
// and the host program send each other over their socket (ffi/README.md, "Subprocess mode").
// Every integer is little-endian; a byte string is a uint32 length and its bytes.
package wire

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// Protocol is the protocol version HELLO carries.
const Protocol = 1

// MaxFrame bounds a frame's length: a longer one means the peer is broken.
const MaxFrame = 1 << 30

// HeaderSize is the length prefix and the type.
const HeaderSize = 5

// Frame types, from the collector to the host program.
const (
	Hello          byte = 0x01
	Registry       byte = 0x02
	ConfigDefault  byte = 0x03
	ConfigValidate byte = 0x04
	RuntimeWorkers byte = 0x05
	RuntimeJSON    byte = 0x06
	Create         byte = 0x07
	Call           byte = 0x08
	Cancel         byte = 0x09
	Free           byte = 0x0A
	Consumed       byte = 0x0B
	Mark           byte = 0x0C
	Ping           byte = 0x0D
	Nop            byte = 0x0E
	Bye            byte = 0x0F
)

// Frame types, from the host program to the collector.
const (
	Reply    byte = 0x81
	Complete byte = 0x82
	Event    byte = 0x83
)

// The kinds of a CALL.
const (
	CallStart    byte = 0
	CallShutdown byte = 1
	CallConsume  byte = 2
)

// Status is OtbStatus (and OtbHostStatus) on the wire.
type Status struct {
	Code         uint32
	Permanent    bool
	GRPCCode     int32
	HTTPCode     int32
	RetryAfterNs int64
	Message      []byte
}

// Encoder builds one frame. Start it with Begin, append fields, and take it with Finish.
type Encoder struct {
	buf []byte
}

// Begin starts a frame of type t in buf's storage (reused: pass the last frame's buffer).
func Begin(buf []byte, t byte) Encoder {
	return Encoder{buf: append(buf[:0], 0, 0, 0, 0, t)}
}

// U8 appends a byte.
func (e *Encoder) U8(v byte) { e.buf = append(e.buf, v) }

// Bool appends a bool as a byte.
func (e *Encoder) Bool(v bool) {
	if v {
		e.U8(1)
	} else {
		e.U8(0)
	}
}

// U32 appends a uint32.
func (e *Encoder) U32(v uint32) { e.buf = binary.LittleEndian.AppendUint32(e.buf, v) }

// U64 appends a uint64.
func (e *Encoder) U64(v uint64) { e.buf = binary.LittleEndian.AppendUint64(e.buf, v) }

// I32 appends an int32.
func (e *Encoder) I32(v int32) { e.U32(uint32(v)) }

// I64 appends an int64.
func (e *Encoder) I64(v int64) { e.U64(uint64(v)) }

// Bytes appends a byte string.
func (e *Encoder) Bytes(b []byte) {
	e.U32(uint32(len(b)))
	e.buf = append(e.buf, b...)
}

// BytesLen appends only a byte string's length: the caller writes its bytes after the frame
// (a batch, which need not be copied).
func (e *Encoder) BytesLen(n int) { e.U32(uint32(n)) }

// Status appends a status.
func (e *Encoder) Status(s *Status) {
	e.U32(s.Code)
	e.Bool(s.Permanent)
	e.I32(s.GRPCCode)
	e.I32(s.HTTPCode)
	e.I64(s.RetryAfterNs)
	e.Bytes(s.Message)
}

// Finish sets the frame's length, counting trailing bytes the caller writes after it, and
// returns the frame.
func (e *Encoder) Finish(trailing int) []byte {
	binary.LittleEndian.PutUint32(e.buf, uint32(len(e.buf)-4+trailing))
	return e.buf
}

// ErrShort is a frame that ends before its fields do.
var ErrShort = errors.New("frame too short")

// Decoder reads the fields of one frame's body. The first error sticks: check Err once, after
// the last field.
type Decoder struct {
	body []byte
	err  error
}

// NewDecoder reads body, a frame without its length and type.
func NewDecoder(body []byte) *Decoder { return &Decoder{body: body} }

// Err is the first error, or nil.
func (d *Decoder) Err() error { return d.err }

// Rest is what has not been read.
func (d *Decoder) Rest() []byte { return d.body }

func (d *Decoder) take(n int) []byte {
	if d.err != nil {
		return nil
	}
	if n < 0 || len(d.body) < n {
		d.err = ErrShort
		d.body = nil
		return nil
	}
	b := d.body[:n:n]
	d.body = d.body[n:]
	return b
}

// U8 reads a byte.
func (d *Decoder) U8() byte {
	if b := d.take(1); b != nil {
		return b[0]
	}
	return 0
}

// Bool reads a byte as a bool.
func (d *Decoder) Bool() bool { return d.U8() != 0 }

// U32 reads a uint32.
func (d *Decoder) U32() uint32 {
	if b := d.take(4); b != nil {
		return binary.LittleEndian.Uint32(b)
	}
	return 0
}

// U64 reads a uint64.
func (d *Decoder) U64() uint64 {
	if b := d.take(8); b != nil {
		return binary.LittleEndian.Uint64(b)
	}
	return 0
}

// I32 reads an int32.
func (d *Decoder) I32() int32 { return int32(d.U32()) }

// I64 reads an int64.
func (d *Decoder) I64() int64 { return int64(d.U64()) }

// F64 reads a float64.
func (d *Decoder) F64() float64 { return math.Float64frombits(d.U64()) }

// Bytes reads a byte string: a view of the frame, nil when empty.
func (d *Decoder) Bytes() []byte {
	n := d.U32()
	if d.err != nil || n == 0 {
		return nil
	}
	return d.take(int(n))
}

// Status reads a status.
func (d *Decoder) Status() Status {
	return Status{
		Code:         d.U32(),
		Permanent:    d.Bool(),
		GRPCCode:     d.I32(),
		HTTPCode:     d.I32(),
		RetryAfterNs: d.I64(),
		Message:      d.Bytes(),
	}
}

// Header reads a frame's length prefix and type from its first HeaderSize bytes, and returns
// the length of its body.
func Header(h []byte) (t byte, bodyLen int, err error) {
	n := binary.LittleEndian.Uint32(h)
	if n < 1 || n > MaxFrame {
		return 0, 0, fmt.Errorf("frame length %d out of range", n)
	}
	return h[4], int(n) - 1, nil
}

// Raw appends bytes as they are (fields encoded before).
func (e *Encoder) Raw(b []byte) { e.buf = append(e.buf, b...) }
