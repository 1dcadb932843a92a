/* The five chart kinds: data file(s) and gnuplot script of each.
 *
 * Data files hold numbers only (names never go there); every name reaches a
 * script through plot_gp_str. Every script renders itself to PNG (pngcairo)
 * and SVG in one run: `gnuplot <base>.gp` inside the charts folder. */
#include "plot_internal.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../common/ss_io.h"
#include "../common/ss_units.h"
#include "../profiles/profile.h"

#define NAME_CHARS 60   /* longest model / system name shown */
#define PLACE_CHARS 100 /* longest placement text shown in a legend */

typedef struct xy {
  double x, y;
} xy;

typedef struct series {
  int place;
  size_t n, cap;
  xy *p;
} series;

static int series_push(series *s, double x, double y) {
  if (s->n == s->cap) {
    size_t nc = s->cap ? 2 * s->cap : 32;
    xy *np = realloc(s->p, nc * sizeof *np);
    if (!np)
      return -1;
    s->p = np;
    s->cap = nc;
  }
  s->p[s->n].x = x;
  s->p[s->n].y = y;
  s->n++;
  return 0;
}

static int cmp_xy(const void *a, const void *b) {
  double x = ((const xy *)a)->x, y = ((const xy *)b)->x;
  return x < y ? -1 : x > y;
}

/* Midpoint between two axis values (geometric on a log axis). */
static double mid(double a, double b, int is_log) {
  return is_log && a > 0 && b > 0 ? sqrt(a * b) : 0.5 * (a + b);
}

/* ---- shared script parts ------------------------------------------------ */

static void gp_begin(FILE *fp, const char *base, const char *what) {
  fprintf(fp,
          "# splitsim chart: %s\n"
          "# Data: %s.dat (numbers only; columns in docs/charts.md).\n"
          "# Render: cd into this folder and run `gnuplot %s.gp`; it writes\n"
          "# %s.png (pngcairo) and %s.svg. `splitsim plot OUTDIR` keeps this\n"
          "# script when it exists (your edits stay) and renders it;\n"
          "# `splitsim plot --regenerate OUTDIR` writes it anew.\n"
          "reset\nset encoding utf8\n"
          "set style textbox opaque fc rgb '#FFFFFF' noborder margins 2,1\n",
          what, base, base, base, base);
}

static void gp_colours(FILE *fp, const plot_data *d) {
  fputs("# Tier colours, the same in every chart:", fp);
  for (size_t t = 0; t < d->n_tiers; t++) {
    fprintf(fp, "\n# tier %zu: ", t);
    for (const char *p = d->tiers[t]; *p && p - d->tiers[t] < 40; p++)
      fputc(isalnum((unsigned char)*p) || *p == '-' || *p == '_' ? *p : '_',
            fp);
    fprintf(fp, " %s", plot_tier_colour(d->tiers[t], t));
  }
  fputc('\n', fp);
}

static void gp_loop_open(FILE *fp, const char *base, int w, int h) {
  fprintf(fp,
          "W = %d; H = %d\n"
          "FONT = 'Sans,11'\n"
          "do for [fmt in 'png svg'] {\n"
          "  if (fmt eq 'png') {\n"
          "    set terminal pngcairo size W,H noenhanced font FONT "
          "linewidth 1.2 butt\n"
          "  } else {\n"
          "    set terminal svg size W,H noenhanced font FONT linewidth 1.2 "
          "butt background '#FFFFFF'\n"
          "  }\n"
          "  set output '%s.'.fmt\n",
          w, h, base);
}

static void gp_loop_close(FILE *fp) { fputs("  unset output\n}\n", fp); }

static void gp_num(FILE *fp, double v) { plot_put_num(fp, v); }

/* A legend of `rows` lines under the x label: the bottom margin is made
 * room for it explicitly (gnuplot's own `set key below` can run into a long
 * x label). One column, sample before the text. */
static void gp_key_below(FILE *fp, size_t rows, const char *extra) {
  double k = 1.25 * (double)rows + 0.6;
  fprintf(fp,
          "set bmargin %.1f\n"
          "set key at character 2, character %.1f left top Left reverse "
          "vertical maxrows %zu samplen 3 spacing 1.1 width 2 %s\n",
          k + 3.6, k, rows ? rows : 1, extra ? extra : "");
}

/* Length of the first part of s (up to max_chars characters) that fits
 * on one title line: all of it when it fits, else up to the last ", " or
 * " " within max_chars characters (UTF-8 counted as characters). *next is
 * where the rest starts. */
static size_t title_piece(const char *s, size_t len, size_t max_chars,
                          size_t *next) {
  size_t chars = 0, i = 0, cut_comma = 0, cut_space = 0;
  for (; i < len; i++) {
    if (((unsigned char)s[i] & 0xC0) != 0x80) {
      if (chars == max_chars)
        break;
      chars++;
    }
    if (s[i] == ',' && i + 1 < len && s[i + 1] == ' ')
      cut_comma = i + 1; /* keep the comma on this line */
    if (s[i] == ' ')
      cut_space = i;
  }
  if (i >= len) {
    *next = len;
    return len;
  }
  size_t cut = cut_comma > max_chars / 3   ? cut_comma
               : cut_space > max_chars / 3 ? cut_space
                                           : 0;
  if (cut == 0) { /* no place to break: plot_gp_str cuts it with "..." */
    *next = len;
    return len;
  }
  *next = cut + 1; /* past the space */
  return cut;
}

/* A title of line1 and the lines of line2 (split at '\n'); a line longer
 * than a chart w pixels wide holds (about 8.5 pixels a character) is
 * broken at a ", " or a space, else cut; at most 6 lines. Returns the
 * number of lines. */
static int gp_title(FILE *fp, const char *cmd, const char *line1,
                    const char *line2, int w) {
  size_t max = (size_t)(w > 300 ? (w - 60) / 8.5 : 30);
  int lines = 0;
  fprintf(fp, "%s ", cmd);
  const char *src[2] = {line1, line2};
  for (int k = 0; k < 2; k++)
    for (const char *p = src[k]; p && *p;) {
      const char *nl = strchr(p, '\n');
      size_t len = nl ? (size_t)(nl - p) : strlen(p);
      size_t off = 0;
      while ((off < len || (len == 0 && off == 0)) && lines < 6) {
        size_t next;
        size_t n = title_piece(p + off, len - off, max, &next);
        char part[1024];
        snprintf(part, sizeof part, "%.*s", (int)(n < 1000 ? n : 1000),
                 p + off);
        if (lines++)
          fputs(".\"\\n\".", fp);
        plot_gp_str(fp, part, max);
        off += next;
        if (len == 0)
          break;
      }
      p = nl ? nl + 1 : p + len;
    }
  if (!lines)
    fputs("''", fp);
  if (strncmp(cmd, "set title", 9) == 0)
    fputs(" font ',12'", fp);
  fputc('\n', fp);
  return lines ? lines : 1;
}

static void fmt_g(char *buf, size_t size, double v) {
  snprintf(buf, size, "%.4g", v);
}

/* "param = value, ..." for the other axes at point 0 (or at the chosen
 * point when `at` is given). */
static void other_axes_text(const plot_data *d, long skip1, long skip2,
                            const double *at, char *buf, size_t size) {
  size_t k = 0;
  buf[0] = 0;
  for (size_t a = 0; a < d->n_axes; a++) {
    if ((skip1 >= 0 && plot_same_group(d, a, (size_t)skip1)) ||
        (skip2 >= 0 && plot_same_group(d, a, (size_t)skip2)))
      continue;
    char lab[200], num[32];
    plot_param_label(d->axes[a].param, lab, sizeof lab);
    fmt_g(num, sizeof num, at ? at[a] : d->axes[a].ref);
    int n = snprintf(buf + k, size - k, "%s%s = %s", k ? ", " : "", lab, num);
    if (n < 0 || (size_t)n >= size - k)
      break;
    k += (size_t)n;
  }
}

/* "other parameters at point 0: ..." or empty when there are none. */
static void other_line(const plot_data *d, long skip1, long skip2, char *buf,
                       size_t size) {
  static const char head[] = "other parameters at point 0: ";
  buf[0] = 0;
  if (size <= sizeof head)
    return;
  other_axes_text(d, skip1, skip2, NULL, buf + sizeof head - 1,
                  size - sizeof head + 1);
  if (buf[sizeof head - 1])
    memcpy(buf, head, sizeof head - 1);
  else
    buf[0] = 0;
}

static void place_title(const plot_model *m, int place, char *buf,
                        size_t size) {
  char letter[8], shortp[512];
  if (place < 0) {
    snprintf(buf, size, "infeasible (no placement meets the constraints)");
    return;
  }
  plot_place_letter((size_t)place, letter, sizeof letter);
  plot_short_place(m->places[place], shortp, sizeof shortp);
  snprintf(buf, size, "%s: %s", letter, shortp);
}

/* linetype N = placement N-1 of the model; infeasible = n_places + 1 */
static void gp_place_types(FILE *fp, const plot_model *m) {
  for (size_t i = 0; i < m->n_places; i++)
    fprintf(fp, "set linetype %zu lc rgb '%s' lw 1.5 dt solid pt 7\n", i + 1,
            plot_place_colour((int)i));
  fprintf(fp, "set linetype %zu lc rgb '%s' lw 1.5 dt solid pt 7\n",
          m->n_places + 1, plot_place_colour(PLOT_INFEASIBLE));
}

static int lt_of(const plot_model *m, int place) {
  return place < 0 ? (int)m->n_places + 1 : place + 1;
}

/* ---- 1. objective vs one swept parameter ------------------------------- */

typedef struct bp {
  double x, y;
  int exact, before, after;
} bp;

static int cmp_bp(const void *a, const void *b) {
  double x = ((const bp *)a)->x, y = ((const bp *)b)->x;
  return x < y ? -1 : x > y;
}

typedef struct region {
  double lo, hi;
  int place;
} region;

