/* The HDF5 profile store. Layout: docs/store-format.md.
 *
 * Every HDF5 handle lives in this file. The reader trusts nothing in the file:
 * it checks the type class, rank and size of every attribute and dataset
 * before reading it, follows hard links only, loads no filter plugins, and
 * runs the same validation as the importers on the result. Format version 2
 * adds checksums: HDF5's Fletcher-32 filter on every dataset and a content
 * checksum over the canonical encoding of everything read (store_wire.c), so
 * that a damaged byte is an error, never a silently different profile. The
 * writer writes a whole new file under a temporary name and renames it into
 * place. */
#define _POSIX_C_SOURCE 200809L
#include "store.h"
#include "json_internal.h"
#include "store_internal.h"

#include <errno.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../common/ss_io.h"
#include "../common/ss_mem.h"
#include "store_h5.h"

#ifndef SPLITSIM_VERSION
#define SPLITSIM_VERSION "unknown"
#endif

#if H5_VERSION_GE(1, 12, 0)
#define STORE_RECLAIM(type, space, buf)                                        \
  H5Treclaim(type, space, H5P_DEFAULT, buf)
#else
#define STORE_RECLAIM(type, space, buf)                                        \
  H5Dvlen_reclaim(type, space, H5P_DEFAULT, buf)
#endif

#define PATH_MAX_LEN 1024 /* HDF5 paths in messages (truncated beyond) */

/* A transfer property list with a 64 KiB type-conversion buffer. HDF5's
 * default buffer is 1 MiB, allocated and cleared on every read or write of
 * a compound dataset: with thousands of small block tables that costs far
 * more than the data. Created once, kept for the life of the process;
 * H5P_DEFAULT when it cannot be made. */

static hid_t small_xfer(void) {
  static hid_t dxpl = -1;
  if (dxpl < 0) {
    hid_t p = H5Pcreate(H5P_DATASET_XFER);
    if (p >= 0 && H5Pset_buffer(p, 64 * 1024, NULL, NULL) >= 0)
      dxpl = p;
    else if (p >= 0)
      H5Pclose(p);
  }
  return dxpl >= 0 ? dxpl : H5P_DEFAULT;
}

static const char store_description[] =
    "splitsim profile store: measured per-block DNN latency profiles. "
    "/systems/<system>/models/<model>/blocks has one row per block (a valid "
    "cut point) with times in seconds and sizes in bytes; samples_s, when "
    "present, holds the raw repeat timings (row i = block i, NaN-padded, "
    "count in blocks.n_samples). Link names escape '%', '/' and control "
    "bytes as %XX; the real name is the 'name' attribute. Layout: "
    "docs/store-format.md in the splitsim sources.";

static const char blocks_description[] =
    "one row per block, in execution order: index (row number), "
    "first_layer..last_layer (inclusive layer/node indices), first_name, "
    "last_name (layer names or null), time_s_median, time_s_p10, time_s_p90 "
    "(seconds; NaN when unknown), repeats (0 when unknown), output_bytes "
    "(bytes of the block's output tensor), output_shape (e.g. 1x64x112x112 "
    "or null), n_samples (raw timings of this row in samples_s)";

static const char samples_description[] =
    "raw repeat timings in seconds; row i belongs to block i and holds "
    "blocks.n_samples[i] values followed by NaN padding";

/* ---- one row of the blocks dataset ---- */

typedef struct store_row {
  int64_t index;
  int64_t first_layer;
  int64_t last_layer;
  char *first_name;
  char *last_name;
  double time_s_median;
  double time_s_p10;
  double time_s_p90;
  int64_t repeats;
  int64_t output_bytes;
  char *output_shape;
  int64_t n_samples;
} store_row;

typedef enum { FIELD_I64, FIELD_F64, FIELD_STR } field_kind;

typedef struct field_def {
  const char *name;
  field_kind kind;
  size_t offset;
} field_def;

/* Field order here is the column order in the file. */
static const field_def row_fields[] = {
    {"index", FIELD_I64, offsetof(store_row, index)},
    {"first_layer", FIELD_I64, offsetof(store_row, first_layer)},
    {"last_layer", FIELD_I64, offsetof(store_row, last_layer)},
    {"first_name", FIELD_STR, offsetof(store_row, first_name)},
    {"last_name", FIELD_STR, offsetof(store_row, last_name)},
    {"time_s_median", FIELD_F64, offsetof(store_row, time_s_median)},
    {"time_s_p10", FIELD_F64, offsetof(store_row, time_s_p10)},
    {"time_s_p90", FIELD_F64, offsetof(store_row, time_s_p90)},
    {"repeats", FIELD_I64, offsetof(store_row, repeats)},
    {"output_bytes", FIELD_I64, offsetof(store_row, output_bytes)},
    {"output_shape", FIELD_STR, offsetof(store_row, output_shape)},
    {"n_samples", FIELD_I64, offsetof(store_row, n_samples)},
};
#define N_ROW_FIELDS (sizeof row_fields / sizeof row_fields[0])

/* ---- errors ---- */

typedef struct store_ctx {
  const char *file; /* the path the caller named (not the temporary one) */
  ss_error *err;
  int64_t version; /* format version of the file being read */
} store_ctx;

typedef struct h5_detail {
  char text[256];
} h5_detail;

static herr_t detail_cb(unsigned n, const H5E_error2_t *e, void *data) {
  h5_detail *d = data;
  if (n == 0 && e && e->desc)
    snprintf(d->text, sizeof d->text, "%s", e->desc);
  return 0;
}

/* Fill the error; with_h5 appends the innermost message of HDF5's error
 * stack (left by the HDF5 call that just failed). Returns -1. */
static int fail(const store_ctx *c, const char *where, int with_h5,
                const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int fail(const store_ctx *c, const char *where, int with_h5,
                const char *fmt, ...) {
  char msg[768];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  h5_detail d = {{0}};
  if (with_h5)
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, detail_cb, &d);
  if (d.text[0])
    return ss_error_set(c->err, c->file, where, "%s (HDF5: %s)", msg, d.text);
  return ss_error_set(c->err, c->file, where, "%s", msg);
}

static int fail_oom(const store_ctx *c, const char *where) {
  return fail(c, where, 0, "out of memory");
}

/* Silence HDF5's automatic error printing and plugin loading for the
 * duration of one call; restored afterwards. */
typedef struct h5_guard {
  H5E_auto2_t func;
  void *data;
  unsigned plugins;
  int have_plugins;
} h5_guard;

/* Store the provenance object in the same canonical text the importers make
 * (a hand-edited store could hold any JSON text). */
static int canonical_extra(const store_ctx *c, const char *where,
                           char **extra) {
  if (!*extra)
    return 0;
  ss_error e;
  ss_error_clear(&e);
  char *canon = prof_json_canonical_object(*extra, &e);
  if (!canon)
    return fail(c, where, 0, "attribute extra_json: %s", e.msg);
  free(*extra);
  *extra = canon;
  return 0;
}

static void guard_on(h5_guard *g) {
  H5Eget_auto2(H5E_DEFAULT, &g->func, &g->data);
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  g->have_plugins = H5PLget_loading_state(&g->plugins) >= 0;
  H5PLset_loading_state(0);
}

static void guard_off(const h5_guard *g) {
  if (g->have_plugins)
    H5PLset_loading_state(g->plugins);
  H5Eset_auto2(H5E_DEFAULT, g->func, g->data);
}

/* "<parent>/<link>" (parent "/" gives "/<link>"), truncated to fit: the
 * result only names a place in error messages. */
static void join_path(char *out, size_t size, const char *parent,
                      const char *link) {
  size_t n = 0;
  if (strcmp(parent, "/") != 0)
    for (; *parent && n + 1 < size; parent++)
      out[n++] = *parent;
  if (n + 1 < size)
    out[n++] = '/';
  for (; *link && n + 1 < size; link++)
    out[n++] = *link;
  out[n] = '\0';
}

static const char *class_name(H5T_class_t cl) {
  switch (cl) {
  case H5T_INTEGER:
    return "an integer";
  case H5T_FLOAT:
    return "a float";
  case H5T_STRING:
    return "a string";
  case H5T_COMPOUND:
    return "a compound";
  case H5T_ARRAY:
    return "an array";
  case H5T_VLEN:
    return "a variable-length sequence";
  case H5T_ENUM:
    return "an enum";
  default:
    return "an unsupported type";
  }
}

static const char *object_name(H5I_type_t t) {
  switch (t) {
  case H5I_GROUP:
    return "group";
  case H5I_DATASET:
    return "dataset";
  case H5I_DATATYPE:
    return "named datatype";
  default:
    return "unknown object";
  }
}

