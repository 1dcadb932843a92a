# Unit tests of splitsim-profile's cut-point finder (tests/python). The
# pure-Python part runs everywhere; the torch.fx part needs python3-torch
# (the test reports a skip when no python3 here can import torch).
. tests/cli/lib.sh
PY=""
for p in python3 /usr/bin/python3; do
  if "$p" -c 'import torch.fx' >/dev/null 2>&1; then PY=$p; break; fi
done
if [ -z "$PY" ]; then
  python3 -m unittest discover -s tests/python || die "cut-point unit tests (without torch)"
  echo "skipped: python3-torch not installed"; exit 77
fi
"$PY" -m unittest discover -s tests/python -v 2>&1 | tee "$TMP/log"
grep -q '^OK' "$TMP/log" || die "cut-point unit tests"
! grep -q 'skipped' "$TMP/log" || die "some torch.fx tests were skipped although $PY has torch"
