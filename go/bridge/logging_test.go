package bridge

import (
	"context"
	"encoding/binary"
	"math"
	"testing"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"
)

func field(kind byte, key string, value []byte) []byte {
	out := []byte{kind}
	out = appendString(out, key)
	return append(out, value...)
}

func TestLogFieldsDecodeWithTheirTypes(t *testing.T) {
	var flat []byte
	flat = append(flat, field(fieldString, "user", appendString(nil, "ann"))...)
	flat = append(flat, field(fieldInt64, "delta", binary.LittleEndian.AppendUint64(nil, uint64(0xffffffffffffffff)))...)
	flat = append(flat, field(fieldUint64, "count", binary.LittleEndian.AppendUint64(nil, 7))...)
	flat = append(flat, field(fieldFloat, "ratio", binary.LittleEndian.AppendUint64(nil, math.Float64bits(0.25)))...)
	flat = append(flat, field(fieldBool, "ok", []byte{1})...)

	core, logs := observer.New(zapcore.DebugLevel)
	sink, level := registerSink(&Sink{Logger: zap.New(core)})
	defer releaseSink(context.Background(), sink)
	if level != logDebug {
		t.Fatalf("level = %d, want debug", level)
	}
	writeLog(sink, logWarn, "hello", flat)
	entries := logs.All()
	if len(entries) != 1 || entries[0].Level != zapcore.WarnLevel || entries[0].Message != "hello" {
		t.Fatalf("entries = %v", entries)
	}
	got := entries[0].ContextMap()
	want := map[string]any{"user": "ann", "delta": int64(-1), "count": uint64(7), "ratio": 0.25, "ok": true}
	for k, v := range want {
		if got[k] != v {
			t.Fatalf("field %s = %#v, want %#v (all: %v)", k, got[k], v, got)
		}
	}
}

func TestMalformedLogFieldsAreDroppedNotACrash(t *testing.T) {
	good := field(fieldBool, "ok", []byte{1})
	for _, tail := range [][]byte{{fieldString, 9, 0, 0, 0}, {fieldInt64, 1, 0, 0, 0, 'k', 1}, {42, 0, 0, 0, 0}} {
		fields := decodeFields(append(append([]byte{}, good...), tail...))
		if len(fields) != 1 || fields[0].Key != "ok" {
			t.Fatalf("fields = %v", fields)
		}
	}
}

func TestEventsOfAReleasedSinkGoToTheDefaultLogger(t *testing.T) {
	core, logs := observer.New(zapcore.InfoLevel)
	SetDefaultLogger(zap.New(core))
	defer SetDefaultLogger(zap.NewNop())
	sink, _ := registerSink(&Sink{})
	releaseSink(context.Background(), sink)
	writeLog(sink, logInfo, "late event", nil)
	if logs.Len() != 1 {
		t.Fatalf("the default logger got %d entries", logs.Len())
	}
}
