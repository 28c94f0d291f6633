package shimtest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componentstatus"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/confmap/provider/yamlprovider"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/extension"
	"go.opentelemetry.io/collector/otelcol"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/receiver"
	"go.opentelemetry.io/collector/receiver/otlpreceiver"
	"go.opentelemetry.io/collector/service/telemetry/otelconftelemetry"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	otelbridge "github.com/otelbridge/otelbridge/go"
)

// The fault suite: each row runs a whole collector (the real service, the shim's factories of
// the Rust test library, Go's otlp receiver) with one misbehaving Rust component, and checks what
// an operator relies on: the collector keeps serving other batches, health checks see the right
// status, Shutdown returns, and the log names the component and says what happened.

// statusRecorder is an extension that watches component status as the collector's health check
// extensions do, and keeps every status of each component. The service calls a watcher through
// componentstatus.Watcher (ComponentStatusChanged) up to v0.164 and through
// extensioncapabilities.ComponentStatusWatcher (Changed) from v0.165: it has both, so the suite
// holds at both ends of the window.
type statusRecorder struct {
	mu   sync.Mutex
	seen map[string][]componentstatus.Status
}

var (
	_ extension.Extension     = (*statusRecorder)(nil)
	_ componentstatus.Watcher = (*statusRecorder)(nil)
)

func (r *statusRecorder) Start(context.Context, component.Host) error { return nil }
func (r *statusRecorder) Shutdown(context.Context) error              { return nil }

func (r *statusRecorder) ComponentStatusChanged(source *componentstatus.InstanceID, event *componentstatus.Event) {
	r.Changed(source, event)
}

func (r *statusRecorder) Changed(source *componentstatus.InstanceID, event *componentstatus.Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	id := source.ComponentID().String()
	r.seen[id] = append(r.seen[id], event.Status())
}

// latest is the last status id reported, or StatusNone.
func (r *statusRecorder) latest(id string) componentstatus.Status {
	r.mu.Lock()
	defer r.mu.Unlock()
	if seen := r.seen[id]; len(seen) > 0 {
		return seen[len(seen)-1]
	}
	return componentstatus.StatusNone
}

func (r *statusRecorder) history(id string) []componentstatus.Status {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]componentstatus.Status(nil), r.seen[id]...)
}

// sinkConfig is the config of the test's sink exporter.
type sinkConfig struct {
	// Block holds every batch until the exporter shuts down: a downstream that never answers.
	Block bool `mapstructure:"block"`
}

// sinkExporter keeps what it is sent, or holds it (Block).
type sinkExporter struct {
	consumertest.TracesSink
	block    bool
	held     atomic.Int32
	stop     chan struct{}
	stopOnce sync.Once
}

func (e *sinkExporter) Start(context.Context, component.Host) error { return nil }

func (e *sinkExporter) Shutdown(context.Context) error {
	e.stopOnce.Do(func() { close(e.stop) })
	return nil
}

func (e *sinkExporter) ConsumeTraces(ctx context.Context, td ptrace.Traces) error {
	if !e.block {
		return e.TracesSink.ConsumeTraces(ctx, td)
	}
	e.held.Add(1)
	select {
	case <-ctx.Done():
		return context.Cause(ctx)
	case <-e.stop:
		return errors.New("sink shut down while holding the batch")
	}
}

// faultCollector is one running collector of the suite and what the test reads from it.
type faultCollector struct {
	col      *otelcol.Collector
	done     chan error
	statuses *statusRecorder
	logs     *observer.ObservedLogs
	otlp     otlpFront

	mu    sync.Mutex
	sinks map[string]*sinkExporter

	stopOnce sync.Once
	stopErr  error
}

func (c *faultCollector) sink(id string) *sinkExporter {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.sinks[id]
}

