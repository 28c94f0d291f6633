package bridge

import (
	"context"
	"sync"
	"sync/atomic"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.uber.org/zap"
)

// StatusCode is a Rust component's reported status, numbered as in the C ABI.
type StatusCode uint32

// The statuses.
const (
	StatusOK               StatusCode = 1
	StatusRecoverableError StatusCode = 2
	StatusPermanentError   StatusCode = 3
	StatusFatalError       StatusCode = 4
)

// InstrumentKind is a metric instrument kind, numbered as in the C ABI.
type InstrumentKind uint32

// The instrument kinds.
const (
	InstrumentCounter       InstrumentKind = 1
	InstrumentUpDownCounter InstrumentKind = 2
	InstrumentHistogram     InstrumentKind = 3
	InstrumentGauge         InstrumentKind = 4
)

// reportStatus hands a status report to the sink's reporter.
func reportStatus(sink uint64, code StatusCode, message string) {
	if s := sinkFor(sink); s != nil && s.ReportStatus != nil {
		s.ReportStatus(code, message)
	}
}

// instrument records one Rust instrument's measurements.
type instrument struct {
	sink   uint64
	record func(value float64, attrs metric.MeasurementOption)
	// attrs are the sink's attributes, added to every measurement.
	attrs []attribute.KeyValue
	// options caches the measurement option of each attribute encoding Rust sent, so a
	// measurement with attributes seen before allocates nothing.
	options *optionCache
}

// optionCache maps flat attribute encodings to measurement options, up to a bound (attribute
// values of unbounded cardinality would otherwise grow it forever).
type optionCache struct {
	mu      sync.RWMutex
	options map[string]metric.MeasurementOption
}

const optionCacheLimit = 1024

func (c *optionCache) get(flat []byte, extra []attribute.KeyValue) metric.MeasurementOption {
	c.mu.RLock()
	option, ok := c.options[string(flat)]
	c.mu.RUnlock()
	if ok {
		return option
	}
	option = metric.WithAttributeSet(attribute.NewSet(append(decodeAttributes(flat), extra...)...))
	c.mu.Lock()
	if len(c.options) < optionCacheLimit {
		c.options[string(flat)] = option
	}
	c.mu.Unlock()
	return option
}

var (
	instrumentsMu  sync.RWMutex
	instruments    = map[uint64]instrument{}
	nextInstrument atomic.Uint64
)

// createInstrument creates instrument id with the sink's meter; false when it cannot (its
// measurements are then dropped). With cgo Go picks the id; without, Rust does (an event cannot
// return one).
func createInstrument(id, sink uint64, kind InstrumentKind, name, description, unit string) bool {
	s := sinkFor(sink)
	if s == nil || s.Meter == nil {
		return false
	}
	desc, u := metric.WithDescription(description), metric.WithUnit(unit)
	var record func(float64, metric.MeasurementOption)
	var err error
	switch kind {
	case InstrumentCounter:
		var c metric.Float64Counter
		c, err = s.Meter.Float64Counter(name, desc, u)
		record = func(v float64, o metric.MeasurementOption) { c.Add(context.Background(), v, o) }
	case InstrumentUpDownCounter:
		var c metric.Float64UpDownCounter
		c, err = s.Meter.Float64UpDownCounter(name, desc, u)
		record = func(v float64, o metric.MeasurementOption) { c.Add(context.Background(), v, o) }
	case InstrumentHistogram:
		var h metric.Float64Histogram
		h, err = s.Meter.Float64Histogram(name, desc, u)
		record = func(v float64, o metric.MeasurementOption) { h.Record(context.Background(), v, o) }
	case InstrumentGauge:
		var g metric.Float64Gauge
		g, err = s.Meter.Float64Gauge(name, desc, u)
		record = func(v float64, o metric.MeasurementOption) { g.Record(context.Background(), v, o) }
	default:
		return false
	}
	if err != nil {
		s.Logger.Warn("a Rust component's metric instrument could not be created", zap.String("name", name), zap.Error(err))
		return false
	}
	instrumentsMu.Lock()
	instruments[id] = instrument{sink: sink, record: record, attrs: s.Attributes,
		options: &optionCache{options: map[string]metric.MeasurementOption{}}}
	instrumentsMu.Unlock()
	return true
}

// recordMeasurement records value with the flat string attributes on instrument id.
func recordMeasurement(id uint64, value float64, flat []byte) {
	instrumentsMu.RLock()
	inst, ok := instruments[id]
	instrumentsMu.RUnlock()
	if !ok {
		return
	}
	inst.record(value, inst.options.get(flat, inst.attrs))
}

// releaseInstruments forgets the instruments of a released sink.
func releaseInstruments(sink uint64) {
	instrumentsMu.Lock()
	defer instrumentsMu.Unlock()
	for id, inst := range instruments {
		if inst.sink == sink {
			delete(instruments, id)
		}
	}
}

// decodeAttributes reads `[key][value]` string pairs; a malformed tail is dropped.
func decodeAttributes(b []byte) []attribute.KeyValue {
	var attrs []attribute.KeyValue
	for {
		key, rest, ok := cutString(b)
		if !ok {
			return attrs
		}
		value, rest, ok := cutString(rest)
		if !ok {
			return attrs
		}
		attrs = append(attrs, attribute.String(key, value))
		b = rest
	}
}
