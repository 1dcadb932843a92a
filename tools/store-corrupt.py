#!/usr/bin/env python3
"""Damage a profile store one byte at a time and count what splitsim makes of it.

usage: store-corrupt.py SPLITSIM STORE [N] [SEED]

For each of N copies of STORE (default 200), one byte at a pseudo-random
offset (seeded: the same offsets every run) is replaced by a different value,
and `splitsim export COPY --format json` runs on the copy. Each outcome is
one of:
  same       exit 0 and the export equals the undamaged store's export (the
             byte was unused, e.g. free space or a field nobody reads)
  error      exit 1 and one line on stderr naming the copy
  DIFFERENT  exit 0 but a different export: silent damage
  BAD        anything else (a crash, a hang, several lines)
Prints the counts; exits 1 when any copy is DIFFERENT or BAD.
"""
import os
import random
import shutil
import subprocess
import sys
import tempfile


def export(splitsim, store, out):
    env = dict(os.environ, SPLITSIM_STORE_TIMEOUT_S="10")
    try:
        p = subprocess.run([splitsim, "export", store, "--format", "json",
                            "-o", out], capture_output=True, env=env,
                           timeout=60)
    except subprocess.TimeoutExpired:
        return None, b"", b"timeout"
    data = b""
    if p.returncode == 0 and os.path.exists(out):
        with open(out, "rb") as f:
            data = f.read()
    return p.returncode, data, p.stderr


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    splitsim, store = sys.argv[1], sys.argv[2]
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 200
    rng = random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else 1)
    with open(store, "rb") as f:
        good = f.read()
    tmp = tempfile.mkdtemp(prefix="store-corrupt.")
    try:
        rc, want, err = export(splitsim, store, os.path.join(tmp, "good.json"))
        if rc != 0:
            sys.exit("store-corrupt: the undamaged store does not export: "
                     + err.decode(errors="replace"))
        counts = {"same": 0, "error": 0, "DIFFERENT": 0, "BAD": 0}
        for i in range(n):
            off = rng.randrange(len(good))
            b = bytearray(good)
            b[off] ^= rng.randrange(1, 256)
            copy = os.path.join(tmp, "copy-%d.h5" % i)
            with open(copy, "wb") as f:
                f.write(b)
            out = os.path.join(tmp, "copy-%d.json" % i)
            rc, got, err = export(splitsim, copy, out)
            lines = err.decode(errors="replace").strip().splitlines()
            if rc == 0:
                kind = "same" if got == want else "DIFFERENT"
            elif rc == 1 and len(lines) == 1 and copy in lines[0]:
                kind = "error"
            else:
                kind = "BAD"
            counts[kind] += 1
            if kind in ("DIFFERENT", "BAD"):
                print("store-corrupt: %s: byte %d: exit %s: %s" %
                      (kind, off, rc, " | ".join(lines)[:300]))
            os.unlink(copy)
            if os.path.exists(out):
                os.unlink(out)
        print("store-corrupt: %d copies of %s (%d bytes): %d same, %d clean "
              "errors, %d silently different, %d bad" %
              (n, store, len(good), counts["same"], counts["error"],
               counts["DIFFERENT"], counts["BAD"]))
        sys.exit(1 if counts["DIFFERENT"] or counts["BAD"] else 0)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