func (c *faultCollector) factories() (otelcol.Factories, error) {
	receivers, err := otelbridge.ReceiverFactories()
	if err != nil {
		return otelcol.Factories{}, err
	}
	processors, err := otelbridge.ProcessorFactories()
	if err != nil {
		return otelcol.Factories{}, err
	}
	exporters, err := otelbridge.ExporterFactories()
	if err != nil {
		return otelcol.Factories{}, err
	}
	extensions, err := otelbridge.ExtensionFactories()
	if err != nil {
		return otelcol.Factories{}, err
	}
	sink := exporter.NewFactory(component.MustNewType("sink"),
		func() component.Config { return &sinkConfig{} },
		exporter.WithTraces(func(_ context.Context, set exporter.Settings, cfg component.Config) (exporter.Traces, error) {
			e := &sinkExporter{block: cfg.(*sinkConfig).Block, stop: make(chan struct{})}
			c.mu.Lock()
			c.sinks[set.ID.String()] = e
			c.mu.Unlock()
			return e, nil
		}, component.StabilityLevelDevelopment))
	watcher := extension.NewFactory(component.MustNewType("statuswatcher"),
		func() component.Config { return &struct{}{} },
		func(context.Context, extension.Settings, component.Config) (extension.Extension, error) {
			return c.statuses, nil
		}, component.StabilityLevelDevelopment)

	factories := otelcol.Factories{Telemetry: otelconftelemetry.NewFactory()}
	if factories.Receivers, err = otelcol.MakeFactoryMap[receiver.Factory](append(receivers, otlpreceiver.NewFactory())...); err != nil {
		return otelcol.Factories{}, err
	}
	if factories.Processors, err = otelcol.MakeFactoryMap(processors...); err != nil {
		return otelcol.Factories{}, err
	}
	if factories.Exporters, err = otelcol.MakeFactoryMap(append(exporters, sink)...); err != nil {
		return otelcol.Factories{}, err
	}
	if factories.Extensions, err = otelcol.MakeFactoryMap(append(extensions, watcher)...); err != nil {
		return otelcol.Factories{}, err
	}
	return factories, nil
}

