/* Write a scenario back as YAML with every default filled in. Every name is
 * written double-quoted with escapes (ss_yaml_quoted), so names such as
 * `6700k(GPU)`, `a: b` or ones holding quotes read back unchanged; numbers are
 * written so that they read back to the same double. */
#include "scn_internal.h"

#include <math.h>
#include <string.h>

#include "../common/ss_io.h"
#include "../common/ss_yaml.h"

static void put_num(FILE *fp, double v) {
  char buf[SS_DOUBLE_BUFSIZE];
  fputs(ss_fmt_double(buf, v), fp);
}

void scn_yaml_num(FILE *fp, double v) { put_num(fp, v); }

static void put_link(FILE *fp, const scn_link *l) {
  fputs("  ", fp);
  ss_yaml_quoted(fp, l->key);
  fputs(": {", fp);
  if (l->has_latency_ms) {
    fputs("latency_ms: ", fp);
    put_num(fp, l->latency_ms);
  }
  if (l->has_bandwidth_mbps) {
    fputs(l->has_latency_ms ? ", bandwidth_mbps: " : "bandwidth_mbps: ", fp);
    put_num(fp, l->bandwidth_mbps);
  }
  int any = l->has_latency_ms || l->has_bandwidth_mbps;
  if (l->has_efficiency) {
    fputs(any ? ", efficiency: " : "efficiency: ", fp);
    put_num(fp, l->efficiency);
    any = 1;
  }
  if (l->has_overhead_ms) {
    fputs(any ? ", overhead_ms: " : "overhead_ms: ", fp);
    put_num(fp, l->overhead_ms);
    any = 1;
  }
  if (l->trace) {
    fputs(any ? ", trace: " : "trace: ", fp);
    ss_yaml_quoted(fp, l->trace);
    any = 1;
  }
  if (l->trace_scale != 1) {
    fputs(any ? ", trace_scale: " : "trace_scale: ", fp);
    put_num(fp, l->trace_scale);
    any = 1;
  }
  if (l->trace_offset_s != 0) {
    fputs(any ? ", trace_offset_s: " : "trace_offset_s: ", fp);
    put_num(fp, l->trace_offset_s);
    any = 1;
  }
  if (!l->repeat) {
    fputs(any ? ", repeat: false" : "repeat: false", fp);
    any = 1;
  }
  if (l->sharing != SCN_SHARING_FIFO)
    fprintf(fp, "%ssharing: %s", any ? ", " : "", scn_sharing_name(l->sharing));
  fputs("}\n", fp);
}

static void put_block_limits(FILE *fp, const scn_scenario *s,
                             const long long *v, int skip_unset) {
  int first = 1;
  fputc('{', fp);
  for (size_t t = 0; t < s->n_tiers; t++) {
    if (skip_unset && v[t] < 0)
      continue;
    if (!first)
      fputs(", ", fp);
    first = 0;
    ss_yaml_quoted(fp, s->tiers[t].name);
    fprintf(fp, ": %lld", v[t]);
  }
  fputc('}', fp);
}

/* name, profiles, network, models, input_mb, result_mb. */
static void put_header(FILE *fp, const scn_scenario *s) {
  fputs("# Resolved scenario: every default filled in, paths absolute.\n"
        "# Reference: docs/scenarios.md\n",
        fp);
  fputs("name: ", fp);
  ss_yaml_quoted(fp, s->name);
  fputs("\nprofiles: ", fp);
  if (s->profiles)
    ss_yaml_quoted(fp, s->profiles);
  else
    fputs("null  # the embedded default store", fp);
  fputs("\nnetwork: ", fp);
  if (s->network)
    ss_yaml_quoted(fp, s->network);
  else
    fputs("null  # no network file: link values come from links: only", fp);
  fputs("\nmodels: ", fp);
  if (s->all_models) {
    fputs("all", fp);
  } else {
    fputc('[', fp);
    for (size_t i = 0; i < s->n_models; i++) {
      if (i)
        fputs(", ", fp);
      ss_yaml_quoted(fp, s->models[i].name);
    }
    fputc(']', fp);
  }
  fputs("\ninput_mb: ", fp);
  if (s->input_mb_set)
    put_num(fp, s->input_mb);
  else
    fputs("profile  # each model's input size from the profile (0.15 when "
          "unknown)",
          fp);
  fputs("\nresult_mb: ", fp);
  put_num(fp, s->result_mb);
}

