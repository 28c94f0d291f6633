//go:build otelbridge_subprocess

package bridge

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"go.uber.org/zap"
	"golang.org/x/sys/unix"

	"github.com/otelbridge/otelbridge/go/bridge/internal/wire"
)

// child is one run of the host program (subprocess mode): the process, its end of the socket
// pair, and the requests waiting for its answers. When the process ends, every request fails and
// the supervisor (supervise.go) starts the next run.
type child struct {
	// gen numbers the runs of the process, from 1: batch completions and instrument ids carry it,
	// so that an answer meant for a run that is gone never reaches the next.
	gen     uint64
	cmd     *exec.Cmd
	sock    *os.File
	started time.Time
	stderr  *stderrTail

	// Writers take wmu; the last of those waiting flushes, so frames of concurrent calls go out
	// in one write.
	wmu     sync.Mutex
	w       *bufio.Writer
	writers atomic.Int32

	mu       sync.Mutex
	requests map[uint64]*request
	// cause is why the run ended, once it has; calls made later fail with it at once.
	cause   string
	nextReq uint64

	// exited is closed once the process has exited, every request has failed, and the
	// supervisor has arranged the next run.
	exited chan struct{}
}

// request is a frame waiting for its answer.
type request struct {
	// reply receives the REPLY's body after req, or nil when the process died first.
	reply chan []byte
	// pending is a CALL's completion, which a COMPLETE fills after a REPLY that said pending.
	pending *remotePending
	replied bool
}

// startChild starts a run of the host program with the collector's environment, its end of a
// new socket pair as file descriptor 3. The kernel kills it when the collector's process ends
// (see spawner); it also exits when the socket closes.
func startChild(gen uint64, program string, name string) (*child, error) {
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("otelbridge: starting %s: socketpair: %w", name, err)
	}
	// Our end is non-blocking, so its reads and writes wait in Go's network poller: a goroutine
	// that waits there holds no thread, and wakes without a thread hand-off.
	if err := unix.SetNonblock(fds[0], true); err != nil {
		unix.Close(fds[0])
		unix.Close(fds[1])
		return nil, fmt.Errorf("otelbridge: starting %s: %w", name, err)
	}
	ours, theirs := os.NewFile(uintptr(fds[0]), "otelbridge-host"), os.NewFile(uintptr(fds[1]), "otelbridge-host")
	defer theirs.Close()
	c := &child{
		gen:      gen,
		sock:     ours,
		stderr:   newStderrTail(name),
		w:        bufio.NewWriterSize(ours, 64<<10),
		requests: map[uint64]*request{},
		exited:   make(chan struct{}),
	}
	c.cmd = exec.Command(program)
	c.cmd.Args[0] = name
	c.cmd.Env = append(os.Environ(), "OTELBRIDGE_HOST_FD=3")
	c.cmd.ExtraFiles = []*os.File{theirs}
	c.cmd.Stdout = c.stderr
	c.cmd.Stderr = c.stderr
	c.cmd.WaitDelay = time.Second
	c.cmd.SysProcAttr = &syscall.SysProcAttr{
		// No orphan: the kernel kills the child when the collector dies, even by SIGKILL.
		Pdeathsig: syscall.SIGKILL,
		// A process group of its own: ^C in the collector's terminal is the collector's to
		// handle (a graceful shutdown that still needs the child), not the child's.
		Setpgid: true,
	}
	if err := spawn(c.cmd); err != nil {
		ours.Close()
		return nil, fmt.Errorf("otelbridge: starting %s: %w", name, err)
	}
	c.started = time.Now()
	// Under memory pressure the kernel kills the child before the collector.
	_ = os.WriteFile(fmt.Sprintf("/proc/%d/oom_score_adj", c.cmd.Process.Pid), []byte("1000"), 0)
	go c.readLoop()
	go c.wait()
	return c, nil
}

// spawner starts every run from one thread that never exits: the kernel sends PR_SET_PDEATHSIG
// when the thread that forked the child ends, not the process, and Go may run a goroutine's
// exec on any of its threads.
var spawner = sync.OnceValue(func() chan<- func() {
	requests := make(chan func())
	go func() {
		runtime.LockOSThread() // never unlocked: the thread lives as long as the process
		for request := range requests {
			request()
		}
	}()
	return requests
})

// spawn starts cmd on the spawner's thread.
func spawn(cmd *exec.Cmd) error {
	done := make(chan error, 1)
	spawner() <- func() { done <- cmd.Start() }
	return <-done
}

