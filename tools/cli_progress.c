/* The progress line on a terminal, for the sweep of `splitsim run` and for
 * drawing charts (`run`, `plot`): redrawn in place on stderr at most every
 * 0.1 s, cleared before anything else is printed. */
#include "cli.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../plots/plots.h"

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void cli_progress_start(cli_progress *pg) {
  pg->step = NULL;
  pg->t0 = now_s();
  pg->last = pg->t0;
}

static void fmt_eta(char *buf, size_t size, double s) {
  if (!(s >= 0) || s > 1e7) {
    snprintf(buf, size, "--:--");
    return;
  }
  long t = (long)(s + 0.5);
  if (t >= 3600)
    snprintf(buf, size, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
  else
    snprintf(buf, size, "%ld:%02ld", t / 60, t % 60);
}

/* A new step starts its own clock (for the rate and the ETA). */
static void enter_step(cli_progress *pg, const char *step, double t) {
  if (step == pg->step || (step && pg->step && strcmp(step, pg->step) == 0))
    return;
  pg->step = step;
  pg->t0 = t;
  pg->last = 0;
}

void cli_progress_show(cli_progress *pg, const char *step, const char *unit,
                       uint64_t done, uint64_t total) {
  if (!pg || !pg->on)
    return;
  double t = now_s();
  enter_step(pg, step, t);
  if (done < total && t - pg->last < 0.1)
    return;
  pg->last = t;
  double el = t - pg->t0;
  double rate = el > 0 ? (double)done / el : 0;
  double frac = total ? (double)done / (double)total : 1;
  if (frac > 1)
    frac = 1;
  char eta[32], bar[31], where[64] = "";
  fmt_eta(eta, sizeof eta,
          rate > 0 && done <= total ? (double)(total - done) / rate : -1);
  int width = step ? 20 : 30, fill = (int)(frac * width);
  for (int i = 0; i < width; i++)
    bar[i] = i < fill ? '#' : '.';
  bar[width] = '\0';
  if (pg->count)
    snprintf(where, sizeof where, "[%zu/%zu] ", pg->index, pg->count);
  if (step)
    fprintf(stderr, "\r%s%.18s: %s %3d%% |%s| %llu/%llu %s ETA %s\033[K", where,
            pg->name, step, (int)(frac * 100), bar, (unsigned long long)done,
            (unsigned long long)total, unit, eta);
  else
    fprintf(stderr, "\r%s%-18.18s %3d%% |%s| %llu/%llu %s %.3g/s ETA %s\033[K",
            where, pg->name, (int)(frac * 100), bar, (unsigned long long)done,
            (unsigned long long)total, unit, rate, eta);
  pg->drawn = 1;
}

void cli_progress_clear(cli_progress *pg) {
  if (pg && pg->on && pg->drawn)
    fputs("\r\033[K", stderr);
  if (pg)
    pg->drawn = 0;
}

void cli_plot_progress(void *ctx, const char *step, const char *unit,
                       uint64_t done, uint64_t total) {
  cli_progress_show(ctx, step, unit, done, total);
}

void cli_progress_for_plots(cli_progress *pg, int quiet, const char *name,
                            struct plot_options *opt) {
  memset(pg, 0, sizeof *pg);
  pg->on = !quiet && isatty(2);
  pg->name = name;
  cli_progress_start(pg);
  if (pg->on) {
    opt->progress = cli_plot_progress;
    opt->progress_ctx = pg;
  }
}
