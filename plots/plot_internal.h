/* Private to plots/ (and its tests): the CSV reader, the loaded output
 * folder, the chart plan, gnuplot script helpers and the gnuplot runner. */
#ifndef PLOT_INTERNAL_H
#define PLOT_INTERNAL_H

#include <stdio.h>
#include <stdlib.h>

#include "../common/ss_csv.h"
#include "../common/ss_manifest.h"
#include "../common/ss_mem.h"
#include "../profiles/profile.h"
#include "../sim/sim_columns.h"
#include "plot_kinds.h"
#include "plots.h"

/* ---- CSV (RFC 4180) ---------------------------------------------------- */

/* A streaming reader: one record at a time, any file size (the reader is
 * common/ss_csv.h; this adds the cancel check and plain field pointers). */
typedef struct plot_csv {
  ss_csv_reader r;
  const char *path; /* r's copy of the path */
  long line;        /* line where the current record starts (1-based) */
  size_t n;         /* fields of the current record */
  char **fields;    /* n pointers into r's buffer, valid until the next call */
  size_t fcap;
  /* Progress while reading (plot_progress): NULL, or the step named as
   * this file's bytes read plus progress_base, of progress_total bytes. */
  const char *progress_step;
  uint64_t progress_base, progress_total;
} plot_csv;

/* The cancel flag of the call in progress (plot_options.cancel), for the
 * long loops: 1 when set. plot_interrupted fills err ("interrupted") and
 * returns -1. */
void plot_set_cancel(const volatile sig_atomic_t *cancel);
int plot_cancelled(void);
int plot_interrupted(ss_error *err);

/* The progress callback of the call in progress (plot_options.progress,
 * may be NULL), and a report to it (see plot_progress_fn). */
void plot_set_progress(plot_progress_fn fn, void *ctx);
void plot_progress(const char *step, const char *unit, uint64_t done,
                   uint64_t total);

int plot_csv_open(plot_csv *c, const char *path, ss_error *err);
/* Read the next record into c->fields / c->n. Returns 1 for a record, 0 at
 * the end, -1 on a syntax error (a stray or unclosed quote, a NUL byte) or
 * when cancelled. Blank lines are skipped; a UTF-8 byte-order mark at the
 * start too. */
int plot_csv_next(plot_csv *c, ss_error *err);
void plot_csv_close(plot_csv *c);
/* A record's width is checked with ss_csv_check_width(&c->r, ...). */

/* A whole (small) table in memory: the header and every row. */
/* The rows of a table per model (its `model` column), in file order:
 * rows[first[m]] .. rows[first[m + 1] - 1] are model m's; rows of models
 * best.csv does not have are left out. first == NULL: no rows. */
typedef struct plot_model_rows {
  size_t *first; /* n_models + 1 */
  size_t *rows;
} plot_model_rows;

typedef struct plot_table {
  char *path;
  size_t n_cols, n_rows;
  char **header; /* n_cols */
  char **cells;  /* n_rows * n_cols, row-major; cells of one row share one
                    allocation starting at cells[r * n_cols] */
  long *lines;   /* line of each row */
} plot_table;

/* Load path; rows must have as many fields as the header. */
int plot_table_load(plot_table *t, const char *path, ss_error *err);
void plot_table_free(plot_table *t); /* zeroes t; safe on a zeroed table */
/* Column index by exact name, or -1. */
long plot_table_col(const plot_table *t, const char *name);
static inline const char *plot_table_get(const plot_table *t, size_t row,
                                         size_t col) {
  return t->cells[row * t->n_cols + col];
}
/* Cell as a double: NaN when empty; -1 (err: file:line, column) when not a
 * number. */
int plot_table_num(const plot_table *t, size_t row, size_t col, double *out,
                   ss_error *err);
/* Text as a double: NaN when empty; -1 when not a number. */
int plot_parse_cell(const char *s, double *out);

/* ---- the loaded output folder ------------------------------------------ */

#define PLOT_INFEASIBLE (-1)

