/* report.html and report.md: the charts (linked relatively from charts/),
 * the placements' letters, the tables (long ones cut to the first rows),
 * the resolved scenario and the provenance (run.json). Every text from the
 * input files is escaped: HTML entities in report.html; in report.md the
 * same entities plus a backslash before Markdown's special characters. */
#include "plot_internal.h"
#include "plot_script.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../common/ss_io.h"
#include "../common/ss_text.h"

#ifndef SPLITSIM_VERSION
#define SPLITSIM_VERSION "unknown"
#endif

#define DEFAULT_ROWS 50

typedef struct out2 {
  FILE *h; /* report.html */
  FILE *m; /* report.md */
} out2;

/* Markdown: HTML-escape, and backslash-escape the characters that could
 * start emphasis, code, links, tables or headings anywhere in a line (the
 * text never starts a line with a name, so list markers need nothing). */
static void md_escape(FILE *fp, const char *s) {
  const char *p = s ? s : "";
  char one[2] = {0, 0};
  for (; *p; p++) {
    if (strchr("\\`*_[]|~#", *p)) {
      fputc('\\', fp);
      fputc(*p, fp);
    } else if (*p == '\n' || *p == '\r') {
      fputc(' ', fp);
    } else {
      one[0] = *p;
      /* keep multi-byte UTF-8 sequences whole */
      if ((unsigned char)*p >= 0x80) {
        const char *q = p;
        while (((unsigned char)q[1] & 0xC0) == 0x80)
          q++;
        char buf[8];
        size_t n = (size_t)(q - p) + 1;
        if (n < sizeof buf) {
          memcpy(buf, p, n);
          buf[n] = 0;
          plot_html_escape(fp, buf);
          p = q;
          continue;
        }
      }
      plot_html_escape(fp, one);
    }
  }
}

static void h_text(const out2 *o, const char *s) { plot_html_escape(o->h, s); }

/* A table cell: numbers (not whole numbers) shortened to 6 digits. */
static void cell_text(const char *s, char *buf, size_t size) {
  double v;
  if (s[0] && strspn(s, "0123456789-") != strlen(s) &&
      plot_parse_cell(s, &v) == 0 && isfinite(v))
    snprintf(buf, size, "%.6g", v);
  else
    snprintf(buf, size, "%s", s);
}

static int is_number(const char *s) {
  double v;
  return s[0] && plot_parse_cell(s, &v) == 0;
}

static void table_begin(const out2 *o, char *const *header, size_t n) {
  fputs("<div class=\"tablewrap\"><table>\n<thead><tr>", o->h);
  for (size_t i = 0; i < n; i++) {
    fputs("<th>", o->h);
    h_text(o, header[i]);
    fputs("</th>", o->h);
  }
  fputs("</tr></thead>\n<tbody>\n", o->h);
  fputc('\n', o->m);
  for (size_t i = 0; i < n; i++) {
    fputs("| ", o->m);
    md_escape(o->m, header[i]);
    fputc(' ', o->m);
  }
  fputs("|\n", o->m);
  for (size_t i = 0; i < n; i++)
    fputs("|---", o->m);
  fputs("|\n", o->m);
}

static void table_row(const out2 *o, char *const *cells, size_t n) {
  fputs("<tr>", o->h);
  for (size_t i = 0; i < n; i++) {
    char buf[2048];
    cell_text(cells[i], buf, sizeof buf);
    fputs(is_number(cells[i]) ? "<td class=\"n\">" : "<td>", o->h);
    h_text(o, buf);
    fputs("</td>", o->h);
    fputs("| ", o->m);
    md_escape(o->m, buf);
    fputc(' ', o->m);
  }
  fputs("</tr>\n", o->h);
  fputs("|\n", o->m);
}

static void table_end(const out2 *o) {
  fputs("</tbody></table></div>\n", o->h);
  fputc('\n', o->m);
}

static void para(const out2 *o, const char *cls, const char *text) {
  if (cls)
    fprintf(o->h, "<p class=\"%s\">", cls);
  else
    fputs("<p>", o->h);
  h_text(o, text);
  fputs("</p>\n", o->h);
  md_escape(o->m, text);
  fputs("\n\n", o->m);
}

