/* Small helpers shared by the command files in tools/. */
#ifndef TOOLS_CLI_H
#define TOOLS_CLI_H

#include <signal.h>
#include <stdint.h>

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
/* A line the signal handler itself writes on stderr, once, when a signal
 * comes (for launchers that follow SIGTERM with SIGKILL soon after:
 * mpirun). Copied; NULL or "" clears it. */
void cli_stop_message(const char *line);
/* 1 when the handler has written the stop message. */
int cli_stop_message_written(void);

/* The progress line on stderr (tools/cli_progress.c), drawn only when `on`
 * (stderr is a terminal and no -q): "[index/count] name 45% |###...|
 * done/total unit rate/s ETA" for the sweep (step NULL), or "[index/count]
 * name: step 45% |###...| done/total unit ETA" for a step of the charts;
 * redrawn in place at most every 0.1 s; each step has its own clock. */
typedef struct cli_progress {
  int on;
  const char *name;    /* the scenario or output folder */
  size_t index, count; /* "[index/count] " when count > 0 */
  const char *step;    /* the step drawn last (NULL: the sweep) */
  double t0, last;
  int drawn;
} cli_progress;
/* Start the clock of a new item (the sweep of the next scenario). */
void cli_progress_start(cli_progress *pg);
void cli_progress_show(cli_progress *pg, const char *step, const char *unit,
                       uint64_t done, uint64_t total);
/* Erase the line (before printing anything else). */
void cli_progress_clear(cli_progress *pg);
/* A plot_progress_fn (plots/plots.h) drawing into ctx, a cli_progress. */
void cli_plot_progress(void *ctx, const char *step, const char *unit,
                       uint64_t done, uint64_t total);
/* Set pg up for one plots call on the folder `name` (on when stderr is a
 * terminal and not quiet) and hand it to opt. */
struct plot_options;
void cli_progress_for_plots(cli_progress *pg, int quiet, const char *name,
                            struct plot_options *opt);

#endif
