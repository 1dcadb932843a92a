#!/bin/sh
# Short functions (docs/ARCHITECTURE.md): a C function definition, from its
# signature line at column 0 to its closing brace at column 0, stays at most
# MAX lines. A longer one is split into named steps; the allow-list below
# names the few that may stay long, each with its reason.
set -u
MAX=${MAX_FUNC_LINES:-80}
# file:function  reason
ALLOW='
profiles/pickle.c:step  the pickle opcode dispatch switch (one case per opcode)
'
rc=0
found=$(for f in common/*.c profiles/*.c scenarios/*.c solver/*.c sim/*.c \
  plots/*.c tools/*.c; do
  [ -f "$f" ] || continue
  awk -v max="$MAX" -v file="$f" '
    # A signature starts at column 0 with a name and "("; the body opens
    # with the first line ending in "{" and closes with "}" at column 0
    # (a prototype ends in ";", a one-line definition in "}").
    !infn && /^[A-Za-z_]/ && /\(/ && !/;[[:space:]]*$/ {
      s = $0; sub(/\(.*/, "", s); n = split(s, w, /[[:space:]*]+/)
      name = w[n]; start = NR; pending = 1
    }
    !infn && pending && /[;}][[:space:]]*$/ { pending = 0 }
    !infn && pending && /\{[[:space:]]*$/ { infn = 1; pending = 0; next }
    infn && /^\}/ {
      len = NR - start + 1
      if (len > max) printf "%s:%s %d\n", file, name, len
      infn = 0
    }
  ' "$f"
done)
while read -r loc len; do
  [ -n "$loc" ] || continue
  file=${loc%%:*}; name=${loc##*:}
  if printf '%s\n' "$ALLOW" | grep -q "^$file:$name "; then continue; fi
  echo "check-long: $loc is $len lines (over $MAX): split it into named steps" >&2
  rc=1
done <<EOF2
$found
EOF2
[ $rc -eq 0 ] && echo "check-long: ok"
exit $rc
