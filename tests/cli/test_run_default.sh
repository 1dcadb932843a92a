# splitsim run on the embedded default profiles: exact tables for a tiny
# sweep, every file written, --jobs gives identical bytes, a rerun replaces
# the folder, the resolved scenario reproduces the run, the default store
# lookup.
. tests/cli/lib.sh
[ -f "$(dirname "$S")/default-profiles.h5" ] ||
  { echo "skipped: no default-profiles.h5 next to $S (make store)"; exit 77; }
F=tests/fixtures/scenarios-run/tiny-default.yaml
E=tests/cli/expected/run
d=$TMP/o/tiny-default

run_cmd 0 $S run --no-report -o $TMP/o $F
expect_out "tiny-default: 8 points x 2 models -> $TMP/o/tiny-default/"
for f in best.csv top.csv breakpoints.csv curves.csv summary.csv \
         scenario.resolved.yaml run.json; do
  [ -f $d/$f ] || die "missing $f"
done
expect_same $d/best.csv $E/tiny-default.best.csv
expect_same $d/top.csv $E/tiny-default.top.csv
expect_same $d/breakpoints.csv $E/tiny-default.breakpoints.csv
[ "$(ls $TMP/o)" = "tiny-default" ] || die "extra entries in OUTROOT: $(ls $TMP/o)"
grep -q '"points": 8,' $d/run.json || die "run.json points"
grep -q '"profiles_default": true,' $d/run.json || die "run.json default store"
grep -q '"scenario_sha256": "[0-9a-f]\{64\}"' $d/run.json || die "run.json sha"
grep -q '"report": "none"' $d/run.json || die "run.json report"
head -1 $d/curves.csv | grep -qx 'model,axis,value,placement,objective,optimal' ||
  die "curves.csv header"
grep -q '^resnet18,"Device(xeon-1t) = 1 - 69, Edge(None) = -1 - -1, Cloud(None) = -1 - -1",7,0.875,1.0,1000.0,5.0,50.0,' \
  $d/summary.csv || die "summary.csv row"

# two threads: the same bytes; --quiet prints nothing
run_cmd 0 $S run --no-report -q -j 2 -o $TMP/o2 $F
[ ! -s $TMP/out ] || die "--quiet printed: $(cat $TMP/out)"
for f in best.csv top.csv breakpoints.csv curves.csv summary.csv \
         scenario.resolved.yaml; do
  expect_same $d/$f $TMP/o2/tiny-default/$f
done

# a second run replaces the folder in one move
echo old >$d/best.csv
run_cmd 0 $S run --no-report -o $TMP/o $F
[ "$(ls -A $TMP/o)" = "tiny-default" ] || die "left behind: $(ls -A $TMP/o)"
expect_same $d/best.csv $E/tiny-default.best.csv

# a file splitsim did not write stops the run before any work (issue 17/18.1);
# --force writes beside it; it survives every run byte for byte
printf 'my notes\n' >$d/NOTES.txt
mkdir $d/my-notebook
cp $d/NOTES.txt $TMP/notes.ref
run_cmd 1 $S run --no-report -o $TMP/o $F
expect_err "tiny-default: error: holds 'NOTES.txt', which splitsim did not write; nothing was written"
expect_err "pass --force"
run_cmd 0 $S run --no-report --resume -o $TMP/o $F
expect_out "(skipped, --resume)"
run_cmd 1 $S run --resume -o $TMP/o $F
expect_err "holds 'NOTES.txt'"
run_cmd 0 $S run --no-report --force -o $TMP/o $F
run_cmd 0 $S run --force -o $TMP/o $F
run_cmd 0 $S run --no-report --force -o $TMP/o $F
expect_same $TMP/notes.ref $d/NOTES.txt
[ -d $d/my-notebook ] || die "the user's folder was removed"
[ ! -e $d/charts ] || die "charts of the earlier run were not removed"
[ ! -e $d/report.html ] || die "report of the earlier run was not removed"
expect_same $d/best.csv $E/tiny-default.best.csv
rm $d/NOTES.txt
run_cmd 1 $S run --no-report -o $TMP/o $F
expect_err "holds 'my-notebook/'"
rmdir $d/my-notebook
run_cmd 0 $S run --no-report -o $TMP/o $F

# the resolved scenario runs to the same tables
run_cmd 0 $S run --no-report -o $TMP/o3 $d/scenario.resolved.yaml
expect_same $d/best.csv $TMP/o3/tiny-default/best.csv
expect_same $d/summary.csv $TMP/o3/tiny-default/summary.csv

# the default store: $SPLITSIM_PROFILES wins; a missing one is named
run_cmd 1 env SPLITSIM_PROFILES=$TMP/nowhere.h5 $S run --no-report -o $TMP/o4 $F
expect_err "tiny-default.yaml: error: the scenario names no profiles: and the default profile store was not found"
expect_err "$TMP/nowhere.h5"
run_cmd 0 env SPLITSIM_PROFILES="$(dirname "$S")/default-profiles.h5" \
  $S run --no-report -o $TMP/o4 $F
expect_same $d/best.csv $TMP/o4/tiny-default/best.csv

# charts and report (plots/) unless --no-report
run_cmd 0 $S run -o $TMP/o5 $F
grep -q '"report": "written"' $TMP/o5/tiny-default/run.json ||
  die "run.json: report not written"
expect_same $d/best.csv $TMP/o5/tiny-default/best.csv
exit 0
