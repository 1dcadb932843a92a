#!/bin/sh
# The main job behind `make run`: summarise the embedded default profiles.
# (The scenario engine's default scenario replaces this once it lands.)
set -eu
bin=$1 store=$2
echo "== Embedded default profiles ($store) =="
"$bin" profiles "$store"
