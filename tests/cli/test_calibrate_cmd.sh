# splitsim calibrate: the fit of a committed validation.csv (measured here,
# docs/validation.md) printed exactly, the last line's form, and a one-line
# error naming the file and the line for every bad-input fixture.
. tests/cli/lib.sh
F=tests/fixtures/validation
E=tests/cli/expected/calibrate
run_cmd 0 $S calibrate $F/good.csv
expect_same $TMP/out $E/good.txt
tail -1 $TMP/out | grep -qE '^calibrated: median \|error\| [0-9]+\.[0-9]%, max [0-9]+\.[0-9]% \(before: [0-9]+\.[0-9]%, [0-9]+\.[0-9]%\)$' ||
  die "last line: $(tail -1 $TMP/out)"
[ ! -s $TMP/err ] || die "stderr not empty: $(cat $TMP/err)"
run_cmd 0 $S calibrate -q --link-only --link edge-device $F/good.csv
expect_same $TMP/out $E/good_link_only.txt
# --compute on the same rows gives the same fit as AUTO here (the F test
# keeps the compute scales).
run_cmd 0 $S calibrate -q --compute $F/good.csv
sed -n '/^# Scenario snippet/,$p' $E/good.txt >$TMP/want
expect_same $TMP/out $TMP/want
# A system name YAML would misread is quoted in the snippet; plain ones not.
sed 's/validate-device/"a: b{c}"/' $F/good.csv >$TMP/odd.csv
run_cmd 0 $S calibrate -q --compute $TMP/odd.csv
expect_out 'availability: {"a: b{c}": 0.9406, validate-edge: 1.0000}'

# Bad input: exit 1, exactly one line on stderr, nothing on stdout.
bad() {
  run_cmd 1 $S calibrate $F/$1
  [ "$(wc -l <$TMP/err)" = 1 ] || { cat $TMP/err; die "$1: not one line"; }
  [ ! -s $TMP/out ] || die "$1: stdout not empty"
  expect_err "splitsim: $F/$1$2"
}
bad empty.csv ":1: error: empty file"
bad header_only.csv ":1: error: no rows after the header"
bad one_row.csv ":2: error: only one row; calibrate needs at least 3 rows"
bad missing_column.csv ":1: error: missing column 'measured_s'"
bad nan.csv ":3: error: column 'measured_s': not a finite number: 'nan'"
bad inf.csv ":4: error: column 'bytes': not a finite number: 'inf'"
bad text_number.csv ":2: error: column 'bandwidth_mbps': not a finite number: 'fast'"
bad zero_measured.csv ":3: error: column 'measured_s': must be above 0"
bad field_count.csv ":3: error: 18 fields, the header has 19"
bad unterminated.csv ":2: error: unterminated quote"
bad bad_cut.csv ":2: error: column 'cut_block': not a block number: '2.5'"
bad inconsistent.csv ":3: error: predicted_s 0.5 is not predicted_device_s"
bad same_transfer.csv ": error: every row has the same transfer time"
bad nope.csv ": error:"
# Usage errors: exit 2.
run_cmd 2 $S calibrate
run_cmd 2 $S calibrate $F/good.csv $F/good.csv
run_cmd 2 $S calibrate --link 'a: b' $F/good.csv
run_cmd 0 $S calibrate --help
expect_out "calibrated: median |error| X%, max Y% (before: A%, B%)"
