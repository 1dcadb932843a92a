/* Load a scenario output folder: best.csv (streamed, any size), the smaller
 * tables, and the few facts charts need from scenario.resolved.yaml (name,
 * profile store, objective, sweep forms and zip groups). */
#include "plot_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../common/ss_io.h"
#include "../scenarios/scenario.h"
#include "../scenarios/scn_resolved.h"
#include "../sim/sim.h"
#include "../solver/solver.h"

#define PLOT_MAX_TEXT_BYTES ((size_t)16 * 1024 * 1024)

/* ---- scenario.resolved.yaml (read by scenarios/, its writer) ----------- */

/* The facts of the resolved scenario; a file that is not YAML gives none
 * (the charts then use the folder name and the defaults). -1: no memory. */
static int read_facts(const char *text, const char *outdir, scn_resolved *y,
                      ss_error *err) {
  ss_error e;
  ss_error_clear(&e);
  if (scn_resolved_read(text, strlen(text), "scenario.resolved.yaml", y, &e) ==
      0)
    return 0;
  return e.kind == SS_ERR_OOM ? ss_error_oom(err, outdir, NULL) : 0;
}

/* ---- helpers ----------------------------------------------------------- */

static size_t name_hash(const char *s) {
  size_t h = 1469598103934665603ULL;
  for (; *s; s++)
    h = (h ^ (unsigned char)*s) * 1099511628211ULL;
  return h;
}

/* The model named name: a hash lookup (one per row of every table, so a
 * linear search would make loading quadratic in the models). */
long plot_model_index(const plot_data *d, const char *name) {
  if (!d->n_slots)
    return -1;
  for (size_t i = name_hash(name) & (d->n_slots - 1);;
       i = (i + 1) & (d->n_slots - 1)) {
    size_t v = d->model_slots[i];
    if (v == 0)
      return -1;
    if (strcmp(d->models[v - 1].name, name) == 0)
      return (long)(v - 1);
  }
}

/* Room for one more model (array and hash). */
static int models_grow(plot_data *d) {
  void *models = d->models;
  if (ss_grow(&models, &d->models_cap, d->n_models + 1, sizeof *d->models,
              16) != 0)
    return -1;
  d->models = models;
  if (2 * (d->n_models + 1) < d->n_slots)
    return 0;
  size_t ns = d->n_slots ? 2 * d->n_slots : 64;
  size_t *slots = calloc(ns, sizeof *slots);
  if (!slots)
    return -1;
  for (size_t m = 0; m < d->n_models; m++) {
    size_t i = name_hash(d->models[m].name) & (ns - 1);
    while (slots[i])
      i = (i + 1) & (ns - 1);
    slots[i] = m + 1;
  }
  free(d->model_slots);
  d->model_slots = slots;
  d->n_slots = ns;
  return 0;
}

static void models_index_last(plot_data *d) {
  size_t m = d->n_models - 1;
  size_t i = name_hash(d->models[m].name) & (d->n_slots - 1);
  while (d->model_slots[i])
    i = (i + 1) & (d->n_slots - 1);
  d->model_slots[i] = m + 1;
}

int plot_model_place(const plot_model *m, const char *text) {
  if (strcmp(text, "infeasible") == 0 || !text[0])
    return PLOT_INFEASIBLE;
  for (size_t i = 0; i < m->n_places; i++)
    if (strcmp(m->places[i], text) == 0)
      return (int)i;
  return -2;
}

int plot_model_add_place(plot_model *m, const char *text) {
  int i = plot_model_place(m, text);
  if (i != -2)
    return i;
  void *np = m->places;
  if (ss_grow(&np, &m->places_cap, m->n_places + 1, sizeof *m->places, 4) != 0)
    return -3;
  m->places = np;
  if (!(m->places[m->n_places] = ss_strdup(text)))
    return -3;
  return (int)m->n_places++;
}

void plot_place_letter(size_t i, char *buf, size_t bufsize) {
  char tmp[16];
  size_t k = 0;
  size_t v = i + 1; /* bijective base 26: A..Z, AA.. */
  while (v > 0 && k < sizeof tmp - 1) {
    v--;
    tmp[k++] = (char)('A' + v % 26);
    v /= 26;
  }
  size_t j = 0;
  while (k > 0 && j + 1 < bufsize)
    buf[j++] = tmp[--k];
  buf[j] = 0;
}

static void make_slug(const char *name, char *slug, size_t size) {
  size_t k = 0;
  for (const unsigned char *p = (const unsigned char *)name;
       *p && k + 1 < size && k < 40; p++) {
    unsigned c = *p;
    int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
             (c >= '0' && c <= '9') || c == '_' || c == '-' ||
             (c == '.' && k > 0);
    slug[k++] = ok ? (char)c : '_';
  }
  if (k == 0)
    slug[k++] = '_';
  slug[k] = 0;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static int near_equal(double a, double b) {
  return fabs(a - b) <= 1e-9 * fmax(fabs(a), fabs(b)) || a == b;
}

/* Find v among the sorted distinct values; -1 when absent. */
static long value_index(const plot_axis *a, double v) {
  size_t lo = 0, hi = a->n_values;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (a->values[mid] < v)
      lo = mid + 1;
    else
      hi = mid;
  }
  if (lo < a->n_values && a->values[lo] == v)
    return (long)lo;
  return -1;
}

int plot_same_group(const plot_data *d, size_t a, size_t b) {
  return a == b || (d->axes[a].zip && d->axes[b].zip &&
                    strcmp(d->axes[a].zip, d->axes[b].zip) == 0);
}

int plot_axis_is_companion(const plot_data *d, size_t a) {
  for (size_t b = 0; b < a; b++)
    if (plot_same_group(d, a, b))
      return 1;
  return 0;
}

