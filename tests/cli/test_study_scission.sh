# The worked example scenarios/purchase-study.yaml on Scission's profiles
# (read in place): the issue's purchasing options, a Monte Carlo study with
# a trace file and a sensitivity table; deterministic for its seed and any
# --jobs.
. tests/cli/lib.sh
need_scission
F=scenarios/purchase-study.yaml
d=$TMP/o/purchase-study
run_cmd 0 $S run --no-report -o $TMP/o $F
for f in purchase.csv purchase_models.csv robust.csv sensitivity.csv; do
  [ -f $d/$f ] || die "missing $f"
done
# the issue's options, each alone, then the affordable combinations
cut -d, -f1 $d/purchase.csv | tr '\n' ' ' | grep -q '^option baseline edge-i5 edge-vm cloud-gpu faster-edge edge-i5+edge-vm ' ||
  die "purchase.csv rows: $(cut -d, -f1 $d/purchase.csv | tr '\n' ' ')"
grep -q '^faster-edge,1,900.0,.*,1,1,[0-9]*,[0-9]*,[^,]*,[^,]*$' $d/purchase.csv || die "faster-edge is an estimate"
# resnet50 runs on the estimated edge box when it is bought
grep -q '^faster-edge,resnet50,2.0,"Device(raspi4) = -1 - -1, Edge(2500\*0.5) = 0 - 176, Cloud(None) = -1 - -1",.*,1$' \
  $d/purchase_models.csv || die "purchase_models.csv: faster-edge"
# robust.csv: per model, ranked, one robust row each
head -1 $d/robust.csv | grep -qx 'model,rank,placement,nominal_latency_s,nominal_best,mean_latency_s,sd_latency_s,p50_latency_s,p95_latency_s,p99_latency_s,p_meet_deadline,p_optimal,expected_regret_s,robust' ||
  die "robust.csv header"
for m in vgg19 resnet50; do
  [ "$(grep -c "^$m,[0-9]*,.*,1\$" $d/robust.csv)" -eq 1 ] || die "$m: one robust row"
  grep -q "^$m,1,.*,1\$" $d/robust.csv || die "$m: rank 1 is the robust one"
  [ "$(grep -c "^$m,[0-9]*,.*,1,[0-9.e-]*,[0-9.e-]*,[0-9.e-]*,[0-9.e-]*,[0-9.e-]*,[0-9.e-]*,[0-9.e-]*,[0-9.e-]*,[01]\$" $d/robust.csv)" -eq 1 ] ||
    die "$m: one nominal optimum"
done
run_cmd 0 $S run --no-report -j 2 -o $TMP/o2 $F
for f in purchase.csv purchase_models.csv robust.csv sensitivity.csv; do
  expect_same $d/$f $TMP/o2/purchase-study/$f
done
exit 0
