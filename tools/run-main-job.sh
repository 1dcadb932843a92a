#!/bin/sh
# The main job behind `make run`: the default scenario (every model on the
# embedded measured profiles, swept over realistic access networks), with
# its tables, charts and report in out/default/.
set -eu
bin=$1 store=$2
SPLITSIM_PROFILES=$store "$bin" run -o out scenarios/default.yaml
# The load study: cameras sharing one edge box and one cloud GPU (sim.csv).
SPLITSIM_PROFILES=$store "$bin" run -o out scenarios/load-study.yaml
echo
echo "Report:  out/default/report.html  (also report.md)"
echo "Tables:  out/default/best.csv summary.csv breakpoints.csv curves.csv"
echo "Charts:  out/default/charts/ (PNG, SVG and the gnuplot scripts)"
echo "Load:    out/load-study/report.html and sim.csv (1..64 cameras, three policies)"
