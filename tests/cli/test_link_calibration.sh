# The opt-in link parameters efficiency and overhead_ms (docs/scenarios.md,
# docs/validation.md) reach the one cost model: a hop costs latency +
# overhead + bytes / (efficiency x bandwidth); without them the hop is the
# plain one; the resolved scenario keeps them and runs to the same table.
. tests/cli/lib.sh
st=$BUILD/default-profiles.h5
[ -f "$st" ] || die "no default store at $st (make store)"
scn() {
  cat >$TMP/$1.yaml <<X
name: $1
models: [resnet50]
tiers: {device: [xeon-1t], edge: [xeon-16t]}
links:
  device-edge: {latency_ms: 5, bandwidth_mbps: 100$2}
constraints: {max_blocks: {device: 0}}
X
  SPLITSIM_PROFILES=$st run_cmd 0 $S run -q --no-report -o $TMP/o-$1 $TMP/$1.yaml
}
scn plain ""
scn cal ", efficiency: 0.95, overhead_ms: 1.5"
scn unit ", efficiency: 1, overhead_ms: 0"
# The edge runs everything: one hop carries the 602112-byte input.
python3 - $TMP/o-plain/plain/best.csv $TMP/o-cal/cal/best.csv $TMP/o-unit/unit/best.csv <<'PY' || die "hop cost"
import csv, sys
p, c, u = (next(csv.DictReader(open(f))) for f in sys.argv[1:])
assert p["bytes.device-edge"] == c["bytes.device-edge"] == "602112.0", (p, c)
assert float(p["transfer_s.device-edge"]) == 0.005 + 602112 / 12.5e6, p
want = 0.005 + 0.0015 + 602112 / (12.5e6 * 0.95)
assert abs(float(c["transfer_s.device-edge"]) - want) < 1e-15, (c, want)
assert abs(float(c["latency_s"]) - float(p["latency_s"]) - (want - float(p["transfer_s.device-edge"]))) < 1e-15
# efficiency 1 and overhead 0 are the plain hop, to the last bit
assert {k: v for k, v in u.items() if k != "point"} == {k: v for k, v in p.items() if k != "point"}, (u, p)
PY
grep -q '"device-edge": {latency_ms: 5, bandwidth_mbps: 100, efficiency: 0.95, overhead_ms: 1.5}' \
  $TMP/o-cal/cal/scenario.resolved.yaml || die "resolved yaml lacks the calibration: $(grep -A1 links: $TMP/o-cal/cal/scenario.resolved.yaml)"
SPLITSIM_PROFILES=$st run_cmd 0 $S run -q --no-report -o $TMP/o-again $TMP/o-cal/cal/scenario.resolved.yaml
expect_same $TMP/o-again/cal/best.csv $TMP/o-cal/cal/best.csv
# predict: the same two parameters for every link, opt-in.
printf 'source,destination,ping(ms),bandwidth(mbps)\nxeon-1t,xeon-16t,5,100\n' >$TMP/net.csv
P="$S predict $st $TMP/net.csv resnet50 -t xeon-1t=device -t xeon-16t=edge -d -1 -c -1 --result-count 1"
run_cmd 0 $P --format json
mv $TMP/out $TMP/plain.json
run_cmd 0 $P --format json --link-efficiency 0.95 --link-overhead-ms 1.5
python3 - $TMP/plain.json $TMP/out <<'PY' || die "predict hop cost"
import json, sys
p, c = (json.load(open(f))["results"][0] for f in sys.argv[1:])
assert p["hops"][0]["bytes"] == c["hops"][0]["bytes"] == 602112, (p, c)
assert p["hops"][0]["transfer_s"] == 0.005 + 602112 / 12.5e6, p
want = 0.005 + 0.0015 + 602112 / (12.5e6 * 0.95)
assert abs(c["hops"][0]["transfer_s"] - want) < 1e-15, (c, want)
PY
run_cmd 0 $P
mv $TMP/out $TMP/plain.txt
run_cmd 0 $P --link-efficiency 1 --link-overhead-ms 0
expect_same $TMP/out $TMP/plain.txt
run_cmd 2 $P --link-efficiency 0
expect_err "--link-efficiency: '0' is not a number in (0, 2]"
run_cmd 2 $P --link-overhead-ms -1
expect_err "--link-overhead-ms: '-1' is not a number >= 0"
