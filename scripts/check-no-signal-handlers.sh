#!/usr/bin/env bash
# tokio's `signal` and `process` features install signal handlers without SA_ONSTACK, and the Go
# runtime then crashes. This fails if any crate in the workspace pulls them in.
set -euo pipefail
cd "$(dirname "$0")/.."

if cargo tree --locked --workspace -i signal-hook-registry >/dev/null 2>&1; then
  echo "signal-hook-registry is in the dependency tree:" >&2
  cargo tree --locked --workspace -i signal-hook-registry >&2
  exit 1
fi
if cargo tree --locked --workspace -e features -i tokio | grep -E 'tokio feature "(signal|process|full)"'; then
  echo "a crate enables tokio's signal, process or full feature (see above)" >&2
  exit 1
fi
echo "ok: no signal-hook-registry, no tokio signal/process features"
