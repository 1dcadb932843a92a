#!/bin/sh
# `make valgrind`: the whole test suite under valgrind --leak-check=full.
#   tests/valgrind.sh BUILD UNIT_TEST...
# 1. every unit-test binary (any error or definite/possible leak fails it);
# 2. every fuzz corpus and regression file through its replay binary
#    (BUILD/fuzz-replay/replay_*);
# 3. the command-line tests with splitsim run under valgrind through a
#    wrapper (valgrind by absolute path: some tests empty PATH); each
#    splitsim process writes a log, and any non-empty log fails.
# Suppressions (libhdf5 only, each explained): tests/valgrind.supp.
set -u
build=$1; shift
export LC_ALL=C
VG="$(command -v valgrind) -q --leak-check=full --num-callers=40 --suppressions=$(pwd)/tests/valgrind.supp"
logs=$build/valgrind
rm -rf "$logs"; mkdir -p "$logs/cli"
pass=0 fail=0

check() { # name command...: run under valgrind, fail on any error or leak
  name=$1; shift
  if $VG --error-exitcode=99 --log-file="$logs/$name.vg" "$@" \
      >"$logs/$name.out" 2>&1 && [ ! -s "$logs/$name.vg" ]; then
    pass=$((pass + 1)); echo "valgrind: PASS $name"
  else
    fail=$((fail + 1)); echo "valgrind: FAIL $name"
    sed 's/^/    /' "$logs/$name.vg" | head -60
    tail -5 "$logs/$name.out" | sed 's/^/    | /'
  fi
}

for t in "$@"; do
  check "$(basename "$t")" "$t"
done

for r in "$build"/fuzz-replay/replay_*; do
  [ -x "$r" ] || continue
  name=${r##*/replay_}
  dirs=""
  for d in tests/fuzz/corpus/$name tests/fuzz/regressions/$name; do
    [ -d "$d" ] && dirs="$dirs $d"
  done
  # shellcheck disable=SC2086
  check "replay_$name" "$r" $dirs
done

# Command-line tests: splitsim through a wrapper. The exit codes the tests
# expect are kept (no --error-exitcode); errors show up in the logs.
bin=$(cd "$build" && pwd)/splitsim
wrap=$(cd "$build" && pwd)/valgrind/splitsim
abslogs=$(cd "$logs/cli" && pwd)
cat >"$wrap" <<EOW
#!/bin/sh
exec $VG --log-file=$abslogs/%p.vg "$bin" "\$@"
EOW
chmod +x "$wrap"
# Timing checks make no sense under valgrind (tests/cli/test_limits.sh).
if SPLITSIM="$wrap" BUILD="$build" SPLITSIM_SLOW=valgrind \
    sh tests/cli/run.sh >"$logs/cli.out" 2>&1; then
  cli_ok=1
else
  cli_ok=0
fi
bad=$(find "$logs/cli" -name '*.vg' -size +0 | sort)
n=$(find "$logs/cli" -name '*.vg' | wc -l)
if [ $cli_ok -eq 1 ] && [ -z "$bad" ]; then
  pass=$((pass + 1))
  echo "valgrind: PASS cli ($n splitsim runs, $(tail -1 "$logs/cli.out"))"
else
  fail=$((fail + 1))
  echo "valgrind: FAIL cli ($n splitsim runs)"
  grep -E 'FAIL|passed' "$logs/cli.out" | sed 's/^/    /'
  for f in $bad; do
    echo "    --- $f"; head -40 "$f" | sed 's/^/    /'
  done
fi
echo "valgrind: $pass passed, $fail failed"
[ $fail -eq 0 ]
