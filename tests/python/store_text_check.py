"""Read a splitsim profile store with h5py as a Python user would.

usage: store_text_check.py STORE

Checks (exit 1 with a message on the first failure):
- every link name and every string attribute comes back as str (not bytes);
- every string field of a blocks table is UTF-8 text;
- no sentinel stands for an unknown input size (the attribute is absent);
- the root content_checksum equals 64-bit FNV-1a of the canonical encoding
  rebuilt here from what h5py reads (docs/store-format.md), so the format
  description and the C writer agree.
Not named test_*.py: it needs h5py, which the plain unittest run lacks.
"""
import math
import struct
import sys

import h5py
import numpy as np


AMBIGUOUS = [0]


def fail(msg):
    sys.exit("store_text_check: " + msg)


def ordered(group):
    names = []
    idx = h5py.h5.INDEX_NAME
    plist = group.id.get_create_plist()
    if plist.get_link_creation_order() & h5py.h5p.CRT_ORDER_TRACKED:
        idx = h5py.h5.INDEX_CRT_ORDER
    group.id.links.iterate(lambda n: names.append(n.decode("utf-8")),
                           idx_type=idx)
    return names


def check_attrs(path, obj):
    for key, value in obj.attrs.items():
        if not isinstance(key, str):
            fail("%s: attribute name %r is not str" % (path, key))
        if isinstance(value, (bytes, np.bytes_)):
            fail("%s: attribute %s is bytes, not str: %r" % (path, key, value))
        if key == "input_bytes" and int(value) < 0:
            fail("%s: input_bytes is %d (a sentinel)" % (path, int(value)))


class Enc:
    def __init__(self):
        self.parts = []

    def u64(self, v):
        self.parts.append(struct.pack("<Q", v & (2**64 - 1)))

    def f64(self, v):
        self.parts.append(struct.pack("<d", v))

    def s(self, v):
        if v is None:
            self.u64(0)
            return
        b = v.encode("utf-8") if isinstance(v, str) else bytes(v)
        self.u64(len(b) + 1)
        self.parts.append(b)

    def fnv(self):
        h = 0xcbf29ce484222325
        for byte in b"".join(self.parts):
            h = ((h ^ byte) * 0x100000001b3) & (2**64 - 1)
        return "fnv1a64:%016x" % h


def text_field(row, name, dtype):
    info = h5py.check_string_dtype(dtype[name])
    if info is None or info.encoding != "utf-8":
        fail("blocks field %s is not UTF-8 text" % name)
    v = row[name]
    if v is None:
        return None
    v = v.decode("utf-8") if isinstance(v, bytes) else v
    if v == "":
        AMBIGUOUS[0] += 1  # h5py reads a null string as an empty one
    return v


def encode_model(enc, path, g):
    a = g.attrs
    enc.s(a["name"])
    enc.u64(int(a["input_bytes"]) if "input_bytes" in a else -1)
    enc.s(a.get("input_shape"))
    enc.f64(float(a["whole_model_time_s"]))
    blocks = g["blocks"]
    if blocks.id.get_create_plist().get_nfilters() < 1:
        fail(path + "/blocks: no Fletcher-32 filter")
    rows = blocks[()]
    samples = g["samples_s"][()] if "samples_s" in g else None
    enc.u64(len(rows))
    for i, r in enumerate(rows):
        enc.u64(int(r["first_layer"]))
        enc.u64(int(r["last_layer"]))
        enc.s(text_field(r, "first_name", blocks.dtype))
        enc.s(text_field(r, "last_name", blocks.dtype))
        for f in ("time_s_median", "time_s_p10", "time_s_p90"):
            enc.f64(float(r[f]))
        enc.u64(int(r["repeats"]))
        enc.u64(int(r["output_bytes"]))
        enc.s(text_field(r, "output_shape", blocks.dtype))
        n = int(r["n_samples"])
        enc.u64(n)
        for j in range(n):
            enc.f64(float(samples[i, j]))


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    f = h5py.File(sys.argv[1], "r")
    f.visititems(lambda name, obj: check_attrs(name, obj))
    check_attrs("/", f)
    if f.attrs["format_version"] != 2:
        fail("format_version is %r" % f.attrs["format_version"])
    enc = Enc()
    systems = f["systems"]
    names = ordered(systems)
    enc.u64(len(names))
    keys = ("name", "tier_hint", "kind", "hardware", "source_file",
            "importer", "import_date", "extra_json")
    n_models = 0
    for sname in names:
        g = systems[sname]
        if not isinstance(sname, str):
            fail("link name %r is not str" % sname)
        for k in keys:
            enc.s(g.attrs.get(k))
        models = g["models"]
        mnames = ordered(models)
        enc.u64(len(mnames))
        for mname in mnames:
            encode_model(enc, "/systems/%s/models/%s" % (sname, mname),
                         models[mname])
            n_models += 1
    got, want = enc.fnv(), f.attrs["content_checksum"]
    if AMBIGUOUS[0]:
        how = "checksum not recomputed (h5py reads a null string as empty)"
    elif got != want:
        fail("content_checksum is %s; the canonical encoding gives %s" %
             (want, got))
    else:
        how = "checksum %s matches" % got
    print("store_text_check: %s: %d systems, %d models: every name and "
          "attribute is str; %s" % (sys.argv[1], len(names), n_models, how))


if __name__ == "__main__":
    main()