static void heading(const out2 *o, int level, const char *id,
                    const char *text) {
  if (id)
    fprintf(o->h, "<h%d id=\"%s\">", level, id);
  else
    fprintf(o->h, "<h%d>", level);
  h_text(o, text);
  fprintf(o->h, "</h%d>\n", level);
  for (int i = 0; i < level; i++)
    fputc('#', o->m);
  fputc(' ', o->m);
  md_escape(o->m, text);
  fputs("\n\n", o->m);
}

/* A link to a file of the output folder, only when it exists. */
static int file_link(const out2 *o, const plot_data *d, const char *rel,
                     const char *label) {
  char *path = plot_path_join(d->outdir, rel);
  int ok = path && plot_file_exists(path);
  free(path);
  if (!ok)
    return 0;
  fprintf(o->h, "<a href=\"");
  h_text(o, rel);
  fputs("\">", o->h);
  h_text(o, label);
  fputs("</a>", o->h);
  fputc('[', o->m);
  md_escape(o->m, label);
  fputs("](", o->m);
  fputs(rel, o->m); /* our own safe file names */
  fputc(')', o->m);
  return 1;
}

static void whole_table(const out2 *o, const plot_data *d, const plot_table *t,
                        const char *file, const char *id, size_t max_rows) {
  char buf[400];
  heading(o, 3, id, file);
  size_t n = t->n_rows < max_rows ? t->n_rows : max_rows;
  table_begin(o, t->header, t->n_cols);
  for (size_t r = 0; r < n; r++)
    table_row(o, t->cells + r * t->n_cols, t->n_cols);
  table_end(o);
  if (n < t->n_rows)
    snprintf(buf, sizeof buf,
             "The first %zu of %zu rows (numbers to 6 digits); the whole "
             "table: ",
             n, t->n_rows);
  else
    snprintf(buf, sizeof buf,
             "%zu rows (numbers to 6 digits); the file: ", t->n_rows);
  fputs("<p>", o->h);
  h_text(o, buf);
  md_escape(o->m, buf);
  file_link(o, d, file, file);
  fputs("</p>\n", o->h);
  fputs("\n\n", o->m);
}

static int best_table(const out2 *o, const plot_data *d, size_t max_rows,
                      ss_error *err) {
  plot_csv c;
  char *path = plot_path_join(d->outdir, "best.csv");
  if (!path)
    return ss_error_oom(err, d->outdir, NULL);
  int rc = plot_csv_open(&c, path, err);
  free(path);
  if (rc != 0)
    return -1;
  heading(o, 3, NULL, "best.csv");
  rc = plot_csv_next(&c, err);
  if (rc <= 0) {
    plot_csv_close(&c);
    return rc < 0 ? -1 : 0;
  }
  size_t ncols = c.n;
  char **header = calloc(ncols, sizeof *header);
  if (!header) {
    plot_csv_close(&c);
    return ss_error_oom(err, d->outdir, NULL);
  }
  for (size_t i = 0; i < ncols; i++)
    header[i] = ss_strdup(c.fields[i]);
  for (size_t i = 0; i < ncols; i++)
    if (!header[i])
      header[i] = ss_strdup("?");
  table_begin(o, header, ncols);
  size_t shown = 0;
  while (shown < max_rows && (rc = plot_csv_next(&c, err)) == 1) {
    if (c.n != ncols)
      continue;
    table_row(o, c.fields, ncols);
    shown++;
  }
  table_end(o);
  for (size_t i = 0; i < ncols; i++)
    free(header[i]);
  free(header);
  plot_csv_close(&c);
  if (rc < 0)
    return -1;
  char buf[300];
  if (shown < d->n_best_rows)
    snprintf(buf, sizeof buf,
             "The first %zu of %zu rows (one per sweep point and model; "
             "numbers to 6 digits); the whole table: ",
             shown, d->n_best_rows);
  else
    snprintf(buf, sizeof buf,
             "%zu rows (numbers to 6 digits); the file: ", shown);
  fputs("<p>", o->h);
  h_text(o, buf);
  md_escape(o->m, buf);
  file_link(o, d, "best.csv", "best.csv");
  fputs("</p>\n\n", o->h);
  fputs("\n\n", o->m);
  return 0;
}

