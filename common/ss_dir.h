/* ss_dir: the names in a folder, filtered and sorted (the one folder
 * listing of the project). */
#ifndef SS_DIR_H
#define SS_DIR_H

#include <stddef.h>

#include "ss_error.h"

/* Whether to keep name (an entry of folder dir); ctx is the caller's. */
typedef int (*ss_dir_keep_fn)(const char *dir, const char *name,
                              const void *ctx);

/* The names in dir that keep accepts (NULL: all; "." and ".." never), in
 * strcmp order, into *names (caller frees with ss_dir_names_free) and their
 * count into *n. -1 with err naming dir when the folder cannot be opened
 * ("cannot open folder: ...") or memory runs out. */
int ss_dir_list(const char *dir, ss_dir_keep_fn keep, const void *ctx,
                char ***names, size_t *n, ss_error *err);
void ss_dir_names_free(char **names, size_t n); /* NULL is a no-op */

/* Filters: a regular file (following links; a path too long to open is
 * left out), and a name ending with the text ctx points to. */
int ss_dir_keep_files(const char *dir, const char *name, const void *ctx);
int ss_dir_keep_suffix(const char *dir, const char *name, const void *suffix);

#endif
