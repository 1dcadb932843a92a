# Interrupting a batch (SIGTERM, SIGINT) exits 130 and leaves no partial
# folder or file; --resume skips the finished scenarios and completes the
# rest with byte-identical tables; a changed scenario runs again.
. tests/cli/lib.sh
[ -f "$(dirname "$S")/default-profiles.h5" ] ||
  { echo "skipped: no default-profiles.h5 next to $S (make store)"; exit 77; }
B=$TMP/batch
mkdir -p $B
cp tests/fixtures/scenarios-run/batch/a-good.yaml $B/1-small.yaml
cat >$B/2-big.yaml <<'YAML'
name: big
models: [resnet50, alexnet]
tiers:
  device: [xeon-1t]
  edge: [xeon-16t, h200-gpu]
  cloud: [h200-gpu]
links:
  device-edge:  {latency_ms: 5, bandwidth_mbps: 100}
  device-cloud: {latency_ms: 40, bandwidth_mbps: 50}
  edge-cloud:   {latency_ms: 10, bandwidth_mbps: 1000}
sweep:
  - param: links.device-edge.bandwidth_mbps
    log: [0.1, 1000, 400]
  - param: links.device-edge.latency_ms
    linear: [0, 100, 250]
YAML

# the reference: one uninterrupted run
run_cmd 0 $S run --no-report -q -o $TMP/ref $B

# interrupted while the big scenario runs
for sig in TERM INT; do
  rm -rf $TMP/o
  $S run --no-report -q -j 2 -o $TMP/o $B >$TMP/out 2>$TMP/err &
  pid=$!
  i=0
  while [ $i -lt 400 ] && ! { [ -f $TMP/o/a-good/run.json ] &&
      ls -d $TMP/o/.splitsim-tmp-* >/dev/null 2>&1; }; do
    sleep 0.02; i=$((i + 1))
  done
  kill -$sig $pid 2>/dev/null
  wait $pid
  rc=$?
  if [ $rc -eq 0 ]; then
    echo "note: the run finished before SIG$sig arrived"
    continue
  fi
  [ $rc -eq 130 ] || { cat $TMP/err; die "SIG$sig: exit $rc, expected 130"; }
  expect_err "interrupted"
  [ -f $TMP/o/a-good/run.json ] || die "finished scenario lost"
  [ ! -e $TMP/o/big ] || die "partial scenario folder"
  if ls -a $TMP/o | grep -q 'tmp'; then die "temporary files left: $(ls -a $TMP/o)"; fi
  run_cmd 0 $S run --no-report --resume -o $TMP/o $B
  expect_out "a-good: up to date in $TMP/o/a-good/ (skipped, --resume)"
  expect_out "big: 100000 points x 2 models"
  for s in a-good big; do
    for f in best.csv breakpoints.csv curves.csv summary.csv \
             scenario.resolved.yaml; do
      expect_same $TMP/ref/$s/$f $TMP/o/$s/$f
    done
  done
done

# everything up to date: nothing runs; a changed scenario runs again
run_cmd 0 $S run --no-report --resume -o $TMP/ref $B
expect_out "a-good: up to date"
expect_out "big: up to date"
echo "# changed" >>$B/1-small.yaml
run_cmd 0 $S run --no-report --resume -o $TMP/ref $B
expect_out "a-good: 7 points x 1 model"
expect_out "big: up to date"
exit 0
