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
}

func machine() machineInfo {
	return machineInfo{
		date:        time.Now().UTC().Format("2006-01-02 15:04 UTC"),
		cpu:         cpuModel(),
		kernel:      output("uname", "-sr"),
		goVersion:   runtime.Version(),
		rustVersion: output("rustc", "--version"),
		cores:       runtime.NumCPU(),
	}
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
