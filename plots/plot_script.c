/* The script parts every chart kind shares (plot_script.h). */
#include "plot_script.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

int plot_series_push(plot_series *s, double x, double y) {
  void *p = s->p;
  if (ss_grow(&p, &s->cap, s->n + 1, sizeof *s->p, 32) != 0)
    return -1;
  s->p = p;
  s->p[s->n].x = x;
  s->p[s->n].y = y;
  s->n++;
  return 0;
}

int plot_cmp_xy(const void *a, const void *b) {
  double x = ((const plot_xy *)a)->x, y = ((const plot_xy *)b)->x;
  return x < y ? -1 : x > y;
}

int plot_cmp_bp(const void *a, const void *b) {
  double x = ((const plot_bp *)a)->x, y = ((const plot_bp *)b)->x;
  return x < y ? -1 : x > y;
}

/* Midpoint between two axis values (geometric on a log axis). */
double plot_mid(double a, double b, int is_log) {
  return is_log && a > 0 && b > 0 ? sqrt(a * b) : 0.5 * (a + b);
}

/* ---- shared script parts ------------------------------------------------ */

void plot_gp_begin(FILE *fp, const char *base, const char *what) {
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

void plot_gp_begin_chart(FILE *fp, const plot_chart *c, const char *what) {
  if (!c->single_format) {
    plot_gp_begin(fp, c->base, what);
    return;
  }
  fprintf(fp,
          "# splitsim chart: %s\n"
          "# Data: %s.dat (numbers only; columns in docs/charts.md).\n"
          "# Render: cd into this folder and run `gnuplot %s.gp`; it writes\n"
          "# %s (%s).\n"
          "reset\nset encoding utf8\n"
          "set style textbox opaque fc rgb '#FFFFFF' noborder margins 2,1\n",
          what, c->base, c->base, c->base, c->single_format);
}

void plot_gp_colours(FILE *fp, const plot_data *d) {
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

void plot_gp_loop_open(FILE *fp, const char *base, int w, int h) {
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

void plot_gp_loop_close(FILE *fp) { fputs("  unset output\n}\n", fp); }

void plot_gp_output_open(FILE *fp, const plot_chart *c, int w, int h) {
  if (!c->single_format) {
    plot_gp_loop_open(fp, c->base, w, h);
    return;
  }
  int png = strcmp(c->single_format, "png") == 0;
  fprintf(fp,
          "W = %d; H = %d\n"
          "FONT = 'Sans,11'\n"
          "%s\n"
          "set output '%s'\n"
          "if (1) {\n",
          w, h,
          png ? "set terminal pngcairo size W,H noenhanced font FONT "
                "linewidth 1.2 butt"
              : "set terminal svg size W,H noenhanced font FONT linewidth 1.2 "
                "butt background '#FFFFFF'",
          c->base);
}

void plot_gp_output_close(FILE *fp, const plot_chart *c) {
  if (!c->single_format)
    plot_gp_loop_close(fp);
  else
    fputs("  unset output\n}\n", fp);
}

void plot_gp_num(FILE *fp, double v) { plot_put_num(fp, v); }

void plot_gp_xy_block(FILE *fp, const plot_series *s) {
  for (size_t k = 0; k < s->n; k++) {
    plot_gp_num(fp, s->p[k].x);
    fputc(' ', fp);
    plot_gp_num(fp, s->p[k].y);
    fputc('\n', fp);
  }
  if (!s->n)
    fputs("NaN NaN\n", fp);
  fputs("\n\n", fp);
}

/* A legend of `rows` lines under the x label: the bottom margin is made
 * room for it explicitly (gnuplot's own `set key below` can run into a long
 * x label). One column, sample before the text. */
void plot_gp_key_below(FILE *fp, size_t rows, const char *extra) {
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
int plot_gp_title(FILE *fp, const char *cmd, const char *line1,
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

void plot_fmt_g(char *buf, size_t size, double v) {
  snprintf(buf, size, "%.4g", v);
}

/* "param = value, ..." for the other axes at the reference point (or at
 * the chosen point when `at` is given). */
void plot_other_axes_text(const plot_data *d, long skip1, long skip2,
                          const double *at, char *buf, size_t size) {
  size_t k = 0;
  buf[0] = 0;
  for (size_t a = 0; a < d->n_axes; a++) {
    if ((skip1 >= 0 && plot_same_group(d, a, (size_t)skip1)) ||
        (skip2 >= 0 && plot_same_group(d, a, (size_t)skip2)))
      continue;
    char lab[200], num[32];
    plot_param_label(d->axes[a].param, lab, sizeof lab);
    plot_fmt_g(num, sizeof num, at ? at[a] : d->axes[a].ref);
    int n = snprintf(buf + k, size - k, "%s%s = %s", k ? ", " : "", lab, num);
    if (n < 0 || (size_t)n >= size - k)
      break;
    k += (size_t)n;
  }
}

/* "reference point: ..." (the other parameters) or empty when there are
 * none. */
void plot_other_line(const plot_data *d, long skip1, long skip2, char *buf,
                     size_t size) {
  static const char head[] = "at the reference point: ";
  buf[0] = 0;
  if (size <= sizeof head)
    return;
  plot_other_axes_text(d, skip1, skip2, NULL, buf + sizeof head - 1,
                       size - sizeof head + 1);
  if (buf[sizeof head - 1])
    memcpy(buf, head, sizeof head - 1);
  else
    buf[0] = 0;
}

void plot_place_title(const plot_model *m, int place, char *buf, size_t size) {
  char letter[8], shortp[512];
  if (place < 0) {
    snprintf(buf, size, "infeasible (no placement meets the constraints)");
    return;
  }
  plot_place_letter((size_t)place, letter, sizeof letter);
  if (m->briefs && m->briefs[place])
    snprintf(shortp, sizeof shortp, "%s", m->briefs[place]);
  else
    plot_short_place(m->places[place], shortp, sizeof shortp);
  snprintf(buf, size, "%s: %s", letter, shortp);
}

/* linetype N = placement N-1 of the model; infeasible = n_places + 1 */
void plot_gp_place_types(FILE *fp, const plot_model *m) {
  for (size_t i = 0; i < m->n_places; i++)
    fprintf(fp, "set linetype %zu lc rgb '%s' lw 1.5 dt solid pt 7\n", i + 1,
            plot_place_colour((int)i));
  fprintf(fp, "set linetype %zu lc rgb '%s' lw 1.5 dt solid pt 7\n",
          m->n_places + 1, plot_place_colour(PLOT_INFEASIBLE));
}

int plot_lt_of(const plot_model *m, int place) {
  return place < 0 ? (int)m->n_places + 1 : place + 1;
}
