/* Unit journals (shard files): how units computed by one process reach the
 * process that writes the outputs, and survive a crash.
 *
 * A journal is OUTROOT/<name>/shard-K-of-N.units: a text header (the run's
 * identity, K and N) ended by an empty line, then binary records in the
 * writer's byte order, each ended by a 64-bit FNV-1a checksum of the record:
 *   'P' phase declaration: name, task count
 *   'U' unit: phase name, task, output bytes, aux bytes
 *   'E' end: the journal is complete (number of units)
 * Records are flushed one by one, so a killed writer leaves a journal whose
 * complete records are all valid; --resume keeps them and truncates the
 * torn tail. */
#define _XOPEN_SOURCE 700 /* ftruncate, fileno, pread */
#include "../common/ss_mem.h"
#include "sim_shard_internal.h"

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../common/ss_manifest.h"
#include "sim_dist.h"

#define MAGIC "splitsim-units 1\n"
#define MAX_NAME 200
#define MAX_PAYLOAD ((uint64_t)1 << 34)

static uint32_t byte_order(void) {
  const unsigned char b[4] = {1, 2, 3, 4};
  uint32_t v;
  memcpy(&v, b, 4);
  return v;
}

static uint64_t fnv(uint64_t h, const void *p, size_t n) {
  const unsigned char *c = p;
  for (size_t i = 0; i < n; i++) {
    h ^= c[i];
    h *= 1099511628211ULL;
  }
  return h;
}
#define FNV0 14695981039346656037ULL

void sim_shard_name(size_t k, size_t n, char *buf, size_t size) {
  snprintf(buf, size, "shard-%zu-of-%zu.units", k, n);
}

/* k and n from a file name "shard-K-of-N.units"; 0 when it is not one. */
static int parse_name(const char *s, size_t *k, size_t *n) {
  unsigned long a, b;
  int used = 0;
  if (sscanf(s, "shard-%lu-of-%lu.units%n", &a, &b, &used) != 2 ||
      s[used] != '\0' || b == 0 || a >= b)
    return 0;
  char canon[128];
  sim_shard_name(a, b, canon, sizeof canon);
  if (strcmp(canon, s) != 0)
    return 0;
  *k = a;
  *n = b;
  return 1;
}

/* ---- header ------------------------------------------------------------ */

static int header_write(FILE *fp, const sim_identity *id, size_t k, size_t n) {
  fputs(MAGIC, fp);
  fprintf(fp, "version %s\nscenario_file %s\nscenario_sha256 %s\n", id->version,
          id->scenario_file, id->scenario_sha);
  fprintf(fp, "profiles %s\nprofiles_default %d\nprofiles_sha256 %s\n",
          id->profiles, id->profiles_default, id->profiles_sha);
  fprintf(fp, "network %s\nnetwork_sha256 %s\nreport %d\n", id->network,
          id->network_sha, id->report);
  fprintf(fp, "shard %zu\nshards %zu\nbyte_order %08x\n\n", k, n,
          (unsigned)byte_order());
  return ferror(fp) ? -1 : 0;
}

static int copy_field(char *dst, size_t size, const char *v) {
  if (strlen(v) >= size)
    return -1;
  strcpy(dst, v);
  return 0;
}

/* One "key value" line into id / k / n. */
static int header_line(char *line, sim_identity *id, size_t *k, size_t *n,
                       int *order_ok) {
  char *sp = strchr(line, ' ');
  const char *v = sp ? sp + 1 : "";
  if (sp)
    *sp = '\0';
  if (strcmp(line, "version") == 0)
    return copy_field(id->version, sizeof id->version, v);
  if (strcmp(line, "scenario_file") == 0)
    return copy_field(id->scenario_file, sizeof id->scenario_file, v);
  if (strcmp(line, "scenario_sha256") == 0)
    return copy_field(id->scenario_sha, sizeof id->scenario_sha, v);
  if (strcmp(line, "profiles") == 0)
    return copy_field(id->profiles, sizeof id->profiles, v);
  if (strcmp(line, "profiles_default") == 0)
    return (id->profiles_default = atoi(v)), 0;
  if (strcmp(line, "profiles_sha256") == 0)
    return copy_field(id->profiles_sha, sizeof id->profiles_sha, v);
  if (strcmp(line, "network") == 0)
    return copy_field(id->network, sizeof id->network, v);
  if (strcmp(line, "network_sha256") == 0)
    return copy_field(id->network_sha, sizeof id->network_sha, v);
  if (strcmp(line, "report") == 0)
    return (id->report = atoi(v)), 0;
  if (strcmp(line, "shard") == 0)
    return (*k = (size_t)strtoull(v, NULL, 10)), 0;
  if (strcmp(line, "shards") == 0)
    return (*n = (size_t)strtoull(v, NULL, 10)), 0;
  if (strcmp(line, "byte_order") == 0) {
    char want[16];
    snprintf(want, sizeof want, "%08x", (unsigned)byte_order());
    *order_ok = strcmp(v, want) == 0;
    return 0;
  }
  return -1;
}