static void figure(const out2 *o, const plot_data *d, const plot_chart *c) {
  char caption[1200], rel[256];
  plot_chart_caption(d, c, caption, sizeof caption);
  snprintf(rel, sizeof rel, "charts/%s.png", c->base);
  char *png = plot_path_join(d->outdir, rel);
  snprintf(rel, sizeof rel, "charts/%s.svg", c->base);
  char *svg = plot_path_join(d->outdir, rel);
  int have_png = png && plot_file_exists(png);
  int have_svg = svg && plot_file_exists(svg);
  free(png);
  free(svg);
  fprintf(o->h, "<figure id=\"%s\">\n", c->base);
  if (have_png) {
    if (have_svg)
      fprintf(o->h, "<a href=\"charts/%s.svg\">", c->base);
    fprintf(o->h, "<img src=\"charts/%s.png\" alt=\"", c->base);
    h_text(o, caption);
    fputs("\" loading=\"lazy\">", o->h);
    if (have_svg)
      fputs("</a>", o->h);
    fputc('\n', o->h);
    /* the caption follows: the alternative text is the chart's name */
    fprintf(o->m, "![%s](charts/%s.png)\n\n", c->base, c->base);
  }
  fputs("<figcaption>", o->h);
  h_text(o, caption);
  md_escape(o->m, caption);
  if (!have_png && !have_svg) {
    const char *nr =
        c->untrusted
            ? " (Not rendered: its gnuplot script is not as splitsim wrote "
              "it, and a gnuplot script can run programs; read it, then run "
              "`splitsim plot --trust-scripts` on this folder.)"
            : " (Not rendered: run `splitsim plot` on this folder "
              "with gnuplot installed.)";
    h_text(o, nr);
    md_escape(o->m, nr);
  }
  fputs(" Files:", o->h);
  fputs(" Files:", o->m);
  const char *ext[] = {".svg", ".png", ".gp", ".dat"};
  const char *lab[] = {"SVG", "PNG", "gnuplot script", "data"};
  for (size_t i = 0; i < 4; i++) {
    snprintf(rel, sizeof rel, "charts/%s%s", c->base, ext[i]);
    fputc(' ', o->h);
    fputc(' ', o->m);
    file_link(o, d, rel, lab[i]);
  }
  fputs("</figcaption>\n</figure>\n", o->h);
  fputs("\n\n", o->m);
}

static void summary_line(const out2 *o, const plot_data *d) {
  char buf[2000];
  size_t k = 0;
  k += (size_t)snprintf(buf + k, sizeof buf - k,
                        "Objective: %s. %zu sweep %s, %zu %s. Tiers:",
                        plot_objective_name(d->objective), d->n_points,
                        ss_plural(d->n_points, "point", "points"), d->n_models,
                        ss_plural(d->n_models, "model", "models"));
  for (size_t t = 0; t < d->n_tiers && k < sizeof buf - 200; t++)
    k += (size_t)snprintf(buf + k, sizeof buf - k, "%s %.100s", t ? "," : "",
                          d->tiers[t]);
  if (d->n_axes && k < sizeof buf - 100)
    k += (size_t)snprintf(buf + k, sizeof buf - k, ". Swept:");
  for (size_t a = 0; a < d->n_axes && k < sizeof buf - 300; a++) {
    const plot_axis *ax = &d->axes[a];
    k += (size_t)snprintf(
        buf + k, sizeof buf - k, "%s %.150s (%zu values, %.4g to %.4g%s)",
        a ? ";" : "", ax->param, ax->n_values, ax->values[0],
        ax->values[ax->n_values - 1], ax->is_log ? ", log scale" : "");
  }
  if (k < sizeof buf - 2)
    snprintf(buf + k, sizeof buf - k, ".");
  para(o, NULL, buf);
}