void plot_axis_label(const plot_data *d, size_t a, char *buf, size_t size) {
  plot_param_label(d->axes[a].param, buf, size);
  int first = 1;
  for (size_t b = 0; b < d->n_axes; b++) {
    if (b == a || !plot_same_group(d, a, b))
      continue;
    char lab[256];
    size_t k = strlen(buf);
    plot_param_label(d->axes[b].param, lab, sizeof lab);
    snprintf(buf + k, size - k, "%s%s", first ? ", zipped with " : ", ", lab);
    first = 0;
  }
}

int plot_fixed_matches(const plot_data *d, const char *fixed, size_t axis,
                       const double *want) {
  for (size_t j = 0; j < d->n_axes; j++) {
    if (plot_same_group(d, j, axis))
      continue;
    const char *param = d->axes[j].param;
    size_t plen = strlen(param);
    const char *hit = NULL;
    for (const char *s = fixed; (s = strstr(s, param)) != NULL; s++) {
      if ((s == fixed || s[-1] == ';') && s[plen] == '=') {
        hit = s + plen + 1;
        break;
      }
    }
    if (!hit)
      continue;
    char *end;
    double v = strtod(hit, &end);
    if (end == hit || (*end && *end != ';'))
      return 0;
    double w = want ? want[j] : d->axes[j].ref;
    if (!isnan(w) && !near_equal(v, w))
      return 0;
  }
  return 1;
}

/* Decide whether a swept axis is drawn on a log scale: the yaml says log:,
 * or (values: or unknown) its values are positive, span at least a factor
 * of 10 and are evenly spaced in log10. */
static int looks_log(const plot_axis *a) {
  if (a->form == 2)
    return a->values && a->n_values && a->values[0] > 0;
  if (a->form == 1 || a->n_values < 3 || a->values[0] <= 0)
    return 0;
  double lo = a->values[0], hi = a->values[a->n_values - 1];
  if (hi / lo < 10)
    return 0;
  double step = log10(hi / lo) / (double)(a->n_values - 1);
  for (size_t i = 1; i < a->n_values; i++)
    if (fabs(log10(a->values[i] / a->values[i - 1]) - step) > 0.02 * step)
      return 0;
  return 1;
}

/* ---- best.csv ---------------------------------------------------------- */

typedef struct best_cols {
  long point, model, placement, latency, objective, ret;
  long *compute;  /* n_tiers */
  long *transfer; /* n_tiers^2 */
  long *bytes;
  long *sys, *first, *last; /* n_tiers: system.<tier>, first_layer.<tier>,
                               last_layer.<tier> (-1 when absent) */
} best_cols;

static void best_cols_free(best_cols *b) {
  free(b->compute);
  free(b->transfer);
  free(b->bytes);
  free(b->sys);
  free(b->first);
  free(b->last);
}

static long col_of(const plot_csv *c, const char *name) {
  for (size_t i = 0; i < c->n; i++)
    if (strcmp(c->fields[i], name) == 0)
      return (long)i;
  return -1;
}

static int read_header(plot_data *d, plot_csv *c, best_cols *b, ss_error *err) {
  b->point = col_of(c, SIM_COL_POINT);
  b->model = col_of(c, SIM_COL_MODEL);
  b->placement = col_of(c, SIM_COL_PLACEMENT);
  b->latency = col_of(c, SIM_COL_LATENCY_S);
  b->objective = col_of(c, SIM_COL_OBJECTIVE);
  b->ret = col_of(c, SIM_COL_RETURN_S);
  const char *need[] = {"point", "model", "placement", "latency_s"};
  long have[] = {b->point, b->model, b->placement, b->latency};
  for (size_t i = 0; i < 4; i++)
    if (have[i] < 0)
      return ss_error_set(err, c->path, "1", "missing column '%s'", need[i]);
  if (b->point != 0 || b->model < 1)
    return ss_error_set(err, c->path, "1",
                        "expected 'point', the axis columns, then 'model'");
  d->n_axes = (size_t)b->model - 1;
  if (d->n_axes) {
    d->axes = calloc(d->n_axes, sizeof *d->axes);
    if (!d->axes)
      return ss_error_oom(err, c->path, NULL);
  }
  for (size_t i = 0; i < d->n_axes; i++) {
    d->axes[i].col = i + 1;
    d->axes[i].ref = NAN;
    if (!(d->axes[i].param = ss_strdup(c->fields[i + 1])))
      return ss_error_oom(err, c->path, NULL);
  }
  size_t tiers_cap = 0;
  for (size_t i = 0; i < c->n; i++)
    if (strncmp(c->fields[i], "compute_s.", 10) == 0) {
      void *tiers = d->tiers;
      if (ss_grow(&tiers, &tiers_cap, d->n_tiers + 1, sizeof *d->tiers, 4) != 0)
        return ss_error_oom(err, c->path, NULL);
      d->tiers = tiers;
      if (!(d->tiers[d->n_tiers++] = ss_strdup(c->fields[i] + 10)))
        return ss_error_oom(err, c->path, NULL);
    }
  size_t nt = d->n_tiers;
  b->compute = malloc((nt ? nt : 1) * sizeof *b->compute);
  size_t nn = nt * nt + 1;
  b->transfer = malloc(nn * sizeof *b->transfer);
  b->bytes = malloc(nn * sizeof *b->bytes);
  b->sys = malloc((nt ? nt : 1) * sizeof *b->sys);
  b->first = malloc((nt ? nt : 1) * sizeof *b->first);
  b->last = malloc((nt ? nt : 1) * sizeof *b->last);
  if (!b->compute || !b->transfer || !b->bytes || !b->sys || !b->first ||
      !b->last)
    return ss_error_oom(err, c->path, NULL);
  for (size_t t = 0; t < nt; t++) {
    char name[600];
    snprintf(name, sizeof name, SIM_COL_SYSTEM "%s", d->tiers[t]);
    b->sys[t] = col_of(c, name);
    snprintf(name, sizeof name, SIM_COL_FIRST_LAYER "%s", d->tiers[t]);
    b->first[t] = col_of(c, name);
    snprintf(name, sizeof name, SIM_COL_LAST_LAYER "%s", d->tiers[t]);
    b->last[t] = col_of(c, name);
    snprintf(name, sizeof name, SIM_COL_COMPUTE_S "%s", d->tiers[t]);
    b->compute[t] = col_of(c, name);
    for (size_t u = 0; u < nt; u++) {
      snprintf(name, sizeof name, SIM_COL_TRANSFER_S "%s-%s", d->tiers[t],
               d->tiers[u]);
      b->transfer[t * nt + u] = t < u ? col_of(c, name) : -1;
      snprintf(name, sizeof name, SIM_COL_BYTES "%s-%s", d->tiers[t],
               d->tiers[u]);
      b->bytes[t * nt + u] = t < u ? col_of(c, name) : -1;
    }
  }
  return 0;
}

