#!/bin/sh
# make bench: strong scaling of `run --mpi` (1 vs 2 ranks) and of shards on
# a simulation-heavy scenario, with the figures docs/cluster.md projects
# from: units, compute per unit, gather volume, merge (rank 0) time.
# Wall times on a shared machine are noisy: CPU times are printed too.
# Usage: sh tests/bench/bench_scale.sh BUILD_DIR
set -u
build=${1:-build}
S=$(cd "$build" && pwd)/splitsim
F=tests/bench/scale-bench.yaml
N=scale-bench
[ -f "$build/default-profiles.h5" ] || { echo "bench_scale: skipped (make store)"; exit 0; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
now() { date +%s.%N; }
calc() { awk "BEGIN { print $* }"; }
secs() { calc "$2 - $1"; }
timed() { # label cmd...: wall seconds into $T/$1.wall, CPU (user+sys) into $T/$1.cpu
  l=$1; shift
  /usr/bin/time -f "%e %U %S" -o "$T/$l.t" "$@" >"$T/$l.out" 2>"$T/$l.err" ||
    { cat "$T/$l.err"; echo "bench_scale: $l failed"; exit 1; }
  read -r w u s <"$T/$l.t"
  echo "$w" >"$T/$l.wall"
  calc "$u + $s" >"$T/$l.cpu"
}
w() { cat "$T/$1.wall"; }
c() { printf '%.2f' "$(cat "$T/$1.cpu")"; }

timed plain $S run --no-report -o $T/plain $F
timed collect $S run --no-report --shard 0/1 -o $T/sh $F
units=$(sed -n 's/.*: \([0-9]*\) units computed.*/\1/p' $T/collect.out)
bytes=$(wc -c <$T/sh/$N/shard-0-of-1.units)
timed merge $S merge $T/sh/$N
printf 'bench_scale: %s: %s units, gather volume %s bytes (%.0f bytes/unit)\n' \
  $N "$units" "$bytes" "$(calc "$bytes / $units")"
printf 'bench_scale: one process %ss (cpu %s); collect %ss (cpu %s, %.2f ms/unit); merge %ss (cpu %s)\n' \
  "$(w plain)" "$(c plain)" "$(w collect)" "$(c collect)" \
  "$(calc "1000 * $(cat $T/collect.cpu) / $units")" "$(w merge)" "$(c merge)"
# libmpi is loaded when --mpi starts, not linked: look for its name.
if command -v mpirun >/dev/null && grep -qa 'libmpi\.so' "$S"; then
  MPI="mpirun --oversubscribe --quiet"
  [ "$(id -u)" = 0 ] && MPI="$MPI --allow-run-as-root"
  timed np1 $MPI -np 1 $S run --mpi --no-report -o $T/m1 $F
  timed np2 $MPI -np 2 $S run --mpi --no-report -o $T/m2 $F
  cmp -s $T/m1/$N/robust.csv $T/m2/$N/robust.csv || { echo "bench_scale: outputs differ"; exit 1; }
  printf 'bench_scale: mpirun -np 1 %ss (cpu %s), -np 2 %ss (cpu %s): strong scaling %.2fx (target >= 1.8x on 2 free cores)\n' \
    "$(w np1)" "$(c np1)" "$(w np2)" "$(c np2)" "$(calc "$(w np1) / $(w np2)")"
else
  echo "bench_scale: no MPI in this build: -np 1 vs 2 skipped"
fi
for k in 0 1; do $S run -q --no-report --shard $k/2 -o $T/s2 $F & done
t0=$(now); wait; t1=$(now)
timed merge2 $S merge $T/s2/$N
printf 'bench_scale: 2 shards at once %.2fs + merge %ss (vs one process %ss)\n' \
  "$(secs $t0 $t1)" "$(w merge2)" "$(w plain)"
printf 'bench_scale: load average now: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