static void placements(const out2 *o, const plot_data *d) {
  heading(o, 2, "placements", "Placements");
  para(o, NULL,
       "The letters used in the charts, per model, in the order the "
       "placements first appear in best.csv: the short form of the charts "
       "and rules, and the placement as best.csv writes it.");
  char h0[] = "model", h1[] = "letter", h2[] = "tiers (first-last layer)",
       h3[] = "placement";
  char *hdr[] = {h0, h1, h2, h3};
  table_begin(o, hdr, 4);
  for (size_t i = 0; i < d->n_models; i++) {
    const plot_model *m = &d->models[i];
    for (size_t k = 0; k < m->n_places; k++) {
      char letter[8], brief[512];
      plot_place_letter(k, letter, sizeof letter);
      plot_place_brief(d, m, m->places[k], brief, sizeof brief);
      char *cells[] = {m->name, letter, brief, m->places[k]};
      table_row(o, cells, 4);
    }
  }
  table_end(o);
}

static void verbatim(const out2 *o, const char *text) {
  fputs("<pre>", o->h);
  h_text(o, text);
  fputs("</pre>\n", o->h);
  /* a fence longer than any run of backquotes in the text */
  size_t run = 0, longest = 0;
  for (const char *p = text; *p; p++) {
    run = *p == '`' ? run + 1 : 0;
    if (run > longest)
      longest = run;
  }
  size_t fence = longest >= 3 ? longest + 1 : 3;
  for (size_t i = 0; i < fence; i++)
    fputc('`', o->m);
  fputc('\n', o->m);
  /* raw: a fenced code block is shown as it is, never read as HTML or
   * Markdown, and the fence is longer than any run of backquotes in it */
  fputs(text, o->m);
  if (text[0] && text[strlen(text) - 1] != '\n')
    fputc('\n', o->m);
  for (size_t i = 0; i < fence; i++)
    fputc('`', o->m);
  fputs("\n\n", o->m);
}

static const char css[] =
    "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;"
    "max-width:1180px;margin:2em auto;padding:0 1em;color:#222;"
    "line-height:1.45}\n"
    "h1{font-size:1.6em}h2{border-bottom:1px solid #ddd;padding-bottom:.2em;"
    "margin-top:2em}\n"
    "table{border-collapse:collapse;font-size:.85em;margin:.5em 0}\n"
    "th,td{border:1px solid #ddd;padding:.2em .5em;text-align:left;"
    "vertical-align:top}\n"
    "td.n{text-align:right;font-variant-numeric:tabular-nums}\n"
    "th{background:#f4f4f4}\n.tablewrap{overflow-x:auto;max-width:100%}\n"
    "td{max-width:26em;overflow-wrap:anywhere}\n"
    "details{margin:.6em 0}summary{cursor:pointer;font-weight:600}\n"
    ".rec{background:#eef6ee;border-left:4px solid #2e7d32;"
    "padding:.5em .8em}\n"
    "figure{margin:1.5em 0}figure img{max-width:100%;height:auto;"
    "border:1px solid #eee}\nfigcaption{font-size:.9em;color:#444}\n"
    "pre{background:#f7f7f7;padding:.8em;overflow-x:auto;font-size:.85em}\n"
    ".note{background:#fff8e1;border-left:4px solid #f0b400;"
    "padding:.5em .8em}\n";

/* Where each policy of the load simulation breaks down (sim.csv). */
static void sim_breakdown(const out2 *o, const plot_data *d) {
  char lines[8][400];
  size_t n = plot_sim_breakdown(d, &lines[0][0], 8, sizeof lines[0]);
  if (n)
    para(o, NULL,
         "Where each policy breaks down (client group 0; a run "
         "breaks down when its status in sim.csv is not ok or it "
         "misses more than 1% of its deadlines):");
  for (size_t i = 0; i < n; i++)
    para(o, NULL, lines[i]);
}

