/* One scenario run end to end: inputs and their checksums, the engine, all
 * tables into a temporary folder, run.json last, then the folder moved into
 * place; --resume support. */
#define _XOPEN_SOURCE 700 /* realpath */
#include "../common/ss_sha256.h"
#include "../profiles/network.h"
#include "../profiles/profile.h"
#include "../scenarios/scenario.h"
#include "../solver/solver.h"
#include "sim.h"
#include "sim_engine_internal.h"
#include "sim_units_internal.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "../common/ss_io.h"
#include "../common/ss_manifest.h"
#include "../common/ss_tmp.h"
#include "../profiles/import.h"
#include "sim_dist.h"
#include "sim_replay.h"
#include "sim_study.h"

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* ---- folders ----------------------------------------------------------- */

int sim_remove_tree(const char *path, ss_error *err) {
  return ss_remove_tree(path, err);
}

static int mkdir_p(const char *path, ss_error *err) {
  char buf[4096];
  if (strlen(path) >= sizeof buf)
    return ss_error_set(err, path, NULL, "path too long");
  strcpy(buf, path);
  for (char *p = buf + 1; *p; p++) {
    if (*p != '/')
      continue;
    *p = '\0';
    if (mkdir(buf, 0777) != 0 && errno != EEXIST)
      return ss_error_set(err, buf, NULL, "cannot create folder: %s",
                          strerror(errno));
    *p = '/';
  }
  if (mkdir(buf, 0777) != 0 && errno != EEXIST)
    return ss_error_set(err, buf, NULL, "cannot create folder: %s",
                        strerror(errno));
  struct stat st;
  if (stat(buf, &st) != 0 || !S_ISDIR(st.st_mode))
    return ss_error_set(err, buf, NULL, "not a folder");
  return 0;
}

/* ---- the output folder: only what splitsim wrote is replaced -------- */

/* Longest path inside a scenario folder splitsim writes (charts included),
 * and the temporary folder's name: a longer OUTROOT/<name> is refused
 * before anything is written. */
#define MAX_INNER_PATH 400

typedef struct outdir_state {
  int exists;  /* OUTROOT/<name> is there */
  int foreign; /* it holds something its manifest does not list */
  ss_manifest old;
} outdir_state;

/* Look at OUTROOT/<name>: absent, or a folder whose files splitsim wrote
 * (its manifest), or one that holds other things too (refused unless
 * force). */
static int check_outdir(const char *outdir, int force, outdir_state *st,
                        ss_error *err) {
  struct stat sb;
  memset(st, 0, sizeof *st);
  ss_manifest_init(&st->old);
  if (lstat(outdir, &sb) != 0) {
    if (errno == ENOENT)
      return 0;
    return ss_error_set(err, outdir, NULL, "cannot read: %s", strerror(errno));
  }
  if (!S_ISDIR(sb.st_mode))
    return ss_error_set(err, outdir, NULL,
                        "is in the way of the output folder and splitsim did "
                        "not write it; nothing was written (choose another "
                        "-o, or move it away)");
  st->exists = 1;
  if (ss_manifest_read(&st->old, outdir, err) != 0 ||
      sim_shards_claim(outdir, &st->old, err) != 0)
    return -1;
  char rel[1024];
  int f = ss_manifest_first_foreign(&st->old, outdir, rel, sizeof rel, err);
  if (f < 0)
    return -1;
  st->foreign = f;
  if (f && !force)
    return ss_error_set(err, outdir, NULL,
                        "holds '%s', which splitsim did not write; nothing "
                        "was written (choose another -o, move it away, or "
                        "pass --force to write beside it: files splitsim did "
                        "not write are kept)",
                        rel);
  return 0;
}

/* The finished temporary folder becomes OUTROOT/<name>. */
static int move_in(ss_tmpdir *tmp, const char *outdir, ss_error *err) {
  if (ss_tmpdir_move(tmp, outdir) != 0)
    return ss_error_set(err, outdir, NULL,
                        "cannot move the new output into place: %s",
                        strerror(errno));
  return 0;
}

