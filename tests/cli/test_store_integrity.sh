# Store integrity (docs/store-format.md): damaged bytes give a clean error,
# never a silently different profile; old (version 1) stores still read, with
# a note that they carry no checksums, and `import` upgrades them.
. tests/cli/lib.sh
V1=tests/fixtures/store/format-v1.h5
# An old store reads to exactly what it held when it was written.
run_cmd 0 $S export $V1 --format json -o $TMP/v1.json
expect_same $TMP/v1.json tests/fixtures/store/format-v1.expected.json
expect_err "$V1: note: a format version 1 store has no checksums"
[ "$(wc -l <$TMP/err)" = 1 ] || die "more than the note on stderr"
run_cmd 0 $S show $V1 "gpu box" tiny
expect_out "input unknown,"
expect_out "unknown"
# import upgrades it: same profiles, now checked, no note.
run_cmd 0 $S import -q -o $TMP/v2.h5 $V1
run_cmd 0 $S export $TMP/v2.h5 --format json -o $TMP/v2.json
expect_same $TMP/v2.json tests/fixtures/store/format-v1.expected.json
[ -s $TMP/err ] && { cat $TMP/err; die "a version 2 store got a note"; }
command -v python3 >/dev/null 2>&1 || { echo "skipped: python3 not installed"; exit 77; }
# 25 single-byte corruptions of the default store (tools/store-corrupt.py
# does 200): each exports the same profiles or fails with one clean line.
python3 tools/store-corrupt.py $S "$BUILD/default-profiles.h5" 25 7 >$TMP/corrupt.log 2>&1 ||
  { cat $TMP/corrupt.log; die "a damaged store was read silently or badly"; }
cat $TMP/corrupt.log
grep -q " 0 silently different, 0 bad" $TMP/corrupt.log || die "unexpected counts"
