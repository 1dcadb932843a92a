/* Private to scenarios/ (and its tests): the small document tree built from
 * libyaml events, and helpers shared by the scenario source files. */
#ifndef SCN_INTERNAL_H
#define SCN_INTERNAL_H

#include <stddef.h>
#include <stdio.h>

#include "scenario.h"

typedef enum scn_node_kind {
  SCN_NODE_SCALAR = 0,
  SCN_NODE_SEQ,
  SCN_NODE_MAP
} scn_node_kind;

/* One YAML node. Anchors, aliases and tags are refused while building, so
 * the tree is a plain tree. */
typedef struct scn_node {
  scn_node_kind kind;
  scn_pos pos;             /* start of the node */
  char *text;              /* scalar text (NUL-free) */
  size_t len;              /* scalar length */
  int plain;               /* scalar written without quotes (may be a number) */
  size_t n;                /* SEQ: items; MAP: key/value pairs */
  struct scn_node **items; /* SEQ: n items; MAP: 2n, key then value */
  size_t n_items;          /* slots of items in use */
} scn_node;

/* Parse YAML text into a tree. Refuses aliases, anchors, tags, nesting
 * deeper than SCN_MAX_DEPTH, duplicate or non-scalar keys, NUL characters,
 * several documents and an empty stream. `file` names the input in err. */
int scn_yaml_parse(const char *text, size_t len, const char *file,
                   scn_node **root, ss_error *err);
void scn_node_free(scn_node *n); /* NULL is a no-op */

/* Plain-scalar forms of YAML's null. */
int scn_node_is_null(const scn_node *n);

/* "line:col" of pos into buf (empty for {0,0}). */
void scn_pos_format(scn_pos pos, char *buf, size_t size);
/* Fill err with file, pos and the formatted message. Returns -1. */
int scn_err_pos(ss_error *err, const char *file, scn_pos pos, const char *fmt,
                ...) __attribute__((format(printf, 4, 5)));

/* The candidate closest to `word` (case-insensitive optimal string
 * alignment distance), when close enough to be a likely typo; else NULL. */
const char *scn_suggest(const char *word, const char *const *cands,
                        size_t n_cands);
/* Join names with ", " into buf (shortened with ", ..." when too long). */
void scn_join(char *buf, size_t size, const char *const *names, size_t n);

/* strdup; NULL when out of memory or s is NULL. */
char *scn_strdup(const char *s);

/* Check a value for a parameter kind: 0 if allowed, else -1 with the reason
 * in why (e.g. "bandwidth_mbps must be > 0, got 0"). */
int scn_check_value(scn_param_kind kind, double v, char *why, size_t size);

/* Resolve a link key `a-b` against the tier names, then the system names
 * (see docs/scenarios.md). tiers_only: only tier pairs are valid. On error
 * err is filled at pos. */
int scn_pair_resolve(const scn_scenario *s, const char *key, int tiers_only,
                     scn_pos pos, scn_link_kind *kind, size_t *a, size_t *b,
                     ss_error *err);
/* scn_param_resolve with the position used in messages. */
int scn_param_resolve_at(scn_scenario *s, const char *path, scn_pos pos,
                         scn_param *out, ss_error *err);
/* Add a link / link limit with no values set; returns its index or -1. */
long scn_link_add(scn_scenario *s, const char *key, scn_link_kind kind,
                  size_t a, size_t b, scn_pos pos);
long scn_limit_add(scn_scenario *s, const char *key, size_t a, size_t b,
                   scn_pos pos);
/* Index of the link limit for the tier pair (either order), or -1. */
long scn_limit_find(const scn_scenario *s, size_t a, size_t b);

/* Generate an axis' values from from/to/n (linear or log). */
int scn_axis_generate(scn_axis *ax, size_t n);
/* Build groups from the axes' zip names; check equal lengths and the total
 * point count. sweep_pos: the sweep key (for the count error). */
int scn_sweep_build_groups(scn_scenario *s, scn_pos *zip_pos, scn_pos sweep_pos,
                           ss_error *err);

/* ---- loading the study sections (scn_study.c) -------------------------- */

/* The loader's state, shared by scenario.c and scn_study.c. */
typedef struct scn_loader {
  scn_scenario *s;
  const char *base_dir; /* folder relative paths resolve against */
  ss_error *err;
} scn_loader;

/* The loader helpers of scenario.c (errors at the node, with the label). */
const scn_node *scn_ld_get(const scn_node *map, const char *key,
                           const scn_node **key_node);
int scn_ld_fail(scn_loader *L, scn_pos pos, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int scn_ld_oom(scn_loader *L);
int scn_ld_kind(scn_loader *L, const scn_node *n, scn_node_kind kind,
                const char *label);
int scn_ld_keys(scn_loader *L, const scn_node *map, const char *const *valid,
                size_t n_valid, const char *label);
int scn_ld_number(scn_loader *L, const scn_node *n, const char *label,
                  double *out);
int scn_ld_whole(scn_loader *L, const scn_node *n, const char *label,
                 long long min, long long max, long long *out);
int scn_ld_bool(scn_loader *L, const scn_node *n, const char *label, int *out);
int scn_ld_name(scn_loader *L, const scn_node *n, const char *label,
                const char **out);
long scn_ld_tier(scn_loader *L, const scn_node *k, const char *label);

/* YAML text of a name (double-quoted, escaped) and of a number (shortest
 * exact form), as the resolved scenario writes them (scn_write.c). */
void scn_yaml_quoted(FILE *fp, const char *s);
void scn_yaml_num(FILE *fp, double v);

/* The purchase:, uncertainty: and sensitivity: sections. */
int scn_load_studies(scn_loader *L, const scn_node *root);
void scn_studies_free(scn_scenario *s);
/* Deep copy of s's sections into d (whose section pointers are NULL).
 * -1 when out of memory (d's partial sections are freed by scn_free). */
int scn_studies_copy(scn_scenario *d, const scn_scenario *s);
int scn_studies_equal(const scn_scenario *a, const scn_scenario *b);
/* Append the sections to the resolved YAML. */
void scn_write_studies(const scn_scenario *s, FILE *fp);

#endif
