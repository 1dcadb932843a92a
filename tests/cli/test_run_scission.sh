# splitsim run on Scission's published profiles read in place: one point
# agrees with `splitsim predict`; a sweep with network links, a tier-pair
# override, availability and privacy gives exact breakpoints.
. tests/cli/lib.sh
need_scission
R=tests/fixtures/scenarios-run
run_cmd 0 $S run --no-report -o $TMP/o $R/scission-small.yaml
b=$TMP/o/scission-small/best.csv
[ "$(wc -l <$b)" -eq 3 ] || die "best.csv: 1 point x 2 models"
for m in vgg19 resnet50; do
  run_cmd 0 $S predict $SHARED/scission network_stats.csv $m --result-count 1
  want=$(sed 's/^\[1\] \([0-9.]*\)s - [0-9.]*MB - /\1 /' $TMP/out)
  row=$(grep "^0,$m," $b)
  place=$(echo "$row" | sed 's/^[^"]*"\([^"]*\)".*/\1/')
  # latency_s: after the placement and its three columns per tier
  lat=$(echo "$row" | sed 's/^[^"]*"[^"]*",\("[^"]*"\|[^,]*\),[^,]*,[^,]*,\("[^"]*"\|[^,]*\),[^,]*,[^,]*,\("[^"]*"\|[^,]*\),[^,]*,[^,]*,\([^,]*\),.*/\4/')
  got=$(printf '%.4f %s' "$lat" "$place")
  [ "$got" = "$want" ] || die "$m: run '$got', predict '$want'"
done

run_cmd 0 $S run --no-report -j 2 -o $TMP/o $R/scission-sweep.yaml
d=$TMP/o/scission-sweep
[ "$(wc -l <$d/best.csv)" -eq 51 ] || die "best.csv: 25 x 2 points"
grep -q '^mobilenetv2,links.device-edge.bandwidth_mbps,availability.vm2Core=1.0,[0-9.e+-]*,1,"Device(raspi4) = 0 - ' \
  $d/breakpoints.csv || die "no exact bandwidth breakpoint"
# privacy: the device always runs the first block
if grep -q '"Device(raspi4) = -1 - -1' $d/best.csv; then die "privacy broken"; fi
run_cmd 0 $S run --no-report -o $TMP/o1 $R/scission-sweep.yaml
for f in best.csv breakpoints.csv curves.csv summary.csv; do
  expect_same $d/$f $TMP/o1/scission-sweep/$f
done
grep -q '"network": ".*/scission/network_stats.csv"' $d/run.json || die "run.json network"
exit 0
