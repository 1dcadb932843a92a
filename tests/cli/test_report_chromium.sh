# The report as a browser shows it (headless Chromium at 1280 px wide, when
# `chromium` is installed): every image loads, and the first screen holds
# the headline (the Findings section and the first decision rule).
. tests/cli/lib.sh
command -v chromium >/dev/null 2>&1 ||
  { echo "skipped: chromium not installed (apt-get install chromium)"; exit 77; }
command -v gnuplot >/dev/null 2>&1 ||
  { echo "skipped: gnuplot not installed (the report has no charts)"; exit 77; }
[ -f "$(dirname "$S")/default-profiles.h5" ] ||
  { echo "skipped: no default-profiles.h5 next to $S (make store)"; exit 77; }
run_cmd 0 $S run -q -o $TMP/o tests/fixtures/scenarios-run/tiny-default.yaml
d=$TMP/o/tiny-default
# a copy of the report with a script that measures it once loaded
cp $d/report.html $d/measure.html
cat >>$d/measure.html <<'X'
<script>
window.addEventListener('load', function () {
  var imgs = document.images, broken = 0;
  for (var i = 0; i < imgs.length; i++)
    if (!imgs[i].complete || imgs[i].naturalWidth === 0) broken++;
  var f = document.getElementById('findings');
  var li = document.querySelector('ul.rules li');
  var out = document.createElement('pre');
  out.textContent = 'MEASURE images=' + imgs.length + ' broken=' + broken +
    ' findings=' + (f ? Math.round(f.getBoundingClientRect().top) : -1) +
    ' rule=' + (li ? Math.round(li.getBoundingClientRect().bottom) : -1) +
    ' width=' + document.documentElement.scrollWidth +
    ' height=' + document.documentElement.scrollHeight + ' END';
  document.body.appendChild(out);
});
</script>
X
timeout 120 chromium --headless --no-sandbox --disable-gpu \
  --window-size=1280,900 --virtual-time-budget=10000 --dump-dom \
  "file://$d/measure.html" >$TMP/dom 2>$TMP/chromium.err ||
  { tail -5 $TMP/chromium.err; die "chromium failed"; }
m=$(grep -o 'MEASURE images=[0-9]*[^<]*END' $TMP/dom | head -1)
[ -n "$m" ] || { tail -5 $TMP/chromium.err; die "no measurement in the DOM"; }
echo "$m"
v() { echo "$m" | sed -n "s/.* $1=\(-\{0,1\}[0-9]*\).*/\1/p"; }
[ "$(v images)" -ge 1 ] || die "no images in the report: $m"
[ "$(v broken)" -eq 0 ] || die "broken images: $m"
[ "$(v findings)" -ge 0 ] && [ "$(v findings)" -lt 900 ] ||
  die "the Findings section is not on the first screen: $m"
[ "$(v rule)" -gt 0 ] && [ "$(v rule)" -le 900 ] ||
  die "the first decision rule is not on the first screen: $m"
[ "$(v width)" -le 1280 ] || die "the report is wider than 1280 px: $m"
echo ok
