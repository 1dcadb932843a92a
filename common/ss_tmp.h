/* ss_tmp: temporary folders that cannot be mistaken for a user's files.
 *
 * Every temporary splitsim writes lives in a folder
 * "<parent>/.splitsim-tmp-XXXXXX" (mkdtemp: never an existing name) that
 * holds a marker file ".splitsim-tmp-marker" naming that folder. The
 * process that made it holds an exclusive flock on the marker for as long
 * as it lives, so a folder whose marker proves splitsim made it and whose
 * lock is free was left by a process that died (SIGKILL, power cut):
 * ss_tmp_sweep removes those and nothing else. A folder or file that merely
 * looks similar (no marker, a marker naming another folder, a symbolic
 * link) is never touched. A creation cut short (killed between mkdtemp and
 * the marker's last byte) leaves a folder of mkdtemp's exact name holding
 * nothing or only an unfinished marker: the sweep removes that too, with
 * unlink + rmdir, which cannot take anything else along. */
#ifndef SS_TMP_H
#define SS_TMP_H

#include <stddef.h>

#include "ss_error.h"

#define SS_TMP_PREFIX ".splitsim-tmp-"
#define SS_TMP_MARKER ".splitsim-tmp-marker"

typedef struct ss_tmpdir {
  char path[4096]; /* "<parent>/.splitsim-tmp-XXXXXX"; "" when none */
  int lock_fd;     /* the marker, flock'ed; -1 when none */
} ss_tmpdir;

/* Create a marked temporary folder in the existing folder parent (stale
 * ones there are swept first, once per parent and process). */
int ss_tmpdir_create(ss_tmpdir *t, const char *parent, ss_error *err);
/* Remove the marker and release the lock: the folder becomes ordinary, to
 * be renamed into place. */
void ss_tmpdir_unmark(ss_tmpdir *t);
/* Rename the folder to `to` (a new name), then remove its marker there and
 * release the lock; 0 or -1 with errno. A kill between the two leaves only
 * a stale marker in `to`, which ss_tmp_drop_stale_marker removes. */
int ss_tmpdir_move(ss_tmpdir *t, const char *to);
/* Remove the folder and all in it (everything inside was made by this
 * process). No-op on a zeroed/unmarked struct whose path is "". */
int ss_tmpdir_remove(ss_tmpdir *t, ss_error *err);

/* 1 when dir is a folder whose marker proves splitsim made it. */
int ss_tmp_is_marked(const char *dir);

/* Remove the stale marked temporary folders of `parent` (see above).
 * Returns how many were removed. */
size_t ss_tmp_sweep(const char *parent);
/* Remove dir/SS_TMP_MARKER when it is a marker of a folder that was moved
 * into place as dir by a process that died before removing it (its text
 * names a temporary folder and its lock is free). */
void ss_tmp_drop_stale_marker(const char *dir);

/* A temporary file next to `path`: "<dir>/.splitsim-tmp-XXXXXX/<base>",
 * created empty, for writers that open files themselves (HDF5). Give it to
 * ss_rename_into_place (ss_io.h) or ss_temp_discard. Registered per process
 * (thread-safe). */
int ss_temp_path_for(const char *path, char *tmp, size_t tmpsize,
                     ss_error *err);
/* Remove a temporary file of ss_temp_path_for and its folder. */
void ss_temp_discard(const char *tmp);
/* Release the folder of a temporary file that was renamed away. */
void ss_temp_done(const char *tmp);
/* Remove every temporary of this process still registered (for exit
 * paths that cannot unwind, e.g. a fatal signal handler's caller). */
void ss_temp_discard_all(void);

/* Remove a folder and everything in it (symbolic links are removed, never
 * followed). No error when absent. */
int ss_remove_tree(const char *path, ss_error *err);

#endif
