# Shards: `run --shard K/N` + `merge` give exactly the files of one process
# (N = 1, 2, 7, the 7 running at the same time into one OUTROOT), as does
# --jobs 2; no shard file is left; --resume after a torn journal computes
# only the missing units; merge refuses a missing, unfinished or foreign
# shard by name. Scenario: a sweep, breakpoints, curves, top-k and a Monte
# Carlo study and a load simulation (tests/fixtures/scale/scale-mix.yaml).
. tests/cli/lib.sh
[ -f "$(dirname "$S")/default-profiles.h5" ] ||
  { echo "skipped: no default-profiles.h5 next to $S (make store)"; exit 77; }
F=tests/fixtures/scale/scale-mix.yaml
N=scale-mix
# every file the same; run.json the same but for timings_s and jobs
same_run() {
  [ "$(ls $1)" = "$(ls $2)" ] || die "files differ: $(ls $1 | tr '\n' ' ') vs $(ls $2 | tr '\n' ' ')"
  for f in $(ls $1); do
    [ $f = run.json ] && continue
    expect_same $1/$f $2/$f
  done
  grep -v '"timings_s"\|"jobs"' $1/run.json >$TMP/r1
  grep -v '"timings_s"\|"jobs"' $2/run.json >$TMP/r2
  expect_same $TMP/r1 $TMP/r2
}

run_cmd 0 $S run --no-report -o $TMP/one $F
ref=$TMP/one/$N
[ -s $ref/robust.csv ] && [ -s $ref/top.csv ] || die "reference lacks files"
run_cmd 0 $S run --no-report -j 2 -o $TMP/j2 $F
same_run $ref $TMP/j2/$N

for n in 1 2 7; do
  k=0
  while [ $k -lt $n ]; do
    $S run -q --no-report --shard $k/$n -o $TMP/s$n $F 2>$TMP/err$k &
    k=$((k + 1))
  done
  wait
  [ "$(ls $TMP/s$n/$N | wc -l)" = $n ] || die "N=$n: shard files: $(ls $TMP/s$n/$N)"
  run_cmd 0 $S merge $TMP/s$n/$N
  expect_out "merged $n shard"
  # a 1-way shard also holds the Monte Carlo pass 2 (6 units more)
  [ $n = 1 ] && expect_out "(1545 units)" || expect_out "(1539 units)"
  same_run $ref $TMP/s$n/$N
  [ "$(ls $TMP/s$n)" = "$N" ] || die "left behind in OUTROOT: $(ls $TMP/s$n)"
done

# the split is fixed by the units' costs (tests/unit/test_shard.c checks
# the balance): 768 + 771 units
run_cmd 0 $S run --no-report --shard 0/2 -o $TMP/b $F
expect_out "shard 0/2: 768 units computed, 0 kept"
run_cmd 0 $S run --no-report --shard 1/2 -o $TMP/b $F
expect_out "shard 1/2: 771 units computed, 0 kept"

# a missing shard is named
run_cmd 0 $S run --no-report --shard 0/2 -o $TMP/m $F
run_cmd 1 $S merge $TMP/m/$N
expect_err "$TMP/m/$N/shard-1-of-2.units: error: missing: shard 1 of 2 has not run"
[ -f $TMP/m/$N/shard-0-of-2.units ] || die "merge removed a shard it refused"

# a shard of another split is foreign
run_cmd 0 $S run --no-report --shard 1/2 -o $TMP/m $F
run_cmd 0 $S run --no-report --shard 2/3 -o $TMP/m $F
run_cmd 1 $S merge $TMP/m/$N
expect_err "foreign shard: shard-2-of-3.units belongs to another split than shard-0-of-2.units"
rm $TMP/m/$N/shard-2-of-3.units

# a shard of another scenario (same name, other content) is foreign
sed 's/seed: 7/seed: 8/' $F >$TMP/other.yaml
run_cmd 0 $S run --no-report --shard 1/2 -o $TMP/m $TMP/other.yaml
run_cmd 1 $S merge $TMP/m/$N
expect_err "$TMP/m/$N/shard-1-of-2.units: error: foreign shard: another scenario than shard-0-of-2.units ($TMP/other.yaml)"

# an unfinished (torn) shard is refused; --resume keeps its whole units
run_cmd 0 $S run --no-report --shard 1/2 -o $TMP/m $F
J=$TMP/m/$N/shard-1-of-2.units
size=$(wc -c <$J)
head -c $((size * 2 / 3)) $J >$TMP/torn && cp $TMP/torn $J
run_cmd 1 $S merge $TMP/m/$N
expect_err "$J: error: unfinished shard (its run was stopped or is still going); finish it with \`splitsim run --resume --shard 1/2\`"
run_cmd 0 $S run --no-report --resume --shard 1/2 -o $TMP/m $F
kept=$(sed -n 's/.*computed, \([0-9]*\) kept.*/\1/p' $TMP/out)
computed=$(sed -n 's/.*: \([0-9]*\) units\{0,1\} computed.*/\1/p' $TMP/out)
[ "$kept" -gt 0 ] && [ "$computed" -gt 0 ] && [ $((kept + computed)) = 771 ] ||
  die "resume: kept $kept, computed $computed: $(cat $TMP/out)"
run_cmd 0 $S merge $TMP/m/$N
same_run $ref $TMP/m/$N

# not a shard folder; a file that is not ours is never overwritten
run_cmd 1 $S merge $TMP/one/$N
expect_err "no shard files (shard-K-of-N.units) in this folder"
mkdir -p $TMP/x/$N && echo mine >$TMP/x/$N/shard-0-of-1.units
run_cmd 1 $S run --no-report --shard 0/1 -o $TMP/x $F
expect_err "holds 'shard-0-of-1.units', which splitsim did not write; nothing was written"
[ "$(cat $TMP/x/$N/shard-0-of-1.units)" = mine ] || die "a user's file was replaced"
[ "$(cat $TMP/x/$N/shard-0-of-1.units)" = mine ] || die "user file overwritten"

# usage errors
run_cmd 2 $S run --shard 2/2 -o $TMP/u $F
expect_err "--shard wants K/N with 0 <= K < N, got '2/2'"
run_cmd 2 $S run --shard 0/2 --mpi -o $TMP/u $F
expect_err "--shard and --mpi do not go together"
run_cmd 2 $S merge
exit 0
