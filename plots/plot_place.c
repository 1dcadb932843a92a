/* Placements as tiers: which system of each tier runs which layers. Read
 * from best.csv's per-tier columns (system.<tier>, first_layer.<tier>,
 * last_layer.<tier>) where a placement appears there, else parsed from its
 * text knowing the tier names; and the short form the report's decision
 * rules and the charts' legends print ("Edge 1-4 + Cloud 5-175"). */
#include "plot_internal.h"

#include <stdlib.h>
#include <string.h>

#include "../common/ss_mem.h"

/* Tier name with its first letter upper-cased, as placement texts spell
 * it. */
static void cap_name(const char *tier, char *buf, size_t size) {
  snprintf(buf, size, "%s", tier);
  if (buf[0] >= 'a' && buf[0] <= 'z')
    buf[0] = (char)(buf[0] - 'a' + 'A');
}

void plot_tier_ranges_free(plot_tier_range *r, size_t n) {
  if (!r)
    return;
  for (size_t i = 0; i < n; i++)
    free(r[i].system);
  free(r);
}

/* The end of tier t's segment starting at p: the ") = a - b" after which
 * the text ends (last tier) or the next tier's name follows. */
static const char *segment_end(const char *p, size_t t, size_t nt,
                               const char *next, long long *a, long long *b,
                               const char **after) {
  for (const char *q = p; (q = strstr(q, ") = ")) != NULL; q++) {
    char *e1, *e2;
    *a = strtoll(q + 4, &e1, 10);
    if (e1 == q + 4 || strncmp(e1, " - ", 3) != 0)
      continue;
    *b = strtoll(e1 + 3, &e2, 10);
    if (e2 == e1 + 3)
      continue;
    if (t + 1 == nt ? *e2 == 0
                    : (strncmp(e2, ", ", 2) == 0 &&
                       strncmp(e2 + 2, next, strlen(next)) == 0)) {
      *after = (t + 1 == nt) ? e2 : e2 + 2;
      return q;
    }
  }
  return NULL;
}

plot_tier_range *plot_place_parse(const char *text, char *const *tiers,
                                  size_t nt) {
  plot_tier_range *out = calloc(nt ? nt : 1, sizeof *out);
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
    long long a = 0, b = 0;
    const char *after = NULL;
    const char *end = segment_end(p, t, nt, next, &a, &b, &after);
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
  plot_tier_ranges_free(out, nt);
  return NULL;
}

plot_tier_range *plot_place_ranges(const plot_data *d, const plot_model *m,
                                   int place) {
  size_t nt = d->n_tiers;
  if (place < 0 || (size_t)place >= m->n_places)
    return NULL;
  if (!m->ranges || (size_t)place >= m->n_ranged)
    return plot_place_parse(m->places[place], d->tiers, nt);
  plot_tier_range *out = calloc(nt ? nt : 1, sizeof *out);
  if (!out)
    return NULL;
  for (size_t t = 0; t < nt; t++) {
    out[t] = m->ranges[(size_t)place * nt + t];
    if (!(out[t].system = ss_strdup(out[t].system ? out[t].system : ""))) {
      plot_tier_ranges_free(out, t);
      return NULL;
    }
  }
  return out;
}

int plot_model_take_ranges(plot_model *m, size_t place, size_t nt,
                           const char *const *system, const long long *first,
                           const long long *last) {
  if (place != m->n_ranged)
    return 0; /* only a prefix of the placements is kept from best.csv */
  void *grown = m->ranges;
  if (ss_grow(&grown, &m->ranges_cap, place + 1,
              (nt ? nt : 1) * sizeof *m->ranges, 4) != 0)
    return -1;
  plot_tier_range *nr = m->ranges = grown;
  for (size_t t = 0; t < nt; t++) {
    plot_tier_range *r = &nr[place * nt + t];
    r->used = system[t][0] && !(first[t] == -1 && last[t] == -1);
    r->first = first[t];
    r->last = last[t];
    r->system = NULL;
  }
  for (size_t t = 0; t < nt; t++)
    if (!(nr[place * nt + t].system = ss_strdup(system[t]))) {
      for (size_t u = 0; u < t; u++)
        free(nr[place * nt + u].system);
      return -1;
    }
  m->n_ranged++;
  return 0;
}

void plot_model_places_free(plot_model *m, size_t nt) {
  for (size_t k = 0; k < m->n_places; k++) {
    free(m->places[k]);
    if (m->briefs)
      free(m->briefs[k]);
  }
  free(m->places);
  free(m->briefs);
  if (m->ranges)
    for (size_t k = 0; k < m->n_ranged * nt; k++)
      free(m->ranges[k].system);
  free(m->ranges);
  m->places = m->briefs = NULL;
  m->ranges = NULL;
  m->n_places = m->n_ranged = 0;
  m->places_cap = m->ranges_cap = 0;
}

/* Add the systems tier t uses in r to the distinct ones seen (at most
 * 2 kept: enough to know there is a choice). */