/* Old output (only splitsim's files) aside, new one in, old one removed by
 * its manifest. */
static int swap_in(const char *outroot, ss_tmpdir *tmp, const char *outdir,
                   const ss_manifest *old, ss_error *err) {
  ss_tmpdir aside;
  char oldpath[4200];
  if (ss_tmpdir_create(&aside, outroot, err) != 0)
    return -1;
  snprintf(oldpath, sizeof oldpath, "%s/old", aside.path);
  if (rename(outdir, oldpath) != 0) {
    ss_error_set(err, outdir, NULL, "cannot move the old output aside: %s",
                 strerror(errno));
    ss_tmpdir_remove(&aside, NULL);
    return -1;
  }
  if (move_in(tmp, outdir, err) != 0) {
    if (rename(oldpath, outdir) == 0)
      ss_tmpdir_remove(&aside, NULL);
    else
      ss_tmpdir_unmark(&aside);
    return -1;
  }
  if (ss_manifest_remove_files(old, oldpath, 1, err) != 0) {
    ss_tmpdir_unmark(&aside); /* it holds something: never swept */
    return ss_error_prefix(err,
                           "the new output is in place, but the old one "
                           "is kept in %s",
                           aside.path);
  }
  return ss_tmpdir_remove(&aside, err);
}

/* mkdir -p of rel's folders under dir; each must be a real folder. */
static int make_parents(const char *dir, const char *rel, ss_error *err) {
  char p[8400];
  snprintf(p, sizeof p, "%s/%s", dir, rel);
  for (char *s = p + strlen(dir) + 1; (s = strchr(s, '/')) != NULL; s++) {
    *s = '\0';
    struct stat sb;
    if (mkdir(p, 0777) != 0 && errno != EEXIST)
      return ss_error_set(err, p, NULL, "cannot create folder: %s",
                          strerror(errno));
    if (lstat(p, &sb) != 0 || !S_ISDIR(sb.st_mode))
      return ss_error_set(err, p, NULL,
                          "is in the way (not a folder); splitsim did not "
                          "write it");
    *s = '/';
  }
  return 0;
}

/* --force beside files splitsim did not write: old files of the manifest
 * that the new output lacks are removed, the new files moved in one by
 * one (the manifest last); everything else stays as it is. */
static int merge_in(ss_tmpdir *tmp, const char *outdir, const ss_manifest *old,
                    ss_error *err) {
  ss_manifest neu, gone;
  ss_manifest_init(&gone);
  if (ss_manifest_read(&neu, tmp->path, err) != 0)
    return -1;
  int rc = 0;
  for (size_t i = 0; rc == 0 && i < old->n; i++)
    if (!ss_manifest_find(&neu, old->e[i].path))
      rc = ss_manifest_add(&gone, old->e[i].path, NULL, err);
  if (rc == 0)
    rc = ss_manifest_remove_files(&gone, outdir, 0, err);
  for (size_t i = 0; rc == 0 && i <= neu.n; i++) {
    const char *rel = i < neu.n ? neu.e[i].path : SS_MANIFEST_NAME;
    char from[8400], to[8400];
    snprintf(from, sizeof from, "%s/%s", tmp->path, rel);
    snprintf(to, sizeof to, "%s/%s", outdir, rel);
    rc = make_parents(outdir, rel, err);
    if (rc == 0 && rename(from, to) != 0)
      rc = ss_error_set(err, to, NULL, "cannot move into place: %s",
                        strerror(errno));
  }
  ss_manifest_free(&neu);
  ss_manifest_free(&gone);
  return rc != 0 ? -1 : ss_tmpdir_remove(tmp, err);
}

/* List everything in dir (all of it splitsim's) in its manifest. */
static int write_manifest(const char *dir, ss_error *err) {
  ss_manifest mine;
  ss_manifest_init(&mine);
  int rc = ss_manifest_scan(&mine, dir, err);
  if (rc == 0)
    rc = ss_manifest_write(&mine, dir, err);
  ss_manifest_free(&mine);
  return rc;
}

