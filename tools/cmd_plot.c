/* splitsim plot: (re-)render the charts of a scenario output folder. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/ss_io.h"
#include "../common/ss_text.h"
#include "../plots/plots.h"
#include "cli.h"
#include "commands.h"

static void plot_help(FILE *fp) {
  fprintf(fp,
          "usage: splitsim plot [options] OUTDIR\n\n"
          "Render the charts of a scenario output folder (what `splitsim "
          "run` wrote)\ninto OUTDIR/charts/: for every chart its data "
          "(.dat), gnuplot script (.gp)\nand renderings (.png, .svg); then "
          "rewrite OUTDIR/report.html and report.md.\nA .gp script that is "
          "not as splitsim wrote it (its SHA-256 in\nsplitsim-manifest.txt "
          "differs: you edited it to restyle a chart) is kept as\nit is, "
          "and rendered only with --trust-scripts; the data is always "
          "written\nanew from the tables. Only files splitsim wrote are "
          "replaced.\n\n"
          "Options:\n"
          "  --regenerate      write every .gp script anew (drops your "
          "edits)\n"
          "  --trust-scripts   also render .gp scripts that are not as "
          "splitsim wrote\n"
          "                    them (edited, or from someone else): a "
          "gnuplot script\n"
          "                    can run programs (system(), `...`), so read "
          "them first\n"
          "  --force           replace files splitsim did not write "
          "(renderings,\n"
          "                    report) that are in the way\n"
          "  --point N         sweep point of the breakdown and model "
          "comparison\n"
          "                    charts (0-based, as in best.csv; default: the\n"
          "                    point where the most tiers are used)\n"
          "  --profiles PATH   profile store for the per-block breakdowns\n"
          "                    (default: the resolved scenario's "
          "`profiles:`)\n"
          "  --gnuplot PROG    gnuplot program (default: $SPLITSIM_GNUPLOT, "
          "else\n"
          "                    gnuplot from PATH)\n"
          "  --jobs N          gnuplot runs at once (default: CPUs, at most "
          "8)\n"
          "  --timeout S       seconds one chart may take (default 60)\n"
          "  --no-report       do not rewrite report.html / report.md\n"
          "  --no-render       write data and scripts only\n"
          "  -q, --quiet       print nothing on success\n"
          "  -h, --help        this help\n\n"
          "Without gnuplot the data and scripts are still written; install "
          "it with\n`apt-get install gnuplot-nox`. Charts are described in "
          "docs/charts.md.\n");
}

/* Parse a whole non-negative number. */
static int parse_count(const char *s, long long max, long long *out) {
  long long v;
  if (ss_parse_int64(s, &v) != 0 || v < 0 || v > max)
    return -1;
  *out = v;
  return 0;
}

enum {
  O_REGEN = 256,
  O_POINT,
  O_PROFILES,
  O_GNUPLOT,
  O_JOBS,
  O_TIMEOUT,
  O_NOREPORT,
  O_NORENDER,
  O_TRUST,
  O_FORCE
};

/* One option into opt (or quiet); -1 to go on, else the exit status. */
static int plot_option(int c, char **argv, plot_options *opt, int *quiet) {
  long long v;
  double t;
  switch (c) {
  case O_REGEN:
    opt->keep_scripts = 0;
    return -1;
  case O_POINT:
    if (parse_count(optarg, 1000000000000LL, &v) != 0)
      return cli_usage_error("plot", "--point: not a point index: '%s'",
                             optarg);
    opt->point = (size_t)v;
    return -1;
  case O_PROFILES:
    opt->profiles = optarg;
    return -1;
  case O_GNUPLOT:
    opt->gnuplot = optarg;
    return -1;
  case O_JOBS:
    if (parse_count(optarg, 64, &v) != 0 || v < 1)
      return cli_usage_error("plot", "--jobs: expected 1 to 64, got '%s'",
                             optarg);
    opt->jobs = (int)v;
    return -1;
  case O_TIMEOUT:
    if (ss_parse_double(optarg, &t) != 0 || !(t > 0))
      return cli_usage_error("plot",
                             "--timeout: expected seconds > 0, "
                             "got '%s'",
                             optarg);
    opt->timeout_s = t;
    return -1;
  case O_NOREPORT:
    opt->no_report = 1;
    return -1;
  case O_NORENDER:
    opt->no_render = 1;
    return -1;
  case O_TRUST:
    opt->trust_scripts = 1;
    return -1;
  case O_FORCE:
    opt->force = 1;
    return -1;
  case 'q':
    *quiet = 1;
    return -1;
  case 'h':
    plot_help(stdout);
    return 0;
  default:
    return cli_option_error("plot", c, argv);
  }
}

/* The options and the one OUTDIR; -1 to go on, else the exit status. */
static int plot_parse_args(int argc, char **argv, plot_options *opt,
                           int *quiet) {
  static const struct option opts[] = {
      {"regenerate", no_argument, 0, O_REGEN},
      {"point", required_argument, 0, O_POINT},
      {"profiles", required_argument, 0, O_PROFILES},
      {"gnuplot", required_argument, 0, O_GNUPLOT},
      {"jobs", required_argument, 0, O_JOBS},
      {"timeout", required_argument, 0, O_TIMEOUT},
      {"no-report", no_argument, 0, O_NOREPORT},
      {"no-render", no_argument, 0, O_NORENDER},
      {"trust-scripts", no_argument, 0, O_TRUST},
      {"force", no_argument, 0, O_FORCE},
      {"quiet", no_argument, 0, 'q'},
      {"help", no_argument, 0, 'h'},
      {0, 0, 0, 0}};
  int c, rc;
  optind = 1;
  while ((c = getopt_long(argc, argv, ":qh", opts, NULL)) != -1)
    if ((rc = plot_option(c, argv, opt, quiet)) != -1)
      return rc;
  if (argc - optind != 1)
    return cli_usage_error("plot", "expected exactly one OUTDIR");
  return -1;
}

static void print_summary(const plot_summary *sum, const plot_options *opt,
                          const char *outdir) {
  printf("%zu %s in %s/charts/ (%zu rendered", sum->n_charts,
         ss_plural(sum->n_charts, "chart", "charts"), outdir, sum->n_rendered);
  if (sum->n_kept)
    printf(", %zu from your kept .gp scripts", sum->n_kept);
  printf(")\n");
  if (!opt->no_report)
    printf("report: %s/report.html\n", outdir);
}

int cmd_plot(int argc, char **argv) {
  plot_options opt;
  plot_options_init(&opt);
  opt.keep_scripts = 1;
  int quiet = 0;
  int rc = plot_parse_args(argc, argv, &opt, &quiet);
  if (rc != -1)
    return rc;
  const char *outdir = argv[optind];
  ss_error err;
  ss_error_clear(&err);
  plot_summary sum;
  opt.cancel = &cli_stop;
  cli_progress pg;
  cli_progress_for_plots(&pg, quiet, outdir, &opt);
  cli_catch_signals();
  rc = plot_scenario_outputs_ex(outdir, &opt, &sum, &err);
  cli_restore_signals();
  cli_progress_clear(&pg);
  if (rc != 0 && cli_stop) {
    fprintf(stderr, "splitsim plot: interrupted; the files written are "
                    "complete\n");
    return 130;
  }
  if (sum.message[0])
    fprintf(stderr, "splitsim plot: %s\n", sum.message);
  if (rc != 0) {
    cli_print_error(&err);
    return 1;
  }
  if (!quiet)
    print_summary(&sum, &opt, outdir);
  return 0;
}
