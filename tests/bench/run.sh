#!/bin/sh
# make bench: run every benchmark binary built from tests/bench/*.c, then
# the timing of hostile inputs (tests/cli/test_limits.sh in bench mode) and
# of the report steps with many models (tests/bench/bench_models.sh).
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
SPLITSIM=$(cd "$build" && pwd)/splitsim
export SPLITSIM
for s in tests/bench/*.sh; do
  case $s in tests/bench/run.sh|tests/bench/bench_scale.sh) continue ;; esac
  echo "== $(basename "$s" .sh)"
  TMP=$(mktemp -d) sh "$s" || status=1
done
exit $status
