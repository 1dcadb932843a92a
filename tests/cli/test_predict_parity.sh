# Scission parity: the default query (top 5) for all 18 models on both
# network files equals scission_predict.py's answer (expected file made by a
# re-implementation of it): same times, MB and configurations. Order within
# the top 5 is not compared (Scission orders ties arbitrarily).
. tests/cli/lib.sh
need_scission
EXP=tests/cli/expected/predict/parity_default.txt
: >"$TMP/got"
grep '^## ' "$EXP" | while read -r _ net model; do
  echo "## $net $model" >>"$TMP/got"
  $S predict "$SHARED/scission" "$net" "$model" >>"$TMP/got" 2>"$TMP/err" ||
    { cat "$TMP/err"; echo "FAIL: predict $net $model"; exit 1; }
done || exit 1
# Per query: drop the "[n] " rank, sort the lines.
norm() {
  awk '/^## /{q=$0; next} {sub(/^\[[0-9]+\] /, ""); print q " | " $0}' "$1" | sort
}
norm "$EXP" >"$TMP/a"
norm "$TMP/got" >"$TMP/b"
expect_same "$TMP/b" "$TMP/a"
[ "$(wc -l <"$TMP/b")" = 180 ] || die "expected 180 result lines"
exit 0