/* ---- names ---- */

int prof_store_escape_name(const char *name, char *out, size_t outsize) {
  static const char hex[] = "0123456789ABCDEF";
  if (!name || !name[0] || outsize == 0)
    return -1;
  if (strcmp(name, ".") == 0) {
    if (outsize < 4)
      return -1;
    memcpy(out, "%2E", 4);
    return 3;
  }
  size_t n = 0;
  for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
    int esc = *p == '%' || *p == '/' || *p < 0x20 || *p == 0x7f;
    size_t need = esc ? 3 : 1;
    if (n + need >= outsize)
      return -1;
    if (esc) {
      out[n++] = '%';
      out[n++] = hex[*p >> 4];
      out[n++] = hex[*p & 15];
    } else {
      out[n++] = (char)*p;
    }
  }
  out[n] = '\0';
  return (int)n;
}

int prof_store_is_hdf5(const char *path) {
  static const unsigned char sig[8] = {0x89, 'H',  'D',  'F',
                                       '\r', '\n', 0x1a, '\n'};
  FILE *fp = fopen(path, "rb");
  if (!fp)
    return 0;
  struct stat st;
  int found = 0;
  if (fstat(fileno(fp), &st) == 0 && S_ISREG(st.st_mode)) {
    /* The superblock sits at 0, 512, 1024, 2048, ... (after a user block). */
    for (off_t off = 0; !found && off + 8 <= st.st_size;
         off = off ? off * 2 : 512) {
      unsigned char b[8];
      if (fseeko(fp, off, SEEK_SET) != 0 || fread(b, 1, 8, fp) != 8)
        break;
      found = memcmp(b, sig, 8) == 0;
    }
  }
  fclose(fp);
  return found;
}

/* ======================================================================
 * Writing
 * ====================================================================== */

typedef struct wr_ctx {
  store_ctx c;
  hid_t lcpl; /* UTF-8 link names, create missing groups: no */
  hid_t gcpl; /* link creation order tracked, no timestamps */
  hid_t dcpl; /* no timestamps */
} wr_ctx;

/* A variable-length UTF-8 string type, or -1. */
static hid_t vlen_str_type(H5T_cset_t cset) {
  hid_t t = H5Tcopy(H5T_C_S1);
  if (t < 0)
    return -1;
  if (H5Tset_size(t, H5T_VARIABLE) < 0 || H5Tset_cset(t, cset) < 0) {
    H5Tclose(t);
    return -1;
  }
  return t;
}

static int write_str_attr(const wr_ctx *w, hid_t obj, const char *where,
                          const char *name, const char *value) {
  if (!value) /* NULL is stored as an absent attribute */
    return 0;
  int rc = -1;
  hid_t t = -1, s = -1, a = -1;
  /* Variable-length UTF-8: h5py and most tools read it as text (str). */
  t = vlen_str_type(H5T_CSET_UTF8);
  if (t < 0)
    goto h5fail;
  if ((s = H5Screate(H5S_SCALAR)) < 0)
    goto h5fail;
  if ((a = H5Acreate2(obj, name, t, s, H5P_DEFAULT, H5P_DEFAULT)) < 0 ||
      H5Awrite(a, t, &value) < 0)
    goto h5fail;
  rc = 0;
  goto done;
h5fail:
  fail(&w->c, where, 1, "cannot write attribute '%s'", name);
done:
  if (a >= 0)
    H5Aclose(a);
  if (s >= 0)
    H5Sclose(s);
  if (t >= 0)
    H5Tclose(t);
  return rc;
}

static int write_num_attr(const wr_ctx *w, hid_t obj, const char *where,
                          const char *name, hid_t file_type, hid_t mem_type,
                          const void *value) {
  int rc = -1;
  hid_t s = H5Screate(H5S_SCALAR), a = -1;
  if (s < 0)
    goto h5fail;
  if ((a = H5Acreate2(obj, name, file_type, s, H5P_DEFAULT, H5P_DEFAULT)) < 0 ||
      H5Awrite(a, mem_type, value) < 0)
    goto h5fail;
  rc = 0;
  goto done;
h5fail:
  fail(&w->c, where, 1, "cannot write attribute '%s'", name);
done:
  if (a >= 0)
    H5Aclose(a);
  if (s >= 0)
    H5Sclose(s);
  return rc;
}

static int write_i64_attr(const wr_ctx *w, hid_t obj, const char *where,
                          const char *name, int64_t v) {
  return write_num_attr(w, obj, where, name, H5T_STD_I64LE, H5T_NATIVE_INT64,
                        &v);
}

static int write_f64_attr(const wr_ctx *w, hid_t obj, const char *where,
                          const char *name, double v) {
  return write_num_attr(w, obj, where, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE,
                        &v);
}

/* Compound type of store_row. Memory layout when file == 0, else the packed
 * little-endian file layout. csets gives the string fields' character sets
 * (one per row_fields entry; NULL means UTF-8). */
static hid_t row_type(int file, const H5T_cset_t *csets) {
  size_t size = sizeof(store_row);
  hid_t t = -1, str[N_ROW_FIELDS];
  for (size_t i = 0; i < N_ROW_FIELDS; i++)
    str[i] = -1;
  for (size_t i = 0; i < N_ROW_FIELDS; i++)
    if (row_fields[i].kind == FIELD_STR &&
        (str[i] = vlen_str_type(csets ? csets[i] : H5T_CSET_UTF8)) < 0)
      goto fail;
  if (file) {
    size = 0;
    for (size_t i = 0; i < N_ROW_FIELDS; i++)
      size += row_fields[i].kind == FIELD_STR ? H5Tget_size(str[i]) : 8;
  }
  if ((t = H5Tcreate(H5T_COMPOUND, size)) < 0)
    goto fail;
  size_t off = 0;
  for (size_t i = 0; i < N_ROW_FIELDS; i++) {
    const field_def *f = &row_fields[i];
    hid_t ft = f->kind == FIELD_STR ? str[i]
               : f->kind == FIELD_F64
                   ? (file ? H5T_IEEE_F64LE : H5T_NATIVE_DOUBLE)
                   : (file ? H5T_STD_I64LE : H5T_NATIVE_INT64);
    if (H5Tinsert(t, f->name, file ? off : f->offset, ft) < 0)
      goto fail;
    off += H5Tget_size(ft);
  }
  for (size_t i = 0; i < N_ROW_FIELDS; i++)
    if (str[i] >= 0)
      H5Tclose(str[i]);
  return t;
fail:
  for (size_t i = 0; i < N_ROW_FIELDS; i++)
    if (str[i] >= 0)
      H5Tclose(str[i]);
  if (t >= 0)
    H5Tclose(t);
  return -1;
}

static size_t max_samples(const prof_model *m) {
  size_t k = 0;
  for (size_t b = 0; b < m->n_blocks; b++)
    if (m->blocks[b].n_samples > k)
      k = m->blocks[b].n_samples;
  return k;
}

/* A creation property list for a dataset of the given dims: chunked (HDF5
 * filters need chunks; at most ~1 MiB of rows each) with the Fletcher-32
 * checksum filter. -1 on failure. */
static hid_t checked_dcpl(const wr_ctx *w, int rank, const hsize_t *dims,
                          size_t row_bytes) {
  hsize_t chunk[2] = {dims[0], rank > 1 ? dims[1] : 1};
  hsize_t max_rows = (1u << 20) / (row_bytes ? row_bytes : 1);
  if (max_rows < 1)
    max_rows = 1;
  if (chunk[0] > max_rows)
    chunk[0] = max_rows;
  if (chunk[0] < 1)
    chunk[0] = 1;
  if (rank > 1 && chunk[1] < 1)
    chunk[1] = 1;
  hid_t p = H5Pcopy(w->dcpl);
  if (p < 0 || H5Pset_chunk(p, rank, chunk) < 0 || H5Pset_fletcher32(p) < 0) {
    if (p >= 0)
      H5Pclose(p);
    return -1;
  }
  return p;
}

