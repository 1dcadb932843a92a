#!/bin/sh
# Install the Debian packages splitsim needs, only when something is missing.
# Used by `make run` and `make check`; safe to run again (a no-op then).
set -u
missing=""
need_pkg() { # pkg-config name, Debian package
  pkg-config --exists "$1" 2>/dev/null || missing="$missing $2"
}
need_cmd() { # command, Debian package
  command -v "$1" >/dev/null 2>&1 || missing="$missing $2"
}
need_cmd pkg-config pkg-config
need_cmd cc gcc
need_cmd make make
need_pkg gsl libgsl-dev
need_pkg libcjson libcjson-dev
need_pkg hdf5 libhdf5-dev
need_pkg yaml-0.1 libyaml-dev
need_pkg cmocka libcmocka-dev
need_cmd h5dump hdf5-tools
need_cmd gnuplot gnuplot-nox
need_cmd python3 python3
need_cmd mpicc libopenmpi-dev # MPI (splitsim run --mpi; docs/cluster.md)
need_cmd mpirun openmpi-bin
# h5py for the test that reads the store as a Python user would.
python3 -c 'import h5py' 2>/dev/null || /usr/bin/python3 -c 'import h5py' 2>/dev/null ||
  missing="$missing python3-h5py"
[ -z "$missing" ] && exit 0

# shellcheck disable=SC2086
exec sh "$(dirname "$0")/install-apt.sh" install-deps $missing
