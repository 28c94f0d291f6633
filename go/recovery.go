package otelbridge

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.opentelemetry.io/collector/component/componentstatus"
	"go.uber.org/zap"

	"github.com/otelbridge/otelbridge/go/bridge"
)

// The recovery policy of a Rust instance that panicked. Rust catches the panic, fails that call
// (a permanent error: the same batch would panic again) and fails the instance, which then takes
// no more work. The shim then:
//   - reports a recoverable error status (health checks see it) and logs what happened;
//   - answers later calls with a retryable error, so clients and exporterhelper retry;
//   - shuts the failed instance down and creates and starts a new one from the same config, at
//     once and then with backoff (restartBackoffMin doubling to restartBackoffMax) while that
//     fails;
//   - reports StatusOK and logs once the new instance runs.
//
// Recoverable, not permanent: the collector's status model allows no way back from a permanent
// error, and the instance does come back.
const (
	restartBackoffMin = time.Second
	restartBackoffMax = 30 * time.Second
	// restartTimeout bounds each shutdown and start of the restart.
	restartTimeout = 30 * time.Second
)

// errRestarting answers calls while a failed instance is replaced: retryable, not permanent.
var errRestarting = errors.New("the Rust instance panicked earlier and is being restarted; retry")

// consume runs one call on the current instance and starts the recovery if the instance panicked.
func (l *lifecycle) consume(ctx context.Context, signal bridge.Signal, data []byte) (bridge.Result, error) {
	instance, err := l.current()
	if err != nil {
		return bridge.Result{}, err
	}
	res, err := instance.Consume(ctx, signal, data)
	var rustErr *bridge.Error
	if errors.As(err, &rustErr) && rustErr.Code == bridge.CodePanicked {
		if l.failed(instance, rustErr) {
			return res, wrapError(l.id, err)
		}
		// A call that reached the instance after it failed: retryable, as any while restarting.
		return res, wrapError(l.id, errRestarting)
	}
	return res, wrapError(l.id, err)
}

// failed starts the recovery of instance, unless it is already under way (or the instance has
// been replaced, or the component stopped). It reports whether this call started it.
func (l *lifecycle) failed(instance *bridge.Instance, cause *bridge.Error) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.stopped || l.instance != instance || l.restarting {
		return false
	}
	l.restarting = true
	l.telemetry.Logger.Error("Rust component panicked: its instance is failed; creating and starting it again",
		zap.String("panic", cause.Message))
	l.reportStatus(componentstatus.NewRecoverableErrorEvent(fmt.Errorf("panicked, restarting: %s", cause.Message)))
	l.recovery.Add(1)
	go l.restart(instance)
	return true
}

// restart replaces the failed instance with a new one, with backoff, until it runs or the
// component stops.
func (l *lifecycle) restart(failed *bridge.Instance) {
	defer l.recovery.Done()
	shutdownCtx, cancel := context.WithTimeout(context.Background(), restartTimeout)
	_ = failed.Shutdown(shutdownCtx)
	cancel()
	backoff := restartBackoffMin
	for attempt := 1; ; attempt++ {
		ctx, cancel := context.WithTimeout(context.Background(), restartTimeout)
		instance, err := l.newStartedInstance(ctx)
		cancel()
		if err == nil {
			l.mu.Lock()
			if l.stopped {
				l.mu.Unlock()
				_ = instance.Shutdown(context.Background())
				return
			}
			l.instance, l.restarting = instance, false
			l.mu.Unlock()
			l.telemetry.Logger.Info("Rust component running again after a panic", zap.Int("attempts", attempt))
			l.reportStatus(componentstatus.NewEvent(componentstatus.StatusOK))
			return
		}
		l.telemetry.Logger.Error("restarting the Rust component failed; trying again",
			zap.Error(err), zap.Int("attempt", attempt), zap.Duration("backoff", backoff))
		l.reportStatus(componentstatus.NewRecoverableErrorEvent(fmt.Errorf("restarting after a panic: %w", err)))
		select {
		case <-l.stop:
			return
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, restartBackoffMax)
	}
}

// newStartedInstance creates and starts an instance from the component's config.
func (l *lifecycle) newStartedInstance(ctx context.Context) (*bridge.Instance, error) {
	raw, err := l.config.JSON()
	if err != nil {
		return nil, err
	}
	instance, err := l.config.component.NewInstance(l.id.String(), raw, l.sink(l.host))
	if err != nil {
		return nil, err
	}
	if err := instance.Start(ctx); err != nil {
		_ = instance.Shutdown(context.Background())
		return nil, err
	}
	return instance, nil
}

// reportStatus reports ev to the host the component was started with.
func (l *lifecycle) reportStatus(ev *componentstatus.Event) {
	if l.host != nil {
		componentstatus.ReportStatus(l.host, ev)
	}
}
