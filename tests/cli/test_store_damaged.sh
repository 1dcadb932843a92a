# Damaged stores that crash or hang libhdf5 itself (found by fuzzing, see
# tests/fuzz/hdf5-crashes/README.md) give a one-line error and exit 1, never
# a crash: the store is first read in a child process.
. tests/cli/lib.sh
export SPLITSIM_STORE_TIMEOUT_S=3
for f in tests/fuzz/hdf5-crashes/*.h5; do
  run_cmd 1 $S profiles "$f"
  expect_err "splitsim: $f"
  expect_err "error: "
  # (Under AddressSanitizer the child's crash report also goes to stderr.)
  case $BUILD in *asan*) ;; *)
    [ "$(wc -l <$TMP/err)" = 1 ] || { cat $TMP/err; die "$f: more than one line on stderr"; } ;;
  esac
done
run_cmd 1 $S profiles tests/fuzz/hdf5-crashes/hg-read-segv.h5
expect_err "libhdf5 crashed reading the file ("
expect_err "): the file is damaged"
run_cmd 1 $S profiles tests/fuzz/hdf5-crashes/hg-protect-hang.h5
expect_err "reading the file takes over 3 s"
# A good store still reads.
run_cmd 0 $S import -q -o $TMP/ok.h5 profiles/default/xeon-1t.csv
run_cmd 0 $S profiles $TMP/ok.h5
expect_out "Systems (1):"