/* Read the header; leaves fp at the first record. */
static int header_read(FILE *fp, const char *path, sim_identity *id, size_t *k,
                       size_t *n, ss_error *err) {
  char line[4200];
  memset(id, 0, sizeof *id);
  *k = *n = (size_t)-1;
  int order_ok = 0;
  if (!fgets(line, sizeof line, fp) || strcmp(line, MAGIC) != 0)
    return ss_error_set(err, path, NULL, "not a splitsim shard file");
  for (int i = 0; i < 32; i++) {
    if (!fgets(line, sizeof line, fp))
      break;
    size_t len = strlen(line);
    if (len == 0 || line[len - 1] != '\n')
      break;
    line[--len] = '\0';
    if (len == 0) {
      if (!order_ok)
        return ss_error_set(err, path, NULL,
                            "written on a machine of another byte order");
      if (*n == (size_t)-1 || *k >= *n)
        break;
      return 0;
    }
    if (header_line(line, id, k, n, &order_ok) != 0)
      break;
  }
  return ss_error_set(err, path, NULL, "damaged shard file header");
}

static int same_identity(const sim_identity *a, const sim_identity *b,
                         const char **what) {
  *what = strcmp(a->version, b->version)             ? "splitsim version"
          : strcmp(a->scenario_sha, b->scenario_sha) ? "scenario"
          : strcmp(a->profiles_sha, b->profiles_sha) ? "profile store"
          : strcmp(a->network_sha, b->network_sha)   ? "network file"
          : a->report != b->report                   ? "--no-report setting"
                                                     : NULL;
  return *what == NULL;
}

/* ---- records ----------------------------------------------------------- */

typedef struct rec {
  char tag;
  char name[MAX_NAME + 1];
  uint64_t a, b, c;
  long payload_off; /* file offset of the payload */
} rec;

static int rec_write(FILE *fp, char tag, const char *name, uint64_t a,
                     const char *out, uint64_t out_len, const char *aux,
                     uint64_t aux_len, long *payload_off) {
  uint32_t nl = (uint32_t)strlen(name);
  uint64_t h = FNV0;
  unsigned char t = (unsigned char)tag;
  h = fnv(h, &t, 1);
  h = fnv(h, &nl, 4);
  h = fnv(h, name, nl);
  h = fnv(h, &a, 8);
  h = fnv(h, &out_len, 8);
  h = fnv(h, &aux_len, 8);
  h = fnv(h, out, (size_t)out_len);
  h = fnv(h, aux, (size_t)aux_len);
  fputc(tag, fp);
  fwrite(&nl, 4, 1, fp);
  fwrite(name, 1, nl, fp);
  fwrite(&a, 8, 1, fp);
  fwrite(&out_len, 8, 1, fp);
  fwrite(&aux_len, 8, 1, fp);
  if (payload_off)
    *payload_off = ftell(fp);
  if (out_len)
    fwrite(out, 1, (size_t)out_len, fp);
  if (aux_len)
    fwrite(aux, 1, (size_t)aux_len, fp);
  fwrite(&h, 8, 1, fp);
  return fflush(fp) != 0 || ferror(fp) ? -1 : 0;
}