/* Record what the temporary folder holds, then put it in place. */
static int install(const char *outroot, ss_tmpdir *tmp, const char *outdir,
                   int force, ss_error *err) {
  int rc;
  if (write_manifest(tmp->path, err) != 0)
    return -1;
  outdir_state st;
  if (check_outdir(outdir, force, &st, err) != 0) /* again: it may change */
    rc = -1;
  else if (!st.exists)
    rc = move_in(tmp, outdir, err);
  else if (!st.foreign)
    rc = swap_in(outroot, tmp, outdir, &st.old, err);
  else
    rc = merge_in(tmp, outdir, &st.old, err);
  ss_manifest_free(&st.old);
  return rc;
}

/* ---- the output size, before any work ---------------------------------- */

double sim_estimate_output_bytes(const sim_engine *e) {
  const scn_scenario *s = e->scn;
  double K = (double)s->n_tiers, pairs = K * (K - 1) / 2;
  double cells = 1 + K + 2 * pairs + 5 + (double)s->n_axes + 1;
  double name_bytes = 0;
  for (size_t m = 0; m < e->n_models; m++)
    name_bytes += (double)strlen(e->models[m].name);
  /* per row: ~10 bytes a number cell, the model, ~25 bytes a tier of the
   * placement text */
  double rows_bytes = (double)e->n_models * (10 * cells + 25 * K) + name_bytes;
  double per_point = rows_bytes * (1 + (s->top_k > 1 ? (double)s->top_k : 0));
  double curve_points = 0; /* curves run along each axis */
  for (size_t k = 0; k < s->n_axes; k++)
    curve_points += (double)s->axes[k].n_values;
  return per_point * (double)e->n_points + rows_bytes * curve_points;
}

static void fmt_bytes(char *buf, size_t size, double b) {
  if (b >= 1e9)
    snprintf(buf, size, "%.1f GB", b / 1e9);
  else
    snprintf(buf, size, "%.1f MB", b / 1e6);
}

/* Refuse a run that would write more than the limit or the free space. */
static int check_size(const scn_scenario *s, const sim_engine *e,
                      const char *outroot, double limit_bytes, ss_error *err) {
  double est = sim_estimate_output_bytes(e);
  char est_s[64], lim_s[64];
  fmt_bytes(est_s, sizeof est_s, est);
  scn_pos none = {0, 0};
  if (limit_bytes <= 0)
    limit_bytes = SIM_MAX_OUTPUT_BYTES_DEFAULT;
  if (est > limit_bytes) {
    fmt_bytes(lim_s, sizeof lim_s, limit_bytes);
    return scn_error_at(err, s, none,
                        "this run would write about %s (%zu points x %zu "
                        "models), over the limit of %s; narrow the sweep, or "
                        "raise the limit with --max-output-gb %.0f",
                        est_s, e->n_points, e->n_models, lim_s,
                        ceil(est / 1e9 * 1.2));
  }
  struct statvfs vs;
  if (statvfs(outroot, &vs) == 0) {
    double free_bytes = (double)vs.f_bavail * (double)vs.f_frsize;
    if (est > free_bytes) {
      fmt_bytes(lim_s, sizeof lim_s, free_bytes);
      return scn_error_at(err, s, none,
                          "this run would write about %s (%zu points x %zu "
                          "models), more than the %s free in %s; narrow the "
                          "sweep or choose another -o",
                          est_s, e->n_points, e->n_models, lim_s, outroot);
    }
  }
  return 0;
}

/* ---- run.json ---------------------------------------------------------- */

typedef struct inputs {
  const char *scenario_file;
  char scenario_sha[65];
  const char *profiles;
  int profiles_default;
  char profiles_sha[65];
  const char *network;
  char network_sha[65];
} inputs;

