/* One scenario run end to end: inputs and their checksums, the engine, all
 * tables into a temporary folder, run.json last, then the folder moved into
 * place; --resume support. */
#define _XOPEN_SOURCE 700 /* realpath */
#include "sim_internal.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../common/ss_io.h"
#include "../profiles/import.h"
#include "sim_dist.h"
#include "sim_study.h"

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* ---- folders ----------------------------------------------------------- */

int sim_remove_tree(const char *path, ss_error *err) {
  struct stat st;
  if (lstat(path, &st) != 0)
    return errno == ENOENT ? 0
                           : ss_error_set(err, path, NULL, "cannot remove: %s",
                                          strerror(errno));
  if (!S_ISDIR(st.st_mode)) {
    if (unlink(path) != 0)
      return ss_error_set(err, path, NULL, "cannot remove: %s",
                          strerror(errno));
    return 0;
  }
  DIR *d = opendir(path);
  if (!d)
    return ss_error_set(err, path, NULL, "cannot open folder: %s",
                        strerror(errno));
  int rc = 0;
  struct dirent *de;
  while (rc == 0 && (de = readdir(d)) != NULL) {
    if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
      continue;
    size_t len = strlen(path) + strlen(de->d_name) + 2;
    char *child = malloc(len);
    if (!child) {
      rc = ss_error_oom(err, path, NULL);
      break;
    }
    snprintf(child, len, "%s/%s", path, de->d_name);
    rc = sim_remove_tree(child, err);
    free(child);
  }
  closedir(d);
  if (rc == 0 && rmdir(path) != 0)
    rc = ss_error_set(err, path, NULL, "cannot remove folder: %s",
                      strerror(errno));
  return rc;
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

/* Remove <name>.tmp-<pid> / <name>.old-<pid> left by runs that died. */
static void remove_stale(const char *outroot, const char *name) {
  DIR *d = opendir(outroot);
  if (!d)
    return;
  size_t nl = strlen(name);
  struct dirent *de;
  while ((de = readdir(d)) != NULL) {
    const char *n = de->d_name;
    if (strncmp(n, name, nl) != 0)
      continue;
    const char *rest = n + nl;
    if (strncmp(rest, ".tmp-", 5) != 0 && strncmp(rest, ".old-", 5) != 0)
      continue;
    char *end;
    long pid = strtol(rest + 5, &end, 10);
    if (*end || pid <= 0)
      continue;
    if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
      continue; /* still running (or not ours to judge) */
    char path[4096];
    if ((size_t)snprintf(path, sizeof path, "%s/%s", outroot, n) < sizeof path)
      sim_remove_tree(path, NULL);
  }
  closedir(d);
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
  fputs("\"scenario.resolved.yaml\", \"run.json\"],\n", fp);
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
  int ok = same_opt(ver, SPLITSIM_VERSION) && same_opt(ss, in->scenario_sha) &&
           same_opt(ps, in->profiles_sha) &&
           same_opt(ns, in->network ? in->network_sha : NULL) && rp &&
           strcmp(rp, "failed") != 0 &&
           (!want_report || strcmp(rp, "written") == 0);
  free(rp);
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

int sim_run(const scn_scenario *s, const sim_run_options *opt,
            sim_run_report *rep, ss_error *err) {
  double t_start = now_s();
  memset(rep, 0, sizeof *rep);
  const char *outroot = opt && opt->outroot ? opt->outroot : "out";
  prof_set *set = NULL;
  prof_network *net = NULL;
  sim_engine *e = NULL;
  char tmpdir[4096] = "", olddir[4096] = "";
  int made_tmp = 0, rc = -1;
  int studies = sim_studies_present(s);
  inputs in;
  memset(&in, 0, sizeof in);
  scn_pos none = {0, 0};

  if (!name_ok(s->name))
    return scn_error_at(err, s, s->name_pos,
                        "scenario name '%s' cannot name an output folder",
                        s->name ? s->name : "");
  char *abs_file = s->file ? realpath(s->file, NULL) : NULL;
  in.scenario_file = abs_file ? abs_file : s->file;
  in.profiles = s->profiles;
  if (!in.profiles) {
    in.profiles = opt ? opt->default_profiles : NULL;
    in.profiles_default = 1;
    if (!in.profiles) {
      free(abs_file);
      return scn_error_at(
          err, s, none,
          "the scenario names no profiles: and the default profile store "
          "was not found%s%s",
          opt && opt->default_profiles_hint ? " " : "",
          opt && opt->default_profiles_hint ? opt->default_profiles_hint : "");
    }
  }
  in.network = s->network;
  if (s->file && ss_sha256_path(s->file, in.scenario_sha, err) != 0)
    goto done;
  if (ss_sha256_path(in.profiles, in.profiles_sha, err) != 0)
    goto done;
  if (in.network && ss_sha256_path(in.network, in.network_sha, err) != 0)
    goto done;
  if ((size_t)snprintf(rep->outdir, sizeof rep->outdir, "%s/%s", outroot,
                       s->name) >= sizeof rep->outdir) {
    ss_error_set(err, outroot, NULL, "output path too long");
    goto done;
  }
  sim_dist *dist = opt ? opt->base.dist : NULL;
  sim_identity ident;
  identity_of(&in, opt && opt->finish, &ident);
  if (dist && dist->mode == SIM_DIST_REPLAY &&
      sim_shards_check(dist->shards, &ident, err) != 0)
    goto done;
  if (opt && opt->resume && !(dist && dist->mode == SIM_DIST_REPLAY) &&
      up_to_date(rep->outdir, &in, opt->finish != NULL)) {
    rep->skipped = 1;
    rc = 0;
    goto done;
  }

  if (prof_load_path(in.profiles, &set, err) != 0)
    goto done;
  if (in.network && prof_network_read(in.network, &net, err) != 0)
    goto done;
  if (sim_engine_new(s, set, net, &e, err) != 0)
    goto done;
  if (!studies) { /* the studies need the profiles again */
    prof_set_free(set);
    set = NULL;
  }
  rep->n_points = e->n_points;
  rep->n_models = e->n_models;
  if (dist && dist->mode == SIM_DIST_COLLECT) { /* units only (sim_units.c) */
    rc = sim_collect_units(e, s, set, &ident, rep->outdir, &opt->base, &rep->t,
                           err);
    goto done;
  }

  if (mkdir_p(outroot, err) != 0)
    goto done;
  remove_stale(outroot, s->name);
  if ((size_t)snprintf(tmpdir, sizeof tmpdir, "%s/%s.tmp-%ld", outroot, s->name,
                       (long)getpid()) >= sizeof tmpdir ||
      (size_t)snprintf(olddir, sizeof olddir, "%s/%s.old-%ld", outroot, s->name,
                       (long)getpid()) >= sizeof olddir) {
    ss_error_set(err, outroot, NULL, "output path too long");
    goto done;
  }
  if (sim_remove_tree(tmpdir, err) != 0)
    goto done;
  if (mkdir(tmpdir, 0777) != 0) {
    ss_error_set(err, tmpdir, NULL, "cannot create folder: %s",
                 strerror(errno));
    goto done;
  }
  made_tmp = 1;
  rep->t.load_s = now_s() - t_start;

  if (sim_write_tables(e, tmpdir, opt ? &opt->base : NULL, &rep->t, err) != 0)
    goto done;
  if (studies) {
    double ts = now_s();
    if (sim_write_studies(e, s, set, tmpdir, opt ? &opt->base : NULL, err) != 0)
      goto done;
    rep->t.analysis_s += now_s() - ts;
  }
  if (s->workload) {
    double ts = now_s();
    if (sim_write_load(e, tmpdir, opt ? &opt->base : NULL, &rep->n_unstable,
                       err) != 0)
      goto done;
    rep->t.analysis_s += now_s() - ts;
  }
  char path[4200];
  if ((size_t)snprintf(path, sizeof path, "%s/scenario.resolved.yaml",
                       tmpdir) >= sizeof path) {
    ss_error_set(err, outroot, NULL, "output path too long");
    goto done;
  }
  if (scn_save_resolved_yaml(s, path, err) != 0)
    goto done;
  if (opt && opt->base.cancel && *opt->base.cancel) {
    ss_error_interrupted(err);
    goto done;
  }
  unsigned jobs = opt && opt->base.jobs > 1 ? opt->base.jobs : 1;
  const char *report = opt && opt->finish ? "pending" : "none";
  rep->t.total_s = now_s() - t_start;
  if (write_run_json(tmpdir, s, e, &in, jobs, s->top_k > 1, report, &rep->t,
                     err) != 0)
    goto done;
  if (opt && opt->finish) {
    double tf = now_s();
    ss_error ferr;
    ss_error_clear(&ferr);
    if (opt->finish(opt->finish_ctx, tmpdir, &ferr) != 0) {
      rep->report_failed = 1;
      if (err)
        *err = ferr;
    }
    if (opt->base.cancel && *opt->base.cancel) {
      ss_error_interrupted(err);
      rep->report_failed = 0;
      goto done;
    }
    rep->t.finish_s = now_s() - tf;
    report = rep->report_failed ? "failed" : "written";
    rep->t.total_s = now_s() - t_start;
    ss_error scratch;
    if (write_run_json(tmpdir, s, e, &in, jobs, s->top_k > 1, report, &rep->t,
                       rep->report_failed ? &scratch : err) != 0)
      goto done;
  }

  /* Move into place: old aside, new in, old removed. */
  struct stat st;
  int had_old = stat(rep->outdir, &st) == 0;
  if (had_old) {
    sim_remove_tree(olddir, NULL);
    if (rename(rep->outdir, olddir) != 0) {
      ss_error_set(err, rep->outdir, NULL,
                   "cannot move the old output "
                   "aside: %s",
                   strerror(errno));
      goto done;
    }
  }
  if (rename(tmpdir, rep->outdir) != 0) {
    ss_error_set(err, rep->outdir, NULL,
                 "cannot move the new output into "
                 "place: %s",
                 strerror(errno));
    if (had_old)
      rename(olddir, rep->outdir);
    goto done;
  }
  made_tmp = 0;
  if (had_old)
    sim_remove_tree(olddir, NULL);
  rc = rep->report_failed ? -1 : 0;
done:
  if (made_tmp)
    sim_remove_tree(tmpdir, NULL);
  free(abs_file);
  sim_engine_free(e);
  prof_network_free(net);
  prof_set_free(set);
  return rc;
}
