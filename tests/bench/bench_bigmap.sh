# Big sweeps draw well (issue 16.5): a 10^6-point sweep (1000 x 1000:
# device-edge bandwidth on a log axis x device-edge latency, one model) run
# without charts, then its charts and report drawn by `splitsim plot`:
# seconds (wall and CPU) of the sweep, of the chart data (best.csv read,
# data and scripts written, --no-render) and of the whole plot, and the
# decision map's files. BIGMAP_N (default 1000) points per axis.
: "${BIGMAP_N:=1000}"
S=$SPLITSIM
store=$(cd "$(dirname "$S")" && pwd)/default-profiles.h5
[ -f "$store" ] || { echo "bench_bigmap: skipped (make store)"; exit 0; }
cd "$TMP" || exit 1
cat >big.yaml <<EOF
name: big
profiles: $store
models: [resnet50]
tiers: {device: [xeon-1t], edge: [xeon-16t], cloud: [h200-gpu]}
links:
  device-edge: {latency_ms: 20, bandwidth_mbps: 20}
  device-cloud: {latency_ms: 45, bandwidth_mbps: 20}
  edge-cloud: {latency_ms: 5, bandwidth_mbps: 1000}
sweep:
  - {param: links.device-edge.bandwidth_mbps, log: [0.5, 500, $BIGMAP_N]}
  - {param: links.device-edge.latency_ms, linear: [1, 100, $BIGMAP_N]}
EOF
timed() { # label cmd...: prints "label: W s wall, C s CPU"
  l=$1; shift
  /usr/bin/time -f "%e %U %S" -o t.txt "$@" >out.txt 2>err.txt ||
    { cat err.txt; echo "bench_bigmap: $l failed"; exit 1; }
  read -r w u s <t.txt
  printf '  %-34s %7.2f s wall %7.2f s CPU\n' "$l" "$w" "$(awk "BEGIN { print $u + $s }")"
}
echo "  $BIGMAP_N x $BIGMAP_N points, 1 model"
timed "sweep (run --no-report)" $S run -q --no-report -o o big.yaml
printf '  best.csv: %s MB\n' "$(awk "BEGIN { printf \"%.0f\", $(wc -c <o/big/best.csv) / 1e6 }")"
timed "chart data (plot --no-render)" $S plot -q --no-render --no-report o/big
timed "charts and report (plot)" $S plot -q o/big
for f in o/big/charts/map-01-resnet50.*; do
  printf '  %-34s %10s bytes\n' "${f#o/big/charts/}" "$(wc -c <"$f")"
done
grep -q "with image" o/big/charts/map-01-resnet50.gp || { echo "bench_bigmap: map not a raster"; exit 1; }
rm -rf "$TMP"
