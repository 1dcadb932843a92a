/* Private to scenarios/ (and its tests): the small document tree built from
 * libyaml events, and helpers shared by the scenario source files. */
#ifndef SCN_INTERNAL_H
#define SCN_INTERNAL_H

#include <stddef.h>

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

#endif
