# The committed measured profiles import with identical boundaries.
. tests/cli/lib.sh
st=$TMP/m.h5
run_cmd 0 $S import -o $st profiles/default/h200-gpu.csv profiles/default/xeon-16t.csv profiles/default/xeon-1t.csv
expect_out "imported system 'h200-gpu' (19 models)"
expect_out "imported system 'xeon-1t' (19 models)"
run_cmd 0 $S profiles $st
expect_out "Systems (3):"
grep -q '^  vgg16  *40  *602112 ' $TMP/out || die "vgg16: 40 blocks, 602112 input bytes"
grep -q '^  inception_v3  *32  *1072812 ' $TMP/out || die "inception_v3 input bytes"
run_cmd 0 $S show $st xeon-1t vgg16
grep -qE '^ +0 +1 +1 +features_0 +features_0 +0\.0123663 ' $TMP/out || die "xeon-1t vgg16 block 0"
# A network table given to import: a clear pointer to where it belongs.
printf 'source,destination,ping(ms),bandwidth(mbps)\na,b,1,2\n' >$TMP/net.csv
run_cmd 1 $S import -o $TMP/n.h5 $TMP/net.csv
expect_err "net.csv: error: this is a network table, not a profile"
[ ! -e $TMP/n.h5 ] || die "a store was written"
