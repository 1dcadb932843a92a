/* ss_manifest: the list of files splitsim wrote in an output folder.
 *
 * Every folder splitsim writes (a scenario's output folder) holds
 * "splitsim-manifest.txt": one line per file it wrote, "<sha256> <path>"
 * (the SHA-256 is recorded for gnuplot scripts, "-" for other files; paths
 * are relative, '/'-separated). splitsim replaces or removes only files the
 * manifest lists; anything else in the folder is the user's and is never
 * touched (docs/outputs.md). */
#ifndef SS_MANIFEST_H
#define SS_MANIFEST_H

#include <stddef.h>

#include "ss_error.h"

#define SS_MANIFEST_NAME "splitsim-manifest.txt"

typedef struct ss_manifest_entry {
  char *path;
  char sha256[65]; /* "" when not recorded */
} ss_manifest_entry;

typedef struct ss_manifest {
  ss_manifest_entry *e;
  size_t n, cap;
  int present; /* 1 when read from a folder that has one */
} ss_manifest;

void ss_manifest_init(ss_manifest *m);
void ss_manifest_free(ss_manifest *m);

/* Read dir's manifest. A folder without one gives an empty manifest with
 * present = 0 (returns 0); a malformed one is an error naming its line. */
int ss_manifest_read(ss_manifest *m, const char *dir, ss_error *err);
/* Write dir/splitsim-manifest.txt (sorted, atomically). */
int ss_manifest_write(const ss_manifest *m, const char *dir, ss_error *err);

/* Add (or update) an entry; sha256 may be NULL or "". */
int ss_manifest_add(ss_manifest *m, const char *path, const char *sha256,
                    ss_error *err);
/* Drop an entry (no-op when absent). */
void ss_manifest_drop(ss_manifest *m, const char *path);
const ss_manifest_entry *ss_manifest_find(const ss_manifest *m,
                                          const char *path);
/* Whether a file splitsim wants to write at dir/rel may be written: it is
 * absent, or m lists it. Returns 1 when it may, 0 when a file splitsim did
 * not write is there. */
int ss_manifest_may_write(const ss_manifest *m, const char *dir,
                          const char *rel);

/* Add dir/rel (a file splitsim makes there, e.g. a shard journal) to
 * dir's manifest, without a checksum. */
int ss_manifest_note(const char *dir, const char *rel, ss_error *err);
/* 1 when dir/rel is a regular file whose SHA-256 is the one m records
 * (a gnuplot script exactly as splitsim wrote it). */
int ss_manifest_matches(const ss_manifest *m, const char *dir, const char *rel);

/* Single files splitsim writes into a user's folder (export): 1 when path
 * is absent, or its folder's manifest lists it with the SHA-256 of what it
 * holds now (splitsim wrote it and nobody changed it since). */
int ss_manifest_file_ours(const char *path);
/* Record paths (all in one folder) with their SHA-256 in that folder's
 * manifest. */
int ss_manifest_record(const char *const *paths, size_t n, ss_error *err);

/* List every file under dir (the manifest itself and marked temporaries
 * excluded) into m; the SHA-256 of each *.gp script is recorded. */
int ss_manifest_scan(ss_manifest *m, const char *dir, ss_error *err);

/* The first entry under dir (in name order) that m does not account for:
 * a file it does not list, or a folder holding none of its files. Returns
 * 1 and fills rel (a folder ends in '/'), 0 when there is none, -1 on
 * error. */
int ss_manifest_first_foreign(const ss_manifest *m, const char *dir, char *rel,
                              size_t relsize, ss_error *err);

/* Remove from dir the files m lists (only those), the manifest, then the
 * folders they leave empty (dir included when remove_dir). A folder that
 * still holds something is kept. */
int ss_manifest_remove_files(const ss_manifest *m, const char *dir,
                             int remove_dir, ss_error *err);

#endif
