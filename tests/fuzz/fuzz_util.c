/* Scratch files and set comparison for the fuzz harnesses (see fuzz_util.h).
 */
#include "tests/fuzz/fuzz_util.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "profiles/import.h"
#include "profiles/store.h"

static char scratch[256];

static void remove_scratch(void) {
  if (!scratch[0])
    return;
  DIR *d = opendir(scratch);
  if (d) {
    struct dirent *e;
    char p[600];
    while ((e = readdir(d)) != NULL) {
      if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
        continue;
      snprintf(p, sizeof p, "%s/%s", scratch, e->d_name);
      if (remove(p) != 0) { /* a folder the scenario harness made */
        DIR *sub = opendir(p);
        struct dirent *f;
        char q[900];
        while (sub && (f = readdir(sub)) != NULL)
          if (strcmp(f->d_name, ".") != 0 && strcmp(f->d_name, "..") != 0) {
            snprintf(q, sizeof q, "%s/%s", p, f->d_name);
            remove(q);
          }
        if (sub)
          closedir(sub);
        remove(p);
      }
    }
    closedir(d);
  }
  rmdir(scratch);
  scratch[0] = '\0';
}

const char *fz_dir(void) {
  if (scratch[0])
    return scratch;
  struct stat st;
  const char *base = getenv("FUZZ_TMPDIR");
  if (!base && stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) &&
      access("/dev/shm", W_OK) == 0)
    base = "/dev/shm";
  if (!base)
    base = getenv("TMPDIR");
  if (!base)
    base = "/tmp";
  snprintf(scratch, sizeof scratch, "%s/splitsim-fuzz-XXXXXX", base);
  if (!mkdtemp(scratch)) {
    fprintf(stderr, "fuzz: cannot create %s: %s\n", scratch, strerror(errno));
    abort();
  }
  atexit(remove_scratch);
  return scratch;
}

const char *fz_path(const char *name) {
  static char buf[512];
  snprintf(buf, sizeof buf, "%s/%s", fz_dir(), name);
  return buf;
}

const char *fz_write(const char *name, const void *data, size_t size) {
  const char *p = fz_path(name);
  FILE *fp = fopen(p, "wb");
  if (!fp || (size && fwrite(data, 1, size, fp) != size) || fclose(fp) != 0) {
    fprintf(stderr, "fuzz: cannot write %s: %s\n", p, strerror(errno));
    abort();
  }
  return p;
}

void fz_remove(const char *name) { unlink(fz_path(name)); }

void fz_note(const ss_error *err) {
  static int trace = -1;
  if (trace < 0)
    trace = getenv("FUZZ_TRACE") != NULL;
  if (!trace)
    return;
  char msg[1600] = "ok";
  if (err)
    ss_error_format(err, msg, sizeof msg);
  fprintf(stderr, "fuzz: %s\n", msg);
}

void fz_fail(const char *what, const char *detail) {
  fprintf(stderr, "fuzz: broken promise: %s%s%s\n", what, detail ? ": " : "",
          detail ? detail : "");
  abort();
}

/* ---- set comparison ---- */

static int same_str(const char *a, const char *b) {
  if (!a || !b)
    return a == b;
  return strcmp(a, b) == 0;
}

static int same_double(double a, double b) {
  if (isnan(a) || isnan(b))
    return isnan(a) && isnan(b);
  return memcmp(&a, &b, sizeof a) == 0;
}

#define DIFF(...)                                                              \
  do {                                                                         \
    if (why)                                                                   \
      snprintf(why, whysize, __VA_ARGS__);                                     \
    return 0;                                                                  \
  } while (0)

static int block_equal(const prof_block *a, const prof_block *b, char *why,
                       size_t whysize) {
  if (a->first_layer != b->first_layer || a->last_layer != b->last_layer)
    DIFF("layers %lld..%lld vs %lld..%lld", (long long)a->first_layer,
         (long long)a->last_layer, (long long)b->first_layer,
         (long long)b->last_layer);
  if (!same_str(a->first_name, b->first_name) ||
      !same_str(a->last_name, b->last_name))
    DIFF("layer names '%s'..'%s' vs '%s'..'%s'",
         a->first_name ? a->first_name : "(null)",
         a->last_name ? a->last_name : "(null)",
         b->first_name ? b->first_name : "(null)",
         b->last_name ? b->last_name : "(null)");
  if (!same_double(a->time_s, b->time_s) ||
      !same_double(a->time_s_p10, b->time_s_p10) ||
      !same_double(a->time_s_p90, b->time_s_p90))
    DIFF("times %.17g/%.17g/%.17g vs %.17g/%.17g/%.17g", a->time_s,
         a->time_s_p10, a->time_s_p90, b->time_s, b->time_s_p10, b->time_s_p90);
  if (a->repeats != b->repeats || a->output_bytes != b->output_bytes)
    DIFF("repeats/output_bytes %lld/%lld vs %lld/%lld", (long long)a->repeats,
         (long long)a->output_bytes, (long long)b->repeats,
         (long long)b->output_bytes);
  if (!same_str(a->output_shape, b->output_shape))
    DIFF("output_shape '%s' vs '%s'",
         a->output_shape ? a->output_shape : "(null)",
         b->output_shape ? b->output_shape : "(null)");
  if (a->n_samples != b->n_samples)
    DIFF("%zu samples vs %zu", a->n_samples, b->n_samples);
  for (size_t i = 0; i < a->n_samples; i++)
    if (!same_double(a->samples_s[i], b->samples_s[i]))
      DIFF("sample %zu: %.17g vs %.17g", i, a->samples_s[i], b->samples_s[i]);
  return 1;
}

