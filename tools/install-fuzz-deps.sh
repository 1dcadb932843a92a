#!/bin/sh
# Install what `make fuzz` and `make valgrind` need (clang with libFuzzer and
# the sanitizer runtimes, valgrind), only when something is missing. Safe to
# run again (a no-op then).
set -u
missing=""
command -v clang >/dev/null 2>&1 || missing="$missing clang"
# libFuzzer ships in libclang-rt-<version>-dev; find it for the clang we have.
if command -v clang >/dev/null 2>&1; then
  rt=$(clang -print-resource-dir 2>/dev/null)/lib/linux/libclang_rt.fuzzer-$(uname -m).a
  ver=$(clang -dumpversion 2>/dev/null | cut -d. -f1)
  [ -f "$rt" ] || missing="$missing libclang-rt-${ver:-14}-dev"
else
  missing="$missing libclang-rt-14-dev"
fi
command -v valgrind >/dev/null 2>&1 || missing="$missing valgrind"
[ -z "$missing" ] && exit 0

# shellcheck disable=SC2086
exec sh "$(dirname "$0")/install-apt.sh" install-fuzz-deps $missing