static int field_num(const plot_csv *c, long col, double *out, ss_error *err) {
  if (col < 0) {
    *out = NAN;
    return 0;
  }
  if (plot_parse_cell(c->fields[col], out) == 0)
    return 0;
  char where[32];
  snprintf(where, sizeof where, "%ld", c->line);
  return ss_error_set(err, c->path, where, "not a number: '%.40s'",
                      c->fields[col]);
}

static int alloc_best(plot_best *b, size_t nt) {
  b->compute_s = calloc(nt + 1, sizeof(double));
  b->transfer_s = calloc(nt * nt + 1, sizeof(double));
  b->bytes = calloc(nt * nt + 1, sizeof(double));
  return (b->compute_s && b->transfer_s && b->bytes) ? 0 : -1;
}

typedef struct grow_vals {
  double *v;
  size_t n, cap;
} grow_vals;

static int push_val(grow_vals *g, double v) {
  void *vals = g->v;
  if (ss_grow(&vals, &g->cap, g->n + 1, sizeof *g->v, 64) != 0)
    return -1;
  g->v = vals;
  g->v[g->n++] = v;
  return 0;
}

/* A new placement of a best.csv row: keep its per-tier columns (when
 * best.csv has them and every cell reads). -1: no memory. */
static int take_row_ranges(const plot_data *d, const plot_csv *c,
                           const best_cols *b, plot_model *m, size_t place) {
  size_t nt = d->n_tiers;
  const char *sys[64];
  long long first[64], last[64];
  if (nt > 64)
    return 0;
  for (size_t t = 0; t < nt; t++) {
    if (b->sys[t] < 0 || b->first[t] < 0 || b->last[t] < 0 ||
        ss_parse_int64(c->fields[b->first[t]], &first[t]) != 0 ||
        ss_parse_int64(c->fields[b->last[t]], &last[t]) != 0)
      return 0;
    sys[t] = c->fields[b->sys[t]];
  }
  return plot_model_take_ranges(m, place, nt, sys, first, last);
}

/* Copy the numbers of a best.csv row into model m's plot_best (the row of
 * the chosen point). */
static int take_point_row(plot_data *d, const plot_csv *c, const best_cols *b,
                          plot_model *m, int pi, const double *row_vals,
                          ss_error *err) {
  plot_best *bb = &m->at;
  bb->found = 1;
  d->point_found = 1;
  for (size_t a = 0; a < d->n_axes; a++)
    d->point_values[a] = row_vals[a];
  bb->place = pi;
  if (field_num(c, b->latency, &bb->latency_s, err) != 0 ||
      field_num(c, b->objective, &bb->objective, err) != 0 ||
      field_num(c, b->ret, &bb->return_s, err) != 0)
    return -1;
  size_t nt = d->n_tiers;
  for (size_t t = 0; t < nt; t++) {
    if (field_num(c, b->compute[t], &bb->compute_s[t], err) != 0)
      return -1;
    for (size_t u = 0; u < nt; u++)
      if (field_num(c, b->transfer[t * nt + u], &bb->transfer_s[t * nt + u],
                    err) != 0 ||
          field_num(c, b->bytes[t * nt + u], &bb->bytes[t * nt + u], err) != 0)
        return -1;
  }
  if (pi >= 0 && isnan(bb->latency_s)) {
    char where[32];
    snprintf(where, sizeof where, "%ld", c->line);
    return ss_error_set(err, c->path, where, "column latency_s: empty");
  }
  return 0;
}

/* Scores of the sweep points for choosing the default point: the tiers
 * that compute something, summed over the models. Points past
 * MAX_SCORED_POINTS score 0 (a best.csv that large is never read whole
 * into memory). */
#define MAX_SCORED_POINTS ((size_t)1 << 24)

typedef struct point_scores {
  unsigned *v;
  size_t n, cap;
} point_scores;

static int score_add(point_scores *s, size_t pt, unsigned add) {
  if (pt >= MAX_SCORED_POINTS)
    return 0;
  if (pt >= s->cap) {
    size_t old_cap = s->cap;
    void *v = s->v;
    if (ss_grow(&v, &s->cap, pt + 1, sizeof *s->v, 256) != 0)
      return -1;
    s->v = v;
    memset(s->v + old_cap, 0, (s->cap - old_cap) * sizeof *s->v);
  }
  if (pt >= s->n)
    s->n = pt + 1;
  s->v[pt] += add;
  return 0;
}

/* The default point (docs/charts.md, "The chosen point"): the one where
 * the models' best placements use the most tiers in all; ties go to the
 * point nearest the middle of the sweep (index n_points / 2), then the
 * lower index. With no scores (or all equal) that is the middle. Only
 * points that have rows are candidates. */
