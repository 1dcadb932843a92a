/* sim studies: what-if analytics on top of the scenario engine
 * (docs/studies.md).
 *
 *   purchase:     hardware purchasing options -> purchase.csv,
 *                 purchase_models.csv (and purchase_sweep.csv with a sweep)
 *   uncertainty:  Monte Carlo robustness of placements -> robust.csv
 *   sensitivity:  one-at-a-time parameter moves -> sensitivity.csv,
 *                 sensitivity_models.csv
 *
 * Every study evaluates latency (the scenario's constraints apply; its
 * objective does not), at the scenario's reference point (`reference:`,
 * by default the middle of each axis) unless said otherwise. Library code:
 * never prints, never exits; errors fill an ss_error (semantic errors point at
 * the scenario's line and column). */
#ifndef SIM_SIM_STUDY_H
#define SIM_SIM_STUDY_H

#include <stddef.h>

#include "sim.h"

/* ---- the studies, one static table ------------------------------------
 *
 * Each study is a row: whether a scenario asks for it, how to run it and
 * write its files, how to free its result, and the files it writes. Adding
 * a study: its file with its row (sim_<study>.c), the extern below, its
 * entry in sim_study_table (sim_study_common.c), and its section in
 * scenarios/ (scn_study.c, scenario.h). */
typedef struct sim_study_ops {
  const char *section; /* the scenario section: "purchase", ... */
  int (*present)(const scn_scenario *s);
  /* Run the study; *result is freed with free_result. */
  int (*run)(const sim_engine *e, const scn_scenario *s, const prof_set *set,
             const sim_options *opt, void **result, ss_error *err);
  int (*write)(const void *result, const scn_scenario *s, const char *outdir,
               ss_error *err);
  void (*free_result)(void *result);
  const char *files[4];   /* files it writes (NULL-terminated) */
  const char *sweep_file; /* one more with more than one sweep point */
} sim_study_ops;

extern const sim_study_ops sim_study_purchase;    /* sim_purchase.c */
extern const sim_study_ops sim_study_robust;      /* sim_robust.c */
extern const sim_study_ops sim_study_sensitivity; /* sim_sensitivity.c */
/* In the order they run and list their files. */
extern const sim_study_ops *const sim_study_table[];
extern const size_t sim_n_studies;

/* 1 when s has at least one study section. */
int sim_studies_present(const scn_scenario *s);

/* Write the files of every study section s has (nothing when it has none)
 * into the existing folder outdir, each atomically. e must be the engine
 * built from s and set (it gives the model list); set must hold every
 * system the studies name. Deterministic: the same bytes for any
 * opt->jobs. */
int sim_write_studies(const sim_engine *e, const scn_scenario *s,
                      const prof_set *set, const char *outdir,
                      const sim_options *opt, ss_error *err);

/* ---- purchasing study -------------------------------------------------- */

/* One option set: the baseline, one option, or a combination. */
typedef struct sim_purchase_row {
  char *option;     /* "baseline", the option's name, or names joined '+' */
  uint64_t options; /* bit i: option i of the section is bought */
  size_t n_options;
  double price, yearly_cost, power_w;
  double cost_per_year; /* price / years + yearly_cost */
  double tco;           /* total cost of ownership: price + yearly_cost x
                           horizon_years */
  int within_budget;    /* 1/0; -1 without a budget */
  int estimated;        /* 1 when an option in it has scale != 1 */
  /* per sweep point, then the reference point (n_points + 1 entries each;
   * index n_points = sim_purchase_result.ref is the reference) */
  double *weighted_latency_s;        /* NaN when some model is infeasible */
  double *weighted_throughput_per_s; /* of each model's latency-best
                                        placement; NaN likewise */
  double *gain_s;                    /* baseline minus this */
  double *gain_pct;                  /* gain_s / baseline's latency x 100 */
  unsigned char *pareto;             /* tco vs weighted latency */
  /* over the sweep points */
  size_t points_fastest; /* points where it is the fastest row */
  double mean_gain_s;    /* mean of gain_s over the points (each once) */
  double mean_gain_pct;  /* mean of gain_pct likewise */
} sim_purchase_row;

