/* ss_io: bounded file reading, crash-safe (temporary name + rename) writing,
 * and number formatting that reads back to the identical double. */
#ifndef SS_IO_H
#define SS_IO_H

#include <stddef.h>
#include <stdio.h>

#include "ss_error.h"
#include "ss_tmp.h"

/* Largest input file any reader accepts (bytes). */
#define SS_MAX_INPUT_BYTES ((size_t)256 * 1024 * 1024)

/* Read a whole file into a NUL-terminated buffer. Refuses files larger than
 * max_bytes. Caller frees the returned buffer. NULL on error. */
char *ss_read_file(const char *path, size_t max_bytes, size_t *len_out,
                   ss_error *err);

/* A file being written under a temporary name next to its final path. */
typedef struct ss_atomic_file {
  FILE *fp;            /* write here */
  char path[4096];     /* final name */
  char tmp_path[4200]; /* temporary name in the same folder */
  int no_sync;         /* set after ss_atomic_open: commit without fsync;
                          the caller runs ss_sync_fs before committing
                          what depends on the file (its manifest) */
} ss_atomic_file;

/* Create a temporary file next to path (ss_tmp.h: in a marked folder
 * ".splitsim-tmp-XXXXXX") and open it for writing. */
int ss_atomic_open(ss_atomic_file *af, const char *path, ss_error *err);
/* Flush, fsync (unless af->no_sync) and rename over the final path. On
 * failure the temporary file is removed and the final path is untouched. */
int ss_atomic_commit(ss_atomic_file *af, ss_error *err);
/* Close and remove the temporary file (safe to call after commit). */
void ss_atomic_abort(ss_atomic_file *af);

/* Temporary files for libraries that open files themselves (HDF5):
 * ss_temp_path_for and ss_temp_discard in ss_tmp.h. */
/* fsync tmp and rename it to path. */
int ss_rename_into_place(const char *tmp, const char *path, ss_error *err);

/* Write everything written so far on the file system holding path to disk
 * (syncfs; sync where there is none): one call in place of an fsync per
 * file for many files committed with no_sync. */
int ss_sync_fs(const char *path, ss_error *err);

/* Shortest "%.{15,16,17}g" text of x that strtod reads back to x exactly.
 * buf must hold at least SS_DOUBLE_BUFSIZE bytes. Returns buf. */
#define SS_DOUBLE_BUFSIZE 32
char *ss_fmt_double(char *buf, double x);

/* JSON text to fp: a string with escapes ("null" for NULL), and a number
 * that reads back to the same double ("null" when not finite). */
void ss_json_str(FILE *fp, const char *s);
void ss_json_num(FILE *fp, double x);

/* Parse a whole string as a finite decimal double (C locale, no trailing
 * junk after optional spaces; no hex, inf or nan). Returns 0 on success. */
int ss_parse_double(const char *s, double *out);
/* Parse a whole string as a decimal int64. Returns 0 on success. */
int ss_parse_int64(const char *s, long long *out);

#endif