static int write_blocks(const wr_ctx *w, hid_t mg, const char *mpath,
                        const prof_model *m) {
  char where[PATH_MAX_LEN];
  join_path(where, sizeof where, mpath, "blocks");
  int rc = -1;
  hid_t ft = -1, mt = -1, s = -1, d = -1, dcpl = -1;
  store_row *rows = calloc(m->n_blocks, sizeof *rows);
  if (!rows)
    return fail_oom(&w->c, where);
  for (size_t i = 0; i < m->n_blocks; i++) {
    const prof_block *b = &m->blocks[i];
    rows[i] = (store_row){
        (int64_t)i,   b->first_layer,  b->last_layer,   b->first_name,
        b->last_name, b->time_s,       b->time_s_p10,   b->time_s_p90,
        b->repeats,   b->output_bytes, b->output_shape, (int64_t)b->n_samples};
  }
  hsize_t dims[1] = {m->n_blocks};
  if ((ft = row_type(1, NULL)) < 0 || (mt = row_type(0, NULL)) < 0 ||
      (s = H5Screate_simple(1, dims, NULL)) < 0 ||
      (dcpl = checked_dcpl(w, 1, dims, H5Tget_size(ft))) < 0)
    goto h5fail;
  if ((d = H5Dcreate2(mg, "blocks", ft, s, w->lcpl, dcpl, H5P_DEFAULT)) < 0 ||
      H5Dwrite(d, mt, H5S_ALL, H5S_ALL, small_xfer(), rows) < 0)
    goto h5fail;
  if (write_str_attr(w, d, where, "description", blocks_description) != 0 ||
      write_str_attr(w, d, where, "time_unit", "s") != 0 ||
      write_str_attr(w, d, where, "bytes_unit", "bytes") != 0)
    goto done;
  rc = 0;
  goto done;
h5fail:
  fail(&w->c, where, 1, "cannot write the blocks dataset");
done:
  if (dcpl >= 0)
    H5Pclose(dcpl);
  if (d >= 0)
    H5Dclose(d);
  if (s >= 0)
    H5Sclose(s);
  if (mt >= 0)
    H5Tclose(mt);
  if (ft >= 0)
    H5Tclose(ft);
  free(rows);
  return rc;
}

static int write_samples(const wr_ctx *w, hid_t mg, const char *mpath,
                         const prof_model *m) {
  size_t k = max_samples(m);
  if (k == 0) /* no raw samples: no dataset */
    return 0;
  char where[PATH_MAX_LEN];
  join_path(where, sizeof where, mpath, "samples_s");
  int rc = -1;
  hid_t s = -1, d = -1, dcpl = -1;
  double *buf = malloc(m->n_blocks * k * sizeof *buf);
  if (!buf)
    return fail_oom(&w->c, where);
  for (size_t i = 0; i < m->n_blocks; i++) {
    const prof_block *b = &m->blocks[i];
    for (size_t j = 0; j < k; j++)
      buf[i * k + j] = j < b->n_samples ? b->samples_s[j] : NAN;
  }
  hsize_t dims[2] = {m->n_blocks, k};
  if ((s = H5Screate_simple(2, dims, NULL)) < 0 ||
      (dcpl = checked_dcpl(w, 2, dims, k * sizeof(double))) < 0 ||
      (d = H5Dcreate2(mg, "samples_s", H5T_IEEE_F64LE, s, w->lcpl, dcpl,
                      H5P_DEFAULT)) < 0 ||
      H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, small_xfer(), buf) < 0) {
    fail(&w->c, where, 1, "cannot write the samples_s dataset");
    goto done;
  }
  if (write_str_attr(w, d, where, "description", samples_description) != 0 ||
      write_str_attr(w, d, where, "time_unit", "s") != 0)
    goto done;
  rc = 0;
done:
  if (dcpl >= 0)
    H5Pclose(dcpl);
  if (d >= 0)
    H5Dclose(d);
  if (s >= 0)
    H5Sclose(s);
  free(buf);
  return rc;
}

static int write_model(const wr_ctx *w, hid_t models, const char *ppath,
                       const prof_model *m) {
  char link[PROF_STORE_MAX_LINK_NAME], where[PATH_MAX_LEN];
  if (prof_store_escape_name(m->name, link, sizeof link) < 0)
    return fail(&w->c, ppath, 0, "model name too long");
  join_path(where, sizeof where, ppath, link);
  hid_t g = H5Gcreate2(models, link, w->lcpl, w->gcpl, H5P_DEFAULT);
  if (g < 0)
    return fail(&w->c, where, 1, "cannot create group");
  int rc = -1;
  if (write_str_attr(w, g, where, "name", m->name) != 0 ||
      (m->input_bytes >= 0 && /* unknown: no attribute */
       write_i64_attr(w, g, where, "input_bytes", m->input_bytes) != 0) ||
      write_str_attr(w, g, where, "input_shape", m->input_shape) != 0 ||
      write_f64_attr(w, g, where, "whole_model_time_s",
                     m->whole_model_time_s) != 0 ||
      write_i64_attr(w, g, where, "n_blocks", (int64_t)m->n_blocks) != 0 ||
      write_blocks(w, g, where, m) != 0 || write_samples(w, g, where, m) != 0)
    goto done;
  rc = 0;
done:
  H5Gclose(g);
  return rc;
}

static int write_system(const wr_ctx *w, hid_t systems,
                        const prof_system *sys) {
  char link[PROF_STORE_MAX_LINK_NAME], where[PATH_MAX_LEN],
      mwhere[PATH_MAX_LEN];
  if (prof_store_escape_name(sys->name, link, sizeof link) < 0)
    return fail(&w->c, "/systems", 0, "system name too long");
  join_path(where, sizeof where, "/systems", link);
  join_path(mwhere, sizeof mwhere, where, "models");
  int rc = -1;
  hid_t models = -1;
  hid_t g = H5Gcreate2(systems, link, w->lcpl, w->gcpl, H5P_DEFAULT);
  if (g < 0)
    return fail(&w->c, where, 1, "cannot create group");
  if (write_str_attr(w, g, where, "name", sys->name) != 0 ||
      write_str_attr(w, g, where, "tier_hint", sys->tier_hint) != 0 ||
      write_str_attr(w, g, where, "kind", sys->kind) != 0 ||
      write_str_attr(w, g, where, "hardware", sys->hardware) != 0 ||
      write_str_attr(w, g, where, "source_file", sys->source_file) != 0 ||
      write_str_attr(w, g, where, "importer", sys->importer) != 0 ||
      write_str_attr(w, g, where, "import_date", sys->import_date) != 0 ||
      write_str_attr(w, g, where, "extra_json", sys->extra_json) != 0 ||
      write_str_attr(w, g, where, "time_unit", "s") != 0 ||
      write_str_attr(w, g, where, "bytes_unit", "bytes") != 0)
    goto done;
  if ((models = H5Gcreate2(g, "models", w->lcpl, w->gcpl, H5P_DEFAULT)) < 0) {
    fail(&w->c, mwhere, 1, "cannot create group");
    goto done;
  }
  for (size_t i = 0; i < sys->n_models; i++)
    if (write_model(w, models, mwhere, &sys->models[i]) != 0)
      goto done;
  rc = 0;
done:
  if (models >= 0)
    H5Gclose(models);
  H5Gclose(g);
  return rc;
}

static int str_too_long(const char *s) {
  return s && strlen(s) >= PROF_STORE_MAX_STRING;
}

/* Refuse, before touching any file, a set the reader would refuse. */
static int check_set(const store_ctx *c, const prof_set *set) {
  char link[PROF_STORE_MAX_LINK_NAME], where[PATH_MAX_LEN];
  ss_error e;
  ss_error_clear(&e);
  if (set->n_systems > PROF_STORE_MAX_LINKS)
    return fail(c, "/systems", 0, "more than %d systems", PROF_STORE_MAX_LINKS);
  for (size_t i = 0; i < set->n_systems; i++) {
    const prof_system *sys = &set->systems[i];
    if (prof_system_validate(sys, &e) != 0)
      return fail(c, NULL, 0, "%s", e.msg);
    if (prof_store_escape_name(sys->name, link, sizeof link) < 0)
      return fail(c, "/systems", 0, "system name too long");
    join_path(where, sizeof where, "/systems", link);
    for (size_t j = 0; j < i; j++)
      if (strcmp(set->systems[j].name, sys->name) == 0)
        return fail(c, where, 0, "system '%s' appears twice", sys->name);
    if (str_too_long(sys->name) || str_too_long(sys->tier_hint) ||
        str_too_long(sys->kind) || str_too_long(sys->hardware) ||
        str_too_long(sys->source_file) || str_too_long(sys->importer) ||
        str_too_long(sys->import_date) || str_too_long(sys->extra_json))
      return fail(c, where, 0, "an attribute is longer than %u bytes",
                  PROF_STORE_MAX_STRING);
    if (sys->n_models > PROF_STORE_MAX_LINKS)
      return fail(c, where, 0, "more than %d models", PROF_STORE_MAX_LINKS);
    for (size_t k = 0; k < sys->n_models; k++) {
      const prof_model *m = &sys->models[k];
      if (prof_store_escape_name(m->name, link, sizeof link) < 0 ||
          str_too_long(m->input_shape))
        return fail(c, where, 0, "model %zu: name or input shape too long", k);
      if (m->input_bytes < -1)
        return fail(c, where, 0, "model '%s': input bytes %lld are negative",
                    m->name, (long long)m->input_bytes);
      size_t ks = max_samples(m);
      if (m->n_blocks > PROF_STORE_MAX_BLOCKS || ks > PROF_STORE_MAX_SAMPLES ||
          (ks && m->n_blocks > PROF_STORE_MAX_SAMPLE_VALUES / ks))
        return fail(c, where, 0,
                    "model '%s': too many blocks or samples (limits: %d "
                    "blocks, %d samples per block)",
                    m->name, PROF_STORE_MAX_BLOCKS, PROF_STORE_MAX_SAMPLES);
      if (prof_set_check_model(set, NULL, sys->name, m, &e) != 0)
        return fail(c, where, 0, "%s", e.msg);
    }
  }
  return 0;
}

