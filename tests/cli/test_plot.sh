# splitsim plot / report on the hand-made scenario outputs of
# tests/fixtures/plots/: every chart kind is rendered (PNG valid and not
# trivial, SVG well-formed XML), every file the reports link exists, an
# edited .gp script is kept (and rendered) until --regenerate.
. tests/cli/lib.sh
command -v gnuplot >/dev/null 2>&1 || { echo "skipped: gnuplot not installed"; exit 77; }
command -v python3 >/dev/null 2>&1 || { echo "skipped: python3 not installed"; exit 77; }
cp -r tests/fixtures/plots "$TMP/f"
o1=$TMP/f/sample-out/sample-1d
o2=$TMP/f/sample-out/sample-2d

run_cmd 0 $S plot "$o1"
expect_out "6 charts in $o1/charts/ (6 rendered)"
expect_out "report: $o1/report.html"
python3 tests/cli/test_plot_check.py "$o1" 6 || die "sample-1d charts"
for c in models latency-01-alexnet-links.device-edge.bandwidth_mbps \
         breakdown-02-vgg16 pareto; do
  [ -s "$o1/charts/$c.png" ] || die "no chart $c"
done

run_cmd 0 $S plot --jobs 1 "$o2"
python3 tests/cli/test_plot_check.py "$o2" 9 || die "sample-2d charts"
[ -s "$o2/charts/map-01-alexnet.svg" ] || die "no decision map"
[ -s "$o2/charts/latency-02-vgg16-links.device-edge.latency_ms.png" ] ||
  die "no chart along the second axis"

# the report alone
rm "$o1/report.html" "$o1/report.md"
run_cmd 0 $S report --rows 3 "$o1"
python3 tests/cli/test_plot_check.py "$o1" 6 || die "report"
grep -q "The first 3 of 34 rows" "$o1/report.html" || die "best.csv rows not capped"

# an edited script is kept and rendered; --regenerate rewrites it
gp=$o1/charts/pareto.gp
sed -i 's/Pareto-optimal/MY-EDIT/' "$gp"
run_cmd 0 $S plot "$o1"
expect_out "1 from your kept .gp scripts"
grep -q "MY-EDIT" "$gp" || die "edited script overwritten"
grep -q "MY-EDIT" "$o1/charts/pareto.svg" || die "edited script not rendered"
run_cmd 0 $S plot --regenerate "$o1"
grep -q "MY-EDIT" "$gp" && die "--regenerate kept the edit"

# another point for the breakdown and comparison charts
run_cmd 0 $S plot -q --point 16 "$o1"
grep -q "point 16" "$o1/charts/breakdown-01-alexnet.gp" || die "--point ignored"
run_cmd 1 $S plot -q --point 17 "$o1"
expect_err "best.csv: error: no sweep point 17 (the points are 0 to 16)"

# a script gnuplot rejects: exit 1 naming the script and gnuplot's message
printf 'plot x with nonsense\n' >"$o1/charts/models.gp"
run_cmd 1 $S plot "$o1"
expect_err "models.gp: error: gnuplot failed"

# usage errors and a folder that is not an output folder
run_cmd 2 $S plot
run_cmd 2 $S plot --jobs 0 "$o1"
run_cmd 2 $S report --rows x "$o1"
run_cmd 0 $S plot --help
expect_out "usage: splitsim plot"
run_cmd 0 $S report --help
run_cmd 1 $S plot "$TMP"
expect_err "best.csv: error: not found"
run_cmd 1 $S report "$TMP/none"
exit 0
