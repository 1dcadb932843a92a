# Bad Scission .dat files: refused with file, byte offset and reason, the
# store left exactly as it was, and pickled shell commands never run.
. tests/cli/lib.sh
F=tests/fixtures/pickle
st=$TMP/s.h5

# A bad file alone creates no store.
run_cmd 1 $S import -o $st $F/edge-nan-time.dat
expect_err "$F/edge-nan-time.dat:byte 214: error: model 'tiny' block 1: second_prediction is NaN"
[ ! -e $st ] || die "a store was created although the import failed"

# After a good import, each bad file fails and the store is unchanged.
run_cmd 0 $S import -q -o $st $F/edge-small.dat
cp $st $TMP/before.h5
bad() { # bad FILE WHERE MESSAGE
  run_cmd 1 $S import -o $st "$1"
  expect_err "$1:$2: error: $3"
  expect_same $st $TMP/before.h5
}
bad $F/edge-negative-time.dat "byte 214" "model 'tiny' block 1: second_prediction is negative"
bad $F/edge-inf-time.dat "byte 214" "model 'tiny' block 1: second_prediction is infinite"
bad $F/edge-negative-size.dat "byte 225" "model 'tiny' block 1: negative output_size -4"
bad $F/edge-str-layer.dat "byte 206" "model 'tiny' block 1: field 'input_layer' is a str, expected int"
bad $F/edge-model-mismatch.dat "byte 198" "model 'tiny' block 1: field 'model' is 'other'"
bad $F/edge-other-class.dat "byte 186" "GLOBAL '__main__ Other' refused"
bad $F/edge-builtins-eval.dat "byte 19" "GLOBAL 'builtins eval' refused"
bad $F/edge-reduce-allowed.dat "byte 55" "opcode 0x52 (REDUCE) refused"
bad $F/edge-huge-string.dat "byte 2" "truncated pickle: BINUNICODE needs 4294967280 more bytes"
bad $F/edge-huge-memo.dat "byte 3" "memo index 4294967295 is over the limit"
bad $F/edge-trailing.dat "byte 387" "1 unexpected bytes after STOP"
bad $F/edge-no-stop.dat "byte 386" "truncated pickle: data ends without STOP"
bad $F/small.dat "file name" "'small.dat' has no tier (expected <tier>-<name>.dat"
bad $F/fog-small.dat "file name" "unknown tier 'fog' in 'fog-small.dat'"

# A pickle that would run `touch` under Python's pickle.load.
marker=/tmp/splitsim-pwned-fixture
rm -f $marker
bad $F/edge-reduce-system.dat "byte 186" "GLOBAL 'posix system' refused"
bad $F/edge-reduce-system4.dat "byte 179" "STACK_GLOBAL 'posix system' refused"
[ ! -e $marker ] || die "a pickled shell command ran"

# A real file cut short (made here in \$TMP, never committed).
if [ -d "$SHARED/scission" ]; then
  head -c 160 "$SHARED/scission/device-raspi4.dat" >$TMP/device-cut.dat
  bad $TMP/device-cut.dat "byte 156" "truncated pickle: BINFLOAT needs 8 more bytes but only 3 are left"
fi
exit 0