/* "fnv1a64:<16 hex digits>" of the set's canonical encoding. */
static int content_checksum(const store_ctx *c, const prof_set *set,
                            char out[32]) {
  unsigned char *enc = NULL;
  size_t len = 0;
  if (prof_store_encode(set, &enc, &len) != 0)
    return fail_oom(c, NULL);
  snprintf(out, 32, "fnv1a64:%016llx",
           (unsigned long long)prof_store_fnv1a64(enc, len));
  free(enc);
  return 0;
}

int prof_store_write(const char *path, const prof_set *set, ss_error *err) {
  store_ctx c = {path, err, PROF_STORE_FORMAT_VERSION};
  char checksum[32];
  if (!set)
    return fail(&c, NULL, 0, "no profile set to write");
  if (check_set(&c, set) != 0 || content_checksum(&c, set, checksum) != 0 ||
      store_h5_load(path, err) != 0)
    return -1;
  char tmp[4200];
  if (ss_temp_path_for(path, tmp, sizeof tmp, err) != 0)
    return -1;

  h5_guard guard;
  guard_on(&guard);
  wr_ctx w = {c, -1, -1, -1};
  int rc = -1;
  hid_t fcpl = -1, fid = -1, root = -1, systems = -1;
  if ((w.lcpl = H5Pcreate(H5P_LINK_CREATE)) < 0 ||
      H5Pset_char_encoding(w.lcpl, H5T_CSET_UTF8) < 0 ||
      (w.gcpl = H5Pcreate(H5P_GROUP_CREATE)) < 0 ||
      H5Pset_link_creation_order(w.gcpl, H5P_CRT_ORDER_TRACKED |
                                             H5P_CRT_ORDER_INDEXED) < 0 ||
      H5Pset_obj_track_times(w.gcpl, 0) < 0 ||
      (w.dcpl = H5Pcreate(H5P_DATASET_CREATE)) < 0 ||
      H5Pset_obj_track_times(w.dcpl, 0) < 0 ||
      (fcpl = H5Pcreate(H5P_FILE_CREATE)) < 0 ||
      H5Pset_link_creation_order(fcpl, H5P_CRT_ORDER_TRACKED |
                                           H5P_CRT_ORDER_INDEXED) < 0 ||
      H5Pset_obj_track_times(fcpl, 0) < 0) {
    fail(&c, NULL, 1, "cannot set up HDF5 property lists");
    goto done;
  }
  if ((fid = H5Fcreate(tmp, H5F_ACC_TRUNC, fcpl, H5P_DEFAULT)) < 0) {
    fail(&c, NULL, 1, "cannot create HDF5 file %s", tmp);
    goto done;
  }
  if ((root = H5Gopen2(fid, "/", H5P_DEFAULT)) < 0) {
    fail(&c, "/", 1, "cannot open the root group");
    goto done;
  }
  if (write_str_attr(&w, root, "/", "format", PROF_STORE_FORMAT) != 0 ||
      write_i64_attr(&w, root, "/", "format_version",
                     PROF_STORE_FORMAT_VERSION) != 0 ||
      write_str_attr(&w, root, "/", "created_by",
                     "splitsim " SPLITSIM_VERSION) != 0 ||
      write_str_attr(&w, root, "/", "description", store_description) != 0 ||
      write_str_attr(&w, root, "/", "content_checksum", checksum) != 0)
    goto done;
  if ((systems = H5Gcreate2(root, "systems", w.lcpl, w.gcpl, H5P_DEFAULT)) <
      0) {
    fail(&c, "/systems", 1, "cannot create group");
    goto done;
  }
  for (size_t i = 0; i < set->n_systems; i++)
    if (write_system(&w, systems, &set->systems[i]) != 0)
      goto done;
  rc = 0;
done:
  if (systems >= 0)
    H5Gclose(systems);
  if (root >= 0)
    H5Gclose(root);
  if (fid >= 0 && H5Fclose(fid) < 0 && rc == 0)
    rc = fail(&c, NULL, 1, "cannot finish writing %s (disk full?)", tmp);
  if (fcpl >= 0)
    H5Pclose(fcpl);
  if (w.dcpl >= 0)
    H5Pclose(w.dcpl);
  if (w.gcpl >= 0)
    H5Pclose(w.gcpl);
  if (w.lcpl >= 0)
    H5Pclose(w.lcpl);
  guard_off(&guard);
  if (rc != 0) {
    ss_temp_discard(tmp);
    return -1;
  }
  return ss_rename_into_place(tmp, path, err); /* unlinks tmp on failure */
}

/* ======================================================================
 * Reading
 * ====================================================================== */

/* Open the object at hard link `name` of parent, which must be of type
 * `want`. where is the object's HDF5 path. */
static int open_link(const store_ctx *c, hid_t parent, const char *name,
                     const char *where, H5I_type_t want, hid_t *out) {
  H5L_info_t li;
  *out = -1;
  if (H5Lget_info(parent, name, &li, H5P_DEFAULT) < 0)
    return fail(c, where, 1, "cannot read link");
  if (li.type != H5L_TYPE_HARD)
    return fail(c, where, 0, "is %s link; the store allows only hard links",
                li.type == H5L_TYPE_SOFT       ? "a soft"
                : li.type == H5L_TYPE_EXTERNAL ? "an external"
                                               : "a user-defined");
  hid_t id = H5Oopen(parent, name, H5P_DEFAULT);
  if (id < 0)
    return fail(c, where, 1, "cannot open object");
  H5I_type_t t = H5Iget_type(id);
  if (t != want) {
    H5Oclose(id);
    return fail(c, where, 0, "expected a %s, found a %s", object_name(want),
                object_name(t));
  }
  *out = id;
  return 0;
}

/* Like open_link, but a missing link is an error when required and gives
 * *out = -1 otherwise. */
static int open_child(const store_ctx *c, hid_t parent, const char *ppath,
                      const char *name, H5I_type_t want, int required,
                      hid_t *out) {
  char where[PATH_MAX_LEN];
  join_path(where, sizeof where, ppath, name);
  *out = -1;
  htri_t ex = H5Lexists(parent, name, H5P_DEFAULT);
  if (ex < 0)
    return fail(c, where, 1, "cannot look up link");
  if (ex == 0)
    return required ? fail(c, where, 0, "missing %s", object_name(want)) : 0;
  return open_link(c, parent, name, where, want, out);
}

/* Open attribute `name` of obj and check it holds one value of class want.
 * *a = -1 when it is absent and optional. Caller closes *a and *t. */
static int attr_open(const store_ctx *c, hid_t obj, const char *where,
                     const char *name, int required, H5T_class_t want, hid_t *a,
                     hid_t *t) {
  *a = *t = -1;
  htri_t ex = H5Aexists(obj, name);
  if (ex < 0)
    return fail(c, where, 1, "cannot look up attribute '%s'", name);
  if (ex == 0)
    return required ? fail(c, where, 0, "missing attribute '%s'", name) : 0;
  if ((*a = H5Aopen(obj, name, H5P_DEFAULT)) < 0)
    return fail(c, where, 1, "cannot open attribute '%s'", name);
  hid_t s = H5Aget_space(*a);
  if (s < 0)
    return fail(c, where, 1, "cannot read attribute '%s'", name);
  H5S_class_t sc = H5Sget_simple_extent_type(s);
  int nd = H5Sget_simple_extent_ndims(s);
  hssize_t np = H5Sget_simple_extent_npoints(s);
  H5Sclose(s);
  if (!(sc == H5S_SCALAR || (sc == H5S_SIMPLE && nd == 1 && np == 1)))
    return fail(c, where, 0, "attribute '%s' must hold a single value", name);
  if ((*t = H5Aget_type(*a)) < 0)
    return fail(c, where, 1, "cannot read the type of attribute '%s'", name);
  H5T_class_t cl = H5Tget_class(*t);
  if (cl != want)
    return fail(c, where, 0, "attribute '%s' must be %s, found %s", name,
                class_name(want), class_name(cl));
  return 0;
}