/* A sweep axis: a best.csv column. */
typedef struct plot_axis {
  char *param;     /* e.g. "links.device-edge.bandwidth_mbps" */
  int form;        /* 0 unknown/values, 1 linear, 2 log (from the yaml) */
  int is_log;      /* drawn on a log scale */
  char *zip;       /* zip group from the yaml, or NULL */
  size_t col;      /* column in best.csv */
  double ref;      /* value at the reference point (scenario.resolved.yaml's
                      reference:, the nearest grid value; else the middle of
                      the axis in sweep order, as the tables' default) */
  size_t n_values; /* distinct values, sorted increasing */
  double *values;
} plot_axis;

/* One model's best row at the chosen point. */
typedef struct plot_best {
  int found; /* a row for this model at the point exists */
  int place; /* placement index, or PLOT_INFEASIBLE */
  double latency_s;
  double objective;
  double *compute_s;  /* n_tiers */
  double *transfer_s; /* n_tiers * n_tiers, [a * n_tiers + b], a < b */
  double *bytes;      /* same layout */
  double return_s;
} plot_best;

/* One tier of a placement: the system and the layers it runs. */
typedef struct plot_tier_range {
  int used;              /* the tier runs at least one block */
  char *system;          /* "None" (or empty) when unused */
  long long first, last; /* profile layer numbers; -1 - -1 when unused */
} plot_tier_range;

typedef struct plot_model {
  char *name;
  char slug[48];   /* safe file-name part: [A-Za-z0-9._-] */
  size_t n_places; /* distinct placements seen (letter = index) */
  char **places;
  size_t places_cap;
  /* per-tier form of the first n_ranged placements, from best.csv's
   * columns ([place * n_tiers + tier]); the others are parsed from their
   * text when needed (plot_place_ranges) */
  plot_tier_range *ranges;
  size_t n_ranged, ranges_cap; /* ranges_cap: in placements */
  char **briefs; /* n_places short forms ("Edge 1-4 + Cloud 5-175"), an
                    entry NULL when the text does not parse; NULL until
                    plot_places_finish */
  plot_best at;  /* at the chosen point */
  int *map;      /* decision map cells [yi * nx + xi]: placement index,
                    PLOT_INFEASIBLE, or -2 when missing; NULL when no map */
} plot_model;

typedef struct plot_data {
  char *outdir;
  char *charts;          /* outdir/charts */
  char *name;            /* scenario name (yaml), else the folder's name */
  char *objective;       /* "latency", "throughput", "bytes", "device_energy" */
  char *profiles;        /* profile store path (resolved), or NULL */
  int profiles_embedded; /* the yaml says null (the embedded store) */
  char *yaml_text;       /* scenario.resolved.yaml, or NULL when absent */
  char *run_json;        /* run.json text, or NULL when absent */
  size_t n_tiers;
  char **tiers;
  int *tier_named; /* n_tiers: 1 when placements use two or more systems of
                      the tier (short forms then name the system) */
  size_t n_axes;
  plot_axis *axes;
  size_t n_models;
  plot_model *models;
  size_t models_cap;
  size_t *model_slots; /* hash of the names: model index + 1, 0 = empty */
  size_t n_slots;      /* a power of two > 2 n_models, or 0 */
  size_t n_points;     /* 1 + largest point index */
  size_t n_best_rows;
  uint64_t best_bytes;  /* size of best.csv (progress of its passes) */
  unsigned best_pass;   /* passes over best.csv begun */
  unsigned best_passes; /* passes planned */
  size_t point;         /* chosen point */
  int point_auto;       /* 1: chosen by the rule (no --point) */
  unsigned point_score; /* with point_auto: tiers in use, summed over the
                           models, at the chosen point */
  int point_found;
  double *point_values; /* axis values at the chosen point (n_axes) */
  long map_x, map_y;    /* axes of the decision map, -1 when none */
  double *map_rows;     /* every axis's value on each map row (y index):
                           [yi * n_axes + a], NaN when not seen */
  char *map_note;       /* why there is no decision map, or NULL */
  /* the smaller tables, loaded whole (empty when the file is absent) */
  plot_table curves, breakpoints, summary, purchase, sensitivity, robust;
  int has_curves, has_breakpoints, has_summary, has_purchase, has_sensitivity,
      has_robust;
  /* curves.csv's and breakpoints.csv's rows per model (charts of one model
   * read only its rows: linear in the models) */
  plot_model_rows curves_rows, breakpoints_rows;
  /* the load simulation (docs/simulation.md), when the scenario has one */
  plot_table sim, sim_cdf;
  int has_sim, has_sim_cdf;
  plot_table replay, replay_charts; /* replay.csv, replay_charts.csv */
  int has_replay, has_replay_charts;
} plot_data;

