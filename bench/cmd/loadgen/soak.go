package main

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/collector/pdata/ptrace/ptraceotlp"
)

// soakOptions configure the soak mode (-rate > 0): a fixed rate for a fixed time, the collector
// sampled as it goes.
type soakOptions struct {
	rate       float64       // spans per second
	duration   time.Duration // how long to send
	sample     time.Duration // how often to read the collector's RSS and threads
	samplesCSV string        // where to write every sample ("": nowhere)
	pid        int
	timeout    time.Duration // of one export
}

// sample is one reading of the collector's /proc/<pid>/status.
type sample struct {
	at      time.Duration // since the soak began
	rssKiB  int64
	threads int64
}

// soak sends at opts.rate for opts.duration: a ticker releases one request per period to the
// senders, so a slow collector shows as exports that fail or fall behind, not as a lower rate
// quietly chosen by the generator. It prints the figures in Go benchmark format, for the report:
//
//	BenchmarkSoak/rss 1 <ns> ns/op <KiB> start-KiB <KiB> end-KiB <KiB> KiB/min
//	BenchmarkSoak/threads 1 <ns> ns/op <n> start-threads <n> end-threads <n> threads/min
//	BenchmarkSoak/load 1 <ns> ns/op <spans/s> spans/s <n> sent-spans <n> failed-spans <n> behind-requests
//
// start is the median of the samples of the first minute after the first (warm-up) minute, end
// the median of the last minute's, and the slope a least-squares fit over every sample after the
// warm-up minute.
func soak(clients []ptraceotlp.GRPCClient, payloads []ptraceotlp.ExportRequest, perRequest int64, opts soakOptions) {
	period := time.Duration(float64(time.Second) * float64(perRequest) / opts.rate)
	if period <= 0 {
		fail("-rate %.0f is too high for %d spans per request", opts.rate, perRequest)
	}
	tokens := make(chan struct{}, len(clients))
	var sent, failed, behind atomic.Int64
	var firstErr atomic.Value
	var wg sync.WaitGroup
	for i := range clients {
		wg.Add(1)
		go func(client ptraceotlp.GRPCClient, payload ptraceotlp.ExportRequest) {
			defer wg.Done()
			for range tokens {
				ctx, cancel := context.WithTimeout(context.Background(), opts.timeout)
				_, err := client.Export(ctx, payload)
				cancel()
				sent.Add(perRequest)
				if err != nil {
					failed.Add(perRequest)
					firstErr.CompareAndSwap(nil, err.Error())
				}
			}
		}(clients[i], payloads[i])
	}

	var samples []sample
	start := time.Now()
	tick := time.NewTicker(period)
	sampleTick := time.NewTicker(opts.sample)
	samples = append(samples, readSample(opts.pid, 0))
	done := time.After(opts.duration)
loop:
	for {
		select {
		case <-tick.C:
			select {
			case tokens <- struct{}{}:
			default:
				behind.Add(1) // every sender still busy: the collector is not keeping up
			}
		case <-sampleTick.C:
			samples = append(samples, readSample(opts.pid, time.Since(start)))
		case <-done:
			break loop
		}
	}
	tick.Stop()
	sampleTick.Stop()
	close(tokens)
	wg.Wait()
	elapsed := time.Since(start)
	samples = append(samples, readSample(opts.pid, elapsed))
	if opts.samplesCSV != "" {
		writeSamples(opts.samplesCSV, samples)
	}

	steady := samplesAfter(samples, time.Minute)
	if len(steady) < 4 {
		fail("the soak is too short: it needs more than a minute of samples after the first")
	}
	rssStart, rssEnd, rssSlope := trend(steady, func(s sample) float64 { return float64(s.rssKiB) })
	thrStart, thrEnd, thrSlope := trend(steady, func(s sample) float64 { return float64(s.threads) })
	ns := elapsed.Nanoseconds()
	fmt.Printf("BenchmarkSoak/rss 1 %d ns/op %.0f start-KiB %.0f end-KiB %.1f KiB/min\n", ns, rssStart, rssEnd, rssSlope)
	fmt.Printf("BenchmarkSoak/threads 1 %d ns/op %.0f start-threads %.0f end-threads %.2f threads/min\n", ns, thrStart, thrEnd, thrSlope)
	fmt.Printf("BenchmarkSoak/load 1 %d ns/op %.0f spans/s %d sent-spans %d failed-spans %d behind-requests\n",
		ns, float64(sent.Load())/elapsed.Seconds(), sent.Load(), failed.Load(), behind.Load())
	if n := failed.Load(); n > 0 {
		fmt.Fprintf(os.Stderr, "loadgen: %d spans were refused; the first error: %v\n", n, firstErr.Load())
	}
}

// readSample reads VmRSS and Threads from /proc/<pid>/status.
func readSample(pid int, at time.Duration) sample {
	values := procStatus(pid, "VmRSS", "Threads")
	return sample{at: at, rssKiB: values[0], threads: values[1]}
}

func samplesAfter(samples []sample, warmup time.Duration) []sample {
	for i, s := range samples {
		if s.at >= warmup {
			return samples[i:]
		}
	}
	return nil
}

// trend is the median of the first and of the last minute of samples, and the least-squares
// slope per minute over all of them.
func trend(samples []sample, value func(sample) float64) (start, end, perMinute float64) {
	first, last := samples[0].at, samples[len(samples)-1].at
	var head, tail []float64
	var n, sx, sy, sxx, sxy float64
	for _, s := range samples {
		v, x := value(s), s.at.Minutes()
		if s.at < first+time.Minute {
			head = append(head, v)
		}
		if s.at > last-time.Minute {
			tail = append(tail, v)
		}
		n, sx, sy, sxx, sxy = n+1, sx+x, sy+v, sxx+x*x, sxy+x*v
	}
	if d := n*sxx - sx*sx; d != 0 {
		perMinute = (n*sxy - sx*sy) / d
	}
	return median(head), median(tail), perMinute
}

func median(values []float64) float64 {
	if len(values) == 0 {
		return 0
	}
	sorted := append([]float64(nil), values...)
	sort.Float64s(sorted)
	return sorted[len(sorted)/2]
}

func writeSamples(path string, samples []sample) {
	var b strings.Builder
	b.WriteString("seconds,rss_kib,threads\n")
	for _, s := range samples {
		fmt.Fprintf(&b, "%.1f,%d,%d\n", s.at.Seconds(), s.rssKiB, s.threads)
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		fail("writing the samples: %v", err)
	}
}
