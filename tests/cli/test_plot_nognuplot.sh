# Without gnuplot, `splitsim plot` still writes the chart data, the .gp
# scripts and the report, prints one message saying how to install gnuplot,
# and exits 0 -- whether gnuplot is missing from PATH or
# $SPLITSIM_GNUPLOT names a program that does not exist.
. tests/cli/lib.sh
cp -r tests/fixtures/plots "$TMP/f"
o=$TMP/f/sample-out/sample-1d

# a PATH without gnuplot (splitsim itself runs nothing else)
mkdir "$TMP/bin"
run_cmd 0 env PATH="$TMP/bin" $S plot "$o"
expect_err "charts skipped: gnuplot was not found (looked for in PATH: gnuplot)"
expect_err "apt-get install gnuplot-nox"
[ "$(grep -c 'gnuplot was not found' "$TMP/err")" = 1 ] || die "message not printed once"
expect_out "7 charts in $o/charts/ (0 rendered)"
n=$(ls "$o/charts/"*.gp | wc -l)
[ "$n" = 7 ] || die "$n scripts, expected 7"
[ "$(ls "$o/charts/"*.dat | wc -l)" = 7 ] || die "data files missing"
ls "$o/charts/"*.png >/dev/null 2>&1 && die "PNG without gnuplot"
grep -q "gnuplot was not found" "$o/report.html" || die "report lacks the note"
grep -q "Not rendered" "$o/report.md" || die "report.md lacks the note"

# $SPLITSIM_GNUPLOT pointing nowhere
run_cmd 0 env SPLITSIM_GNUPLOT=/nonexistent/gnuplot $S plot -q "$o"
expect_err "gnuplot was not found (/nonexistent/gnuplot)"
# --gnuplot wins over the environment
run_cmd 0 env SPLITSIM_GNUPLOT=/nonexistent/gnuplot $S plot -q --gnuplot /nonexistent/other "$o"
expect_err "(/nonexistent/other)"

# once gnuplot is there, the same folder renders
if command -v gnuplot >/dev/null 2>&1; then
  run_cmd 0 $S plot "$o"
  expect_out "(7 rendered)"
  [ -s "$o/charts/models.png" ] || die "no rendering with gnuplot"
fi
exit 0
