#!/bin/sh
# make bench: run every benchmark binary built from tests/bench/*.c.
# Usage: sh tests/bench/run.sh BUILD_DIR
set -u
build=${1:-build}
status=0
for b in "$build"/bench/*; do
  [ -x "$b" ] || continue
  echo "== $(basename "$b")"
  "$b" || status=1
done
echo "== bench_scale.sh"
sh tests/bench/bench_scale.sh "$build" || status=1
exit $status