/* run.json: the version, the inputs and their checksums. */
static void put_run_inputs(FILE *fp, const scn_scenario *s, const inputs *in) {
  fputs("{\n  \"splitsim_version\": ", fp);
  ss_json_str(fp, SPLITSIM_VERSION);
  fputs(",\n  \"name\": ", fp);
  ss_json_str(fp, s->name);
  fputs(",\n  \"scenario_file\": ", fp);
  ss_json_str(fp, in->scenario_file);
  fputs(",\n  \"scenario_sha256\": ", fp);
  ss_json_str(fp, in->scenario_sha);
  fputs(",\n  \"profiles\": ", fp);
  ss_json_str(fp, in->profiles);
  fprintf(fp, ",\n  \"profiles_default\": %s",
          in->profiles_default ? "true" : "false");
  fputs(",\n  \"profiles_sha256\": ", fp);
  ss_json_str(fp, in->profiles_sha);
  fputs(",\n  \"network\": ", fp);
  ss_json_str(fp, in->network);
  fputs(",\n  \"network_sha256\": ", fp);
  ss_json_str(fp, in->network ? in->network_sha : NULL);
}

/* run.json: objective, points, models, tiers and axes. */
static void put_run_shape(FILE *fp, const scn_scenario *s,
                          const sim_engine *e) {
  fputs(",\n  \"objective\": ", fp);
  ss_json_str(fp, solver_objective_info_of(s->objective)->name);
  fprintf(fp, ",\n  \"points\": %zu", e->n_points);
  fputs(",\n  \"models\": [", fp);
  for (size_t m = 0; m < e->n_models; m++) {
    fputs(m ? ", " : "", fp);
    ss_json_str(fp, e->models[m].name);
  }
  fputs("],\n  \"tiers\": [", fp);
  for (size_t ti = 0; ti < s->n_tiers; ti++) {
    const scn_tier *tr = &s->tiers[ti];
    fputs(ti ? ",\n    " : "\n    ", fp);
    fputs("{\"name\": ", fp);
    ss_json_str(fp, tr->name);
    fputs(", \"systems\": [", fp);
    for (size_t j = 0; j < tr->n_systems; j++) {
      fputs(j ? ", " : "", fp);
      ss_json_str(fp, s->systems[tr->systems[j]].name);
    }
    fputs("]}", fp);
  }
  fputs("\n  ],\n  \"axes\": [", fp);
  for (size_t k = 0; k < s->n_axes; k++) {
    fputs(k ? ",\n    " : "\n    ", fp);
    fputs("{\"param\": ", fp);
    ss_json_str(fp, s->axes[k].param);
    fprintf(fp, ", \"values\": %zu, \"zip\": ", s->axes[k].n_values);
    ss_json_str(fp, s->axes[k].zip);
    fputs("}", fp);
  }
  fputs(s->n_axes ? "\n  ],\n" : "],\n", fp);
}

/* run.json: the files the run wrote. */
static void put_run_files(FILE *fp, const scn_scenario *s, const sim_engine *e,
                          int has_top) {
  fputs("  \"files\": [\"best.csv\", ", fp);
  if (has_top)
    fputs("\"top.csv\", ", fp);
  fputs("\"breakpoints.csv\", \"curves.csv\", \"summary.csv\", ", fp);
  for (size_t i = 0; i < sim_n_studies; i++) {
    const sim_study_ops *st = sim_study_table[i];
    if (!st->present(s))
      continue;
    for (size_t f = 0; f < 4 && st->files[f]; f++)
      fprintf(fp, "\"%s\", ", st->files[f]);
    if (st->sweep_file && e->n_points > 1)
      fprintf(fp, "\"%s\", ", st->sweep_file);
  }
  if (s->replay)
    fputs("\"replay.csv\", \"replay_charts.csv\", ", fp);
  fputs("\"scenario.resolved.yaml\", \"run.json\"],\n", fp);
}