static int write_latency(FILE *gp, FILE *dat, const plot_data *d,
                         const plot_chart *c, ss_error *err) {
  const plot_model *m = &d->models[c->model];
  const plot_axis *ax = &d->axes[c->axis];
  const plot_table *t = &d->curves;
  series *ser = calloc(m->n_places + 1, sizeof *ser);
  series grid = {0, 0, 0, NULL}; /* optimal placement per x (y = index) */
  bp *bps = NULL;
  region *reg = NULL;
  size_t n_bps = 0, n_reg = 0;
  int rc = -1;
  if (!ser)
    goto nomem;
  long cm = plot_table_col(t, "model"), ca = plot_table_col(t, "axis"),
       cv = plot_table_col(t, "value"), cp = plot_table_col(t, "placement"),
       co = plot_table_col(t, "objective"), copt = plot_table_col(t, "optimal");
  double xmin = INFINITY, xmax = -INFINITY, ymax_all = -INFINITY;
  for (size_t r = 0; r < t->n_rows; r++) {
    if (strcmp(plot_table_get(t, r, (size_t)cm), m->name) != 0 ||
        strcmp(plot_table_get(t, r, (size_t)ca), ax->param) != 0)
      continue;
    double x, y, o;
    if (plot_table_num(t, r, (size_t)cv, &x, err) != 0 ||
        plot_table_num(t, r, (size_t)co, &y, err) != 0 ||
        plot_table_num(t, r, (size_t)copt, &o, err) != 0)
      goto out;
    if (isnan(x))
      continue;
    int pi = plot_model_place(m, plot_table_get(t, r, (size_t)cp));
    if (pi < 0)
      continue;
    if (series_push(&ser[pi], x, y) != 0)
      goto nomem;
    if (o == 1 && series_push(&grid, x, pi) != 0)
      goto nomem;
    xmin = fmin(xmin, x);
    xmax = fmax(xmax, x);
    if (isfinite(y))
      ymax_all = fmax(ymax_all, y);
  }
  if (!(xmin < xmax)) {
    rc = ss_error_set(err, t->path, NULL, "no curve for model %s along %s",
                      m->name, ax->param);
    goto out;
  }
  for (size_t i = 0; i < m->n_places; i++)
    plot_sort(ser[i].p, ser[i].n, sizeof(xy), cmp_xy);
  plot_sort(grid.p, grid.n, sizeof(xy), cmp_xy);

  /* exact breakpoints on the reference line */
  if (d->has_breakpoints) {
    const plot_table *b = &d->breakpoints;
    long bm = plot_table_col(b, "model"), ba = plot_table_col(b, "axis"),
         bf = plot_table_col(b, "fixed"), bv = plot_table_col(b, "value"),
         be = plot_table_col(b, "exact"),
         bb = plot_table_col(b, "placement_before"),
         bA = plot_table_col(b, "placement_after"),
         bo = plot_table_col(b, "objective_at_value");
    if (bm >= 0 && ba >= 0 && bf >= 0 && bv >= 0 && bb >= 0 && bA >= 0) {
      bps = calloc(b->n_rows + 1, sizeof *bps);
      if (!bps)
        goto nomem;
      for (size_t r = 0; r < b->n_rows; r++) {
        if (strcmp(plot_table_get(b, r, (size_t)bm), m->name) != 0 ||
            strcmp(plot_table_get(b, r, (size_t)ba), ax->param) != 0 ||
            !plot_fixed_matches(d, plot_table_get(b, r, (size_t)bf), c->axis,
                                NULL))
          continue;
        bp *q = &bps[n_bps];
        double e = 1;
        q->y = NAN;
        if (plot_table_num(b, r, (size_t)bv, &q->x, err) != 0 ||
            (be >= 0 && plot_table_num(b, r, (size_t)be, &e, err) != 0) ||
            (bo >= 0 && plot_table_num(b, r, (size_t)bo, &q->y, err) != 0))
          goto out;
        if (isnan(q->x) || q->x < xmin || q->x > xmax)
          continue;
        q->exact = e == 1;
        q->before = plot_model_place(m, plot_table_get(b, r, (size_t)bb));
        q->after = plot_model_place(m, plot_table_get(b, r, (size_t)bA));
        n_bps++;
      }
      plot_sort(bps, n_bps, sizeof *bps, cmp_bp);
    }
  }

  /* regions of the optimum: from the breakpoints when there are any, else
   * from the grid with boundaries half-way between grid points */
  reg = calloc(n_bps + grid.n + 2, sizeof *reg);
  if (!reg)
    goto nomem;
  if (n_bps) {
    double lo = xmin;
    for (size_t i = 0; i < n_bps; i++) {
      reg[n_reg++] = (region){lo, bps[i].x, bps[i].before};
      lo = bps[i].x;
    }
    reg[n_reg++] = (region){lo, xmax, bps[n_bps - 1].after};
  } else if (grid.n) {
    double lo = xmin;
    for (size_t i = 0; i + 1 < grid.n; i++)
      if (grid.p[i + 1].y != grid.p[i].y) {
        double b = mid(grid.p[i].x, grid.p[i + 1].x, ax->is_log);
        reg[n_reg++] = (region){lo, b, (int)grid.p[i].y};
        lo = b;
      }
    reg[n_reg++] = (region){lo, xmax, (int)grid.p[grid.n - 1].y};
  }

  /* envelope: per region, its placement's curve from boundary to boundary */
  double env_min = INFINITY, env_max = -INFINITY;
  size_t idx = 0;
  int *ser_index = calloc(m->n_places + 1, sizeof *ser_index);
  int *reg_index = calloc(n_reg + 1, sizeof *reg_index);
  if (!ser_index || !reg_index) {
    free(ser_index);
    free(reg_index);
    goto nomem;
  }
  fputs("# latency chart: one block per placement curve (x objective), then "
        "one per optimal region (the bold envelope), then the breakpoints "
        "(x objective exact)\n",
        dat);
  for (size_t i = 0; i < m->n_places; i++) {
    ser_index[i] = -1;
    if (!ser[i].n)
      continue;
    ser_index[i] = (int)idx++;
    for (size_t k = 0; k < ser[i].n; k++) {
      if (!isfinite(ser[i].p[k].y)) {
        fputc('\n', dat);
        continue;
      }
      gp_num(dat, ser[i].p[k].x);
      fputc(' ', dat);
      gp_num(dat, ser[i].p[k].y);
      fputc('\n', dat);
    }
    fputs("\n\n", dat);
  }
  for (size_t r = 0; r < n_reg; r++) {
    const region *g = &reg[r];
    series env = {0, 0, 0, NULL};
    double ylo = NAN, yhi = NAN;
    for (size_t i = 0; i < n_bps; i++) {
      if (bps[i].x == g->lo && r > 0)
        ylo = bps[i].y;
      if (bps[i].x == g->hi && r + 1 < n_reg)
        yhi = bps[i].y;
    }
    int ok = 0;
    if (isfinite(ylo))
      ok |= series_push(&env, g->lo, ylo);
    if (g->place >= 0)
      for (size_t k = 0; k < ser[g->place].n; k++) {
        const xy *q = &ser[g->place].p[k];
        int inside = (q->x > g->lo || (r == 0 && q->x == g->lo)) &&
                     (q->x < g->hi || (r + 1 == n_reg && q->x == g->hi));
        if (inside && isfinite(q->y))
          ok |= series_push(&env, q->x, q->y);
      }
    if (isfinite(yhi))
      ok |= series_push(&env, g->hi, yhi);
    if (ok) {
      free(env.p);
      free(ser_index);
      free(reg_index);
      goto nomem;
    }
    reg_index[r] = -1;
    if (env.n) {
      reg_index[r] = (int)idx++;
      for (size_t k = 0; k < env.n; k++) {
        gp_num(dat, env.p[k].x);
        fputc(' ', dat);
        gp_num(dat, env.p[k].y);
        fputc('\n', dat);
        env_min = fmin(env_min, env.p[k].y);
        env_max = fmax(env_max, env.p[k].y);
      }
      fputs("\n\n", dat);
    }
    free(env.p);
  }
  int bp_index = -1, any_exact = 0, any_bisect = 0;
  size_t n_bp_finite = 0;
  for (size_t i = 0; i < n_bps; i++)
    n_bp_finite += isfinite(bps[i].y) != 0;
  if (n_bp_finite) {
    bp_index = (int)idx++;
    for (size_t i = 0; i < n_bps; i++) {
      if (!isfinite(bps[i].y))
        continue;
      gp_num(dat, bps[i].x);
      fputc(' ', dat);
      gp_num(dat, bps[i].y);
      fprintf(dat, " %d\n", bps[i].exact);
      any_exact |= bps[i].exact;
      any_bisect |= !bps[i].exact;
    }
    fputs("\n\n", dat);
  }
  if (!isfinite(env_min)) { /* no envelope: scale on every curve */
    for (size_t i = 0; i < m->n_places; i++)
      for (size_t k = 0; k < ser[i].n; k++)
        if (isfinite(ser[i].p[k].y)) {
          env_min = fmin(env_min, ser[i].p[k].y);
          env_max = fmax(env_max, ser[i].p[k].y);
        }
  }

  /* y range: the envelope with room above for the alternatives (capped so
   * that far-off curves do not squash it) and for the region letters */
  int ylog = 0;
  double ylo = 0, yhi = 1;
  if (isfinite(env_min)) {
    double top = fmax(env_max, ymax_all);
    if (env_min > 0 && fmin(top, env_max * 8) / env_min > 30) {
      ylog = 1;
      ylo = env_min / 1.6;
      yhi = fmax(env_max, fmin(top, env_max * 8)) * 2.2;
    } else {
      double span = env_max - env_min;
      if (span <= 0)
        span = env_max > 0 ? env_max * 0.2 : 1;
      yhi = fmax(env_max, fmin(top, env_max + 1.5 * span)) + 0.25 * span;
      ylo = env_min - 0.15 * span;
      if (env_min >= 0 && ylo < 0)
        ylo = 0;
    }
  }

  /* the script */
  char line1[512], line2[600], lab[256];
  plot_param_label(ax->param, lab, sizeof lab);
  snprintf(line1, sizeof line1, "%.*s: %s vs %s", NAME_CHARS, m->name,
           plot_objective_name(d->objective), lab);
  plot_axis_label(d, c->axis, lab, sizeof lab);
  other_line(d, (long)c->axis, -1, line2, sizeof line2);
  size_t n_entries = 1 + (size_t)any_exact + (size_t)any_bisect;
  for (size_t i = 0; i < m->n_places; i++)
    n_entries += ser_index[i] >= 0;
  gp_begin(gp, c->base, "objective vs one swept parameter, one model");
  gp_colours(gp, d);
  gp_place_types(gp, m);
  gp_title(gp, "set title", line1, line2, 1100);
  fputs("set xlabel ", gp);
  plot_gp_str(gp, lab, 160);
  fputs("\nset ylabel ", gp);
  plot_gp_str(gp, plot_objective_label(d->objective), 0);
  fputc('\n', gp);
  if (ax->is_log)
    fputs("set logscale x\nset format x '%g'\n", gp);
  if (ylog)
    fputs("set logscale y\nset format y '%g'\n", gp);
  fputs("set xrange [", gp);
  gp_num(gp, xmin);
  fputc(':', gp);
  gp_num(gp, xmax);
  fputs("]\nset yrange [", gp);
  gp_num(gp, ylo);
  fputc(':', gp);
  gp_num(gp, yhi);
  fputs("]\n"
        "set border 3\nset tics nomirror out\n"
        "set grid xtics ytics lc rgb '#E6E6E6' lw 1 dt solid\n",
        gp);
  gp_key_below(gp, n_entries, NULL);
  /* regions: shading, letters; breakpoints: vertical lines */
  double lx0 = ax->is_log ? log10(xmin) : xmin;
  double lx1 = ax->is_log ? log10(xmax) : xmax;
  int prev_narrow = 0;
  for (size_t r = 0; r < n_reg; r++) {
    const region *g = &reg[r];
    char letter[8];
    if (g->place >= 0)
      plot_place_letter((size_t)g->place, letter, sizeof letter);
    else
      snprintf(letter, sizeof letter, "-");
    fprintf(gp, "set object %zu rect from first ", r + 1);
    gp_num(gp, g->lo);
    fputs(", graph 0 to first ", gp);
    gp_num(gp, g->hi);
    fprintf(gp,
            ", graph 1 fc rgb '%s' fs transparent solid 0.10 noborder "
            "behind\n",
            plot_place_colour(g->place));
    double a = ax->is_log ? log10(g->lo) : g->lo;
    double b = ax->is_log ? log10(g->hi) : g->hi;
    int narrow = (b - a) < 0.06 * (lx1 - lx0);
    double ypos = (narrow && prev_narrow) ? 0.89 : 0.95;
    prev_narrow = narrow && !prev_narrow;
    fprintf(gp, "set label %zu '%s' at first ", r + 1, letter);
    gp_num(gp, mid(g->lo, g->hi, ax->is_log));
    fprintf(gp, ", graph %.2f center font ',13' tc rgb '%s' front\n", ypos,
            g->place >= 0 ? plot_place_colour(g->place) : "#666666");
  }
  for (size_t i = 0; i < n_bps; i++) {
    fprintf(gp, "set arrow %zu from first ", i + 1);
    gp_num(gp, bps[i].x);
    fputs(", graph 0 to first ", gp);
    gp_num(gp, bps[i].x);
    fprintf(gp, ", graph 1 nohead lc rgb '#707070' lw 1 dt %d back\n",
            bps[i].exact ? 2 : 3);
  }
  int h = 560 + 22 * (int)n_entries;
  gp_loop_open(gp, c->base, 1100, h);
  fputs("  plot \\\n", gp);
  int first = 1;
  for (size_t i = 0; i < m->n_places; i++) {
    if (ser_index[i] < 0)
      continue;
    char title[700];
    place_title(m, (int)i, title, sizeof title);
    fprintf(gp,
            "%s    '%s.dat' index %d using 1:2 with lines lt %zu lw 1.3 "
            "title ",
            first ? "" : ", \\\n", c->base, ser_index[i], i + 1);
    plot_gp_str(gp, title, PLACE_CHARS + 4);
    first = 0;
  }
  for (size_t r = 0; r < n_reg; r++) {
    if (reg_index[r] < 0)
      continue;
    fprintf(gp,
            "%s    '%s.dat' index %d using 1:2 with lines lt %d lw 4.5 "
            "notitle",
            first ? "" : ", \\\n", c->base, reg_index[r],
            lt_of(m, reg[r].place));
    first = 0;
  }
  fprintf(gp,
          "%s    keyentry with lines lc rgb '#333333' lw 4.5 title "
          "'bold: the optimal placement (letters: regions where it is "
          "optimal)'",
          first ? "" : ", \\\n");
  if (bp_index >= 0 && any_exact)
    fprintf(gp,
            ", \\\n    '%s.dat' index %d using 1:($3 == 1 ? $2 : NaN) with "
            "points pt 7 ps 1.2 lc rgb '#000000' title 'breakpoint (exact)'",
            c->base, bp_index);
  if (bp_index >= 0 && any_bisect)
    fprintf(gp,
            ", \\\n    '%s.dat' index %d using 1:($3 == 1 ? NaN : $2) with "
            "points pt 6 ps 1.2 lc rgb '#000000' title 'breakpoint (located "
            "by bisection)'",
            c->base, bp_index);
  fputc('\n', gp);
  gp_loop_close(gp);
  free(ser_index);
  free(reg_index);
  rc = 0;
  goto out;
nomem:
  rc = ss_error_oom(err, d->charts, c->base);
out:
  if (ser)
    for (size_t i = 0; i <= m->n_places; i++)
      free(ser[i].p);
  free(ser);
  free(grid.p);
  free(bps);
  free(reg);
  return rc;
}

