//go:build cgo

package bridge

// #include "otelbridge.h"
import "C"

// abiNumber is one number the shim defines in Go beside its definition in the C header.
type abiNumber struct {
	name       string
	goValue    uint64
	headerName string
	header     uint64
}

// abiNumbers pairs every number that crosses the ABI, as the shim defines it, with the header's
// definition. The shim cannot take them from the header: a build without cgo has none. The test
// in abinumbers_test.go checks each pair; the linker drops this table from collectors.
func abiNumbers() []abiNumber {
	return []abiNumber{
		{"abiMajor", abiMajor, "OTELBRIDGE_ABI_MAJOR", C.OTELBRIDGE_ABI_MAJOR},
		{"abiMinor", abiMinor, "OTELBRIDGE_ABI_MINOR", C.OTELBRIDGE_ABI_MINOR},

		{"CodeOK", uint64(CodeOK), "OTB_STATUS_OK", C.OTB_STATUS_OK},
		{"CodePermanent", uint64(CodePermanent), "OTB_STATUS_PERMANENT", C.OTB_STATUS_PERMANENT},
		{"CodeRetryable", uint64(CodeRetryable), "OTB_STATUS_RETRYABLE", C.OTB_STATUS_RETRYABLE},
		{"CodeCancelled", uint64(CodeCancelled), "OTB_STATUS_CANCELLED", C.OTB_STATUS_CANCELLED},
		{"CodeDeadlineExceeded", uint64(CodeDeadlineExceeded), "OTB_STATUS_DEADLINE_EXCEEDED", C.OTB_STATUS_DEADLINE_EXCEEDED},
		{"CodeResourceExhausted", uint64(CodeResourceExhausted), "OTB_STATUS_RESOURCE_EXHAUSTED", C.OTB_STATUS_RESOURCE_EXHAUSTED},
		{"CodeInvalidConfig", uint64(CodeInvalidConfig), "OTB_STATUS_INVALID_CONFIG", C.OTB_STATUS_INVALID_CONFIG},
		{"CodePanicked", uint64(CodePanicked), "OTB_STATUS_PANICKED", C.OTB_STATUS_PANICKED},
		{"CodeInternal", uint64(CodeInternal), "OTB_STATUS_INTERNAL", C.OTB_STATUS_INTERNAL},

		{"OutcomeUnchanged", uint64(OutcomeUnchanged), "OTB_OUTCOME_UNCHANGED", C.OTB_OUTCOME_UNCHANGED},
		{"OutcomeReplaced", uint64(OutcomeReplaced), "OTB_OUTCOME_REPLACED", C.OTB_OUTCOME_REPLACED},
		{"OutcomeDropped", uint64(OutcomeDropped), "OTB_OUTCOME_DROPPED", C.OTB_OUTCOME_DROPPED},
		{"OutcomeEdited", uint64(OutcomeEdited), "OTB_OUTCOME_EDITED", C.OTB_OUTCOME_EDITED},

		{"logOff", uint64(logOff), "OTB_LOG_OFF", C.OTB_LOG_OFF},
		{"logError", uint64(logError), "OTB_LOG_ERROR", C.OTB_LOG_ERROR},
		{"logWarn", uint64(logWarn), "OTB_LOG_WARN", C.OTB_LOG_WARN},
		{"logInfo", uint64(logInfo), "OTB_LOG_INFO", C.OTB_LOG_INFO},
		{"logDebug", uint64(logDebug), "OTB_LOG_DEBUG", C.OTB_LOG_DEBUG},
		{"fieldString", fieldString, "OTB_LOG_FIELD_STRING", C.OTB_LOG_FIELD_STRING},
		{"fieldInt64", fieldInt64, "OTB_LOG_FIELD_I64", C.OTB_LOG_FIELD_I64},
		{"fieldUint64", fieldUint64, "OTB_LOG_FIELD_U64", C.OTB_LOG_FIELD_U64},
		{"fieldFloat", fieldFloat, "OTB_LOG_FIELD_F64", C.OTB_LOG_FIELD_F64},
		{"fieldBool", fieldBool, "OTB_LOG_FIELD_BOOL", C.OTB_LOG_FIELD_BOOL},

		{"contextMetadata", contextMetadata, "OTB_CONTEXT_METADATA", C.OTB_CONTEXT_METADATA},
		{"contextPeerAddr", contextPeerAddr, "OTB_CONTEXT_PEER_ADDR", C.OTB_CONTEXT_PEER_ADDR},
		{"contextTrace", contextTrace, "OTB_CONTEXT_TRACE", C.OTB_CONTEXT_TRACE},

		{"KindReceiver", uint64(KindReceiver), "OTB_KIND_RECEIVER", C.OTB_KIND_RECEIVER},
		{"KindProcessor", uint64(KindProcessor), "OTB_KIND_PROCESSOR", C.OTB_KIND_PROCESSOR},
		{"KindExporter", uint64(KindExporter), "OTB_KIND_EXPORTER", C.OTB_KIND_EXPORTER},
		{"KindExtension", uint64(KindExtension), "OTB_KIND_EXTENSION", C.OTB_KIND_EXTENSION},
		{"KindConnector", uint64(KindConnector), "OTB_KIND_CONNECTOR", C.OTB_KIND_CONNECTOR},

		{"SignalTraces", uint64(SignalTraces), "OTB_SIGNAL_TRACES", C.OTB_SIGNAL_TRACES},
		{"SignalMetrics", uint64(SignalMetrics), "OTB_SIGNAL_METRICS", C.OTB_SIGNAL_METRICS},
		{"SignalLogs", uint64(SignalLogs), "OTB_SIGNAL_LOGS", C.OTB_SIGNAL_LOGS},
		{"Of(SignalTraces)", uint64(Of(SignalTraces)), "OTB_SIGNAL_BIT_TRACES", C.OTB_SIGNAL_BIT_TRACES},
		{"Of(SignalMetrics)", uint64(Of(SignalMetrics)), "OTB_SIGNAL_BIT_METRICS", C.OTB_SIGNAL_BIT_METRICS},
		{"Of(SignalLogs)", uint64(Of(SignalLogs)), "OTB_SIGNAL_BIT_LOGS", C.OTB_SIGNAL_BIT_LOGS},

		{"StatusOK", uint64(StatusOK), "OTB_COMPONENT_STATUS_OK", C.OTB_COMPONENT_STATUS_OK},
		{"StatusRecoverableError", uint64(StatusRecoverableError), "OTB_COMPONENT_STATUS_RECOVERABLE_ERROR", C.OTB_COMPONENT_STATUS_RECOVERABLE_ERROR},
		{"StatusPermanentError", uint64(StatusPermanentError), "OTB_COMPONENT_STATUS_PERMANENT_ERROR", C.OTB_COMPONENT_STATUS_PERMANENT_ERROR},
		{"StatusFatalError", uint64(StatusFatalError), "OTB_COMPONENT_STATUS_FATAL_ERROR", C.OTB_COMPONENT_STATUS_FATAL_ERROR},

		{"InstrumentCounter", uint64(InstrumentCounter), "OTB_INSTRUMENT_COUNTER", C.OTB_INSTRUMENT_COUNTER},
		{"InstrumentUpDownCounter", uint64(InstrumentUpDownCounter), "OTB_INSTRUMENT_UP_DOWN_COUNTER", C.OTB_INSTRUMENT_UP_DOWN_COUNTER},
		{"InstrumentHistogram", uint64(InstrumentHistogram), "OTB_INSTRUMENT_HISTOGRAM", C.OTB_INSTRUMENT_HISTOGRAM},
		{"InstrumentGauge", uint64(InstrumentGauge), "OTB_INSTRUMENT_GAUGE", C.OTB_INSTRUMENT_GAUGE},
	}
}

// headerStabilities are the header's stability levels, in the collector's order.
func headerStabilities() []uint64 {
	return []uint64{
		C.OTB_STABILITY_UNDEFINED, C.OTB_STABILITY_UNMAINTAINED, C.OTB_STABILITY_DEPRECATED,
		C.OTB_STABILITY_DEVELOPMENT, C.OTB_STABILITY_ALPHA, C.OTB_STABILITY_BETA, C.OTB_STABILITY_STABLE,
	}
}
