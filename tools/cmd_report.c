/* splitsim report: write report.html and report.md for an output folder. */
#include <getopt.h>
#include <stdio.h>

#include "../common/ss_io.h"
#include "../plots/plots.h"
#include "cli.h"
#include "commands.h"

static void report_help(FILE *fp) {
  fprintf(
      fp,
      "usage: splitsim report [options] OUTDIR\n\n"
      "Write OUTDIR/report.html (self-contained page: charts linked "
      "from\ncharts/, tables, the resolved scenario, provenance from "
      "run.json) and\nOUTDIR/report.md from a scenario output folder. "
      "Charts are not rendered\nhere (see `splitsim plot`); a chart "
      "without a rendering is named with a\nnote (also one whose .gp script "
      "is not as splitsim wrote it: gnuplot\nscripts can run programs, so "
      "`splitsim plot` renders those only with\n--trust-scripts).\n\n"
      "Options:\n"
      "  --rows N          rows shown of long tables (default 50)\n"
      "  --point N         sweep point of the breakdown and comparison "
      "charts\n"
      "                    (as given to `splitsim plot`; default: automatic)\n"
      "  --profiles PATH   profile store (as given to `splitsim plot`)\n"
      "  --force           replace report files splitsim did not write\n"
      "  -q, --quiet       print nothing on success\n"
      "  -h, --help        this help\n");
}

int cmd_report(int argc, char **argv) {
  enum { O_ROWS = 256, O_POINT, O_PROFILES, O_FORCE };
  static const struct option opts[] = {
      {"rows", required_argument, 0, O_ROWS},
      {"point", required_argument, 0, O_POINT},
      {"profiles", required_argument, 0, O_PROFILES},
      {"force", no_argument, 0, O_FORCE},
      {"quiet", no_argument, 0, 'q'},
      {"help", no_argument, 0, 'h'},
      {0, 0, 0, 0}};
  plot_options opt;
  plot_options_init(&opt);
  opt.keep_scripts = 1;
  int quiet = 0, c;
  long long v;
  optind = 1;
  while ((c = getopt_long(argc, argv, ":qh", opts, NULL)) != -1) {
    switch (c) {
    case O_ROWS:
      if (ss_parse_int64(optarg, &v) != 0 || v < 1 || v > 100000000)
        return cli_usage_error("report",
                               "--rows: expected a count >= 1, "
                               "got '%s'",
                               optarg);
      opt.max_rows = (size_t)v;
      break;
    case O_POINT:
      if (ss_parse_int64(optarg, &v) != 0 || v < 0)
        return cli_usage_error("report", "--point: not a point index: '%s'",
                               optarg);
      opt.point = (size_t)v;
      break;
    case O_PROFILES:
      opt.profiles = optarg;
      break;
    case O_FORCE:
      opt.force = 1;
      break;
    case 'q':
      quiet = 1;
      break;
    case 'h':
      report_help(stdout);
      return 0;
    default:
      return cli_option_error("report", c, argv);
    }
  }
  if (argc - optind != 1)
    return cli_usage_error("report", "expected exactly one OUTDIR");
  ss_error err;
  ss_error_clear(&err);
  opt.cancel = &cli_stop;
  cli_progress pg;
  cli_progress_for_plots(&pg, quiet, argv[optind], &opt);
  cli_catch_signals();
  int rc = plot_report(argv[optind], &opt, &err);
  cli_restore_signals();
  cli_progress_clear(&pg);
  if (rc != 0 && cli_stop) {
    fprintf(stderr, "splitsim report: interrupted; nothing half-written\n");
    return 130;
  }
  if (rc != 0) {
    cli_print_error(&err);
    return 1;
  }
  if (!quiet)
    printf("report: %s/report.html and %s/report.md\n", argv[optind],
           argv[optind]);
  return 0;
}