/* ---- 2. decision map --------------------------------------------------- */

typedef struct seg {
  double lo, hi;
  int place;
} seg;

/* Move a cell's upper edge a hair outwards (0.2 % of the axis) so that
 * neighbouring cells overlap and no anti-aliasing seam shows between them;
 * the boundary is still exact to the eye. */
static double grow_edge(double v, const plot_axis *a) {
  double lo = a->values[0], hi = a->values[a->n_values - 1];
  if (a->is_log && lo > 0)
    return v * pow(hi / lo, 0.002);
  return v + 0.002 * (hi - lo);
}

static int write_map(FILE *gp, FILE *dat, const plot_data *d,
                     const plot_chart *c, ss_error *err) {
  const plot_model *m = &d->models[c->model];
  const plot_axis *ax = &d->axes[d->map_x], *ay = &d->axes[d->map_y];
  size_t nx = ax->n_values, ny = ay->n_values;
  seg *segs = NULL;
  bp *bps = NULL;
  int *used = calloc(m->n_places + 2, sizeof *used);
  int rc = -1;
  if (!used)
    goto nomem;
  const plot_table *b = &d->breakpoints;
  long bm = -1, ba = -1, bf = -1, bv = -1, bb = -1, bA = -1;
  if (d->has_breakpoints) {
    bm = plot_table_col(b, "model");
    ba = plot_table_col(b, "axis");
    bf = plot_table_col(b, "fixed");
    bv = plot_table_col(b, "value");
    bb = plot_table_col(b, "placement_before");
    bA = plot_table_col(b, "placement_after");
    if (bm < 0 || ba < 0 || bf < 0 || bv < 0 || bb < 0 || bA < 0)
      bm = -1;
    else if (!(bps = calloc(b->n_rows + 1, sizeof *bps)))
      goto nomem;
  }
  segs = calloc(nx + (bm >= 0 ? b->n_rows : 0) + 2, sizeof *segs);
  if (!segs)
    goto nomem;
  fputs("# decision map: block 0 = cells (xlow xhigh ylow yhigh linetype = "
        "placement number), block 1 = sweep points (x y)\n",
        dat);
  for (size_t yi = 0; yi < ny; yi++) {
    double yv = ay->values[yi];
    double ylo = yi ? mid(ay->values[yi - 1], yv, ay->is_log) : yv;
    double yhi = yi + 1 < ny ? mid(yv, ay->values[yi + 1], ay->is_log) : yv;
    if (ny == 1)
      ylo = yhi = yv;
    /* exact breakpoints along x on this row */
    size_t n_bps = 0;
    if (bm >= 0)
      for (size_t r = 0; r < b->n_rows; r++) {
        if (strcmp(plot_table_get(b, r, (size_t)bm), m->name) != 0 ||
            strcmp(plot_table_get(b, r, (size_t)ba), ax->param) != 0 ||
            !plot_fixed_matches(d, plot_table_get(b, r, (size_t)bf),
                                (size_t)d->map_x, d->map_rows + yi * d->n_axes))
          continue;
        double v;
        if (plot_table_num(b, r, (size_t)bv, &v, err) != 0)
          goto out;
        if (isnan(v))
          continue;
        bps[n_bps].x = v;
        bps[n_bps].before =
            plot_model_place(m, plot_table_get(b, r, (size_t)bb));
        bps[n_bps].after =
            plot_model_place(m, plot_table_get(b, r, (size_t)bA));
        n_bps++;
      }
    plot_sort(bps, n_bps, sizeof *bps, cmp_bp);
    size_t ns = 0;
    const int *row = m->map + yi * nx;
    double lo = ax->values[0];
    for (size_t xi = 0; xi + 1 < nx; xi++) {
      if (row[xi + 1] == row[xi])
        continue;
      double x0 = ax->values[xi], x1 = ax->values[xi + 1];
      size_t k0 = 0, k1;
      while (k0 < n_bps && bps[k0].x <= x0)
        k0++;
      k1 = k0;
      while (k1 < n_bps && bps[k1].x < x1)
        k1++;
      int chain = k1 > k0 && bps[k0].before == row[xi] &&
                  bps[k1 - 1].after == row[xi + 1];
      for (size_t k = k0; chain && k + 1 < k1; k++)
        chain = bps[k].after == bps[k + 1].before;
      if (chain) {
        int pl = row[xi];
        for (size_t k = k0; k < k1; k++) {
          segs[ns++] = (seg){lo, bps[k].x, pl};
          lo = bps[k].x;
          pl = bps[k].after;
        }
      } else {
        double bnd = mid(x0, x1, ax->is_log);
        segs[ns++] = (seg){lo, bnd, row[xi]};
        lo = bnd;
      }
    }
    segs[ns++] = (seg){lo, ax->values[nx - 1], row[nx - 1]};
    for (size_t s = 0; s < ns; s++) {
      if (!(segs[s].hi > segs[s].lo) && nx > 1)
        continue;
      gp_num(dat, segs[s].lo);
      fputc(' ', dat);
      gp_num(dat, grow_edge(segs[s].hi, ax));
      fputc(' ', dat);
      gp_num(dat, ylo);
      fputc(' ', dat);
      gp_num(dat, grow_edge(yhi, ay));
      fprintf(dat, " %d\n", lt_of(m, segs[s].place));
      used[segs[s].place < 0 ? m->n_places : (size_t)segs[s].place] = 1;
    }
  }
  fputs("\n\n", dat);
  for (size_t yi = 0; yi < ny; yi++)
    for (size_t xi = 0; xi < nx; xi++) {
      gp_num(dat, ax->values[xi]);
      fputc(' ', dat);
      gp_num(dat, ay->values[yi]);
      fputc('\n', dat);
    }
  fputs("\n\n", dat);

  char lx[256], ly[256], line1[512], line2[600];
  plot_axis_label(d, (size_t)d->map_x, lx, sizeof lx);
  plot_axis_label(d, (size_t)d->map_y, ly, sizeof ly);
  snprintf(line1, sizeof line1, "%.*s: optimal placement (%s)", NAME_CHARS,
           m->name, plot_objective_name(d->objective));
  other_line(d, d->map_x, d->map_y, line2, sizeof line2);
  size_t n_used = 0;
  for (size_t i = 0; i <= m->n_places; i++)
    n_used += used[i] != 0;
  gp_begin(gp, c->base, "decision map (optimal placement over two axes)");
  gp_place_types(gp, m);
  gp_title(gp, "set title", line1, line2, 1000);
  fputs("set xlabel ", gp);
  plot_gp_str(gp, lx, 160);
  fputs("\nset ylabel ", gp);
  plot_gp_str(gp, ly, 160);
  fputc('\n', gp);
  if (ax->is_log)
    fputs("set logscale x\nset format x '%g'\n", gp);
  if (ay->is_log)
    fputs("set logscale y\nset format y '%g'\n", gp);
  fputs("set xrange [", gp);
  gp_num(gp, ax->values[0]);
  fputc(':', gp);
  gp_num(gp, ax->values[nx - 1]);
  fputs("]\nset yrange [", gp);
  gp_num(gp, ay->values[0]);
  fputc(':', gp);
  gp_num(gp, ay->values[ny - 1]);
  fputs("]\nset border 15 front\nset tics out nomirror front\n", gp);
  gp_key_below(gp, n_used + 1, NULL);
  gp_loop_open(gp, c->base, 1000, 620 + 22 * (int)(n_used + 1));
  fprintf(gp,
          "  plot \\\n    '%s.dat' index 0 using (($1+$2)/2):(($3+$4)/2):1:2:"
          "3:4:5 with boxxyerror fs solid 1.0 noborder lc variable notitle, "
          "\\\n    '%s.dat' index 1 using 1:2 with points pt 7 ps 0.35 lc "
          "rgb '#333333' title 'sweep point'",
          c->base, c->base);
  for (size_t i = 0; i <= m->n_places; i++) {
    if (!used[i])
      continue;
    int place = i == m->n_places ? PLOT_INFEASIBLE : (int)i;
    char title[700];
    place_title(m, place, title, sizeof title);
    fprintf(gp, ", \\\n    keyentry with boxes fs solid 1.0 lt %d title ",
            lt_of(m, place));
    plot_gp_str(gp, title, PLACE_CHARS + 4);
  }
  fputc('\n', gp);
  gp_loop_close(gp);
  rc = 0;
  goto out;
nomem:
  rc = ss_error_oom(err, d->charts, c->base);
out:
  free(used);
  free(segs);
  free(bps);
  return rc;
}

/* ---- 3. per-block breakdown -------------------------------------------- */

