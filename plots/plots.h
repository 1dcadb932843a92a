/* plots: charts (gnuplot) and reports for a scenario output folder.
 *
 * Input: the folder `splitsim run` writes for one scenario (best.csv,
 * breakpoints.csv, curves.csv, summary.csv, scenario.resolved.yaml,
 * run.json, and optionally purchase.csv); see docs/charts.md. Output:
 * OUTDIR/charts/ holding, for every chart, its gnuplot script (`.gp`), its
 * data (`.dat`) and its renderings (`.png` by pngcairo, `.svg`), plus
 * OUTDIR/report.html and OUTDIR/report.md.
 *
 * gnuplot is an outside program, run with fork/execvp (no shell) under a
 * time limit, with the chart folder's scripts; names read from the input
 * files (models, systems, placements) only ever reach a script inside
 * sanitised single-quoted strings and never reach a data file. Without
 * gnuplot, tables, data and scripts are still written and the summary says
 * the charts were skipped. Every file is written under a temporary name and
 * renamed into place. Only files the folder's manifest (splitsim-manifest.txt,
 * common/ss_manifest.h) lists, or absent ones, are written: anything else
 * in the way stops the call before it writes (unless force); what it writes
 * is added to the manifest. */
#ifndef PLOT_PLOTS_H
#define PLOT_PLOTS_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/ss_error.h"

/* `point` value: choose the point of the breakdown and comparison charts
 * by the rule of docs/charts.md (the sweep point where the models' best
 * placements use the most tiers; ties: the one nearest the middle of the
 * sweep, index n_points / 2). */
#define PLOT_POINT_AUTO ((size_t)-1)

/* Progress of a call: what it is doing (`step`: "reading best.csv",
 * "writing chart data", "drawing charts", "writing the report"), how much of
 * it is done and of how much, in `unit` ("MB" of best.csv read over all its
 * passes, "charts", "reports"). Called from the calling thread, at most
 * every 1024 table rows and once per chart, and with done == total when a
 * step ends. */
typedef void (*plot_progress_fn)(void *ctx, const char *step, const char *unit,
                                 uint64_t done, uint64_t total);

/* Options. plot_options_init gives the defaults (what `splitsim run`
 * wants): rewrite every script, render, the chosen point by the rule (a
 * zeroed struct is the same but with point 0). */
typedef struct plot_options {
  const char *gnuplot;  /* program to run; NULL: $SPLITSIM_GNUPLOT when set,
                           else "gnuplot" looked up in PATH */
  const char *profiles; /* profile store for the per-block breakdown (HDF5
                           store, folder of .dat files or one profile file);
                           NULL: the resolved scenario's `profiles:` (a
                           relative path there is taken relative to OUTDIR) */
  size_t point;         /* sweep point of the breakdown and model comparison
                           charts (0-based, as in best.csv); default
                           PLOT_POINT_AUTO */
  int keep_scripts;     /* 1: keep a .gp script that is not exactly as
                           splitsim wrote it (its SHA-256 differs from the
                           one in splitsim-manifest.txt: the user edited or
                           wrote it); scripts as splitsim wrote them are
                           rewritten. 0: rewrite every script */
  int trust_scripts;    /* 1: render kept scripts too. 0: a script that is
                           not as splitsim wrote it is not run (a gnuplot
                           script can run programs); the call then fails
                           after doing the rest */
  int force;            /* 1: replace files splitsim did not write (not
                           in the folder's manifest) where it writes */
  int no_render;        /* 1: write data and scripts only */
  int no_report;        /* 1: plot_scenario_outputs skips the report */
  size_t max_rows;      /* report: rows shown of long tables; 0 = 50 */
  double timeout_s;     /* per gnuplot run; 0 = 60 s */
  int jobs;             /* gnuplot runs at once; 0 = online CPUs (max 8) */
  /* Nonzero stops the work within a second (between charts, inside table
   * reading, running gnuplot killed); the call then fails with
   * "interrupted", leaving only complete files. May be NULL. */
  const volatile sig_atomic_t *cancel;
  /* The profile set already loaded (a prof_set *, borrowed), used instead
   * of reading `profiles` again (splitsim run passes its own). */
  const void *profile_set;
  /* Progress of the call (the library never prints; tools/ draws it on a
   * terminal). May be NULL. */
  plot_progress_fn progress;
  void *progress_ctx;
} plot_options;

