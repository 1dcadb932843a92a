# MPI: `mpirun -np 1/2/3 splitsim run --mpi` writes the same bytes as one
# process; a rank killed mid-run stops the run with one line from splitsim
# and no output folder, and --resume then computes only the missing units.
# Without MPI in the build, --mpi says so. Skips when mpirun is absent.
. tests/cli/lib.sh
[ -f "$(dirname "$S")/default-profiles.h5" ] ||
  { echo "skipped: no default-profiles.h5 next to $S (make store)"; exit 77; }
F=tests/fixtures/scale/scale-mix.yaml
N=scale-mix
# (libmpi is loaded when --mpi starts, not linked: look for its name.)
if ! grep -qa 'libmpi\.so' "$S"; then
  run_cmd 1 $S run --mpi --no-report -o $TMP/o $F
  expect_err "splitsim run: --mpi: this splitsim was built without MPI"
  echo "skipped: this build has no MPI (the no-MPI message was checked)"
  exit 77
fi
command -v mpirun >/dev/null || { echo "skipped: mpirun not found"; exit 77; }
case "$BUILD" in *asan*) echo "skipped: MPI under the sanitizer build"; exit 77 ;; esac
MPI="mpirun --oversubscribe --quiet"
[ "$(id -u)" = 0 ] && MPI="$MPI --allow-run-as-root"
export OMPI_MCA_btl_vader_single_copy_mechanism=none

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
for np in 1 2 3; do
  run_cmd 0 timeout 60 $MPI -np $np $S run --mpi --no-report -o $TMP/m$np $F
  expect_out "$N: 1300 points x 2 models on $np rank"
  expect_out "1545 units computed, 0 kept"
  same_run $TMP/one/$N $TMP/m$np/$N
  [ "$(ls $TMP/m$np)" = "$N" ] || die "left behind: $(ls $TMP/m$np)"
done

# a batch where rank 0 skips the first scenario (--resume) and runs the next
T2=tests/fixtures/scenarios-run/tiny-default.yaml
run_cmd 0 timeout 60 $MPI -np 2 $S run --mpi --resume --no-report -o $TMP/m2 $F $T2
expect_out "$N: up to date in $TMP/m2/$N/ (skipped, --resume)"
expect_out "tiny-default: 8 points x 2 models on 2 ranks"
run_cmd 0 $S run --no-report -o $TMP/one $T2
same_run $TMP/one/tiny-default $TMP/m2/tiny-default

# rank 1 dies (SIGKILL, by the test hook $SPLITSIM_TEST_RANK1_DIES_AFTER)
# after sending 40 units: no race with the run's speed
F=tests/fixtures/scale/scale-slow.yaml
N=scale-slow
run_cmd 0 $S run --no-report -o $TMP/one $F
timeout 60 $MPI -np 2 -x SPLITSIM_TEST_RANK1_DIES_AFTER=40 $S run --mpi \
  --no-report -o $TMP/k $F >$TMP/out 2>$TMP/err
rc=$?
[ $rc != 0 ] || die "the run with a killed rank succeeded"
[ "$(grep -c '^splitsim' $TMP/err)" = 1 ] || { cat $TMP/err; die "not one splitsim line"; }
expect_err "splitsim run: stopped (a rank died, or the job was cancelled): no output was written for $TMP/k/$N"
[ "$(ls $TMP/k/$N)" = "shard-0-of-1.units" ] || die "half-written output: $(ls $TMP/k/$N)"
run_cmd 0 timeout 60 $MPI -np 2 $S run --mpi --resume --no-report -o $TMP/k $F
kept=$(sed -n 's/.*computed, \([0-9]*\) kept.*/\1/p' $TMP/out)
[ "$kept" -gt 0 ] || die "resume kept no unit: $(cat $TMP/out)"
same_run $TMP/one/$N $TMP/k/$N
exit 0