static size_t choose_point(const plot_data *d, const point_scores *s,
                           const unsigned char *seen, size_t n_seen,
                           size_t fallback) {
  size_t mid_pt = d->n_points / 2, best = fallback;
  unsigned best_score = 0;
  int have = 0;
  for (size_t p = 0; p < n_seen && p < d->n_points; p++) {
    if (!seen[p])
      continue;
    unsigned sc = p < s->n ? s->v[p] : 0;
    size_t dist = p > mid_pt ? p - mid_pt : mid_pt - p;
    size_t bdist = best > mid_pt ? best - mid_pt : mid_pt - best;
    if (!have || sc > best_score || (sc == best_score && dist < bdist)) {
      best = p;
      best_score = sc;
      have = 1;
    }
  }
  return best;
}

#define BEST_STEP "reading best.csv"

/* Open best.csv for one more pass, reporting progress over all passes. */
static int open_best(plot_data *d, plot_csv *c, const char *path,
                     ss_error *err) {
  if (plot_csv_open(c, path, err) != 0)
    return -1;
  if (d->best_pass < d->best_passes) {
    c->progress_step = BEST_STEP;
    c->progress_base = d->best_pass * d->best_bytes;
    c->progress_total = d->best_passes * d->best_bytes;
  }
  d->best_pass++;
  return 0;
}

/* The axis's values, sorted and distinct, from its column in one model's
 * rows (seq, in point order), and its default reference: the middle of its
 * values in sweep order (scn_middle_index of the distinct values in the
 * order they first appear), as scenarios/scn_reference.c defines it for the
 * tables. -1: no memory. */
static int axis_values(plot_axis *ax, const grow_vals *seq) {
  double *v = malloc((seq->n ? seq->n : 1) * sizeof *v);
  if (!v)
    return -1;
  memcpy(v, seq->v, seq->n * sizeof *v);
  plot_sort(v, seq->n, sizeof *v, cmp_double);
  size_t k = 0;
  for (size_t i = 0; i < seq->n; i++)
    if (k == 0 || v[i] != v[k - 1])
      v[k++] = v[i];
  ax->values = v;
  ax->n_values = k;
  unsigned char *seen = calloc(k ? k : 1, 1);
  if (!seen)
    return -1;
  size_t want = scn_middle_index(k), rank = 0;
  for (size_t i = 0; i < seq->n; i++) {
    const double *at = bsearch(&seq->v[i], v, k, sizeof *v, cmp_double);
    if (!at || seen[at - v])
      continue;
    seen[at - v] = 1;
    if (rank++ == want) {
      ax->ref = *at;
      break;
    }
  }
  free(seen);
  return 0;
}

/* Pass 1 over best.csv and what its steps share. */
typedef struct pass1 {
  plot_data *d;
  const char *path;
  best_cols *b;
  plot_csv c;
  size_t ncols;
  grow_vals *vals;  /* per axis: the first model's values, in row order */
  double *row_vals; /* per axis: this row's value */
  int *last_place;  /* per model: the placement of its previous row */
  size_t last_cap;
  point_scores sc;     /* with d->point_auto: the score of each point */
  unsigned char *seen; /* with d->point_auto: the points seen */
  size_t seen_cap;
  long first_model;
  size_t first_pt;
} pass1;

/* The index of model mname, added (with no placement yet) when new; -1: no
 * memory. */
static long pass1_model(pass1 *p, const char *mname) {
  plot_data *d = p->d;
  long mi = plot_model_index(d, mname);
  if (mi >= 0)
    return mi;
  if (models_grow(d) != 0)
    return -1;
  plot_model *m = &d->models[d->n_models];
  memset(m, 0, sizeof *m);
  if (!(m->name = ss_strdup(mname)) || alloc_best(&m->at, d->n_tiers) != 0) {
    d->n_models++;
    return -1;
  }
  make_slug(mname, m->slug, sizeof m->slug);
  mi = (long)d->n_models++;
  models_index_last(d);
  void *nl = p->last_place;
  if (ss_grow(&nl, &p->last_cap, d->n_models, sizeof *p->last_place, 16) != 0)
    return -1;
  p->last_place = nl;
  p->last_place[mi] = -2;
  return mi;
}

/* The index of this row's placement in model mi, added when new; -3: no
 * memory. */
static int pass1_place(pass1 *p, long mi) {
  plot_model *m = &p->d->models[mi];
  const char *ptext = p->c.fields[p->b->placement];
  int pi = p->last_place[mi];
  if (pi < 0 || strcmp(m->places[pi], ptext) != 0) {
    size_t before = m->n_places;
    pi = plot_model_add_place(m, ptext);
    if (pi == -3)
      return -3;
    p->last_place[mi] = pi;
    if (m->n_places > before &&
        take_row_ranges(p->d, &p->c, p->b, m, (size_t)pi) != 0)
      return -3;
  }
  return pi;
}

/* With d->point_auto: scores point pt by the tiers this row computes on and
 * marks it seen. -1: no memory. */
static int pass1_score(pass1 *p, size_t pt, int pi) {
  const best_cols *b = p->b;
  unsigned used = 0;
  for (size_t t = 0; pi >= 0 && t < p->d->n_tiers; t++) {
    double v;
    if (b->compute[t] >= 0 &&
        plot_parse_cell(p->c.fields[b->compute[t]], &v) == 0 && v > 0)
      used++;
  }
  if (score_add(&p->sc, pt, used) != 0)
    return -1;
  if (pt < MAX_SCORED_POINTS) {
    if (pt >= p->seen_cap) {
      size_t old_cap = p->seen_cap;
      void *ns = p->seen;
      if (ss_grow(&ns, &p->seen_cap, pt + 1, 1, 256) != 0)
        return -1;
      p->seen = ns;
      memset(p->seen + old_cap, 0, p->seen_cap - old_cap);
    }
    p->seen[pt] = 1;
  }
  return 0;
}

