# Small frictions a newcomer hits: what a folder import found, singular and
# plural, one usage error for an option without its argument, profiles/show
# without a STORE (the default store, as `run` uses), "unknown".
. tests/cli/lib.sh
# A folder of measured CSVs (their .json sidecars are not profiles of their own)
run_cmd 0 $S import -o $TMP/a.h5 profiles/default
expect_out "profiles/default: 3 measured .csv files"
expect_out "wrote $TMP/a.h5: 3 systems"
# A folder mixing a CSV, a JSON profile and a network table
mkdir $TMP/mix
cp tests/fixtures/csv/good_quoted.csv tests/fixtures/csv/good_quoted.json tests/fixtures/json/good.json $TMP/mix/
printf 'source,destination,ping(ms),bandwidth(mbps)\na,b,1,2\n' >$TMP/mix/net.csv
run_cmd 0 $S import -o $TMP/b.h5 $TMP/mix
expect_out "$TMP/mix: 1 measured .csv, 1 splitsim .json profile; 1 network table left out"
expect_out "imported system 'jetson' (1 model) from $TMP/mix"
expect_out "imported system 'gpu box' (2 models) from $TMP/mix"
mkdir $TMP/empty
run_cmd 1 $S import -o $TMP/c.h5 $TMP/empty
expect_err "$TMP/empty: error: no profiles in this folder (looked for Scission <tier>-<name>.dat"
# Singular
run_cmd 0 $S import -o $TMP/one.h5 tests/fixtures/csv/good_quoted.csv
expect_out "wrote $TMP/one.h5: 1 system"
run_cmd 0 $S show $TMP/one.h5 "gpu box" tiny
expect_out "model tiny: 1 block, input unknown, sum of block times 0.001 s"
# One usage error (and the --help hint) for a missing option argument
for a in "run -o" "import -o" "export $TMP/one.h5 --format" "predict a b c -i"; do
  run_cmd 2 $S $a
  expect_err "option '"
  expect_err "' needs an argument"
  [ "$(wc -l <$TMP/err)" = 2 ] || { cat $TMP/err; die "$a: more than one error"; }
done
run_cmd 2 $S run --bogus x.yaml
expect_err "splitsim run: unknown option '--bogus'"
# profiles / show without STORE: the default store
export SPLITSIM_PROFILES="$BUILD/default-profiles.h5"
run_cmd 0 $S profiles
expect_out "Store: $BUILD/default-profiles.h5 (the default)"
expect_out "Systems (3):"
run_cmd 0 $S show xeon-1t resnet50
expect_out "system xeon-1t, model resnet50: "
SPLITSIM_PROFILES=$TMP/none.h5 run_cmd 1 $S profiles
expect_err "no STORE given and no default store"
