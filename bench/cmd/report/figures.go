package main

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"golang.org/x/perf/benchfmt"
)

// figures holds every measurement by benchmark name (without "Benchmark" and the GOMAXPROCS
// suffix) and unit; repeated runs are kept so the report can take their median.
type figures struct {
	values map[string]map[string][]float64
}

func newFigures() *figures {
	return &figures{values: map[string]map[string][]float64{}}
}

var procsSuffix = regexp.MustCompile(`-\d+$`)

func (f *figures) add(name, unit string, value float64) {
	if f.values[name] == nil {
		f.values[name] = map[string][]float64{}
	}
	f.values[name][unit] = append(f.values[name][unit], value)
}

// readGoBench reads a file of `go test -bench` output.
func (f *figures) readGoBench(path string) error {
	file, err := os.Open(path)
	if err != nil {
		return err
	}
	defer file.Close()
	reader := benchfmt.NewReader(file, path)
	for reader.Scan() {
		result, ok := reader.Result().(*benchfmt.Result)
		if !ok {
			continue
		}
		name := strings.TrimPrefix(procsSuffix.ReplaceAllString(string(result.Name.Full()), ""), "Benchmark")
		for _, v := range result.Values {
			// benchfmt normalises ns/op to sec/op; the report speaks the units benchmarks print.
			if v.OrigUnit != "" {
				f.add(name, v.OrigUnit, v.OrigValue)
			} else {
				f.add(name, v.Unit, v.Value)
			}
		}
	}
	return reader.Err()
}

// readCriterion reads the median of every criterion benchmark as ns/op, named
// "<group>/<parameter>/<function>" (RustWork/traces/1000/decode).
func (f *figures) readCriterion(dir string) error {
	return filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() != "benchmark.json" || filepath.Base(filepath.Dir(path)) != "new" {
			return err
		}
		var id struct {
			GroupID    string `json:"group_id"`
			FunctionID string `json:"function_id"`
			ValueStr   string `json:"value_str"`
		}
		var estimates struct {
			Median struct {
				PointEstimate float64 `json:"point_estimate"`
			} `json:"median"`
		}
		if err := readJSON(path, &id); err != nil {
			return err
		}
		if err := readJSON(filepath.Join(filepath.Dir(path), "estimates.json"), &estimates); err != nil {
			return err
		}
		f.add(fmt.Sprintf("%s/%s/%s", id.GroupID, id.ValueStr, id.FunctionID), "ns/op", estimates.Median.PointEstimate)
		return nil
	})
}

func readJSON(path string, v any) error {
	raw, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	return json.Unmarshal(raw, v)
}

// median is the median of name's measurements in unit, and whether there are any.
func (f *figures) median(name, unit string) (float64, bool) {
	return medianOf(f.values[name][unit])
}

// medianOf is the median of values, and whether there are any.
func medianOf(values []float64) (float64, bool) {
	values = slices.Clone(values)
	if len(values) == 0 {
		return 0, false
	}
	slices.Sort(values)
	mid := len(values) / 2
	if len(values)%2 == 1 {
		return values[mid], true
	}
	return (values[mid-1] + values[mid]) / 2, true
}

// count is how many measurements of name in unit there are.
func (f *figures) count(name, unit string) int {
	return len(f.values[name][unit])
}

// medianDiff is the median over runs of name's measurement minus base's, both in unit and read in
// the same order (measured one after the other in each run), and whether there are any: a
// difference taken run by run, not of two medians, so a noisy machine's drift between runs does
// not fall on one side only.
func (f *figures) medianDiff(name, base, unit string) (float64, bool) {
	a, b := f.values[name][unit], f.values[base][unit]
	if len(a) != len(b) {
		return 0, false
	}
	diffs := make([]float64, len(a))
	for i := range a {
		diffs[i] = a[i] - b[i]
	}
	return medianOf(diffs)
}