/* The defaults: zeroes, and point = PLOT_POINT_AUTO. */
void plot_options_init(plot_options *opt);

/* What a run of the charts did. */
typedef struct plot_summary {
  size_t n_charts;         /* charts planned */
  size_t n_rendered;       /* charts rendered to PNG and SVG */
  size_t n_kept;           /* scripts kept because they existed */
  size_t n_untrusted;      /* kept scripts not rendered (no trust_scripts) */
  int gnuplot_missing;     /* 1: gnuplot was not found; nothing rendered */
  char gnuplot_path[1024]; /* the program that was (or would be) run */
  char message[1024];      /* one line for the user when charts were skipped
                              (how to install gnuplot), else empty */
} plot_summary;

/* Write charts/ (data, scripts, renderings) and, unless opt->no_report,
 * report.html and report.md for the scenario output folder `outdir`.
 * opt may be NULL (defaults). gnuplot missing is not an error (returns 0;
 * see plot_scenario_outputs_ex for the message to print). Returns -1 with
 * err filled on unreadable tables, write errors, or a script that gnuplot
 * rejects or that runs past the time limit (all other charts are still
 * rendered and the report written). */
int plot_scenario_outputs(const char *outdir, const plot_options *opt,
                          ss_error *err);
/* The same, also filling *sum (may be NULL). */
int plot_scenario_outputs_ex(const char *outdir, const plot_options *opt,
                             plot_summary *sum, ss_error *err);

/* Only the charts (no report). */
int plot_charts(const char *outdir, const plot_options *opt, plot_summary *sum,
                ss_error *err);

/* Only report.html and report.md, from the tables and whatever charts
 * exist in outdir/charts/ (a chart not rendered is named with a note). */
int plot_report(const char *outdir, const plot_options *opt, ss_error *err);

/* The gnuplot program these options would run (opt->gnuplot, else
 * $SPLITSIM_GNUPLOT, else "gnuplot"), and whether it can be run: 1 when
 * found (a name without '/' is looked up in PATH), else 0. */
const char *plot_gnuplot_program(const plot_options *opt);
int plot_gnuplot_available(const plot_options *opt);

/* ---- one chart on its own (predict --chart) ---------------------------- */

struct prof_set;

/* One placement of one model, as the per-block breakdown chart needs it.
 * All borrowed. Tiers in order (lower-case names, as in placement texts
 * "Device(sys) = first - last, ..."); per-tier arrays of n_tiers, per-hop
 * arrays [a * n_tiers + b] (a < b; 0 or NaN where no hop). */
typedef struct plot_breakdown_input {
  const char *model;
  size_t n_tiers;
  const char *const *tiers;
  const char *placement;    /* placement text with layer ranges */
  const double *compute_s;  /* per tier, seconds (availability included) */
  const double *transfer_s; /* per hop, seconds (latency + bytes / rate) */
  const double *bytes;      /* per hop */
  double return_s;          /* result download, seconds (0: none) */
  double latency_s;         /* end to end, for the title */
  const struct prof_set *profiles; /* the blocks' times */
} plot_breakdown_input;

/* Write the per-block breakdown chart of `in` to `file` (PNG or SVG, by
 * its extension .png / .svg), with its gnuplot script FILE.gp and data
 * FILE.dat beside it, through the report's breakdown chart kind. The three
 * are made in a temporary folder beside FILE and moved into place last; an
 * existing FILE, FILE.gp or FILE.dat is an error unless force (then they
 * are replaced; nothing else is touched). Without gnuplot (or with
 * opt->no_render) the data and script are written, FILE is not, and
 * sum->message says why (not an error). opt and sum may be NULL. */
int plot_breakdown_file(const plot_breakdown_input *in, const char *file,
                        int force, const plot_options *opt, plot_summary *sum,
                        ss_error *err);

/* Write `text` into buf (of size bufsize, NUL-terminated) as a gnuplot
 * single-quoted string literal that displays (nearly) the same text and
 * that gnuplot never expands: ' and ` become the typographic quotes U+2019
 * and U+2018, control characters spaces, invalid UTF-8 bytes '?'. At most
 * max_chars characters are kept (0 = no limit; a cut text ends in "...").
 * Returns 0, or -1 when buf is too small (buf then holds a shorter, still
 * well-formed literal). */
int plot_gp_quote(char *buf, size_t bufsize, const char *text,
                  size_t max_chars);

#endif
