#define _POSIX_C_SOURCE 200809L
#include "profile.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

prof_set *prof_set_new(void) { return calloc(1, sizeof(prof_set)); }

void prof_block_clear(prof_block *b) {
  free(b->first_name);
  free(b->last_name);
  free(b->output_shape);
  free(b->samples_s);
  memset(b, 0, sizeof *b);
}

void prof_model_clear(prof_model *m) {
  for (size_t i = 0; i < m->n_blocks; i++)
    prof_block_clear(&m->blocks[i]);
  free(m->blocks);
  free(m->name);
  free(m->input_shape);
  memset(m, 0, sizeof *m);
}

void prof_system_clear(prof_system *sys) {
  for (size_t i = 0; i < sys->n_models; i++)
    prof_model_clear(&sys->models[i]);
  free(sys->models);
  free(sys->name);
  free(sys->tier_hint);
  free(sys->kind);
  free(sys->hardware);
  free(sys->source_file);
  free(sys->importer);
  free(sys->import_date);
  free(sys->extra_json);
  memset(sys, 0, sizeof *sys);
}

void prof_set_free(prof_set *set) {
  if (!set) /* accept NULL */
    return;
  for (size_t i = 0; i < set->n_systems; i++)
    prof_system_clear(&set->systems[i]);
  free(set->systems);
  free(set);
}

prof_system *prof_set_find_system(const prof_set *set, const char *name) {
  for (size_t i = 0; i < set->n_systems; i++)
    if (strcmp(set->systems[i].name, name) == 0)
      return &set->systems[i];
  return NULL;
}

prof_model *prof_system_find_model(const prof_system *sys, const char *name) {
  for (size_t i = 0; i < sys->n_models; i++)
    if (strcmp(sys->models[i].name, name) == 0)
      return &sys->models[i];
  return NULL;
}

int prof_set_check_model(const prof_set *set, const char *skip,
                         const char *sys_name, const prof_model *m,
                         ss_error *err) {
  for (size_t i = 0; i < set->n_systems; i++) {
    const prof_system *o = &set->systems[i];
    if ((skip && strcmp(o->name, skip) == 0) || strcmp(o->name, sys_name) == 0)
      continue;
    const prof_model *om = prof_system_find_model(o, m->name);
    if (!om)
      continue;
    size_t n = m->n_blocks < om->n_blocks ? m->n_blocks : om->n_blocks;
    for (size_t b = 0; b < n; b++) {
      const prof_block *x = &m->blocks[b], *y = &om->blocks[b];
      if (x->first_layer != y->first_layer || x->last_layer != y->last_layer)
        return ss_error_msg(
            err,
            "model '%s': block boundaries of system '%s' differ from system "
            "'%s' at block %zu: layers %lld-%lld vs %lld-%lld",
            m->name, sys_name, o->name, b, (long long)x->first_layer,
            (long long)x->last_layer, (long long)y->first_layer,
            (long long)y->last_layer);
    }
    if (m->n_blocks != om->n_blocks)
      return ss_error_msg(err,
                          "model '%s': system '%s' has %zu blocks but system "
                          "'%s' has %zu; first differing block is %zu",
                          m->name, sys_name, m->n_blocks, o->name, om->n_blocks,
                          n);
  }
  return 0;
}

int prof_set_put_system(prof_set *set, prof_system *sys, int *replaced,
                        ss_error *err) {
  for (size_t i = 0; i < sys->n_models; i++)
    if (prof_set_check_model(set, sys->name, sys->name, &sys->models[i], err) !=
        0)
      return -1;
  prof_system *old = prof_set_find_system(set, sys->name);
  if (!old && set->n_systems >= PROF_MAX_SYSTEMS)
    return ss_error_msg(err, "more than %zu systems in one store",
                        PROF_MAX_SYSTEMS);
  if (replaced)
    *replaced = old != NULL;
  if (old) {
    prof_system_clear(old);
    *old = *sys;
  } else {
    prof_system *ns =
        realloc(set->systems, (set->n_systems + 1) * sizeof(prof_system));
    if (!ns)
      return ss_error_msg(err, "out of memory");
    set->systems = ns;
    set->systems[set->n_systems++] = *sys;
  }
  memset(sys, 0, sizeof *sys);
  return 0;
}

