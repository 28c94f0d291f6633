//go:build otelbridge_subprocess

package bridge

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"go.uber.org/zap"
	"golang.org/x/sys/unix"

	"github.com/otelbridge/otelbridge/go/bridge/internal/wire"
)

// The supervisor keeps one run of the host program going (subprocess mode). It starts the
// first when the shim opens the library, health-checks it, and when a run ends (an abort, a
// stack overflow, exit, a kill for memory), it logs how, has every live instance report a
// recoverable error, and starts the next run with backoff: the same handshake, the same runtime
// settings, and every instance created and started again with its config.

// The supervisor's timings.
const (
	firstBackoff   = 250 * time.Millisecond
	maxBackoff     = 30 * time.Second
	healthInterval = time.Second
	// healthTimeout is how long a health check may go unanswered before the run is killed: the
	// host program answers it on its reader thread, which no component runs on.
	healthTimeout = 5 * time.Second
	// stableRun is how long a run must have lasted for the next to start without backoff.
	stableRun = 10 * time.Second
)

// maxBackoffEnv names the environment variable that bounds the backoff (a Go duration; default
// maxBackoff).
const maxBackoffEnv = "OTELBRIDGE_HOST_MAX_BACKOFF"

// memoryLimitEnv names the environment variable with the host program's memory limit (its
// resident set, MiB): a run past it is killed and the next started.
const memoryLimitEnv = "OTELBRIDGE_HOST_MEMORY_LIMIT_MIB"

var supervisor = &hostSupervisor{instances: map[*remoteInstance]struct{}{}}

type hostSupervisor struct {
	mu sync.Mutex
	// run is the current run; after it ends, until the next has started, it is the ended one,
	// whose failure calls get. up is closed when the next has started (nil while one runs).
	run *child
	up  chan struct{}
	// program is the path exec runs, name how messages name it.
	program, name string
	// level is the handshake's default log level; runtime the settings given, for each run.
	level   uint32
	runtime [][]byte
	// count is the first run's number of components: every later run must serve the same.
	count     uint64
	instances map[*remoteInstance]struct{}
	nextSeq   uint64
	backoff   time.Duration
	// memoryLimit is the resident set past which a run is killed (0: none).
	memoryLimit uint64
	// maxBackoff bounds the backoff.
	maxBackoff time.Duration
}

// start starts the first run (Open calls it once).
func (s *hostSupervisor) start() (string, error) {
	program, name, err := hostProgramPath()
	if err != nil {
		return "", err
	}
	limit, err := memoryLimit()
	if err != nil {
		return "", err
	}
	longest := maxBackoff
	if v := os.Getenv(maxBackoffEnv); v != "" {
		if longest, err = time.ParseDuration(v); err != nil || longest < firstBackoff {
			return "", fmt.Errorf("otelbridge: %s is %q: want a duration of at least %s", maxBackoffEnv, v, firstBackoff)
		}
	}
	telemetry = newTelemetryTasks(1 << 16)
	s.mu.Lock()
	s.program, s.name, s.memoryLimit, s.backoff, s.maxBackoff = program, name, limit, firstBackoff, longest
	s.mu.Unlock()
	run, err := startChild(1, program, name)
	if err != nil {
		return "", err
	}
	s.mu.Lock()
	s.run = run
	s.mu.Unlock()
	go s.watch(run)
	return fmt.Sprintf("%s (pid %d)", name, run.pid()), nil
}

// current is the run calls go to.
func (s *hostSupervisor) current() *child {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.run
}

// ready is the run for a call that should rather wait for the next run than fail (reading
// configs, creating instances: a reload during a restart), up to hostCallTimeout.
func (s *hostSupervisor) ready() *child {
	run := s.current()
	if run.alive() {
		return run
	}
	timeout := time.NewTimer(hostCallTimeout)
	defer timeout.Stop()
	// Once the run has exited, the supervisor has arranged the next (childExited).
	select {
	case <-run.exited:
	case <-timeout.C:
		return s.current()
	}
	s.mu.Lock()
	up := s.up
	s.mu.Unlock()
	if up != nil {
		select {
		case <-up:
		case <-timeout.C:
		}
	}
	return s.current()
}