/* Read the next record: 1 read, 0 end of file or a torn/damaged tail. */
static int rec_read(FILE *fp, rec *r, char **scratch, size_t *cap) {
  int t = fgetc(fp);
  if (t == EOF)
    return 0;
  unsigned char tc = (unsigned char)t;
  uint32_t nl;
  if (fread(&nl, 4, 1, fp) != 1 || nl > MAX_NAME ||
      fread(r->name, 1, nl, fp) != nl)
    return 0;
  r->name[nl] = '\0';
  r->tag = (char)tc;
  if (fread(&r->a, 8, 1, fp) != 1 || fread(&r->b, 8, 1, fp) != 1 ||
      fread(&r->c, 8, 1, fp) != 1 || r->b > MAX_PAYLOAD || r->c > MAX_PAYLOAD)
    return 0;
  uint64_t h = FNV0;
  h = fnv(h, &tc, 1);
  h = fnv(h, &nl, 4);
  h = fnv(h, r->name, nl);
  h = fnv(h, &r->a, 8);
  h = fnv(h, &r->b, 8);
  h = fnv(h, &r->c, 8);
  r->payload_off = ftell(fp);
  uint64_t left = r->b + r->c;
  while (left) {
    size_t want = left > (1u << 20) ? (1u << 20) : (size_t)left;
    if (*cap < want) {
      char *np = realloc(*scratch, want);
      if (!np)
        return 0;
      *scratch = np;
      *cap = want;
    }
    if (fread(*scratch, 1, want, fp) != want)
      return 0;
    h = fnv(h, *scratch, want);
    left -= want;
  }
  uint64_t stored;
  if (fread(&stored, 8, 1, fp) != 1 || stored != h)
    return 0;
  return (tc == 'P' || tc == 'U' || tc == 'E') ? 1 : 0;
}

/* ---- an index of units over journals ------------------------------------ */

typedef struct uentry {
  size_t phase; /* index into names */
  uint64_t task;
  size_t file;
  long off;
  uint64_t out_len, aux_len;
} uentry;

typedef struct phdecl {
  char *name;
  uint64_t n_tasks;
} phdecl;

typedef struct uindex {
  phdecl *ph;
  size_t n_ph, cap_ph;
  uentry *u;
  size_t n_u, cap_u;
} uindex;

static void uindex_free(uindex *x) {
  for (size_t i = 0; i < x->n_ph; i++)
    free(x->ph[i].name);
  free(x->ph);
  free(x->u);
  memset(x, 0, sizeof *x);
}

static long phase_find(const uindex *x, const char *name) {
  for (size_t i = 0; i < x->n_ph; i++)
    if (strcmp(x->ph[i].name, name) == 0)
      return (long)i;
  return -1;
}

/* Phase id of name (declared with n_tasks); -1 out of memory, -2 when the
 * same name was declared with another count. */
static long phase_add(uindex *x, const char *name, uint64_t n_tasks) {
  long i = phase_find(x, name);
  if (i >= 0)
    return x->ph[i].n_tasks == n_tasks ? i : -2;
  void *ph = x->ph;
  if (ss_grow(&ph, &x->cap_ph, x->n_ph + 1, sizeof *x->ph, 8) != 0)
    return -1;
  x->ph = ph;
  if (!(x->ph[x->n_ph].name = ss_strdup(name)))
    return -1;
  x->ph[x->n_ph].n_tasks = n_tasks;
  return (long)x->n_ph++;
}

static int uentry_add(uindex *x, const uentry *e) {
  void *u = x->u;
  if (ss_grow(&u, &x->cap_u, x->n_u + 1, sizeof *x->u, 64) != 0)
    return -1;
  x->u = u;
  x->u[x->n_u++] = *e;
  return 0;
}

static int cmp_uentry(const void *a, const void *b) {
  const uentry *x = a, *y = b;
  if (x->phase != y->phase)
    return x->phase < y->phase ? -1 : 1;
  return x->task < y->task ? -1 : x->task > y->task;
}

/* Scan the records of fp (after the header) into x. *good_end: offset after
 * the last valid record; *complete: an 'E' record was seen. */
