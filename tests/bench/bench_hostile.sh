# How fast each hostile input of tests/cli/test_limits.sh is handled (the
# test itself has only a 20 s hang guard): each case's time and its ratio to
# a tiny valid input read in the same run.
export TMP LIMITS_BENCH=1 BUILD=${BUILD:-build} SHARED=${SHARED:-../shared/data}
out=$(sh tests/cli/test_limits.sh 2>&1)
rc=$?
echo "$out" | grep -v ': exit [01]:'
rm -rf "$TMP"
exit $rc
