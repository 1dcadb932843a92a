# Scission's five .dat files import into one store; profiles/show/h5dump see them.
. tests/cli/lib.sh
need_scission
st=$TMP/s.h5
run_cmd 0 $S import -o $st "$SHARED"/scission/*.dat
expect_out "imported system 'raspi4' (18 models)"
expect_out "imported system '6700k(GPU)' (18 models)"
expect_out "wrote $st: 5 systems"
run_cmd 0 $S profiles $st
expect_out "Systems (5):"
for s in raspi4 2500 vm2Core '6700k(GPU)' '6700k(NoGPU)'; do expect_out "  $s "; done
[ "$(grep -c '^  [a-z0-9_]*  *[0-9]*  *unknown ' $TMP/out)" = 18 ] || die "expected 18 models with an unknown input size"
grep -q '^  vgg19  *25 ' $TMP/out || die "vgg19 should have 25 blocks"
grep -q '^  mobilenet  *92 ' $TMP/out || die "mobilenet should have 92 blocks"
run_cmd 0 $S show $st raspi4 vgg19
grep -qE '^ +0 +0 +1 +- +- +0\.0705894 ' $TMP/out || die "raspi4 vgg19 block 0"
grep -qE ' 12845184$' $TMP/out || die "block 0 output bytes"
# Importing a system again replaces it and keeps the others.
run_cmd 0 $S import -o $st "$SHARED/scission/device-raspi4.dat"
expect_out "replaced system 'raspi4'"
expect_out "5 systems"
# The store is self-describing.
h5dump -H $st >$TMP/h5 2>&1 || die "h5dump failed"
grep -q 'GROUP "systems"' $TMP/h5 || die "h5dump shows no /systems group"
# Unknown system / model: a clear message listing the known ones.
run_cmd 1 $S show $st nosuch vgg19
expect_err "no system 'nosuch'"
expect_err "known systems: "
run_cmd 1 $S show $st raspi4 nosuch
expect_err "known models: vgg19"
run_cmd 1 $S show $st raspi5 vgg19
expect_err "no system 'raspi5' (did you mean 'raspi4'?); known systems: "
run_cmd 1 $S show $st raspi4 vgg91
expect_err "has no model 'vgg91' (did you mean 'vgg19'?); known models: vgg19"
[ "$(wc -l <$TMP/err)" = 1 ] || die "the error is not one line"
run_cmd 1 $S predict "$SHARED/scission" network_stats.csv vgg91
expect_err "unknown model 'vgg91' in $SHARED/scission (did you mean 'vgg19'?)"
