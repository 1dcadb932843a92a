# `make install PREFIX=...` installs a working splitsim: from another folder,
# the installed binary finds its default store (../share/splitsim/) and runs
# the quickstart scenario; README.md and docs/README.md both land.
. tests/cli/lib.sh
P=$TMP/prefix
make --no-print-directory -s install PREFIX=$P BUILD="$BUILD" >$TMP/make.log 2>&1 ||
  { cat $TMP/make.log; die "make install PREFIX=$P failed"; }
for f in bin/splitsim share/splitsim/default-profiles.h5 share/doc/splitsim/README.md \
         share/doc/splitsim/docs/README.md share/doc/splitsim/docs/store-format.md; do
  [ -f "$P/$f" ] || die "not installed: $f"
done
mkdir -p $TMP/elsewhere
cp scenarios/embedded-quickstart.yaml $TMP/elsewhere/
cd $TMP/elsewhere || die "cd"
unset SPLITSIM_PROFILES
run_cmd 0 $P/bin/splitsim run -q --no-report -o out embedded-quickstart.yaml
[ -s out/embedded-quickstart/best.csv ] || die "no best.csv from the installed binary"
run_cmd 0 $P/bin/splitsim profiles
expect_out "Store: $P/bin/../share/splitsim/default-profiles.h5 (the default)"
expect_out "Systems (3):"