typedef struct tier_range {
  int used;
  char *system;
  long long first, last;
} tier_range;

/* Tier name with its first letter upper-cased, as placement texts spell
 * it. */
static void cap_name(const char *tier, char *buf, size_t size) {
  snprintf(buf, size, "%s", tier);
  if (buf[0] >= 'a' && buf[0] <= 'z')
    buf[0] = (char)(buf[0] - 'a' + 'A');
}

static void free_ranges(tier_range *r, size_t n) {
  if (!r)
    return;
  for (size_t i = 0; i < n; i++)
    free(r[i].system);
  free(r);
}

/* Parse "Device(x) = a - b, Edge(None) = -1 - -1, ..." knowing the tiers.
 * System names may hold ", " or ")": a candidate end is accepted only when
 * the range and the next tier's name follow. NULL when it does not parse. */
static tier_range *parse_placement(const char *text, char *const *tiers,
                                   size_t nt) {
  tier_range *out = calloc(nt ? nt : 1, sizeof *out);
  const char *p = text;
  if (!out)
    return NULL;
  for (size_t t = 0; t < nt; t++) {
    char head[300], next[300];
    cap_name(tiers[t], head, sizeof head);
    size_t hl = strlen(head);
    if (strncmp(p, head, hl) != 0 || p[hl] != '(')
      goto bad;
    p += hl + 1;
    next[0] = 0;
    if (t + 1 < nt) {
      cap_name(tiers[t + 1], next, sizeof next);
      size_t l = strlen(next);
      if (l + 1 < sizeof next) {
        next[l] = '(';
        next[l + 1] = 0;
      }
    }
    const char *end = NULL, *after = NULL;
    long long a = 0, b = 0;
    for (const char *q = p; (q = strstr(q, ") = ")) != NULL; q++) {
      char *e1, *e2;
      a = strtoll(q + 4, &e1, 10);
      if (e1 == q + 4 || strncmp(e1, " - ", 3) != 0)
        continue;
      b = strtoll(e1 + 3, &e2, 10);
      if (e2 == e1 + 3)
        continue;
      if (t + 1 == nt ? *e2 == 0
                      : (strncmp(e2, ", ", 2) == 0 &&
                         strncmp(e2 + 2, next, strlen(next)) == 0)) {
        end = q;
        after = (t + 1 == nt) ? e2 : e2 + 2;
        break;
      }
    }
    if (!end)
      goto bad;
    out[t].system = malloc((size_t)(end - p) + 1);
    if (!out[t].system)
      goto bad;
    memcpy(out[t].system, p, (size_t)(end - p));
    out[t].system[end - p] = 0;
    out[t].first = a;
    out[t].last = b;
    out[t].used = !(a == -1 && b == -1);
    p = after;
  }
  return out;
bad:
  free_ranges(out, nt);
  return NULL;
}

/* The profiled model of a used tier's system, or NULL. */
static const prof_model *tier_model(const prof_set *set, const tier_range *r,
                                    const char *model) {
  const prof_system *s = prof_set_find_system(set, r->system);
  return s ? prof_system_find_model(s, model) : NULL;
}

int plot_breakdown_possible(const plot_data *d, const void *profiles,
                            size_t model, char *why, size_t whysize) {
  const plot_model *m = &d->models[model];
  const prof_set *set = profiles;
  why[0] = 0;
  if (!m->at.found || m->at.place < 0) {
    snprintf(why, whysize, "no feasible placement at point %zu", d->point);
    return 0;
  }
  tier_range *r = parse_placement(m->places[m->at.place], d->tiers, d->n_tiers);
  if (!r) {
    snprintf(why, whysize, "cannot read the placement text");
    return 0;
  }
  int ok = 1;
  for (size_t t = 0; t < d->n_tiers && ok; t++) {
    if (!r[t].used)
      continue;
    if (!tier_model(set, &r[t], m->name)) {
      snprintf(why, whysize,
               "the profile store has no model '%.60s' on "
               "system '%.60s'",
               m->name, r[t].system);
      ok = 0;
    }
  }
  free_ranges(r, d->n_tiers);
  return ok;
}

static int write_breakdown(FILE *gp, FILE *dat, const plot_data *d,
                           const plot_plan *p, const plot_chart *c,
                           ss_error *err) {
  const plot_model *m = &d->models[c->model];
  const prof_set *set = p->profiles;
  size_t nt = d->n_tiers;
  const plot_best *bb = &m->at;
  tier_range *r = parse_placement(m->places[bb->place], d->tiers, nt);
  if (!r)
    return ss_error_set(err, d->charts, c->base,
                        "cannot read the placement text of model %s", m->name);
  int rc = -1;
  double tmin = INFINITY, tmax = 0;
  double slot = 0;
  /* tier sections: slot range, for the labels */
  double *sec_lo = calloc(nt + 1, sizeof(double));
  double *sec_hi = calloc(nt + 1, sizeof(double));
  double *scale = calloc(nt + 1, sizeof(double));
  if (!sec_lo || !sec_hi || !scale) {
    rc = ss_error_oom(err, d->charts, c->base);
    goto out;
  }
  /* per-tier scale: the engine's compute time over the profile's sum (the
   * share of the machine, availability, is in the engine's number) */
  for (size_t t = 0; t < nt; t++) {
    scale[t] = 1;
    if (!r[t].used)
      continue;
    const prof_model *pm = tier_model(set, &r[t], m->name);
    double sum = 0;
    for (size_t k = 0; pm && k < pm->n_blocks; k++)
      if (pm->blocks[k].first_layer >= r[t].first &&
          pm->blocks[k].last_layer <= r[t].last)
        sum += pm->blocks[k].time_s;
    if (sum > 0 && isfinite(bb->compute_s[t]) && bb->compute_s[t] > 0)
      scale[t] = bb->compute_s[t] / sum;
  }
  fputs("# per-block breakdown: x y xlow xhigh ylow(=0, replaced in the "
        "script) yhigh linetype (tier number, then transfer, return); one "
        "row per block or transfer\n",
        dat);
  size_t prev = 0;
  int have_prev = 0;
  double last_tic = -10;
  char xt[8192];
  size_t xk = 0;
  xt[0] = 0;
  typedef struct tlabel {
    double x, y;
    size_t a, b;
    double bytes;
  } tlabel;
  tlabel *tl = calloc(nt + 2, sizeof *tl);
  size_t n_tl = 0;
  if (!tl) {
    rc = ss_error_oom(err, d->charts, c->base);
    goto out;
  }
  /* the raw input leaves tier 0 when tier 0 runs nothing */
  if (!r[0].used)
    have_prev = 1;
  for (size_t t = 0; t < nt; t++) {
    if (!r[t].used)
      continue;
    if (have_prev) { /* transfer prev -> t */
      double tr = bb->transfer_s[prev * nt + t];
      if (isfinite(tr) && tr > 0) {
        gp_num(dat, slot);
        fputc(' ', dat);
        gp_num(dat, tr);
        fputc(' ', dat);
        gp_num(dat, slot - 0.4);
        fputc(' ', dat);
        gp_num(dat, slot + 0.4);
        fputs(" 0 ", dat);
        gp_num(dat, tr);
        fprintf(dat, " %zu\n", nt + 1);
        tl[n_tl++] = (tlabel){slot, tr, prev, t, bb->bytes[prev * nt + t]};
        tmin = fmin(tmin, tr);
        tmax = fmax(tmax, tr);
        slot += 1;
      }
    }
    const prof_model *pm = tier_model(set, &r[t], m->name);
    sec_lo[t] = slot - 0.5;
    size_t nb = 0;
    for (size_t k = 0; pm && k < pm->n_blocks; k++) {
      const prof_block *blk = &pm->blocks[k];
      if (blk->first_layer < r[t].first || blk->last_layer > r[t].last)
        continue;
      double tt = blk->time_s * scale[t];
      if (tt > 0 && isfinite(tt)) {
        gp_num(dat, slot);
        fputc(' ', dat);
        gp_num(dat, tt);
        fputc(' ', dat);
        gp_num(dat, slot - 0.4);
        fputc(' ', dat);
        gp_num(dat, slot + 0.4);
        fputs(" 0 ", dat);
        gp_num(dat, tt);
        fprintf(dat, " %zu\n", t + 1);
        tmin = fmin(tmin, tt);
        tmax = fmax(tmax, tt);
      }
      size_t every = pm->n_blocks > 60 ? 10 : pm->n_blocks > 25 ? 5 : 2;
      /* a tier's first block always gets a tic; a regular one is left out
       * when it would crowd the previous tic */
      if ((nb == 0 || (k % every == 0 && slot - last_tic >= 2)) &&
          xk + 40 < sizeof xt) {
        last_tic = slot;
        int n =
            snprintf(xt + xk, sizeof xt - xk, "%s'%zu' ", xk ? ", " : "", k);
        xk += (size_t)n;
        char num[SS_DOUBLE_BUFSIZE];
        n = snprintf(xt + xk, sizeof xt - xk, "%s", ss_fmt_double(num, slot));
        xk += (size_t)n;
      }
      nb++;
      slot += 1;
    }
    sec_hi[t] = slot - 0.5;
    prev = t;
    have_prev = 1;
  }
  if (isfinite(bb->return_s) && bb->return_s > 0) {
    gp_num(dat, slot);
    fputc(' ', dat);
    gp_num(dat, bb->return_s);
    fputc(' ', dat);
    gp_num(dat, slot - 0.4);
    fputc(' ', dat);
    gp_num(dat, slot + 0.4);
    fputs(" 0 ", dat);
    gp_num(dat, bb->return_s);
    fprintf(dat, " %zu\n", nt + 2);
    tl[n_tl++] = (tlabel){slot, bb->return_s, prev, 0, NAN};
    tmin = fmin(tmin, bb->return_s);
    tmax = fmax(tmax, bb->return_s);
    slot += 1;
  }
  fputs("\n\n", dat);
  if (!isfinite(tmin)) {
    tmin = 1e-6;
    tmax = 1e-3;
  }
  double ybot = pow(10, floor(log10(tmin / 1.5)));
  double ytop = tmax * 6;
  for (size_t i = 0; i < n_tl; i++) /* room for the rotated labels */
    ytop = fmax(ytop, tl[i].y * 1.3 * 40);
  ytop = pow(10, ceil(log10(ytop)));
  int w = 900 + (int)(slot > 40 ? (slot - 40) * 10 : 0);
  if (w > 1800)
    w = 1800;

  char line1[512], line2[700], shortp[512], other[400];
  plot_short_place(m->places[bb->place], shortp, sizeof shortp);
  other_axes_text(d, -1, -1, d->point_values, other, sizeof other);
  char at[48] = "";
  if (d->n_points > 1)
    snprintf(at, sizeof at, " at point %zu", d->point);
  snprintf(line1, sizeof line1,
           "%.*s: time per block of the best placement%s; latency %.4g s",
           NAME_CHARS, m->name, at, bb->latency_s);
  snprintf(line2, sizeof line2, "%.*s", PLACE_CHARS, shortp);
  if (other[0]) {
    size_t k = strlen(line2);
    snprintf(line2 + k, sizeof line2 - k, "\n%s", other);
  }
  gp_begin(gp, c->base, "per-block breakdown of the best placement");
  gp_colours(gp, d);
  for (size_t t = 0; t < nt; t++)
    fprintf(gp, "set linetype %zu lc rgb '%s'\n", t + 1,
            plot_tier_colour(d->tiers[t], t));
  fprintf(gp, "set linetype %zu lc rgb '%s'\nset linetype %zu lc rgb '%s'\n",
          nt + 1, PLOT_TRANSFER_COLOUR, nt + 2, PLOT_RETURN_COLOUR);
  gp_title(gp, "set title", line1, line2, w);
  fputs("set xlabel 'block (in model order; grey bars: transfers between "
        "tiers)'\nset ylabel 'time (s, log scale)'\n"
        "set logscale y\nset format y '%g'\n",
        gp);
  fprintf(gp, "YBOT = ");
  gp_num(gp, ybot);
  fputs("\nset yrange [YBOT:", gp);
  gp_num(gp, ytop);
  fputs("]\nset xrange [-0.8:", gp);
  gp_num(gp, slot - 0.2);
  fprintf(gp, "]\nset xtics (%s) out nomirror font ',9'\n", xt);
  fputs("set ytics out nomirror\nset border 3\n"
        "set grid ytics lc rgb '#E6E6E6' lw 1 dt solid\n",
        gp);
  size_t n_keys = n_tl ? 1 : 0;
  for (size_t t = 0; t < nt; t++)
    n_keys += r[t].used != 0;
  n_keys += isfinite(bb->return_s) && bb->return_s > 0;
  gp_key_below(gp, n_keys, NULL);
  size_t nlab = 1;
  for (size_t t = 0; t < nt; t++) {
    if (!r[t].used)
      continue;
    char txt[400];
    snprintf(txt, sizeof txt, "%s: %.*s", d->tiers[t], NAME_CHARS, r[t].system);
    /* only when it fits over the tier's bars (about 7 px a character;
     * the legend names every tier anyway) */
    double px_per_slot = (double)(w - 170) / (slot + 0.6);
    if ((double)strlen(txt) * 7.0 > (sec_hi[t] - sec_lo[t]) * px_per_slot)
      continue;
    fprintf(gp, "set label %zu ", nlab++);
    plot_gp_str(gp, txt, 0);
    fputs(" at first ", gp);
    gp_num(gp, 0.5 * (sec_lo[t] + sec_hi[t]));
    fprintf(gp, ", graph 0.96 center tc rgb '%s' font ',11' boxed front\n",
            plot_tier_colour(d->tiers[t], t));
  }
  for (size_t i = 0; i < n_tl; i++) {
    char txt[700];
    if (isnan(tl[i].bytes))
      snprintf(txt, sizeof txt, "result back to %s", d->tiers[0]);
    else
      snprintf(txt, sizeof txt, "to %s: %.3g MB", d->tiers[tl[i].b],
               ss_bytes_to_mb(tl[i].bytes));
    fprintf(gp, "set label %zu ", nlab++);
    plot_gp_str(gp, txt, 80);
    fputs(" at first ", gp);
    gp_num(gp, tl[i].x);
    fputs(", first ", gp);
    gp_num(gp, tl[i].y * 1.3);
    fputs(" rotate by 90 left font ',9' tc rgb '#404040' front\n", gp);
  }
  gp_loop_open(gp, c->base, w, 600 + 22 * (int)n_keys);
  fprintf(gp,
          "  plot '%s.dat' index 0 using 1:2:3:4:(YBOT):6:7 with boxxyerror "
          "fs solid 0.9 noborder lc variable notitle",
          c->base);
  for (size_t t = 0; t < nt; t++) {
    if (!r[t].used)
      continue;
    char txt[400];
    snprintf(txt, sizeof txt, "%s compute (%.*s)", d->tiers[t], NAME_CHARS,
             r[t].system);
    fprintf(gp, ", \\\n    keyentry with boxes fs solid 0.9 lt %zu title ",
            t + 1);
    plot_gp_str(gp, txt, 0);
  }
  if (n_tl)
    fprintf(gp,
            ", \\\n    keyentry with boxes fs solid 0.9 lt %zu title "
            "'transfer (link latency + bytes / bandwidth)'",
            nt + 1);
  if (isfinite(bb->return_s) && bb->return_s > 0)
    fprintf(gp,
            ", \\\n    keyentry with boxes fs solid 0.9 lt %zu title "
            "'result download'",
            nt + 2);
  fputc('\n', gp);
  gp_loop_close(gp);
  free(tl);
  rc = 0;
out:
  free(sec_lo);
  free(sec_hi);
  free(scale);
  free_ranges(r, nt);
  return rc;
}