/* One data row of best.csv. */
static int pass1_row(pass1 *p, ss_error *err) {
  plot_data *d = p->d;
  plot_csv *c = &p->c;
  const best_cols *b = p->b;
  char where[32];
  snprintf(where, sizeof where, "%ld", c->line);
  if (ss_csv_check_width(&c->r, p->ncols, err) != 0)
    return -1;
  long long pt;
  if (ss_parse_int64(c->fields[b->point], &pt) != 0 || pt < 0)
    return ss_error_set(err, p->path, where,
                        "column point: not a point index: '%.40s'",
                        c->fields[b->point]);
  if (d->n_best_rows++ == 0)
    p->first_pt = (size_t)pt;
  if ((size_t)pt + 1 > d->n_points)
    d->n_points = (size_t)pt + 1;
  long mi = pass1_model(p, c->fields[b->model]);
  if (mi < 0)
    return ss_error_oom(err, p->path, NULL);
  plot_model *m = &d->models[mi];
  int pi = pass1_place(p, mi);
  if (pi == -3)
    return ss_error_oom(err, p->path, NULL);
  for (size_t a = 0; a < d->n_axes; a++)
    if (field_num(c, (long)d->axes[a].col, &p->row_vals[a], err) != 0 ||
        isnan(p->row_vals[a])) {
      if (isnan(p->row_vals[a]))
        ss_error_set(err, p->path, where, "column %s: empty", d->axes[a].param);
      return -1;
    }
  if (p->first_model < 0)
    p->first_model = mi;
  if (mi == p->first_model)
    for (size_t a = 0; a < d->n_axes; a++)
      if (push_val(&p->vals[a], p->row_vals[a]) != 0)
        return ss_error_oom(err, p->path, NULL);
  if (d->point_auto) {
    if (pass1_score(p, (size_t)pt, pi) != 0)
      return ss_error_oom(err, p->path, NULL);
  } else if ((size_t)pt == d->point && !m->at.found) {
    if (take_point_row(d, c, b, m, pi, p->row_vals, err) != 0)
      return -1;
  }
  return 0;
}

/* After the last row: the chosen point and the axes' values. */
static int pass1_finish(pass1 *p, ss_error *err) {
  plot_data *d = p->d;
  if (d->n_models == 0)
    return ss_error_set(err, p->path, NULL, "no rows");
  if (d->point_auto) {
    d->point = choose_point(d, &p->sc, p->seen, p->seen_cap, p->first_pt);
    d->point_score = d->point < p->sc.n ? p->sc.v[d->point] : 0;
  } else if (!d->point_found) {
    return ss_error_set(err, p->path, NULL,
                        "no sweep point %zu (the points are 0 to %zu)",
                        d->point, d->n_points - 1);
  }
  for (size_t a = 0; a < d->n_axes; a++)
    if (axis_values(&d->axes[a], &p->vals[a]) != 0)
      return ss_error_oom(err, p->path, NULL);
  return 0;
}

static void pass1_free(pass1 *p) {
  if (p->vals)
    for (size_t a = 0; a <= p->d->n_axes; a++)
      free(p->vals[a].v);
  free(p->vals);
  free(p->row_vals);
  free(p->last_place);
  free(p->sc.v);
  free(p->seen);
  plot_csv_close(&p->c);
}

/* Pass 1 over best.csv: the header (b, owned by the caller), the axes, the
 * models and their placements, and (unless d->point_auto) the rows of the
 * chosen point. With d->point_auto it sets d->point by choose_point. */
static int best_pass1(plot_data *d, const char *path, best_cols *b,
                      ss_error *err) {
  pass1 p;
  int status = -1;
  memset(&p, 0, sizeof p);
  p.d = d;
  p.path = path;
  p.b = b;
  p.first_model = -1;
  if (open_best(d, &p.c, path, err) != 0)
    return -1;
  int rc = plot_csv_next(&p.c, err);
  if (rc <= 0) {
    if (rc == 0)
      ss_error_set(err, path, NULL, "empty file: expected a header row");
    goto fail;
  }
  p.ncols = p.c.n;
  if (read_header(d, &p.c, b, err) != 0)
    goto fail;
  p.vals = calloc(d->n_axes + 1, sizeof *p.vals);
  p.row_vals = calloc(d->n_axes + 1, sizeof *p.row_vals);
  d->point_values = calloc(d->n_axes + 1, sizeof *d->point_values);
  if (!p.vals || !p.row_vals || !d->point_values) {
    ss_error_oom(err, path, NULL);
    goto fail;
  }
  while ((rc = plot_csv_next(&p.c, err)) == 1)
    if (pass1_row(&p, err) != 0)
      goto fail;
  if (rc < 0 || pass1_finish(&p, err) != 0)
    goto fail;
  status = 0;
fail:
  pass1_free(&p);
  return status;
}

/* A row of the chosen point (the point chosen by the rule, pass 2): model
 * m's numbers there. */
static int point_row(plot_data *d, const plot_csv *c, const best_cols *b,
                     double *row_vals, ss_error *err) {
  long long pt;
  if (ss_parse_int64(c->fields[b->point], &pt) != 0 || pt < 0 ||
      (size_t)pt != d->point)
    return 0;
  long mi = plot_model_index(d, c->fields[b->model]);
  if (mi < 0 || d->models[mi].at.found)
    return 0;
  plot_model *m = &d->models[mi];
  int pi = plot_model_place(m, c->fields[b->placement]);
  for (size_t a = 0; a < d->n_axes; a++)
    if (plot_parse_cell(c->fields[d->axes[a].col], &row_vals[a]) != 0)
      row_vals[a] = NAN;
  return take_point_row(d, c, b, m, pi < -1 ? PLOT_INFEASIBLE : pi, row_vals,
                        err);
}

