#!/usr/bin/env python3
"""(Re)generate the seed corpora of the fuzz harnesses in tests/fuzz/corpus/.

Run from the repository root after building splitsim:
    python3 tests/fuzz/make_corpus.py [build/splitsim]

Seeds are small on purpose (libFuzzer mutates small inputs faster). They come
from files of this repository only: the committed default profiles
(profiles/default/, cut down to a few blocks), the test fixtures
(tests/fixtures/), the example scenarios (scenarios/) and pickles made here
with a stand-in class. Nothing from ../shared/data is copied. Stores (HDF5)
and exported CSV/JSON are written by splitsim itself from those pieces.
"""
import csv
import io
import json
import os
import pickle
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.getcwd()
OUT = os.path.join(ROOT, "tests", "fuzz", "corpus")
FIX = os.path.join(ROOT, "tests", "fixtures")
SPLITSIM = sys.argv[1] if len(sys.argv) > 1 else "build/splitsim"


class LayerBenchmark:
    """Stand-in with the fields of Scission's class, in Scission's order
    (pickled as __main__.LayerBenchmark, the one class the importer names)."""

    def __init__(self, model, first, last, seconds, size):
        self.model = model
        self.device = ""
        self.input_layer = first
        self.output_layer = last
        self.second_prediction = seconds
        self.output_size = size


def put(kind, name, data):
    d = os.path.join(OUT, kind)
    os.makedirs(d, exist_ok=True)
    mode = "wb" if isinstance(data, bytes) else "w"
    with open(os.path.join(d, name), mode) as f:
        f.write(data)


def copy_fixtures(kind, folder, pattern):
    for n in sorted(os.listdir(folder)):
        if re.search(pattern, n):
            with open(os.path.join(folder, n), "rb") as f:
                put(kind, "fixture-" + n, f.read())


# ---- pickle ----

def make_pickles():
    copy_fixtures("pickle", os.path.join(FIX, "pickle"), r"\.dat$")
    chain = {"chain": [LayerBenchmark("chain", i, i, 0.001 * (i + 1),
                                      4 ** (i % 9)) for i in range(12)]}
    odd = {"m\u00e9t\u00e9o \u6a21\u578b": [
        LayerBenchmark("m\u00e9t\u00e9o \u6a21\u578b", 0, 0, 1e-9, 2 ** 40)]}
    empty = {}
    two = {"a": [LayerBenchmark("a", 0, 3, 0.5, 1)],
           "b": [LayerBenchmark("b", 0, 1, 0.25, 255),
                 LayerBenchmark("b", 2, 2, 0.0, 65536)]}
    for proto in (2, 3, 4):
        put("pickle", "gen-chain-p%d.dat" % proto, pickle.dumps(chain, proto))
        put("pickle", "gen-unicode-p%d.dat" % proto, pickle.dumps(odd, proto))
        put("pickle", "gen-two-p%d.dat" % proto, pickle.dumps(two, proto))
    put("pickle", "gen-empty-p4.dat", pickle.dumps(empty, 4))
    # Plain containers the decoder accepts but the importer refuses.
    put("pickle", "gen-plain-p4.dat", pickle.dumps(
        [None, True, 1, -2 ** 70, 1.5, "s", b"b"[:0].decode(), (1, 2),
         {"k": [1.0]}], 4))


# ---- measured CSV (+ sidecar after a NUL byte) ----

def default_piece(stem, n_rows):
    """The first n_rows rows of a default profile and a sidecar that
    describes just that model."""
    with open(os.path.join(ROOT, "profiles", "default", stem + ".csv")) as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    model = body[0][1]
    body = [r for r in body if r[1] == model][:n_rows]
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(header)
    w.writerows(body)
    with open(os.path.join(ROOT, "profiles", "default", stem + ".json")) as f:
        side = json.load(f)
    m = side["models"][model]
    m["blocks"] = len(body)
    side["models"] = {model: m}
    return out.getvalue(), json.dumps(side, indent=1)


def make_csvs(tmp):
    for stem in ("xeon-1t", "h200-gpu"):
        text, side = default_piece(stem, 4)
        put("csv", "default-%s.csv" % stem, text)
        put("csv", "default-%s-side.csv" % stem,
            (text + "\0" + side).encode())
    folder = os.path.join(FIX, "csv")
    for n in sorted(os.listdir(folder)):
        if not n.endswith(".csv"):
            continue
        with open(os.path.join(folder, n), "rb") as f:
            data = f.read()
        side = os.path.join(folder, n[:-4] + ".json")
        if os.path.exists(side):
            with open(side, "rb") as f:
                data += b"\0" + f.read()
        put("csv", "fixture-" + n, data)
    # splitsim's own export (multi-system sidecar) of the JSON example.
    run([SPLITSIM, "export", os.path.join(tmp, "good.h5"), "--format", "csv",
         "-o", os.path.join(tmp, "exp.csv")])
    with open(os.path.join(tmp, "exp.csv"), "rb") as f:
        data = f.read()
    with open(os.path.join(tmp, "exp.json"), "rb") as f:
        side = f.read()
    put("csv", "export-good.csv", data + b"\0" + side)


# ---- network CSV ----

def make_networks():
    copy_fixtures("network", os.path.join(FIX, "network"), r"\.csv$")
    put("network", "spaces.csv",
        "source , destination , ping(ms) , bandwidth(mbps)\n"
        "device , edge , 12.5 , 54.2\n"
        "edge , cloud , 1 , 1000\n"
        "\"a, quoted\" , cloud , 0 , 1e-3\n")
    put("network", "crlf.csv",
        "source,destination,ping(ms),bandwidth(mbps)\r\n"
        "raspi4,2500,0.7,93.5\r\nraspi4,6700k(GPU),21,9.8\r\n")


