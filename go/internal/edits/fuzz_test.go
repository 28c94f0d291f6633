package edits

import (
	"bytes"
	"testing"

	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// FuzzApply: any edit wire against any batch pdata unmarshals. Edits are all or nothing: an error
// leaves the batch exactly as it was; success leaves a batch that marshals and unmarshals again.
// Never a panic, whatever Rust (or a corrupted buffer) sends.
func FuzzApply(f *testing.F) {
	td := oneResource()
	var tm ptrace.ProtoMarshaler
	batch, _ := tm.MarshalTraces(td)
	f.Add(setStr(0, "k", "after"), batch, uint8(0))
	f.Add(append(setStr(0, "k", "v"), byte(opDrop), byte(kindResource), 0, 0, 0, 0), batch, uint8(0))
	f.Add([]byte{byte(opSetBody), byte(kindRecord), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, valueBool, 1}, []byte{}, uint8(2))
	f.Fuzz(func(t *testing.T, wire, batch []byte, signal uint8) {
		switch signal % 3 {
		case 0:
			var u ptrace.ProtoUnmarshaler
			var m ptrace.ProtoMarshaler
			td, err := u.UnmarshalTraces(batch)
			if err != nil {
				return
			}
			check(t, func() ([]byte, error) { return m.MarshalTraces(td) }, func() error { return Traces(td, wire) },
				func(b []byte) error { _, err := u.UnmarshalTraces(b); return err })
		case 1:
			var u pmetric.ProtoUnmarshaler
			var m pmetric.ProtoMarshaler
			md, err := u.UnmarshalMetrics(batch)
			if err != nil {
				return
			}
			check(t, func() ([]byte, error) { return m.MarshalMetrics(md) }, func() error { return Metrics(md, wire) },
				func(b []byte) error { _, err := u.UnmarshalMetrics(b); return err })
		default:
			var u plog.ProtoUnmarshaler
			var m plog.ProtoMarshaler
			ld, err := u.UnmarshalLogs(batch)
			if err != nil {
				return
			}
			check(t, func() ([]byte, error) { return m.MarshalLogs(ld) }, func() error { return Logs(ld, wire) },
				func(b []byte) error { _, err := u.UnmarshalLogs(b); return err })
		}
	})
}

// check applies edits between two marshals of the batch and compares.
func check(t *testing.T, marshal func() ([]byte, error), apply func() error, unmarshal func([]byte) error) {
	t.Helper()
	before, err := marshal()
	if err != nil {
		t.Fatal(err)
	}
	applyErr := apply()
	after, err := marshal()
	if err != nil {
		t.Fatalf("an edited batch does not marshal: %v", err)
	}
	if applyErr != nil {
		if !bytes.Equal(before, after) {
			t.Fatalf("edits failed (%v) but changed the batch", applyErr)
		}
		return
	}
	if err := unmarshal(after); err != nil {
		t.Fatalf("an edited batch does not unmarshal again: %v", err)
	}
}
