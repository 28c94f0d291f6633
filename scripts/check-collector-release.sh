#!/usr/bin/env bash
# Fails when a Go module's build list holds a go.opentelemetry.io/collector module at another
# release than RELEASE (beta v0.N.0, or its stable twin v1.(N-94).0): a mixed collector.
#
# Usage: scripts/check-collector-release.sh DIR RELEASE [MODFILE]
set -euo pipefail

dir=$1 release=$2 modfile=${3:-}
[[ $release =~ ^v0\.([0-9]+)\.0$ ]] || { echo "check-collector-release: $release is not a collector release like v0.165.0" >&2; exit 2; }
stable="v1.$((BASH_REMATCH[1] - 94)).0"
flags=()
[[ -z $modfile ]] || flags=(-modfile="$modfile")

mixed=$(cd "$dir" && go list "${flags[@]}" -m -f '{{.Path}} {{.Version}}' all | awk -v a="$release" -v b="$stable" \
	'$1 ~ /^go\.opentelemetry\.io\/collector/ && $2 != a && $2 != b')
if [[ -n $mixed ]]; then
	printf 'check-collector-release: %s has collector modules at another release than %s / %s:\n%s\n' "$dir" "$release" "$stable" "$mixed" >&2
	exit 1
fi
