# Batches: a folder runs every scenario file in name order; a bad one is
# reported as file:line:col and the others still run (exit 1); semantic
# errors name the entry and the known names; usage errors exit 2.
. tests/cli/lib.sh
[ -f "$(dirname "$S")/default-profiles.h5" ] ||
  { echo "skipped: no default-profiles.h5 next to $S (make store)"; exit 77; }
R=tests/fixtures/scenarios-run
run_cmd 1 $S run --no-report -o $TMP/o $R/batch
expect_err "$R/batch/b-bad.yaml:7:50: error: links.device-cloud.bandwidth_mbps: bandwidth_mbps must be > 0, got -5"
expect_err "$R/batch/c-unknown-model.yaml:2:19: error: unknown model 'vgg99'"
expect_err "known models: vgg16, vgg19, resnet50,"
expect_out "a-good: 7 points x 1 model -> $TMP/o/a-good/"
expect_out "d-good: 4 points x 1 model -> $TMP/o/d-good/"
[ "$(sed -n 1p $TMP/out | cut -d: -f1)" = "a-good" ] || die "order"
[ "$(ls $TMP/o | tr '\n' ' ')" = "a-good d-good " ] || die "folders: $(ls $TMP/o)"
grep -q '^point,availability.xeon-16t,model,placement,' $TMP/o/d-good/best.csv ||
  die "JSON scenario"

# semantic errors: the entry's position and the names that exist
run_cmd 1 $S run --no-report -o $TMP/o $R/unknown-model.yaml
expect_err "$R/unknown-model.yaml:2:20: error: unknown model 'resnet5O'"
expect_err "(known models: vgg16, vgg19, resnet50, mobilenet_v2,"
expect_err "unknown model 'resnet5O' (did you mean 'resnet50'?)"
run_cmd 1 $S run --no-report -o $TMP/o $R/unknown-system.yaml
expect_err "$R/unknown-system.yaml:5:11: error: unknown system 'h100-gpu'"
expect_err "(known systems: h200-gpu, xeon-16t, xeon-1t)"
expect_err "unknown system 'h100-gpu' (did you mean 'h200-gpu'?)"
run_cmd 1 $S run --no-report -o $TMP/o $R/missing-link.yaml
expect_err "$R/missing-link.yaml:6:11: error: no link from 'xeon-1t' (device) to 'h200-gpu' (cloud): latency_ms and bandwidth_mbps not set; add links.device-cloud"
[ ! -e $TMP/o/missing-link ] || die "failed scenario left a folder"
ls $TMP/o | grep -q 'tmp' && die "temporary folder left"

# a missing file and a name used twice are errors; the rest still runs
run_cmd 1 $S run --no-report -o $TMP/p $TMP/none.yaml $R/batch/a-good.yaml \
  $R/batch/a-good.yaml
expect_err "$TMP/none.yaml: error: cannot read"
expect_err "$R/batch/a-good.yaml: error: scenario name 'a-good' is also used by $R/batch/a-good.yaml"
expect_out "a-good: 7 points"

# usage
run_cmd 2 $S run
expect_err "no scenario files given"
run_cmd 2 $S run -j 0 $R/batch/a-good.yaml
expect_err "--jobs wants a whole number"
run_cmd 0 $S run --help
expect_out "usage: splitsim run"
exit 0