// hello makes the handshake of the first run and remembers it for the next.
func (s *hostSupervisor) hello(level uint32, info *otbLibraryInfo, status *otbStatus) uint32 {
	s.mu.Lock()
	s.level = level
	s.mu.Unlock()
	code := helloRun(s.current(), level, info, status)
	if code == uint32(CodeOK) {
		s.mu.Lock()
		s.count = uint64(info.componentCount)
		s.mu.Unlock()
	}
	return code
}

func helloRun(run *child, level uint32, info *otbLibraryInfo, status *otbStatus) uint32 {
	body := run.roundTrip(wire.Hello, func(e *wire.Encoder) {
		e.U32(wire.Protocol)
		e.U32(abiMajor)
		e.U32(abiMinor)
		e.U32(level)
	})
	return answer(run, body, status, func(d *wire.Decoder) {
		info.abiMajor = d.U32()
		info.abiMinor = d.U32()
		info.componentCount = uintptr(d.U64())
	})
}

// configureRuntime sends runtime settings, and keeps those that took effect for the next runs.
func (s *hostSupervisor) configureRuntime(t byte, build func(e *wire.Encoder), validateOnly bool, status *otbStatus) uint32 {
	run := s.ready()
	body := run.roundTrip(t, build)
	code := answer(run, body, status, nil)
	if code == uint32(CodeOK) && !validateOnly {
		e := wire.Begin(nil, t)
		e.U64(0)
		build(&e)
		s.mu.Lock()
		s.runtime = append(s.runtime, e.Finish(0))
		s.mu.Unlock()
	}
	return code
}

// track and untrack keep the live instances, in creation order, for the next run.
func (s *hostSupervisor) track(inst *remoteInstance) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextSeq++
	inst.seq = s.nextSeq
	s.instances[inst] = struct{}{}
}

func (s *hostSupervisor) untrack(inst *remoteInstance) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.instances, inst)
}

func (s *hostSupervisor) live() []*remoteInstance {
	s.mu.Lock()
	defer s.mu.Unlock()
	list := make([]*remoteInstance, 0, len(s.instances))
	for inst := range s.instances {
		list = append(list, inst)
	}
	slices.SortFunc(list, func(a, b *remoteInstance) int { return int(a.seq - b.seq) })
	return list
}

// watch health-checks a run every healthInterval, and holds it to the memory limit, until it ends.
func (s *hostSupervisor) watch(run *child) {
	ticker := time.NewTicker(healthInterval)
	defer ticker.Stop()
	for {
		select {
		case <-run.exited:
			return
		case <-ticker.C:
		}
		if s.memoryLimit > 0 {
			if rss, err := residentBytes(run.pid()); err == nil && rss > s.memoryLimit {
				why := fmt.Sprintf("used %d MiB of memory, over its limit of %d MiB (%s), and was killed",
					rss>>20, s.memoryLimit>>20, memoryLimitEnv)
				defaultLogger().Error("otelbridge: the Rust host program "+why, zap.Int("pid", run.pid()))
				run.kill(why)
				return
			}
		}
		answered := make(chan struct{})
		go func() {
			run.roundTrip(wire.Ping, nil)
			close(answered)
		}()
		select {
		case <-answered:
		case <-run.exited:
			return
		case <-time.After(healthTimeout):
			why := fmt.Sprintf("did not answer its health check within %s, and was killed", healthTimeout)
			defaultLogger().Error("otelbridge: the Rust host program "+why, zap.Int("pid", run.pid()))
			run.kill(why)
			return
		}
	}
}

