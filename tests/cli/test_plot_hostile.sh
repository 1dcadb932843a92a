# Names from the input files (model, system, purchasing option) that try to
# break out of a gnuplot string -- backquotes, quotes, a line break, @macro,
# $(...), "]]>" and HTML -- are rendered as text: nothing runs (no marker
# file appears), every chart renders, SVGs stay well-formed and the reports
# escape them.
. tests/cli/lib.sh
command -v gnuplot >/dev/null 2>&1 || { echo "skipped: gnuplot not installed"; exit 77; }
command -v python3 >/dev/null 2>&1 || { echo "skipped: python3 not installed"; exit 77; }
cp -r tests/fixtures/plots "$TMP/f"
mkdir "$TMP/mark"
python3 - "$TMP/f" "$TMP/mark" <<'PY'
import csv, glob, os, sys
root, mark = sys.argv[1], sys.argv[2]
model = ("'`touch %s/m1`'; system('touch %s/m2') \"\n@x $(touch %s/m3) "
         "]]> <script>alert(1)</script> \\") % (mark, mark, mark)
system = "e`touch %s/s1`'\n\"x, y) = 3 - 4" % mark
def fix(t):
    return t.replace("alexnet", model).replace("xeon-16t", system)
for path in glob.glob(os.path.join(root, "**", "*.csv"), recursive=True):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    with open(path, "w", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows([[fix(c) for c in r] for r in rows])
for path in glob.glob(os.path.join(root, "**", "*.yaml"), recursive=True):
    with open(path) as f:
        s = f.read()
    with open(path, "w") as f:
        f.write(s.replace('"alexnet"', '"`touch %s/y1`"' % mark))
PY
for o in sample-1d sample-2d; do
  run_cmd 0 $S plot "$TMP/f/sample-out/$o"
  run_cmd 0 $S plot -q --point 16 "$TMP/f/sample-out/$o"
done
[ -z "$(ls -A "$TMP/mark")" ] || die "a name ran a command: $(ls "$TMP/mark")"
find "$TMP" -name 'm[123]' -o -name 's1' -o -name 'y1' | grep -q . && die "marker file created"
python3 tests/cli/test_plot_check.py "$TMP/f/sample-out/sample-1d" 7 || die "sample-1d"
python3 tests/cli/test_plot_check.py "$TMP/f/sample-out/sample-2d" 7 || die "sample-2d"
# the system name reaches the tornado (availability.<system>) as text
grep -q "availability of e‘touch" "$TMP/f/sample-out/sample-1d/charts/tornado.svg" ||
  die "hostile system name not in the tornado chart"
grep -q "<script>" "$TMP/f/sample-out/sample-1d/report.html" && die "report.html not escaped"
grep -q "&lt;script&gt;" "$TMP/f/sample-out/sample-1d/report.html" || die "model name missing from the report"
# outside its fenced code blocks (shown as they are, never as HTML)
awk '/^```/ { inside = !inside; next } !inside' "$TMP/f/sample-out/sample-1d/report.md" |
  grep -q "<script>" && die "report.md not escaped"
exit 0
