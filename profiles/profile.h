/* The in-memory profile model shared by the store and every importer.
 *
 * A prof_set holds systems; a system holds models; a model is a chain of
 * blocks (valid cut points only). All strings are owned (malloc'd) by the
 * struct that holds them and freed by prof_set_free / prof_system_free. */
#ifndef PROF_PROFILE_H
#define PROF_PROFILE_H

#include <stddef.h>
#include <stdint.h>

#include "../common/ss_error.h"
#include "../common/ss_mem.h"

/* Sanity limits every importer and the store enforce (docs/reliability.md):
 * real profiles have a handful of systems and at most a few hundred models;
 * the limits keep hostile files from costing minutes or gigabytes. */
#define PROF_MAX_SYSTEMS ((size_t)1024)
#define PROF_MAX_MODELS ((size_t)4096)    /* per system */
#define PROF_MAX_BLOCKS ((size_t)1000000) /* per model */

typedef struct prof_block {
  int64_t first_layer;  /* first layer/node index covered by the block */
  int64_t last_layer;   /* last layer/node index covered (inclusive) */
  char *first_name;     /* name of the first layer/node, or NULL */
  char *last_name;      /* name of the last layer/node, or NULL */
  double time_s;        /* median time of the block, seconds (>= 0) */
  double time_s_p10;    /* NaN when the source has no percentile */
  double time_s_p90;    /* NaN when the source has no percentile */
  int64_t repeats;      /* number of timed repeats, 0 when unknown */
  int64_t output_bytes; /* bytes of the block's output tensor */
  char *output_shape;   /* e.g. "1x64x112x112", or NULL */
  size_t n_samples;     /* raw repeat samples (0 when absent) */
  double *samples_s;    /* n_samples timings, seconds */
} prof_block;

typedef struct prof_model {
  char *name;
  int64_t input_bytes;       /* model input bytes, -1 when unknown */
  char *input_shape;         /* e.g. "1x3x224x224", or NULL */
  double whole_model_time_s; /* unsplit model time, NaN when unknown */
  size_t n_blocks;
  prof_block *blocks;
} prof_model;

typedef struct prof_system {
  char *name;        /* system name, e.g. "raspi4" */
  char *tier_hint;   /* "device", "edge", "cloud" or NULL */
  char *kind;        /* "cpu", "gpu" or NULL when unknown */
  char *hardware;    /* free text, or NULL */
  char *source_file; /* file it was imported from */
  char *importer;    /* "scission-dat", "measured-csv", "json", ... */
  char *import_date; /* ISO 8601 date of import */
  char *extra_json;  /* other provenance as a JSON object text, or NULL */
  size_t n_models;
  prof_model *models;
} prof_system;

typedef struct prof_set {
  size_t n_systems;
  prof_system *systems;
} prof_set;

/* Allocate an empty set. NULL when out of memory. */
prof_set *prof_set_new(void);
/* Free a set and everything in it. NULL is a no-op. */
void prof_set_free(prof_set *set);
/* Free the contents of a system (not the struct itself). */
void prof_system_clear(prof_system *sys);
void prof_model_clear(prof_model *m);
void prof_block_clear(prof_block *b);

/* Lookups; NULL when absent. Borrowed pointers. */
prof_system *prof_set_find_system(const prof_set *set, const char *name);
prof_model *prof_system_find_model(const prof_system *sys, const char *name);

/* Check that model `m` of system `sys_name` has the same block boundaries
 * (count and first/last layer of every block) as the same model of every
 * other system in set (systems named `skip` are ignored). On mismatch fills
 * err naming both systems and the first differing block. */
int prof_set_check_model(const prof_set *set, const char *skip,
                         const char *sys_name, const prof_model *m,
                         ss_error *err);

/* Move *sys into the set (the set takes ownership; *sys is zeroed).
 * A system with the same name is replaced (*replaced set to 1).
 * Refused (set unchanged, *sys still owned by caller) if any model's block
 * boundaries disagree with another system's. */
int prof_set_put_system(prof_set *set, prof_system *sys, int *replaced,
                        ss_error *err);

/* Validate one system's values: names non-empty, times finite and >= 0,
 * bytes >= 0, first_layer <= last_layer, blocks in increasing order. */
int prof_system_validate(const prof_system *sys, ss_error *err);

/* Sum of a model's block median times, seconds. */
double prof_model_sum_time_s(const prof_model *m);

/* Opt-in calibration: the factor whole-model time / sum of block times that
 * rescales the blocks to the measured unsplit model (blocks timed one by one
 * pay launch and synchronisation costs the whole model does not). 1 when the
 * profile has no whole-model time or the sum is 0. */
double prof_model_calibration(const prof_model *m);

#endif