// childExited is called once a run has ended and its requests have failed.
func (s *hostSupervisor) childExited(run *child) {
	s.mu.Lock()
	if s.run != run {
		s.mu.Unlock()
		return
	}
	if time.Since(run.started) >= stableRun {
		s.backoff = firstBackoff
	}
	delay := s.backoff
	s.backoff = min(2*s.backoff, s.maxBackoff)
	s.up = make(chan struct{})
	s.mu.Unlock()

	instances := s.live()
	failure := run.failure()
	fields := []zap.Field{zap.Int("pid", run.pid()), zap.Int("instances", len(instances)), zap.Duration("restart_in", delay)}
	if tail := run.stderr.last(); len(tail) > 0 {
		fields = append(fields, zap.Strings("last_output", tail))
	}
	defaultLogger().Error(fmt.Sprintf("otelbridge: the Rust host program %s; its calls in flight failed as retryable, "+
		"its components report a recoverable error, and it restarts in %s", run.ended(), delay), fields...)
	for _, inst := range instances {
		sink, message := inst.sink, failure.Message
		telemetry.add(false, func() {
			reportStatus(sink, StatusRecoverableError, message)
			// The next run creates the instance's instruments again, under ids of its own.
			releaseInstruments(sink)
		})
	}
	go s.restart(run.gen+1, delay)
}

// restart starts the next run after delay, retrying with backoff until one comes up; then
// creates and starts every live instance again.
func (s *hostSupervisor) restart(gen uint64, delay time.Duration) {
	for attempt := 1; ; attempt++ {
		time.Sleep(delay)
		run, err := s.startRun(gen)
		if err == nil {
			s.recreate(run, attempt)
			return
		}
		s.mu.Lock()
		delay = s.backoff
		s.backoff = min(2*s.backoff, s.maxBackoff)
		s.mu.Unlock()
		defaultLogger().Error(fmt.Sprintf("otelbridge: restarting the Rust host program failed: %v; trying again in %s", err, delay))
	}
}

// startRun starts a run and replays the handshake and runtime settings; the run becomes current.
func (s *hostSupervisor) startRun(gen uint64) (*child, error) {
	s.mu.Lock()
	program, name, level, count, settings := s.program, s.name, s.level, s.count, slices.Clone(s.runtime)
	s.mu.Unlock()
	run, err := startChild(gen, program, name)
	if err != nil {
		return nil, err
	}
	fail := func(err error) (*child, error) {
		run.kill("failed to start as the last did, and was killed")
		<-run.exited
		return nil, err
	}
	var info otbLibraryInfo
	var status otbStatus
	if helloRun(run, level, &info, &status) != uint32(CodeOK) {
		return fail(fmt.Errorf("handshake: %w", statusError(&status)))
	}
	if uint64(info.componentCount) != count {
		return fail(fmt.Errorf("it now serves %d components, not %d: it was replaced by another build", info.componentCount, count))
	}
	for _, frame := range settings {
		t := frame[4]
		body := frame[wire.HeaderSize+8:]
		reply := run.roundTrip(t, func(e *wire.Encoder) { e.Raw(body) })
		if answer(run, reply, &status, nil) != uint32(CodeOK) {
			return fail(fmt.Errorf("runtime settings: %w", statusError(&status)))
		}
	}
	s.mu.Lock()
	s.run = run
	close(s.up)
	s.up = nil
	s.mu.Unlock()
	go s.watch(run)
	return run, nil
}