// pid is the process id, for messages.
func (c *child) pid() int { return c.cmd.Process.Pid }

// kill ends the process; wait then fails what is pending and tells the supervisor.
func (c *child) kill(why string) {
	c.mu.Lock()
	if c.cause == "" {
		c.cause = why
	}
	c.mu.Unlock()
	_ = c.cmd.Process.Kill()
}

// lostSocket handles a socket that can no longer be read or written: the host program is
// exiting (how it ended is the news), or, if it has not within a second, it is killed for why.
func (c *child) lostSocket(why string) {
	select {
	case <-c.exited:
	case <-time.After(time.Second):
		c.kill(why)
	}
}

// wait waits for the process to exit, then fails every request and reports the end.
func (c *child) wait() {
	err := c.cmd.Wait()
	c.sock.Close()
	how := "exited with status 0"
	if err != nil {
		how = describeExit(err)
	}
	c.mu.Lock()
	// Why the shim killed it says more than "was killed by signal SIGKILL".
	if c.cause == "" {
		c.cause = how
	}
	requests := c.requests
	c.requests = nil
	c.mu.Unlock()
	failed := c.failure()
	for _, r := range requests {
		if r.pending != nil && r.replied {
			r.pending.complete(failedResult(failed))
		} else {
			r.reply <- nil
		}
	}
	// No event of this run will come: whoever waits for a mark waits no longer.
	marks.Range(func(mark, _ any) bool {
		if done, ok := marks.LoadAndDelete(mark); ok {
			close(done.(chan struct{}))
		}
		return true
	})
	supervisor.childExited(c)
	close(c.exited)
}

// describeExit says how a process ended: "was killed by signal SIGABRT (aborted)".
func describeExit(err error) string {
	exit, ok := err.(*exec.ExitError)
	if !ok {
		return err.Error()
	}
	status, ok := exit.Sys().(syscall.WaitStatus)
	switch {
	case ok && status.Signaled():
		return fmt.Sprintf("was killed by signal %s (%s)", unix.SignalName(status.Signal()), status.Signal())
	case ok && status.Exited():
		return fmt.Sprintf("exited with status %d", status.ExitStatus())
	}
	return exit.Error()
}

// failure is the error calls get once the run has ended: retryable, so that exporterhelper and
// OTLP clients send again once the host program is back.
func (c *child) failure() *Error {
	return &Error{Code: CodeRetryable, Message: fmt.Sprintf("the Rust host program (pid %d) %s; it is being restarted", c.pid(), c.ended())}
}

// ended says how the run ended ("was killed by signal SIGABRT (aborted)"), or "" while it runs.
func (c *child) ended() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.cause
}

// alive tells whether the run has not ended.
func (c *child) alive() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.requests != nil && c.cause == ""
}

// register numbers a request and records it, or returns nil once the run has ended.
func (c *child) register(pending *remotePending) (uint64, *request) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.requests == nil || c.cause != "" {
		return 0, nil
	}
	c.nextReq++
	r := &request{reply: make(chan []byte, 1), pending: pending}
	c.requests[c.nextReq] = r
	return c.nextReq, r
}

// forget drops a request whose frame could not be sent.
func (c *child) forget(req uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.requests, req)
}

// send writes one frame, and data after it (a batch, written without a copy). A write error
// ends the run.
func (c *child) send(frame, data []byte) bool {
	c.writers.Add(1)
	c.wmu.Lock()
	defer c.wmu.Unlock()
	_, err := c.w.Write(frame)
	if err == nil && len(data) > 0 {
		_, err = c.w.Write(data)
	}
	if c.writers.Add(-1) == 0 && err == nil {
		err = c.w.Flush()
	}
	if err != nil {
		go c.lostSocket("could not be written to (" + err.Error() + "), and was killed")
		return false
	}
	return true
}

// roundTrip sends a request frame built by build (given the request's number) and waits for
// its REPLY: the body after req, or nil when the run ended first.
func (c *child) roundTrip(t byte, build func(e *wire.Encoder)) []byte {
	req, r := c.register(nil)
	if r == nil {
		return nil
	}
	e := wire.Begin(nil, t)
	e.U64(req)
	if build != nil {
		build(&e)
	}
	if !c.send(e.Finish(0), nil) {
		c.forget(req)
		return nil
	}
	return <-r.reply
}

