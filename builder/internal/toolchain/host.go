package toolchain

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// BuildHostProgram builds the host program of subprocess mode, the crate's binary target bin,
// with cargo, and returns its path. Like the library targets, bin is distinct per distribution,
// so that builds sharing the target directory each find their own program there.
func (c Cargo) BuildHostProgram(crateDir, bin, profile string, features []string) (string, error) {
	args := []string{"build", "--bin", bin, "--profile", profile}
	if len(features) > 0 {
		args = append(args, "--features", strings.Join(features, ","))
	}
	if _, _, err := c.run(crateDir, args...); err != nil {
		return "", err
	}
	return filepath.Join(c.TargetDir, profileDir(profile), bin), nil
}

// The host program's protocol (ffi/README.md, "Subprocess mode"): what DescribeHostProgram
// speaks of it.
const (
	hostProtocol   = 1
	frameHello     = 0x01
	frameRegistry  = 0x02
	frameBye       = 0x0F
	frameReply     = 0x81
	maxFrame       = 1 << 30
	hostFDVariable = "OTELBRIDGE_HOST_FD=3"
	// describeTimeout bounds the whole exchange: a handshake and the registry, which a host
	// program answers at once.
	describeTimeout = 30 * time.Second
)

// abiDefine is a version line of otelbridge.h.
var abiDefine = regexp.MustCompile(`(?m)^#define OTELBRIDGE_ABI_(MAJOR|MINOR) (\d+)\s*$`)

// ABIVersion reads the ABI version otelbridge.h in includeDir declares: the one the checkout's
// Go shim speaks, which a host program built from the same checkout accepts.
func ABIVersion(includeDir string) (major, minor uint32, err error) {
	header := filepath.Join(includeDir, "otelbridge.h")
	data, err := os.ReadFile(header)
	if err != nil {
		return 0, 0, err
	}
	found := map[string]uint32{}
	for _, m := range abiDefine.FindAllSubmatch(data, -1) {
		v, err := strconv.ParseUint(string(m[2]), 10, 32)
		if err != nil {
			return 0, 0, fmt.Errorf("%s: OTELBRIDGE_ABI_%s: %w", header, m[1], err)
		}
		found[string(m[1])] = uint32(v)
	}
	major, hasMajor := found["MAJOR"]
	minor, hasMinor := found["MINOR"]
	if !hasMajor || !hasMinor {
		return 0, 0, fmt.Errorf("%s does not define OTELBRIDGE_ABI_MAJOR and OTELBRIDGE_ABI_MINOR", header)
	}
	return major, minor, nil
}

// DescribeHostProgram reads the registry of a built host program as the collector will: it
// starts the program with its end of a socket pair as file descriptor 3, asks HELLO (the ABI
// version abiMajor.abiMinor) and REGISTRY, and says BYE. The components come in registration
// order, which is the manifest's. Reading it this way also proves that the program starts and
// serves the protocol.
func DescribeHostProgram(program string, abiMajor, abiMinor uint32) ([]Component, error) {
	fail := func(err error, output []byte) error {
		if text := strings.TrimSpace(string(output)); text != "" {
			return fmt.Errorf("reading the registry of the Rust host program %s: %w\n%s", program, err, text)
		}
		return fmt.Errorf("reading the registry of the Rust host program %s: %w", program, err)
	}
	fds, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_STREAM, 0)
	if err != nil {
		return nil, fail(fmt.Errorf("socketpair: %w", err), nil)
	}
	syscall.CloseOnExec(fds[0])
	syscall.CloseOnExec(fds[1])
	ours, theirs := os.NewFile(uintptr(fds[0]), "host-socket"), os.NewFile(uintptr(fds[1]), "host-socket")
	conn, err := net.FileConn(ours) // a duplicate, with deadlines
	ours.Close()
	if err != nil {
		theirs.Close()
		return nil, fail(fmt.Errorf("socket: %w", err), nil)
	}
	defer conn.Close()

	ctx, cancel := context.WithTimeout(context.Background(), describeTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, program)
	cmd.Env = append(os.Environ(), hostFDVariable)
	cmd.ExtraFiles = []*os.File{theirs}
	var output bytes.Buffer
	cmd.Stdout, cmd.Stderr = &output, &output
	cmd.WaitDelay = time.Second
	err = cmd.Start()
	theirs.Close()
	if err != nil {
		return nil, fail(err, nil)
	}
	exited := false
	defer func() {
		if !exited {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	}()
	_ = conn.SetDeadline(time.Now().Add(describeTimeout))

	components, err := describeOver(conn, abiMajor, abiMinor)
	if err != nil {
		// The program's own words (a panic, "cannot start") say more than a closed socket.
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		exited = true
		if status, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && !errors.Is(err, errHostStatus) &&
			!(status.Signaled() && status.Signal() == syscall.SIGKILL) {
			err = fmt.Errorf("%w (the program ended: %v)", err, cmd.ProcessState)
		}
		return nil, fail(err, output.Bytes())
	}
	err = cmd.Wait()
	exited = true
	if err != nil {
		return nil, fail(fmt.Errorf("after BYE: %w", err), output.Bytes())
	}
	return components, nil
}

