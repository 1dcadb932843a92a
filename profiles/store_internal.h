/* Private to profiles/store.c and its unit test: layout constants and the
 * link-name escaping (see docs/store-format.md). */
#ifndef PROF_STORE_INTERNAL_H
#define PROF_STORE_INTERNAL_H

#include <stddef.h>

#include "../common/ss_io.h"

#define PROF_STORE_FORMAT "splitsim-profile-store"
#define PROF_STORE_FORMAT_VERSION 2     /* what the writer writes */
#define PROF_STORE_FORMAT_VERSION_MIN 1 /* the oldest the reader reads */

/* Limits the reader enforces (and the writer too, so that every store it
 * writes can be read back). */
#define PROF_STORE_MAX_BLOCKS 1000000 /* blocks per model */
#define PROF_STORE_MAX_SAMPLES 10000  /* raw samples per block */
#define PROF_STORE_MAX_SAMPLE_VALUES (SS_MAX_INPUT_BYTES / sizeof(double))
#define PROF_STORE_MAX_LINKS 100000       /* systems, or models per system */
#define PROF_STORE_MAX_STRING (16u << 20) /* bytes in one string attribute */
#define PROF_STORE_MAX_LINK_NAME 4096     /* bytes in one escaped link name */

/* Escape a system or model name into an HDF5 link name: '%', '/', control
 * bytes and DEL become "%XX" (upper-case hex), and the name "." becomes
 * "%2E"; every other byte (including UTF-8, '(', ')', spaces) is kept.
 * Returns the length written, or -1 when out is too small or name is empty. */
int prof_store_escape_name(const char *name, char *out, size_t outsize);

#include <stdint.h>

#include "profile.h"
#include "store.h"

/* The canonical encoding of a set (docs/store-format.md, "Content
 * checksum"): every value in a fixed order, integers and float bits as
 * 8-byte little-endian, strings as length + 1 (0 for NULL) and bytes.
 * encode: 0, or -1 out of memory (caller frees *out). decode: 0, or -1 on
 * malformed input or out of memory (*out NULL). */
int prof_store_encode(const prof_set *set, unsigned char **out, size_t *len);
int prof_store_decode(const unsigned char *p, size_t len, prof_set **out);

/* 64-bit FNV-1a of n bytes: the store's content checksum. */
uint64_t prof_store_fnv1a64(const unsigned char *p, size_t n);

/* prof_store_read without the child process that guards against libhdf5
 * crashing or hanging on a damaged file: for the fuzzer, which wants to see
 * such crashes. (Setting SPLITSIM_STORE_IN_PROCESS makes prof_store_read
 * call it too.) */
int prof_store_read_direct(const char *path, prof_set **out,
                           prof_store_info *info, ss_error *err);

#endif