/* ---- 4. model comparison ----------------------------------------------- */

static int write_models(FILE *gp, FILE *dat, const plot_data *d,
                        const plot_chart *c, ss_error *err) {
  size_t nt = d->n_tiers, nm = d->n_models;
  size_t ncomp = nt + 2; /* tiers, transfers, result download */
  double *tot = calloc(ncomp, sizeof *tot);
  double *comp = calloc(ncomp, sizeof *comp);
  if (!tot || !comp) {
    free(tot);
    free(comp);
    return ss_error_oom(err, d->charts, c->base);
  }
  double lmin = INFINITY, lmax = 0;
  size_t maxname = 4;
  fputs("# model comparison: y latency_s, then for each component (tiers in "
        "order, transfers, result download) its share of the latency as "
        "from% to% (stacked)\n",
        dat);
  for (size_t i = 0; i < nm; i++) {
    const plot_model *m = &d->models[i];
    size_t len = strlen(m->name);
    if (len > maxname)
      maxname = len > NAME_CHARS ? NAME_CHARS : len;
    if (!m->at.found || m->at.place < 0 || !(m->at.latency_s > 0))
      continue;
    const plot_best *b = &m->at;
    double sum = 0, tr = 0;
    for (size_t t = 0; t < nt; t++) {
      comp[t] = isfinite(b->compute_s[t]) ? b->compute_s[t] : 0;
      sum += comp[t];
    }
    for (size_t k = 0; k < nt * nt; k++)
      if (isfinite(b->transfer_s[k]))
        tr += b->transfer_s[k];
    comp[nt] = tr;
    comp[nt + 1] = isfinite(b->return_s) ? b->return_s : 0;
    sum += tr + comp[nt + 1];
    gp_num(dat, (double)(nm - 1 - i));
    fputc(' ', dat);
    gp_num(dat, b->latency_s);
    double acc = 0;
    for (size_t k = 0; k < ncomp; k++) {
      double share = sum > 0 ? 100.0 * comp[k] / sum : 0;
      fputc(' ', dat);
      gp_num(dat, acc);
      fputc(' ', dat);
      acc += share;
      gp_num(dat, acc);
      tot[k] += comp[k];
    }
    fputc('\n', dat);
    lmin = fmin(lmin, b->latency_s);
    lmax = fmax(lmax, b->latency_s);
  }
  fputs("\n\n", dat);
  if (!isfinite(lmin)) {
    lmin = 1e-3;
    lmax = 1;
  }
  double xlo = pow(10, floor(log10(lmin)));
  /* room right of the longest bar for its " 0.123 s" label */
  double xhi = pow(10, ceil(log10(lmax * 3)));

  char line1[400], other[400];
  other_axes_text(d, -1, -1, d->point_values, other, sizeof other);
  char at[48] = "";
  if (d->n_points > 1)
    snprintf(at, sizeof at, " at point %zu", d->point);
  snprintf(line1, sizeof line1,
           "Best placement per model%s: latency and where it goes", at);
  gp_begin(gp, c->base, "model comparison at one sweep point");
  gp_colours(gp, d);
  int tlines = gp_title(gp, "TITLE =", line1, other, 1150);
  int top = 39 + 18 * tlines; /* pixels above the panels for the title */
  double left = 0.03 + 0.0068 * (double)(maxname + 2);
  if (left > 0.34)
    left = 0.34;
  int h = 174 + top + 30 * (int)nm;
  if (h < 430)
    h = 430;
  fprintf(gp,
          "set yrange [-0.6:%zu-0.4]\nset border 3\nset tics out nomirror\n"
          "L0 = %.3f; L1 = L0 + 0.26; R0 = L1 + 0.05; R1 = 0.97\n"
          "T = 1 - %d.0/%d; B = 120.0/%d\nXLOW = ",
          nm, left, top, h, h);
  gp_num(gp, xlo);
  fputc('\n', gp);
  gp_loop_open(gp, c->base, 1150, h);
  fputs("  set multiplot title TITLE\n"
        "  set tmargin at screen T; set bmargin at screen B\n"
        "  set lmargin at screen L0; set rmargin at screen L1\n"
        "  set logscale x; set format x '%g'\n",
        gp);
  fputs("  set xrange [", gp);
  gp_num(gp, xlo);
  fputc(':', gp);
  gp_num(gp, xhi);
  fputs("]\n  set xlabel 'best end-to-end latency (s, log scale)'\n"
        "  set grid xtics lc rgb '#E6E6E6' lw 1 dt solid\n"
        "  unset key\n",
        gp);
  /* model names left of the bars (left panel only). Labels, not tic
   * labels: gnuplot reads a tic label as a format for the tic's value and
   * cuts the result at about 50 bytes when it holds a '%'. */
  fprintf(gp, "  set ytics 0,1,%zu format '' scale 0.6\n", nm ? nm - 1 : 0);
  for (size_t i = 0; i < nm; i++) {
    const plot_model *m = &d->models[i];
    char txt[300];
    snprintf(txt, sizeof txt, "%.*s%s", NAME_CHARS, m->name,
             (m->at.found && m->at.place >= 0) ? "" : " (infeasible)");
    fprintf(gp, "  set label %zu ", i + 1);
    plot_gp_str(gp, txt, 0);
    fprintf(gp, " at graph 0, first %zu right offset char -1,0\n", nm - 1 - i);
  }
  fputs("  plot '", gp);
  fprintf(gp,
          "%s.dat' index 0 using 2:1:(%s):2:($1-0.36):($1+0.36) with "
          "boxxyerror fs solid 0.85 noborder lc rgb '#5A5A5A' notitle, \\\n"
          "    '' index 0 using 2:1:(sprintf(' %%.3g s', $2)) with labels "
          "left font ',9' notitle\n",
          c->base, "XLOW");
  fputs("  set lmargin at screen R0; set rmargin at screen R1\n"
        "  unset logscale x; set format x '%g'; set xrange [0:100]\n"
        "  set xlabel 'share of the latency (%)'\n"
        "  unset ytics; unset label\n"
        "  set key at screen R0, screen 8.0/H left bottom horizontal "
        "Left reverse maxrows 1 samplen 1.5 width 1\n",
        gp);
  fputs("  plot \\\n", gp);
  int first = 1;
  for (size_t k = 0; k < ncomp; k++) {
    if (k >= nt && !(tot[k] > 0))
      continue;
    char txt[300];
    const char *colour;
    if (k < nt) {
      snprintf(txt, sizeof txt, "%s compute", d->tiers[k]);
      colour = plot_tier_colour(d->tiers[k], k);
    } else if (k == nt) {
      snprintf(txt, sizeof txt, "transfers");
      colour = PLOT_TRANSFER_COLOUR;
    } else {
      snprintf(txt, sizeof txt, "result download");
      colour = PLOT_RETURN_COLOUR;
    }
    fprintf(gp,
            "%s    '%s.dat' index 0 using (($%zu+$%zu)/2):1:%zu:%zu:($1-0.36):"
            "($1+0.36) with boxxyerror fs solid 0.9 noborder lc rgb '%s' "
            "title ",
            first ? "" : ", \\\n", c->base, 3 + 2 * k, 4 + 2 * k, 3 + 2 * k,
            4 + 2 * k, colour);
    plot_gp_str(gp, txt, 60);
    first = 0;
  }
  fputs("\n  unset multiplot\n", gp);
  gp_loop_close(gp);
  free(tot);
  free(comp);
  return 0;
}