/* The decision map's cells, all missing (-2), and its rows' values. */
static int map_alloc(plot_data *d) {
  const plot_axis *ax = &d->axes[d->map_x], *ay = &d->axes[d->map_y];
  size_t ncells = ax->n_values * ay->n_values;
  for (size_t m = 0; m < d->n_models; m++) {
    d->models[m].map = malloc(ncells * sizeof(int));
    if (!d->models[m].map)
      return -1;
    for (size_t i = 0; i < ncells; i++)
      d->models[m].map[i] = -2;
  }
  d->map_rows = malloc(ay->n_values * d->n_axes * sizeof(double));
  if (!d->map_rows)
    return -1;
  for (size_t i = 0; i < ay->n_values * d->n_axes; i++)
    d->map_rows[i] = NAN;
  return 0;
}

/* A row in the plane of the decision map (every other independent axis at
 * its reference value) fills its cell. */
static void map_row(plot_data *d, const plot_csv *c, double *row_vals) {
  const plot_axis *ax = &d->axes[d->map_x], *ay = &d->axes[d->map_y];
  size_t mcol = d->n_axes + 1, pcol = d->n_axes + 2;
  if (c->n <= pcol)
    return;
  for (size_t a = 0; a < d->n_axes; a++) {
    if (plot_parse_cell(c->fields[a + 1], &row_vals[a]) != 0)
      return;
    if (!plot_same_group(d, a, (size_t)d->map_x) &&
        !plot_same_group(d, a, (size_t)d->map_y) &&
        row_vals[a] != d->axes[a].ref)
      return;
  }
  long mi = plot_model_index(d, c->fields[mcol]);
  long xi = value_index(ax, row_vals[d->map_x]);
  long yi = value_index(ay, row_vals[d->map_y]);
  if (mi < 0 || xi < 0 || yi < 0)
    return;
  int pi = plot_model_place(&d->models[mi], c->fields[pcol]);
  double *rv = d->map_rows + (size_t)yi * d->n_axes;
  if (isnan(rv[d->map_y]))
    for (size_t a = 0; a < d->n_axes; a++)
      rv[a] = row_vals[a];
  d->models[mi].map[(size_t)yi * ax->n_values + (size_t)xi] = pi;
}

/* No map (and a note why) when a cell of the plane has no row. */
static int map_finish(plot_data *d) {
  size_t ncells = d->axes[d->map_x].n_values * d->axes[d->map_y].n_values;
  for (size_t m = 0; m < d->n_models; m++)
    for (size_t i = 0; i < ncells; i++)
      if (d->models[m].map[i] == -2) {
        for (size_t k = 0; k < d->n_models; k++) {
          free(d->models[k].map);
          d->models[k].map = NULL;
        }
        d->map_note = ss_strdup(
            "no decision map: the sweep does not cover every combination of "
            "the two axes");
        return d->map_note ? 0 : -1;
      }
  return 0;
}

/* Pass 2 over best.csv, in one read: the rows of the point when the rule
 * chose it (d->point_auto), and the decision map's cells when there is a
 * map (d->map_y >= 0). */
static int best_pass2(plot_data *d, const char *path, const best_cols *b,
                      ss_error *err) {
  int want_map = d->map_y >= 0;
  if (!d->point_auto && !want_map)
    return 0;
  if (want_map && map_alloc(d) != 0)
    return ss_error_oom(err, path, NULL);
  plot_csv c;
  double *row_vals = calloc(d->n_axes + 1, sizeof *row_vals);
  if (!row_vals)
    return ss_error_oom(err, path, NULL);
  if (open_best(d, &c, path, err) != 0) {
    free(row_vals);
    return -1;
  }
  int rc = plot_csv_next(&c, err); /* header, checked in pass 1 */
  while (rc >= 0 && (rc = plot_csv_next(&c, err)) == 1) {
    if (d->point_auto && point_row(d, &c, b, row_vals, err) != 0) {
      rc = -1;
      break;
    }
    if (want_map)
      map_row(d, &c, row_vals);
  }
  plot_csv_close(&c);
  free(row_vals);
  if (rc < 0)
    return -1;
  if (d->point_auto && !d->point_found)
    return ss_error_set(err, path, NULL, "no rows at sweep point %zu",
                        d->point);
  if (want_map && map_finish(d) != 0)
    return ss_error_oom(err, path, NULL);
  return 0;
}

/* ---- the folder -------------------------------------------------------- */

void plot_data_free(plot_data *d) {
  free(d->model_slots);
  free(d->outdir);
  free(d->charts);
  free(d->name);
  free(d->objective);
  free(d->profiles);
  free(d->yaml_text);
  free(d->run_json);
  for (size_t i = 0; i < d->n_tiers; i++)
    free(d->tiers[i]);
  free(d->tiers);
  free(d->tier_named);
  for (size_t i = 0; i < d->n_axes; i++) {
    free(d->axes[i].param);
    free(d->axes[i].zip);
    free(d->axes[i].values);
  }
  free(d->axes);
  for (size_t i = 0; i < d->n_models; i++) {
    plot_model *m = &d->models[i];
    free(m->name);
    plot_model_places_free(m, d->n_tiers);
    free(m->at.compute_s);
    free(m->at.transfer_s);
    free(m->at.bytes);
    free(m->map);
  }
  free(d->models);
  free(d->point_values);
  free(d->map_rows);
  free(d->map_note);
  plot_table_free(&d->curves);
  plot_table_free(&d->breakpoints);
  free(d->curves_rows.first);
  free(d->curves_rows.rows);
  free(d->breakpoints_rows.first);
  free(d->breakpoints_rows.rows);
  plot_table_free(&d->summary);
  plot_table_free(&d->purchase);
  plot_table_free(&d->sensitivity);
  plot_table_free(&d->robust);
  plot_table_free(&d->sim);
  plot_table_free(&d->sim_cdf);
  plot_table_free(&d->replay);
  plot_table_free(&d->replay_charts);
  memset(d, 0, sizeof *d);
}

