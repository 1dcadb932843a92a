# splitsim predict --chart: Scission's README query drawn as the per-block
# breakdown of the fastest placement (issue 19). The chart's data holds
# vgg19's 25 blocks (layers 0-25) with the tier of each and the two hops, and
# its bars add up to the printed 9.0106 s; PNG and SVG both render; no file
# is replaced without --force; without gnuplot the data and script are still
# written with one message.
. tests/cli/lib.sh
need_scission
SC="$SHARED/scission"
Q="vgg19 -d !-1 -e 10 -c 16"

# shellcheck disable=SC2086
run_cmd 0 $S predict "$SC" network_stats.csv $Q --chart "$TMP/vgg19.png"
expect_out "[1] 9.0106s - 2.4087MB - Device(raspi4) = 0 - 6, Edge(vm2Core) = 7 - 11, Cloud(6700k(GPU)) = 12 - 25"
for f in vgg19.png vgg19.png.gp vgg19.png.dat; do
  [ -s "$TMP/$f" ] || die "$f not written"
done
head -c 8 "$TMP/vgg19.png" | od -An -c | grep -q 'P   N   G' || die "vgg19.png is not a PNG"
# data rows: x y xlow xhigh ylow yhigh linetype (1 device, 2 edge, 3 cloud,
# 4 transfer); one row per block or hop
awk 'NF == 7 { n[$7]++; s += $2 }
     END { printf "device %d edge %d cloud %d hops %d total %.4f\n",
           n[1], n[2], n[3], n[4], s }' "$TMP/vgg19.png.dat" >"$TMP/sum"
echo "device 6 edge 5 cloud 14 hops 2 total 9.0106" >"$TMP/want"
expect_same "$TMP/sum" "$TMP/want"
grep -qF "latency 9.011 s" "$TMP/vgg19.png.gp" || die "title lacks the latency"
grep -qF "Edge(vm2Core) = 7 - 11" "$TMP/vgg19.png.gp" || die "title lacks the placement"
grep -qF "to edge: 1.61 MB" "$TMP/vgg19.png.gp" || die "hop label lacks its bytes"

# SVG by the extension
# shellcheck disable=SC2086
run_cmd 0 $S predict "$SC" network_stats.csv $Q --chart "$TMP/vgg19.svg"
grep -q '<svg' "$TMP/vgg19.svg" || die "vgg19.svg is not an SVG"

# an existing file is replaced only with --force; a user's file survives
echo "my notes" >"$TMP/mine.png.gp"
cp "$TMP/mine.png.gp" "$TMP/keep"
# shellcheck disable=SC2086
run_cmd 1 $S predict "$SC" network_stats.csv $Q --chart "$TMP/mine.png"
expect_err "mine.png.gp: error: exists; the chart replaces a file only with --force"
expect_same "$TMP/mine.png.gp" "$TMP/keep"
[ -e "$TMP/mine.png" ] && die "mine.png written although the run failed"
cp "$TMP/vgg19.png" "$TMP/before"
# shellcheck disable=SC2086
run_cmd 1 $S predict "$SC" network_stats.csv $Q --chart "$TMP/vgg19.png"
expect_err "vgg19.png.dat: error: exists"
expect_same "$TMP/vgg19.png" "$TMP/before"
# shellcheck disable=SC2086
run_cmd 0 $S predict "$SC" network_stats.csv $Q --chart "$TMP/vgg19.png" --force
ls -a "$TMP" | grep -q 'splitsim-tmp' && die "a temporary folder was left"

# bad names
# shellcheck disable=SC2086
run_cmd 1 $S predict "$SC" network_stats.csv $Q --chart "$TMP/chart.pdf"
expect_err "chart.pdf: error: a chart's name must end in .png or .svg"
# shellcheck disable=SC2086
run_cmd 1 $S predict "$SC" network_stats.csv $Q --chart "$TMP/it's.png"
expect_err "may hold only letters"
# shellcheck disable=SC2086
run_cmd 1 $S predict "$SC" network_stats.csv $Q --chart "$TMP/no/such/dir/x.png"
expect_err "cannot create a temporary folder"

# without gnuplot: data and script, one message, exit 0
mkdir "$TMP/ng"
# shellcheck disable=SC2086
run_cmd 0 env SPLITSIM_GNUPLOT=/nonexistent/gnuplot $S predict "$SC" \
  network_stats.csv $Q --chart "$TMP/ng/c.png"
expect_err "chart not drawn: gnuplot was not found"
[ -s "$TMP/ng/c.png.gp" ] && [ -s "$TMP/ng/c.png.dat" ] || die "no script/data"
[ -e "$TMP/ng/c.png" ] && die "c.png written without gnuplot"
[ "$(grep -c 'chart not drawn' "$TMP/err")" = 1 ] || die "more than one message"
echo ok
