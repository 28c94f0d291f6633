package otelbridge

import (
	"context"
	"fmt"

	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/receiver/receiverhelper"

	"github.com/otelbridge/otelbridge/go/bridge"
)

// nextConsumers are the Go consumers a Rust receiver or connector feeds, one per signal (nil
// where no pipeline consumes the signal).
type nextConsumers struct {
	traces  consumer.Traces
	metrics consumer.Metrics
	logs    consumer.Logs
	// obs records the receiver's accepted and refused items, as every Go receiver does (nil for
	// connectors).
	obs *receiverhelper.ObsReport
}

// bridge describes the consumers to the bridge.
func (n *nextConsumers) bridge() *bridge.Next {
	var signals []bridge.Signal
	if n.traces != nil {
		signals = append(signals, bridge.SignalTraces)
	}
	if n.metrics != nil {
		signals = append(signals, bridge.SignalMetrics)
	}
	if n.logs != nil {
		signals = append(signals, bridge.SignalLogs)
	}
	return &bridge.Next{Signals: bridge.Of(signals...), Consume: n.consume}
}

// consume reads a batch out of Rust memory into pdata (a copy, so Rust may free it after) and
// hands it to the next consumer of its signal. The error goes back to the Rust component.
func (n *nextConsumers) consume(ctx context.Context, signal bridge.Signal, data []byte) error {
	switch {
	case signal == bridge.SignalTraces && n.traces != nil:
		td, err := (&ptrace.ProtoUnmarshaler{}).UnmarshalTraces(data)
		if err != nil {
			return unreadable(signal, err)
		}
		if n.obs != nil {
			ctx = n.obs.StartTracesOp(ctx)
		}
		err = n.traces.ConsumeTraces(ctx, td)
		if n.obs != nil {
			n.obs.EndTracesOp(ctx, dataFormat, td.SpanCount(), err)
		}
		return err
	case signal == bridge.SignalMetrics && n.metrics != nil:
		md, err := (&pmetric.ProtoUnmarshaler{}).UnmarshalMetrics(data)
		if err != nil {
			return unreadable(signal, err)
		}
		if n.obs != nil {
			ctx = n.obs.StartMetricsOp(ctx)
		}
		err = n.metrics.ConsumeMetrics(ctx, md)
		if n.obs != nil {
			n.obs.EndMetricsOp(ctx, dataFormat, md.DataPointCount(), err)
		}
		return err
	case signal == bridge.SignalLogs && n.logs != nil:
		ld, err := (&plog.ProtoUnmarshaler{}).UnmarshalLogs(data)
		if err != nil {
			return unreadable(signal, err)
		}
		if n.obs != nil {
			ctx = n.obs.StartLogsOp(ctx)
		}
		err = n.logs.ConsumeLogs(ctx, ld)
		if n.obs != nil {
			n.obs.EndLogsOp(ctx, dataFormat, ld.LogRecordCount(), err)
		}
		return err
	}
	return consumererror.NewPermanent(fmt.Errorf("no pipeline consumes %s from this component", signal))
}

// dataFormat is how batches cross from Rust, as the receiver metrics name formats.
const dataFormat = "otlp_proto"

func unreadable(signal bridge.Signal, err error) error {
	return consumererror.NewPermanent(fmt.Errorf("reading the %s batch from Rust: %w", signal, err))
}
