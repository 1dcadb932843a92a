# Byte identity of the tables: `make run`'s default scenario and every
# example scenario, run --no-report, give tables whose SHA-256 sums are the
# ones recorded in tests/cli/expected/run/tables.sha256 (also Scission's
# examples and predict's CSV when ../shared/data/scission is there). A
# refactor that changes one number of one table fails here. After an
# intended change of the numbers, regenerate with
#   UPDATE=1 SPLITSIM=build/splitsim TMP=$(mktemp -d) SHARED=../shared/data \
#     sh tests/cli/test_run_tables.sh
. tests/cli/lib.sh
[ -f "$(dirname "$S")/default-profiles.h5" ] ||
  { echo "skipped: no default-profiles.h5 next to $S (make store)"; exit 77; }
E=tests/cli/expected/run/tables.sha256
have_sc=0
[ -d "$SHARED/scission" ] && have_sc=1
scns="default default-purchase embedded-quickstart uplink-sweep"
[ $have_sc = 1 ] && scns="$scns link-zip purchase-study"
for n in $scns; do
  run_cmd 0 $S run --no-report -q -o $TMP/o scenarios/$n.yaml
done
if [ $have_sc = 1 ]; then
  mkdir -p $TMP/o/predict
  for m in vgg19 resnet50v2 mobilenet; do
    run_cmd 0 $S predict "$SHARED/scission" network_stats.csv $m \
      --result-count 50 --format csv
    cp $TMP/out $TMP/o/predict/$m.csv
  done
fi
(cd $TMP/o && find . -name '*.csv' | sed 's|^\./||' | LC_ALL=C sort |
  xargs sha256sum) >$TMP/sums
if [ "${UPDATE:-0}" = 1 ]; then
  [ $have_sc = 1 ] || die "UPDATE needs ../shared/data/scission"
  cp $TMP/sums $E
  exit 0
fi
if [ $have_sc = 1 ]; then
  expect_same $TMP/sums $E
else
  grep -v -e ' link-zip/' -e ' purchase-study/' -e ' predict/' $E >$TMP/want
  expect_same $TMP/sums $TMP/want
fi
exit 0
