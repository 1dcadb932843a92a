# The load simulation through `splitsim run` (docs/simulation.md):
# - one client at a vanishing rate with deterministic service has exactly the
#   analytical latency of best.csv (1e-9 relative), for several placements;
# - sim.csv / sim_cdf.csv are byte-identical for --jobs 1 and --jobs 3;
# - an unstable workload is simulated (capped), reported, and exits 0;
# - duration_s measures simulated seconds instead of requests (swept);
# - a workload model that is not a scenario model is a file:line:col error.
. tests/cli/lib.sh
[ -f "$(dirname "$S")/default-profiles.h5" ] ||
  { echo "skipped: no default-profiles.h5 next to $S (make store)"; exit 77; }
cat >"$TMP/idle.yaml" <<'YAML'
name: idle
models: [resnet50, mobilenet_v2]
availability: {xeon-1t: 0.25}
tiers: {device: [xeon-1t], edge: [xeon-16t], cloud: [h200-gpu]}
links:
  device-edge: {latency_ms: 3, bandwidth_mbps: 20}
  device-cloud: {latency_ms: 30, bandwidth_mbps: 20}
  edge-cloud: {latency_ms: 7, bandwidth_mbps: 900}
result_mb: 0.004
workload:
  clients:
    - {model: resnet50, arrival: {periodic: 0.05}}
    - {model: mobilenet_v2, arrival: {periodic: 0.05}}
  requests: 12
  warmup_requests: 0
  replications: 2
  policies: [static, adaptive]
sweep:
  - {param: links.device-edge.bandwidth_mbps, values: [0.3, 3, 30, 300, 3000], zip: up}
  - {param: links.device-cloud.bandwidth_mbps, values: [0.3, 3, 30, 300, 3000], zip: up}
YAML
run_cmd 0 $S run --no-report -o $TMP/o $TMP/idle.yaml
O=$TMP/o/idle
head -1 $O/sim.csv | grep -q '^point,links.device-edge.bandwidth_mbps,links.device-cloud.bandwidth_mbps,policy,group,model,offered_rps,throughput_rps,completed,dropped,latency_mean_s,latency_mean_ci95_s,latency_p50_s,latency_p95_s,latency_p99_s,deadline_miss_ratio,util.xeon-16t,util.h200-gpu,util.device-edge,util.device-cloud,util.edge-cloud,placement,idle_latency_s,status$' ||
  die "sim.csv header: $(head -1 $O/sim.csv)"
# best.csv: point,bw,bw,model,placement, three columns per tier
# (system.<tier>, first_layer.<tier>, last_layer.<tier>), latency_s;
# sim.csv static rows: latency_mean_s is column 11 (fields split on the
# quoted placement later).
awk -F, 'NR==FNR { if (FNR == 1) { for (i = 1; i <= NF; i++) K += $i ~ /^system\./ }
    else best[$1 "," $4] = $0; next }
  FNR > 1 && $4 == "static" {
    split(best[$1 "," $6], b, "\"");
    n = split(b[3], v, ","); lat = v[2 + 3 * K];
    if (b[2] == "") { print "no best row for " $1 " " $6; bad = 1 }
    sim = $11 + 0;
    if (sim - lat > 1e-9 * lat || lat - sim > 1e-9 * lat) {
      printf "point %s %s: simulated %.17g, analytical %.17g\n", $1, $6, sim, lat; bad = 1 }
    split($0, q, "\""); if (q[2] != b[2]) { print "placement differs: " q[2] " / " b[2]; bad = 1 }
    seen[b[2]] = 1; rows++ }
  END { for (k in seen) np++; print rows " rows, " np " placements";
        if (bad || rows != 10 || np < 3) exit 1 }' $O/best.csv $O/sim.csv >$TMP/cmp ||
  { cat $TMP/cmp; die "vanishing load differs from best.csv"; }
cat $TMP/cmp
grep -c '' $O/sim_cdf.csv | grep -qx 2041 || die "sim_cdf.csv rows: $(grep -c '' $O/sim_cdf.csv)"

# charts and the report section (data and scripts even without gnuplot)
run_cmd 0 $S plot $O
for c in sim-cdf sim-p99 sim-util; do
  [ -s $O/charts/$c.dat ] && [ -s $O/charts/$c.gp ] || die "chart $c missing"
done
grep -q '^static: stable up to the highest load simulated' $O/report.md ||
  die "report lacks the breakdown: $(grep -A3 'Where each policy' $O/report.md)"
grep -q 'Load simulation: p99 against the offered load' $O/report.md ||
  die "report lacks the load section"

# --jobs does not change a byte
run_cmd 0 $S run --no-report --jobs 3 -o $TMP/j $TMP/idle.yaml
expect_same $O/sim.csv $TMP/j/idle/sim.csv
expect_same $O/sim_cdf.csv $TMP/j/idle/sim_cdf.csv

# unstable: 50 clients x 10 Hz on the edge; warned, capped, exit 0
cat >"$TMP/hot.yaml" <<'YAML'
name: hot
models: [resnet50]
tiers: {device: [xeon-1t], edge: [xeon-16t]}
links: {device-edge: {latency_ms: 1, bandwidth_mbps: 10000}}
availability: {xeon-1t: 0.1}
workload:
  clients: [{count: 50, model: resnet50, arrival: {poisson: 10}, deadline_ms: 200}]
  requests: 300
  replications: 2
queue_limit: {xeon-16t: 20}
YAML
run_cmd 0 $S run --no-report -o $TMP/o $TMP/hot.yaml
expect_err "warning: hot: 1 load simulation run is unstable (utilisation >= 1) or capped"
grep -q 'unstable: util.xeon-16t' $TMP/o/hot/sim.csv || die "no unstable status"
awk -F, 'NR == 2 && ($8 + 0 == 0 || $14 + 0 < 0.5) { exit 1 }' $TMP/o/hot/sim.csv ||
  die "expected drops and deadline misses: $(sed -n 2p $TMP/o/hot/sim.csv)"

# duration_s: a periodic client at 10 Hz (stable, no jitter) completes
# exactly 10 x duration_s requests in the measured window; swept
cat >"$TMP/dur.yaml" <<'YAML'
name: dur
models: [resnet50]
tiers: {device: [xeon-1t], edge: [xeon-16t]}
links: {device-edge: {latency_ms: 1, bandwidth_mbps: 10000}}
workload:
  clients: [{model: resnet50, arrival: {periodic: 10}}]
  duration_s: 2.05
  replications: 2
sweep:
  - {param: workload.duration_s, values: [2.05, 4.05]}
YAML
run_cmd 0 $S run --no-report -o $TMP/o $TMP/dur.yaml
awk -F, 'NR > 1 { n++; if ($2 * 10 - 0.5 != $8 / 2 || $7 * $2 != $8 / 2) { print; bad = 1 } }
  END { exit bad || n != 2 }' $TMP/o/dur/sim.csv ||
  die "duration_s: completions: $(cat $TMP/o/dur/sim.csv)"

# a client model that is not one of the scenario's models
sed 's/model: resnet50, arrival/model: vgg16, arrival/' $TMP/hot.yaml >$TMP/bad.yaml
run_cmd 1 $S run --no-report -o $TMP/o $TMP/bad.yaml
expect_err "$TMP/bad.yaml:7:32: error: workload.clients.0.model: 'vgg16' is not one of the scenario's models (resnet50)"
exit 0
