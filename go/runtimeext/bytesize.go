package runtimeext

import (
	"fmt"
	"strconv"
	"strings"
)

// ByteSize is a size in bytes. In a config it is a number of bytes, or text with a binary unit:
// 4096, 512KiB, 2MiB, 1GiB. Decimal units (KB, MB) are refused rather than guessed at.
type ByteSize uint64

// The binary units.
const (
	KiB ByteSize = 1 << 10
	MiB ByteSize = 1 << 20
	GiB ByteSize = 1 << 30
)

var units = []struct {
	name  string
	scale ByteSize
}{{"GiB", GiB}, {"MiB", MiB}, {"KiB", KiB}, {"B", 1}}

// UnmarshalText reads digits, optional spaces, then an optional unit (B, KiB, MiB, GiB).
func (b *ByteSize) UnmarshalText(text []byte) error {
	s := string(text)
	digits := strings.IndexFunc(s, func(r rune) bool { return r < '0' || r > '9' })
	if digits < 0 {
		digits = len(s)
	}
	if digits == 0 {
		return fmt.Errorf("invalid size %q: expected a whole number of bytes, or one with a unit, like \"2MiB\"", s)
	}
	scale := ByteSize(1)
	if unit := strings.TrimLeft(s[digits:], " "); unit != "" {
		i := 0
		for i < len(units) && units[i].name != unit {
			i++
		}
		if i == len(units) {
			return fmt.Errorf("invalid size %q: unknown unit %q (use B, KiB, MiB or GiB: 1MiB is 1048576 bytes)", s, unit)
		}
		scale = units[i].scale
	}
	n, err := strconv.ParseUint(s[:digits], 10, 64)
	if err != nil || n > uint64(^ByteSize(0)/scale) {
		return fmt.Errorf("invalid size %q: too large", s)
	}
	*b = ByteSize(n) * scale
	return nil
}

// MarshalText writes the size with the largest unit that divides it: 2MiB, 1536KiB, 1000B.
func (b ByteSize) MarshalText() ([]byte, error) {
	return []byte(b.String()), nil
}

// String is the size with the largest unit that divides it.
func (b ByteSize) String() string {
	for _, u := range units {
		if b > 0 && b%u.scale == 0 {
			return strconv.FormatUint(uint64(b/u.scale), 10) + u.name
		}
	}
	return "0B"
}