static int scan_records(FILE *fp, const char *path, size_t file, uindex *x,
                        long *good_end, int *complete, ss_error *err) {
  char *scratch = NULL;
  size_t cap = 0;
  rec r;
  *complete = 0;
  *good_end = ftell(fp);
  int rc = 0;
  while (!*complete && rec_read(fp, &r, &scratch, &cap) == 1) {
    if (r.tag == 'E') {
      *complete = 1;
    } else if (r.tag == 'P') {
      long id = phase_add(x, r.name, r.a);
      if (id < 0) {
        rc = ss_error_set(err, path, NULL,
                          id == -1 ? "out of memory"
                                   : "phase '%s' has another task count "
                                     "than in the other shards",
                          r.name);
        break;
      }
    } else {
      long id = phase_find(x, r.name);
      if (id < 0 || r.a >= x->ph[id].n_tasks) {
        rc = ss_error_set(err, path, NULL, "unit %s#%llu was not declared",
                          r.name, (unsigned long long)r.a);
        break;
      }
      uentry e = {(size_t)id, r.a, file, r.payload_off, r.b, r.c};
      if (uentry_add(x, &e) != 0) {
        rc = ss_error_set(err, path, NULL, "out of memory");
        break;
      }
    }
    *good_end = ftell(fp);
  }
  free(scratch);
  return rc;
}

static const uentry *uindex_find(const uindex *x, size_t phase, uint64_t task) {
  uentry key = {phase, task, 0, 0, 0, 0};
  return bsearch(&key, x->u, x->n_u, sizeof *x->u, cmp_uentry);
}

/* ---- the shard writer ---------------------------------------------------- */

struct sim_shard_io {
  size_t k, n;
  int resume;
  char path[4200];
  FILE *fp;
  int complete; /* the journal was already complete (resume) */
  uindex kept;  /* units already in the journal */
  size_t n_kept, n_computed;
  size_t *todo; /* tasks of the current phase still to compute */
  size_t n_todo, next;
  uentry *where; /* n == 1: where each unit of the phase is (off 0: none) */
  size_t n_tasks;
  char phase[MAX_NAME + 1];
};

int sim_shard_io_new(size_t k, size_t n, int resume, sim_shard_io **out,
                     ss_error *err) {
  *out = NULL;
  if (n == 0 || k >= n)
    return ss_error_set(err, NULL, NULL, "shard %zu/%zu: K must be < N", k, n);
  sim_shard_io *s = calloc(1, sizeof *s);
  if (!s)
    return ss_error_set(err, NULL, NULL, "out of memory");
  s->k = k;
  s->n = n;
  s->resume = resume;
  *out = s;
  return 0;
}

void sim_shard_io_free(sim_shard_io *s) {
  if (!s)
    return;
  if (s->fp)
    fclose(s->fp);
  uindex_free(&s->kept);
  free(s->todo);
  free(s->where);
  free(s);
}

const char *sim_shard_io_path(const sim_shard_io *s) { return s->path; }

void sim_shard_io_counts(const sim_shard_io *s, size_t *kept,
                         size_t *computed) {
  *kept = s->n_kept;
  *computed = s->n_computed;
}

/* With resume: keep the records of an existing journal of the same
 * identity. Returns 1 kept (fp positioned for appending), 0 start anew. */
static int resume_open(sim_shard_io *s, const sim_identity *id) {
  FILE *fp = fopen(s->path, "r+b");
  if (!fp)
    return 0;
  sim_identity old;
  size_t k, n;
  const char *what;
  long end;
  int complete;
  if (header_read(fp, s->path, &old, &k, &n, NULL) != 0 || k != s->k ||
      n != s->n || !same_identity(&old, id, &what) ||
      scan_records(fp, s->path, 0, &s->kept, &end, &complete, NULL) != 0 ||
      fflush(fp) != 0 || ftruncate(fileno(fp), end) != 0 ||
      fseek(fp, end, SEEK_SET) != 0) {
    uindex_free(&s->kept);
    fclose(fp);
    return 0;
  }
  qsort(s->kept.u, s->kept.n_u, sizeof *s->kept.u, cmp_uentry);
  s->fp = fp;
  s->complete = complete;
  return 1;
}

