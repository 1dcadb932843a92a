/* splitsim calibrate: fit the link's efficiency and per-transfer overhead
 * (and, with --compute, a compute scale) to a validation.csv written by
 * tools/splitsim-validate; print the residuals and a scenario snippet. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../sim/sim_calibrate.h"
#include "cli.h"
#include "commands.h"

static void calibrate_help(FILE *fp) {
  fprintf(fp,
          "usage: splitsim calibrate [--compute|--link-only] [--link NAME] "
          "[-q]\n                          VALIDATION.csv\n\n"
          "Fit the opt-in link parameters 'efficiency' (share of the nominal "
          "rate\nthat carries payload) and 'overhead_ms' (per transfer) to "
          "the measured\nlatencies of a validation.csv written by "
          "tools/splitsim-validate\n(weighted least squares on the relative "
          "error). Prints every row's\nerror before and after, a scenario "
          "snippet, and last the line\n"
          "  calibrated: median |error| X%%, max Y%% (before: A%%, B%%)\n\n"
          "By default the device's and the edge's compute scales (how much "
          "slower\nthe blocks ran split than profiled, >= 1, printed as "
          "availability) are\nkept when an F test against the link-only "
          "fit gives p < 0.05.\n\n"
          "  --compute     always fit the compute scales\n"
          "  --link-only   never fit them\n"
          "  --link NAME   the scenario link the snippet names (default "
          "device-edge)\n"
          "  -q            print only the snippet and the last line\n"
          "See docs/validation.md.\n");
}

static void print_residuals(const sim_val_data *d, const double *cal) {
  printf("%-16s %5s %10s %7s %11s %11s %8s %12s %8s\n", "model", "cut", "bytes",
         "Mbit/s", "measured_s", "predicted_s", "error", "calibrated_s",
         "error");
  for (size_t i = 0; i < d->n; i++) {
    const sim_val_row *r = &d->rows[i];
    printf("%-16s %5ld %10.0f %7g %11.6f %11.6f %+7.2f%% %12.6f %+7.2f%%\n",
           r->model, r->cut_block, r->bytes, r->bandwidth_mbps, r->measured_s,
           r->predicted_s, 100.0 * (r->predicted_s / r->measured_s - 1.0),
           cal[i], 100.0 * (cal[i] / r->measured_s - 1.0));
  }
}

static void print_fit(const char *path, size_t n, const sim_calibration *c,
                      sim_calibrate_compute mode) {
  printf("%s: %zu rows; efficiency %.4f, overhead_ms %.3f, compute x%.4f "
         "(device) x%.4f (edge)",
         path, n, c->efficiency, c->overhead_ms, c->device_scale,
         c->edge_scale);
  if (mode == SIM_CALIBRATE_AUTO && c->fit_compute)
    printf("; the compute scales cut the residual to %.0f%% of the link-only "
           "fit (F test p = %.2g)",
           100.0 * c->chisq / c->chisq_link_only, c->p_value);
  else if (mode == SIM_CALIBRATE_AUTO && !isnan(c->p_value))
    printf("; compute scales not significant (F test p = %.2g; --compute "
           "forces them)",
           c->p_value);
  else if (mode == SIM_CALIBRATE_AUTO)
    printf("; compute scales stay 1 (the blocks ran split no slower than "
           "profiled)");
  printf("\n\n");
}

static int run(const char *path, sim_calibrate_compute mode, const char *link,
               int quiet) {
  ss_error err;
  ss_error_clear(&err);
  sim_val_data d;
  if (sim_val_read(path, &d, &err) != 0) {
    cli_print_error(&err);
    return 1;
  }
  double *cal = malloc(d.n * sizeof *cal);
  sim_calibration c;
  int rc = 1;
  if (!cal) {
    fprintf(stderr, "splitsim: out of memory\n");
  } else if (sim_calibrate_fit(&d, mode, &c, cal, path, &err) != 0) {
    cli_print_error(&err);
  } else {
    if (!quiet) {
      print_fit(path, d.n, &c, mode);
      print_residuals(&d, cal);
      printf("\n");
    }
    sim_calibration_snippet(stdout, &d, &c, link);
    printf("calibrated: median |error| %.1f%%, max %.1f%% (before: %.1f%%, "
           "%.1f%%)\n",
           100 * c.after_median, 100 * c.after_max, 100 * c.before_median,
           100 * c.before_max);
    rc = 0;
  }
  free(cal);
  sim_val_free(&d);
  return rc;
}

int cmd_calibrate(int argc, char **argv) {
  static const struct option opts[] = {
      {"compute", no_argument, 0, 'c'},    {"link-only", no_argument, 0, 'o'},
      {"link", required_argument, 0, 'l'}, {"quiet", no_argument, 0, 'q'},
      {"help", no_argument, 0, 'h'},       {0, 0, 0, 0}};
  sim_calibrate_compute mode = SIM_CALIBRATE_AUTO;
  int quiet = 0, c;
  const char *link = "device-edge";
  optind = 1;
  while ((c = getopt_long(argc, argv, "qh", opts, NULL)) != -1) {
    switch (c) {
    case 'c':
      mode = SIM_CALIBRATE_COMPUTE;
      break;
    case 'o':
      mode = SIM_CALIBRATE_LINK;
      break;
    case 'l':
      link = optarg;
      break;
    case 'q':
      quiet = 1;
      break;
    case 'h':
      calibrate_help(stdout);
      return 0;
    default:
      return cli_usage_error("calibrate", "unknown option");
    }
  }
  if (argc - optind != 1)
    return cli_usage_error("calibrate", "expected exactly one VALIDATION.csv");
  if (!link[0] || strpbrk(link, ":{}\n#,"))
    return cli_usage_error("calibrate", "--link: a name like device-edge");
  return run(argv[optind], mode, link, quiet);
}
