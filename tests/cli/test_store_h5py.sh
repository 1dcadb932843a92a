# A Python user opens the store with h5py and gets text (str) for every name
# and attribute, no sentinel for unknown sizes, and a content checksum that
# the documented canonical encoding reproduces (tests/python/store_text_check.py).
. tests/cli/lib.sh
PY=""
for p in python3 /usr/bin/python3; do
  if command -v $p >/dev/null 2>&1 && $p -c 'import h5py' 2>/dev/null; then PY=$p; break; fi
done
[ -n "$PY" ] || { echo "skipped: python3-h5py not installed (tools/install-deps.sh installs it)"; exit 77; }
$PY tests/python/store_text_check.py "$BUILD/default-profiles.h5" ||
  die "the default store does not read as text in h5py"
run_cmd 0 $S import -q -o $TMP/quoted.h5 tests/fixtures/csv/good_quoted.csv
$PY tests/python/store_text_check.py $TMP/quoted.h5 ||
  die "a store with unknown values does not read as text in h5py"