# ---- JSON profile ----

def make_jsons(tmp):
    copy_fixtures("json", os.path.join(FIX, "json"), r"\.json$")
    run([SPLITSIM, "export", os.path.join(tmp, "piece.h5"), "--format",
         "json", "-o", os.path.join(tmp, "piece.json")])
    with open(os.path.join(tmp, "piece.json"), "rb") as f:
        put("json", "export-default-piece.json", f.read())


# ---- scenarios ----

def make_scenarios():
    """Example scenarios and fixtures, with their profiles/network paths
    pointed at the files the harness keeps in its scratch folder."""
    def fix_paths(text):
        text = re.sub(r'("?profiles"?\s*:\s*)("[^"]*"|[^\s,}]+)',
                      r'\1"p.h5"', text)
        text = re.sub(r'("?network"?\s*:\s*)("[^"]*"|[^\s,}]+)',
                      r'\1"net.csv"', text)
        return text
    for folder, prefix in ((os.path.join(ROOT, "scenarios"), "example-"),
                           (os.path.join(FIX, "scenarios"), "fixture-")):
        for n in sorted(os.listdir(folder)):
            if not re.search(r"\.(yaml|yml|json)$", n):
                continue
            with open(os.path.join(folder, n), "rb") as f:
                data = f.read()
            try:
                data = fix_paths(data.decode("utf-8")).encode("utf-8")
            except UnicodeDecodeError:
                pass
            put("scenario", prefix + n, data)
    put("scenario", "full.yaml", """name: full
profiles: dats
network: net.csv
models: [vgg16, "resnet-50"]
input_mb: 0.6
result_mb: 0.001
tiers:
  device: [raspi4]
  edge: [xeon-16t, jetson]
  cloud: [h200-gpu]
links:
  device-edge: {latency_ms: 5, bandwidth_mbps: 50}
  raspi4-jetson: {bandwidth_mbps: 300}
availability: {xeon-16t: 0.5}
power:
  raspi4: {compute_power_w: 6.4, radio_power_w: 1.2}
objective: throughput
constraints:
  privacy: true
  min_blocks: {device: 1}
  max_blocks: {cloud: 10}
  max_link_mb: {device-edge: 2}
top_k: 3
sweep:
  - {param: input_mb, values: [0.1, 0.6]}
  - {param: links.device-edge.bandwidth_mbps, linear: [10, 100, 4], zip: z}
  - {param: links.raspi4-jetson.latency_ms, log: [1, 100, 4], zip: z}
  - {param: constraints.max_blocks.cloud, values: [3, 5]}
""")
    put("scenario", "full.json", json.dumps({
        "name": "j", "profiles": "p.h5", "models": "all",
        "tiers": {"device": ["d"], "cloud": ["c"]},
        "links": {"device-cloud": {"latency_ms": 1, "bandwidth_mbps": 2}},
        "objective": "bytes",
        "sweep": [{"param": "availability.c", "linear": [0.1, 1, 3]}]}))


def run(cmd):
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)


# ---- HDF5 stores ----

def make_stores(tmp):
    good = os.path.join(tmp, "good.h5")
    run([SPLITSIM, "import", "-q", "-o", good,
         os.path.join(FIX, "json", "good.json")])
    text, side = default_piece("xeon-1t", 3)
    with open(os.path.join(tmp, "xeon-1t.csv"), "w") as f:
        f.write(text)
    with open(os.path.join(tmp, "xeon-1t.json"), "w") as f:
        f.write(side)
    piece = os.path.join(tmp, "piece.h5")
    run([SPLITSIM, "import", "-q", "-o", piece,
         os.path.join(tmp, "xeon-1t.csv")])
    pk = os.path.join(tmp, "edge-tiny.dat")
    with open(pk, "wb") as f:
        f.write(pickle.dumps({"t": [LayerBenchmark("t", 0, 1, 0.5, 8)]}, 4))
    tiny = os.path.join(tmp, "tiny.h5")
    run([SPLITSIM, "import", "-q", "-o", tiny, pk])
    for name, path in (("good.h5", good), ("piece.h5", piece),
                       ("tiny.h5", tiny)):
        with open(path, "rb") as f:
            put("store", name, f.read())
    with open(os.path.join(FIX, "store", "not-hdf5.h5"), "rb") as f:
        put("store", "fixture-not-hdf5.h5", f.read())


def main():
    if not os.path.exists(SPLITSIM):
        sys.exit("make_corpus.py: build splitsim first (%s)" % SPLITSIM)
    for kind in ("pickle", "csv", "network", "json", "scenario", "store"):
        shutil.rmtree(os.path.join(OUT, kind), ignore_errors=True)
    with tempfile.TemporaryDirectory() as tmp:
        make_pickles()
        make_stores(tmp)
        make_csvs(tmp)
        make_networks()
        make_jsons(tmp)
        make_scenarios()
    for kind in sorted(os.listdir(OUT)):
        files = os.listdir(os.path.join(OUT, kind))
        size = sum(os.path.getsize(os.path.join(OUT, kind, n)) for n in files)
        print("%-9s %3d files, %6d bytes" % (kind, len(files), size))


if __name__ == "__main__":
    main()
