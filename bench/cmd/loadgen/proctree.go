package main

import (
	"bytes"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
)

// The collector's cost is that of its whole process tree: a collector built with rust.mode
// subprocess runs its Rust components in a child, the host program, whose CPU time and memory
// are the collector's as much as its own. For a collector without children the tree is the one
// process, and the figures are that process's.

// treeCPUSeconds is the user+system CPU time of the process pid and of every process below it,
// and how many processes that is: each live process's own utime+stime (/proc/<pid>/stat), plus
// each one's cutime+cstime, the time of its children that have ended and been waited for (a host
// program that died and was replaced keeps its time, in the collector's). A process is either
// alive and counted itself, or waited for and counted in its parent: never both. Fails without a
// root process; 0 without a pid.
func treeCPUSeconds(pid int) (float64, int) {
	if pid == 0 {
		return 0, 0
	}
	var ticks int64
	procs := 0
	for i, p := range append([]int{pid}, descendants(pid)...) {
		fields, err := statFields(p)
		if err != nil {
			if i == 0 {
				fail("collector CPU time: %v", err)
			}
			continue // ended since it was listed: its parent's cutime has it once waited for
		}
		// fields[0] is field 3 (state); utime, stime, cutime and cstime are fields 14 to 17.
		var sum int64
		for _, f := range fields[11:15] {
			n, err := strconv.ParseInt(f, 10, 64)
			if err != nil {
				fail("collector CPU time: cannot parse /proc/%d/stat", p)
			}
			sum += n
		}
		ticks += sum
		procs++
	}
	return float64(ticks) / clockTicks, procs
}

// treePeakRSSKiB is the sum of the peak RSS (VmHWM) of the process pid and of every live process
// below it: each process's own peak, so an upper bound of the tree's (they need not peak at the
// same moment; at saturation both hold their working set throughout).
func treePeakRSSKiB(pid int) int64 {
	total := peakRSSKiB(pid)
	for _, p := range descendants(pid) {
		if kib, ok := statusField(p, "VmHWM"); ok {
			total += kib
		}
	}
	return total
}

// statFields are the fields of /proc/<pid>/stat after the command name (field 3 on).
func statFields(pid int) ([]string, error) {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return nil, err
	}
	// The command name, field 2, is in parentheses and may hold spaces: count from after it.
	fields := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
	if len(fields) < 15 {
		return nil, fmt.Errorf("/proc/%d/stat has %d fields after the command name", pid, len(fields))
	}
	return fields, nil
}

// descendants lists the live processes below pid (its children, theirs, ...), found by their
// parent ids in /proc.
func descendants(pid int) []int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		fail("listing processes: %v", err)
	}
	children := map[int][]int{}
	for _, e := range entries {
		p, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		fields, err := statFields(p)
		if err != nil {
			continue // ended meanwhile
		}
		ppid, err := strconv.Atoi(fields[1]) // field 4
		if err != nil {
			continue
		}
		children[ppid] = append(children[ppid], p)
	}
	var found []int
	for queue := []int{pid}; len(queue) > 0; queue = queue[1:] {
		for _, c := range children[queue[0]] {
			if !slices.Contains(found, c) {
				found = append(found, c)
				queue = append(queue, c)
			}
		}
	}
	return found
}

// statusField is one size or count of /proc/<pid>/status, and whether the process has it (one
// that has ended, a zombie, has no memory fields).
func statusField(pid int, key string) (int64, bool) {
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, false
	}
	for line := range strings.SplitSeq(string(status), "\n") {
		k, value, _ := strings.Cut(line, ":")
		if k != key {
			continue
		}
		n, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(value), " kB"), 10, 64)
		return n, err == nil
	}
	return 0, false
}