static int shard_begin(void *ctx, const sim_identity *id, const char *outdir,
                       ss_error *err) {
  sim_shard_io *s = ctx;
  char name[128];
  sim_shard_name(s->k, s->n, name, sizeof name);
  if ((size_t)snprintf(s->path, sizeof s->path, "%s/%s", outdir, name) >=
      sizeof s->path)
    return ss_error_set(err, outdir, NULL, "path too long");
  if (strchr(id->scenario_file, '\n') || strchr(id->profiles, '\n') ||
      strchr(id->network, '\n'))
    return ss_error_set(err, id->scenario_file, NULL,
                        "an input path holds a line break; it cannot be "
                        "recorded in a shard file");
  char dir[4200];
  snprintf(dir, sizeof dir, "%s", outdir);
  for (char *p = dir + 1; *p; p++) /* OUTROOT and the folders above it */
    if (*p == '/') {
      *p = '\0';
      mkdir(dir, 0777);
      *p = '/';
    }
  if (mkdir(dir, 0777) != 0 && errno != EEXIST)
    return ss_error_set(err, outdir, NULL, "cannot create folder: %s",
                        strerror(errno));
  if (s->resume && resume_open(s, id))
    return 0;
  struct stat st;
  if (lstat(s->path, &st) == 0) {
    /* only ever replace a shard file of ours */
    FILE *old = S_ISREG(st.st_mode) ? fopen(s->path, "rb") : NULL;
    char line[64] = "";
    if (old) {
      if (!fgets(line, sizeof line, old))
        line[0] = '\0';
      fclose(old);
    }
    if (strcmp(line, MAGIC) != 0)
      return ss_error_set(err, s->path, NULL,
                          "exists and is not a splitsim shard file; not "
                          "overwriting it");
  }
  if (!(s->fp = fopen(s->path, "w+b")))
    return ss_error_set(err, s->path, NULL, "cannot create: %s",
                        strerror(errno));
  if (header_write(s->fp, id, s->k, s->n) != 0 || fflush(s->fp) != 0)
    return ss_error_set(err, s->path, NULL, "cannot write: %s",
                        strerror(errno));
  return 0;
}

static int shard_phase(void *ctx, const char *name, size_t n_tasks,
                       const double *cost, ss_error *err) {
  sim_shard_io *s = ctx;
  if (strlen(name) > MAX_NAME)
    return ss_error_set(err, NULL, NULL, "phase name too long");
  strcpy(s->phase, name);
  free(s->todo);
  free(s->where);
  s->todo = NULL;
  s->where = NULL;
  s->n_todo = s->next = 0;
  s->n_tasks = n_tasks;
  if (s->n == 1 && !(s->where = calloc(n_tasks + 1, sizeof *s->where)))
    return ss_error_set(err, NULL, NULL, "out of memory");
  if (!s->complete &&
      rec_write(s->fp, 'P', name, n_tasks, NULL, 0, NULL, 0, NULL) != 0)
    return ss_error_set(err, s->path, NULL, "cannot write: %s",
                        strerror(errno));
  if (!(s->todo = malloc((n_tasks + 1) * sizeof *s->todo)))
    return ss_error_set(err, NULL, NULL, "out of memory");
  /* the tasks whose cost midpoint falls in this shard's share */
  double total = 0;
  for (size_t t = 0; t < n_tasks; t++)
    total += cost ? cost[t] : 1.0;
  long pid = phase_find(&s->kept, name);
  double before = 0;
  for (size_t t = 0; t < n_tasks; t++) {
    double c = cost ? cost[t] : 1.0;
    double mid = total > 0 ? (before + 0.5 * c) / total : 0;
    before += c;
    size_t owner = (size_t)(mid * (double)s->n);
    if (owner >= s->n)
      owner = s->n - 1;
    if (owner != s->k)
      continue;
    const uentry *ke = pid >= 0 ? uindex_find(&s->kept, (size_t)pid, t) : NULL;
    if (ke) {
      s->n_kept++;
      if (s->where)
        s->where[t] = *ke;
      continue;
    }
    s->todo[s->n_todo++] = t;
  }
  return 0;
}

static int shard_next(void *ctx, size_t *task, ss_error *err) {
  (void)err;
  sim_shard_io *s = ctx;
  if (s->next >= s->n_todo)
    return 0;
  *task = s->todo[s->next++];
  return 1;
}

