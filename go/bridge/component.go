package bridge

import "fmt"

// Kind is a component kind, numbered as in the C ABI.
type Kind uint32

// The component kinds.
const (
	KindReceiver  Kind = 1
	KindProcessor Kind = 2
	KindExporter  Kind = 3
	KindExtension Kind = 4
	KindConnector Kind = 5
)

func (k Kind) String() string {
	switch k {
	case KindReceiver:
		return "receiver"
	case KindProcessor:
		return "processor"
	case KindExporter:
		return "exporter"
	case KindExtension:
		return "extension"
	case KindConnector:
		return "connector"
	}
	return fmt.Sprintf("kind(%d)", uint32(k))
}

// Signal is a telemetry signal, numbered as in the C ABI.
type Signal uint32

// The signals.
const (
	SignalTraces  Signal = 1
	SignalMetrics Signal = 2
	SignalLogs    Signal = 3
)

func (s Signal) String() string {
	switch s {
	case SignalTraces:
		return "traces"
	case SignalMetrics:
		return "metrics"
	case SignalLogs:
		return "logs"
	}
	return fmt.Sprintf("signal(%d)", uint32(s))
}

// Signals is a set of signals (bit 0 traces, bit 1 metrics, bit 2 logs).
type Signals uint32

// Of returns the set of the given signals.
func Of(signals ...Signal) Signals {
	var s Signals
	for _, signal := range signals {
		s |= 1 << (signal - 1)
	}
	return s
}

// Has reports whether s contains signal.
func (s Signals) Has(signal Signal) bool {
	return s&(1<<(signal-1)) != 0
}

// Stability is the component's stability level, with the values of component.StabilityLevel.
type Stability uint32

// Component is one entry of the library's registry.
type Component struct {
	index uint32
	// Type is the type name operators write in the collector config.
	Type string
	// Kind is what the component is.
	Kind Kind
	// Signals are the signals it consumes (for a receiver: the signals it can produce).
	Signals Signals
	// SignalsOut are the signals a connector produces.
	SignalsOut Signals
	// Stability is its stability level.
	Stability Stability
}
