# splitsim plot / report on the hand-made scenario outputs of
# tests/fixtures/plots/: every chart kind is rendered (PNG valid and not
# trivial, SVG well-formed XML), the sensitivity tornado is linked with its
# table, every file the reports link exists, an edited .gp script is kept
# (and rendered) until --regenerate, the default point is the documented
# rule's and --point overrides it.
. tests/cli/lib.sh
command -v gnuplot >/dev/null 2>&1 || { echo "skipped: gnuplot not installed"; exit 77; }
command -v python3 >/dev/null 2>&1 || { echo "skipped: python3 not installed"; exit 77; }
cp -r tests/fixtures/plots "$TMP/f"
o1=$TMP/f/sample-out/sample-1d
o2=$TMP/f/sample-out/sample-2d

run_cmd 0 $S plot "$o1"
expect_out "7 charts in $o1/charts/ (7 rendered)"
expect_out "report: $o1/report.html"
python3 tests/cli/test_plot_check.py "$o1" 7 || die "sample-1d charts"
for c in models latency-01-alexnet-links.device-edge.bandwidth_mbps \
         breakdown-02-vgg16 pareto tornado; do
  [ -s "$o1/charts/$c.png" ] || die "no chart $c"
done
# the tornado with the sensitivity table, in both reports
grep -q 'src="charts/tornado.png"' "$o1/report.html" || die "tornado not in report.html"
grep -q 'id="sensitivity-table"' "$o1/report.html" || die "no sensitivity table"
grep -q '](charts/tornado.png)' "$o1/report.md" || die "tornado not in report.md"
grep -q '| links.device-edge.bandwidth\\_mbps | 100 | 50 | 150 |' "$o1/report.md" ||
  die "sensitivity table not in report.md"
# the findings' summary: the objective's label and unit, 4 significant digits
grep -q '^| alexnet | 3 | 0.008406 | 0.02548 |$' "$o1/report.md" ||
  die "summary table: $(grep -A3 'optimal somewhere' "$o1/report.md")"
grep -q 'best end-to-end latency (s)' "$o1/report.md" || die "summary table header"
# the default point: where the best placements use the most tiers (10)
grep -q "show sweep point 10 (device-edge bandwidth (Mbps) = 31.62)" "$o1/report.html" ||
  die "default point not 10"
grep -q "point 10" "$o1/charts/breakdown-01-alexnet.gp" || die "breakdown not at point 10"

run_cmd 0 $S plot --jobs 1 "$o2"
python3 tests/cli/test_plot_check.py "$o2" 7 || die "sample-2d charts"
[ -s "$o2/charts/map-01-alexnet.svg" ] || die "no decision map"
# flat along the second axis at point 0: a note instead of two charts
[ -e "$o2/charts/latency-02-vgg16-links.device-edge.latency_ms.gp" ] &&
  die "flat chart along the second axis drawn"
grep -q "No latency chart for alexnet, vgg16 along device-edge latency (ms)" "$o2/report.md" ||
  die "no note for the flat charts"

# the report alone
rm "$o1/report.html" "$o1/report.md"
run_cmd 0 $S report --rows 3 "$o1"
python3 tests/cli/test_plot_check.py "$o1" 7 || die "report"
grep -q "The first 3 of 34 rows" "$o1/report.html" || die "best.csv rows not capped"

# an edited script is kept, and rendered only with --trust-scripts (issue
# 18.3: a gnuplot script can run programs); --regenerate rewrites it
gp=$o1/charts/pareto.gp
sed -i 's/Pareto-optimal/MY-EDIT/' "$gp"
echo 'system("touch '"$TMP"'/P")' >>"$gp"
run_cmd 1 $S plot "$o1"
expect_err "charts/pareto.gp: error: 1 chart script not rendered: not as splitsim wrote it, and a gnuplot script can run programs"
expect_err "pass --trust-scripts"
[ ! -e $TMP/P ] || die "plot ran an edited script"
grep -q "MY-EDIT" "$gp" || die "edited script overwritten"
[ ! -e "$o1/charts/pareto.svg" ] || die "stale rendering of the edited script kept"
grep -q "its gnuplot script is not as splitsim wrote it" "$o1/report.html" ||
  die "the report does not say why the chart is not rendered"
run_cmd 0 $S report "$o1"
grep -q "its gnuplot script is not as splitsim wrote it" "$o1/report.md" ||
  die "splitsim report does not say why the chart is not rendered"
run_cmd 0 $S plot --trust-scripts "$o1"
expect_out "1 from your kept .gp scripts"
[ -e $TMP/P ] || die "--trust-scripts did not render the edited script"
grep -q "MY-EDIT" "$gp" || die "edited script overwritten"
grep -q "MY-EDIT" "$o1/charts/pareto.svg" || die "edited script not rendered"
run_cmd 0 $S plot --regenerate "$o1"
grep -q "MY-EDIT" "$gp" && die "--regenerate kept the edit"

# another point for the breakdown and comparison charts
run_cmd 0 $S plot -q --point 16 "$o1"
grep -q "point 16" "$o1/charts/breakdown-01-alexnet.gp" || die "--point ignored"
grep -q "show sweep point 16 .*, as asked with --point" "$o1/report.html" ||
  die "report does not say --point chose the point"
run_cmd 1 $S plot -q --point 17 "$o1"
expect_err "best.csv: error: no sweep point 17 (the points are 0 to 16)"

# a script gnuplot rejects: exit 1 naming the script and gnuplot's message
printf 'plot x with nonsense\n' >"$o1/charts/models.gp"
run_cmd 1 $S plot --trust-scripts "$o1"
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