static int shard_done(void *ctx, size_t task, const char *out, size_t out_len,
                      const char *aux, size_t aux_len, ss_error *err) {
  sim_shard_io *s = ctx;
  long off;
  if (rec_write(s->fp, 'U', s->phase, task, out, out_len, aux, aux_len, &off) !=
      0)
    return ss_error_set(err, s->path, NULL, "cannot write: %s",
                        strerror(errno));
  if (s->where && task < s->n_tasks) {
    uentry e = {0, task, 0, off, out_len, aux_len};
    s->where[task] = e;
  }
  s->n_computed++;
  return 0;
}

/* Unit `task` of the current phase, read back (1-way journals only). */
static int shard_fetch(void *ctx, size_t task, void *outv, void *auxv,
                       ss_error *err) {
  sim_shard_io *s = ctx;
  ss_buf *out = outv, *aux = auxv;
  const uentry *e = s->where && task < s->n_tasks ? &s->where[task] : NULL;
  if (!e || e->off == 0)
    return ss_error_set(err, s->path, NULL, "unit %s#%zu is not in the journal",
                        s->phase, task);
  out->len = aux->len = 0;
  ss_buf_reserve(out, (size_t)e->out_len + 1);
  ss_buf_reserve(aux, (size_t)e->aux_len + 1);
  if (out->oom || aux->oom)
    return ss_error_set(err, NULL, NULL, "out of memory");
  int bad = fflush(s->fp) != 0 || fseek(s->fp, e->off, SEEK_SET) != 0 ||
            fread(out->p, 1, (size_t)e->out_len, s->fp) != e->out_len ||
            fread(aux->p, 1, (size_t)e->aux_len, s->fp) != e->aux_len;
  if (fseek(s->fp, 0, SEEK_END) != 0 || bad)
    return ss_error_set(err, s->path, NULL, "cannot read back unit %s#%zu",
                        s->phase, task);
  out->len = (size_t)e->out_len;
  aux->len = (size_t)e->aux_len;
  out->p[out->len] = '\0';
  aux->p[aux->len] = '\0';
  return 0;
}

sim_unit_io sim_shard_io_get(sim_shard_io *s) {
  sim_unit_io io;
  memset(&io, 0, sizeof io);
  io.ctx = s;
  io.begin = shard_begin;
  io.phase = shard_phase;
  io.next = shard_next;
  io.done = shard_done;
  if (s->n == 1)
    io.fetch = shard_fetch;
  return io;
}

int sim_shard_io_finish(sim_shard_io *s, int ok, ss_error *err) {
  if (!s || !s->fp)
    return 0;
  int rc = 0;
  if (ok && !s->complete) {
    if (rec_write(s->fp, 'E', "", s->n_kept + s->n_computed, NULL, 0, NULL, 0,
                  NULL) != 0 ||
        fsync(fileno(s->fp)) != 0)
      rc =
          ss_error_set(err, s->path, NULL, "cannot write: %s", strerror(errno));
  }
  if (fclose(s->fp) != 0 && rc == 0)
    rc = ss_error_set(err, s->path, NULL, "cannot write: %s", strerror(errno));
  s->fp = NULL;
  return rc;
}

/* ---- reading shards for a merge ----------------------------------------- */

struct sim_shards {
  size_t n_files;
  char **paths;
  FILE **fps;
  sim_identity id;
  uindex x;
};

void sim_shards_free(sim_shards *s) {
  if (!s)
    return;
  for (size_t i = 0; i < s->n_files; i++) {
    if (s->fps && s->fps[i])
      fclose(s->fps[i]);
    if (s->paths)
      free(s->paths[i]);
  }
  free(s->paths);
  free(s->fps);
  uindex_free(&s->x);
  free(s);
}

const sim_identity *sim_shards_identity(const sim_shards *s) { return &s->id; }
size_t sim_shards_count(const sim_shards *s) { return s->n_files; }

/* The N of the shard files in dir (the lowest-named one sets it), or an
 * error when there are none. */
static int find_n(const char *dir, size_t *n_out, char *first, size_t fsize,
                  ss_error *err) {
  DIR *d = opendir(dir);
  if (!d)
    return ss_error_set(err, dir, NULL, "cannot open folder: %s",
                        strerror(errno));
  struct dirent *de;
  size_t best_k = (size_t)-1, best_n = 0;
  while ((de = readdir(d)) != NULL) {
    size_t k, n;
    if (!parse_name(de->d_name, &k, &n))
      continue;
    if (best_n == 0 || n < best_n || (n == best_n && k < best_k)) {
      best_n = n;
      best_k = k;
    }
  }
  closedir(d);
  if (best_n == 0)
    return ss_error_set(err, dir, NULL,
                        "no shard files (shard-K-of-N.units) in this folder; "
                        "run `splitsim run --shard K/N` first");
  *n_out = best_n;
  sim_shard_name(best_k, best_n, first, fsize);
  return 0;
}

