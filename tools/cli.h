/* Small helpers shared by the command files in tools/. */
#ifndef TOOLS_CLI_H
#define TOOLS_CLI_H

#include "../common/ss_error.h"
#include "../profiles/profile.h"

/* Print "splitsim: <file>:<where>: error: <msg>" on stderr. */
void cli_print_error(const ss_error *err);
/* Print "splitsim <cmd>: <message>" and a hint to use --help; returns 2. */
int cli_usage_error(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Load profiles from a store, a folder or a file (prof_load_path), printing
 * any error, and a note when a store is of an old format without checksums.
 * 0 ok (caller frees *out), 1 failure. */
int cli_load_profiles(const char *path, prof_set **out);

#endif
