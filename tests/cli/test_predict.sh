# splitsim predict: Scission's README example, one case per criteria kind
# (expected lines from a re-implementation of scission_predict.py, listed in
# tests/cli/expected/predict/cases.txt), formats, and every error path.
. tests/cli/lib.sh
need_scission
SC="$SHARED/scission"
EXP=tests/cli/expected/predict

# Scission's README example, verbatim.
run_cmd 0 $S predict "$SC" network_stats.csv vgg19 -d '!-1' -e 10 -c 16
cat >"$TMP/readme" <<'END'
[1] 9.0106s - 2.4087MB - Device(raspi4) = 0 - 6, Edge(vm2Core) = 7 - 11, Cloud(6700k(GPU)) = 12 - 25
[2] 9.0594s - 2.4087MB - Device(raspi4) = 0 - 6, Edge(2500) = 7 - 11, Cloud(6700k(GPU)) = 12 - 25
[3] 9.0721s - 2.4087MB - Device(raspi4) = 0 - 6, Edge(vm2Core) = 7 - 11, Cloud(6700k(NoGPU)) = 12 - 25
[4] 9.1209s - 2.4087MB - Device(raspi4) = 0 - 6, Edge(2500) = 7 - 11, Cloud(6700k(NoGPU)) = 12 - 25
[5] 9.1511s - 3.2115MB - Device(raspi4) = 0 - 6, Edge(vm2Core) = 7 - 12, Cloud(6700k(GPU)) = 13 - 25
END
expect_same "$TMP/out" "$TMP/readme"
[ -s "$TMP/err" ] && die "stderr should be empty"

# One case per criteria kind; arguments are split on spaces.
while IFS='|' read -r name args; do
  # shellcheck disable=SC2086
  set -f; run_cmd 0 $S predict "$SC" $args; set +f
  expect_same "$TMP/out" "$EXP/$name.txt"
done <"$EXP/cases.txt"

# The network file as a path, an HDF5 store instead of the folder.
run_cmd 0 $S predict "$SC" "$SC/network_stats.csv" vgg19 -d '!-1' -e 10 -c 16
expect_same "$TMP/out" "$TMP/readme"
run_cmd 0 $S import -q -o "$TMP/s.h5" "$SC"
run_cmd 0 $S predict "$TMP/s.h5" "$SC/network_stats.csv" VGG19 -d '!-1' -e 10 -c 16
expect_same "$TMP/out" "$TMP/readme"

# Formats: every tier's compute time and every hop's bytes and seconds.
run_cmd 0 $S predict "$SC" network_stats.csv vgg19 -d '!-1' -e 10 -c 16 --format csv
head -1 "$TMP/out" | grep -q '^rank,latency_s,upload_mb,compute_s,transfer_s,device_system,' || die "csv header"
[ "$(wc -l <"$TMP/out")" = 6 ] || die "csv: header + 5 rows"
grep -q '^1,9\.01056[0-9]*,2\.408704,.*,raspi4,0,6,6,.*,vm2Core,7,11,5,.*,6700k(GPU),12,25,14,.*,1605760,8\.0955[0-9]*,802944,0\.148471[0-9]*,,$' "$TMP/out" || die "csv row 1"
run_cmd 0 $S predict "$SC" network_stats.csv vgg19 -d '!-1' -e 10 -c 16 --format json --result-count 2
expect_out '"model": "vgg19"'
expect_out '"text": "9.0106s - 2.4087MB - Device(raspi4) = 0 - 6, Edge(vm2Core) = 7 - 11, Cloud(6700k(GPU)) = 12 - 25"'
expect_out '{"from": "device", "to": "edge", "bytes": '
expect_out '{"tier": "cloud", "system": "6700k(GPU)", "first_layer": 12, "last_layer": 25, "blocks": 14, "compute_s": '
if command -v python3 >/dev/null; then
  python3 -m json.tool "$TMP/out" >/dev/null || die "json output does not parse"
fi
run_cmd 0 $S predict "$SC" network_stats.csv mobilenet --format table --result-count 2
expect_out '[1] 0.3444 s = 0.3444 s compute + 0.0000 s transfer, 0.0000 MB uploaded'
expect_out '    device  raspi4'
expect_out '    device -> edge'

# Nothing satisfies the criteria ("2500" is a layer number, like Scission).
run_cmd 1 $S predict "$SC" network_stats.csv resnet50v2 -e 2500
expect_err "no placement of 'resnet50v2' satisfies the criteria"
[ -s "$TMP/out" ] && die "stdout should be empty"
# Unknown model / system: the known ones are listed.
run_cmd 1 $S predict "$SC" network_stats.csv nosuch
expect_err "unknown model 'nosuch'"
expect_err "densenet121, densenet169"
run_cmd 1 $S predict "$SC" network_stats.csv vgg19 -e 'raspi4'
expect_err "unknown edge system 'raspi4' in the --edge criteria; edge systems with model 'vgg19': 2500, vm2Core"
run_cmd 1 $S predict "$SC" network_stats.csv vgg19 -c '!GPU'
expect_err "unknown cloud system 'GPU'"
# A network file that lacks a needed pair names it.
grep -v '^vm2Core,6700k(NoGPU)' "$SC/network_stats.csv" >"$TMP/net.csv"
run_cmd 1 $S predict "$SC" "$TMP/net.csv" vgg19
expect_err "lacks the pair vm2Core,6700k(NoGPU) (edge to cloud)"
# ...unless the criteria rule one of the two systems out.
run_cmd 0 $S predict "$SC" "$TMP/net.csv" vgg19 -c '6700k(GPU)'
run_cmd 1 $S predict "$SC" nosuch.csv vgg19
expect_err "network file 'nosuch.csv' not found"
# Usage errors.
run_cmd 2 $S predict "$SC" network_stats.csv
expect_err "expected BENCHMARK_DIR NETWORK_CSV MODEL"
run_cmd 2 $S predict "$SC" network_stats.csv vgg19 --result-count 0
expect_err "--result-count"
run_cmd 2 $S predict "$SC" network_stats.csv vgg19 --format xml
run_cmd 2 $S predict "$SC" network_stats.csv vgg19 --edge-time 5x%
expect_err "--edge-time: '5x%' is not seconds or a percentage"
run_cmd 2 $S predict "$SC" network_stats.csv vgg19 -d '1,,2'
expect_err "item 2 is empty"
run_cmd 2 $S predict "$SC" network_stats.csv vgg19 --bogus
run_cmd 0 $S predict --help
expect_out "usage: splitsim predict BENCHMARK_DIR NETWORK_CSV MODEL"
exit 0
