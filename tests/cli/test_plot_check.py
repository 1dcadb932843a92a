#!/usr/bin/env python3
"""Check a rendered scenario output folder (used by tests/cli/test_plot*.sh).

  test_plot_check.py OUTDIR MIN_CHARTS

Every chart script has a PNG (signature, IHDR at least 800x400, over 10 kB)
and an SVG that parses as XML; every file report.html links (href/src) and
every file report.md links exists; no temporary render folder is left.
"""
import html.parser
import os
import re
import struct
import sys
import xml.dom.minidom


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


class Links(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        for k, v in attrs:
            if k in ("href", "src") and v and not v.startswith("#"):
                self.links.append(v)


def main():
    out, min_charts = sys.argv[1], int(sys.argv[2])
    charts = os.path.join(out, "charts")
    names = sorted(os.listdir(charts))
    if any(n.startswith(".splitsim-tmp-") for n in names):
        fail("temporary render folder left in " + charts)
    bases = [n[:-3] for n in names if n.endswith(".gp")]
    if len(bases) < min_charts:
        fail("%d charts, expected at least %d" % (len(bases), min_charts))
    for b in bases:
        png = os.path.join(charts, b + ".png")
        with open(png, "rb") as f:
            head = f.read(24)
        if head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
            fail(png + ": not a PNG")
        w, h = struct.unpack(">II", head[16:24])
        if w < 800 or h < 400 or os.path.getsize(png) < 10000:
            fail("%s: %dx%d, %d bytes" % (png, w, h, os.path.getsize(png)))
        svg = os.path.join(charts, b + ".svg")
        try:
            xml.dom.minidom.parse(svg)
        except Exception as e:  # noqa: BLE001 - any parse error fails
            fail("%s: not well-formed XML: %s" % (svg, e))
    p = Links()
    with open(os.path.join(out, "report.html"), encoding="utf-8") as f:
        p.feed(f.read())
    if len(p.links) < 2 * min_charts:
        fail("report.html links only %d files" % len(p.links))
    for link in p.links:
        if "://" in link or not os.path.exists(os.path.join(out, link)):
            fail("report.html links a missing file: " + link)
    with open(os.path.join(out, "report.md"), encoding="utf-8") as f:
        md = f.read()
    # a heading's anchor as GitHub makes it: lower case, punctuation
    # dropped, spaces to hyphens
    anchors = {re.sub(r"[^a-z0-9 _-]", "", h.strip().lower()).replace(" ", "-")
               for h in re.findall(r"^#+ (.*)$", md, re.M)}
    for link in re.findall(r"\]\(([^)]+)\)", md):
        if link.startswith("#"):
            if link[1:] not in anchors:
                fail("report.md links a missing heading: " + link)
        elif not os.path.exists(os.path.join(out, link)):
            fail("report.md links a missing file: " + link)
    print("ok: %d charts, %d links" % (len(bases), len(p.links)))


main()