/* Read the output folder. best.csv is required; the other tables are
 * optional (a chart that needs a missing one is left out). point: the
 * sweep point of the breakdown and comparison charts, or PLOT_POINT_AUTO
 * for the rule of docs/charts.md (the point where the best placements use
 * the most tiers, ties nearest the middle of the sweep). */
int plot_data_load(plot_data *d, const char *outdir, size_t point,
                   ss_error *err);
void plot_data_free(plot_data *d); /* safe on a zeroed struct */
/* Index of a placement text in model m, or -1 (PLOT_INFEASIBLE for the
 * text "infeasible"; -2 when unknown). */
int plot_model_place(const plot_model *m, const char *text);
/* Add a placement to the model's list if new; its index, or -3 (no
 * memory). */
int plot_model_add_place(plot_model *m, const char *text);
long plot_model_index(const plot_data *d, const char *name);
/* Model m's rows in ix (see plot_model_rows): their count, *rows set. */
size_t plot_rows_of(const plot_model_rows *ix, size_t m, const size_t **rows);
/* Letter label of placement index i: "A".."Z", "AA".. (buf >= 8). */
void plot_place_letter(size_t i, char *buf, size_t bufsize);
/* 1 when the breakpoints.csv `fixed` text ("path=value;...") matches the
 * expected values of the axes it names: want[j] for axis j (NaN: any), or,
 * when want is NULL, the reference values (the reference line). Axes in
 * `axis`'s zip group are not checked. */
int plot_fixed_matches(const plot_data *d, const char *fixed, size_t axis,
                       const double *want);
/* 1 when axes a and b advance together (the same axis or zip group). */
int plot_same_group(const plot_data *d, size_t a, size_t b);
/* Label of axis a with the unit, plus its zip companions
 * ("x (Mbps), zipped with y (Mbps)"). */
void plot_axis_label(const plot_data *d, size_t a, char *buf, size_t size);
/* 1 when an earlier axis is in a's zip group (a's charts are the same as
 * that axis's, so they are not drawn). */
int plot_axis_is_companion(const plot_data *d, size_t a);

/* ---- the chart plan ---------------------------------------------------- */

typedef struct plot_chart {
  plot_kind kind;
  size_t model;   /* PLOT_LATENCY, PLOT_MAP, PLOT_BREAKDOWN */
  size_t axis;    /* PLOT_LATENCY */
  char base[160]; /* file name without extension, safe characters */
  int writable;   /* data can be generated from what is loaded */
  /* NULL: the script renders <base>.png and <base>.svg (charts/ folders);
   * "png" or "svg": only that format, into the file <base> itself (a chart
   * written on its own, e.g. `predict --chart FILE`). */
  const char *single_format;
  int untrusted; /* its script is not as splitsim wrote it and was not run */
} plot_chart;

typedef struct plot_plan {
  size_t n;
  plot_chart *charts;
  size_t n_notes;
  char **notes;          /* things left out, for the report */
  prof_set *profiles;    /* the profile store for breakdowns, or NULL */
  int profiles_borrowed; /* 1: opt->profile_set, not freed here */
} plot_plan;

int plot_plan_make(plot_plan *p, const plot_data *d, const plot_options *opt,
                   ss_error *err);
void plot_plan_free(plot_plan *p);
/* Append a chart to the plan; -1 when out of memory. */
int plot_plan_add(plot_plan *p, plot_kind kind, size_t model, size_t axis,
                  const char *base, int writable);
