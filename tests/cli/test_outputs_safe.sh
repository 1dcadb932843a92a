# splitsim never deletes or replaces a file it did not write (issue 17.1,
# issue 18 cases 1, 2, 8, 9): the exact reproductions of the issue.
. tests/cli/lib.sh
mkdir $TMP/w && cd $TMP/w
B='tiers: {device: [xeon-1t], cloud: [h200-gpu]}
links: {device-cloud: {latency_ms: 40, bandwidth_mbps: 50}}'

# 18.1: an existing OUTROOT/<name> holding a user's file is not deleted
mkdir -p out/photos
echo x >out/photos/a.jpg
printf "name: photos\n$B\n" >s.yaml
run_cmd 1 $S run -q --no-report -o out s.yaml
expect_err "out/photos: error: holds 'a.jpg', which splitsim did not write; nothing was written"
[ "$(ls -A out/photos)" = "a.jpg" ] || die "the refused run wrote: $(ls -A out/photos)"
run_cmd 1 $S run -q --no-report --resume -o out s.yaml
[ "$(cat out/photos/a.jpg)" = x ] || die "a.jpg changed"
run_cmd 0 $S run -q --no-report --force -o out s.yaml
run_cmd 0 $S run -q --no-report --force --resume -o out s.yaml
[ "$(cat out/photos/a.jpg)" = x ] || die "a.jpg lost with --force"
[ -f out/photos/best.csv ] || die "--force did not write"
grep -q ' best.csv$' out/photos/splitsim-manifest.txt || die "no manifest"
! grep -q 'a.jpg' out/photos/splitsim-manifest.txt || die "a.jpg in the manifest"
# a file in the way of the folder itself
echo y >out/notes
printf "name: notes\n$B\n" >n.yaml
run_cmd 1 $S run -q --no-report --force -o out n.yaml
expect_err "out/notes: error: is in the way of the output folder"
[ "$(cat out/notes)" = y ] || die "out/notes changed"

# 18.2: look-alike names of temporaries are never removed
mkdir -p out/foo.tmp-888888 out/foo.old-999999 out/.splitsim-tmp-abc out/.splitsim-tmp-xyz
echo thesis >out/foo.tmp-888888/thesis.tex
echo other >out/foo.old-999999/best.csv
echo mine >out/.splitsim-tmp-abc/keep.txt
printf 'splitsim temporary folder .splitsim-tmp-abc\n' >out/.splitsim-tmp-xyz/.splitsim-tmp-marker
printf "name: foo\n$B\n" >foo.yaml
run_cmd 0 $S run -q --no-report -o out foo.yaml
run_cmd 0 $S run -q --no-report -o out foo.yaml
[ -f out/foo.tmp-888888/thesis.tex ] || die "foo.tmp-888888 removed"
[ -f out/foo.old-999999/best.csv ] || die "foo.old-999999 removed"
[ -f out/.splitsim-tmp-abc/keep.txt ] || die "unmarked .splitsim-tmp-abc removed"
[ -f out/.splitsim-tmp-xyz/.splitsim-tmp-marker ] || die "wrongly marked folder removed"

# 18.5: a 400-byte scenario cannot fill the disk: the output size is
# estimated and refused over the limit (10 GB, --max-output-gb) before work
cat >huge.yaml <<YAML
name: huge
$B
sweep:
  - {param: links.device-cloud.bandwidth_mbps, linear: [1, 10, 10000]}
  - {param: links.device-cloud.latency_ms, linear: [1, 10, 10000]}
  - {param: input_mb, linear: [1, 10, 10000]}
YAML
run_cmd 1 $S run -q -o out5 huge.yaml
expect_err "huge.yaml: error: this run would write about"
expect_err "(1000000000000 points x 19 models), over the limit of 10.0 GB; narrow the sweep, or raise the limit with --max-output-gb"
[ -z "$(ls -A out5)" ] || die "a refused run wrote: $(ls -A out5)"
run_cmd 1 $S run -q --no-report --max-output-gb 0.000001 -o out5 foo.yaml
expect_err "over the limit of 0.0 MB"
run_cmd 2 $S run -q --max-output-gb 0 -o out5 foo.yaml
run_cmd 0 $S run -q --no-report --max-output-gb 0.01 -o out5 foo.yaml