static void note_systems(const plot_tier_range *r, size_t nt,
                         const char *(*seen)[2]) {
  for (size_t t = 0; t < nt; t++) {
    if (!r[t].used || !r[t].system)
      continue;
    if (!seen[t][0])
      seen[t][0] = r[t].system;
    else if (!seen[t][1] && strcmp(seen[t][0], r[t].system) != 0)
      seen[t][1] = r[t].system;
  }
}

/* "Edge 1-4 + Cloud 5-175": the used tiers with their layers, joined by
 * " + ", the system after the tier where the tier has a choice. */
static char *brief_text(const plot_data *d, const plot_tier_range *r,
                        const int *named) {
  char *buf = NULL;
  size_t len = 0;
  FILE *fp = open_memstream(&buf, &len);
  if (!fp)
    return NULL;
  int any = 0;
  for (size_t t = 0; t < d->n_tiers; t++) {
    if (!r[t].used)
      continue;
    char tn[300];
    cap_name(d->tiers[t], tn, sizeof tn);
    fprintf(fp, "%s%s", any ? " + " : "", tn);
    if (named[t])
      fprintf(fp, "(%s)", r[t].system);
    if (r[t].first == r[t].last)
      fprintf(fp, " %lld", r[t].first);
    else
      fprintf(fp, " %lld-%lld", r[t].first, r[t].last);
    any = 1;
  }
  if (!any)
    fputs("nothing placed", fp);
  if (fclose(fp) != 0) {
    free(buf);
    return NULL;
  }
  return buf;
}

/* Every placement of every model per tier (all[i][k]: NULL where the
 * text does not parse), and which tiers run on two or more systems
 * somewhere: best.csv's, curves.csv's, breakpoints.csv's and robust.csv's
 * placements count. -1: no memory. */
static int tier_choices(plot_data *d, plot_tier_range ***all) {
  size_t nt = d->n_tiers;
  const char *(*seen)[2] = calloc(nt + 1, sizeof *seen);
  plot_tier_range **rob = NULL;
  size_t n_rob = 0;
  int rc = -1;
  if (!seen || !(d->tier_named = calloc(nt + 1, sizeof *d->tier_named)))
    goto out;
  for (size_t i = 0; i < d->n_models; i++) {
    plot_model *m = &d->models[i];
    if (!(all[i] = calloc(m->n_places + 1, sizeof *all[i])))
      goto out;
    for (size_t k = 0; k < m->n_places; k++)
      if ((all[i][k] = plot_place_ranges(d, m, (int)k)))
        note_systems(all[i][k], nt, seen);
  }
  long rp = d->has_robust ? plot_table_col(&d->robust, SIM_COL_PLACEMENT) : -1;
  if (rp >= 0) {
    n_rob = d->robust.n_rows;
    if (!(rob = calloc(n_rob + 1, sizeof *rob)))
      goto out;
    for (size_t r = 0; r < n_rob; r++)
      if ((rob[r] = plot_place_parse(plot_table_get(&d->robust, r, (size_t)rp),
                                     d->tiers, nt)))
        note_systems(rob[r], nt, seen);
  }
  for (size_t t = 0; t < nt; t++)
    d->tier_named[t] = seen[t][1] != NULL;
  rc = 0;
out:
  for (size_t r = 0; rob && r < n_rob; r++)
    plot_tier_ranges_free(rob[r], nt);
  free(rob);
  free(seen);
  return rc;
}

int plot_places_finish(plot_data *d) {
  size_t nt = d->n_tiers;
  plot_tier_range ***all = calloc(d->n_models + 1, sizeof *all);
  int rc = all ? tier_choices(d, all) : -1;
  for (size_t i = 0; rc == 0 && i < d->n_models; i++) {
    plot_model *m = &d->models[i];
    if (!(m->briefs = calloc(m->n_places + 1, sizeof *m->briefs)))
      rc = -1;
    for (size_t k = 0; rc == 0 && k < m->n_places; k++)
      if (all[i][k] &&
          !(m->briefs[k] = brief_text(d, all[i][k], d->tier_named)))
        rc = -1;
  }
  for (size_t i = 0; all && i < d->n_models; i++) {
    for (size_t k = 0; all[i] && k < d->models[i].n_places; k++)
      plot_tier_ranges_free(all[i][k], nt);
    free(all[i]);
  }
  free(all);
  return rc;
}

void plot_place_brief(const plot_data *d, const plot_model *m, const char *text,
                      char *buf, size_t size) {
  int k = text ? plot_model_place(m, text) : -2;
  if (k == PLOT_INFEASIBLE) {
    snprintf(buf, size, "infeasible");
    return;
  }
  if (k >= 0 && m->briefs && m->briefs[k]) {
    snprintf(buf, size, "%s", m->briefs[k]);
    return;
  }
  plot_tier_range *r = text && d->tier_named
                           ? plot_place_parse(text, d->tiers, d->n_tiers)
                           : NULL;
  char *b = r ? brief_text(d, r, d->tier_named) : NULL;
  if (b)
    snprintf(buf, size, "%s", b);
  else
    plot_short_place(text ? text : "?", buf, size);
  free(b);
  plot_tier_ranges_free(r, d->n_tiers);
}
