# Helpers for command-line tests (sourced). Each check prints what it saw
# and exits 1 on failure.
set -u
S=$SPLITSIM
die() { echo "FAIL: $*"; exit 1; }
need_scission() {
  if [ ! -d "$SHARED/scission" ]; then
    echo "skipped: ../shared/data/scission not found"; exit 77
  fi
}
# run_cmd EXPECTED_RC cmd...: runs, keeps stdout in $TMP/out, stderr in $TMP/err
run_cmd() {
  want=$1; shift
  "$@" >"$TMP/out" 2>"$TMP/err"
  got=$?
  if [ "$got" != "$want" ]; then
    echo "command: $*"; echo "--- stdout"; cat "$TMP/out"; echo "--- stderr"; cat "$TMP/err"
    die "exit status $got, expected $want"
  fi
}
# expect_err TEXT: stderr contains TEXT (fixed string)
expect_err() {
  grep -qF -- "$1" "$TMP/err" || { echo "--- stderr"; cat "$TMP/err"; die "stderr lacks: $1"; }
}
expect_out() {
  grep -qF -- "$1" "$TMP/out" || { echo "--- stdout"; cat "$TMP/out"; die "stdout lacks: $1"; }
}
# expect_same FILE1 FILE2: byte-identical
expect_same() { cmp -s "$1" "$2" || { diff "$1" "$2" | head -20; die "$1 and $2 differ"; }; }
