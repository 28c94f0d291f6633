#!/usr/bin/env bash
# Moves every go.opentelemetry.io/collector module that a Go module requires directly to one
# collector release, then tidies, so that the module builds and tests at that release.
#
# Usage: scripts/pin-collector-release.sh DIR RELEASE [MODFILE]
#   DIR      the module's directory
#   RELEASE  the beta release, e.g. v0.165.0 (its stable twin v1.(N-94).0 is derived)
#   MODFILE  work on this copy of DIR/go.mod instead of go.mod itself (go's -modfile; its go.sum
#            is MODFILE with .sum for .mod). The copy is made from DIR/go.mod and DIR/go.sum.
#
# A module is stable (v1) at one release and beta (v0) at another (confighttp went v1 within
# the window), so each one's version is asked of the module proxy: the stable twin if it is
# served, else the beta release.
set -euo pipefail

dir=$1 release=$2 modfile=${3:-}
[[ $release =~ ^v0\.([0-9]+)\.0$ ]] || { echo "pin-collector-release: $release is not a collector release like v0.165.0" >&2; exit 2; }
stable="v1.$((BASH_REMATCH[1] - 94)).0"
scripts=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd) # before cd: the path may be relative
cd "$dir"

flags=()
if [[ -n $modfile ]]; then
	mkdir -p "$(dirname "$modfile")"
	cp go.mod "$modfile"
	cp go.sum "${modfile%.mod}.sum"
	flags=(-modfile="$modfile")
fi

# Every collector module of the build list, indirect ones too: a stale indirect requirement
# would hold its module at another release. One the release does not have is dropped (@none).
required=$(go list "${flags[@]}" -m -f '{{if not .Main}}{{.Path}}{{end}}' all | grep '^go.opentelemetry.io/collector' || true)
targets=()
for module in $required; do
	if go list "${flags[@]}" -m "$module@$stable" >/dev/null 2>&1; then
		targets+=("$module@$stable")
	elif go list "${flags[@]}" -m "$module@$release" >/dev/null 2>&1; then
		targets+=("$module@$release")
	else
		targets+=("$module@none")
	fi
done
go get "${flags[@]}" "${targets[@]}"
go mod tidy "${flags[@]}"

# What the pin is for: no collector module left at another release.
"$scripts/check-collector-release.sh" . "$release" "$modfile"
