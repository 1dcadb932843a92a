# Big sweeps draw well (issue 16.5): a decision map over 300 x 300 sweep
# points is a raster (gnuplot `with image`, one embedded image in the SVG),
# without a dot per sweep point, of bounded size, and agrees with best.csv
# wherever two neighbouring grid points agree; `run --jobs N` runs N gnuplots
# at once; a terminal shows the chart steps' progress, -q and a pipe do not.
. tests/cli/lib.sh
command -v gnuplot >/dev/null 2>&1 || { echo "skipped: gnuplot not installed"; exit 77; }
command -v python3 >/dev/null 2>&1 || { echo "skipped: python3 not installed"; exit 77; }
prof=$(pwd)/tests/fixtures/plots/sample-profiles.csv
scen() { # name n_x n_y: a scenario over device-edge bandwidth (log) x edge-cloud bandwidth (linear)
  cat >"$TMP/$1.yaml" <<EOF
name: $1
profiles: $prof
models: [alexnet]
tiers: {device: [xeon-1t], edge: [xeon-16t], cloud: [h200-gpu]}
links:
  device-edge: {latency_ms: 2, bandwidth_mbps: 100}
  device-cloud: {latency_ms: 40, bandwidth_mbps: 20}
  edge-cloud: {latency_ms: 1, bandwidth_mbps: 100}
sweep:
  - {param: links.device-edge.bandwidth_mbps, log: [0.1, 1000, $2]}
  - {param: links.edge-cloud.bandwidth_mbps, linear: [1, 3000, $3]}
EOF
}

scen big 300 300
run_cmd 0 $S run -o "$TMP/o" "$TMP/big.yaml"
grep -q "drawing charts" "$TMP/err" && die "progress drawn on a pipe"
o=$TMP/o/big
python3 tests/cli/test_plot_check.py "$o" 3 || die "big charts"
m=$o/charts/map-01-alexnet
grep -q "with image" "$m.gp" || die "big map not drawn as an image"
grep -q "with points\|sweep point" "$m.gp" && die "big map draws the sweep points"
python3 - "$o/best.csv" "$m.dat" "$m.svg" "$m.png" <<'PY' || die "big map"
import bisect, csv, math, os, sys
best, dat, svg, png = sys.argv[1:5]
for f, cap in ((svg, 500000), (png, 500000), (dat, 1300000)):
    if os.path.getsize(f) > cap:
        sys.exit("%s: %d bytes, over %d" % (f, os.path.getsize(f), cap))
if open(svg).read().count("<image") != 1:
    sys.exit("the SVG does not embed exactly one image")
rows = [l.split() for l in open(dat) if l.strip() and not l.startswith("#")]
if len(rows) != 600 or any(len(r) != 1000 for r in rows):
    sys.exit("raster not 600 rows of 1000 cells")
places, cell = [], {}
for r in csv.DictReader(open(best)):
    p = r["placement"]
    if p not in places:
        places.append(p)
    x = float(r["links.device-edge.bandwidth_mbps"])
    y = float(r["links.edge-cloud.bandwidth_mbps"])
    cell[(x, y)] = places.index(p) + 1  # linetype = placement letter
xs = sorted({k[0] for k in cell})
ys = sorted({k[1] for k in cell})
if len(places) < 4:
    sys.exit("expected a map of 4+ placements, got %d" % len(places))
lx0, lx1 = math.log(xs[0]), math.log(xs[-1])
checked = 0
seen = set()
for j, row in enumerate(rows):
    y = ys[0] + (j + 0.5) / 600 * (ys[-1] - ys[0])
    k = bisect.bisect_left(ys, y)  # nearest grid row (half-way borders)
    yi = k if k == 0 or (k < len(ys) and ys[k] - y < y - ys[k - 1]) else k - 1
    for i, v in enumerate(row):
        seen.add(int(v))
        x = math.exp(lx0 + (i + 0.5) / 1000 * (lx1 - lx0))
        a = min(bisect.bisect_right(xs, x) - 1, len(xs) - 2)
        left, right = cell[(xs[a], ys[yi])], cell[(xs[a + 1], ys[yi])]
        if left == right:
            if int(v) != left:
                sys.exit("raster row %d cell %d is %s, best.csv says %d at "
                         "(%g, %g)" % (j, i, v, left, xs[a], ys[yi]))
            checked += 1
if checked < 0.9 * 600000 or seen != set(range(1, len(places) + 1)):
    sys.exit("checked %d cells, placements drawn %s" % (checked, sorted(seen)))
PY

# a small map keeps its cells and a dot per sweep point
scen small 12 10
run_cmd 0 $S run -q -o "$TMP/s" "$TMP/small.yaml"
grep -q "sweep point" "$TMP/s/small/charts/map-01-alexnet.gp" || die "small map lost its dots"
grep -q "with image" "$TMP/s/small/charts/map-01-alexnet.gp" && die "small map drawn as an image"

# --jobs N: N gnuplots at once (a stand-in records how many run together;
# with --jobs 2 each waits, at most 20 s, until it has seen two at once)
cat >"$TMP/fake-gnuplot" <<'EOF'
#!/bin/sh
D=$FAKE_DIR
mkdir "$D/run.$$"
ls -d "$D"/run.* | wc -l >>"$D/counts"
i=0
while [ "$FAKE_WAIT" = 1 ] && [ ! -e "$D/two" ] && [ $i -lt 200 ]; do
  [ "$(ls -d "$D"/run.* | wc -l)" -ge 2 ] && touch "$D/two"
  sleep 0.1; i=$((i + 1))
done
[ "$FAKE_WAIT" = 1 ] || sleep 0.2
rmdir "$D/run.$$"
EOF
chmod +x "$TMP/fake-gnuplot"
mkdir "$TMP/f1" "$TMP/f2"
FAKE_DIR=$TMP/f1 FAKE_WAIT=0 SPLITSIM_GNUPLOT=$TMP/fake-gnuplot run_cmd 0 $S run -q --jobs 1 -o "$TMP/j1" "$TMP/small.yaml"
[ "$(sort -n "$TMP/f1/counts" | tail -1)" = 1 ] || die "--jobs 1 ran gnuplots at once"
[ "$(wc -l <"$TMP/f1/counts")" -ge 3 ] || die "too few charts to tell"
FAKE_DIR=$TMP/f2 FAKE_WAIT=1 SPLITSIM_GNUPLOT=$TMP/fake-gnuplot run_cmd 0 $S run -q --jobs 2 -o "$TMP/j2" "$TMP/small.yaml"
[ -e "$TMP/f2/two" ] || die "--jobs 2 never ran two gnuplots at once"

# progress on a terminal (script(1) gives one): the chart steps are shown;
# -q shows nothing
if command -v script >/dev/null 2>&1; then
  script -qfec "$S run -o $TMP/t $TMP/small.yaml" "$TMP/tty.log" >/dev/null ||
    die "run on a terminal failed"
  for step in "reading best.csv" "writing chart data" "drawing charts" "writing the report"; do
    grep -q "small: $step" "$TMP/tty.log" || die "no progress for: $step"
  done
  script -qfec "$S plot $TMP/t/small" "$TMP/tty2.log" >/dev/null || die "plot on a terminal failed"
  grep -q "drawing charts" "$TMP/tty2.log" || die "plot shows no progress"
  script -qfec "$S plot -q $TMP/t/small" "$TMP/tty3.log" >/dev/null || die "plot -q failed"
  grep -q "drawing charts" "$TMP/tty3.log" && die "plot -q shows progress"
fi
exit 0
