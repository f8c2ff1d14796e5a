#!/usr/bin/env bash
# Instructions the start of `whaleflow starlark` on an empty file and of `whaleflow --version`
# execute, beside `node -e 0`, counted by valgrind's callgrind (all threads). A count does not
# depend on the machine's load as a time does; it still varies by a few percent from run to run
# (V8's background work), so each figure is the least of RUNS runs. Measured without
# NODE_EXTRA_CA_CERTS and, when it is set, with it too (Node reads that file at every start).
#   bash bench/start-instructions.sh [RUNS] [LAUNCHER]   (after npm run build; needs valgrind)
# LAUNCHER (default bin/whaleflow.js) lets a copy of another build be counted in the same run.
set -euo pipefail
runs=${1:-5}
launcher=${2:-"$(cd "$(dirname "$0")/.." && pwd)/bin/whaleflow.js"}
folder=$(mktemp -d)
trap 'rm -rf "$folder"' EXIT
: > "$folder/empty.star"

least() { # least instruction count (millions) of RUNS runs of the command, in the environment of "${environment[@]}"
  local best=''
  for _ in $(seq "$runs"); do
    local count
    count=$(env "${environment[@]}" valgrind --tool=callgrind --smc-check=all-non-file --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null | sed -n 's/.*Collected : \([0-9]*\).*/\1/p')
    if [ -z "$best" ] || [ "$count" -lt "$best" ]; then best=$count; fi
  done
  awk -v n="$best" 'BEGIN { printf "%.1f", n / 1e6 }'
}

measure() { # LABEL, then env(1) arguments
  local label=$1
  shift
  environment=("$@")
  local node empty version
  node=$(cd "$folder" && least node -e 0)
  empty=$(cd "$folder" && least node "$launcher" starlark empty.star)
  version=$(cd "$folder" && least node "$launcher" --version)
  awk -v l="$label" -v n="$node" -v e="$empty" -v v="$version" 'BEGIN {
    printf "%-34s node -e 0 %7.1f M   starlark empty file %7.1f M (%.2fx)   --version %7.1f M (%.2fx)\n", l, n, e, e / n, v, v / n }'
}

measure 'without NODE_EXTRA_CA_CERTS' -u NODE_EXTRA_CA_CERTS
if [ -n "${NODE_EXTRA_CA_CERTS:-}" ]; then measure 'with NODE_EXTRA_CA_CERTS' "NODE_EXTRA_CA_CERTS=$NODE_EXTRA_CA_CERTS"; fi
