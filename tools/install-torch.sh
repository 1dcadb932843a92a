#!/bin/sh
# Install Debian's PyTorch (python3-torch, python3-torchvision) for
# tools/splitsim-profile and its tests, only when no python3 can import
# torch. Safe to run again (a no-op then). Needs root or sudo to install.
set -u
# Debian's packages install into /usr/bin/python3's dist-packages; another
# python3 first on PATH (pyenv, a venv) may not see them, which is fine:
# splitsim-profile falls back to /usr/bin/python3.
for py in python3 /usr/bin/python3; do
  if "$py" -c 'import torch, torchvision' >/dev/null 2>&1; then
    exit 0
  fi
done

pkgs="python3-torch python3-torchvision"
echo "install-torch: installing: $pkgs"
SUDO=""
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
    echo "install-torch: error: need root (or sudo) to run: apt-get install -y $pkgs" >&2
    exit 1
  fi
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-torch: error: no apt-get here; install PyTorch and torchvision yourself (https://pytorch.org)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# Refresh the package lists only when the first try cannot find the packages.
# shellcheck disable=SC2086
if ! $SUDO apt-get install -y -qq --no-install-recommends $pkgs >/dev/null 2>&1; then
  $SUDO apt-get update -qq || { echo "install-torch: error: apt-get update failed" >&2; exit 1; }
  # shellcheck disable=SC2086
  $SUDO apt-get install -y -qq --no-install-recommends $pkgs >/dev/null ||
    { echo "install-torch: error: apt-get install -y $pkgs failed" >&2; exit 1; }
fi
/usr/bin/python3 -c 'import torch, torchvision' ||
  { echo "install-torch: error: installed $pkgs but /usr/bin/python3 cannot import torch" >&2; exit 1; }
echo "install-torch: done"
