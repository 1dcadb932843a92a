/* The canonical encoding of a profile set (docs/store-format.md,
 * "Content checksum"): the bytes the store's content_checksum is computed
 * over, and what the guard child sends its parent after reading a store. */
#include "store_internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../common/ss_mem.h"

/* ---- encoding ---- */

typedef struct wire_buf {
  unsigned char *data;
  size_t len, cap;
  int oom;
} wire_buf;

static void put_bytes(wire_buf *b, const void *p, size_t n) {
  if (b->oom)
    return;
  void *d = b->data;
  if (n > b->cap - b->len && (n > SIZE_MAX - b->len ||
                              ss_grow(&d, &b->cap, b->len + n, 1, 4096) != 0)) {
    b->oom = 1;
    return;
  }
  b->data = d;
  memcpy(b->data + b->len, p, n);
  b->len += n;
}

static void put_u64(wire_buf *b, uint64_t v) {
  unsigned char le[8];
  for (int i = 0; i < 8; i++)
    le[i] = (unsigned char)(v >> (8 * i));
  put_bytes(b, le, 8);
}

static void put_i64(wire_buf *b, int64_t v) { put_u64(b, (uint64_t)v); }

static void put_f64(wire_buf *b, double v) {
  uint64_t bits;
  memcpy(&bits, &v, 8);
  put_u64(b, bits);
}

/* A string: 0 for NULL, else its length + 1, then its bytes (no NUL). */
static void put_str(wire_buf *b, const char *s) {
  if (!s) {
    put_u64(b, 0);
    return;
  }
  size_t n = strlen(s);
  put_u64(b, (uint64_t)n + 1);
  put_bytes(b, s, n);
}

static void put_block(wire_buf *b, const prof_block *k) {
  put_i64(b, k->first_layer);
  put_i64(b, k->last_layer);
  put_str(b, k->first_name);
  put_str(b, k->last_name);
  put_f64(b, k->time_s);
  put_f64(b, k->time_s_p10);
  put_f64(b, k->time_s_p90);
  put_i64(b, k->repeats);
  put_i64(b, k->output_bytes);
  put_str(b, k->output_shape);
  put_u64(b, k->n_samples);
  for (size_t i = 0; i < k->n_samples; i++)
    put_f64(b, k->samples_s[i]);
}

static void put_model(wire_buf *b, const prof_model *m) {
  put_str(b, m->name);
  put_i64(b, m->input_bytes);
  put_str(b, m->input_shape);
  put_f64(b, m->whole_model_time_s);
  put_u64(b, m->n_blocks);
  for (size_t i = 0; i < m->n_blocks; i++)
    put_block(b, &m->blocks[i]);
}

static void put_system(wire_buf *b, const prof_system *s) {
  put_str(b, s->name);
  put_str(b, s->tier_hint);
  put_str(b, s->kind);
  put_str(b, s->hardware);
  put_str(b, s->source_file);
  put_str(b, s->importer);
  put_str(b, s->import_date);
  put_str(b, s->extra_json);
  put_u64(b, s->n_models);
  for (size_t i = 0; i < s->n_models; i++)
    put_model(b, &s->models[i]);
}

int prof_store_encode(const prof_set *set, unsigned char **out, size_t *len) {
  wire_buf b = {NULL, 0, 0, 0};
  put_u64(&b, set->n_systems);
  for (size_t i = 0; i < set->n_systems; i++)
    put_system(&b, &set->systems[i]);
  if (b.oom) {
    free(b.data);
    return -1;
  }
  *out = b.data;
  *len = b.len;
  return 0;
}

uint64_t prof_store_fnv1a64(const unsigned char *p, size_t n) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (size_t i = 0; i < n; i++) {
    h ^= p[i];
    h *= 0x100000001b3ull;
  }
  return h;
}

/* ---- decoding (bounds-checked: any short or odd input fails) ---- */

typedef struct wire_in {
  const unsigned char *p;
  size_t left;
  int bad;
} wire_in;