static char *read_optional(const char *dir, const char *name, int *absent,
                           ss_error *err) {
  char *path = plot_path_join(dir, name);
  *absent = 0;
  if (!path) {
    ss_error_oom(err, dir, NULL);
    return NULL;
  }
  if (!plot_file_exists(path)) {
    *absent = 1;
    free(path);
    return NULL;
  }
  char *text = ss_read_file(path, PLOT_MAX_TEXT_BYTES, NULL, err);
  free(path);
  return text;
}

static int load_table(const plot_data *d, const char *name, plot_table *t,
                      int *has, ss_error *err) {
  char *path = plot_path_join(d->outdir, name);
  *has = 0;
  if (!path)
    return ss_error_oom(err, d->outdir, NULL);
  if (!plot_file_exists(path)) {
    free(path);
    return 0;
  }
  int rc = plot_table_load(t, path, err);
  free(path);
  if (rc == 0)
    *has = 1;
  return rc;
}

/* Every placement named in curves.csv or breakpoints.csv gets a letter. */
static int add_table_places(plot_data *d, const plot_table *t,
                            const char *const *cols, size_t ncols,
                            ss_error *err) {
  long mc = plot_table_col(t, SIM_COL_MODEL);
  if (mc < 0)
    return ss_error_set(err, t->path, "1", "missing column 'model'");
  for (size_t k = 0; k < ncols; k++) {
    long pc = plot_table_col(t, cols[k]);
    if (pc < 0)
      return ss_error_set(err, t->path, "1", "missing column '%s'", cols[k]);
    for (size_t r = 0; r < t->n_rows; r++) {
      long mi = plot_model_index(d, plot_table_get(t, r, (size_t)mc));
      if (mi < 0)
        continue;
      if (plot_model_add_place(&d->models[mi],
                               plot_table_get(t, r, (size_t)pc)) == -3)
        return ss_error_oom(err, t->path, NULL);
    }
  }
  return 0;
}

/* The grid value of axis a nearest to x (the reference point is a grid
 * point unless the scenario gave other values). */
static double nearest_value(const plot_axis *a, double x) {
  double best = x, dist = INFINITY;
  for (size_t i = 0; i < a->n_values; i++)
    if (fabs(a->values[i] - x) < dist) {
      dist = fabs(a->values[i] - x);
      best = a->values[i];
    }
  return best;
}

size_t plot_rows_of(const plot_model_rows *ix, size_t m, const size_t **rows) {
  if (!ix->first) {
    *rows = NULL;
    return 0;
  }
  *rows = ix->rows + ix->first[m];
  return ix->first[m + 1] - ix->first[m];
}

/* Group t's rows by model (a counting sort, file order kept); 0, or -1
 * when out of memory. */
static int index_rows(const plot_data *d, const plot_table *t,
                      plot_model_rows *ix) {
  long cm = plot_table_col(t, SIM_COL_MODEL);
  if (cm < 0)
    return 0;
  long *of = malloc((t->n_rows + 1) * sizeof *of);
  ix->first = calloc(d->n_models + 2, sizeof *ix->first);
  ix->rows = malloc((t->n_rows + 1) * sizeof *ix->rows);
  if (!of || !ix->first || !ix->rows) {
    free(of);
    return -1;
  }
  for (size_t r = 0; r < t->n_rows; r++) {
    of[r] = plot_model_index(d, plot_table_get(t, r, (size_t)cm));
    if (of[r] >= 0)
      ix->first[of[r] + 2]++;
  }
  for (size_t m = 0; m < d->n_models; m++)
    ix->first[m + 2] += ix->first[m + 1];
  for (size_t r = 0; r < t->n_rows; r++)
    if (of[r] >= 0)
      ix->rows[ix->first[of[r] + 1]++] = r;
  free(of);
  return 0;
}

/* The facts scenario.resolved.yaml gives: the name (else the folder's),
 * the objective and the profiles (y's name moves to d). */
static int load_facts(plot_data *d, scn_resolved *y, const char *outdir,
                      ss_error *err) {
  if (y->name) {
    d->name = y->name;
    y->name = NULL;
  } else {
    char *copy = ss_strdup(outdir);
    if (copy) {
      size_t l = strlen(copy);
      while (l > 1 && copy[l - 1] == '/')
        copy[--l] = 0;
      const char *slash = strrchr(copy, '/');
      d->name = ss_strdup(slash && slash[1] ? slash + 1 : copy);
      free(copy);
    }
  }
  d->objective = ss_strdup(
      y->objective ? y->objective
                   : solver_objective_info_of(SOLVER_OBJ_LATENCY)->name);
  if (!d->name || !d->objective) {
    ss_error_oom(err, outdir, NULL);
    return -1;
  }
  if (y->profiles) {
    if (y->profiles[0] == '/')
      d->profiles = ss_strdup(y->profiles);
    else
      d->profiles = plot_path_join(outdir, y->profiles);
    if (!d->profiles) {
      ss_error_oom(err, outdir, NULL);
      return -1;
    }
  } else if (y->has_profiles) {
    /* the embedded default store: run.json names the file the engine used */
    d->profiles_embedded = 1;
    if (d->run_json)
      d->profiles = sim_run_json_string(d->run_json, "profiles");
  }
  return 0;
}

