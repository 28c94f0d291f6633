//go:build cgo

package bridge

// #cgo CFLAGS: -I${SRCDIR}/../../ffi/include
// #include "otelbridge.h"
import "C"

import "unsafe"

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

		{"pollReady", pollReady, "OTB_POLL_READY", C.OTB_POLL_READY},
		{"pollPending", pollPending, "OTB_POLL_PENDING", C.OTB_POLL_PENDING},
		{"eventComplete", eventComplete, "OTB_EVENT_COMPLETE", C.OTB_EVENT_COMPLETE},
		{"eventLog", eventLog, "OTB_EVENT_LOG", C.OTB_EVENT_LOG},
		{"eventStatus", eventStatus, "OTB_EVENT_STATUS", C.OTB_EVENT_STATUS},
		{"eventInstrument", eventInstrument, "OTB_EVENT_INSTRUMENT", C.OTB_EVENT_INSTRUMENT},
		{"eventRecord", eventRecord, "OTB_EVENT_RECORD", C.OTB_EVENT_RECORD},
		{"eventConsume", eventConsume, "OTB_EVENT_CONSUME", C.OTB_EVENT_CONSUME},
		{"eventMark", eventMark, "OTB_EVENT_MARK", C.OTB_EVENT_MARK},
		{"eventsOK", eventsOK, "OTB_EVENTS_OK", C.OTB_EVENTS_OK},
		{"eventsClosed", eventsClosed, "OTB_EVENTS_CLOSED", C.OTB_EVENTS_CLOSED},
	}
}

// abiLayout is one struct's size or field offset, as the shim declares it (abi.go) and as the
// header does.
type abiLayout struct {
	name         string
	goValue, cgo uintptr
}

// abiLayouts pairs the layout of every struct the shim declares with the header's: the build
// without cgo has only the Go declarations.
func abiLayouts() []abiLayout {
	var (
		buf     otbBuf
		str     otbStr
		status  otbStatus
		result  otbResult
		host    otbHostStatus
		info    otbLibraryInfo
		entry   otbComponentInfo
		event   otbEvent
		cBuf    C.OtbBuf
		cStr    C.OtbStr
		cStatus C.OtbStatus
		cResult C.OtbResult
		cHost   C.OtbHostStatus
		cInfo   C.OtbLibraryInfo
		cEntry  C.OtbComponentInfo
		cEvent  C.OtbEvent
	)
	return []abiLayout{
		{"OtbBuf", unsafe.Sizeof(buf), unsafe.Sizeof(cBuf)},
		{"OtbBuf.len", unsafe.Offsetof(buf.len), unsafe.Offsetof(cBuf.len)},
		{"OtbBuf.cap", unsafe.Offsetof(buf.cap), unsafe.Offsetof(cBuf.cap)},
		{"OtbStr", unsafe.Sizeof(str), unsafe.Sizeof(cStr)},
		{"OtbStr.len", unsafe.Offsetof(str.len), unsafe.Offsetof(cStr.len)},
		{"OtbStatus", unsafe.Sizeof(status), unsafe.Sizeof(cStatus)},
		{"OtbStatus.permanent", unsafe.Offsetof(status.permanent), unsafe.Offsetof(cStatus.permanent)},
		{"OtbStatus.grpc_code", unsafe.Offsetof(status.grpcCode), unsafe.Offsetof(cStatus.grpc_code)},
		{"OtbStatus.http_code", unsafe.Offsetof(status.httpCode), unsafe.Offsetof(cStatus.http_code)},
		{"OtbStatus.retry_after_ns", unsafe.Offsetof(status.retryAfterNs), unsafe.Offsetof(cStatus.retry_after_ns)},
		{"OtbStatus.message", unsafe.Offsetof(status.message), unsafe.Offsetof(cStatus.message)},
		{"OtbResult", unsafe.Sizeof(result), unsafe.Sizeof(cResult)},
		{"OtbResult.outcome", unsafe.Offsetof(result.outcome), unsafe.Offsetof(cResult.outcome)},
		{"OtbResult.data", unsafe.Offsetof(result.data), unsafe.Offsetof(cResult.data)},
		{"OtbHostStatus", unsafe.Sizeof(host), unsafe.Sizeof(cHost)},
		{"OtbHostStatus.permanent", unsafe.Offsetof(host.permanent), unsafe.Offsetof(cHost.permanent)},
		{"OtbHostStatus.grpc_code", unsafe.Offsetof(host.grpcCode), unsafe.Offsetof(cHost.grpc_code)},
		{"OtbHostStatus.http_code", unsafe.Offsetof(host.httpCode), unsafe.Offsetof(cHost.http_code)},
		{"OtbHostStatus.retry_after_ns", unsafe.Offsetof(host.retryAfterNs), unsafe.Offsetof(cHost.retry_after_ns)},
		{"OtbHostStatus.message", unsafe.Offsetof(host.message), unsafe.Offsetof(cHost.message)},
		{"OtbLibraryInfo", unsafe.Sizeof(info), unsafe.Sizeof(cInfo)},
		{"OtbLibraryInfo.abi_minor", unsafe.Offsetof(info.abiMinor), unsafe.Offsetof(cInfo.abi_minor)},
		{"OtbLibraryInfo.component_count", unsafe.Offsetof(info.componentCount), unsafe.Offsetof(cInfo.component_count)},
		{"OtbComponentInfo", unsafe.Sizeof(entry), unsafe.Sizeof(cEntry)},
		{"OtbComponentInfo.kind", unsafe.Offsetof(entry.kind), unsafe.Offsetof(cEntry.kind)},
		{"OtbComponentInfo.signals", unsafe.Offsetof(entry.signals), unsafe.Offsetof(cEntry.signals)},
		{"OtbComponentInfo.signals_out", unsafe.Offsetof(entry.signalsOut), unsafe.Offsetof(cEntry.signals_out)},
		{"OtbComponentInfo.stability", unsafe.Offsetof(entry.stability), unsafe.Offsetof(cEntry.stability)},
		{"OtbEvent", unsafe.Sizeof(event), unsafe.Sizeof(cEvent)},
		{"OtbEvent.code", unsafe.Offsetof(event.code), unsafe.Offsetof(cEvent.code)},
		{"OtbEvent.handle", unsafe.Offsetof(event.handle), unsafe.Offsetof(cEvent.handle)},
		{"OtbEvent.id", unsafe.Offsetof(event.id), unsafe.Offsetof(cEvent.id)},
		{"OtbEvent.deadline_unix_nano", unsafe.Offsetof(event.deadlineUnixNano), unsafe.Offsetof(cEvent.deadline_unix_nano)},
		{"OtbEvent.value", unsafe.Offsetof(event.value), unsafe.Offsetof(cEvent.value)},
		{"OtbEvent.text", unsafe.Offsetof(event.text), unsafe.Offsetof(cEvent.text)},
		{"OtbEvent.data", unsafe.Offsetof(event.data), unsafe.Offsetof(cEvent.data)},
		{"OtbEvent.result", unsafe.Offsetof(event.result), unsafe.Offsetof(cEvent.result)},
	}
}

// headerStabilities are the header's stability levels, in the collector's order.
func headerStabilities() []uint64 {
	return []uint64{
		C.OTB_STABILITY_UNDEFINED, C.OTB_STABILITY_UNMAINTAINED, C.OTB_STABILITY_DEPRECATED,
		C.OTB_STABILITY_DEVELOPMENT, C.OTB_STABILITY_ALPHA, C.OTB_STABILITY_BETA, C.OTB_STABILITY_STABLE,
	}
}
