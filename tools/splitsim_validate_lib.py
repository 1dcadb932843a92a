"""Library behind tools/splitsim-validate: run a DNN really split in two
processes (device and edge) that talk over TCP, time each request end to
end, and compare with splitsim's prediction. See docs/validation.md.

The pure parts (cut choice, framing, statistics rows, CSV text, tc command
lines) import nothing from torch, so they can be tested without it.
"""

import io
import json
import socket
import struct
import subprocess
import time

import splitsim_profile_lib as plib

# validation.csv: the columns first, then the breakdown that
# `splitsim calibrate` fits and the facts of the run.
CSV_COLUMNS = [
    "model", "cut_block", "bytes", "bandwidth_mbps", "latency_ms",
    "predicted_s", "measured_s", "measured_p10_s", "measured_p90_s", "error",
    "predicted_device_s", "predicted_edge_s", "predicted_transfer_s",
    "measured_device_s", "measured_edge_s", "repeats", "blocks",
    "device_system", "edge_system",
]

DEVICE_SYSTEM = "validate-device"
EDGE_SYSTEM = "validate-edge"
MTU = 1500
ETH_HEADER_BYTES = 14

# ---- cut choice ----


def spread_cuts(n_blocks, n_cuts):
    """n_cuts cut blocks evenly spread over 0..n_blocks-1 (cut block k: the
    device runs blocks 0..k-1, the edge k..n_blocks-1; k = 0 sends the raw
    input). Duplicates (few blocks) are dropped; sorted."""
    if n_blocks < 1 or n_cuts < 1:
        raise ValueError("need at least one block and one cut")
    if n_cuts == 1:
        return [n_blocks // 2]
    hi = n_blocks - 1
    cuts = {int(round(i * hi / (n_cuts - 1))) for i in range(n_cuts)}
    return sorted(cuts)


# ---- wire format: kind (1 byte), length (8 bytes, big endian), payload ----

KIND_JSON = b"j"
KIND_TENSOR = b"t"
HEADER = struct.Struct(">cQ")
MAX_JSON_BYTES = 64 << 20
MAX_TENSOR_BYTES = 4 << 30


class LinkError(Exception):
    """The peer closed the connection or sent something unexpected."""


def recv_exact(sock, buf):
    """Fills the writable buffer buf (bytearray or memoryview) from sock."""
    view = memoryview(buf).cast("B")
    got = 0
    while got < len(view):
        n = sock.recv_into(view[got:])
        if n == 0:
            raise LinkError("the peer closed the connection")
        got += n


def send_json(sock, obj):
    data = json.dumps(obj, allow_nan=False).encode("utf-8")
    sock.sendall(HEADER.pack(KIND_JSON, len(data)) + data)


def recv_message(sock):
    """(kind, payload bytes) for a JSON message; for a tensor message
    (kind, (header dict, bytearray of raw tensor bytes))."""
    head = bytearray(HEADER.size)
    recv_exact(sock, head)
    kind, length = HEADER.unpack(bytes(head))
    if kind == KIND_JSON:
        if length > MAX_JSON_BYTES:
            raise LinkError("control message of %d bytes" % length)
        buf = bytearray(length)
        recv_exact(sock, buf)
        return kind, json.loads(buf.decode("utf-8"))
    if kind == KIND_TENSOR:
        if length > MAX_TENSOR_BYTES + 4096:
            raise LinkError("tensor message of %d bytes" % length)
        hl = bytearray(4)
        recv_exact(sock, hl)
        (hlen,) = struct.unpack(">I", bytes(hl))
        if hlen > 4096 or hlen + 4 > length:
            raise LinkError("bad tensor header")
        hbuf = bytearray(hlen)
        recv_exact(sock, hbuf)
        meta = json.loads(hbuf.decode("utf-8"))
        data = bytearray(length - 4 - hlen)
        recv_exact(sock, data)
        return kind, (meta, data)
    raise LinkError("unknown message kind %r" % kind)


def tensor_frame(meta, nbytes):
    """The bytes before a tensor's raw data: header + JSON metadata."""
    mh = json.dumps(meta).encode("utf-8")
    return HEADER.pack(KIND_TENSOR, 4 + len(mh) + nbytes) + struct.pack(
        ">I", len(mh)) + mh


def wire_bytes(tensor_bytes, meta):
    """Payload bytes one request puts on the wire for a tensor."""
    return len(tensor_frame(meta, tensor_bytes)) + tensor_bytes


def expect_json(sock, what):
    kind, obj = recv_message(sock)
    if kind != KIND_JSON or not isinstance(obj, dict):
        raise LinkError("expected a reply to %s" % what)
    if obj.get("error"):
        raise LinkError("the edge says: %s" % obj["error"])
    return obj


def round_trip_s(sock, count=20):
    """Median round-trip time of a tiny control message."""
    samples = []
    for _ in range(count):
        t0 = time.perf_counter()
        send_json(sock, {"cmd": "ping"})
        expect_json(sock, "ping")
        samples.append(time.perf_counter() - t0)
    return plib.percentile(samples, 50)


def connect(host, port, timeout_s=30.0):
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            s = socket.create_connection((host, port), timeout=timeout_s)
            break
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
    s.settimeout(None)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


# ---- the kernel-shaped link (tc tbf, optionally netem) ----


def tbf_args(dev, rate_mbps):
    """`tc` arguments that shape dev's egress to rate_mbps (10^6 bit/s, all
    bytes of each Ethernet frame counted) with a bucket of a few frames (a
    real link does not burst) and a queue that never drops (1 MB beyond the
    bucket)."""
    rate_bps = int(round(rate_mbps * 1e6))
    frame = MTU + ETH_HEADER_BYTES
    burst = max(2 * frame, rate_bps // 8 // 4000)  # >= 0.25 ms of traffic
    return ["qdisc", "replace", "dev", dev, "root", "handle", "1:", "tbf",
            "rate", "%dbit" % rate_bps, "burst", str(burst), "limit",
            str(burst + (1 << 20))]


def netem_args(dev, delay_ms):
    """netem below tbf: one-way propagation delay."""
    return ["qdisc", "replace", "dev", dev, "parent", "1:1", "handle", "10:",
            "netem", "delay", "%.3fms" % delay_ms, "limit", "100000"]


def run_quiet(cmd):
    """(exit status, stderr text) of a command; never raises for a failed
    status."""
    try:
        p = subprocess.run(cmd, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as e:
        return 127, str(e)
    return p.returncode, p.stderr.decode("utf-8", "replace").strip()


# ---- results ----


def row_from_samples(model, cut, nbytes, bw, lat_ms, pred, samples, dev_s,
                     edge_s, n_blocks):
    """One validation.csv row (a dict) from measured samples (seconds) and
    the prediction dict {latency_s, device_s, edge_s, transfer_s}."""
    med = plib.percentile(samples, 50)
    return {
        "model": model, "cut_block": cut, "bytes": nbytes,
        "bandwidth_mbps": bw, "latency_ms": lat_ms,
        "predicted_s": pred["latency_s"], "measured_s": med,
        "measured_p10_s": plib.percentile(samples, 10),
        "measured_p90_s": plib.percentile(samples, 90),
        "error": pred["latency_s"] / med - 1.0,
        "predicted_device_s": pred["device_s"],
        "predicted_edge_s": pred["edge_s"],
        "predicted_transfer_s": pred["transfer_s"],
        "measured_device_s": plib.percentile(dev_s, 50),
        "measured_edge_s": plib.percentile(edge_s, 50),
        "repeats": len(samples), "blocks": n_blocks,
        "device_system": DEVICE_SYSTEM, "edge_system": EDGE_SYSTEM,
    }


def fmt_value(v):
    if isinstance(v, float):
        return plib.fmt_time(v)
    return str(v)


def csv_text(rows):
    import csv
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for r in rows:
        w.writerow([fmt_value(r[c]) for c in CSV_COLUMNS])
    return buf.getvalue()


def parse_prediction(doc):
    """{latency_s, device_s, edge_s, transfer_s} from `splitsim predict
    --format json` output (its first result)."""
    try:
        res = doc["results"][0]
        tiers = {t["tier"]: t for t in res["tiers"]}
        return {
            "latency_s": float(res["latency_s"]),
            "device_s": float(tiers["device"]["compute_s"]),
            "edge_s": float(tiers["edge"]["compute_s"]),
            "transfer_s": float(res["transfer_s"]),
        }
    except (KeyError, IndexError, TypeError, ValueError) as e:
        raise plib.ProfileError("unexpected output of splitsim predict: %s" %
                                e)


def predict_criteria(blocks, cut):
    """splitsim predict's -d/-e/-c criteria that select exactly the
    placement 'device runs blocks 0..cut-1, edge the rest, no cloud'.
    blocks: [(first_node, last_node)] as in the profile."""
    nb = len(blocks)
    if not 0 <= cut < nb:
        raise ValueError("cut block %d out of range 0..%d" % (cut, nb - 1))
    if cut == 0:
        dev = "-1"
    else:
        dev = "%d,!%d" % (blocks[cut - 1][1], blocks[cut][0])
    edge = "%d,%d" % (blocks[cut][0], blocks[-1][1])
    return ["-d", dev, "-e", edge, "-c", "-1"]


GNUPLOT_SCRIPT = r"""# Predicted vs measured latency (splitsim-validate). Run: gnuplot validation.gp
set datafile separator ','
set key top left noenhanced
set grid
set xlabel 'measured latency (s, median)'
set ylabel 'predicted latency (s, splitsim predict)'
set title 'splitsim predict vs real split execution%s' noenhanced
set size ratio -1
stats 'validation.csv' skip 1 using 7:6 nooutput
hi = (STATS_max_x > STATS_max_y ? STATS_max_x : STATS_max_y) * 1.1
set xrange [0:hi]
set yrange [0:hi]
do for [fmt in 'png svg'] {
  if (fmt eq 'png') {
    set terminal pngcairo size 900,800 noenhanced font 'sans,11'
  } else {
    set terminal svg size 900,800 noenhanced font 'sans,11'
  }
  set output 'validation.'.fmt
  plot %s, \
       x title 'predicted = measured' lt -1 dt 2, \
       x*1.1 title '+-10%%' lt 0, x/1.1 notitle lt 0
  set output
}
"""


def gnuplot_text(models, bandwidths, subtitle=""):
    """A gnuplot script that draws validation.csv: one colour per model,
    one point shape per bandwidth, the diagonal and +-10% lines."""
    series = []
    for mi, m in enumerate(models):
        for bi, bw in enumerate(bandwidths):
            sel = ("(strcol(1) eq '%s' && abs($4 - %s) < 1e-9 ? $6 : 1/0)" %
                   (m.replace("'", ""), repr(float(bw))))
            series.append(
                "'validation.csv' skip 1 using 7:%s title '%s %s Mbit/s' "
                "with points lc %d pt %d ps 1.3" %
                (sel, m.replace("'", ""), fmt_value(bw), mi + 1,
                 [7, 5, 9, 11, 13][bi % 5]))
    return GNUPLOT_SCRIPT % (subtitle, ", \\\n     ".join(series))
