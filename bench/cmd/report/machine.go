package main

import (
	"bufio"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"time"
)

// machineInfo is what the figures were measured on.
type machineInfo struct {
	date, cpu, kernel, goVersion, rustVersion string
	cores                                     int
	// collector, redaction and filter are the module versions the benchmarks ran against.
	collector, redaction, filter string
}

func machine() machineInfo {
	return machineInfo{
		date:        time.Now().UTC().Format("2006-01-02 15:04 UTC"),
		cpu:         cpuModel(),
		kernel:      output("uname", "-sr"),
		goVersion:   runtime.Version(),
		rustVersion: output("rustc", "--version"),
		cores:       runtime.NumCPU(),
		collector:   moduleVersion("go.opentelemetry.io/collector/processor/processorhelper"),
		redaction:   moduleVersion("github.com/open-telemetry/opentelemetry-collector-contrib/processor/redactionprocessor"),
		filter:      moduleVersion("github.com/open-telemetry/opentelemetry-collector-contrib/processor/filterprocessor"),
	}
}

// moduleVersion is the version of a module in the bench module's build list (the report runs
// in bench/), so the report names what was measured rather than what someone typed.
func moduleVersion(path string) string {
	return output("go", "list", "-m", "-f", "{{.Version}}", path)
}

func cpuModel() string {
	file, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return "unknown"
	}
	defer file.Close()
	scanner := bufio.NewScanner(file)
	for scanner.Scan() {
		if key, value, ok := strings.Cut(scanner.Text(), ":"); ok && strings.TrimSpace(key) == "model name" {
			return strings.TrimSpace(value)
		}
	}
	return "unknown"
}

func output(name string, args ...string) string {
	out, err := exec.Command(name, args...).Output()
	if err != nil {
		return "unknown"
	}
	return strings.TrimSpace(string(out))
}