/* Each axis's form, reference and zip group from the yaml, and whether its
 * values look logarithmic. */
static int load_axis_facts(plot_data *d, const scn_resolved *y,
                           const char *outdir, ss_error *err) {
  for (size_t a = 0; a < d->n_axes; a++) {
    plot_axis *ax = &d->axes[a];
    for (size_t k = 0; k < y->n_axes; k++)
      if (y->axes[k].param && strcmp(y->axes[k].param, ax->param) == 0) {
        ax->form = y->axes[k].form;
        if (!isnan(y->axes[k].reference))
          ax->ref = nearest_value(ax, y->axes[k].reference);
        if (y->axes[k].zip && !(ax->zip = ss_strdup(y->axes[k].zip))) {
          ss_error_oom(err, outdir, NULL);
          return -1;
        }
      }
    ax->is_log = looks_log(ax);
  }
  return 0;
}

/* The decision map: the first two independent axes with 2+ values. */
static void choose_map(plot_data *d) {
  for (size_t a = 0; a < d->n_axes && d->map_y < 0; a++) {
    if (d->axes[a].n_values < 2)
      continue;
    if (d->map_x < 0) {
      d->map_x = (long)a;
    } else if (!plot_same_group(d, (size_t)d->map_x, a)) {
      d->map_y = (long)a;
    }
  }
  if (d->map_y < 0)
    d->map_x = -1;
}

/* The other tables of the folder, their placements and row indexes. */
static int load_tables(plot_data *d, const char *outdir, ss_error *err) {
  uint64_t mb = d->best_passes * d->best_bytes / 1000000;
  plot_progress(BEST_STEP, "MB", mb, mb);
  if (load_table(d, "curves.csv", &d->curves, &d->has_curves, err) != 0 ||
      load_table(d, "breakpoints.csv", &d->breakpoints, &d->has_breakpoints,
                 err) != 0 ||
      load_table(d, "summary.csv", &d->summary, &d->has_summary, err) != 0 ||
      load_table(d, "purchase.csv", &d->purchase, &d->has_purchase, err) != 0 ||
      load_table(d, "sensitivity.csv", &d->sensitivity, &d->has_sensitivity,
                 err) != 0 ||
      load_table(d, "robust.csv", &d->robust, &d->has_robust, err) != 0 ||
      load_table(d, "sim.csv", &d->sim, &d->has_sim, err) != 0 ||
      load_table(d, "sim_cdf.csv", &d->sim_cdf, &d->has_sim_cdf, err) != 0 ||
      load_table(d, "replay.csv", &d->replay, &d->has_replay, err) != 0 ||
      load_table(d, "replay_charts.csv", &d->replay_charts,
                 &d->has_replay_charts, err) != 0)
    return -1;
  static const char *const ccols[] = {"placement"};
  static const char *const bcols[] = {"placement_before", "placement_after"};
  if (d->has_curves && add_table_places(d, &d->curves, ccols, 1, err) != 0)
    return -1;
  if (d->has_breakpoints &&
      add_table_places(d, &d->breakpoints, bcols, 2, err) != 0)
    return -1;
  if (plot_places_finish(d) != 0 ||
      (d->has_curves && index_rows(d, &d->curves, &d->curves_rows) != 0) ||
      (d->has_breakpoints &&
       index_rows(d, &d->breakpoints, &d->breakpoints_rows) != 0)) {
    ss_error_oom(err, outdir, NULL);
    return -1;
  }
  return 0;
}

int plot_data_load(plot_data *d, const char *outdir, size_t point,
                   ss_error *err) {
  scn_resolved y;
  best_cols bc;
  memset(d, 0, sizeof *d);
  memset(&y, 0, sizeof y);
  memset(&bc, 0, sizeof bc);
  d->map_x = d->map_y = -1;
  d->point = point;
  char *best = NULL;
  int absent;
  if (!(d->outdir = ss_strdup(outdir)) ||
      !(d->charts = plot_path_join(outdir, "charts")) ||
      !(best = plot_path_join(outdir, "best.csv"))) {
    ss_error_oom(err, outdir, NULL);
    goto fail;
  }
  if (!plot_file_exists(best)) {
    ss_error_set(err, best, NULL,
                 "not found: is %s a scenario output folder (splitsim run)?",
                 outdir);
    goto fail;
  }
  d->yaml_text = read_optional(outdir, "scenario.resolved.yaml", &absent, err);
  if (!d->yaml_text && !absent)
    goto fail;
  d->run_json = read_optional(outdir, "run.json", &absent, err);
  if (!d->run_json && !absent)
    goto fail;
  if (d->yaml_text && read_facts(d->yaml_text, outdir, &y, err) != 0)
    goto fail;
  d->point_auto = point == PLOT_POINT_AUTO;
  struct stat st;
  d->best_bytes = stat(best, &st) == 0 ? (uint64_t)st.st_size : 0;
  d->best_passes = 1 + (d->point_auto || y.n_axes >= 2);
  if (best_pass1(d, best, &bc, err) != 0)
    goto fail;
  if (load_facts(d, &y, outdir, err) != 0 ||
      load_axis_facts(d, &y, outdir, err) != 0)
    goto fail;
  choose_map(d);
  if (best_pass2(d, best, &bc, err) != 0)
    goto fail;
  if (d->map_note)
    d->map_x = d->map_y = -1;

  if (load_tables(d, outdir, err) != 0)
    goto fail;
  free(best);
  best_cols_free(&bc);
  scn_resolved_free(&y);
  return 0;
fail:
  free(best);
  best_cols_free(&bc);
  scn_resolved_free(&y);
  plot_data_free(d);
  return -1;
}