/* Which sweep point the comparison and breakdown charts show, and why. */
static void point_note(const out2 *o, const plot_data *d, const plot_plan *p) {
  int any = 0;
  for (size_t i = 0; i < p->n; i++)
    any |=
        p->charts[i].kind == PLOT_MODELS || p->charts[i].kind == PLOT_BREAKDOWN;
  if (!any || d->n_points < 2)
    return;
  char buf[1600];
  size_t k = (size_t)snprintf(
      buf, sizeof buf,
      "The model comparison and the per-block breakdowns show sweep point "
      "%zu",
      d->point);
  for (size_t a = 0; a < d->n_axes && k < sizeof buf - 300; a++) {
    char lab[200];
    plot_param_label(d->axes[a].param, lab, sizeof lab);
    k += (size_t)snprintf(buf + k, sizeof buf - k, "%s%s = %.4g",
                          a ? ", " : " (", lab, d->point_values[a]);
  }
  if (d->n_axes && k < sizeof buf - 2)
    k += (size_t)snprintf(buf + k, sizeof buf - k, ")");
  if (k < sizeof buf - 400) {
    if (d->point_auto)
      snprintf(buf + k, sizeof buf - k,
               ": of the %zu points, the one where the models' best "
               "placements use the most tiers (%u tier uses over %zu "
               "models; ties: the point nearest the middle of the sweep). "
               "`splitsim plot --point N` draws another point.",
               d->n_points, d->point_score, d->n_models);
    else
      snprintf(buf + k, sizeof buf - k, ", as asked with --point.");
  }
  para(o, NULL, buf);
}

/* Under the tornado chart: where its numbers are. */
static void sensitivity_links(const out2 *o, const plot_data *d) {
  const char *t = "The numbers: ";
  fputs("<p>", o->h);
  h_text(o, t);
  md_escape(o->m, t);
  fputs("<a href=\"#sensitivity-table\">the table below</a> (", o->h);
  fputs("the table below (", o->m);
  file_link(o, d, "sensitivity.csv", "sensitivity.csv");
  t = "); every model on its own: ";
  h_text(o, t);
  md_escape(o->m, t);
  if (!file_link(o, d, "sensitivity_models.csv", "sensitivity_models.csv")) {
    h_text(o, "not written");
    md_escape(o->m, "not written");
  }
  fputs(".</p>\n", o->h);
  fputs(".\n\n", o->m);
}

/* The other study tables, linked when present (columns: docs/studies.md). */
static void study_files(const out2 *o, const plot_data *d) {
  static const char *const files[] = {"purchase_models.csv",
                                      "purchase_sweep.csv", "robust.csv",
                                      "sensitivity_models.csv"};
  int any = 0;
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
    char *path = plot_path_join(d->outdir, files[i]);
    int ok = path && plot_file_exists(path);
    free(path);
    if (!ok)
      continue;
    if (!any) {
      const char *t = "Further study tables (columns in docs/studies.md):";
      fputs("<p>", o->h);
      h_text(o, t);
      md_escape(o->m, t);
    }
    fputc(' ', o->h);
    fputc(' ', o->m);
    file_link(o, d, files[i], files[i]);
    any = 1;
  }
  if (any) {
    fputs("</p>\n", o->h);
    fputs("\n\n", o->m);
  }
}

/* A collapsed (or open) section of report.html; report.md stays linear. */
static void details_open(const out2 *o, const char *summary, int open) {
  fputs(open ? "<details open><summary>" : "<details><summary>", o->h);
  h_text(o, summary);
  fputs("</summary>\n", o->h);
}

static void details_close(const out2 *o) { fputs("</details>\n", o->h); }

static void list_item(const out2 *o, const char *text) {
  fputs("<li>", o->h);
  h_text(o, text);
  fputs("</li>\n", o->h);
  fputs("- ", o->m);
  md_escape(o->m, text);
  fputc('\n', o->m);
}

/* A table's number to 4 significant digits, as the report's other numbers;
 * text that is not a number stays as it is. */
static void round4(const char *cell, char *out, size_t size) {
  char *end;
  double v = strtod(cell, &end);
  if (end == cell || *end)
    snprintf(out, size, "%s", cell);
  else
    snprintf(out, size, "%.4g", v);
}

/* Per model: placements optimal somewhere and the range of the optimum
 * (summary.csv's first row of each model). */
