package otelbridge

import (
	"context"
	"errors"
	"os"
	"sync"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componentstatus"
	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	noopmetric "go.opentelemetry.io/otel/metric/noop"
	"go.uber.org/zap"

	"github.com/otelbridge/otelbridge/go/bridge"
)

var errNotStarted = errors.New("the component has not been started")

// lifecycle is what every Rust-backed component shares: creating the Rust instance at Start (so
// Create has no side effects), and an idempotent Shutdown that is safe without Start.
type lifecycle struct {
	id        component.ID
	config    *Config
	telemetry component.TelemetrySettings
	// kind is the component kind ("processor"); signal is the pipeline signal of the instance
	// ("" for an extension or a receiver), signalOut the output signal of a connector.
	kind, signal, signalOut string
	// next receives a receiver's or connector's data (nil for other kinds).
	next *bridge.Next

	mu       sync.Mutex
	instance *bridge.Instance
	stopped  bool
	// host is the host of Start; restarting is set while a panicked instance is replaced
	// (recovery.go), by a goroutine counted in recovery and stopped by closing stop.
	host       component.Host
	restarting bool
	recovery   sync.WaitGroup
	stop       chan struct{}
}

func newLifecycle(id component.ID, cfg *Config, telemetry component.TelemetrySettings, kind, signal string) *lifecycle {
	bridge.SetDefaultLogger(telemetry.Logger.Named("otelbridge"))
	return &lifecycle{id: id, config: cfg, telemetry: telemetry, kind: kind, signal: signal, stop: make(chan struct{})}
}

// Start creates and starts the Rust instance.
func (l *lifecycle) Start(ctx context.Context, host component.Host) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.instance != nil || l.stopped {
		return wrapError(l.id, errors.New("start called twice, or after shutdown"))
	}
	if err := l.config.Validate(); err != nil {
		return wrapError(l.id, err)
	}
	l.host = host
	instance, err := l.newStartedInstance(ctx)
	if err != nil {
		return wrapError(l.id, err)
	}
	l.instance = instance
	return nil
}

// sink routes the instance's logs to the component's logger, its metrics (and the bridge's own
// metrics of it) to the component's meter, and its status reports to the host.
func (l *lifecycle) sink(host component.Host) bridge.Sink {
	var meter metric.Meter
	// A no-op provider (metrics level none) costs allocations per call and shows nothing.
	if _, noop := l.telemetry.MeterProvider.(noopmetric.MeterProvider); !noop && l.telemetry.MeterProvider != nil {
		meter = l.telemetry.MeterProvider.Meter(meterScope + l.config.component.Type)
	}
	attrs := []attribute.KeyValue{
		attribute.String("otelcol.component.id", l.id.String()),
		attribute.String("otelcol.component.kind", l.kind),
	}
	if l.signal != "" {
		attrs = append(attrs, attribute.String("otelcol.signal", l.signal))
	}
	if l.signalOut != "" {
		attrs = append(attrs, attribute.String("otelcol.signal.output", l.signalOut))
	}
	return bridge.Sink{
		Logger:     l.telemetry.Logger,
		Meter:      meter,
		Attributes: attrs,
		Next:       l.next,
		ReportStatus: func(code bridge.StatusCode, message string) {
			componentstatus.ReportStatus(host, statusEvent(code, message))
		},
	}
}

// Shutdown ends a restart under way, waits for calls in flight, shuts the Rust instance down
// and releases it.
func (l *lifecycle) Shutdown(ctx context.Context) error {
	l.mu.Lock()
	if l.stopped {
		l.mu.Unlock()
		return nil
	}
	l.stopped = true
	close(l.stop)
	l.mu.Unlock()
	l.recovery.Wait()

	l.mu.Lock()
	defer l.mu.Unlock()
	if l.instance == nil {
		return nil
	}
	ctx, cancel := withShutdownDeadline(ctx, l.telemetry.Logger)
	defer cancel()
	if err := l.instance.Shutdown(ctx); err != nil {
		// The collector only reports the error as the component's status: say here what it was.
		l.telemetry.Logger.Error("Rust component did not shut down cleanly", zap.Error(err))
		return wrapError(l.id, err)
	}
	return nil
}

// ShutdownTimeoutEnv names the environment variable that sets how long a Rust component's
// shutdown may take when the collector gives it no deadline (a Go duration, default 30s).
const ShutdownTimeoutEnv = "OTELBRIDGE_SHUTDOWN_TIMEOUT"

const defaultShutdownTimeout = 30 * time.Second

// withShutdownDeadline bounds a shutdown whose context has no deadline, as the collector's has
// none on SIGTERM: one component stuck in its shutdown (a drain whose downstream never answers)
// must not hold the whole process. Past the deadline, calls still waiting in Rust are cancelled
// and the background tasks the component left running are aborted, each saying so in its log.
func withShutdownDeadline(ctx context.Context, logger *zap.Logger) (context.Context, context.CancelFunc) {
	if _, ok := ctx.Deadline(); ok {
		return ctx, func() {}
	}
	timeout := defaultShutdownTimeout
	if text := os.Getenv(ShutdownTimeoutEnv); text != "" {
		parsed, err := time.ParseDuration(text)
		if err == nil && parsed > 0 {
			timeout = parsed
		} else {
			logger.Warn(ShutdownTimeoutEnv+" must be a positive Go duration such as 10s; using the default",
				zap.String("value", text), zap.Duration("default", timeout))
		}
	}
	return context.WithTimeout(ctx, timeout)
}

// push hands one encoded batch to the Rust instance, for exporters and connectors, which keep
// nothing of what Rust answers but the error.
func (l *lifecycle) push(ctx context.Context, signal bridge.Signal, data []byte) error {
	res, err := l.consume(ctx, signal, data)
	res.Free()
	return err
}

// pushFunc makes the consume function of one signal: marshal the batch, push it to Rust.
func pushFunc[T any](l *lifecycle, signal bridge.Signal, marshal func(T) ([]byte, error)) func(context.Context, T) error {
	return func(ctx context.Context, batch T) error {
		data, err := marshal(batch)
		if err != nil {
			return consumererror.NewPermanent(wrapError(l.id, err))
		}
		return l.push(ctx, signal, data)
	}
}

// current is the running instance, or an error before Start and after Shutdown.
func (l *lifecycle) current() (*bridge.Instance, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	switch {
	case l.stopped:
		return nil, wrapError(l.id, bridge.ErrClosed)
	case l.instance == nil:
		return nil, wrapError(l.id, errNotStarted)
	case l.restarting:
		return nil, wrapError(l.id, errRestarting)
	}
	return l.instance, nil
}