// errHostStatus marks an error status the host program answered with.
var errHostStatus = errors.New("the host program answered")

// describeOver speaks HELLO, REGISTRY and BYE over conn.
func describeOver(conn net.Conn, abiMajor, abiMinor uint32) ([]Component, error) {
	var hello frameWriter
	hello.u64(1).u32(hostProtocol).u32(abiMajor).u32(abiMinor).u32(0) // default log level: off
	if err := hello.send(conn, frameHello); err != nil {
		return nil, fmt.Errorf("sending HELLO: %w", err)
	}
	body, err := readReply(conn, 1)
	if err != nil {
		return nil, fmt.Errorf("HELLO: %w", err)
	}
	r := frameReader{body: body}
	if err := r.status(); err != nil {
		return nil, fmt.Errorf("HELLO: %w", err)
	}
	var registry frameWriter
	registry.u64(2)
	if err := registry.send(conn, frameRegistry); err != nil {
		return nil, fmt.Errorf("sending REGISTRY: %w", err)
	}
	if body, err = readReply(conn, 2); err != nil {
		return nil, fmt.Errorf("REGISTRY: %w", err)
	}
	r = frameReader{body: body}
	if err := r.status(); err != nil {
		return nil, fmt.Errorf("REGISTRY: %w", err)
	}
	count := r.u32()
	var components []Component
	for i := uint32(0); i < count && r.err == nil; i++ {
		typ := r.bytes()
		kind, signals, signalsOut, stability := r.u32(), r.u32(), r.u32(), r.u32()
		components = append(components, Component{
			Type: string(typ), Kind: kindNames[strconv.FormatUint(uint64(kind), 10)], Signals: signals, SignalsOut: signalsOut, Stability: stability,
		})
	}
	if r.err != nil {
		return nil, fmt.Errorf("REGISTRY: %w", r.err)
	}
	var bye frameWriter
	if err := bye.send(conn, frameBye); err != nil {
		return nil, fmt.Errorf("sending BYE: %w", err)
	}
	return components, nil
}

// readReply reads frames until the REPLY to req, and returns its body after req. The host
// program may send events (a log line) first: they are skipped.
func readReply(conn io.Reader, req uint64) ([]byte, error) {
	for {
		var head [5]byte
		if _, err := io.ReadFull(conn, head[:]); err != nil {
			return nil, fmt.Errorf("reading the answer: %w", err)
		}
		length := binary.LittleEndian.Uint32(head[:4])
		if length == 0 || length > maxFrame {
			return nil, fmt.Errorf("a frame of length %d", length)
		}
		body := make([]byte, length-1)
		if _, err := io.ReadFull(conn, body); err != nil {
			return nil, fmt.Errorf("reading the answer: %w", err)
		}
		if head[4] != frameReply {
			continue
		}
		if len(body) < 8 || binary.LittleEndian.Uint64(body) != req {
			return nil, fmt.Errorf("a reply to another request")
		}
		return body[8:], nil
	}
}

// frameWriter builds a frame's body.
type frameWriter struct{ body []byte }

func (w *frameWriter) u32(v uint32) *frameWriter {
	w.body = binary.LittleEndian.AppendUint32(w.body, v)
	return w
}

func (w *frameWriter) u64(v uint64) *frameWriter {
	w.body = binary.LittleEndian.AppendUint64(w.body, v)
	return w
}

// send writes the frame: its length, its type, its body.
func (w *frameWriter) send(conn io.Writer, typ byte) error {
	frame := binary.LittleEndian.AppendUint32(nil, uint32(len(w.body)+1))
	frame = append(frame, typ)
	_, err := conn.Write(append(frame, w.body...))
	return err
}

// frameReader reads a frame's body; the first short read sets err, and later reads give zeros.
type frameReader struct {
	body []byte
	err  error
}

// take is the next n bytes, or nil once the body is short.
func (r *frameReader) take(n uint64) []byte {
	if r.err == nil && uint64(len(r.body)) < n {
		r.err = errors.New("the answer is short")
	}
	if r.err != nil {
		return nil
	}
	b := r.body[:n]
	r.body = r.body[n:]
	return b
}

func (r *frameReader) u32() uint32 {
	if b := r.take(4); b != nil {
		return binary.LittleEndian.Uint32(b)
	}
	return 0
}

func (r *frameReader) bytes() []byte { return r.take(uint64(r.u32())) }

// status reads a `status`: nil when it is OK, else its message.
func (r *frameReader) status() error {
	code := r.u32()
	r.take(1 + 4 + 4 + 8) // permanent, grpc_code, http_code, retry_after_ns
	message := r.bytes()
	if r.err != nil {
		return r.err
	}
	if code != 0 {
		return fmt.Errorf("%w with status %d: %s", errHostStatus, code, message)
	}
	return nil
}
