#!/bin/sh
# The validation table of docs/validation.md: three models x 5 cuts x 3
# bandwidths really split over a kernel-shaped link, then `splitsim
# calibrate`. Prints the error before and after calibration (the issue's
# bar, on a quiet machine: median |error| <= 2.5 %, max <= 8 %). Not part of
# `make check` or `make bench` (root, PyTorch, about 4 minutes).
# Usage: sh tests/bench/validation.sh [OUT_DIR] [extra splitsim-validate options]
set -eu
out=${1:-build/validation}
[ $# -gt 0 ] && shift
[ -x build/splitsim ] || { echo "build splitsim first (make)"; exit 1; }
# OUT_DIR: new, empty or an earlier run (splitsim-validate refuses others).
tools/splitsim-validate --realtime --models resnet18,mobilenet_v2,squeezenet1_1 \
  --cuts 5 --bandwidths-mbps 20,50,100 --out "$out" "$@"
build/splitsim calibrate "$out/validation.csv" | sed -n '1p;$p'
