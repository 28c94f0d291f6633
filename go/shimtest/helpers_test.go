package shimtest

import (
	"context"
	"testing"
	"time"

	"go.opentelemetry.io/collector/client"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/extension"
	"go.opentelemetry.io/collector/extension/extensiontest"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/collector/processor/processortest"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	otelbridge "github.com/otelbridge/otelbridge/go"
)

// probeConfig is the probe's default config with the user's section laid over it.
func probeConfig(t testing.TB, factory processor.Factory, section map[string]any) *otelbridge.Config {
	t.Helper()
	cfg := factory.CreateDefaultConfig().(*otelbridge.Config)
	if err := cfg.Unmarshal(confmap.NewFromStringMap(section)); err != nil {
		t.Fatal(err)
	}
	return cfg
}

// startedProbe creates and starts a probe traces processor feeding sink, logging to an observer.
func startedProbe(t testing.TB, name string, section map[string]any) (processor.Traces, *consumertest.TracesSink, *observer.ObservedLogs) {
	t.Helper()
	sink := new(consumertest.TracesSink)
	p, logs := startedProbeFeeding(t, name, section, sink)
	return p, sink, logs
}

// startedProbeFeeding creates and starts a probe traces processor feeding next.
func startedProbeFeeding(t testing.TB, name string, section map[string]any, next consumer.Traces) (processor.Traces, *observer.ObservedLogs) {
	t.Helper()
	factory := otelbridge.NewProcessorFactory("probe")
	set := processortest.NewNopSettings(factory.Type())
	set.ID = component.MustNewIDWithName("probe", name)
	core, logs := observer.New(zap.DebugLevel)
	set.Logger = zap.New(core)
	p, err := factory.CreateTraces(context.Background(), set, probeConfig(t, factory, section), next)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Start(context.Background(), componenttest.NewNopHost()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Shutdown(context.Background()) })
	return p, logs
}

// withAction asks the probe to do action for one call.
func withAction(ctx context.Context, action string) context.Context {
	return client.NewContext(ctx, client.Info{Metadata: client.NewMetadata(map[string][]string{"probe-action": {action}})})
}

// spans makes a batch of n spans with a resource attribute.
func spans(n int) ptrace.Traces {
	td := ptrace.NewTraces()
	rs := td.ResourceSpans().AppendEmpty()
	rs.Resource().Attributes().PutStr("service.name", "checkout")
	ss := rs.ScopeSpans().AppendEmpty()
	for i := range n {
		span := ss.Spans().AppendEmpty()
		span.SetName("GET /cart")
		span.SetTraceID([16]byte{1, byte(i)})
		span.SetSpanID([8]byte{2, byte(i)})
		span.Attributes().PutStr("user.email", "someone@example.com")
		span.Attributes().PutInt("http.status_code", 200)
	}
	return td
}

func newProbeExt(t testing.TB, section map[string]any) extension.Extension {
	t.Helper()
	factory := otelbridge.NewExtensionFactory("probeext")
	cfg := factory.CreateDefaultConfig().(*otelbridge.Config)
	if err := cfg.Unmarshal(confmap.NewFromStringMap(section)); err != nil {
		t.Fatal(err)
	}
	ext, err := factory.Create(context.Background(), extensiontest.NewNopSettings(factory.Type()), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return ext
}

// startedMetricsAndLogsProbes creates and starts a metrics and a logs probe with action, feeding
// ms and ls.
func startedMetricsAndLogsProbes(t *testing.T, factory processor.Factory, action string, ms *consumertest.MetricsSink, ls *consumertest.LogsSink) (processor.Metrics, processor.Logs) {
	t.Helper()
	set := processortest.NewNopSettings(factory.Type())
	cfg := probeConfig(t, factory, map[string]any{"action": action})
	mp, err := factory.CreateMetrics(context.Background(), set, cfg, ms)
	if err != nil {
		t.Fatal(err)
	}
	lp, err := factory.CreateLogs(context.Background(), set, cfg, ls)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []component.Component{mp, lp} {
		if err := c.Start(context.Background(), componenttest.NewNopHost()); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = c.Shutdown(context.Background()) })
	}
	return mp, lp
}

// waitUntilRunning waits until p takes a batch again (after a panic, while its instance is
// restarted, it answers retryable errors).
func waitUntilRunning(t testing.TB, p consumer.Traces) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for p.ConsumeTraces(context.Background(), spans(1)) != nil {
		if time.Now().After(deadline) {
			t.Fatal("the component did not run again within 20s")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// arrives waits until cond holds: what Rust logs and reports reaches Go asynchronously in a build
// without cgo (through the library's event queue), in order but after the call has returned.
func arrives(t testing.TB, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%s never arrived", what)
		}
	}
}
