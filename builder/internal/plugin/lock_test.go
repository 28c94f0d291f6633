package plugin

import (
	"reflect"
	"strings"
	"testing"
)

func TestReadLockListsEveryCrateButTheRoot(t *testing.T) {
	lock, err := parseLock([]byte(fixtureLock), "otelbridge-plugin-0123456789ab")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range lock.Crates {
		names = append(names, c.Name+" "+c.Version)
	}
	want := []string{"hex 0.4.3", "otelbridge 0.1.0", "otelbridge-abi 0.1.0", "otelbridge-example-redact 0.1.0", "spanstats 0.2.0"}
	if !reflect.DeepEqual(names, want) {
		t.Errorf("crates %q, want %q", names, want)
	}
	if lock.SDKVersion != "0.1.0" {
		t.Errorf("SDK version %q", lock.SDKVersion)
	}
	if c := lock.Crates[0]; c.Source != "registry+https://github.com/rust-lang/crates.io-index" || len(c.Checksum) != 64 {
		t.Errorf("registry crate %+v", c)
	}
	if c := lock.Crates[1]; c.Source != "" || c.Checksum != "" {
		t.Errorf("path crate %+v", c)
	}
}

// With two SDK versions in the lock (a component crate of an older SDK that the library does
// not export, say), the SDK version is the one the ABI crate uses.
func TestReadLockTakesTheSDKTheABICrateUses(t *testing.T) {
	const lock = `
[[package]]
name = "otelbridge"
version = "0.1.0"

[[package]]
name = "otelbridge"
version = "0.2.1"
source = "registry+https://github.com/rust-lang/crates.io-index"

[[package]]
name = "otelbridge-abi"
version = "0.2.1"
dependencies = [
 "otelbridge 0.2.1",
]
`
	got, err := parseLock([]byte(lock), "root")
	if err != nil || got.SDKVersion != "0.2.1" {
		t.Errorf("parseLock = %+v, %v; want SDK 0.2.1", got, err)
	}
	broken := strings.Replace(lock, `"otelbridge 0.2.1"`, `"tokio"`, 1)
	if _, err := parseLock([]byte(broken), "root"); err == nil || !strings.Contains(err.Error(), "2 versions of the otelbridge crate (0.1.0, 0.2.1)") {
		t.Errorf("no SDK the ABI crate uses: %v", err)
	}
}

func TestReadLockWithoutTheSDKFails(t *testing.T) {
	if _, err := parseLock([]byte("[[package]]\nname = \"serde\"\nversion = \"1.0.0\"\n"), "root"); err == nil || !strings.Contains(err.Error(), "no otelbridge crate") {
		t.Errorf("parseLock = %v", err)
	}
	if _, err := parseLock([]byte("[[package]\n"), "root"); err == nil {
		t.Error("a lock that is not TOML: no error")
	}
}