// readLoop reads the host program's frames until its socket closes.
func (c *child) readLoop() {
	r := bufio.NewReaderSize(c.sock, 64<<10)
	var header [wire.HeaderSize]byte
	for {
		if _, err := io.ReadFull(r, header[:]); err != nil {
			c.lostSocket("closed its socket without exiting, and was killed")
			return
		}
		t, n, err := wire.Header(header[:])
		if err != nil {
			c.kill("sent a broken frame (" + err.Error() + "), and was killed")
			return
		}
		body := make([]byte, n)
		if _, err := io.ReadFull(r, body); err != nil {
			c.lostSocket("closed its socket without exiting, and was killed")
			return
		}
		if err := c.handleFrame(t, body); err != nil {
			c.kill("sent a broken frame (" + err.Error() + "), and was killed")
			return
		}
	}
}

// handleFrame hands one frame to whoever waits for it.
func (c *child) handleFrame(t byte, body []byte) error {
	d := wire.NewDecoder(body)
	switch t {
	case wire.Reply:
		req := d.U64()
		if d.Err() != nil {
			return d.Err()
		}
		rest := d.Rest()
		c.mu.Lock()
		r := c.requests[req]
		// A CALL's REPLY ends in its poll byte: 1 means a COMPLETE follows.
		if r != nil && r.pending != nil && len(rest) > 0 && rest[len(rest)-1] == pollPending {
			r.replied = true
		} else {
			delete(c.requests, req)
		}
		c.mu.Unlock()
		if r == nil {
			return fmt.Errorf("a REPLY to request %d, which is not waiting", req)
		}
		r.reply <- rest
	case wire.Complete:
		req := d.U64()
		result := decodeResult(d)
		if d.Err() != nil {
			return d.Err()
		}
		c.mu.Lock()
		r := c.requests[req]
		delete(c.requests, req)
		c.mu.Unlock()
		if r == nil || r.pending == nil {
			return fmt.Errorf("a COMPLETE of request %d, which is not pending", req)
		}
		r.pending.complete(result)
	case wire.Event:
		e := otbEvent{
			kind:             d.U32(),
			code:             d.U32(),
			handle:           d.U64(),
			id:               d.U64(),
			deadlineUnixNano: d.I64(),
			value:            d.F64(),
			text:             goBuf(d.Bytes()),
			data:             goBuf(d.Bytes()),
		}
		if d.Err() != nil {
			return d.Err()
		}
		switch e.kind {
		case eventComplete:
			return fmt.Errorf("a COMPLETE event, which the host program answers itself")
		case eventConsume, eventInstrument, eventRecord:
			// Completions and instrument ids are the run's: the generation keeps them apart.
			e.id = withGeneration(c.gen, e.id)
		}
		handleEvent(&e)
	default:
		return fmt.Errorf("unknown frame type %#x", t)
	}
	return nil
}

// generationShift places a run's generation above the ids the host program numbers.
const generationShift = 48

func withGeneration(gen, id uint64) uint64 { return gen<<generationShift | id&(1<<generationShift-1) }

func splitGeneration(id uint64) (gen, local uint64) {
	return id >> generationShift, id & (1<<generationShift - 1)
}

// stderrTail logs what the host program writes on stdout and stderr (a Rust abort, a stack
// overflow and a failed allocation say so there, and nowhere else), a line at a time, and keeps
// the last lines for the message that reports its end.
type stderrTail struct {
	name    string
	mu      sync.Mutex
	partial []byte
	lines   []string
}

const stderrTailLines = 10

func newStderrTail(name string) *stderrTail { return &stderrTail{name: name} }

func (s *stderrTail) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.partial = append(s.partial, p...)
	for {
		i := bytes.IndexByte(s.partial, '\n')
		if i < 0 {
			break
		}
		s.line(string(s.partial[:i]))
		s.partial = s.partial[i+1:]
	}
	if len(s.partial) > 4096 {
		s.line(string(s.partial))
		s.partial = s.partial[:0]
	}
	return len(p), nil
}

func (s *stderrTail) line(line string) {
	if line = strings.TrimSpace(line); line == "" {
		return
	}
	defaultLogger().Warn("otelbridge: the Rust host program wrote: "+line, zap.String("program", s.name))
	if len(s.lines) == stderrTailLines {
		s.lines = s.lines[1:]
	}
	s.lines = append(s.lines, line)
}

// last returns the last lines written.
func (s *stderrTail) last() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.lines...)
}
