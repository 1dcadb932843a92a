# Systems that disagree on a model's block boundaries are refused, naming
# both systems and the first differing block; the store is left unchanged.
. tests/cli/lib.sh
need_scission
st=$TMP/m.h5
run_cmd 0 $S import -q -o $st profiles/default/xeon-1t.csv
cp $st $TMP/before.h5
run_cmd 1 $S import -o $st "$SHARED/scission/device-raspi4.dat"
expect_err "device-raspi4.dat: error: model 'vgg19': block boundaries of system 'raspi4' differ from system 'xeon-1t' at block 0"
expect_same $st $TMP/before.h5
ls $TMP | grep -q tmp && die "temporary file left behind"
exit 0