/* The best placement of one model under one option set (reference point). */
typedef struct sim_purchase_pick {
  int feasible;
  char *placement; /* placement text; NULL when infeasible */
  double latency_s, throughput_per_s;
  int estimated; /* the placement runs blocks on an estimated system */
} sim_purchase_pick;

typedef struct sim_purchase_result {
  size_t n_points; /* sweep points evaluated (all of the scenario's) */
  size_t ref;      /* index of the reference point in the row arrays */
  double horizon_years;
  size_t n_rows; /* baseline first, then each option, then combinations */
  sim_purchase_row *rows;
  size_t n_models;
  char **models;            /* model names */
  double *weights;          /* n_models */
  sim_purchase_pick *picks; /* [row * n_models + model], reference point */
} sim_purchase_result;

/* Run the purchasing study of s (s->purchase must be set). Caller frees
 * *out with sim_purchase_result_free. */
int sim_purchase_run(const sim_engine *e, const scn_scenario *s,
                     const prof_set *set, const sim_options *opt,
                     sim_purchase_result **out, ss_error *err);
void sim_purchase_result_free(sim_purchase_result *r); /* NULL: no-op */
/* The fastest row at point p (< n_points, or ref): lowest weighted
 * latency, then lowest tco, then row order; -1 when none is feasible. */
long sim_purchase_fastest(const sim_purchase_result *r, size_t p);
/* purchase.csv, purchase_models.csv and, with more than one sweep point,
 * purchase_sweep.csv. */
int sim_purchase_write(const sim_purchase_result *r, const scn_scenario *s,
                       const char *outdir, ss_error *err);

/* ---- robustness under uncertainty (Monte Carlo) ------------------------ */

typedef struct sim_robust_row {
  size_t model;             /* index into sim_robust_result.models */
  size_t rank;              /* 1 = the robust placement of its model */
  char *placement;          /* placement text */
  double nominal_latency_s; /* every parameter at its scenario value */
  int nominal_best;         /* 1: the optimum without uncertainty */
  double mean_s, sd_s, p50_s, p95_s, p99_s;
  double p_meet_deadline;   /* NaN without a deadline */
  double p_optimal;         /* share of samples where it is the best */
  double expected_regret_s; /* mean of (its latency - the sample's best) */
} sim_robust_row;

typedef struct sim_robust_result {
  size_t n_models;
  char **models;
  size_t *n_placements; /* per model: placements evaluated */
  size_t n_rows;        /* models in order, each by rank */
  sim_robust_row *rows;
  size_t samples;
} sim_robust_result;

/* Run the Monte Carlo study of s (s->uncertainty must be set) at the
 * reference point, on opt->jobs threads. Caller frees *out. */
int sim_robust_run(const sim_engine *e, const scn_scenario *s,
                   const prof_set *set, const sim_options *opt,
                   sim_robust_result **out, ss_error *err);
void sim_robust_result_free(sim_robust_result *r); /* NULL: no-op */
int sim_robust_write(const sim_robust_result *r, const scn_scenario *s,
                     const char *outdir, ss_error *err);

/* ---- sensitivity ------------------------------------------------------- */

typedef struct sim_sens_row {
  char *parameter; /* a parameter path */
  double base, low_value, high_value;
  /* best latency: workload-weighted mean over the models (NaN when some
   * model is infeasible) */
  double best_low_s, best_base_s, best_high_s;
  double effect_s; /* |best_high_s - best_low_s| */
  double *model_low_s, *model_base_s, *model_high_s; /* per model */
} sim_sens_row;

typedef struct sim_sens_result {
  double range_pct;
  size_t n_models;
  char **models;
  double *weights;
  size_t n_rows; /* sorted by effect_s, largest first */
  sim_sens_row *rows;
} sim_sens_result;

int sim_sensitivity_run(const sim_engine *e, const scn_scenario *s,
                        const prof_set *set, const sim_options *opt,
                        sim_sens_result **out, ss_error *err);
void sim_sens_result_free(sim_sens_result *r); /* NULL: no-op */
/* sensitivity.csv and sensitivity_models.csv. */
int sim_sensitivity_write(const sim_sens_result *r, const char *outdir,
                          ss_error *err);

#endif
