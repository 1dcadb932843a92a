/* The HDF5 profile store (layout in docs/store-format.md). All HDF5 handles
 * stay inside profiles/store.c. */
#ifndef PROF_STORE_H
#define PROF_STORE_H

#include "profile.h"

/* 1 if path looks like an HDF5 file (signature check), else 0. */
int prof_store_is_hdf5(const char *path);

/* Read and validate a whole store. Caller frees *out with prof_set_free.
 * The file is first read in a child process, so that a damaged file that
 * crashes or hangs libhdf5 gives an error instead of a crash. */
int prof_store_read(const char *path, prof_set **out, ss_error *err);

/* Write the set to path atomically (temporary file + rename): on failure the
 * previous file is left byte-for-byte unchanged. */
int prof_store_write(const char *path, const prof_set *set, ss_error *err);

#endif