/* A shard file of another split in dir: its name into buf, 1; else 0. */
static int find_stray(const char *dir, size_t n, char *buf, size_t size) {
  DIR *d = opendir(dir);
  if (!d)
    return 0;
  struct dirent *de;
  int found = 0;
  while (!found && (de = readdir(d)) != NULL) {
    size_t k, nn;
    if (parse_name(de->d_name, &k, &nn) && nn != n) {
      snprintf(buf, size, "%s", de->d_name);
      found = 1;
    }
  }
  closedir(d);
  return found;
}

static int open_one(sim_shards *sh, size_t i, size_t want_k, size_t want_n,
                    const char *first, ss_error *err) {
  const char *path = sh->paths[i];
  FILE *fp = fopen(path, "rb");
  if (!fp)
    return errno == ENOENT
               ? ss_error_set(err, path, NULL,
                              "missing: shard %zu of %zu has not run (run "
                              "`splitsim run --shard %zu/%zu` for it)",
                              want_k, want_n, want_k, want_n)
               : ss_error_set(err, path, NULL, "cannot read: %s",
                              strerror(errno));
  sh->fps[i] = fp;
  sim_identity id;
  size_t k, n;
  if (header_read(fp, path, &id, &k, &n, err) != 0)
    return -1;
  if (k != want_k || n != want_n)
    return ss_error_set(err, path, NULL,
                        "foreign shard: its header says shard %zu of %zu", k,
                        n);
  const char *what;
  if (i == 0)
    sh->id = id;
  else if (!same_identity(&sh->id, &id, &what))
    return ss_error_set(
        err, path, NULL, "foreign shard: another %s than %s (%s)", what, first,
        strcmp(what, "splitsim version") == 0 ? id.version : id.scenario_file);
  long end;
  int complete;
  if (scan_records(fp, path, i, &sh->x, &end, &complete, err) != 0)
    return -1;
  if (!complete)
    return ss_error_set(err, path, NULL,
                        "unfinished shard (its run was stopped or is still "
                        "going); finish it with `splitsim run --resume "
                        "--shard %zu/%zu`",
                        k, n);
  return 0;
}

int sim_shards_open(const char *dir, const char *only, sim_shards **out,
                    ss_error *err) {
  *out = NULL;
  size_t n = 1;
  char first[128] = "";
  if (!only && find_n(dir, &n, first, sizeof first, err) != 0)
    return -1;
  sim_shards *sh = calloc(1, sizeof *sh);
  if (!sh)
    return ss_error_set(err, NULL, NULL, "out of memory");
  sh->n_files = n;
  sh->paths = calloc(n, sizeof *sh->paths);
  sh->fps = calloc(n, sizeof *sh->fps);
  if (!sh->paths || !sh->fps)
    goto oom;
  for (size_t k = 0; k < n; k++) {
    char name[128], path[4400];
    sim_shard_name(k, n, name, sizeof name);
    if (only)
      snprintf(path, sizeof path, "%s", only);
    else
      snprintf(path, sizeof path, "%s/%s", dir, name);
    if (!(sh->paths[k] = ss_strdup(path)))
      goto oom;
  }
  char stray[256];
  if (!only && find_stray(dir, n, stray, sizeof stray)) {
    ss_error_set(err, dir, NULL,
                 "foreign shard: %s belongs to another split than %s "
                 "(remove the stale one)",
                 stray, first);
    goto fail;
  }
  for (size_t k = 0; k < n; k++) {
    if (only) {
      FILE *fp = fopen(only, "rb");
      sim_identity id;
      size_t kk, nn;
      int ok = fp && header_read(fp, only, &id, &kk, &nn, err) == 0;
      if (fp)
        fclose(fp);
      if (!ok) {
        if (!fp)
          ss_error_set(err, only, NULL, "cannot read: %s", strerror(errno));
        goto fail;
      }
      if (open_one(sh, 0, kk, nn, only, err) != 0)
        goto fail;
    } else if (open_one(sh, k, k, n, first, err) != 0) {
      goto fail;
    }
  }
  qsort(sh->x.u, sh->x.n_u, sizeof *sh->x.u, cmp_uentry);
  *out = sh;
  return 0;
oom:
  ss_error_set(err, dir, NULL, "out of memory");
fail:
  sim_shards_free(sh);
  return -1;
}