static void attr_close(hid_t a, hid_t t) {
  if (t >= 0)
    H5Tclose(t);
  if (a >= 0)
    H5Aclose(a);
}

/* Read a string attribute (fixed or variable length). *out = NULL when it is
 * absent (and optional) or a null variable-length string. */
static int read_str_attr(const store_ctx *c, hid_t obj, const char *where,
                         const char *name, int required, char **out) {
  hid_t a, t, m = -1;
  char *buf = NULL, *vs = NULL;
  int rc = -1;
  *out = NULL;
  if (attr_open(c, obj, where, name, required, H5T_STRING, &a, &t) != 0)
    goto done;
  if (a < 0) {
    rc = 0;
    goto done;
  }
  htri_t var = H5Tis_variable_str(t);
  if (var < 0 || (m = H5Tcopy(H5T_C_S1)) < 0 ||
      H5Tset_cset(m, H5Tget_cset(t)) < 0) {
    fail(c, where, 1, "cannot read attribute '%s'", name);
    goto done;
  }
  if (var) {
    if (H5Tset_size(m, H5T_VARIABLE) < 0 || H5Aread(a, m, &vs) < 0) {
      fail(c, where, 1, "cannot read attribute '%s'", name);
      goto done;
    }
    if (vs && strnlen(vs, PROF_STORE_MAX_STRING) >= PROF_STORE_MAX_STRING) {
      fail(c, where, 0, "attribute '%s' is longer than %u bytes", name,
           PROF_STORE_MAX_STRING);
      goto done;
    }
    if (vs && !(*out = ss_strdup(vs))) {
      fail_oom(c, where);
      goto done;
    }
  } else {
    size_t n = H5Tget_size(t);
    if (n == 0 || n >= PROF_STORE_MAX_STRING) {
      fail(c, where, 0, "attribute '%s' has a bad string size %zu", name, n);
      goto done;
    }
    if (!(buf = calloc(n + 2, 1))) {
      fail_oom(c, where);
      goto done;
    }
    if (H5Tset_size(m, n + 1) < 0 || H5Tset_strpad(m, H5T_STR_NULLTERM) < 0 ||
        H5Aread(a, m, buf) < 0) {
      fail(c, where, 1, "cannot read attribute '%s'", name);
      goto done;
    }
    *out = buf;
    buf = NULL;
  }
  rc = 0;
done:
  if (vs)
    H5free_memory(vs);
  free(buf);
  if (m >= 0)
    H5Tclose(m);
  attr_close(a, t);
  return rc;
}

static int read_num_attr(const store_ctx *c, hid_t obj, const char *where,
                         const char *name, H5T_class_t cls, hid_t mem_type,
                         void *out) {
  hid_t a, t;
  int rc = -1;
  if (attr_open(c, obj, where, name, 1, cls, &a, &t) != 0)
    goto done;
  if (H5Aread(a, mem_type, out) < 0) {
    fail(c, where, 1, "cannot read attribute '%s'", name);
    goto done;
  }
  rc = 0;
done:
  attr_close(a, t);
  return rc;
}

static int read_i64_attr(const store_ctx *c, hid_t obj, const char *where,
                         const char *name, int64_t *out) {
  return read_num_attr(c, obj, where, name, H5T_INTEGER, H5T_NATIVE_INT64, out);
}

static int read_f64_attr(const store_ctx *c, hid_t obj, const char *where,
                         const char *name, double *out) {
  return read_num_attr(c, obj, where, name, H5T_FLOAT, H5T_NATIVE_DOUBLE, out);
}

/* Read an optional unit attribute and refuse any unit but `expected`. */
static int check_unit_attr(const store_ctx *c, hid_t obj, const char *where,
                           const char *name, const char *expected) {
  char *u = NULL;
  if (read_str_attr(c, obj, where, name, 0, &u) != 0)
    return -1;
  int bad = u && strcmp(u, expected) != 0;
  if (bad)
    fail(c, where, 0, "attribute '%s' is \"%s\"; this reader needs \"%s\"",
         name, u, expected);
  free(u);
  return bad ? -1 : 0;
}

/* Read the 'name' attribute and check that it escapes to the link name. */
static int read_name(const store_ctx *c, hid_t obj, const char *where,
                     const char *link, char **out) {
  char esc[PROF_STORE_MAX_LINK_NAME];
  if (read_str_attr(c, obj, where, "name", 1, out) != 0)
    return -1;
  if (!*out || prof_store_escape_name(*out, esc, sizeof esc) < 0 ||
      strcmp(esc, link) != 0)
    return fail(c, where, 0,
                "attribute 'name' (\"%s\") does not match the link name "
                "\"%s\" (expected link \"%s\")",
                *out ? *out : "", link, *out ? esc : "");
  return 0;
}

/* Number of links in group g and the index to walk them in (creation order
 * when the group tracks and indexes it, else name order). */
static int list_links(const store_ctx *c, hid_t g, const char *where,
                      hsize_t *n, H5_index_t *idx) {
  H5G_info_t gi;
  if (H5Gget_info(g, &gi) < 0)
    return fail(c, where, 1, "cannot read group");
  if (gi.nlinks > PROF_STORE_MAX_LINKS)
    return fail(c, where, 0, "group has %llu links (limit %d)",
                (unsigned long long)gi.nlinks, PROF_STORE_MAX_LINKS);
  unsigned flags = 0;
  hid_t p = H5Gget_create_plist(g);
  if (p < 0 || H5Pget_link_creation_order(p, &flags) < 0)
    flags = 0;
  if (p >= 0)
    H5Pclose(p);
  *n = gi.nlinks;
  *idx = (flags & H5P_CRT_ORDER_TRACKED) && (flags & H5P_CRT_ORDER_INDEXED)
             ? H5_INDEX_CRT_ORDER
             : H5_INDEX_NAME;
  return 0;
}

static int link_name_at(const store_ctx *c, hid_t g, const char *where,
                        H5_index_t idx, hsize_t i, char *buf, size_t size) {
  ssize_t len =
      H5Lget_name_by_idx(g, ".", idx, H5_ITER_INC, i, NULL, 0, H5P_DEFAULT);
  if (len < 0)
    return fail(c, where, 1, "cannot read link %llu", (unsigned long long)i);
  if ((size_t)len >= size)
    return fail(c, where, 0, "link %llu has a name longer than %zu bytes",
                (unsigned long long)i, size - 1);
  if (H5Lget_name_by_idx(g, ".", idx, H5_ITER_INC, i, buf, size, H5P_DEFAULT) <
      0)
    return fail(c, where, 1, "cannot read link %llu", (unsigned long long)i);
  return 0;
}

/* input_bytes: version 1 writes -1 for unknown; version 2 leaves the
 * attribute out. In memory, unknown is -1. */
static int read_input_bytes(const store_ctx *c, hid_t g, const char *where,
                            int64_t *out) {
  *out = -1;
  if (c->version >= 2) {
    htri_t ex = H5Aexists(g, "input_bytes");
    if (ex < 0)
      return fail(c, where, 1, "cannot look up attribute 'input_bytes'");
    if (ex == 0)
      return 0;
  }
  if (read_i64_attr(c, g, where, "input_bytes", out) != 0)
    return -1;
  if (*out < (c->version >= 2 ? 0 : -1))
    return fail(c, where, 0, "input_bytes is %lld; must be >= 0%s",
                (long long)*out,
                c->version >= 2 ? " (leave it out when unknown)"
                                : ", or -1 for unknown");
  return 0;
}

/* Format version 2: every dataset carries the Fletcher-32 filter (HDF5
 * checks it on every read). */
static int check_fletcher(const store_ctx *c, hid_t d, const char *where) {
  if (c->version < 2)
    return 0;
  hid_t p = H5Dget_create_plist(d);
  if (p < 0)
    return fail(c, where, 1, "cannot read the dataset's properties");
  unsigned flags = 0, conf = 0;
  size_t nelmts = 0;
  herr_t r = H5Pget_filter_by_id2(p, H5Z_FILTER_FLETCHER32, &flags, &nelmts,
                                  NULL, 0, NULL, &conf);
  H5Pclose(p);
  if (r < 0)
    return fail(c, where, 0,
                "has no Fletcher-32 checksum (format version 2 requires one "
                "on every dataset): the file is damaged or was edited");
  return 0;
}