// recreate creates and starts again, in the new run, every instance that lived in an earlier one
// and is not being shut down.
func (s *hostSupervisor) recreate(run *child, attempts int) {
	var created, started, failed int
	for _, inst := range s.live() {
		inst.mu.Lock()
		stale := !inst.stopping && !inst.freed && inst.run != run
		wasStarted := inst.started
		inst.mu.Unlock()
		if !stale {
			continue
		}
		var status otbStatus
		number, code := createRemote(run, inst, &status)
		if code != uint32(CodeOK) {
			failed++
			s.reportRecreateFailure(inst, "creating it again", statusError(&status))
			continue
		}
		created++
		if wasStarted {
			if err := callAndWait(run, number, wire.CallStart); err != nil {
				failed++
				s.reportRecreateFailure(inst, "starting it again", err)
				continue
			}
			started++
		}
		inst.mu.Lock()
		if inst.stopping || inst.freed {
			// Its shutdown began meanwhile and found nothing to shut down: this one is shut
			// down and released here.
			inst.mu.Unlock()
			if wasStarted {
				_ = callAndWait(run, number, wire.CallShutdown)
			}
			run.free(number)
			continue
		}
		inst.run, inst.number, inst.started = run, number, wasStarted
		inst.mu.Unlock()
		sink := inst.sink
		telemetry.add(false, func() { reportStatus(sink, StatusOK, "") })
	}
	defaultLogger().Info(fmt.Sprintf("otelbridge: the Rust host program is running again, after %d attempt(s): "+
		"%d instances created again, %d started, %d failed", attempts, created, started, failed), zap.Int("pid", run.pid()))
}

func (s *hostSupervisor) reportRecreateFailure(inst *remoteInstance, doing string, err error) {
	message := fmt.Sprintf("the Rust host program restarted, but %s failed: %v", doing, err)
	defaultLogger().Error("otelbridge: "+message, zap.ByteString("component", inst.id))
	sink := inst.sink
	telemetry.add(false, func() { reportStatus(sink, StatusRecoverableError, message) })
}

// callAndWait makes a start or shutdown call of the supervisor's own, and waits for it to complete.
func callAndWait(run *child, number uint64, kind byte) error {
	var result otbResult
	p := callRemote(run, number, kind, 0, time.Now().Add(hostCallTimeout).UnixNano(), nil, nil, &result)
	if p != nil {
		select {
		case <-p.finished:
			result = p.result
		case <-time.After(hostCallTimeout + time.Second):
			return errors.New("the call did not complete")
		}
	}
	return statusError(&result.status)
}

// hostProgramPath is the program to run and its name for messages: a file (relative to the
// executable's directory), or the embedded program written to a memory file, which stays open
// for the life of the process (each run execs it again).
func hostProgramPath() (string, string, error) {
	src := hostProgramInUse()
	switch {
	case src.content != nil:
		fd, err := memoryFile(src, "the Rust host program")
		if err != nil {
			return "", "", err
		}
		// Kept open for the life of the process: every run execs it again, and a file the
		// garbage collector closed would leave its number to another.
		embeddedProgram = os.NewFile(uintptr(fd), src.name)
		return fmt.Sprintf("/proc/self/fd/%d", fd), src.name, nil
	case src.path != "":
		path, err := besideExecutable(src.path, "the Rust host program")
		if err != nil {
			return "", "", err
		}
		if err := unix.Access(path, unix.X_OK); err != nil {
			return "", "", fmt.Errorf("otelbridge: the Rust host program %s: %w", path, err)
		}
		return path, path, nil
	}
	return "", "", errors.New("otelbridge: this collector was built for subprocess mode and names no Rust host program: " +
		"build it with otelbridge-builder (rust.mode: subprocess)")
}

// embeddedProgram is the memory file the embedded host program runs from.
var embeddedProgram *os.File

// memoryLimit reads memoryLimitEnv.
func memoryLimit() (uint64, error) {
	v := os.Getenv(memoryLimitEnv)
	if v == "" {
		return 0, nil
	}
	mib, err := strconv.ParseUint(v, 10, 64)
	if err != nil || mib == 0 {
		return 0, fmt.Errorf("otelbridge: %s is %q: want a positive number of MiB", memoryLimitEnv, v)
	}
	return mib << 20, nil
}

// residentBytes reads a process's resident set size.
func residentBytes(pid int) (uint64, error) {
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for line := range strings.Lines(string(status)) {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kib, err := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kib << 10, err
		}
	}
	return 0, errors.New("no VmRSS")
}

// RustProcessID is the process the Rust components run in: the current run of the host program
// (0 before the first).
func RustProcessID() int {
	run := supervisor.current()
	if run == nil {
		return 0
	}
	return run.pid()
}