int sim_shards_check(const sim_shards *s, const sim_identity *id,
                     ss_error *err) {
  const char *what;
  if (same_identity(&s->id, id, &what))
    return 0;
  return ss_error_set(err, s->paths[0], NULL,
                      "the shards were computed with another %s than the "
                      "merge sees now (%s); run the shards again",
                      what, id->scenario_file);
}

int sim_shards_remove(const sim_shards *s, ss_error *err) {
  for (size_t i = 0; i < s->n_files; i++)
    if (unlink(s->paths[i]) != 0 && errno != ENOENT)
      return ss_error_set(err, s->paths[i], NULL, "cannot remove: %s",
                          strerror(errno));
  return 0;
}

/* ---- lookups for the replay (sim_shard_internal.h) ------------------------
 */

int sim_shards_phase(const sim_shards *s, const char *name, size_t n_tasks,
                     ss_error *err) {
  long id = phase_find(&s->x, name);
  if (id < 0)
    return 0;
  if (s->x.ph[id].n_tasks != n_tasks)
    return ss_error_set(err, s->paths[0], NULL,
                        "phase '%s' has %llu units in the shards, the merge "
                        "expects %zu (made by another splitsim?)",
                        name, (unsigned long long)s->x.ph[id].n_tasks, n_tasks);
  return 1;
}

int sim_shards_read(const sim_shards *s, const char *name, size_t task,
                    ss_buf *out, ss_buf *aux, ss_error *err) {
  long id = phase_find(&s->x, name);
  const uentry *e = id < 0 ? NULL : uindex_find(&s->x, (size_t)id, task);
  if (!e)
    return ss_error_set(err, s->paths[0], NULL,
                        "unit %s#%zu is in none of the %zu shard files", name,
                        task, s->n_files);
  out->len = 0;
  aux->len = 0;
  ss_buf_reserve(out, (size_t)e->out_len + 1);
  ss_buf_reserve(aux, (size_t)e->aux_len + 1);
  if (out->oom || aux->oom)
    return ss_error_set(err, NULL, NULL, "out of memory");
  FILE *fp = s->fps[e->file];
  if (fseek(fp, e->off, SEEK_SET) != 0 ||
      fread(out->p, 1, (size_t)e->out_len, fp) != e->out_len ||
      fread(aux->p, 1, (size_t)e->aux_len, fp) != e->aux_len)
    return ss_error_set(err, s->paths[e->file], NULL, "cannot read unit %s#%zu",
                        name, task);
  out->len = (size_t)e->out_len;
  aux->len = (size_t)e->aux_len;
  out->p[out->len] = '\0';
  aux->p[aux->len] = '\0';
  return 0;
}

int sim_shards_claim(const char *dir, ss_manifest *m, ss_error *err) {
  DIR *d = opendir(dir);
  if (!d)
    return 0;
  struct dirent *de;
  int rc = 0;
  while (rc == 0 && (de = readdir(d)) != NULL) {
    size_t k, n;
    char tail[8], path[4400], line[64] = "";
    if (sscanf(de->d_name, "shard-%zu-of-%zu.unit%7s", &k, &n, tail) != 3 ||
        strcmp(tail, "s") != 0)
      continue;
    snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
    struct stat st;
    FILE *fp =
        lstat(path, &st) == 0 && S_ISREG(st.st_mode) ? fopen(path, "rb") : NULL;
    if (!fp)
      continue;
    if (!fgets(line, sizeof line, fp))
      line[0] = '\0';
    fclose(fp);
    if (strcmp(line, MAGIC) == 0)
      rc = ss_manifest_add(m, de->d_name, NULL, err);
  }
  closedir(d);
  return rc;
}