/* Check the dataspace of dataset d: simple, rank `rank`; dims out. */
static int check_space(const store_ctx *c, hid_t d, const char *where, int rank,
                       hsize_t *dims) {
  hid_t s = H5Dget_space(d);
  if (s < 0)
    return fail(c, where, 1, "cannot read dataspace");
  int nd = H5Sget_simple_extent_ndims(s);
  H5S_class_t sc = H5Sget_simple_extent_type(s);
  int rc = 0;
  if (sc != H5S_SIMPLE || nd != rank)
    rc = fail(c, where, 0, "must be a %d-D dataset, found rank %d", rank,
              sc == H5S_SIMPLE ? nd : 0);
  else if (H5Sget_simple_extent_dims(s, dims, NULL) < 0)
    rc = fail(c, where, 1, "cannot read dataspace");
  H5Sclose(s);
  return rc;
}

/* Check the blocks dataset's compound type: every field present with the
 * right class (extra fields are ignored); string fields' csets out. */
static int check_row_type(const store_ctx *c, hid_t ft, const char *where,
                          H5T_cset_t *csets) {
  H5T_class_t cl = H5Tget_class(ft);
  if (cl != H5T_COMPOUND)
    return fail(c, where, 0,
                "must be a compound dataset (one row per block), found %s",
                class_name(cl));
  for (size_t i = 0; i < N_ROW_FIELDS; i++) {
    const field_def *f = &row_fields[i];
    csets[i] = H5T_CSET_UTF8;
    int idx = H5Tget_member_index(ft, f->name);
    if (idx < 0)
      return fail(c, where, 0, "missing field '%s'", f->name);
    H5T_class_t want = f->kind == FIELD_STR   ? H5T_STRING
                       : f->kind == FIELD_F64 ? H5T_FLOAT
                                              : H5T_INTEGER;
    H5T_class_t got = H5Tget_member_class(ft, (unsigned)idx);
    if (got != want)
      return fail(c, where, 0, "field '%s' must be %s, found %s", f->name,
                  class_name(want), class_name(got));
    if (f->kind == FIELD_STR) {
      hid_t mt = H5Tget_member_type(ft, (unsigned)idx);
      htri_t var = mt >= 0 ? H5Tis_variable_str(mt) : -1;
      if (mt >= 0)
        csets[i] = H5Tget_cset(mt);
      if (mt >= 0)
        H5Tclose(mt);
      if (var <= 0)
        return fail(c, where, 0, "field '%s' must be a variable-length string",
                    f->name);
    }
  }
  return 0;
}

/* Read the blocks dataset into m->blocks (n_samples filled from the
 * n_samples column; the samples themselves come later). */
static int read_blocks(const store_ctx *c, hid_t d, const char *where,
                       int64_t n_expected, prof_model *m) {
  hsize_t dims[1];
  H5T_cset_t csets[N_ROW_FIELDS];
  hid_t ft = -1, mt = -1, s = -1;
  store_row *rows = NULL;
  int rc = -1, have_rows = 0;
  if (check_space(c, d, where, 1, dims) != 0)
    return -1;
  if (dims[0] != (hsize_t)n_expected)
    return fail(c, where, 0,
                "has %llu rows but the model's n_blocks attribute is %lld",
                (unsigned long long)dims[0], (long long)n_expected);
  if ((ft = H5Dget_type(d)) < 0) {
    fail(c, where, 1, "cannot read datatype");
    goto done;
  }
  if (check_row_type(c, ft, where, csets) != 0 ||
      check_fletcher(c, d, where) != 0)
    goto done;
  size_t n = (size_t)dims[0];
  if ((mt = row_type(0, csets)) < 0 || (s = H5Dget_space(d)) < 0) {
    fail(c, where, 1, "cannot set up the row type");
    goto done;
  }
  if (!(rows = calloc(n, sizeof *rows)) ||
      !(m->blocks = calloc(n, sizeof *m->blocks))) {
    fail_oom(c, where);
    goto done;
  }
  m->n_blocks = n;
  have_rows = 1;
  if (H5Dread(d, mt, H5S_ALL, H5S_ALL, small_xfer(), rows) < 0) {
    fail(c, where, 1, "cannot read dataset");
    goto done;
  }
  for (size_t i = 0; i < n; i++) {
    const store_row *r = &rows[i];
    prof_block *b = &m->blocks[i];
    if (r->index != (int64_t)i) {
      fail(c, where, 0, "row %zu has index %lld; rows must be numbered 0..%zu",
           i, (long long)r->index, n - 1);
      goto done;
    }
    if (r->n_samples < 0 || r->n_samples > PROF_STORE_MAX_SAMPLES) {
      fail(c, where, 0, "row %zu: n_samples %lld is outside 0..%d", i,
           (long long)r->n_samples, PROF_STORE_MAX_SAMPLES);
      goto done;
    }
    b->first_layer = r->first_layer;
    b->last_layer = r->last_layer;
    b->time_s = r->time_s_median;
    b->time_s_p10 = r->time_s_p10;
    b->time_s_p90 = r->time_s_p90;
    b->repeats = r->repeats;
    b->output_bytes = r->output_bytes;
    b->n_samples = (size_t)r->n_samples;
    if ((r->first_name && !(b->first_name = ss_strdup(r->first_name))) ||
        (r->last_name && !(b->last_name = ss_strdup(r->last_name))) ||
        (r->output_shape && !(b->output_shape = ss_strdup(r->output_shape)))) {
      fail_oom(c, where);
      goto done;
    }
  }
  rc = 0;
done:
  if (have_rows)
    STORE_RECLAIM(mt, s, rows);
  free(rows);
  if (s >= 0)
    H5Sclose(s);
  if (mt >= 0)
    H5Tclose(mt);
  if (ft >= 0)
    H5Tclose(ft);
  return rc;
}

/* Read samples_s (d may be -1: no dataset) into the blocks. */
static int read_samples(const store_ctx *c, hid_t d, const char *where,
                        const char *blocks_where, prof_model *m) {
  if (d < 0) {
    for (size_t i = 0; i < m->n_blocks; i++)
      if (m->blocks[i].n_samples)
        return fail(c, blocks_where, 0,
                    "row %zu has n_samples %zu but the model has no "
                    "samples_s dataset",
                    i, m->blocks[i].n_samples);
    return 0;
  }
  hsize_t dims[2];
  if (check_space(c, d, where, 2, dims) != 0)
    return -1;
  if (dims[0] != m->n_blocks || dims[1] > PROF_STORE_MAX_SAMPLES ||
      (dims[1] && dims[0] > PROF_STORE_MAX_SAMPLE_VALUES / dims[1]))
    return fail(c, where, 0,
                "is %llux%llu; expected %zu rows (one per block) and at most "
                "%d columns",
                (unsigned long long)dims[0], (unsigned long long)dims[1],
                m->n_blocks, PROF_STORE_MAX_SAMPLES);
  hid_t t = H5Dget_type(d);
  if (t < 0)
    return fail(c, where, 1, "cannot read datatype");
  H5T_class_t cl = H5Tget_class(t);
  H5Tclose(t);
  if (cl != H5T_FLOAT)
    return fail(c, where, 0, "must hold floats, found %s", class_name(cl));
  if (check_fletcher(c, d, where) != 0)
    return -1;
  size_t k = (size_t)dims[1], n = m->n_blocks;
  double *buf = NULL;
  int rc = -1;
  if (n * k > 0) {
    if (!(buf = malloc(n * k * sizeof *buf)))
      return fail_oom(c, where);
    if (H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, small_xfer(), buf) <
        0) {
      fail(c, where, 1, "cannot read dataset");
      goto done;
    }
  }
  for (size_t i = 0; i < n; i++) {
    prof_block *b = &m->blocks[i];
    if (b->n_samples > k) {
      fail(c, where, 0,
           "row %zu: blocks.n_samples is %zu but samples_s has %zu columns", i,
           b->n_samples, k);
      goto done;
    }
    for (size_t j = b->n_samples; j < k; j++)
      if (!isnan(buf[i * k + j])) {
        fail(c, where, 0,
             "row %zu: value in column %zu after the block's %zu samples; "
             "padding must be NaN",
             i, j, b->n_samples);
        goto done;
      }
    if (b->n_samples) {
      if (!(b->samples_s = malloc(b->n_samples * sizeof(double)))) {
        fail_oom(c, where);
        goto done;
      }
      memcpy(b->samples_s, &buf[i * k], b->n_samples * sizeof(double));
    }
  }
  rc = 0;
done:
  free(buf);
  return rc;
}