# 18.8: a killed run's temporary is removed by a --resume that skips it
cat >big.yaml <<YAML
name: big
$B
sweep:
  - param: links.device-cloud.bandwidth_mbps
    linear: [1, 1000, 400000]
YAML
$S run -q --no-report -o out big.yaml >/dev/null 2>&1 &
pid=$!
i=0
while [ $i -lt 500 ] && ! ls -d out/.splitsim-tmp-??????/.splitsim-tmp-?????? >/dev/null 2>&1; do
  sleep 0.02; i=$((i + 1))
done
kill -KILL $pid 2>/dev/null
wait $pid 2>/dev/null
[ -n "$(ls -d out/.splitsim-tmp-?????? 2>/dev/null)" ] ||
  die "the run left no temporary to test with"
run_cmd 0 $S run -q --no-report --resume -o out foo.yaml
left=$(ls -d out/.splitsim-tmp-?????? 2>/dev/null)
[ -z "$left" ] || die "a killed run's temporary survived --resume: $left"
[ -f out/.splitsim-tmp-abc/keep.txt ] || die "unmarked .splitsim-tmp-abc removed"

# 18.8: an -o path of ~3,840 characters fails cleanly, leaving nothing
long=$TMP/w/l
while [ ${#long} -lt 3840 ]; do long=$long/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa; done
mkdir -p "$long"
run_cmd 1 $S run -q -o "$long" s.yaml
expect_err "output path too long"
[ -z "$(ls -A "$long")" ] || die "left in the long folder: $(ls -A "$long")"

# 18.8: an old output that cannot be removed is an error, not exit 0
if [ "$(id -u)" != 0 ]; then
  rm -rf out2 && mkdir out2
  run_cmd 0 $S run -q --no-report -o out2 foo.yaml
  chmod a-w out2/foo
  run_cmd 1 $S run -q --no-report -o out2 foo.yaml
  expect_err "the new output is in place, but the old one is kept in"
  chmod -R u+w out2
fi

# 18.9: --resume does not keep an output made from a moved scenario file
mkdir -p moved
run_cmd 0 $S run -q --no-report -o out3 foo.yaml
mv foo.yaml moved/foo.yaml
run_cmd 0 $S run --no-report --resume -o out3 moved/foo.yaml
! grep -q "skipped" $TMP/out || die "moved scenario skipped"
grep -q "\"scenario_file\": \"$TMP/w/moved/foo.yaml\"" out3/foo/run.json ||
  die "stale scenario_file: $(grep scenario_file out3/foo/run.json)"
run_cmd 0 $S run --no-report --resume -o out3 moved/foo.yaml
expect_out "skipped, --resume"
# plot and report (17.1): a file splitsim did not write in their way stops
# them before they write; others survive every run and --force
run_cmd 0 $S run -q --no-report -o out4 moved/foo.yaml
echo mine >out4/foo/report.html
cp out4/foo/report.html mine.ref
mkdir out4/foo/charts
echo notes >out4/foo/charts/notes.txt
cp out4/foo/charts/notes.txt notes.ref
run_cmd 1 $S plot -q --no-render out4/foo
expect_err "out4/foo: error: holds 'report.html', which splitsim did not write; nothing was written"
[ "$(ls out4/foo/charts)" = notes.txt ] || die "a refused plot wrote charts"
run_cmd 1 $S report -q out4/foo
expect_err "holds 'report.html'"
expect_same mine.ref out4/foo/report.html
run_cmd 0 $S plot -q --no-render --no-report out4/foo
run_cmd 0 $S plot -q --no-render --force out4/foo
grep -q ' report.html$' out4/foo/splitsim-manifest.txt || die "report.html not recorded"
run_cmd 0 $S report -q out4/foo
run_cmd 0 $S plot -q --no-render --regenerate out4/foo
run_cmd 0 $S run -q --force -o out4 moved/foo.yaml
expect_same notes.ref out4/foo/charts/notes.txt
! grep -q 'notes.txt' out4/foo/splitsim-manifest.txt || die "notes.txt recorded"
# export (17): the CSV's sidecar no longer replaces a JSON export of the
# same stem; a re-export replaces only its own files; --force replaces
store=$TMP/w/s.h5
run_cmd 0 $S import -q -o $store $OLDPWD/tests/fixtures/json/good.json
mkdir ex
run_cmd 0 $S export $store --format json -o ex/mine.json
cp ex/mine.json json.ref
run_cmd 1 $S export $store --format csv -o ex/mine.csv
expect_err "ex/mine.json: error: exists and was not written by an export of this kind (it would be the CSV's sidecar); nothing was written"
expect_same json.ref ex/mine.json
[ ! -e ex/mine.csv ] || die "a refused export wrote the CSV"
run_cmd 0 $S export $store --format json -o ex/mine.json
run_cmd 0 $S export $store --format csv -o ex/other.csv
run_cmd 0 $S export $store --format csv -o ex/other.csv
echo mine >ex/notes.csv
run_cmd 1 $S export $store --format csv -o ex/notes.csv
expect_err "ex/notes.csv: error: exists and was not written by an export"
[ "$(cat ex/notes.csv)" = mine ] || die "notes.csv replaced"
echo edit >>ex/other.csv
run_cmd 1 $S export $store --format csv -o ex/other.csv
run_cmd 0 $S export $store --format csv --force -o ex/mine.csv
[ "$(ls ex)" = "$(printf 'mine.csv\nmine.json\nnotes.csv\nother.csv\nother.json\nsplitsim-manifest.txt')" ] ||
  die "export left: $(ls -A ex)"

# 18.6: a signal stops the chart work (gnuplot that would run 60 s is
# killed): exit 130, no folder, no temporary; the hang guard is 20 s
cat >slowplot <<'SH'
#!/bin/sh
exec sleep 60
SH
chmod +x slowplot
SPLITSIM_GNUPLOT=$TMP/w/slowplot $S run -q -o out6 moved/foo.yaml >/dev/null 2>err6 &
pid=$!
i=0
while [ $i -lt 1000 ] && ! ls -d out6/.splitsim-tmp-*/charts/.splitsim-tmp-* >/dev/null 2>&1; do
  sleep 0.02; i=$((i + 1))
done
kill -INT $pid
( sleep 20; kill -KILL $pid 2>/dev/null ) & guard=$!
wait $pid
rc=$?
kill $guard 2>/dev/null
[ $rc = 130 ] || { cat err6; die "SIGINT during the charts: exit $rc, expected 130"; }
[ -z "$(ls -A out6)" ] || die "left after SIGINT: $(ls -A out6)"
run_cmd 0 $S run -q --no-report -o out7 moved/foo.yaml
SPLITSIM_GNUPLOT=$TMP/w/slowplot $S plot -q out7/foo >/dev/null 2>err7 &
pid=$!
i=0
while [ $i -lt 1000 ] && ! ls -d out7/foo/charts/.splitsim-tmp-* >/dev/null 2>&1; do
  sleep 0.02; i=$((i + 1))
done
kill -TERM $pid
( sleep 20; kill -KILL $pid 2>/dev/null ) & guard=$!
wait $pid
rc=$?
kill $guard 2>/dev/null
[ $rc = 130 ] || { cat err7; die "SIGTERM during plot: exit $rc, expected 130"; }
grep -q "interrupted" err7 || die "no word of the interruption"
[ -z "$(find out7 -name '.splitsim-tmp-*')" ] || die "plot left a temporary"

# import -o: only a splitsim store is updated; a user's file stays
echo mine >ex/notes.h5
run_cmd 1 $S import -q -o ex/notes.h5 $OLDPWD/tests/fixtures/json/good.json
[ "$(cat ex/notes.h5)" = mine ] || die "import replaced a user's file"
[ -z "$(ls -A ex | grep splitsim-tmp)" ] || die "import left a temporary"
echo ok
