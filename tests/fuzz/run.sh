#!/bin/sh
# Run the fuzz harnesses (called by tests/fuzz/fuzz.mk).
#   run.sh replay BINDIR NAME...          replay every seed corpus and
#                                         regression file (replay_NAME)
#   run.sh fuzz FUZZDIR SECONDS NAME...   libFuzzer (FUZZDIR/bin/fuzz_NAME)
#                                         for SECONDS each
# Seeds: tests/fuzz/corpus/NAME/, dictionaries: tests/fuzz/NAME.dict,
# reproducers of fixed bugs: tests/fuzz/regressions/NAME/. New inputs that
# libFuzzer finds go to FUZZDIR/corpus/NAME/ (never into the source tree);
# crashes to FUZZDIR/artifacts/. Each run appends a line to
# FUZZDIR/stats.tsv (date, harness, seconds, executions, result).
set -u
mode=$1; shift
pass=0 fail=0
# Leaks inside libhdf5 on corrupt files are the library's (see lsan.supp).
LSAN_OPTIONS="suppressions=$(pwd)/tests/fuzz/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export LSAN_OPTIONS
# The harnesses' scratch folders go under one folder removed at the end, so
# that processes that crash (or libFuzzer's fork-mode children) leave none.
FUZZ_TMPDIR=$(mktemp -d /dev/shm/splitsim-fuzz-run.XXXXXX 2>/dev/null ||
  mktemp -d "${TMPDIR:-/tmp}/splitsim-fuzz-run.XXXXXX") || exit 1
export FUZZ_TMPDIR
trap 'rm -rf "$FUZZ_TMPDIR"' EXIT

seed_dirs() { # the committed inputs of harness $1
  for d in tests/fuzz/corpus/$1 tests/fuzz/regressions/$1; do
    [ -d "$d" ] && printf '%s\n' "$d"
  done
}

case $mode in
replay)
  bindir=$1; shift
  for name in "$@"; do
    # shellcheck disable=SC2046
    if out=$("$bindir/replay_$name" $(seed_dirs "$name") 2>&1); then
      pass=$((pass + 1))
      echo "fuzz-replay: PASS $name ($(echo "$out" | tail -1 | sed 's/.*: //'))"
    else
      fail=$((fail + 1))
      echo "fuzz-replay: FAIL $name"
      echo "$out" | tail -40 | sed 's/^/    /'
      echo "    (rerun with -v to see the input: $bindir/replay_$name -v" \
        "$(seed_dirs "$name" | tr '\n' ' '))"
    fi
  done
  echo "fuzz-replay: $pass passed, $fail failed"
  ;;
fuzz)
  dir=$1 secs=$2; shift 2
  mkdir -p "$dir/artifacts" "$dir/logs"
  for name in "$@"; do
    work=$dir/corpus/$name
    log=$dir/logs/$name.log
    mkdir -p "$work"
    dict=""
    [ -f "tests/fuzz/$name.dict" ] && dict="-dict=tests/fuzz/$name.dict"
    # shellcheck disable=SC2046,SC2086
    "$dir/bin/fuzz_$name" -max_total_time="$secs" -timeout=10 \
      -rss_limit_mb=2048 -malloc_limit_mb=1024 -print_final_stats=1 \
      -artifact_prefix="$dir/artifacts/$name-" $dict \
      "$work" $(seed_dirs "$name") >"$log" 2>&1
    rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    : "${execs:=0}"
    if [ $rc -eq 0 ]; then
      pass=$((pass + 1)) result=ok
      echo "fuzz: PASS $name: $execs executions in ${secs}s," \
        "$(ls "$work" | wc -l) files in $work"
    else
      fail=$((fail + 1)) result=crash
      echo "fuzz: FAIL $name (exit $rc), log $log:"
      grep -E 'ERROR|SUMMARY|broken promise|Test unit written|artifact' "$log" |
        head -20 | sed 's/^/    /'
    fi
    printf '%s\t%s\t%s\t%s\t%s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$name" \
      "$secs" "$execs" "$result" >>"$dir/stats.tsv"
  done
  echo "fuzz: $pass passed, $fail failed"
  ;;
*)
  echo "usage: run.sh replay BINDIR NAME... | run.sh fuzz DIR SECONDS NAME..." >&2
  exit 2
  ;;
esac
[ $fail -eq 0 ]
