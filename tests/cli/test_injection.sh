# Names from input files cannot inject (docs/reliability.md): system and
# model names full of quotes, backquotes, commas, newlines, gnuplot and shell
# commands and HTML go through import, a run with charts and the report.
# Nothing is executed, every CSV table keeps its columns (RFC 4180), the
# report escapes HTML, and every SVG is well-formed XML.
. tests/cli/lib.sh
cd $TMP || die "no TMP"
P=$TMP/PWNED
python3 - "$P" <<'EOF' || die "cannot write the inputs"
import json, sys
P = sys.argv[1]
dev = 'dev"; system("touch %s"); print "' % P
cloud = "cl'`touch %s`'oud, <i>x</i>" % P
model = ('m,"q"\n<script>alert(1)</script>\nsystem("touch %s")'
         " x' . system('touch %s') . '`touch %s` \\ ok") % (P, P, P)
def system(name, tier):
    return {"name": name, "tier": tier, "models": [{
        "name": model, "input_bytes": 1000, "blocks": [
            {"first_layer": 0, "last_layer": 0, "first_name": '<b>l0</b>"',
             "time_s": 0.01, "output_bytes": 100},
            {"first_layer": 1, "last_layer": 1,
             "first_name": "l1\n!touch %s" % P, "time_s": 0.02,
             "output_bytes": 10}]}]}
json.dump({"format": "splitsim-profile", "version": 1,
           "systems": [system(dev, "device"), system(cloud, "cloud")]},
          open("prof.json", "w"))
q = lambda s: "'" + s.replace("'", "''") + "'"
open("inj.yaml", "w").write(
    "name: inj\nprofiles: store.h5\nmodels: all\ntiers:\n"
    "  device: [%s]\n  cloud: [%s]\nlinks:\n"
    "  device-cloud: {latency_ms: 1, bandwidth_mbps: 10}\nsweep:\n"
    "  - {param: links.device-cloud.bandwidth_mbps, log: [0.01, 1000, 9]}\n"
    % (q(dev), q(cloud)))
EOF
run_cmd 0 $S import -q -o store.h5 prof.json
run_cmd 0 $S run -q -o res inj.yaml
[ ! -e "$P" ] || die "a name from an input file ran a command"
O=res/inj
ls $O/charts/*.gp >/dev/null 2>&1 || die "no charts were written"
python3 - $O <<'EOF' || die "a table, the report or a chart is broken"
import csv, glob, sys, xml.dom.minidom
o = sys.argv[1]
model_start = 'm,"q"\n<script>'
for f in sorted(glob.glob(o + "/*.csv")):
    rows = list(csv.reader(open(f, newline="")))
    widths = set(len(r) for r in rows)
    assert len(widths) == 1, "%s: rows of different widths %s" % (f, widths)
    if len(rows) > 1 and "breakpoints" not in f:
        assert any(c.startswith(model_start) for c in rows[1]), \
            "%s: the model name did not survive: %r" % (f, rows[1])
    print("%s: %d rows x %d columns" % (f, len(rows), widths.pop()))
def outside_fences(text):
    # Markdown shows a fenced code block as it is (never as HTML), so names
    # appear raw there (the resolved scenario, run.json); prose is escaped.
    keep, fence = [], None
    for line in text.split("\n"):
        run = len(line) - len(line.lstrip("`"))
        if fence is None and run >= 3:
            fence = run
        elif fence is not None and run >= fence and not line.strip("`"):
            fence = None
        elif fence is None:
            keep.append(line)
    return "\n".join(keep)
for f in (o + "/report.html", o + "/report.md"):
    text = open(f).read()
    if f.endswith(".md"):
        text = outside_fences(text)
    assert "<script>" not in text and "<i>x</i>" not in text, \
        "%s: a name was not escaped" % f
html = open(o + "/report.html").read()
assert "&lt;script&gt;" in html, "report.html lacks the escaped name"
for f in sorted(glob.glob(o + "/charts/*.svg")):
    xml.dom.minidom.parse(f)
print("report escaped; %d SVG files parse"
      % len(glob.glob(o + "/charts/*.svg")))
EOF
# Re-rendering the charts with gnuplot runs the .gp files again.
run_cmd 0 $S plot $O
[ ! -e "$P" ] || die "re-rendering the charts ran a command"
echo ok