static int read_model(const store_ctx *c, hid_t g, const char *where,
                      const char *link, prof_model *m) {
  char bwhere[PATH_MAX_LEN], swhere[PATH_MAX_LEN];
  int64_t n_blocks;
  hid_t blocks = -1, samples = -1;
  int rc = -1;
  join_path(bwhere, sizeof bwhere, where, "blocks");
  join_path(swhere, sizeof swhere, where, "samples_s");
  if (read_name(c, g, where, link, &m->name) != 0 ||
      read_input_bytes(c, g, where, &m->input_bytes) != 0 ||
      read_str_attr(c, g, where, "input_shape", 0, &m->input_shape) != 0 ||
      read_f64_attr(c, g, where, "whole_model_time_s",
                    &m->whole_model_time_s) != 0 ||
      read_i64_attr(c, g, where, "n_blocks", &n_blocks) != 0)
    goto done;
  if (n_blocks < 1 || n_blocks > PROF_STORE_MAX_BLOCKS) {
    fail(c, where, 0, "n_blocks is %lld; must be 1..%d", (long long)n_blocks,
         PROF_STORE_MAX_BLOCKS);
    goto done;
  }
  if (open_child(c, g, where, "blocks", H5I_DATASET, 1, &blocks) != 0 ||
      check_unit_attr(c, blocks, bwhere, "time_unit", "s") != 0 ||
      check_unit_attr(c, blocks, bwhere, "bytes_unit", "bytes") != 0 ||
      read_blocks(c, blocks, bwhere, n_blocks, m) != 0 ||
      open_child(c, g, where, "samples_s", H5I_DATASET, 0, &samples) != 0 ||
      (samples >= 0 &&
       check_unit_attr(c, samples, swhere, "time_unit", "s") != 0) ||
      read_samples(c, samples, swhere, bwhere, m) != 0)
    goto done;
  rc = 0; /* other links (e.g. graph/) are left for later versions */
done:
  if (samples >= 0)
    H5Dclose(samples);
  if (blocks >= 0)
    H5Dclose(blocks);
  return rc;
}

static int read_system(const store_ctx *c, hid_t g, const char *where,
                       const char *link, prof_system *sys) {
  char mwhere[PATH_MAX_LEN], cwhere[PATH_MAX_LEN];
  char name[PROF_STORE_MAX_LINK_NAME];
  hid_t models = -1, mg = -1;
  int rc = -1;
  hsize_t n;
  H5_index_t idx;
  join_path(mwhere, sizeof mwhere, where, "models");
  if (read_name(c, g, where, link, &sys->name) != 0 ||
      read_str_attr(c, g, where, "tier_hint", 0, &sys->tier_hint) != 0 ||
      read_str_attr(c, g, where, "kind", 0, &sys->kind) != 0 ||
      read_str_attr(c, g, where, "hardware", 0, &sys->hardware) != 0 ||
      read_str_attr(c, g, where, "source_file", 0, &sys->source_file) != 0 ||
      read_str_attr(c, g, where, "importer", 0, &sys->importer) != 0 ||
      read_str_attr(c, g, where, "import_date", 0, &sys->import_date) != 0 ||
      read_str_attr(c, g, where, "extra_json", 0, &sys->extra_json) != 0 ||
      check_unit_attr(c, g, where, "time_unit", "s") != 0 ||
      check_unit_attr(c, g, where, "bytes_unit", "bytes") != 0 ||
      open_child(c, g, where, "models", H5I_GROUP, 1, &models) != 0 ||
      list_links(c, models, mwhere, &n, &idx) != 0)
    goto done;
  if (n && !(sys->models = calloc(n, sizeof *sys->models))) {
    fail_oom(c, mwhere);
    goto done;
  }
  for (hsize_t i = 0; i < n; i++) {
    if (link_name_at(c, models, mwhere, idx, i, name, sizeof name) != 0)
      goto done;
    join_path(cwhere, sizeof cwhere, mwhere, name);
    sys->n_models++; /* zeroed by calloc: safe to clear on failure */
    if (open_link(c, models, name, cwhere, H5I_GROUP, &mg) != 0 ||
        read_model(c, mg, cwhere, name, &sys->models[i]) != 0)
      goto done;
    H5Gclose(mg);
    mg = -1;
  }
  rc = 0;
done:
  if (mg >= 0)
    H5Gclose(mg);
  if (models >= 0)
    H5Gclose(models);
  return rc;
}

static int read_systems(const store_ctx *c, hid_t root, prof_set *set) {
  char where[PATH_MAX_LEN], name[PROF_STORE_MAX_LINK_NAME];
  hid_t systems = -1, g = -1;
  int rc = -1;
  hsize_t n;
  H5_index_t idx;
  if (open_child(c, root, "/", "systems", H5I_GROUP, 1, &systems) != 0 ||
      list_links(c, systems, "/systems", &n, &idx) != 0)
    goto done;
  if (n && !(set->systems = calloc(n, sizeof *set->systems))) {
    fail_oom(c, "/systems");
    goto done;
  }
  for (hsize_t i = 0; i < n; i++) {
    if (link_name_at(c, systems, "/systems", idx, i, name, sizeof name) != 0)
      goto done;
    join_path(where, sizeof where, "/systems", name);
    set->n_systems++; /* zeroed by calloc: safe to clear on failure */
    if (open_link(c, systems, name, where, H5I_GROUP, &g) != 0 ||
        read_system(c, g, where, name, &set->systems[i]) != 0)
      goto done;
    H5Gclose(g);
    g = -1;
  }
  rc = 0;
done:
  if (g >= 0)
    H5Gclose(g);
  if (systems >= 0)
    H5Gclose(systems);
  return rc;
}

static int check_format(const store_ctx *c, hid_t root, int64_t *version_out) {
  char *fmt = NULL;
  int64_t version;
  int rc = -1;
  if (read_str_attr(c, root, "/", "format", 0, &fmt) != 0)
    goto done;
  if (!fmt) {
    fail(c, "/", 0,
         "not a splitsim profile store: no 'format' attribute on the root "
         "group");
    goto done;
  }
  if (strcmp(fmt, PROF_STORE_FORMAT) != 0) {
    fail(c, "/", 0,
         "not a splitsim profile store: format is \"%s\", not \"%s\"", fmt,
         PROF_STORE_FORMAT);
    goto done;
  }
  if (read_i64_attr(c, root, "/", "format_version", &version) != 0)
    goto done;
  if (version < PROF_STORE_FORMAT_VERSION_MIN ||
      version > PROF_STORE_FORMAT_VERSION) {
    fail(c, "/", 0,
         "format_version %lld is not supported (this splitsim reads versions "
         "%d to %d)",
         (long long)version, PROF_STORE_FORMAT_VERSION_MIN,
         PROF_STORE_FORMAT_VERSION);
    goto done;
  }
  *version_out = version;
  rc = 0;
done:
  free(fmt);
  return rc;
}

/* Format version 2: the content checksum on the root group must match the
 * canonical encoding of what was read (before any normalisation). */
static int check_content(const store_ctx *c, hid_t root, const prof_set *set) {
  if (c->version < 2)
    return 0;
  char *stored = NULL, computed[32];
  if (read_str_attr(c, root, "/", "content_checksum", 1, &stored) != 0)
    return -1;
  int rc = content_checksum(c, set, computed);
  if (rc == 0 && (!stored || strcmp(stored, computed) != 0))
    rc = fail(c, "/", 0,
              "content checksum mismatch (stored %.40s, computed %s): the "
              "file is damaged",
              stored ? stored : "null", computed);
  free(stored);
  return rc;
}

static int canonical_extras(const store_ctx *c, prof_set *set) {
  char link[PROF_STORE_MAX_LINK_NAME], where[PATH_MAX_LEN];
  for (size_t i = 0; i < set->n_systems; i++) {
    prof_store_escape_name(set->systems[i].name, link, sizeof link);
    join_path(where, sizeof where, "/systems", link);
    if (canonical_extra(c, where, &set->systems[i].extra_json) != 0)
      return -1;
  }
  return 0;
}

/* The checks the importers run, on what was read. */
static int validate_set(const store_ctx *c, const prof_set *set) {
  char link[PROF_STORE_MAX_LINK_NAME], where[PATH_MAX_LEN];
  ss_error e;
  ss_error_clear(&e);
  for (size_t i = 0; i < set->n_systems; i++) {
    const prof_system *sys = &set->systems[i];
    prof_store_escape_name(sys->name, link, sizeof link);
    join_path(where, sizeof where, "/systems", link);
    if (prof_system_validate(sys, &e) != 0)
      return fail(c, where, 0, "%s", e.msg);
    for (size_t k = 0; k < sys->n_models; k++) {
      const prof_model *m = &sys->models[k];
      if (prof_set_check_model(set, NULL, sys->name, m, &e) != 0) {
        char mwhere[PATH_MAX_LEN];
        join_path(mwhere, sizeof mwhere, where, "models");
        prof_store_escape_name(m->name, link, sizeof link);
        join_path(where, sizeof where, mwhere, link);
        return fail(c, where, 0, "%s", e.msg);
      }
    }
  }
  return 0;
}