/* ---- label placement for the purchasing chart -------------------------- */

typedef struct pbox {
  double x0, y0, x1, y1; /* pixels, y down */
} pbox;

static int pbox_overlap(const pbox *a, const pbox *b) {
  return a->x0 < b->x1 && b->x0 < a->x1 && a->y0 < b->y1 && b->y0 < a->y1;
}

/* Options at the same (price, latency) share one label of several lines. */
typedef struct pgroup {
  double x, y;      /* data */
  double px, py;    /* pixels */
  int pareto;       /* any member Pareto-optimal */
  size_t n, shown;  /* members, members named */
  size_t rows[4];   /* first members (Pareto ones first) */
  size_t max_chars; /* longest line */
} pgroup;

#define PARETO_W 1000
#define PARETO_H 650
#define PARETO_L 110.0 /* plot area in pixels (explicit margins) */
#define PARETO_R 970.0
#define PARETO_T 80.0
#define PARETO_B 540.0
#define PARETO_CHAR_PX 6.6   /* a character at 9 points */
#define PARETO_LINE_PX 13.0  /* a line at 9 points */
#define PARETO_NAME_CHARS 40 /* longest option name shown */

static size_t utf8_chars(const char *s, size_t cap) {
  size_t n = 0;
  for (; *s; s++)
    n += ((unsigned char)*s & 0xC0) != 0x80;
  return n < cap ? n : cap + 3; /* a cut name ends in "..." */
}

/* Try the places around a point (right or left, above, below or level);
 * the first that stays inside the plot and clear of the placed labels and
 * the other points wins. Returns 1 with *out set, else 0. */
static int place_label(const pgroup *g, size_t lines, const pbox *taken,
                       size_t n_taken, const pbox *points, size_t n_points,
                       size_t self, pbox *out) {
  double w = (double)g->max_chars * PARETO_CHAR_PX + 4;
  double h = (double)lines * PARETO_LINE_PX;
  static const double dx[] = {1, 1, -1, -1, 1, -1};
  static const int dy[] = {-1, 1, -1, 1, 0, 0};
  for (size_t k = 0; k < 6; k++) {
    pbox b;
    b.x0 = dx[k] > 0 ? g->px + 7 : g->px - 7 - w;
    b.x1 = b.x0 + w;
    b.y0 = dy[k] < 0 ? g->py - 7 - h : dy[k] > 0 ? g->py + 7 : g->py - h / 2;
    b.y1 = b.y0 + h;
    if (b.x0 < PARETO_L || b.x1 > PARETO_R || b.y0 < PARETO_T ||
        b.y1 > PARETO_B)
      continue;
    int clear = 1;
    for (size_t i = 0; clear && i < n_taken; i++)
      clear = !pbox_overlap(&b, &taken[i]);
    for (size_t i = 0; clear && i < n_points; i++)
      clear = i == self || !pbox_overlap(&b, &points[i]);
    if (clear) {
      *out = b;
      return 1;
    }
  }
  return 0;
}

static int cmp_pgroup(const void *a, const void *b) {
  const pgroup *x = a, *y = b;
  if (x->pareto != y->pareto) /* Pareto-optimal ones are placed first */
    return x->pareto ? -1 : 1;
  if (x->x != y->x)
    return x->x < y->x ? -1 : 1;
  return (x->y > y->y) - (x->y < y->y);
}

/* Write `set label` commands naming the options next to their points,
 * without overlaps: options at the same point share a label (up to 3
 * names, then "and N more"); Pareto-optimal options are placed first and
 * always labelled, others when there is room (and there are at most 40
 * options), else tagged "#n" (their row in purchase.csv) when that fits
 * (*tagged counts those). Returns the number of options left unmarked, or
 * -1 when out of memory. */
static long pareto_labels(FILE *gp, const plot_table *t, long co, long cpr,
                          long cl, long cp, const series *front, double xlo,
                          double xhi, double ylo, double yhi, size_t *tagged) {
  /* obstacles: every point, and the Pareto line sampled every few pixels */
  size_t n_line = 0;
  for (size_t k = 0; k + 1 < front->n; k++) {
    double w = (front->p[k + 1].x - front->p[k].x) / (xhi - xlo) *
               (PARETO_R - PARETO_L);
    double h = (front->p[k + 1].y - front->p[k].y) / (yhi - ylo) *
               (PARETO_B - PARETO_T);
    n_line += (size_t)(sqrt(w * w + h * h) / 6) + 2;
  }
  pgroup *g = calloc(t->n_rows + 1, sizeof *g);
  pbox *taken = calloc(t->n_rows + 1, sizeof *taken);
  pbox *points = calloc(t->n_rows + n_line + 1, sizeof *points);
  size_t ng = 0, n_taken = 0;
  long unnamed = 0;
  if (!g || !taken || !points) {
    free(g);
    free(taken);
    free(points);
    return -1;
  }
  for (int pass = 1; pass >= 0; pass--) /* Pareto-optimal members first */
    for (size_t r = 0; r < t->n_rows; r++) {
      double pr, l, pa = 0;
      if (plot_parse_cell(plot_table_get(t, r, (size_t)cpr), &pr) != 0 ||
          plot_parse_cell(plot_table_get(t, r, (size_t)cl), &l) != 0 ||
          !isfinite(pr) || !isfinite(l))
        continue;
      if (cp >= 0)
        plot_parse_cell(plot_table_get(t, r, (size_t)cp), &pa);
      if ((pa == 1) != pass)
        continue;
      size_t k = 0;
      while (k < ng && !(g[k].x == pr && g[k].y == l))
        k++;
      if (k == ng) {
        g[ng].x = pr;
        g[ng].y = l;
        g[ng].px = PARETO_L + (pr - xlo) / (xhi - xlo) * (PARETO_R - PARETO_L);
        g[ng].py = PARETO_T + (yhi - l) / (yhi - ylo) * (PARETO_B - PARETO_T);
        ng++;
      }
      g[k].pareto |= pa == 1;
      if (g[k].n < 3) {
        g[k].rows[g[k].n] = r;
        size_t ch = co >= 0 ? utf8_chars(plot_table_get(t, r, (size_t)co),
                                         PARETO_NAME_CHARS)
                            : 1;
        if (ch > g[k].max_chars)
          g[k].max_chars = ch;
      }
      g[k].n++;
    }
  plot_sort(g, ng, sizeof *g, cmp_pgroup);
  for (size_t i = 0; i < ng; i++)
    points[i] = (pbox){g[i].px - 6, g[i].py - 6, g[i].px + 6, g[i].py + 6};
  size_t n_obst = ng;
  for (size_t k = 0; k + 1 < front->n; k++) {
    double ax = PARETO_L +
                (front->p[k].x - xlo) / (xhi - xlo) * (PARETO_R - PARETO_L),
           ay = PARETO_T +
                (yhi - front->p[k].y) / (yhi - ylo) * (PARETO_B - PARETO_T),
           bx = PARETO_L +
                (front->p[k + 1].x - xlo) / (xhi - xlo) * (PARETO_R - PARETO_L),
           by = PARETO_T +
                (yhi - front->p[k + 1].y) / (yhi - ylo) * (PARETO_B - PARETO_T);
    size_t steps = (size_t)(hypot(bx - ax, by - ay) / 6) + 1;
    for (size_t j = 0; j <= steps && n_obst < t->n_rows + n_line + 1; j++) {
      double f = (double)j / (double)steps;
      double x = ax + f * (bx - ax), y = ay + f * (by - ay);
      points[n_obst++] = (pbox){x - 2, y - 2, x + 2, y + 2};
    }
  }
  int label_others = t->n_rows <= 40;
  size_t nlab = 1;
  for (size_t i = 0; i < ng; i++) {
    pgroup *q = &g[i];
    size_t named = q->n < 3 ? q->n : 3;
    size_t lines = named + (q->n > named);
    if (q->n > named && q->max_chars < 12)
      q->max_chars = 12; /* "and 12 more" */
    pbox b;
    int ok = (q->pareto || label_others) &&
             place_label(q, lines, taken, n_taken, points, n_obst, i, &b);
    if (!ok && q->pareto) { /* always named: right of the point */
      double w = (double)q->max_chars * PARETO_CHAR_PX + 4;
      b = (pbox){q->px + 7, q->py - 3 - (double)lines * PARETO_LINE_PX,
                 q->px + 7 + w, q->py - 3};
      ok = 1;
    }
    if (!ok) {
      /* no room for the names: a short tag, the row in purchase.csv */
      pgroup tag = *q;
      char tagtxt[48];
      if (q->n > 1)
        snprintf(tagtxt, sizeof tagtxt, "#%zu +%zu", q->rows[0] + 1, q->n - 1);
      else
        snprintf(tagtxt, sizeof tagtxt, "#%zu", q->rows[0] + 1);
      tag.max_chars = strlen(tagtxt);
      if (place_label(&tag, 1, taken, n_taken, points, n_obst, i, &b)) {
        taken[n_taken++] = b;
        fprintf(gp, "set label %zu ", nlab++);
        plot_gp_str(gp, tagtxt, 0);
        fprintf(gp,
                " at screen %.4f, screen %.4f left font ',9' tc rgb "
                "'#707070' front\n",
                (b.x0 + 2) / PARETO_W,
                1 - (b.y0 + 0.5 * PARETO_LINE_PX) / PARETO_H);
        (*tagged)++;
      } else {
        unnamed += (long)q->n;
      }
      continue;
    }
    taken[n_taken++] = b;
    for (size_t j = 0; j < lines; j++) {
      char more[64];
      const char *text;
      if (j < named) {
        text = co >= 0 ? plot_table_get(t, q->rows[j], (size_t)co) : "?";
      } else {
        snprintf(more, sizeof more, "and %zu more", q->n - named);
        text = more;
      }
      double cy = b.y0 + ((double)j + 0.5) * PARETO_LINE_PX;
      fprintf(gp, "set label %zu ", nlab++);
      plot_gp_str(gp, text, PARETO_NAME_CHARS);
      fprintf(gp,
              " at screen %.4f, screen %.4f left font ',9' tc rgb '%s' "
              "front\n",
              (b.x0 + 2) / PARETO_W, 1 - cy / PARETO_H,
              q->pareto ? "#000000" : "#707070");
    }
  }
  free(g);
  free(taken);
  free(points);
  return unnamed;
}

/* ---- 5. purchasing Pareto chart ---------------------------------------- */

