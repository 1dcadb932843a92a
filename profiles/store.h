/* The HDF5 profile store (layout in docs/store-format.md). All HDF5 handles
 * stay inside profiles/store.c. */
#ifndef PROF_STORE_H
#define PROF_STORE_H

#include "profile.h"

/* 1 if path looks like an HDF5 file (signature check), else 0. */
int prof_store_is_hdf5(const char *path);

/* What a read learned about the file besides its profiles. */
typedef struct prof_store_info {
  int format_version; /* 1 or 2 */
  int checksummed;    /* 1: Fletcher-32 and content checksum verified;
                         0: an old (version 1) store, which has none */
} prof_store_info;

/* Read and validate a whole store. Caller frees *out with prof_set_free.
 * libhdf5 is loaded on first use and runs in a child process, so that a
 * damaged file that crashes or hangs it gives an error instead of a crash;
 * the child reads the file once and hands the profiles to the parent.
 * info may be NULL. */
int prof_store_read(const char *path, prof_set **out, ss_error *err);
int prof_store_read_info(const char *path, prof_set **out,
                         prof_store_info *info, ss_error *err);

/* Write the set to path atomically (temporary file + rename): on failure the
 * previous file is left byte-for-byte unchanged. */
int prof_store_write(const char *path, const prof_set *set, ss_error *err);

#endif