static uint64_t get_u64(wire_in *in) {
  if (in->bad || in->left < 8) {
    in->bad = 1;
    return 0;
  }
  uint64_t v = 0;
  for (int i = 7; i >= 0; i--)
    v = (v << 8) | in->p[i];
  in->p += 8;
  in->left -= 8;
  return v;
}

static int64_t get_i64(wire_in *in) { return (int64_t)get_u64(in); }

static double get_f64(wire_in *in) {
  uint64_t bits = get_u64(in);
  double v;
  memcpy(&v, &bits, 8);
  return v;
}

static char *get_str(wire_in *in) {
  uint64_t n = get_u64(in);
  if (in->bad || n == 0)
    return NULL;
  if (n - 1 > in->left || memchr(in->p, 0, (size_t)(n - 1))) {
    in->bad = 1;
    return NULL;
  }
  char *s = malloc((size_t)n);
  if (!s) {
    in->bad = 1;
    return NULL;
  }
  memcpy(s, in->p, (size_t)(n - 1));
  s[n - 1] = '\0';
  in->p += n - 1;
  in->left -= (size_t)(n - 1);
  return s;
}

/* A count of items of at least min_bytes each that the rest can hold. */
static size_t get_count(wire_in *in, size_t min_bytes) {
  uint64_t n = get_u64(in);
  if (in->bad || n > in->left / min_bytes) {
    in->bad = 1;
    return 0;
  }
  return (size_t)n;
}

static void get_block(wire_in *in, prof_block *k) {
  k->first_layer = get_i64(in);
  k->last_layer = get_i64(in);
  k->first_name = get_str(in);
  k->last_name = get_str(in);
  k->time_s = get_f64(in);
  k->time_s_p10 = get_f64(in);
  k->time_s_p90 = get_f64(in);
  k->repeats = get_i64(in);
  k->output_bytes = get_i64(in);
  k->output_shape = get_str(in);
  size_t n = get_count(in, 8);
  if (n && !(k->samples_s = malloc(n * sizeof(double))))
    in->bad = 1;
  if (in->bad)
    return;
  k->n_samples = n;
  for (size_t i = 0; i < n; i++)
    k->samples_s[i] = get_f64(in);
}

static void get_model(wire_in *in, prof_model *m) {
  m->name = get_str(in);
  m->input_bytes = get_i64(in);
  m->input_shape = get_str(in);
  m->whole_model_time_s = get_f64(in);
  size_t n = get_count(in, 8 * 11);
  if (n && !(m->blocks = calloc(n, sizeof *m->blocks)))
    in->bad = 1;
  if (in->bad)
    return;
  m->n_blocks = n;
  for (size_t i = 0; i < n && !in->bad; i++)
    get_block(in, &m->blocks[i]);
}

static void get_system(wire_in *in, prof_system *s) {
  s->name = get_str(in);
  s->tier_hint = get_str(in);
  s->kind = get_str(in);
  s->hardware = get_str(in);
  s->source_file = get_str(in);
  s->importer = get_str(in);
  s->import_date = get_str(in);
  s->extra_json = get_str(in);
  size_t n = get_count(in, 8 * 5);
  if (n && !(s->models = calloc(n, sizeof *s->models)))
    in->bad = 1;
  if (in->bad)
    return;
  s->n_models = n;
  for (size_t i = 0; i < n && !in->bad; i++)
    get_model(in, &s->models[i]);
}

int prof_store_decode(const unsigned char *p, size_t len, prof_set **out) {
  wire_in in = {p, len, 0};
  *out = NULL;
  prof_set *set = prof_set_new();
  if (!set)
    return -1;
  size_t n = get_count(&in, 8 * 9);
  if (n && !(set->systems = calloc(n, sizeof *set->systems)))
    in.bad = 1;
  if (!in.bad)
    set->n_systems = n;
  for (size_t i = 0; i < set->n_systems && !in.bad; i++)
    get_system(&in, &set->systems[i]);
  if (in.bad || in.left != 0) {
    prof_set_free(set);
    return -1;
  }
  *out = set;
  return 0;
}
