#!/bin/sh
# Run every cmocka unit-test binary; fail if any fails.
set -u
shift # the folder argument is informational
fail=0
for t in "$@"; do
  if "$t" >"$t.log" 2>&1; then
    echo "unit: PASS $(basename "$t") ($(grep -c '^\[       OK \]' "$t.log") tests)"
  else
    echo "unit: FAIL $(basename "$t")"
    cat "$t.log"
    fail=1
  fi
  grep -h '^skipped:' "$t.log" | sort -u | sed 's/^/unit:   /'
done
exit $fail
