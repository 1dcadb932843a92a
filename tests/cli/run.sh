#!/bin/sh
# Command-line tests: every tests/cli/test_*.sh is run from the repository
# root with SPLITSIM (the binary), SHARED (../shared/data) and TMP (a fresh
# scratch folder) set. A test prints "skipped: ..." and exits 77 to skip.
set -u
export LC_ALL=C
: "${SPLITSIM:=build/splitsim}"
SPLITSIM=$(cd "$(dirname "$SPLITSIM")" && pwd)/$(basename "$SPLITSIM")
export SPLITSIM
export SHARED="${SHARED:-$(cd .. && pwd)/shared/data}"
export BUILD="${BUILD:-build}"
pass=0 fail=0 skip=0
for t in tests/cli/test_*.sh; do
  name=$(basename "$t" .sh)
  TMP=$(mktemp -d)
  export TMP
  if sh "$t" >"$TMP.log" 2>&1; then
    pass=$((pass + 1)); echo "cli: PASS $name"
  else
    rc=$?
    if [ $rc -eq 77 ]; then
      skip=$((skip + 1)); echo "cli: SKIP $name: $(grep -h 'skipped:' "$TMP.log" | head -1)"
    else
      fail=$((fail + 1)); echo "cli: FAIL $name"; sed 's/^/    /' "$TMP.log"
    fi
  fi
  rm -rf "$TMP" "$TMP.log"
done
echo "cli: $pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ]
