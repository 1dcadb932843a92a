/* Private to plots/ (and its tests): the chart kinds, one static table.
 *
 * Each kind lives in its own file, plots/plot_chart_<kind>.c, and exports
 * one plot_kind_ops: how it adds its charts to the plan (and notes what it
 * leaves out), its caption, and how it writes a chart's data file and
 * gnuplot script. plot_charts.c holds the table, in report order. Adding a
 * kind: a value of plot_kind and its extern below, the new file, and its
 * row in plot_kind_table (3 files). */
#ifndef PLOT_KINDS_H
#define PLOT_KINDS_H

#include <stddef.h>
#include <stdio.h>

#include "../common/ss_error.h"

struct plot_data;
struct plot_plan;
struct plot_chart;
struct plot_options;

typedef enum plot_kind {
  PLOT_LATENCY = 0,    /* objective vs one swept parameter, one model */
  PLOT_MAP,            /* decision map over two axes, one model */
  PLOT_BREAKDOWN,      /* per-block times of the best placement, one model */
  PLOT_MODELS,         /* model comparison at the chosen point */
  PLOT_PARETO,         /* purchasing options: price vs weighted latency */
  PLOT_PURCHASE_SWEEP, /* purchase_sweep.csv: the fastest option along the
                          decision axis (axis = that axis) */
  PLOT_TORNADO,        /* sensitivity.csv: best latency, one parameter moved */
  PLOT_SIM_CDF,        /* sim_cdf.csv: latency CDF per policy at one point */
  PLOT_SIM_P99,        /* sim.csv: p99 per policy against the offered load */
  PLOT_SIM_UTIL,       /* sim.csv: utilisation per resource against the load */
  PLOT_REPLAY          /* replay_series_<k>.csv: bandwidth, placement and
                          latency over one trace (model = row of
                          replay_charts.csv) */
} plot_kind;

typedef struct plot_kind_ops {
  plot_kind kind;
  const char *section; /* title of the report section of this kind */
  /* Add this kind's charts to the plan, and a note for each one left out.
   * -1 only when out of memory. */
  int (*plan)(struct plot_plan *p, const struct plot_data *d,
              const struct plot_options *opt);
  /* A one-line description of chart c (plain text). */
  void (*caption)(const struct plot_data *d, const struct plot_chart *c,
                  char *buf, size_t bufsize);
  /* The chart's data file (dat) and script (gp). */
  int (*write)(FILE *gp, FILE *dat, const struct plot_data *d,
               const struct plot_plan *p, const struct plot_chart *c,
               ss_error *err);
} plot_kind_ops;

extern const plot_kind_ops plot_chart_models;    /* plot_chart_models.c */
extern const plot_kind_ops plot_chart_latency;   /* plot_chart_latency.c */
extern const plot_kind_ops plot_chart_map;       /* plot_chart_map.c */
extern const plot_kind_ops plot_chart_breakdown; /* plot_chart_breakdown.c */
extern const plot_kind_ops plot_chart_pareto;    /* plot_chart_pareto.c */
extern const plot_kind_ops
    plot_chart_purchase_sweep;                 /* plot_chart_purchase_sweep.c */
extern const plot_kind_ops plot_chart_tornado; /* plot_chart_tornado.c */
extern const plot_kind_ops plot_chart_sim_p99; /* plot_chart_sim.c */
extern const plot_kind_ops plot_chart_sim_cdf; /* plot_chart_sim.c */
extern const plot_kind_ops plot_chart_sim_util; /* plot_chart_sim.c */
extern const plot_kind_ops plot_chart_replay;   /* plot_chart_replay.c */

/* Every kind, in the order of the plan and of the report's sections. */
extern const plot_kind_ops *const plot_kind_table[];
extern const size_t plot_n_kinds;
/* The ops of kind k (never NULL for a valid kind). */
const plot_kind_ops *plot_kind_find(plot_kind k);

#endif