static void summary_table(const out2 *o, const plot_data *d) {
  const plot_table *t = &d->summary;
  long cm = plot_table_col(t, SIM_COL_MODEL),
       cb = plot_table_col(t, "best_objective"),
       cw = plot_table_col(t, "worst_objective");
  if (!d->has_summary || cm < 0 || cb < 0 || cw < 0)
    return;
  char h0[] = "model", h1[] = "placements optimal somewhere", h2[160], h3[160];
  const char *label = plot_objective_label(d->objective);
  snprintf(h2, sizeof h2, "best %s", label);
  snprintf(h3, sizeof h3, "worst %s", label);
  char *hdr[] = {h0, h1, h2, h3};
  table_begin(o, hdr, 4);
  for (size_t r = 0; r < t->n_rows;) {
    const char *m = plot_table_get(t, r, (size_t)cm);
    size_t n = 0;
    while (r + n < t->n_rows &&
           strcmp(plot_table_get(t, r + n, (size_t)cm), m) == 0)
      n++;
    char cnt[32], best[32], worst[32];
    snprintf(cnt, sizeof cnt, "%zu", n);
    round4(plot_table_get(t, r, (size_t)cb), best, sizeof best);
    round4(plot_table_get(t, r, (size_t)cw), worst, sizeof worst);
    char *cells[] = {(char *)m, cnt, best, worst};
    table_row(o, cells, 4);
    r += n;
  }
  table_end(o);
}

/* The first screen: what was asked, the decision rule per model, the
 * study recommendations, a small summary table. */
static void findings(const out2 *o, const plot_data *d) {
  heading(o, 2, "findings", "Findings");
  summary_line(o, d);
  if (d->n_axes) {
    char buf[1400] = "Reference point (curves, elasticities, studies and "
                     "chart titles): ";
    size_t k = strlen(buf);
    plot_other_axes_text(d, -1, -1, NULL, buf + k, sizeof buf - k);
    para(o, NULL, buf);
  }
  long a = plot_decision_axis(d);
  if (a >= 0) {
    char lab[256], buf[600];
    plot_axis_label(d, (size_t)a, lab, sizeof lab);
    snprintf(buf, sizeof buf,
             "Decision rule per model along %s, the other parameters at the "
             "reference point (tiers with the layers they run; "
             "breakpoints.csv has every change):",
             lab);
    para(o, NULL, buf);
  } else {
    para(o, NULL, "Best placement per model (tiers with the layers they run):");
  }
  fputs("<ul class=\"rules\">\n", o->h);
  for (size_t m = 0; m < d->n_models; m++) {
    char *t = plot_rule_text(d, m);
    if (t)
      list_item(o, t);
    free(t);
  }
  fputs("</ul>\n", o->h);
  fputc('\n', o->m);
  char *(*const recs[])(const plot_data *) = {
      plot_purchase_text, plot_sensitivity_text, plot_robust_text};
  for (size_t i = 0; i < sizeof recs / sizeof recs[0]; i++) {
    char *text = recs[i](d);
    if (text)
      para(o, "rec", text);
    free(text);
  }
  summary_table(o, d);
}

/* The charts of kinds s..e-1 (one section title): a section of one chart
 * per kind stays open; per-model series are one click away. -1 when
 * cancelled. */
static int charts_section(const out2 *o, const plot_data *d, const plot_plan *p,
                          size_t s, size_t e, size_t count) {
  const plot_kind_ops *k = plot_kind_table[s];
  char sb[200];
  snprintf(sb, sizeof sb, "%s (%zu chart%s)", k->section, count,
           count == 1 ? "" : "s");
  details_open(o, sb, count <= e - s);
  if (k->kind == PLOT_SIM_P99)
    sim_breakdown(o, d);
  heading(o, 3, NULL, k->section);
  for (size_t j = s; j < e; j++)
    for (size_t i = 0; i < p->n; i++)
      if (plot_cancelled()) {
        return -1;
      } else if (p->charts[i].kind == plot_kind_table[j]->kind) {
        figure(o, d, &p->charts[i]);
        if (p->charts[i].kind == PLOT_TORNADO)
          sensitivity_links(o, d);
      }
  details_close(o);
  return 0;
}

/* The contents line under the Findings (report.md: GitHub's heading
 * anchors). */