static int write_pareto(FILE *gp, FILE *dat, const plot_data *d,
                        const plot_chart *c, ss_error *err) {
  const plot_table *t = &d->purchase;
  long co = plot_table_col(t, "option"), cpr = plot_table_col(t, "price"),
       cl = plot_table_col(t, "weighted_latency_s"),
       cp = plot_table_col(t, "pareto");
  series all = {0, 0, 0, NULL}, front = {0, 0, 0, NULL};
  series others = {0, 0, 0, NULL};
  int rc = -1;
  size_t *front_row = calloc(t->n_rows + 1, sizeof *front_row);
  size_t n_front_rows = 0;
  if (!front_row)
    return ss_error_oom(err, d->charts, c->base);
  fputs("# purchasing options: block 0 = the options not Pareto-optimal "
        "(price weighted_latency_s), block 1 = the Pareto-optimal ones by "
        "price\n",
        dat);
  for (size_t r = 0; r < t->n_rows; r++) {
    double pr, l, pa = 0;
    if (plot_table_num(t, r, (size_t)cpr, &pr, err) != 0 ||
        plot_table_num(t, r, (size_t)cl, &l, err) != 0 ||
        (cp >= 0 && plot_table_num(t, r, (size_t)cp, &pa, err) != 0))
      goto out;
    if (!isfinite(pr) || !isfinite(l))
      continue;
    if (series_push(&all, pr, l) != 0)
      goto nomem;
    if (pa != 1 && series_push(&others, pr, l) != 0)
      goto nomem;
    if (pa == 1) {
      if (series_push(&front, pr, l) != 0)
        goto nomem;
      front_row[n_front_rows++] = r;
    }
  }
  for (size_t k = 0; k < others.n; k++) {
    gp_num(dat, others.p[k].x);
    fputc(' ', dat);
    gp_num(dat, others.p[k].y);
    fputc('\n', dat);
  }
  if (!others.n)
    fputs("NaN NaN\n", dat);
  fputs("\n\n", dat);
  plot_sort(front.p, front.n, sizeof(xy), cmp_xy);
  for (size_t k = 0; k < front.n; k++) {
    gp_num(dat, front.p[k].x);
    fputc(' ', dat);
    gp_num(dat, front.p[k].y);
    fputc('\n', dat);
  }
  if (!front.n)
    fputs("NaN NaN\n", dat);
  fputs("\n\n", dat);

  double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
  for (size_t k = 0; k < all.n; k++) {
    x0 = fmin(x0, all.p[k].x);
    x1 = fmax(x1, all.p[k].x);
    y0 = fmin(y0, all.p[k].y);
    y1 = fmax(y1, all.p[k].y);
  }
  if (!all.n)
    x0 = y0 = 0, x1 = y1 = 1;
  double sx = x1 > x0 ? x1 - x0 : fabs(x1) + 1;
  double sy = y1 > y0 ? y1 - y0 : fabs(y1) * 0.1 + 1e-9;
  /* room around the points for the labels */
  double xlo = x0 - 0.06 * sx, xhi = x1 + 0.25 * sx;
  double ylo = y0 - 0.12 * sy, yhi = y1 + 0.12 * sy;
  char sub[300];
  snprintf(sub, sizeof sub, "%s",
           "joined: the Pareto-optimal options (no other is both cheaper "
           "and faster)");
  /* the labels first: the subtitle says how many are left unnamed */
  char *labels = NULL;
  size_t labels_len = 0;
  FILE *lf = open_memstream(&labels, &labels_len);
  if (!lf)
    goto nomem;
  size_t tagged = 0;
  long unnamed = pareto_labels(lf, t, co, cpr, cl, cp, &front, xlo, xhi, ylo,
                               yhi, &tagged);
  fclose(lf);
  if (unnamed < 0) {
    free(labels);
    goto nomem;
  }
  if (tagged) {
    size_t k = strlen(sub);
    snprintf(sub + k, sizeof sub - k,
             "\n#n: the option on row n of purchase.csv (no room for its "
             "name)");
  }
  if (unnamed > 0) {
    size_t k = strlen(sub);
    snprintf(sub + k, sizeof sub - k,
             "\n%ld options are not marked for lack of room (see "
             "purchase.csv)",
             unnamed);
  }
  gp_begin(gp, c->base, "purchasing options, price vs weighted latency");
  gp_title(gp, "set title", "Purchasing options: price vs weighted latency",
           sub, PARETO_W);
  fputs("set xlabel 'price (currency units of purchase.csv)'\n"
        "set ylabel 'weighted latency over the workload mix (s)'\n"
        "set border 3\nset tics out nomirror\n"
        "set grid xtics ytics lc rgb '#E6E6E6' lw 1 dt solid\n"
        "set key below left Left reverse horizontal samplen 2 width 2\n",
        gp);
  /* fixed plot area, so that the labels can be placed in pixels */
  fprintf(gp,
          "set lmargin at screen %.4f; set rmargin at screen %.4f\n"
          "set tmargin at screen %.4f; set bmargin at screen %.4f\n",
          PARETO_L / PARETO_W, PARETO_R / PARETO_W, 1 - PARETO_T / PARETO_H,
          1 - PARETO_B / PARETO_H);
  fputs("set xrange [", gp);
  gp_num(gp, xlo);
  fputc(':', gp);
  gp_num(gp, xhi);
  fputs("]\nset yrange [", gp);
  gp_num(gp, ylo);
  fputc(':', gp);
  gp_num(gp, yhi);
  fputs("]\n", gp);
  fwrite(labels, 1, labels_len, gp);
  free(labels);
  gp_loop_open(gp, c->base, PARETO_W, PARETO_H);
  fprintf(gp,
          "  plot '%s.dat' index 0 using 1:2 with points pt 6 ps 1.4 lc rgb "
          "'#8C8C8C' title 'other option', \\\n"
          "    '%s.dat' index 1 using 1:2 with linespoints pt 7 ps 1.6 lw 2 "
          "lc rgb '#D55E00' title 'Pareto-optimal'\n",
          c->base, c->base);
  gp_loop_close(gp);
  rc = 0;
  goto out;
nomem:
  rc = ss_error_oom(err, d->charts, c->base);
out:
  free(all.p);
  free(others.p);
  free(front.p);
  free(front_row);
  return rc;
}

/* ---- 6. sensitivity tornado -------------------------------------------- */

#define TORNADO_MAX_ROWS                                                       \
  30 /* parameters drawn; the rest are named in a note                         \
      */
#define TORNADO_LOW_COLOUR "#0072B2"
#define TORNADO_HIGH_COLOUR "#D55E00"

typedef struct trow {
  size_t row;                          /* row of sensitivity.csv */
  double base, lo_v, hi_v;             /* parameter values */
  double lo_s, base_s, hi_s, effect_s; /* best latency */
} trow;

static int cmp_trow(const void *a, const void *b) {
  const trow *x = a, *y = b;
  int nx = isnan(x->effect_s), ny = isnan(y->effect_s);
  if (nx != ny)
    return nx ? 1 : -1;
  if (!nx && x->effect_s != y->effect_s)
    return x->effect_s > y->effect_s ? -1 : 1;
  return x->row < y->row ? -1 : x->row > y->row;
}

/* The rows of sensitivity.csv sorted by effect (largest first, NaN last,
 * ties in file order). *out is malloc'd (n_rows + 1 entries). Returns -1
 * (err filled) on a missing column, a cell that is not a number, or no
 * memory. */
static int tornado_rows(const plot_data *d, trow **out, size_t *n_out,
                        ss_error *err) {
  const plot_table *t = &d->sensitivity;
  static const char *const need[] = {"parameter", "best_low_s", "best_base_s",
                                     "best_high_s"};
  *out = NULL;
  *n_out = 0;
  for (size_t i = 0; i < 4; i++)
    if (plot_table_col(t, need[i]) < 0)
      return ss_error_set(err, t->path, "1", "missing column '%s'", need[i]);
  long cb = plot_table_col(t, "base"), clv = plot_table_col(t, "low_value"),
       chv = plot_table_col(t, "high_value"),
       cls = plot_table_col(t, "best_low_s"),
       cbs = plot_table_col(t, "best_base_s"),
       chs = plot_table_col(t, "best_high_s");
  trow *rows = calloc(t->n_rows + 1, sizeof *rows);
  if (!rows)
    return ss_error_oom(err, t->path, NULL);
  for (size_t r = 0; r < t->n_rows; r++) {
    trow *x = &rows[r];
    x->row = r;
    x->base = x->lo_v = x->hi_v = NAN;
    if ((cb >= 0 && plot_table_num(t, r, (size_t)cb, &x->base, err) != 0) ||
        (clv >= 0 && plot_table_num(t, r, (size_t)clv, &x->lo_v, err) != 0) ||
        (chv >= 0 && plot_table_num(t, r, (size_t)chv, &x->hi_v, err) != 0) ||
        plot_table_num(t, r, (size_t)cls, &x->lo_s, err) != 0 ||
        plot_table_num(t, r, (size_t)cbs, &x->base_s, err) != 0 ||
        plot_table_num(t, r, (size_t)chs, &x->hi_s, err) != 0) {
      free(rows);
      return -1;
    }
    /* the effect as sensitivity.csv defines it, from the latencies (so a
     * hand-edited file is still drawn in order) */
    x->effect_s = fabs(x->hi_s - x->lo_s);
  }
  plot_sort(rows, t->n_rows, sizeof *rows, cmp_trow);
  *out = rows;
  *n_out = t->n_rows;
  return 0;
}

int plot_tornado_possible(const plot_data *d, char *why, size_t whysize) {
  trow *rows = NULL;
  size_t n = 0;
  ss_error err;
  why[0] = 0;
  if (tornado_rows(d, &rows, &n, &err) != 0) {
    snprintf(why, whysize, "%.300s%s%.40s: %.300s", err.file,
             err.where[0] ? ":" : "", err.where, err.msg);
    return 0;
  }
  int finite = 0;
  for (size_t i = 0; i < n; i++)
    finite |= isfinite(rows[i].lo_s) || isfinite(rows[i].base_s) ||
              isfinite(rows[i].hi_s);
  free(rows);
  if (!finite)
    snprintf(why, whysize, "sensitivity.csv has no finite latency (%s)",
             n ? "every weighted model is infeasible" : "no rows");
  return finite;
}

/* "-50 %" with a real minus sign, from a value and its base; empty when the
 * base is 0 or unknown. */
static void pct_text(double v, double base, char *buf, size_t size) {
  buf[0] = 0;
  if (!isfinite(v) || !isfinite(base) || base == 0)
    return;
  double p = 100 * (v / base - 1);
  if (fabs(p) < 0.05)
    p = 0;
  snprintf(buf, size, "%s%.3g %%", p < 0 ? "\xE2\x88\x92" : "+", fabs(p));
}

/* A label at the end of a bar, outside it: the parameter value there. */
static void tornado_end_label(FILE *gp, size_t *nlab, double x, double y,
                              double base_s, const char *text) {
  int right = x >= base_s;
  fprintf(gp, "set label %zu ", (*nlab)++);
  plot_gp_str(gp, text, 40);
  fputs(" at first ", gp);
  gp_num(gp, x);
  fputs(", first ", gp);
  gp_num(gp, y);
  fprintf(gp, " %s offset char %s,0 font ',9' tc rgb '#333333' front\n",
          right ? "left" : "right", right ? "0.5" : "-0.5");
}