/* Integers beyond 2^53 would not survive JSON (doubles) exactly. */
#define PROF_MAX_EXACT_INT ((int64_t)1 << 53)

int prof_system_validate(const prof_system *sys, ss_error *err) {
  if (!sys->name || !sys->name[0])
    return ss_error_msg(err, "system has an empty name");

  if (sys->n_models > PROF_MAX_MODELS)
    return ss_error_msg(err,
                        "system '%s' has %zu models, more than the "
                        "limit of %zu",
                        sys->name, sys->n_models, PROF_MAX_MODELS);
  for (size_t i = 0; i < sys->n_models; i++) {
    const prof_model *m = &sys->models[i];
    if (!m->name || !m->name[0])
      return ss_error_msg(err, "system '%s': model %zu has an empty name",
                          sys->name, i);
    if (m->input_bytes > PROF_MAX_EXACT_INT)
      return ss_error_msg(err,
                          "system '%s': model '%s': input bytes above 2^53",
                          sys->name, m->name);
    for (size_t j = 0; j < i; j++)
      if (strcmp(sys->models[j].name, m->name) == 0)
        return ss_error_msg(err, "system '%s': model '%s' appears twice",
                            sys->name, m->name);
    if (m->n_blocks == 0)
      return ss_error_msg(err, "system '%s': model '%s' has no blocks",
                          sys->name, m->name);
    if (!isnan(m->whole_model_time_s) &&
        (!isfinite(m->whole_model_time_s) || m->whole_model_time_s < 0))
      return ss_error_msg(err, "system '%s': model '%s': bad whole-model time",
                          sys->name, m->name);
    for (size_t b = 0; b < m->n_blocks; b++) {
      const prof_block *k = &m->blocks[b];
      const char *what = NULL;
      if (!isfinite(k->time_s) || k->time_s < 0)
        what = "time is NaN, infinite or negative";
      else if (!isnan(k->time_s_p10) &&
               (!isfinite(k->time_s_p10) || k->time_s_p10 < 0))
        what = "p10 time is infinite or negative";
      else if (!isnan(k->time_s_p90) &&
               (!isfinite(k->time_s_p90) || k->time_s_p90 < 0))
        what = "p90 time is infinite or negative";
      else if (k->output_bytes < 0)
        what = "output bytes are negative";
      else if (k->output_bytes > PROF_MAX_EXACT_INT ||
               k->repeats > PROF_MAX_EXACT_INT ||
               k->last_layer > PROF_MAX_EXACT_INT ||
               k->first_layer < -PROF_MAX_EXACT_INT)
        what = "an integer is above 2^53 (not exact in every format)";
      else if (k->first_layer > k->last_layer)
        what = "first layer is after last layer";
      else if (b > 0 && k->first_layer <= m->blocks[b - 1].last_layer)
        what = "block overlaps or precedes the previous block";
      for (size_t s = 0; !what && s < k->n_samples; s++)
        if (!isfinite(k->samples_s[s]) || k->samples_s[s] < 0)
          what = "a raw sample is NaN, infinite or negative";
      if (what)
        return ss_error_msg(err, "system '%s': model '%s': block %zu: %s",
                            sys->name, m->name, b, what);
    }
  }
  return 0;
}

double prof_model_calibration(const prof_model *m) {
  double sum = prof_model_sum_time_s(m);
  if (isnan(m->whole_model_time_s) || !(m->whole_model_time_s > 0) ||
      !(sum > 0))
    return 1.0;
  return m->whole_model_time_s / sum;
}

double prof_model_sum_time_s(const prof_model *m) {
  double s = 0;
  for (size_t b = 0; b < m->n_blocks; b++)
    s += m->blocks[b].time_s;
  return s;
}
