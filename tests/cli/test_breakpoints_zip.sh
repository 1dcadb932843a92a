# Issue 16's regression case: a change of the optimum between two grid
# points of a zipped bandwidth sweep (resnet18 on the default profiles) is
# in breakpoints.csv, exactly, with the placements on both sides.
. tests/cli/lib.sh
[ -f "$(dirname "$S")/default-profiles.h5" ] ||
  { echo "skipped: no default-profiles.h5 next to $S (make store)"; exit 77; }
F=tests/fixtures/scenarios-run/resnet18-uplink.yaml
d=$TMP/o/resnet18-uplink
run_cmd 0 $S run --no-report -q -o $TMP/o $F
DEV='"Device(xeon-1t) = 1 - 69, Edge(None) = -1 - -1, Cloud(None) = -1 - -1"'
MID='"Device(xeon-1t) = 1 - 43, Edge(xeon-16t) = 44 - 69, Cloud(None) = -1 - -1"'
EDGE='"Device(xeon-1t) = -1 - -1, Edge(xeon-16t) = 1 - 69, Cloud(None) = -1 - -1"'
bp=$d/breakpoints.csv
ax=links.device-edge.bandwidth_mbps
grep -q "^resnet18,$ax,,144\.186290[0-9]*,1,$DEV,$MID," $bp ||
  { cat $bp; die "no exact device-only -> Device 1-43 + Edge 44-69 row at 144.19"; }
grep -q "^resnet18,$ax,,157\.836712[0-9]*,1,$MID,$EDGE," $bp ||
  { cat $bp; die "no exact Device 1-43 + Edge 44-69 -> edge-only row at 157.84"; }
# the grid points on both sides agree with the rows
grep -q "^[0-9]*,140\.919146[0-9]*,140\.919146[0-9]*,resnet18,$DEV," $d/best.csv ||
  die "best.csv at 140.92 is not device-only"
grep -q "^[0-9]*,158\.113883[0-9]*,158\.113883[0-9]*,resnet18,$EDGE," $d/best.csv ||
  die "best.csv at 158.11 is not edge-only"
