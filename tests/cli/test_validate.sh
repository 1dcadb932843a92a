# tools/splitsim-validate end to end on this machine: squeezenet1_1 really
# split in two processes (two network namespaces, a veth pair shaped by tc
# tbf), two cuts, one bandwidth. Checks validation.csv (columns, rows,
# error = predicted / measured - 1, predicted_s = what `splitsim predict`
# says for that placement), the chart, that no namespace is left, and that
# Ctrl-C cleans up. Needs root, ip netns, tc and python3-torch.
. tests/cli/lib.sh
case "$BUILD" in *asan*) echo "skipped: runs once, in the plain build"; exit 77 ;; esac
[ "$(id -u)" = 0 ] || { echo "skipped: not root (needs network namespaces and tc)"; exit 77; }
command -v ip >/dev/null 2>&1 && command -v tc >/dev/null 2>&1 ||
  { echo "skipped: ip or tc (iproute2) not installed"; exit 77; }
probe=ssval-probe-$$
ip netns add $probe >/dev/null 2>&1 || { echo "skipped: 'ip netns add' does not work here"; exit 77; }
ip link add ssvp$$a netns $probe type veth peer name ssvp$$b netns $probe >/dev/null 2>&1 &&
  tc -n $probe qdisc add dev ssvp$$a root tbf rate 10mbit burst 3028 limit 100000 >/dev/null 2>&1
ok=$?
ip netns del $probe
[ $ok = 0 ] || { echo "skipped: veth or 'tc qdisc ... tbf' does not work here"; exit 77; }
[ "$(nproc)" -ge 2 ] || { echo "skipped: needs 2 CPU cores"; exit 77; }
PY=""
for p in python3 /usr/bin/python3; do
  if "$p" -c 'import torch, torchvision' >/dev/null 2>&1; then PY=$p; break; fi
done
[ -n "$PY" ] || { echo "skipped: python3-torch not installed"; exit 77; }
V=tools/splitsim-validate
out=$TMP/val

# 1. Ctrl-C while it runs: exit 130, namespaces gone, no validation.csv.
python3 $V --models squeezenet1_1 --cuts 2 --bandwidths-mbps 50 --out $TMP/int \
  --splitsim $S >$TMP/int.log 2>&1 &
pid=$!
i=0
until ip netns list | grep -q "ssval-$pid-edge"; do
  i=$((i + 1)); [ $i -lt 200 ] || { kill $pid; die "no namespace after 20 s"; }
  sleep 0.1
done
kill -INT $pid
wait $pid; rc=$?
[ $rc = 130 ] || { cat $TMP/int.log; die "interrupted run: exit $rc, expected 130"; }
! ip netns list | grep -q "ssval-$pid-" || die "namespaces left after Ctrl-C: $(ip netns list)"
[ ! -e $TMP/int/validation.csv ] || die "validation.csv written by an interrupted run"
grep -q "interrupted; cleaned up" $TMP/int.log || { cat $TMP/int.log; die "no interrupt message"; }

# 2. A small validation (namespaces of other runs on this machine, e.g. a
# second checkout's tests, are not this run's: compare before and after).
ip netns list | grep -o 'ssval-[^ ]*' | sort >$TMP/ns.before
run_cmd 0 python3 $V --models squeezenet1_1 --cuts 2 --bandwidths-mbps 50 \
  --repeats 3 --warmup 1 --profile-repeats 2 --out $out --splitsim $S
expect_err "squeezenet1_1 cut 0 (602112 bytes) at 50 Mbit/s"
expect_err "squeezenet1_1 cut 33 (4000 bytes) at 50 Mbit/s"
expect_err "wrote $out/validation.csv: 2 rows"
ip netns list | grep -o 'ssval-[^ ]*' | sort >$TMP/ns.after
[ -z "$(comm -13 $TMP/ns.before $TMP/ns.after)" ] ||
  die "namespaces left: $(comm -13 $TMP/ns.before $TMP/ns.after)"
head -1 $out/validation.csv | grep -qx 'model,cut_block,bytes,bandwidth_mbps,latency_ms,predicted_s,measured_s,measured_p10_s,measured_p90_s,error,predicted_device_s,predicted_edge_s,predicted_transfer_s,measured_device_s,measured_edge_s,repeats,blocks,device_system,edge_system' ||
  die "header: $(head -1 $out/validation.csv)"
[ "$(tail -n +2 $out/validation.csv | wc -l)" = 2 ] || die "expected 2 rows"
"$PY" - $out/validation.csv <<'EOF' || die "validation.csv content"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert [r["cut_block"] for r in rows] == ["0", "33"], rows
assert [r["bytes"] for r in rows] == ["602112", "4000"], rows
for r in rows:
    f = {k: float(r[k]) for k in ("predicted_s", "measured_s", "measured_p10_s",
                                  "measured_p90_s", "error", "predicted_device_s",
                                  "predicted_edge_s", "predicted_transfer_s")}
    assert r["model"] == "squeezenet1_1" and r["bandwidth_mbps"] == "50", r
    assert r["latency_ms"] == "0.0" and r["repeats"] == "3" and r["blocks"] == "34", r
    assert 0 < f["measured_p10_s"] <= f["measured_s"] <= f["measured_p90_s"], r
    assert abs(f["error"] - (f["predicted_s"] / f["measured_s"] - 1)) < 1e-12, r
    assert abs(f["predicted_transfer_s"] - int(r["bytes"]) / 6.25e6) < 1e-12, r
    s = f["predicted_device_s"] + f["predicted_edge_s"] + f["predicted_transfer_s"]
    assert abs(s - f["predicted_s"]) < 1e-9 * s, r
assert float(rows[0]["predicted_device_s"]) == 0, rows[0]
EOF
# predicted_s is splitsim's own answer for the placement: ask it again.
printf 'source,destination,ping(ms),bandwidth(mbps)\nvalidate-device,validate-edge,0,50\n' >$TMP/net.csv
run_cmd 0 $S predict $out/profiles.h5 $TMP/net.csv squeezenet1_1 -t validate-device=device \
  -t validate-edge=edge -d -1 -e 1,66 -c -1 --result-count 1 --format json
"$PY" - $TMP/out $out/validation.csv <<'EOF' || die "predict does not agree with predicted_s"
import csv, json, sys
got = json.load(open(sys.argv[1]))["results"][0]["latency_s"]
want = float(list(csv.DictReader(open(sys.argv[2])))[0]["predicted_s"])
assert got == want, (got, want)
EOF
if command -v gnuplot >/dev/null 2>&1; then
  [ -s $out/validation.png ] && [ -s $out/validation.svg ] || die "no chart"
fi
# 3. The output folder: a rerun into it is fine, a foreign folder is refused.
mkdir $TMP/foreign && echo mine >$TMP/foreign/notes.txt
run_cmd 1 python3 $V --models squeezenet1_1 --bandwidths-mbps 50 --out $TMP/foreign --splitsim $S
expect_err "the folder is not empty and holds no earlier splitsim-validate run"
[ "$(cat $TMP/foreign/notes.txt)" = mine ] || die "foreign file touched"
# 4. splitsim calibrate reads what it wrote (two rows are too few to fit).
run_cmd 1 $S calibrate $out/validation.csv
expect_err "only two rows; calibrate needs at least 3 rows"
