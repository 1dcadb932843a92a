# Studies through `splitsim run` on the embedded default profiles
# (scenarios/default-purchase.yaml, and scenarios/purchase-sweep.yaml over a
# sweep with its chart and headline): the purchasing and sensitivity tables
# are written with their columns, estimated options are marked, the output
# is the same for any --jobs and when the resolved scenario is run again,
# and a study error names the scenario's line and column.
. tests/cli/lib.sh
[ -f "$(dirname "$S")/default-profiles.h5" ] ||
  { echo "skipped: no default-profiles.h5 next to $S (make store)"; exit 77; }
F=scenarios/default-purchase.yaml
d=$TMP/o/default-purchase

run_cmd 0 $S run --no-report -o $TMP/o $F
for f in purchase.csv purchase_models.csv sensitivity.csv \
         sensitivity_models.csv; do
  [ -f $d/$f ] || die "missing $f"
  grep -q "\"$f\"" $d/run.json || die "run.json does not list $f"
done
[ -f $d/purchase_sweep.csv ] && die "purchase_sweep.csv without a sweep"
head -1 $d/purchase.csv | grep -qx 'option,n_options,price,yearly_cost,horizon_years,tco,cost_per_year,power_w,weighted_latency_s,gain_s,gain_pct,gain_per_tco,gain_per_price,gain_per_year_cost,weighted_throughput_per_s,pareto,estimated,within_budget,sweep_points,points_fastest,mean_gain_s,mean_gain_pct' ||
  die "purchase.csv header: $(head -1 $d/purchase.csv)"
# baseline + 4 options + 9 affordable combinations (budget 15000)
[ "$(wc -l <$d/purchase.csv)" -eq 15 ] || die "purchase.csv rows"
sed -n 2p $d/purchase.csv | grep -q '^baseline,0,0.0,0.0,3.0,0.0,0.0,0.0,[0-9.e-]*,0.0,0.0,,,,' ||
  die "baseline row: $(sed -n 2p $d/purchase.csv)"
# scaled options are estimates, measured ones are not
grep -q '^edge-8t-est,1,3000.0,.*,1,1,1,[0-9]*,[^,]*,[^,]*$' $d/purchase.csv || die "edge-8t-est estimated"
grep -q '^edge-16t,1,6000.0,.*,0,1,1,[0-9]*,[^,]*,[^,]*$' $d/purchase.csv || die "edge-16t measured"
grep -q '^edge-16t+edge-8t-est+cloud-h200,3,9000.0,' $d/purchase.csv ||
  die "combination row"
# a rented option: no price (infinite gain per price) but a total cost of
# ownership of 3 x 26000 over the default horizon, finite gain per tco, and
# off the Pareto front of tco vs latency
grep -q '^cloud-h200,1,0.0,26000.0,3.0,78000.0,26000.0,0.0,[0-9.e-]*,[0-9.e-]*,[0-9.e-]*,[0-9.e-]*,inf,[0-9.e-]*,[0-9.e-]*,0,' $d/purchase.csv ||
  die "cloud-h200 row"
# 19 models per option set
[ "$(wc -l <$d/purchase_models.csv)" -eq $((1 + 14 * 19)) ] ||
  die "purchase_models.csv rows"
grep -q '^edge-gpu-est,vgg16,1.0,"Device(xeon-1t) = .*Edge(h200-gpu\*4) = .*,1$' \
  $d/purchase_models.csv || die "estimated system name in a placement"
# sensitivity: sorted by effect, largest first
head -1 $d/sensitivity.csv | grep -qx 'parameter,base,low_value,high_value,best_low_s,best_base_s,best_high_s,effect_s' ||
  die "sensitivity.csv header"
tail -n +2 $d/sensitivity.csv | awk -F, 'NR > 1 && $8 > prev + 0 { bad = 1 } { prev = $8 } END { exit bad }' ||
  die "sensitivity.csv not sorted by effect_s"

# --jobs and the resolved scenario give the same bytes
run_cmd 0 $S run --no-report -j 2 -o $TMP/o2 $F
run_cmd 0 $S run --no-report -o $TMP/o3 $d/scenario.resolved.yaml
for f in purchase.csv purchase_models.csv sensitivity.csv sensitivity_models.csv; do
  expect_same $d/$f $TMP/o2/default-purchase/$f
  expect_same $d/$f $TMP/o3/default-purchase/$f
done

# over a sweep (scenarios/purchase-sweep.yaml: 15 uplinks, 8 option sets):
# purchase_sweep.csv, its chart, and the headline that counts where each wins
run_cmd 0 $S run -q -o $TMP/ps scenarios/purchase-sweep.yaml
p=$TMP/ps/purchase-sweep
[ "$(wc -l <$p/purchase_sweep.csv)" -eq $((1 + 15 * 8)) ] ||
  die "purchase_sweep.csv rows"
[ "$(awk -F, 'NR > 1 { n += $20 } END { print n }' $p/purchase.csv)" -eq 15 ] ||
  die "points_fastest does not sum to the 15 sweep points"
# what you have, and the purchase fastest at the most points (first on ties)
nb=$(awk -F, 'NR == 2 { print $20 }' $p/purchase.csv)
top=$(awk -F, 'NR > 2 && $20 > n { n = $20; o = $1 } END { print o "," n }' $p/purchase.csv)
grep -q "^Purchasing: .* Across the 15 sweep points, what you have is the fastest at $nb; of the purchases, ${top%,*} is the fastest at ${top#*,} (" $p/report.md ||
  die "purchasing headline: $(grep '^Purchasing' $p/report.md)"
grep -q "^Sensitivity: the ±50% swing of " $p/report.md || die "sensitivity headline"
grep -q "'[A-Z]: ${top%,*} (fastest at ${top#*,} of 15 sweep points)'" $p/charts/purchase-sweep.gp ||
  die "purchase-sweep chart legend"
grep -q "^### Purchasing study" $p/report.md || die "no purchasing section"
sed -n '/^### Purchasing study/,/^###/p' $p/report.md | grep -q '(charts/purchase-sweep.gp)' ||
  die "the purchasing section lacks the purchase-sweep chart"

# a study error: file:line:col and exit 1, nothing left behind
cat >$TMP/bad.yaml <<'YAML'
models: [resnet18]
tiers: {device: [xeon-1t], edge: [xeon-16t]}
links: {device-edge: {latency_ms: 1, bandwidth_mbps: 100}}
purchase:
  options:
    - {name: x, tier: edge, system: xeon-32t, price: 1}
YAML
run_cmd 1 $S run --no-report -o $TMP/o4 $TMP/bad.yaml
expect_err "$TMP/bad.yaml:6:37: error: unknown system 'xeon-32t'"
[ -d $TMP/o4/bad ] && die "a failed run left its folder"
cat >$TMP/bad2.yaml <<'YAML'
tiers: {device: [xeon-1t]}
uncertainty: {deadline: 0.2}
YAML
run_cmd 1 $S run --no-report -o $TMP/o4 $TMP/bad2.yaml
expect_err "$TMP/bad2.yaml:2:15: error: uncertainty.deadline: a deadline needs its unit in the key: write deadline_ms"
exit 0
