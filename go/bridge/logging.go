package bridge

import (
	"encoding/binary"
	"math"
	"sync/atomic"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// Log levels as the C ABI numbers them (OTB_LOG_*).
const (
	logOff uint32 = iota
	logError
	logWarn
	logInfo
	logDebug
)

// Field value types in the flat field encoding (see ffi/README.md).
const (
	fieldString = 1
	fieldInt64  = 2
	fieldUint64 = 3
	fieldFloat  = 4
	fieldBool   = 5
)

// fallback is the logger for events outside any component, and of sinks already released.
var fallback atomic.Pointer[zap.Logger]

// SetDefaultLogger sets the logger for events outside any component (such as a panic in a task a
// component spawned with tokio directly).
func SetDefaultLogger(logger *zap.Logger) {
	fallback.Store(logger)
}

func defaultLogger() *zap.Logger {
	if l := fallback.Load(); l != nil {
		return l
	}
	return zap.NewNop()
}

// levelOf is the most verbose ABI level logger records, so Rust skips events nobody will see.
func levelOf(logger *zap.Logger) uint32 {
	core := logger.Core()
	switch {
	case core.Enabled(zapcore.DebugLevel):
		return logDebug
	case core.Enabled(zapcore.InfoLevel):
		return logInfo
	case core.Enabled(zapcore.WarnLevel):
		return logWarn
	case core.Enabled(zapcore.ErrorLevel):
		return logError
	}
	return logOff
}

func zapLevel(level uint32) zapcore.Level {
	switch level {
	case logError:
		return zapcore.ErrorLevel
	case logWarn:
		return zapcore.WarnLevel
	case logInfo:
		return zapcore.InfoLevel
	}
	return zapcore.DebugLevel
}

// writeLog sends one Rust event to the sink's logger.
func writeLog(sink uint64, level uint32, message string, fields []byte) {
	logger := defaultLogger()
	if s := sinkFor(sink); s != nil && s.Logger != nil {
		logger = s.Logger
	}
	if entry := logger.Check(zapLevel(level), message); entry != nil {
		entry.Write(decodeFields(fields)...)
	}
}

// decodeFields reads the flat field records; a malformed tail is dropped, never a crash.
func decodeFields(b []byte) []zap.Field {
	var fields []zap.Field
	for len(b) > 0 {
		kind := b[0]
		key, rest, ok := cutString(b[1:])
		if !ok {
			return fields
		}
		b = rest
		switch {
		case kind == fieldString:
			value, rest, ok := cutString(b)
			if !ok {
				return fields
			}
			fields = append(fields, zap.String(key, value))
			b = rest
		case kind == fieldInt64 && len(b) >= 8:
			fields = append(fields, zap.Int64(key, int64(binary.LittleEndian.Uint64(b))))
			b = b[8:]
		case kind == fieldUint64 && len(b) >= 8:
			fields = append(fields, zap.Uint64(key, binary.LittleEndian.Uint64(b)))
			b = b[8:]
		case kind == fieldFloat && len(b) >= 8:
			fields = append(fields, zap.Float64(key, math.Float64frombits(binary.LittleEndian.Uint64(b))))
			b = b[8:]
		case kind == fieldBool && len(b) >= 1:
			fields = append(fields, zap.Bool(key, b[0] != 0))
			b = b[1:]
		default:
			return fields
		}
	}
	return fields
}