// startFaultCollector runs a collector with Go's otlp receiver (gRPC, with metadata) feeding the
// probe processor and a sink, the status watcher, and what extra adds to the config.
func startFaultCollector(t *testing.T, extra map[string]any) *faultCollector {
	t.Helper()
	core, logs := observer.New(zapcore.DebugLevel)
	c := &faultCollector{
		done:     make(chan error, 1),
		statuses: &statusRecorder{seen: map[string][]componentstatus.Status{}},
		logs:     logs,
		otlp:     otlpFront{grpcEndpoint: freePort(t)},
		sinks:    map[string]*sinkExporter{},
	}
	conf := confmap.NewFromStringMap(map[string]any{
		"receivers": map[string]any{"otlp": map[string]any{"protocols": map[string]any{
			"grpc": map[string]any{"endpoint": c.otlp.grpcEndpoint, "include_metadata": true},
		}}},
		"processors": map[string]any{"probe": nil},
		"exporters":  map[string]any{"sink": nil},
		"extensions": map[string]any{"statuswatcher": nil},
		"service": map[string]any{
			"extensions": []any{"statuswatcher"},
			"telemetry":  map[string]any{"metrics": map[string]any{"level": "none"}},
			"pipelines": map[string]any{"traces": map[string]any{
				"receivers": []any{"otlp"}, "processors": []any{"probe"}, "exporters": []any{"sink"},
			}},
		},
	})
	if err := conf.Merge(confmap.NewFromStringMap(extra)); err != nil {
		t.Fatal(err)
	}
	// JSON is YAML, as the yaml provider reads it.
	yaml, err := json.Marshal(conf.ToStringMap())
	if err != nil {
		t.Fatal(err)
	}
	c.col, err = otelcol.NewCollector(otelcol.CollectorSettings{
		BuildInfo: component.NewDefaultBuildInfo(),
		Factories: c.factories,
		ConfigProviderSettings: otelcol.ConfigProviderSettings{ResolverSettings: confmap.ResolverSettings{
			URIs:              []string{"yaml:" + string(yaml)},
			ProviderFactories: []confmap.ProviderFactory{yamlprovider.NewFactory()},
		}},
		// Every log line of the collector, its components included, goes to the observer.
		LoggingOptions:          []zap.Option{zap.WrapCore(func(zapcore.Core) zapcore.Core { return core })},
		DisableGracefulShutdown: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	go func() { c.done <- c.col.Run(context.Background()) }()
	waitUntil(t, func() bool {
		select {
		case err := <-c.done:
			t.Fatalf("the collector stopped while starting: %v", err)
		default:
		}
		return c.col.GetState() == otelcol.StateRunning
	})
	return c
}

// shutdown stops the collector and returns Run's error; later calls return it again. A
// generous bound turns a hang into a failure instead of a stuck test binary.
func (c *faultCollector) shutdown(t *testing.T) error {
	t.Helper()
	c.stopOnce.Do(func() {
		go c.col.Shutdown()
		select {
		case c.stopErr = <-c.done:
		case <-time.After(60 * time.Second):
			c.stopErr = errors.New("the collector did not shut down within 60s")
		}
	})
	if c.stopErr != nil && strings.Contains(c.stopErr.Error(), "did not shut down") {
		t.Fatal(c.stopErr)
	}
	return c.stopErr
}

// logged reports whether an entry at level or above, logged by component id, contains text.
func (c *faultCollector) logged(level zapcore.Level, id, text string) bool {
	for _, entry := range c.logs.FilterLevelExact(level).All() {
		if entry.ContextMap()["otelcol.component.id"] == id && strings.Contains(entry.Message, text) {
			return true
		}
	}
	return false
}

// warnings are the entries at warn level or above logged by component id.
func (c *faultCollector) warnings(id string) []string {
	var out []string
	for _, entry := range c.logs.All() {
		if entry.Level >= zapcore.WarnLevel && entry.ContextMap()["otelcol.component.id"] == id {
			out = append(out, fmt.Sprintf("%s %s %v", entry.Level, entry.Message, entry.ContextMap()))
		}
	}
	return out
}

// exportWithin sends one span through the otlp receiver, with the probe's action (none: pass)
// and the client's deadline.
func (c *faultCollector) exportWithin(t *testing.T, timeout time.Duration, action string) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	var headers []string
	if action != "" {
		headers = []string{"probe-action", action}
	}
	return c.otlp.exportGRPC(t, ctx, spans(1), headers...)
}

func grpcCode(err error) codes.Code {
	s, _ := status.FromError(err)
	return s.Code()
}

func TestFaultsLeaveTheCollectorServingReportedAndStoppable(t *testing.T) {
	// Bounds each Rust component's shutdown: the collector itself gives it no deadline.
	t.Setenv(otelbridge.ShutdownTimeoutEnv, "2s")
	type logLine struct {
		level     zapcore.Level
		component string
		text      string
	}
	tests := []struct {
		name  string
		extra map[string]any
		// fault does the harm while the collector runs, and checks what the client saw.
		fault func(t *testing.T, c *faultCollector)
		// running are the statuses health checks must see once the fault has happened.
		running map[string]componentstatus.Status
		// stopping are statuses some component must have reported during shutdown.
		stopping map[string]componentstatus.Status
		// runErr is in Run's error after Shutdown ("": Run returns nil).
		runErr string
		// logs must have been written by the time Shutdown returned; quiet components wrote no
		// warning or error.
		logs  []logLine
		quiet []string
	}{
		{
			name: "slow processor",
			fault: func(t *testing.T, c *faultCollector) {
				if err := c.exportWithin(t, 10*time.Second, "sleep:300ms"); err != nil {
					t.Fatalf("a slow batch within its deadline = %v, want it taken", err)
				}
			},
			running: map[string]componentstatus.Status{"probe": componentstatus.StatusOK},
			quiet:   []string{"probe"},
		},
		{
			name: "processor awaiting past its deadline",
			fault: func(t *testing.T, c *faultCollector) {
				err := c.exportWithin(t, 300*time.Millisecond, "sleep:1h")
				if grpcCode(err) != codes.DeadlineExceeded {
					t.Fatalf("a batch whose processing awaits past the client's deadline = %v, want DeadlineExceeded", err)
				}
			},
			// The bridge ends the call at the deadline: nothing of it is left to report.
			running: map[string]componentstatus.Status{"probe": componentstatus.StatusOK},
			quiet:   []string{"probe"},
		},
		{
			name: "processor blocking its thread past its deadline",
			fault: func(t *testing.T, c *faultCollector) {
				err := c.exportWithin(t, 300*time.Millisecond, "block:1500ms")
				if grpcCode(err) != codes.DeadlineExceeded {
					t.Fatalf("a batch whose processing blocks past the client's deadline = %v, want DeadlineExceeded", err)
				}
				// Rust cannot end a call that never awaits: the warning comes when it returns.
				waitUntil(t, func() bool {
					return c.logged(zapcore.WarnLevel, "probe", "held its calling thread past the call's deadline")
				})
			},
			running: map[string]componentstatus.Status{"probe": componentstatus.StatusOK},
			logs: []logLine{{zapcore.WarnLevel, "probe",
				"Rust component held its calling thread past the call's deadline without awaiting; its result was dropped"}},
		},
		{
			name: "processor returning a batch Go cannot read",
			fault: func(t *testing.T, c *faultCollector) {
				if err := c.exportWithin(t, 10*time.Second, "garbage"); err == nil {
					t.Fatal("a batch the processor garbled was accepted")
				}
			},
			running: map[string]componentstatus.Status{"probe": componentstatus.StatusOK},
			logs: []logLine{{zapcore.ErrorLevel, "probe",
				"Rust processor returned a result Go cannot apply; the batch is refused"}},
		},
		{
			name: "processor returning edits out of range",
			fault: func(t *testing.T, c *faultCollector) {
				if err := c.exportWithin(t, 10*time.Second, "edit-out-of-range"); err == nil {
					t.Fatal("a batch with edits out of range was accepted")
				}
			},
			running: map[string]componentstatus.Status{"probe": componentstatus.StatusOK},
			logs: []logLine{{zapcore.ErrorLevel, "probe",
				"Rust processor returned a result Go cannot apply; the batch is refused"}},
		},
		{
			name: "extension leaking a background task",
			extra: map[string]any{
				"extensions": map[string]any{"probeext/leaky": map[string]any{"leak_task": true}},
				"service":    map[string]any{"extensions": []any{"statuswatcher", "probeext/leaky"}},
			},
			running: map[string]componentstatus.Status{"probeext/leaky": componentstatus.StatusOK},
			// Its shutdown returned: the bridge aborts what it left running, and says so.
			stopping: map[string]componentstatus.Status{"probeext/leaky": componentstatus.StatusStopped},
			logs: []logLine{{zapcore.WarnLevel, "probeext/leaky",
				"probeext/leaky: 1 background task still running after shutdown; aborted"}},
		},
		{
			name: "receiver whose sends never resolve",
			extra: map[string]any{
				"receivers": map[string]any{"probercv": map[string]any{"batches": 1}},
				"exporters": map[string]any{"sink/stuck": map[string]any{"block": true}},
				"service": map[string]any{"pipelines": map[string]any{"traces/stuck": map[string]any{
					"receivers": []any{"probercv"}, "exporters": []any{"sink/stuck"},
				}}},
			},
			fault: func(t *testing.T, c *faultCollector) {
				waitUntil(t, func() bool { return c.sink("sink/stuck").held.Load() == 1 })
			},
			running: map[string]componentstatus.Status{"probercv": componentstatus.StatusOK},
			// Its shutdown drains a send nobody answers, until the shutdown deadline.
			stopping: map[string]componentstatus.Status{"probercv": componentstatus.StatusPermanentError},
			runErr:   "probercv",
			logs: []logLine{
				{zapcore.ErrorLevel, "probercv", "Rust component did not shut down cleanly"},
				{zapcore.WarnLevel, "probercv", "probercv: 1 background task still running after shutdown; aborted"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := startFaultCollector(t, tt.extra)
			if tt.fault != nil {
				tt.fault(t, c)
			}
			if err := c.exportWithin(t, 10*time.Second, ""); err != nil {
				t.Fatalf("a good batch after the fault = %v, want it taken", err)
			}
			if got := c.sink("sink").SpanCount(); got == 0 {
				t.Fatal("the good batch did not reach the sink")
			}
			for id, want := range tt.running {
				if got := c.statuses.latest(id); got != want {
					t.Errorf("%s: status %v while running, want %v (all: %v)", id, got, want, c.statuses.history(id))
				}
			}

			err := c.shutdown(t)
			switch {
			case tt.runErr == "" && err != nil:
				t.Errorf("Run after Shutdown = %v, want nil", err)
			case tt.runErr != "" && (err == nil || !strings.Contains(err.Error(), tt.runErr)):
				t.Errorf("Run after Shutdown = %v, want an error naming %s", err, tt.runErr)
			}
			for id, want := range tt.stopping {
				if history := c.statuses.history(id); !slices.Contains(history, want) {
					t.Errorf("%s: statuses %v, want %v among them", id, history, want)
				}
			}
			for _, line := range tt.logs {
				if !c.logged(line.level, line.component, line.text) {
					t.Errorf("no %s line from %s containing %q; %s logged: %v",
						line.level, line.component, line.text, line.component, c.warnings(line.component))
				}
			}
			for _, id := range tt.quiet {
				if warnings := c.warnings(id); len(warnings) > 0 {
					t.Errorf("%s logged %v, want nothing at warn or above", id, warnings)
				}
			}
		})
	}
}

var _ consumer.Traces = (*sinkExporter)(nil)
