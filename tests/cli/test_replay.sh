# replay: through `splitsim run` on the embedded default profiles: the
# replay.csv columns and rows, a constant trace giving exactly the fixed
# link's latency of best.csv (1e-9 relative), the same bytes for any
# --jobs, charts per trace, a bad trace refused with file:line and nothing
# written, and the shipped scenarios/commute-replay.yaml over the 68 real
# 3G commutes (when ../shared/data/traces is there).
. tests/cli/lib.sh
[ -f "$(dirname "$S")/default-profiles.h5" ] ||
  { echo "skipped: no default-profiles.h5 next to $S (make store)"; exit 77; }
HDR='trace,policy,model,requests,latency_mean_s,latency_p50_s,latency_p95_s,latency_p99_s,deadline_miss_ratio,switches,regret_mean_s,bandwidth_mean_mbps,placements'

# A constant 30 Mbps trace on both uplinks, and the same as fixed links.
printf '# constant 30 Mbps\n0 30\n60 30\n' >$TMP/const.txt
cat >$TMP/const.yaml <<EOT
name: const
models: [resnet50, vgg16]
tiers: {device: [xeon-1t], edge: [xeon-16t], cloud: [h200-gpu]}
availability: {xeon-1t: 0.09}
links:
  device-edge: {latency_ms: 20, bandwidth_mbps: 30}
  device-cloud: {latency_ms: 45, bandwidth_mbps: 30}
  edge-cloud: {latency_ms: 5, bandwidth_mbps: 1000}
replay:
  link: [device-edge, device-cloud]
  traces: const.txt
  rate_hz: 2
  deadline_ms: 1000
EOT
run_cmd 0 $S run -q -o $TMP/o $TMP/const.yaml
d=$TMP/o/const
head -1 $d/replay.csv | grep -qx "$HDR" || die "replay.csv header: $(head -1 $d/replay.csv)"
# 2 models x (1 trace + all) x 3 policies; 2 rows 60 s apart = 120 s, x 2 Hz = 240 requests
[ "$(wc -l <$d/replay.csv)" -eq 13 ] || die "replay.csv rows"
[ "$(grep -c '^const.txt,.*,240,' $d/replay.csv)" -eq 6 ] || die "requests"
grep -q '"replay.csv"' $d/run.json || die "run.json does not list replay.csv"
for m in resnet50 vgg16; do
  best=$(python3 -c 'import csv, sys
for r in csv.DictReader(open(sys.argv[1])):
    if r["model"] == sys.argv[2]:
        print(r["latency_s"])' $d/best.csv $m)
  awk -F, -v m=$m -v b="$best" 'NR > 1 && $3 == m {
      d = $5 - b; if (d < 0) d = -d
      if (d > 1e-9 * b) { print "latency " $5 " vs fixed " b; bad = 1 }
      if ($11 != 0) { print "regret " $11; bad = 1 } }
    END { exit bad }' $d/replay.csv || die "$m: constant trace differs from the fixed link"
done
[ -f $d/charts/replay-1.gp ] || die "no replay chart script"
if command -v gnuplot >/dev/null 2>&1; then
  [ -f $d/charts/replay-1.png ] || die "replay chart not rendered"
fi
grep -q 'Replay over traces' $d/report.html || die "report lacks the replay charts"

# The hand-made step trace (with an outage), twice as many threads: same bytes.
cp tests/fixtures/replay/step.txt $TMP/step.txt
sed -e 's/const.txt/[step.txt, const.txt]/' -e 's/^name: const/name: step/' \
  $TMP/const.yaml >$TMP/step.yaml
run_cmd 0 $S run -q --no-report -j 1 -o $TMP/j1 $TMP/step.yaml
run_cmd 0 $S run -q --no-report -j 2 -o $TMP/j2 $TMP/step.yaml
expect_same $TMP/j1/step/replay.csv $TMP/j2/step/replay.csv
[ "$(wc -l <$TMP/j1/step/replay.csv)" -eq 19 ] || die "step: rows"
# the oracle is never worse than the others on average (per request: unit tests)
awk -F, 'NR > 1 { m[$1 "," $3 "," $2] = $5 }
  END { for (k in m) { split(k, a, ","); o = m[a[1] "," a[2] ",oracle"]
          if (o > m[k] + 1e-12) { print k; bad = 1 } } exit bad }' \
  $TMP/j1/step/replay.csv || die "oracle worse than a policy"

# A bad trace: file:line, exit 1, no output folder.
printf '0 1\n1 2\n2 -0.5\n' >$TMP/neg.txt
sed -e 's/const.txt/[const.txt, neg.txt]/' -e 's/^name: const/name: bad/' \
  $TMP/const.yaml >$TMP/bad.yaml
run_cmd 1 $S run -q -o $TMP/b $TMP/bad.yaml
expect_err "neg.txt:3: error: bandwidth is negative (-0.5 Mbps)"
[ "$(wc -l <$TMP/err)" -eq 1 ] || die "more than one error line"
[ -e $TMP/b/bad ] && die "output written for a bad trace"

# Too many requests (a trace of 2e8 s at 10/s): refused before writing.
printf "0 1\n100000000 1\n" >$TMP/long.txt
sed -e "s/const.txt/long.txt/" -e "s/^name: const/name: long/" -e "s/rate_hz: 2/rate_hz: 10/" \
  $TMP/const.yaml >$TMP/long.yaml
run_cmd 1 $S run -q -o $TMP/l $TMP/long.yaml
expect_err "error: replay: more than 20000000 requests per model"
[ -e $TMP/l/long ] && die "output written for too many requests"

# The shipped scenario over the real commutes.
if [ ! -d "$SHARED/traces/pensieve/cooked" ]; then
  echo "skipped: ../shared/data/traces not found (commute-replay part)"
  exit 0
fi
run_cmd 0 $S run -q --no-report -o $TMP/c scenarios/commute-replay.yaml
r=$TMP/c/commute-replay/replay.csv
# 68 traces x 3 policies x 4 scales + 3 x 4 summary rows
[ "$(wc -l <$r)" -eq $((1 + 68 * 3 * 4 + 12)) ] || die "commute rows"
grep -q '^bus.ljansbakken-oslo-report.2010-09-28_1407CEST.log,static,resnet50,' $r ||
  die "commute trace names"
awk -F, '$1 == "all" && $2 == "oracle" && $11 != 0 { exit 1 }' $r ||
  die "oracle regret not 0"
echo "ok"
