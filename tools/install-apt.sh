#!/bin/sh
# Install Debian packages with apt-get: `sh tools/install-apt.sh WHO PKG...`
# (WHO names the caller in messages). Needs root or sudo. Tries without
# refreshing the package lists first, and refreshes them only when that
# fails. The one place splitsim's scripts call apt-get.
set -u
who=$1
shift
echo "$who: installing: $*"
SUDO=""
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
    echo "$who: error: need root (or sudo) to run: apt-get install -y $*" >&2
    exit 1
  fi
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "$who: error: no apt-get here; install these yourself: $*" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
if ! $SUDO apt-get install -y -qq --no-install-recommends "$@" >/dev/null 2>&1; then
  $SUDO apt-get update -qq || { echo "$who: error: apt-get update failed" >&2; exit 1; }
  $SUDO apt-get install -y -qq --no-install-recommends "$@" >/dev/null ||
    { echo "$who: error: apt-get install -y $* failed" >&2; exit 1; }
fi
echo "$who: done"
