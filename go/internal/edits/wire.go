// Package edits applies a Rust processor's edits (OTB_OUTCOME_EDITED) to the batch the collector
// already holds, so a small change costs a small message instead of a whole new batch to decode.
// The flat encoding is specified in ffi/README.md ("Edits") and written by the Rust SDK's
// otelbridge::edits module.
package edits

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
)

// kind is what a target addresses; its number is the encoding's.
type kind uint8

const (
	kindResource kind = iota
	kindScope
	kindRecord
	kindEvent
	kindLink
	kindDataPoint
	kindExemplar
)

// depth is how many indices each kind carries.
var depth = [...]int{kindResource: 1, kindScope: 2, kindRecord: 3, kindEvent: 4, kindLink: 4, kindDataPoint: 4, kindExemplar: 5}

var kindNames = [...]string{"resource", "scope", "record", "event", "link", "data point", "exemplar"}

// target is one place in a batch: a kind and its indices (resource, scope, record, then event,
// link or data point, then exemplar), as the batch was before any edit.
type target struct {
	kind kind
	at   [5]int
}

func (t target) String() string {
	s := kindNames[t.kind]
	for i := range depth[t.kind] {
		sep := "/"
		if i == 0 {
			sep = " "
		}
		s += fmt.Sprintf("%s%d", sep, t.at[i])
	}
	return s
}

type op uint8

const (
	opSet op = iota + 1
	opRemove
	opSetBody
	opDrop
)

const (
	valueStr uint8 = iota + 1
	valueInt
	valueDouble
	valueBool
	valueBytes
	valueAny
)

// edit is one decoded edit. key and raw view the Rust buffer: copy before keeping them.
type edit struct {
	op    op
	at    target
	key   []byte
	tag   uint8
	num   uint64
	raw   []byte
	other pcommon.Value // for valueAny, decoded up front so a bad value fails before any change
}

var errTruncated = errors.New("cut short")

// reader walks the encoding.
type reader struct {
	buf []byte
	off int
}

func (r *reader) u8() (uint8, error) {
	if r.off >= len(r.buf) {
		return 0, errTruncated
	}
	r.off++
	return r.buf[r.off-1], nil
}

func (r *reader) u32() (uint32, error) {
	if len(r.buf)-r.off < 4 {
		return 0, errTruncated
	}
	r.off += 4
	return binary.LittleEndian.Uint32(r.buf[r.off-4:]), nil
}

func (r *reader) u64() (uint64, error) {
	if len(r.buf)-r.off < 8 {
		return 0, errTruncated
	}
	r.off += 8
	return binary.LittleEndian.Uint64(r.buf[r.off-8:]), nil
}

func (r *reader) lenPrefixed() ([]byte, error) {
	n, err := r.u32()
	if err != nil {
		return nil, err
	}
	if uint64(len(r.buf)-r.off) < uint64(n) {
		return nil, errTruncated
	}
	r.off += int(n)
	return r.buf[r.off-int(n) : r.off], nil
}

func (r *reader) target() (target, error) {
	k, err := r.u8()
	if err != nil {
		return target{}, err
	}
	if int(k) >= len(depth) {
		return target{}, fmt.Errorf("unknown target kind %d", k)
	}
	t := target{kind: kind(k)}
	for i := range depth[k] {
		n, err := r.u32()
		if err != nil {
			return target{}, err
		}
		t.at[i] = int(n)
	}
	return t, nil
}

func (r *reader) value(e *edit) error {
	var err error
	if e.tag, err = r.u8(); err != nil {
		return err
	}
	switch e.tag {
	case valueStr, valueBytes:
		e.raw, err = r.lenPrefixed()
	case valueInt, valueDouble:
		e.num, err = r.u64()
	case valueBool:
		var b uint8
		b, err = r.u8()
		e.num = uint64(b)
	case valueAny:
		if e.raw, err = r.lenPrefixed(); err == nil {
			e.other, err = unwrapAny(e.raw)
		}
	default:
		err = fmt.Errorf("unknown value tag %d", e.tag)
	}
	return err
}

// unwrapAny reads a value sent as the body of the one log record of an OTLP logs request.
func unwrapAny(raw []byte) (pcommon.Value, error) {
	var u plog.ProtoUnmarshaler
	logs, err := u.UnmarshalLogs(raw)
	if err != nil {
		return pcommon.Value{}, err
	}
	if logs.ResourceLogs().Len() != 1 || logs.ResourceLogs().At(0).ScopeLogs().Len() != 1 ||
		logs.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().Len() != 1 {
		return pcommon.Value{}, errors.New("a value must come as the body of exactly one log record")
	}
	return logs.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0).Body(), nil
}

// parse decodes every edit, or fails naming the first bad one.
func parse(wire []byte) ([]edit, error) {
	r := reader{buf: wire}
	var edits []edit
	for r.off < len(r.buf) {
		start := r.off
		e, err := r.edit()
		if err != nil {
			return nil, fmt.Errorf("edit %d (at byte %d) is malformed: %w", len(edits), start, err)
		}
		edits = append(edits, e)
	}
	return edits, nil
}

func (r *reader) edit() (edit, error) {
	var e edit
	o, err := r.u8()
	if err != nil {
		return e, err
	}
	e.op = op(o)
	if e.at, err = r.target(); err != nil {
		return e, err
	}
	switch e.op {
	case opSet:
		if e.key, err = r.lenPrefixed(); err == nil {
			err = r.value(&e)
		}
	case opRemove:
		e.key, err = r.lenPrefixed()
	case opSetBody:
		err = r.value(&e)
	case opDrop:
	default:
		err = fmt.Errorf("unknown op %d", o)
	}
	return e, err
}

// setValue writes the edit's value into dest, copying out of the Rust buffer.
func (e *edit) setValue(dest pcommon.Value) {
	switch e.tag {
	case valueStr:
		dest.SetStr(string(e.raw))
	case valueInt:
		dest.SetInt(int64(e.num))
	case valueDouble:
		dest.SetDouble(math.Float64frombits(e.num))
	case valueBool:
		dest.SetBool(e.num != 0)
	case valueBytes:
		dest.SetEmptyBytes().FromRaw(append([]byte(nil), e.raw...))
	case valueAny:
		e.other.CopyTo(dest)
	}
}