static int write_tornado(FILE *gp, FILE *dat, const plot_data *d,
                         const plot_chart *c, ss_error *err) {
  trow *rows = NULL;
  size_t n_all = 0;
  const plot_table *t = &d->sensitivity;
  if (tornado_rows(d, &rows, &n_all, err) != 0)
    return -1;
  long cp = plot_table_col(t, "parameter");
  size_t n = n_all < TORNADO_MAX_ROWS ? n_all : TORNADO_MAX_ROWS;

  /* the base line: the first finite base latency (every row has the same
   * one: the scenario as written) */
  double base_s = NAN, lo = INFINITY, hi = -INFINITY;
  for (size_t i = 0; i < n; i++) {
    const double v[] = {rows[i].lo_s, rows[i].base_s, rows[i].hi_s};
    if (isnan(base_s) && isfinite(rows[i].base_s))
      base_s = rows[i].base_s;
    for (size_t k = 0; k < 3; k++)
      if (isfinite(v[k])) {
        lo = fmin(lo, v[k]);
        hi = fmax(hi, v[k]);
      }
  }
  if (!isfinite(lo)) {
    lo = 0;
    hi = 1;
  }
  if (isnan(base_s))
    base_s = 0.5 * (lo + hi);
  double span = hi - lo;
  if (!(span > 0))
    span = fabs(hi) > 0 ? 0.2 * fabs(hi) : 1;

  fputs("# tornado: y (top = largest effect) base_s low_s high_s low_value "
        "high_value; one row per parameter\n",
        dat);
  for (size_t i = 0; i < n; i++) {
    const trow *x = &rows[i];
    const double v[] = {
        (double)(n - 1 - i), x->base_s, x->lo_s, x->hi_s, x->lo_v, x->hi_v};
    for (size_t k = 0; k < sizeof v / sizeof *v; k++) {
      if (k)
        fputc(' ', dat);
      gp_num(dat, v[k]);
    }
    fputc('\n', dat);
  }
  if (!n)
    fputs("NaN NaN NaN NaN NaN NaN\n", dat);
  fputs("\n\n", dat);

  char line2[700];
  size_t k2 = (size_t)snprintf(
      line2, sizeof line2,
      "workload-weighted mean over the models; the others at their base "
      "values\nnumbers at the bar ends: the parameter's low and high values");
  if (n < n_all && k2 < sizeof line2)
    snprintf(line2 + k2, sizeof line2 - k2,
             "\nthe %zu parameters with the smallest effect are left out "
             "(see sensitivity.csv)",
             n_all - n);
  int w = 1100, h = 230 + 34 * (int)(n ? n : 1);
  if (h < 440)
    h = 440;
  gp_begin(gp, c->base,
           "sensitivity tornado (best latency, one parameter "
           "moved at a time)");
  /* the title is centred over the plot, right of the long tic labels:
   * lines are kept short */
  gp_title(gp, "set title",
           "Sensitivity: best latency, one parameter moved at a time", line2,
           760);
  fputs("set xlabel 'best latency (s)'\n"
        "set border 3\nset tics out nomirror\n"
        "set grid xtics lc rgb '#E6E6E6' lw 1 dt solid\n",
        gp);
  fputs("set xrange [", gp);
  gp_num(gp, lo - 0.16 * span);
  fputc(':', gp);
  gp_num(gp, hi + 0.16 * span);
  /* room above the top bar for the base line's label */
  fprintf(gp, "]\nset yrange [-0.7:%zu-0.05]\n", n ? n : 1);
  /* parameter names (from the scenario: safe literals) and moves, as
   * labels left of the axis (not tic labels: see write_models) */
  fprintf(gp, "set ytics 0,1,%zu format '' scale 0.6\n", n ? n - 1 : 0);
  size_t maxlab = 10;
  for (size_t i = 0; i < n; i++) {
    const trow *x = &rows[i];
    char lab[300], lp[32], hp[32], txt[400];
    plot_param_label(plot_table_get(t, x->row, (size_t)cp), lab, sizeof lab);
    pct_text(x->lo_v, x->base, lp, sizeof lp);
    pct_text(x->hi_v, x->base, hp, sizeof hp);
    if (lp[0] && hp[0])
      snprintf(txt, sizeof txt, "%.70s = %.4g, %s / %s", lab, x->base, lp, hp);
    else if (isfinite(x->base))
      snprintf(txt, sizeof txt, "%.70s = %.4g", lab, x->base);
    else
      snprintf(txt, sizeof txt, "%.70s", lab);
    size_t chars = 0;
    for (const char *q = txt; *q; q++)
      chars += ((unsigned char)*q & 0xC0) != 0x80;
    if (chars > maxlab)
      maxlab = chars;
    fprintf(gp, "set label %zu ", i + 1);
    plot_gp_str(gp, txt, 0);
    fprintf(gp, " at graph 0, first %zu right offset char -1,0 font ',10'\n",
            n - 1 - i);
  }
  /* room for the labels: about 7.3 pixels a character at 10 points */
  double lm = (7.3 * (double)maxlab + 30) / (double)w;
  fprintf(gp, "set lmargin at screen %.3f\nset rmargin at screen 0.97\n",
          lm < 0.6 ? lm : 0.6);
  fputs("set arrow 1 from first ", gp);
  gp_num(gp, base_s);
  fputs(", graph 0 to first ", gp);
  gp_num(gp, base_s);
  fputs(", graph 1 nohead lc rgb '#222222' lw 1.5 front\n", gp);
  size_t nlab = n + 1;
  for (size_t i = 0; i < n; i++) {
    const trow *x = &rows[i];
    double y = (double)(n - 1 - i);
    double b = isfinite(x->base_s) ? x->base_s : base_s;
    char num[64];
    int lo_ok = isfinite(x->lo_s), hi_ok = isfinite(x->hi_s);
    if (lo_ok && hi_ok && x->lo_s == b && x->hi_s == b) {
      tornado_end_label(gp, &nlab, b, y, -INFINITY, "no effect");
      continue;
    }
    const double end[2] = {x->lo_s, x->hi_s}, val[2] = {x->lo_v, x->hi_v};
    for (size_t s = 0; s < 2; s++) {
      if (isfinite(end[s]) && end[s] != b) {
        if (isfinite(val[s])) {
          snprintf(num, sizeof num, "%.4g", val[s]);
          tornado_end_label(gp, &nlab, end[s], y, b, num);
        }
      } else if (!isfinite(end[s])) {
        if (isfinite(val[s]))
          snprintf(num, sizeof num, "infeasible at %.4g", val[s]);
        else
          snprintf(num, sizeof num, "infeasible");
        /* on the side the other end is not on */
        int other_right = isfinite(end[1 - s]) && end[1 - s] > b;
        tornado_end_label(gp, &nlab, b, y, other_right ? INFINITY : -INFINITY,
                          num);
      }
    }
  }
  char basetxt[80];
  snprintf(basetxt, sizeof basetxt, "base: %.4g s", base_s);
  fprintf(gp, "set label %zu ", nlab++);
  plot_gp_str(gp, basetxt, 0);
  fputs(" at first ", gp);
  gp_num(gp, base_s);
  fputs(", graph 1 left offset char 0.6,-0.8 font ',10' tc rgb '#222222' "
        "front\n",
        gp);
  gp_key_below(gp, 3, NULL);
  gp_loop_open(gp, c->base, w, h);
  fprintf(gp,
          "  plot '%s.dat' index 0 using (($2+$3)/2):1:($2<$3?$2:$3):"
          "($2<$3?$3:$2):($1-0.34):($1+0.34) with boxxyerror fs solid 0.85 "
          "noborder lc rgb '%s' title 'parameter at its low value', \\\n"
          "    '%s.dat' index 0 using (($2+$4)/2):1:($2<$4?$2:$4):"
          "($2<$4?$4:$2):($1-0.34):($1+0.34) with boxxyerror fs solid 0.85 "
          "noborder lc rgb '%s' title 'parameter at its high value', \\\n"
          "    keyentry with lines lc rgb '#222222' lw 1.5 title "
          "'base: every parameter at its base value'\n",
          c->base, TORNADO_LOW_COLOUR, c->base, TORNADO_HIGH_COLOUR);
  gp_loop_close(gp);
  free(rows);
  return 0;
}

/* ---- one chart, atomically ---------------------------------------------- */

#define SCRIPT_MARK "# splitsim chart script, checksum "

static unsigned long long fnv1a(const char *s, size_t n) {
  unsigned long long h = 1469598103934665603ULL;
  for (size_t i = 0; i < n; i++) {
    h ^= (unsigned char)s[i];
    h *= 1099511628211ULL;
  }
  return h;
}

int plot_script_edited(const char *text) {
  size_t ml = strlen(SCRIPT_MARK);
  if (strncmp(text, SCRIPT_MARK, ml) != 0)
    return 1;
  const char *nl = strchr(text, '\n');
  if (!nl)
    return 1;
  char *end;
  unsigned long long want = strtoull(text + ml, &end, 16);
  if (end == text + ml)
    return 1;
  return fnv1a(nl + 1, strlen(nl + 1)) != want;
}

/* 1 when path holds a script the user edited (or wrote), else 0. */
static int edited_on_disk(const char *path) {
  if (!plot_file_exists(path))
    return 0;
  char *text = ss_read_file(path, (size_t)64 * 1024 * 1024, NULL, NULL);
  if (!text)
    return 1; /* unreadable: leave it alone */
  int e = plot_script_edited(text);
  free(text);
  return e;
}

int plot_write_chart(const plot_data *d, const plot_plan *p,
                     const plot_chart *c, int keep_edited, int *kept,
                     ss_error *err) {
  char name[200];
  char *gp_path = NULL, *dat_path = NULL, *script = NULL;
  size_t script_len = 0;
  ss_atomic_file gpf, datf;
  int gp_open = 0, dat_open = 0, rc = -1;
  FILE *gp = NULL;
  *kept = 0;
  snprintf(name, sizeof name, "%s.gp", c->base);
  gp_path = plot_path_join(d->charts, name);
  snprintf(name, sizeof name, "%s.dat", c->base);
  dat_path = plot_path_join(d->charts, name);
  if (!gp_path || !dat_path) {
    ss_error_oom(err, d->charts, NULL);
    goto out;
  }
  if (ss_atomic_open(&datf, dat_path, err) != 0)
    goto out;
  dat_open = 1;
  gp = open_memstream(&script, &script_len);
  if (!gp) {
    ss_error_oom(err, gp_path, NULL);
    goto out;
  }
  switch (c->kind) {
  case PLOT_LATENCY:
    rc = write_latency(gp, datf.fp, d, c, err);
    break;
  case PLOT_MAP:
    rc = write_map(gp, datf.fp, d, c, err);
    break;
  case PLOT_BREAKDOWN:
    rc = write_breakdown(gp, datf.fp, d, p, c, err);
    break;
  case PLOT_MODELS:
    rc = write_models(gp, datf.fp, d, c, err);
    break;
  case PLOT_PARETO:
    rc = write_pareto(gp, datf.fp, d, c, err);
    break;
  case PLOT_TORNADO:
    rc = write_tornado(gp, datf.fp, d, c, err);
    break;
  }
  if (fclose(gp) != 0 && rc == 0)
    rc = ss_error_oom(err, gp_path, NULL);
  gp = NULL;
  if (rc != 0)
    goto out;
  rc = -1;
  if (ss_atomic_commit(&datf, err) != 0)
    goto out;
  dat_open = 0;
  if (keep_edited && edited_on_disk(gp_path)) {
    *kept = 1;
  } else {
    if (ss_atomic_open(&gpf, gp_path, err) != 0)
      goto out;
    gp_open = 1;
    fprintf(gpf.fp,
            SCRIPT_MARK "%016llx (an edited script is kept by `splitsim "
                        "plot`)\n",
            fnv1a(script, script_len));
    fwrite(script, 1, script_len, gpf.fp);
    gp_open = 0;
    if (ss_atomic_commit(&gpf, err) != 0)
      goto out;
  }
  rc = 0;
out:
  if (gp)
    fclose(gp);
  if (dat_open)
    ss_atomic_abort(&datf);
  if (gp_open)
    ss_atomic_abort(&gpf);
  free(script);
  free(gp_path);
  free(dat_path);
  return rc;
}
