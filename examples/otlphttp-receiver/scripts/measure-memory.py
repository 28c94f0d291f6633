#!/usr/bin/env python3
"""Measures the collector's memory under the OTLP/HTTP abuse of issue 12, for otlphttp_rs and,
for comparison, Go's own otlp receiver.

Each scenario runs against a fresh collector process, so VmHWM (the peak RSS) is that
scenario's alone:

  drip   N connections (default 200) each send a request's headers, then one body byte every
         50 ms for 30 s, then close; reports how many the server answered or closed meanwhile
  big    one traces request of empty spans, 20 MB (10M spans), and its time
  small  one traces request of 1M empty spans (2 MB), and its time

Usage:
  make collector
  examples/otlphttp-receiver/scripts/measure-memory.py [--binary bin/otelcol-example]
      [--receiver rust|go|both] [--scenario drip|big|small|all] [--drip-seconds 30]

The collector runs with a generated config: otlphttp_rs and Go's otlp (HTTP only) receivers on
local ports (--port, --go-port; defaults 14319 and 14318, so the example config's 4317-4319 stay
free for others), every signal to the debug exporter at basic verbosity, and the otelbridge
extension with 2 worker threads as in examples/collector/config.yaml.
"""

import argparse
import http.client
import os
import socket
import subprocess
import sys
import tempfile
import time

CONFIG = """
extensions:
  otelbridge:
    worker_threads: 2
receivers:
  otlphttp_rs:
    endpoint: 127.0.0.1:{port}
  otlp:
    protocols:
      http:
        endpoint: 127.0.0.1:{go_port}
exporters:
  debug:
    verbosity: basic
service:
  extensions: [otelbridge]
  telemetry:
    logs:
      level: warn
    metrics:
      level: none
  pipelines:
    traces:
      receivers: [otlphttp_rs, otlp]
      exporters: [debug]
    metrics:
      receivers: [otlphttp_rs, otlp]
      exporters: [debug]
    logs:
      receivers: [otlphttp_rs, otlp]
      exporters: [debug]
"""


def varint(n):
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def empty_spans(count):
    """An ExportTraceServiceRequest: one resource, one scope, `count` empty spans."""
    spans = b"\x12\x00" * count  # ScopeSpans.spans (2), empty Span
    scope = b"\x12" + varint(len(spans)) + spans  # ResourceSpans.scope_spans (2)
    return b"\x0a" + varint(len(scope)) + scope  # ExportTraceServiceRequest.resource_spans (1)


def memory(pid):
    """(VmRSS, VmHWM) in MiB."""
    values = {}
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] = int(rest.split()[0]) / 1024
    return values["VmRSS"], values["VmHWM"]


class Collector:
    def __init__(self, binary, port, go_port):
        self.config = tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False)
        self.config.write(CONFIG.format(port=port, go_port=go_port))
        self.config.close()
        self.log = tempfile.NamedTemporaryFile("w+", suffix=".log", delete=False)
        self.process = subprocess.Popen(
            [binary, "--config", self.config.name], stdout=self.log, stderr=subprocess.STDOUT
        )
        for wanted in (port, go_port):
            deadline = time.time() + 60
            while True:
                if self.process.poll() is not None:
                    self.log.seek(0)
                    sys.exit(f"the collector exited: {self.log.read()[-2000:]}")
                try:
                    socket.create_connection(("127.0.0.1", wanted), timeout=1).close()
                    break
                except OSError:
                    if time.time() > deadline:
                        sys.exit(f"nothing listens on 127.0.0.1:{wanted} after 60 s")
                    time.sleep(0.2)
        time.sleep(1)  # let start-up allocations settle

    def memory(self):
        return memory(self.process.pid)

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.unlink(self.config.name)
        os.unlink(self.log.name)


def post(port, body, timeout):
    """POSTs a traces request; returns (status or error, seconds)."""
    started = time.monotonic()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(
            "POST", "/v1/traces", body=body, headers={"Content-Type": "application/x-protobuf"}
        )
        response = conn.getresponse()
        response.read()
        outcome = str(response.status)
    except OSError as err:
        outcome = f"error: {err}"
    finally:
        conn.close()
    return outcome, time.monotonic() - started


def drip(port, connections, seconds, interval=0.05):
    """Opens `connections` requests that announce a 1 MB body and send a byte per `interval`.
    Returns how many the server ended (answered or closed) while they dripped."""
    head = (
        "POST /v1/traces HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Content-Type: application/x-protobuf\r\nContent-Length: 1000000\r\n\r\n"
    ).encode()
    socks = []
    for _ in range(connections):
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
        s.sendall(head)
        s.setblocking(False)
        socks.append(s)
    ended = {}  # index -> what ended it
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for i, s in enumerate(socks):
            if i in ended:
                continue
            try:
                data = s.recv(4096)
                ended[i] = data.split(b"\r\n", 1)[0].decode(errors="replace") if data else "closed"
                continue
            except BlockingIOError:
                pass
            except OSError as err:
                ended[i] = f"closed ({err.__class__.__name__})"
                continue
            try:
                s.send(b"\x0a")
            except OSError as err:
                ended[i] = f"closed ({err.__class__.__name__})"
        time.sleep(interval)
    for s in socks:
        s.close()
    kinds = {}
    for what in ended.values():
        kinds[what] = kinds.get(what, 0) + 1
    return kinds


def measure(args, receiver, scenario):
    port = args.port if receiver == "rust" else args.go_port
    collector = Collector(args.binary, args.port, args.go_port)
    try:
        rss0, _ = collector.memory()
        if scenario == "drip":
            kinds = drip(port, args.connections, args.drip_seconds)
            detail = f"ended by the server while dripping: {kinds or 'none'}"
        else:
            count = 10_000_000 if scenario == "big" else 1_000_000
            body = empty_spans(count)
            outcome, seconds = post(port, body, timeout=600)
            detail = f"{len(body) / 1e6:.1f} MB, {count} spans: {outcome} in {seconds:.1f} s"
        _, hwm = collector.memory()
        time.sleep(args.settle)
        rss1, _ = collector.memory()
        print(
            f"{receiver:4} {scenario:5} RSS before {rss0:7.1f} MiB, peak (VmHWM) {hwm:7.1f} MiB, "
            f"RSS {args.settle:.0f} s after {rss1:7.1f} MiB; {detail}",
            flush=True,
        )
    finally:
        collector.stop()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--binary", default="bin/otelcol-example")
    parser.add_argument("--port", type=int, default=14319, help="otlphttp_rs port")
    parser.add_argument("--go-port", type=int, default=14318, help="Go otlp receiver port")
    parser.add_argument("--receiver", choices=["rust", "go", "both"], default="rust")
    parser.add_argument("--scenario", choices=["drip", "big", "small", "all"], default="all")
    parser.add_argument("--connections", type=int, default=200)
    parser.add_argument("--drip-seconds", type=float, default=30)
    parser.add_argument("--settle", type=float, default=5, help="seconds before the last RSS")
    args = parser.parse_args()
    receivers = ["rust", "go"] if args.receiver == "both" else [args.receiver]
    scenarios = ["drip", "small", "big"] if args.scenario == "all" else [args.scenario]
    for receiver in receivers:
        for scenario in scenarios:
            measure(args, receiver, scenario)


if __name__ == "__main__":
    main()