static int write_run_json(const char *dir, const scn_scenario *s,
                          const sim_engine *e, const inputs *in, unsigned jobs,
                          int has_top, const char *report, const sim_timings *t,
                          ss_error *err) {
  char path[4096];
  if ((size_t)snprintf(path, sizeof path, "%s/run.json", dir) >= sizeof path)
    return ss_error_set(err, dir, NULL, "path too long");
  ss_atomic_file af;
  if (ss_atomic_open(&af, path, err) != 0)
    return -1;
  FILE *fp = af.fp;
  put_run_inputs(fp, s, in);
  put_run_shape(fp, s, e);
  put_run_files(fp, s, e, has_top);
  fputs("  \"report\": ", fp);
  ss_json_str(fp, report);
  fprintf(fp, ",\n  \"jobs\": %u,\n  \"timings_s\": {\"load\": ", jobs);
  ss_json_num(fp, t->load_s);
  fputs(", \"sweep\": ", fp);
  ss_json_num(fp, t->sweep_s);
  fputs(", \"analysis\": ", fp);
  ss_json_num(fp, t->analysis_s);
  fputs(", \"report\": ", fp);
  ss_json_num(fp, t->finish_s);
  fputs(", \"total\": ", fp);
  ss_json_num(fp, t->total_s);
  fputs("}\n}\n", fp);
  return ss_atomic_commit(&af, err);
}

static int hexval(int ch) {
  if (ch >= '0' && ch <= '9')
    return ch - '0';
  if (ch >= 'a' && ch <= 'f')
    return ch - 'a' + 10;
  if (ch >= 'A' && ch <= 'F')
    return ch - 'A' + 10;
  return -1;
}