static int model_equal(const prof_model *a, const prof_model *b, char *why,
                       size_t whysize) {
  if (!same_str(a->name, b->name))
    DIFF("model name '%s' vs '%s'", a->name, b->name);
  if (a->input_bytes != b->input_bytes ||
      !same_str(a->input_shape, b->input_shape))
    DIFF("model '%s': input %lld '%s' vs %lld '%s'", a->name,
         (long long)a->input_bytes, a->input_shape ? a->input_shape : "(null)",
         (long long)b->input_bytes, b->input_shape ? b->input_shape : "(null)");
  if (!same_double(a->whole_model_time_s, b->whole_model_time_s))
    DIFF("model '%s': whole time %.17g vs %.17g", a->name,
         a->whole_model_time_s, b->whole_model_time_s);
  if (a->n_blocks != b->n_blocks)
    DIFF("model '%s': %zu blocks vs %zu", a->name, a->n_blocks, b->n_blocks);
  for (size_t i = 0; i < a->n_blocks; i++) {
    char sub[400];
    if (!block_equal(&a->blocks[i], &b->blocks[i], sub, sizeof sub))
      DIFF("model '%s' block %zu: %s", a->name, i, sub);
  }
  return 1;
}

static int system_equal(const prof_system *a, const prof_system *b, char *why,
                        size_t whysize) {
  const char *const fa[] = {a->name,        a->tier_hint,   a->kind,
                            a->hardware,    a->source_file, a->importer,
                            a->import_date, a->extra_json};
  const char *const fb[] = {b->name,        b->tier_hint,   b->kind,
                            b->hardware,    b->source_file, b->importer,
                            b->import_date, b->extra_json};
  static const char *const names[] = {"name",        "tier_hint",   "kind",
                                      "hardware",    "source_file", "importer",
                                      "import_date", "extra_json"};
  for (size_t i = 0; i < sizeof fa / sizeof fa[0]; i++)
    if (!same_str(fa[i], fb[i]))
      DIFF("system '%s': %s '%.200s' vs '%.200s'", a->name, names[i],
           fa[i] ? fa[i] : "(null)", fb[i] ? fb[i] : "(null)");
  if (a->n_models != b->n_models)
    DIFF("system '%s': %zu models vs %zu", a->name, a->n_models, b->n_models);
  for (size_t i = 0; i < a->n_models; i++) {
    char sub[600];
    if (!model_equal(&a->models[i], &b->models[i], sub, sizeof sub))
      DIFF("system '%s': %s", a->name, sub);
  }
  return 1;
}

int fz_set_equal(const prof_set *a, const prof_set *b, char *why,
                 size_t whysize) {
  if (a->n_systems != b->n_systems)
    DIFF("%zu systems vs %zu", a->n_systems, b->n_systems);
  for (size_t i = 0; i < a->n_systems; i++)
    if (!system_equal(&a->systems[i], &b->systems[i], why, whysize))
      return 0;
  return 1;
}

/* ---- round trips ---- */

enum rt_kind { RT_JSON, RT_CSV, RT_STORE };

/* Open bugs that already have a reproducer in tests/fuzz/regressions/:
 * skipped only in a build with -DFUZZ_TOLERATE_KNOWN, so that a long fuzzing
 * run can look for other bugs meanwhile. */
static int known_bug(const prof_set *set, enum rt_kind kind) {
#ifdef FUZZ_TOLERATE_KNOWN
  /* The CSV export of an empty set does not import
   * (regressions/json/empty-set-csv-roundtrip.json). */
  if (kind == RT_CSV && set->n_systems == 0)
    return 1;
#endif
  (void)set;
  (void)kind;
  return 0;
}

static void check_one(const prof_set *set, const char *label, enum rt_kind kind,
                      const char *file) {
  ss_error err;
  char msg[1600], why[1024], path[512];
  prof_set *back = NULL;
  int rc;
  if (known_bug(set, kind))
    return;
  ss_error_clear(&err);
  snprintf(path, sizeof path, "%s", fz_path(file));
  rc = kind == RT_JSON  ? prof_export_json(set, path, &err)
       : kind == RT_CSV ? prof_export_csv(set, path, &err)
                        : prof_store_write(path, set, &err);
  if (rc != 0)
    return; /* the writer may refuse (it says why); nothing was written */
  if (kind == RT_STORE) {
    rc = prof_store_read(path, &back, &err);
  } else {
    if (!(back = prof_set_new()))
      fz_fail("out of memory", NULL);
    rc = kind == RT_CSV ? prof_import_measured_csv(path, back, &err)
                        : prof_import_json(path, back, &err);
  }
  if (rc != 0) {
    ss_error_format(&err, msg, sizeof msg);
    fz_fail(label, msg);
  }
  if (!fz_set_equal(set, back, why, sizeof why))
    fz_fail(label, why);
  prof_set_free(back);
}

void fz_check_roundtrip(const prof_set *set) {
  check_one(set, "JSON export does not read back to the same set", RT_JSON,
            "rt.json");
  check_one(set, "CSV export does not read back to the same set", RT_CSV,
            "rt.csv");
  check_one(set, "store does not read back to the same set", RT_STORE, "rt.h5");
}
