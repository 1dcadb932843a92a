# A constant trace gives exactly the fixed-link answer in the load simulator
# too (issue 13): the same scenario with `bandwidth_mbps: 30` and with
# `trace:` of a constant 30 Mbit/s writes the same sim.csv, byte for byte,
# and its mean latency is best.csv's analytical latency (vanishing load).
. tests/cli/lib.sh
[ -f "$(dirname "$S")/default-profiles.h5" ] ||
  { echo "skipped: no default-profiles.h5 next to $S (make store)"; exit 77; }
printf '# constant 30 Mbit/s\n0 30\n60 30\n' >$TMP/const.txt
for link in "bandwidth_mbps: 30" "trace: const.txt"; do
  n=fixed
  case "$link" in trace*) n=traced ;; esac
  cat >$TMP/$n.yaml <<EOT
name: $n
models: [resnet50]
tiers: {device: [xeon-1t], edge: [xeon-16t]}
links:
  device-edge: {latency_ms: 5, $link}
objective: latency
workload:
  clients:
    - {count: 1, model: resnet50, arrival: {poisson: 0.01}, deadline_ms: 1000}
  requests: 50
  warmup_requests: 0
  replications: 2
  service: deterministic
  policies: [static, adaptive]
EOT
  run_cmd 0 $S run -q --no-report -o $TMP/o $TMP/$n.yaml
done
expect_same $TMP/o/fixed/sim.csv $TMP/o/traced/sim.csv
python3 - $TMP/o/fixed <<'PY' || die "simulated mean differs from best.csv"
import csv, sys
d = sys.argv[1]
best = float(next(csv.DictReader(open(d + "/best.csv")))["latency_s"])
for r in csv.DictReader(open(d + "/sim.csv")):
    m = float(r["latency_mean_s"])
    assert abs(m - best) <= 1e-9 * best, (r["policy"], m, best)
PY
echo ok
