#!/usr/bin/env bash
# Builds the reference Starlark interpreter (starlark-go) offline from Debian's packages, for the
# side-by-side figure in bench/starlark.bench.js:
#   sudo apt-get install golang-go golang-starlark-dev
#   bash bench/build-reference-starlark.sh      # writes bench/.reference/starlark-go
# Without it, the bench compares against the figure published in issue #15.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source_root=/usr/share/gocode
if ! command -v go >/dev/null 2>&1 || [ ! -d "$source_root/src/go.starlark.net" ]; then
  echo "build-reference-starlark: needs Debian's golang-go and golang-starlark-dev (apt-get install golang-go golang-starlark-dev)" >&2
  exit 1
fi
mkdir -p "$here/.reference"
# GOPATH mode over Debian's source tree: no module download, nothing leaves the machine.
cd "$here/reference-starlark"
GO111MODULE=off GOPATH="$source_root" GOFLAGS= GOCACHE="$here/.reference/go-cache" \
  go build -o "$here/.reference/starlark-go" main.go
echo "built $here/.reference/starlark-go ($(go version))"