static size_t put_utf8(char *o, unsigned long cp) {
  if (cp < 0x80) {
    o[0] = (char)cp;
    return 1;
  }
  if (cp < 0x800) {
    o[0] = (char)(0xC0 | (cp >> 6));
    o[1] = (char)(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    o[0] = (char)(0xE0 | (cp >> 12));
    o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
  }
  if (cp > 0x10FFFF)
    cp = 0xFFFD;
  o[0] = (char)(0xF0 | (cp >> 18));
  o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
  o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
  o[3] = (char)(0x80 | (cp & 0x3F));
  return 4;
}

/* ---- reading run.json (the format write_run_json writes) --------------- */

/* The string value of the first member named `key` ("key": "value"), with
 * JSON escapes decoded; NULL when absent, not a string, or no memory. */
char *sim_run_json_string(const char *text, const char *key) {
  size_t kl = strlen(key);
  for (const char *p = text; (p = strchr(p, '"')) != NULL; p++) {
    if (strncmp(p + 1, key, kl) != 0 || p[1 + kl] != '"')
      continue;
    const char *q = p + kl + 2;
    while (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r')
      q++;
    if (*q != ':')
      continue;
    q++;
    while (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r')
      q++;
    if (*q != '"')
      return NULL;
    char *out = malloc(strlen(q) + 1);
    size_t k = 0;
    if (!out)
      return NULL;
    for (q++; *q && *q != '"'; q++) {
      if (*q != '\\') {
        out[k++] = *q;
        continue;
      }
      q++;
      switch (*q) {
      case 'n':
        out[k++] = '\n';
        break;
      case 't':
        out[k++] = '\t';
        break;
      case 'r':
        out[k++] = '\r';
        break;
      case 'b':
        out[k++] = '\b';
        break;
      case 'f':
        out[k++] = '\f';
        break;
      case 'u': {
        unsigned long cp = 0;
        int i;
        for (i = 0; i < 4 && hexval((unsigned char)q[1 + i]) >= 0; i++)
          cp = cp * 16 + (unsigned long)hexval((unsigned char)q[1 + i]);
        q += i;
        k += put_utf8(out + k, cp ? cp : ' ');
        break;
      }
      case '\0':
        q--;
        break;
      default:
        out[k++] = *q;
        break;
      }
    }
    out[k] = 0;
    return out;
  }
  return NULL;
}

static int same_opt(const char *a, const char *b) {
  if (!a || !b)
    return a == b;
  return strcmp(a, b) == 0;
}

/* 1 when dir/run.json records the same version and input checksums (and
 * a written report when want_report). */
static int up_to_date(const char *dir, const inputs *in, int want_report) {
  char path[4096];
  if ((size_t)snprintf(path, sizeof path, "%s/run.json", dir) >= sizeof path)
    return 0;
  char *text = ss_read_file(path, SCN_MAX_FILE_BYTES, NULL, NULL);
  if (!text)
    return 0;
  char *ver = sim_run_json_string(text, "splitsim_version");
  char *ss = sim_run_json_string(text, "scenario_sha256");
  char *ps = sim_run_json_string(text, "profiles_sha256");
  char *ns = sim_run_json_string(text, "network_sha256");
  char *rp = sim_run_json_string(text, "report");
  char *sf = sim_run_json_string(text, "scenario_file"); /* moved: redo */
  int ok = same_opt(ver, SPLITSIM_VERSION) && same_opt(ss, in->scenario_sha) &&
           same_opt(sf, in->scenario_file) && same_opt(ps, in->profiles_sha) &&
           same_opt(ns, in->network ? in->network_sha : NULL) && rp &&
           strcmp(rp, "failed") != 0 &&
           (!want_report || strcmp(rp, "written") == 0);
  free(rp);
  free(sf);
  free(ver);
  free(ss);
  free(ps);
  free(ns);
  free(text);
  return ok;
}

/* The identity a unit journal records (sim_dist.h). */
static void identity_of(const inputs *in, int report, sim_identity *id) {
  memset(id, 0, sizeof *id);
  snprintf(id->version, sizeof id->version, "%s", SPLITSIM_VERSION);
  snprintf(id->scenario_file, sizeof id->scenario_file, "%s",
           in->scenario_file ? in->scenario_file : "");
  snprintf(id->scenario_sha, sizeof id->scenario_sha, "%s", in->scenario_sha);
  snprintf(id->profiles, sizeof id->profiles, "%s", in->profiles);
  id->profiles_default = in->profiles_default;
  snprintf(id->profiles_sha, sizeof id->profiles_sha, "%s", in->profiles_sha);
  snprintf(id->network, sizeof id->network, "%s",
           in->network ? in->network : "");
  snprintf(id->network_sha, sizeof id->network_sha, "%s",
           in->network ? in->network_sha : "");
  id->report = report;
}

/* ---- the run ----------------------------------------------------------- */

static int name_ok(const char *name) {
  return name && name[0] && name[0] != '.' && !strchr(name, '/');
}

/* One scenario's run: what sim_run owns and the steps share. A step
 * returns -1 on failure, 0 to go on, 1 when the run is over (rc set). */
typedef struct run_state {
  const scn_scenario *s;
  const sim_run_options *opt;
  sim_run_report *rep;
  const char *outroot;
  double t_start;
  int force, studies;
  char *abs_file;
  inputs in;
  sim_dist *dist;
  sim_identity ident;
  prof_set *set;
  prof_network *net;
  scn_scenario *filled; /* s with trace means, when needed */
  sim_engine *e;
  ss_tmpdir tmp;
  int rc;
} run_state;

/* The scenario, profile and network files and their checksums. */
static int run_inputs(run_state *r, ss_error *err) {
  const scn_scenario *s = r->s;
  const sim_run_options *opt = r->opt;
  scn_pos none = {0, 0};
  if (!name_ok(s->name))
    return scn_error_at(err, s, s->name_pos,
                        "scenario name '%s' cannot name an output folder",
                        s->name ? s->name : "");
  r->abs_file = s->file ? realpath(s->file, NULL) : NULL;
  r->in.scenario_file = r->abs_file ? r->abs_file : s->file;
  r->in.profiles = s->profiles;
  if (!r->in.profiles) {
    r->in.profiles = opt ? opt->default_profiles : NULL;
    r->in.profiles_default = 1;
    if (!r->in.profiles)
      return scn_error_at(
          err, s, none,
          "the scenario names no profiles: and the default profile store "
          "was not found%s%s",
          opt && opt->default_profiles_hint ? " " : "",
          opt && opt->default_profiles_hint ? opt->default_profiles_hint : "");
  }
  r->in.network = s->network;
  if (s->file && ss_sha256_path(s->file, r->in.scenario_sha, err) != 0)
    return -1;
  if (ss_sha256_path(r->in.profiles, r->in.profiles_sha, err) != 0)
    return -1;
  if (r->in.network &&
      ss_sha256_path(r->in.network, r->in.network_sha, err) != 0)
    return -1;
  return 0;
}

/* OUTROOT/<name>: its path, what killed runs left, --resume's skip and
 * the refusal of a folder with foreign files, all before any work. */
static int run_outdir(run_state *r, ss_error *err) {
  const sim_run_options *opt = r->opt;
  sim_run_report *rep = r->rep;
  if ((size_t)snprintf(rep->outdir, sizeof rep->outdir, "%s/%s", r->outroot,
                       r->s->name) >= sizeof rep->outdir)
    return ss_error_set(err, r->outroot, NULL, "output path too long");
  if (strlen(rep->outdir) + MAX_INNER_PATH >= sizeof rep->outdir)
    return ss_error_set(err, r->outroot, NULL,
                        "output path too long (%zu characters; at most %zu)",
                        strlen(rep->outdir),
                        sizeof rep->outdir - MAX_INNER_PATH - 1);
  ss_tmp_sweep(r->outroot); /* what killed runs left, also when skipping */
  ss_tmp_drop_stale_marker(rep->outdir);
  r->dist = opt ? opt->base.dist : NULL;
  identity_of(&r->in, opt && opt->finish, &r->ident);
  if (r->dist && r->dist->mode == SIM_DIST_REPLAY &&
      sim_shards_check(r->dist->shards, &r->ident, err) != 0)
    return -1;
  if (opt && opt->resume && !(r->dist && r->dist->mode == SIM_DIST_REPLAY) &&
      up_to_date(rep->outdir, &r->in, opt->finish != NULL)) {
    rep->skipped = 1;
    r->rc = 0;
    return 1;
  }
  outdir_state ost; /* refuse before any work when foreign files are there */
  if (check_outdir(rep->outdir, r->force, &ost, err) != 0)
    return -1;
  ss_manifest_free(&ost.old);
  return 0;
}

/* The profiles, the network and the engine; with --shard/--mpi the units
 * are computed here and the run is over. */
static int run_engine(run_state *r, ss_error *err) {
  const scn_scenario *s = r->s;
  const sim_run_options *opt = r->opt;
  if (prof_load_path(r->in.profiles, &r->set, err) != 0)
    return -1;
  if (r->in.network && prof_network_read(r->in.network, &r->net, err) != 0)
    return -1;
  /* Links known only by a trace take its mean for the analytic tables. */
  if (sim_replay_fill_bandwidths(s, &r->filled, err) != 0 ||
      sim_engine_new(r->filled ? r->filled : s, r->set, r->net, &r->e, err) !=
          0)
    return -1;
  if (!r->studies && !(opt && opt->finish)) { /* studies and charts need them */
    prof_set_free(r->set);
    r->set = NULL;
  }
  r->rep->n_points = r->e->n_points;
  r->rep->n_models = r->e->n_models;
  if (r->dist && r->dist->mode == SIM_DIST_COLLECT) { /* sim_units.c */
    r->rc = sim_collect_units(r->e, s, r->set, &r->ident, r->rep->outdir,
                              &opt->base, &r->rep->t, err);
    return 1;
  }
  return 0;
}

/* The tables, replay, studies, load simulation and resolved scenario,
 * into the temporary folder. */
static int run_tables(run_state *r, ss_error *err) {
  const scn_scenario *s = r->s;
  const sim_run_options *opt = r->opt;
  const sim_options *base = opt ? &opt->base : NULL;
  sim_timings *t = &r->rep->t;
  const char *tmpdir = r->tmp.path;
  if (mkdir_p(r->outroot, err) != 0 ||
      check_size(s, r->e, r->outroot, opt ? opt->max_output_bytes : 0, err) !=
          0)
    return -1;
  if (ss_tmpdir_create(&r->tmp, r->outroot, err) != 0)
    return -1;
  t->load_s = now_s() - r->t_start;

  if (sim_write_tables(r->e, tmpdir, base, t, err) != 0)
    return -1;
  if (s->replay) {
    double ts = now_s();
    if (sim_replay_write(r->e, r->filled ? r->filled : s, tmpdir, base, err) !=
        0)
      return -1;
    t->analysis_s += now_s() - ts;
  }
  if (r->studies) {
    double ts = now_s();
    if (sim_write_studies(r->e, s, r->set, tmpdir, base, err) != 0)
      return -1;
    t->analysis_s += now_s() - ts;
  }
  if (s->workload) {
    double ts = now_s();
    if (sim_write_load(r->e, tmpdir, base, &r->rep->n_unstable, err) != 0)
      return -1;
    t->analysis_s += now_s() - ts;
  }
  char path[4200];
  if ((size_t)snprintf(path, sizeof path, "%s/scenario.resolved.yaml",
                       tmpdir) >= sizeof path)
    return ss_error_set(err, r->outroot, NULL, "output path too long");
  if (scn_save_resolved_yaml(s, path, err) != 0)
    return -1;
  if (opt && opt->base.cancel && *opt->base.cancel)
    return ss_error_interrupted(err);
  return 0;
}

/* run.json, then the charts and report (opt->finish) and run.json again
 * with the report's outcome. */
static int run_finish(run_state *r, ss_error *err) {
  const scn_scenario *s = r->s;
  const sim_run_options *opt = r->opt;
  sim_run_report *rep = r->rep;
  const char *tmpdir = r->tmp.path;
  unsigned jobs = opt && opt->base.jobs > 1 ? opt->base.jobs : 1;
  const char *report = opt && opt->finish ? "pending" : "none";
  rep->t.total_s = now_s() - r->t_start;
  if (write_run_json(tmpdir, s, r->e, &r->in, jobs, s->top_k > 1, report,
                     &rep->t, err) != 0)
    return -1;
  if (!(opt && opt->finish))
    return 0;
  double tf = now_s();
  if (write_manifest(tmpdir, err) != 0) /* the charts add to it */
    return -1;
  ss_error ferr;
  ss_error_clear(&ferr);
  if (opt->finish(opt->finish_ctx, tmpdir, r->set, &ferr) != 0) {
    rep->report_failed = 1;
    if (err)
      *err = ferr;
  }
  if (opt->base.cancel && *opt->base.cancel) {
    ss_error_interrupted(err);
    rep->report_failed = 0;
    return -1;
  }
  rep->t.finish_s = now_s() - tf;
  report = rep->report_failed ? "failed" : "written";
  rep->t.total_s = now_s() - r->t_start;
  ss_error scratch;
  if (write_run_json(tmpdir, s, r->e, &r->in, jobs, s->top_k > 1, report,
                     &rep->t, rep->report_failed ? &scratch : err) != 0)
    return -1;
  return 0;
}

int sim_run(const scn_scenario *s, const sim_run_options *opt,
            sim_run_report *rep, ss_error *err) {
  run_state r;
  memset(&r, 0, sizeof r);
  r.t_start = now_s();
  memset(rep, 0, sizeof *rep);
  r.s = s;
  r.opt = opt;
  r.rep = rep;
  r.outroot = opt && opt->outroot ? opt->outroot : "out";
  r.tmp.lock_fd = -1;
  r.rc = -1;
  r.force = opt && opt->force;
  r.studies = sim_studies_present(s);
  int step = run_inputs(&r, err);
  if (step == 0)
    step = run_outdir(&r, err);
  if (step == 0)
    step = run_engine(&r, err);
  if (step == 0)
    step = run_tables(&r, err);
  if (step == 0)
    step = run_finish(&r, err);
  if (step == 0) {
    if (install(r.outroot, &r.tmp, rep->outdir, r.force, err) != 0)
      rep->report_failed = 0;
    else
      r.rc = rep->report_failed ? -1 : 0;
  }
  ss_tmpdir_remove(&r.tmp, NULL);
  free(r.abs_file);
  sim_engine_free(r.e);
  scn_free(r.filled);
  prof_network_free(r.net);
  prof_set_free(r.set);
  return r.rc;
}