static void contents(const out2 *o) {
  static const char *const sec[][3] = {
      {"findings", "findings", "Findings"},
      {"charts", "charts", "Charts"},
      {"placements", "placements", "Placements"},
      {"tables", "tables", "Tables"},
      {"scenario", "resolved-scenario", "Scenario"},
      {"provenance", "provenance", "Provenance"}};
  fputs("<nav>Contents:", o->h);
  fputs("Contents:", o->m);
  for (size_t i = 0; i < sizeof sec / sizeof sec[0]; i++) {
    fprintf(o->h, "%s <a href=\"#%s\">%s</a>", i ? " &middot;" : "", sec[i][0],
            sec[i][2]);
    fprintf(o->m, "%s [%s](#%s)", i ? " \xC2\xB7" : "", sec[i][2], sec[i][1]);
  }
  fputs("</nav>\n", o->h);
  fputs("\n\n", o->m);
}

/* The charts: first the sections of one chart per kind (the model
 * comparison, the studies: the charts most worth seeing), then the
 * per-model series, collapsed; last the notes on charts left out. -1 when
 * cancelled. */
static int charts_part(const out2 *o, const plot_data *d, const plot_plan *p) {
  heading(o, 2, "charts", "Charts");
  if (p->n == 0)
    para(o, NULL, "No charts for this output.");
  point_note(o, d, p);
  for (int series = 0; series < 2; series++)
    for (size_t s = 0; s < plot_n_kinds;) {
      /* consecutive kinds with the same section title share one section */
      const plot_kind_ops *k = plot_kind_table[s];
      size_t e = s + 1, count = 0;
      while (e < plot_n_kinds &&
             strcmp(plot_kind_table[e]->section, k->section) == 0)
        e++;
      for (size_t i = 0; i < p->n; i++)
        for (size_t j = s; j < e; j++)
          count += p->charts[i].kind == plot_kind_table[j]->kind;
      if (count && (count > e - s) == series &&
          charts_section(o, d, p, s, e, count) != 0)
        return -1;
      s = e;
    }
  if (p->n_notes) {
    char nb[80];
    snprintf(nb, sizeof nb, "Charts left out (%zu)", p->n_notes);
    details_open(o, nb, 0);
    heading(o, 3, "left-out", nb);
    for (size_t i = 0; i < p->n_notes; i++)
      para(o, "note", p->notes[i]);
    details_close(o);
  }
  return 0;
}

/* The report's part "Tables": the first rows of each table. */
static int tables_part(const out2 *o, const plot_data *d, size_t max_rows,
                       ss_error *err) {
  heading(o, 2, "tables", "Tables");
  details_open(o, "The tables (first rows; the CSV files have them all)", 0);
  if (d->has_summary)
    whole_table(o, d, &d->summary, "summary.csv", NULL, max_rows);
  if (d->has_breakpoints)
    whole_table(o, d, &d->breakpoints, "breakpoints.csv", NULL, max_rows);
  if (best_table(o, d, max_rows, err) != 0)
    return -1;
  if (d->has_purchase)
    whole_table(o, d, &d->purchase, "purchase.csv", NULL, max_rows);
  if (d->has_sensitivity)
    whole_table(o, d, &d->sensitivity, "sensitivity.csv", "sensitivity-table",
                max_rows);
  if (d->has_sim)
    whole_table(o, d, &d->sim, "sim.csv", "sim-table", max_rows);
  if (d->has_replay)
    whole_table(o, d, &d->replay, "replay.csv", NULL, max_rows);
  study_files(o, d);
  if (d->has_curves) {
    fputs("<p>", o->h);
    const char *t = "The curves behind the latency charts: ";
    h_text(o, t);
    md_escape(o->m, t);
    file_link(o, d, "curves.csv", "curves.csv");
    fputs("</p>\n", o->h);
    fputs("\n\n", o->m);
  }
  details_close(o);

  return 0;
}

/* The report's part "Resolved scenario". */
static void scenario_part(const out2 *o, const plot_data *d) {
  heading(o, 2, "scenario", "Resolved scenario");
  details_open(o, "scenario.resolved.yaml", 0);
  if (d->yaml_text) {
    fputs("<p>", o->h);
    file_link(o, d, "scenario.resolved.yaml", "scenario.resolved.yaml");
    fputs(" (every default filled in):</p>\n", o->h);
    fputs(" (every default filled in):\n\n", o->m);
    verbatim(o, d->yaml_text);
  } else {
    para(o, NULL, "scenario.resolved.yaml is missing.");
  }
  details_close(o);
}

