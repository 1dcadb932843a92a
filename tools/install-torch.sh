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
# shellcheck disable=SC2086
sh "$(dirname "$0")/install-apt.sh" install-torch $pkgs || exit 1
/usr/bin/python3 -c 'import torch, torchvision' ||
  { echo "install-torch: error: installed $pkgs but /usr/bin/python3 cannot import torch" >&2; exit 1; }