/* tiers, links, availability and power. */
static void put_systems(FILE *fp, const scn_scenario *s) {
  fputs("\ntiers:\n", fp);
  for (size_t i = 0; i < s->n_tiers; i++) {
    const scn_tier *t = &s->tiers[i];
    fputs("  ", fp);
    ss_yaml_quoted(fp, t->name);
    fputs(": [", fp);
    for (size_t j = 0; j < t->n_systems; j++) {
      if (j)
        fputs(", ", fp);
      ss_yaml_quoted(fp, s->systems[t->systems[j]].name);
    }
    fputs("]\n", fp);
  }

  fputs(s->n_links ? "links:\n" : "links: {}\n", fp);
  for (size_t i = 0; i < s->n_links; i++)
    put_link(fp, &s->links[i]);

  fputs("availability:\n", fp);
  for (size_t i = 0; i < s->n_systems; i++) {
    fputs("  ", fp);
    ss_yaml_quoted(fp, s->systems[i].name);
    fputs(": ", fp);
    put_num(fp, s->systems[i].availability);
    fputc('\n', fp);
  }
  fputs("power:\n", fp);
  for (size_t i = 0; i < s->n_systems; i++) {
    fputs("  ", fp);
    ss_yaml_quoted(fp, s->systems[i].name);
    fputs(": {compute_power_w: ", fp);
    put_num(fp, s->systems[i].compute_power_w);
    fputs(", radio_power_w: ", fp);
    put_num(fp, s->systems[i].radio_power_w);
    fputs("}\n", fp);
  }
}

/* objective, constraints, top_k and calibrate. */
static void put_constraints(FILE *fp, const scn_scenario *s) {
  fprintf(fp, "objective: %s\n", solver_objective_info_of(s->objective)->name);
  const scn_constraints *c = &s->constraints;
  fprintf(fp, "constraints:\n  privacy: %s\n  min_blocks: ",
          c->privacy ? "true" : "false");
  put_block_limits(fp, s, c->min_blocks, 0);
  fputs("\n  max_blocks: ", fp);
  put_block_limits(fp, s, c->max_blocks, 1);
  fputs("  # tiers not listed: no limit\n  max_link_mb: {", fp);
  int first = 1;
  for (size_t i = 0; i < c->n_link_limits; i++) {
    const scn_link_limit *l = &c->link_limits[i];
    if (isnan(l->mb)) /* created by a sweep axis, no base value */
      continue;
    if (!first)
      fputs(", ", fp);
    first = 0;
    ss_yaml_quoted(fp, l->key);
    fputs(": ", fp);
    put_num(fp, l->mb);
  }
  fputs("}  # tier pairs not listed: no limit\n", fp);
  fprintf(fp, "top_k: %zu\n", s->top_k);
  fprintf(fp, "calibrate: %s\n", s->calibrate ? "true" : "false");
}

static void put_axis(FILE *fp, const scn_axis *a) {
  fputs("  - param: ", fp);
  ss_yaml_quoted(fp, a->param);
  if (a->form == SCN_AXIS_VALUES) {
    fputs("\n    values: [", fp);
    for (size_t j = 0; j < a->n_values; j++) {
      if (j)
        fputs(", ", fp);
      put_num(fp, a->values[j]);
    }
    fputc(']', fp);
  } else {
    fputs(a->form == SCN_AXIS_LINEAR ? "\n    linear: [" : "\n    log: [", fp);
    put_num(fp, a->from);
    fputs(", ", fp);
    put_num(fp, a->to);
    fprintf(fp, ", %zu]", a->n_values);
  }
  if (a->zip) {
    fputs("\n    zip: ", fp);
    ss_yaml_quoted(fp, a->zip);
  }
  fputc('\n', fp);
}

int scn_write_resolved_yaml(const scn_scenario *s, FILE *fp, ss_error *err) {
  put_header(fp, s);
  put_systems(fp, s);
  put_constraints(fp, s);
  fputs(s->n_axes ? "sweep:\n" : "sweep: []\n", fp);
  for (size_t i = 0; i < s->n_axes; i++)
    put_axis(fp, &s->axes[i]);
  scn_write_reference(s, fp);
  scn_write_studies(s, fp);
  scn_write_workload(s, fp);
  scn_write_replay(s, fp);
  if (ferror(fp))
    return ss_error_set(err, s->file, NULL,
                        "cannot write the resolved scenario");
  return 0;
}

int scn_save_resolved_yaml(const scn_scenario *s, const char *path,
                           ss_error *err) {
  ss_atomic_file af;
  if (ss_atomic_open(&af, path, err) != 0)
    return -1;
  if (scn_write_resolved_yaml(s, af.fp, err) != 0) {
    ss_atomic_abort(&af);
    return ss_error_set(err, path, NULL, "cannot write the resolved scenario");
  }
  return ss_atomic_commit(&af, err);
}