/* A file-name-safe short form of s (at most 40 characters). */
void plot_slug(const char *s, char *out, size_t size);
/* 1 when charts/<base>.gp and .dat both exist. */
int plot_chart_files_exist(const plot_data *d, const char *base);
/* Digits of the model numbers in chart names (2, or 3 from 100 models). */
int plot_index_width(const plot_data *d);
/* Add a formatted note (out of memory: dropped). */
void plot_plan_note(plot_plan *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* A one-line description of a chart (plain text, not escaped). */
void plot_chart_caption(const plot_data *d, const plot_chart *c, char *buf,
                        size_t bufsize);

/* ---- gnuplot scripts --------------------------------------------------- */

/* Write text as a safe single-quoted gnuplot string (see plot_gp_quote).
 * Never as a tic label: gnuplot reads those as a format for the tic's
 * value ('%s' prints the number, a bad '%' fails the script, and the result
 * is cut at about 50 bytes); names are drawn with `set label` instead. */
void plot_gp_str(FILE *fp, const char *text, size_t max_chars);

/* The placement text without unused tiers ("Cloud(None) = -1 - -1"). */
void plot_short_place(const char *text, char *buf, size_t bufsize);

/* ---- placements as tiers (plot_place.c) -------------------------------- */

/* Parse "Device(x) = a - b, Edge(None) = -1 - -1, ..." knowing the tiers
 * (names as in best.csv's columns). System names may hold ", " or ")": a
 * candidate end is accepted only when the range and the next tier's name
 * follow. NULL when it does not parse or no memory; free with
 * plot_tier_ranges_free(r, nt). */
plot_tier_range *plot_place_parse(const char *text, char *const *tiers,
                                  size_t nt);
void plot_tier_ranges_free(plot_tier_range *r, size_t n);
/* Placement `place` of model m per tier (a new array, n_tiers entries):
 * from best.csv's per-tier columns when it was read there, else parsed
 * from its text. NULL when neither works or no memory. */
plot_tier_range *plot_place_ranges(const plot_data *d, const plot_model *m,
                                   int place);
/* Keep the per-tier form of placement `place` (best.csv's columns; kept
 * only when it is the next one, place == m->n_ranged). -1: no memory. */
int plot_model_take_ranges(plot_model *m, size_t place, size_t nt,
                           const char *const *system, const long long *first,
                           const long long *last);
/* Free a model's placements, their tiers and short forms. */
void plot_model_places_free(plot_model *m, size_t nt);
/* Every model's short forms (after every table is read). -1: no memory. */
int plot_places_finish(plot_data *d);
/* The short form of placement text `text` of model m: "Edge 1-4 + Cloud
 * 5-175" (the used tiers, their first and last layer; a tier's system in
 * parentheses where the output's placements use two or more systems of
 * it: d->tier_named), "infeasible", or plot_short_place's form when the
 * text does not parse. */
void plot_place_brief(const plot_data *d, const plot_model *m, const char *text,
                      char *buf, size_t size);
/* A human axis label with its unit for a parameter path, e.g.
 * "device-edge bandwidth (Mbps)". */
void plot_param_label(const char *param, char *buf, size_t bufsize);
/* The objective in words ("device energy" for device_energy). */
const char *plot_objective_name(const char *objective);
/* Label of the objective with its unit, e.g. "end-to-end latency (s)". */
const char *plot_objective_label(const char *objective);
/* Fixed colour of tier i named `name` (device, edge, cloud fixed). */
const char *plot_tier_colour(const char *name, size_t i);
/* Colour of placement index i (PLOT_INFEASIBLE: light grey). */
const char *plot_place_colour(int i);
#define PLOT_TRANSFER_COLOUR "#8C8C8C"
#define PLOT_RETURN_COLOUR "#4D4D4D"

/* 1 when the per-block breakdown of model `model` at the chosen point can
 * be drawn from `profiles`; else 0 and why. */
int plot_breakdown_possible(const plot_data *d, const prof_set *profiles,
                            size_t model, char *why, size_t whysize);

/* 1 when sensitivity.csv (loaded) can be drawn as a tornado chart; else 0
 * and why. */
int plot_tornado_possible(const plot_data *d, char *why, size_t whysize);

/* Write the chart's data file and script, atomically. The script's first
 * line holds a checksum of the rest; with keep_edited the script on disk is
 * left as it is (the caller found it is not as splitsim wrote it: see
 * plot_owner) and *kept is set to 1. */
int plot_write_chart(const plot_data *d, const plot_plan *p,
                     const plot_chart *c, int keep_edited, int *kept,
                     ss_error *err);
/* 1 when a script's text does not match its checksum line (edited). */
int plot_script_edited(const char *text);

/* ---- which files plots may write (plot_owner.c) ------------------------ */

/* The output folder's manifest and the options that widen it. */
typedef struct plot_owner {
  const char *outdir;
  ss_manifest m;
  int force;
} plot_owner;

int plot_owner_open(plot_owner *o, const char *outdir, int force,
                    ss_error *err);
/* Write the manifest (with what was recorded) and free it. */
int plot_owner_close(plot_owner *o, ss_error *err);
/* 1 when outdir/rel is a script exactly as splitsim wrote it. */
int plot_owner_script_ours(const plot_owner *o, const char *rel);
/* 1 when outdir/rel exists (any kind of file). */
int plot_owner_exists(const plot_owner *o, const char *rel);
/* Before writing: every file this call would write is absent or the
 * manifest's (or force); else an error naming the first other one. */
int plot_owner_check(plot_owner *o, const plot_plan *p, const plot_options *opt,
                     int charts, int report, ss_error *err);
/* After writing outdir/rel (or removing it): the manifest follows. */
int plot_owner_record(plot_owner *o, const char *rel, ss_error *err);
/* Remove outdir/rel when the manifest lists it (or force). */
void plot_owner_remove(plot_owner *o, const char *rel);

/* ---- running gnuplot --------------------------------------------------- */

/* Render charts/<base>.gp for every base (in a temporary folder, outputs
 * renamed into charts/ on success), up to `jobs` at once, each killed after
 * timeout_s. *n_ok counts successes. Returns -1 when any failed (err names
 * the first script and gnuplot's message). */
int plot_render(const char *charts_dir, const char *gnuplot,
                const char *const *bases, size_t n, int jobs, double timeout_s,
                size_t *n_ok, ss_error *err);

/* ---- the report -------------------------------------------------------- */

/* Write report.html and report.md (sum may be NULL). */
int plot_report_write(const plot_data *d, const plot_plan *p,
                      const plot_options *opt, const plot_summary *sum,
                      ss_error *err);

/* ---- small helpers ----------------------------------------------------- */

/* qsort that accepts (NULL, 0). */
static inline void plot_sort(void *base, size_t n, size_t size,
                             int (*cmp)(const void *, const void *)) {
  if (n > 1)
    qsort(base, n, size, cmp);
}
char *plot_path_join(const char *dir, const char *name); /* caller frees */
int plot_file_exists(const char *path);
/* Format a double for data files (shortest round-trip; "NaN" for NaN). */
void plot_put_num(FILE *fp, double v);
/* Escape text for HTML (also drops control characters except \n \t). */
void plot_html_escape(FILE *fp, const char *s);

/* ---- the load simulation (plot_chart_sim.c) --------------------------- */

/* Sweep points of sim.csv (0 when it lacks the columns the charts need). */
size_t plot_sim_points(const plot_data *d);
/* The point the CDF chart shows: the highest offered load at which every
 * policy is stable (status ok), else the highest at which one is, else 0.
 * *load_rps: the offered load there. */
size_t plot_sim_cdf_point(const plot_data *d, double *load_rps);
/* One sentence per policy of client group 0 saying up to which offered
 * load it stays stable and where it breaks down (status not ok, or more
 * than 1% deadline misses). Writes up to max lines of size line_size into
 * lines; returns how many. */
size_t plot_sim_breakdown(const plot_data *d, char *lines, size_t max,
                          size_t line_size);

/* ---- the report's headline (plot_findings.c) ---------------------------- */

/* The first swept axis with two or more values (decision rules are stated
 * along it); -1 when none. */
long plot_decision_axis(const plot_data *d);
/* "model, along <axis>: below X P1; X to Y P2; above Y P3" from the
 * breakpoints on the reference line. Caller frees; NULL: no memory. */
char *plot_rule_text(const plot_data *d, size_t m);
/* The purchasing recommendation (best gain per total cost of ownership,
 * the option fastest across the sweep, the sensitivity swing); NULL when
 * there is no purchasing study. Caller frees. */
char *plot_purchase_text(const plot_data *d);
/* The sensitivity study in one line (sensitivity.csv): the parameter that
 * moves the weighted best latency most, by how much, against the next one
 * and against the largest purchase gain (purchase.csv); NULL without the
 * study. Caller frees. */
char *plot_sensitivity_text(const plot_data *d);
/* The robustness study in one line (robust.csv): per model whose robust
 * placement differs from the optimum at the reference point, which one to
 * prefer and what it buys (p95, deadline); else that the optimum is also
 * robust. NULL without the study. Caller frees. */
char *plot_robust_text(const plot_data *d);

#endif
