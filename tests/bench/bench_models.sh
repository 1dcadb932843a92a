# Scaling in the number of models (issue 18.6): the analysis step and the
# charts/report step (data and scripts, without gnuplot) for a generated
# store of N_SMALL and N_BIG models (default 512 and 4096), 50 sweep
# points; prints the times and the ratio (linear: about N_BIG / N_SMALL).
: "${N_SMALL:=512}" "${N_BIG:=4096}"
S=$SPLITSIM
cd "$TMP" || exit 1
gen() { python3 - "$1" "m$1.json" <<'PY'
import json, random, sys
n, rnd = int(sys.argv[1]), random.Random(7)
out = [[int(1e6 * rnd.random()) + 1000 for b in range(8)] for i in range(n)]
def models(scale):
    return [{"name": "m%05d" % i, "input_bytes": 602112, "blocks": [
        {"first_layer": b, "last_layer": b,
         "time_s": scale * (0.001 + 0.01 * rnd.random()),
         "output_bytes": out[i][b]} for b in range(8)]}
        for i in range(n)]
json.dump({"format": "splitsim-profile", "version": 1, "systems": [
    {"name": "dev", "models": models(10)},
    {"name": "cld", "models": models(1)}]}, open(sys.argv[2], "w"))
PY
}
one() { # N: prints "analysis_s report_s"
  gen "$1" && $S import -q -o "m$1.h5" "m$1.json" || return 1
  printf 'name: s%s\nprofiles: m%s.h5\ntiers: {device: [dev], cloud: [cld]}\nlinks: {device-cloud: {latency_ms: 40, bandwidth_mbps: 50}}\nsweep:\n  - {param: links.device-cloud.bandwidth_mbps, log: [1, 1000, 50]}\n' "$1" "$1" >"s$1.yaml"
  $S run -q --no-report -o o "s$1.yaml" || return 1
  a=$(sed -n 's/.*"analysis": \([0-9.e+-]*\).*/\1/p' "o/s$1/run.json")
  t0=$(date +%s%N)
  $S plot -q --no-render "o/s$1" || return 1
  t1=$(date +%s%N)
  echo "$a $(( (t1 - t0) / 1000000 ))"
}
set -- $(one "$N_SMALL") $(one "$N_BIG")
[ $# -eq 4 ] || { echo "bench_models: a run failed"; exit 1; }
awk -v ns="$N_SMALL" -v nb="$N_BIG" -v a1="$1" -v r1="$2" -v a2="$3" -v r2="$4" 'BEGIN {
  printf "  %-28s %10s %10s %8s\n", "step", ns " models", nb " models", "ratio"
  printf "  %-28s %9.2fs %9.2fs %7.1fx\n", "analysis (run.json)", a1, a2, a2 / a1
  printf "  %-28s %9.2fs %9.2fs %7.1fx\n", "charts+report, no gnuplot", r1 / 1000, r2 / 1000, r2 / r1
  printf "  (linear: %.1fx)\n", nb / ns }'
rm -rf "$TMP"
