# Opt-in calibration: block times rescaled to the measured whole-model time
# change the answer on the GPU (its blocks pay launch costs one by one).
. tests/cli/lib.sh
st=$BUILD/default-profiles.h5
[ -f "$st" ] || die "no default store at $st (make store)"
printf 'source,destination,ping(ms),bandwidth(mbps)\nxeon-1t,xeon-16t,5,100\nxeon-1t,h200-gpu,40,50\nxeon-16t,h200-gpu,10,1000\n' >$TMP/net.csv
T="-t xeon-1t=device -t xeon-16t=edge -t h200-gpu=cloud --result-count 2"
run_cmd 0 $S predict $st $TMP/net.csv resnet50 $T
cat >$TMP/want <<'X'
[1] 0.0746s - 0.6021MB - Device(xeon-1t) = -1 - -1, Edge(xeon-16t) = 1 - 175, Cloud(None) = -1 - -1
[2] 0.0747s - 1.4049MB - Device(xeon-1t) = -1 - -1, Edge(xeon-16t) = 1 - 4, Cloud(h200-gpu) = 5 - 175
X
expect_same $TMP/out $TMP/want
run_cmd 0 $S predict $st $TMP/net.csv resnet50 $T --calibrate
cat >$TMP/want <<'X'
[1] 0.0756s - 1.4049MB - Device(xeon-1t) = -1 - -1, Edge(xeon-16t) = 1 - 4, Cloud(h200-gpu) = 5 - 175
[2] 0.0783s - 0.6021MB - Device(xeon-1t) = -1 - -1, Edge(xeon-16t) = 1 - 175, Cloud(None) = -1 - -1
X
expect_same $TMP/out $TMP/want
# The same switch in a scenario.
cat >$TMP/cal.yaml <<'X'
name: cal
models: [resnet50]
calibrate: true
tiers: {device: [xeon-1t], edge: [xeon-16t], cloud: [h200-gpu]}
links:
  device-edge: {latency_ms: 5, bandwidth_mbps: 100}
  device-cloud: {latency_ms: 40, bandwidth_mbps: 50}
  edge-cloud: {latency_ms: 10, bandwidth_mbps: 1000}
X
SPLITSIM_PROFILES=$st run_cmd 0 $S run -q --no-report -o $TMP/o $TMP/cal.yaml
grep -q '"Device(xeon-1t) = -1 - -1, Edge(xeon-16t) = 1 - 4, Cloud(h200-gpu) = 5 - 175",,-1,-1,xeon-16t,1,4,h200-gpu,5,175,0.0756' $TMP/o/cal/best.csv ||
  { cat $TMP/o/cal/best.csv; die "calibrated scenario placement"; }
grep -q '^calibrate: true$' $TMP/o/cal/scenario.resolved.yaml || die "resolved yaml lacks calibrate"
