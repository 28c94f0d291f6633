#!/usr/bin/env bash
# Checks that the Go and Rust toolchains otelbridge needs are installed, and says what to do if not.
set -euo pipefail

need_go="1.26"   # the collector releases otelbridge supports require it (and fast cgo callbacks)
need_rust="1.85" # edition 2024

fail() { echo "otelbridge: $*" >&2; exit 1; }

command -v go >/dev/null || fail "Go $need_go or newer is required: https://go.dev/doc/install"
command -v cargo >/dev/null || fail "Rust $need_rust or newer is required: https://rustup.rs"
command -v cc >/dev/null || fail "a C compiler (gcc or clang) is required for cgo"

version_at_least() { printf '%s\n%s\n' "$2" "$1" | sort -V -C; }

go_version=$(go env GOVERSION | sed 's/^go//')
version_at_least "$go_version" "$need_go" || fail "Go $go_version is too old: need $need_go or newer"
rust_version=$(rustc --version | awk '{print $2}')
version_at_least "$rust_version" "$need_rust" || fail "Rust $rust_version is too old: need $need_rust or newer"
[ "$(go env CGO_ENABLED)" = 1 ] || fail "cgo is disabled (CGO_ENABLED=0): otelbridge links Rust through cgo"
if ! cargo clippy --version >/dev/null 2>&1 || ! cargo fmt --version >/dev/null 2>&1; then
  command -v rustup >/dev/null || fail "clippy and rustfmt are required"
  rustup component add clippy rustfmt
fi
