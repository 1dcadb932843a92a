/* Small helpers shared by the command files in tools/. */
#ifndef TOOLS_CLI_H
#define TOOLS_CLI_H

#include <signal.h>

#include "../common/ss_error.h"
#include "../profiles/profile.h"

/* Print "splitsim: <file>:<where>: error: <msg>" on stderr. */
void cli_print_error(const ss_error *err);
/* Print "splitsim <cmd>: <message>" and a hint to use --help; returns 2. */
int cli_usage_error(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The one usage error for getopt's ':' (an option without its argument;
 * the option string starts with ':' so getopt itself stays quiet) or '?'
 * (an unknown option). Returns 2. */
int cli_option_error(const char *cmd, int c, char **argv);

/* The default profile store (the one `run` uses when a scenario names no
 * profiles, and `profiles`/`show` without STORE): $SPLITSIM_PROFILES, else
 * default-profiles.h5 next to the binary, else ../share/splitsim/ from the
 * binary's folder. path when found, else NULL with hint naming the places
 * looked at. */
const char *cli_default_store(char *path, size_t size, char *hint,
                              size_t hsize);

/* Load profiles from a store, a folder or a file (prof_load_path), printing
 * any error, and a note when a store is of an old format without checksums.
 * 0 ok (caller frees *out), 1 failure. */
int cli_load_profiles(const char *path, prof_set **out);

/* The system (want_models 0) or model name of set closest to word when it
 * looks like a typo of it, else NULL (for "did you mean" hints). */
const char *cli_suggest(const prof_set *set, const char *word, int want_models);

/* SIGINT and SIGTERM set cli_stop (the cancel flag handed to library
 * calls) until cli_restore_signals. */
extern volatile sig_atomic_t cli_stop;
void cli_catch_signals(void);
void cli_restore_signals(void);

#endif