/* A copy of run.json without its "timings_s" line (the report must not
 * change between runs), or NULL when out of memory. */
static char *run_json_untimed(const char *run_json) {
  size_t n = strlen(run_json);
  char *copy = malloc(n + 1);
  if (copy) {
    char *w = copy;
    for (const char *l = run_json; *l;) {
      const char *e = strchr(l, '\n');
      size_t len = e ? (size_t)(e - l) + 1 : strlen(l);
      char line[64];
      size_t cut = len < sizeof line - 1 ? len : sizeof line - 1;
      memcpy(line, l, cut);
      line[cut] = '\0';
      if (!strstr(line, "\"timings_s\"")) {
        memcpy(w, l, len);
        w += len;
      }
      l += len;
    }
    *w = '\0';
  }
  return copy;
}

/* The report's part "Provenance": run.json without its timings. */
static void provenance_part(const out2 *o, const plot_data *d) {
  heading(o, 2, "provenance", "Provenance");
  details_open(o, "run.json", 0);
  if (d->run_json) {
    fputs("<p>", o->h);
    file_link(o, d, "run.json", "run.json");
    fputs(" (version and input checksums; the run's timings are in the file "
          "itself, left out here so that equal runs give equal reports):</p>\n",
          o->h);
    fputs(" (version and input checksums; timings are in the file itself):"
          "\n\n",
          o->m);
    char *copy = run_json_untimed(d->run_json);
    verbatim(o, copy ? copy : d->run_json);
    free(copy);
  } else {
    para(o, NULL, "run.json is missing.");
  }
  details_close(o);
}

static int write_both(const plot_data *d, const plot_plan *p,
                      const plot_options *opt, const plot_summary *sum,
                      const out2 *o, ss_error *err) {
  size_t max_rows = opt && opt->max_rows ? opt->max_rows : DEFAULT_ROWS;
  char title[600];
  snprintf(title, sizeof title, "splitsim report: %.300s", d->name);
  fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta "
        "charset=\"utf-8\">\n<meta name=\"viewport\" "
        "content=\"width=device-width, initial-scale=1\">\n<title>",
        o->h);
  h_text(o, title);
  fprintf(o->h, "</title>\n<style>\n%s</style>\n</head>\n<body>\n", css);
  heading(o, 1, NULL, title);
  findings(o, d);
  contents(o);
  if (sum && sum->message[0])
    para(o, "note", sum->message);
  if (charts_part(o, d, p) != 0)
    return plot_interrupted(err);
  details_open(o, "Placements (the letters of the charts)", 0);
  placements(o, d);
  details_close(o);

  if (tables_part(o, d, max_rows, err) != 0)
    return -1;
  scenario_part(o, d);
  provenance_part(o, d);
  fputs("<footer><p>Written by splitsim " SPLITSIM_VERSION
        ".</p></footer>\n</body>\n</html>\n",
        o->h);
  fputs("Written by splitsim " SPLITSIM_VERSION ".\n", o->m);
  return 0;
}

int plot_report_write(const plot_data *d, const plot_plan *p,
                      const plot_options *opt, const plot_summary *sum,
                      ss_error *err) {
  ss_atomic_file h, m;
  char *hp = plot_path_join(d->outdir, "report.html");
  char *mp = plot_path_join(d->outdir, "report.md");
  int rc = -1, h_open = 0, m_open = 0;
  if (!hp || !mp) {
    ss_error_oom(err, d->outdir, NULL);
    goto out;
  }
  if (ss_atomic_open(&h, hp, err) != 0)
    goto out;
  h_open = 1;
  if (ss_atomic_open(&m, mp, err) != 0)
    goto out;
  m_open = 1;
  out2 o = {h.fp, m.fp};
  if (write_both(d, p, opt, sum, &o, err) != 0)
    goto out;
  h_open = 0;
  if (ss_atomic_commit(&h, err) != 0)
    goto out;
  m_open = 0;
  if (ss_atomic_commit(&m, err) != 0)
    goto out;
  rc = 0;
out:
  if (h_open)
    ss_atomic_abort(&h);
  if (m_open)
    ss_atomic_abort(&m);
  free(hp);
  free(mp);
  return rc;
}
