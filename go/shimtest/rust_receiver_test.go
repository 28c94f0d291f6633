package shimtest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.opentelemetry.io/collector/client"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/plog/plogotlp"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/pipeline"
	"go.opentelemetry.io/collector/receiver"
	"go.opentelemetry.io/collector/receiver/receivertest"

	otelbridge "github.com/otelbridge/otelbridge/go"
)

// receiverConfig is the default config of the Rust receiver of factory with section laid over it.
func receiverConfig(t testing.TB, factory receiver.Factory, section map[string]any) component.Config {
	t.Helper()
	cfg := factory.CreateDefaultConfig()
	if err := confmap.NewFromStringMap(section).Unmarshal(cfg); err != nil {
		t.Fatal(err)
	}
	if err := cfg.(*otelbridge.Config).Validate(); err != nil {
		t.Fatal(err)
	}
	return cfg
}

// logsPoster is the contract checker's generator: a real OTLP/HTTP client posting one log record
// per request to the Rust otlphttp_rs receiver, sending again while the receiver answers that a
// retry may succeed (503, 429), as OTLP clients do.
type logsPoster struct {
	t        *testing.T
	endpoint string
	next     atomic.Int64
	client   *http.Client
}

// Start makes a new client for each scenario: the previous receiver instance closed the
// connections a shared client would try to reuse.
func (g *logsPoster) Start() { g.client = &http.Client{Transport: &http.Transport{}} }

// Stop closes the scenario's connections.
func (g *logsPoster) Stop() { g.client.CloseIdleConnections() }

func (g *logsPoster) Generate() []receivertest.UniqueIDAttrVal {
	id := receivertest.UniqueIDAttrVal(fmt.Sprintf("log-%d", g.next.Add(1)))
	body, err := plogotlp.NewExportRequestFromLogs(receivertest.CreateOneLogWithID(id)).MarshalProto()
	if err != nil {
		g.t.Fatal(err)
	}
	for attempt := 0; ; attempt++ {
		resp, err := g.client.Post("http://"+g.endpoint+"/v1/logs", "application/x-protobuf", bytes.NewReader(body))
		if err != nil {
			g.t.Errorf("posting %s: %v", id, err)
			return []receivertest.UniqueIDAttrVal{id}
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
		switch resp.StatusCode {
		case http.StatusOK, http.StatusBadRequest: // accepted, or refused for good (dropped)
			return []receivertest.UniqueIDAttrVal{id}
		case http.StatusServiceUnavailable, http.StatusTooManyRequests:
			time.Sleep(time.Millisecond)
		default:
			g.t.Errorf("posting %s: unexpected %s", id, resp.Status)
			return []receivertest.UniqueIDAttrVal{id}
		}
	}
}

func TestRustReceiverKeepsTheReceiverContract(t *testing.T) {
	factory := otelbridge.NewReceiverFactory("otlphttp_rs")
	endpoint := freePort(t)
	receivertest.CheckConsumeContract(receivertest.CheckConsumeContractParams{
		T:             t,
		Factory:       factory,
		Signal:        pipeline.SignalLogs,
		Config:        receiverConfig(t, factory, map[string]any{"endpoint": endpoint}),
		Generator:     &logsPoster{t: t, endpoint: endpoint},
		GenerateCount: 1000,
	})
}

// infoSink records the client.Info of every batch it consumes.
type infoSink struct {
	mu    sync.Mutex
	infos []client.Info
}

func (s *infoSink) record(ctx context.Context) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.infos = append(s.infos, client.FromContext(ctx))
}

func (s *infoSink) count() int {
	return len(s.all())
}

func (s *infoSink) all() []client.Info {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]client.Info(nil), s.infos...)
}

func TestRustReceiverMetadataReachesGoAsClientInfo(t *testing.T) {
	factory := otelbridge.NewReceiverFactory("probercv")
	cfg := receiverConfig(t, factory, map[string]any{
		"batches":   2,
		"metadata":  map[string]any{"x-tenant": []any{"acme", "beta"}},
		"peer_addr": "203.0.113.9:5555",
	})
	var infos infoSink
	traces, _ := consumer.NewTraces(func(ctx context.Context, _ ptrace.Traces) error { infos.record(ctx); return nil })
	logs := new(consumertest.LogsSink)
	set := receivertest.NewNopSettings(factory.Type())
	// One receiver config in two pipelines: one Rust instance feeds both.
	tr, err := factory.CreateTraces(context.Background(), set, cfg, traces)
	if err != nil {
		t.Fatal(err)
	}
	lr, err := factory.CreateLogs(context.Background(), set, cfg, logs)
	if err != nil {
		t.Fatal(err)
	}
	if tr != component.Component(lr) {
		t.Fatal("the traces and logs receivers of one config must be one instance")
	}
	host := componenttest.NewNopHost()
	if err := tr.Start(context.Background(), host); err != nil {
		t.Fatal(err)
	}
	if err := lr.Start(context.Background(), host); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, func() bool { return infos.count() == 2 && logs.LogRecordCount() == 2 })
	for _, r := range []component.Component{tr, lr} {
		if err := r.Shutdown(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	for _, info := range infos.all() {
		if got := info.Metadata.Get("x-tenant"); len(got) != 2 || got[0] != "acme" || got[1] != "beta" {
			t.Errorf("x-tenant = %v, want [acme beta]", got)
		}
		if info.Addr == nil || info.Addr.String() != "203.0.113.9:5555" {
			t.Errorf("addr = %v", info.Addr)
		}
	}
	if logs.AllLogs()[0].ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0).Attributes().Len() != 1 {
		t.Error("the log record's seq attribute was lost")
	}
}

func TestRustReceiverForwardsRequestHeadersAndConsumerErrors(t *testing.T) {
	factory := otelbridge.NewReceiverFactory("otlphttp_rs")
	endpoint := freePort(t)
	cfg := receiverConfig(t, factory, map[string]any{"endpoint": endpoint, "include_metadata": true})
	var infos infoSink
	var refuse atomic.Bool
	next, _ := consumer.NewLogs(func(ctx context.Context, _ plog.Logs) error {
		infos.record(ctx)
		if refuse.Load() {
			return fmt.Errorf("the pipeline is full")
		}
		return nil
	})
	r, err := factory.CreateLogs(context.Background(), receivertest.NewNopSettings(factory.Type()), cfg, next)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Start(context.Background(), componenttest.NewNopHost()); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := r.Shutdown(context.Background()); err != nil {
			t.Error(err)
		}
	}()
	post := func() int {
		body, _ := plogotlp.NewExportRequestFromLogs(receivertest.CreateOneLogWithID("x")).MarshalProto()
		req, _ := http.NewRequest(http.MethodPost, "http://"+endpoint+"/v1/logs", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/x-protobuf")
		req.Header.Set("X-Tenant", "acme")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		return resp.StatusCode
	}
	if code := post(); code != http.StatusOK {
		t.Fatalf("status = %d, want 200", code)
	}
	refuse.Store(true)
	if code := post(); code != http.StatusServiceUnavailable {
		t.Fatalf("status with a failing pipeline = %d, want 503 (retryable)", code)
	}
	info := infos.all()[0]
	if got := info.Metadata.Get("x-tenant"); len(got) != 1 || got[0] != "acme" {
		t.Errorf("x-tenant = %v, want [acme]", got)
	}
	if info.Addr == nil {
		t.Error("the client address did not reach Go")
	}
}

// waitUntil polls cond for up to 10 s.
func waitUntil(t testing.TB, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("timed out")
		}
		time.Sleep(10 * time.Millisecond)
	}
}