int prof_store_read_direct(const char *path, prof_set **out,
                           prof_store_info *info, ss_error *err) {
  store_ctx c = {path, err, 0};
  struct stat st;
  *out = NULL;
  if (stat(path, &st) != 0)
    return fail(&c, NULL, 0, "cannot open: %s", strerror(errno));
  if (S_ISDIR(st.st_mode))
    return fail(&c, NULL, 0, "is a directory, not a file");
  if (!prof_store_is_hdf5(path))
    return fail(&c, NULL, 0, "not an HDF5 file (no HDF5 signature found)");
  if (store_h5_load(path, err) != 0)
    return -1;

  h5_guard guard;
  guard_on(&guard);
  prof_set *set = NULL;
  hid_t fapl = -1, fid = -1, root = -1;
  int rc = -1;
  if ((fapl = H5Pcreate(H5P_FILE_ACCESS)) < 0 ||
      H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG) < 0) {
    fail(&c, NULL, 1, "cannot set up HDF5");
    goto done;
  }
  if ((fid = H5Fopen(path, H5F_ACC_RDONLY, fapl)) < 0) {
    fail(&c, NULL, 1, "cannot open as HDF5 (damaged or truncated file?)");
    goto done;
  }
  if ((root = H5Gopen2(fid, "/", H5P_DEFAULT)) < 0) {
    fail(&c, "/", 1, "cannot open the root group");
    goto done;
  }
  if (check_format(&c, root, &c.version) != 0)
    goto done;
  if (!(set = prof_set_new())) {
    fail_oom(&c, NULL);
    goto done;
  }
  if (read_systems(&c, root, set) != 0 || check_content(&c, root, set) != 0 ||
      canonical_extras(&c, set) != 0 || validate_set(&c, set) != 0)
    goto done;
  if (info) {
    info->format_version = (int)c.version;
    info->checksummed = c.version >= 2;
  }
  rc = 0;
done:
  if (root >= 0)
    H5Gclose(root);
  if (fid >= 0)
    H5Fclose(fid);
  if (fapl >= 0)
    H5Pclose(fapl);
  guard_off(&guard);
  if (rc != 0) {
    prof_set_free(set);
    return -1;
  }
  *out = set;
  return 0;
}

/* libhdf5 itself can crash or loop forever on a damaged file (see
 * docs/reliability.md). So libhdf5 runs in a child process: when the child
 * dies or hangs, the parent reports a damaged file instead of crashing. The
 * child reads the file once and sends the parent either its error or the
 * profiles in their canonical encoding (store_wire.c); the parent never
 * loads libhdf5 to read. */
#define STORE_CHILD_TIMEOUT_MS 30000 /* SPLITSIM_STORE_TIMEOUT_S overrides */

enum { MSG_ERROR = 'E', MSG_SET = 'S' };

static int write_all(int fd, const void *p, size_t n) {
  const unsigned char *b = p;
  while (n > 0) {
    ssize_t w = write(fd, b, n);
    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0)
      return -1;
    b += w;
    n -= (size_t)w;
  }
  return 0;
}

/* The child: read, then send "E" + ss_error or "S" + version + encoding. */
static void child_read(const char *path, int fd) {
  ss_error e;
  memset(&e, 0, sizeof e); /* every byte goes down the pipe */
  prof_set *set = NULL;
  prof_store_info info = {0, 0};
  unsigned char *enc = NULL;
  size_t len = 0;
  int rc = prof_store_read_direct(path, &set, &info, &e);
  if (rc == 0 && prof_store_encode(set, &enc, &len) != 0)
    rc = ss_error_set(&e, path, NULL, "out of memory");
  prof_set_free(set);
  unsigned char tag = rc == 0 ? MSG_SET : MSG_ERROR;
  int32_t version = info.format_version;
  int ok = write_all(fd, &tag, 1) == 0 &&
           (rc == 0 ? write_all(fd, &version, sizeof version) == 0 &&
                          write_all(fd, enc, len) == 0
                    : write_all(fd, &e, sizeof e) == 0);
  free(enc);
  _exit(!ok ? 4 : rc == 0 ? 0 : 3);
}

static long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Read fd to its end within limit_ms. 0, -1 out of memory or read error,
 * -2 timed out. *buf is malloc'd (caller frees), even on failure. */
static int read_until_eof(int fd, int limit_ms, unsigned char **buf,
                          size_t *len) {
  size_t cap = 0;
  long end = now_ms() + limit_ms;
  *buf = NULL;
  *len = 0;
  for (;;) {
    long left = end - now_ms();
    if (left <= 0)
      return -2;
    struct pollfd pf = {fd, POLLIN, 0};
    int pr = poll(&pf, 1, (int)(left > 1000 ? 1000 : left));
    if (pr < 0 && errno == EINTR)
      continue;
    if (pr < 0)
      return -1;
    if (pr == 0)
      continue;
    void *nb = *buf;
    if (cap - *len < 65536 && ss_grow(&nb, &cap, *len + 65536, 1, 65536) != 0)
      return -1;
    *buf = nb;
    ssize_t r = read(fd, *buf + *len, cap - *len);
    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0)
      return -1;
    if (r == 0)
      return 0;
    *len += (size_t)r;
  }
}

static int child_limit_ms(void) {
  const char *env = getenv("SPLITSIM_STORE_TIMEOUT_S");
  return env && atoi(env) > 0 ? atoi(env) * 1000 : STORE_CHILD_TIMEOUT_MS;
}

/* What the child said, once it has exited. */
static int parent_result(const store_ctx *c, int status, const unsigned char *b,
                         size_t len, prof_set **out, prof_store_info *info) {
  if (WIFSIGNALED(status))
    return fail(c, NULL, 0,
                "libhdf5 crashed reading the file (signal %d): the file is "
                "damaged",
                WTERMSIG(status));
  int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  if (code == 3 && len == 1 + sizeof(ss_error) && b[0] == MSG_ERROR) {
    ss_error e;
    memcpy(&e, b + 1, sizeof e);
    e.file[sizeof e.file - 1] = e.where[sizeof e.where - 1] =
        e.msg[sizeof e.msg - 1] = '\0';
    if (c->err)
      *c->err = e;
    return -1;
  }
  int32_t version = 0;
  if (code == 0 && len >= 1 + sizeof version && b[0] == MSG_SET) {
    memcpy(&version, b + 1, sizeof version);
    size_t head = 1 + sizeof version;
    if (prof_store_decode(b + head, len - head, out) != 0)
      return fail(c, NULL, 0, "out of memory (or a broken reader process)");
    if (info) {
      info->format_version = version;
      info->checksummed = version >= 2;
    }
    return 0;
  }
  return fail(c, NULL, 0,
              "libhdf5 crashed reading the file (exit status %d): the file "
              "is damaged",
              code);
}

int prof_store_read_info(const char *path, prof_set **out,
                         prof_store_info *info, ss_error *err) {
  store_ctx c = {path, err, 0};
  *out = NULL;
  if (getenv("SPLITSIM_STORE_IN_PROCESS"))
    return prof_store_read_direct(path, out, info, err);
  int pfd[2];
  if (pipe(pfd) != 0)
    return prof_store_read_direct(path, out, info, err);
  fflush(NULL);
  pid_t pid = fork();
  if (pid < 0) {
    close(pfd[0]);
    close(pfd[1]);
    return prof_store_read_direct(path, out, info, err);
  }
  if (pid == 0) {
    close(pfd[0]);
    child_read(path, pfd[1]); /* does not return */
  }
  close(pfd[1]);
  int limit_ms = child_limit_ms();
  unsigned char *buf = NULL;
  size_t len = 0;
  int r = read_until_eof(pfd[0], limit_ms, &buf, &len);
  close(pfd[0]);
  int status = 0;
  if (r != 0)
    kill(pid, SIGKILL);
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
    ;
  int rc;
  if (r == -2)
    rc = fail(&c, NULL, 0,
              "reading the file takes over %d s (libhdf5 loops on it): the "
              "file is damaged",
              limit_ms / 1000);
  else if (r != 0)
    rc = fail(&c, NULL, 0, "out of memory reading the profiles");
  else
    rc = parent_result(&c, status, buf, len, out, info);
  free(buf);
  return rc;
}

int prof_store_read(const char *path, prof_set **out, ss_error *err) {
  return prof_store_read_info(path, out, NULL, err);
}
