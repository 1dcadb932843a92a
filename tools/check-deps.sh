#!/bin/sh
# Keep the folder dependencies one-way (docs/ARCHITECTURE.md): a folder may
# include only headers of folders below it in this order.
#   common < solver < profiles < scenarios < sim < plots < tools
set -u
rank() {
  case "$1" in
  common) echo 0 ;; solver) echo 1 ;; profiles) echo 2 ;; scenarios) echo 3 ;;
  sim) echo 4 ;; plots) echo 5 ;; tools) echo 6 ;; *) echo 99 ;;
  esac
}
bad=0
for dir in common solver profiles scenarios sim plots tools; do
  r=$(rank "$dir")
  for f in "$dir"/*.c "$dir"/*.h; do
    [ -f "$f" ] || continue
    grep -o '#include "[^"]*"' "$f" | sed 's/#include "//; s/"$//' |
      while read -r inc; do
        case "$inc" in
        ../*) target=$(echo "$inc" | cut -d/ -f2) ;;
        */*) target=$(echo "$inc" | cut -d/ -f1) ;;
        *) target=$dir ;;
        esac
        tr=$(rank "$target")
        if [ "$target" != "$dir" ] && [ "$tr" -ge "$r" ]; then
          echo "check-deps: $f includes $inc: $dir may not depend on $target"
          echo x
        fi
        case "$inc" in *_internal.h)
          if [ "$target" != "$dir" ]; then
            echo "check-deps: $f includes private header $inc"; echo x; fi ;;
        esac
      done
  done
done | { out=$(cat); if echo "$out" | grep -q '^x$'; then
  echo "$out" | grep -v '^x$' >&2; exit 1; fi; }
rc=$?
# One place per concept: the one strdup is ss_strdup (common/ss_mem.c).
calls=$(grep -nE '(^|[^_[:alnum:]])strdup\(' common/*.c solver/*.c \
  profiles/*.c scenarios/*.c sim/*.c plots/*.c tools/*.c |
  grep -v '^common/ss_mem\.c:')
if [ -n "$calls" ]; then
  echo "$calls" | sed 's/^/check-deps: strdup outside common\/ss_mem.c (use ss_strdup): /' >&2
  rc=1
fi
[ $rc -eq 0 ] && echo "check-deps: ok"
exit $rc
