/* splitsim predict: a drop-in for Scission's scission_predict.py.
 *
 *   splitsim predict BENCHMARK_DIR NETWORK_CSV MODEL [options]
 *
 * Loads every system's profile of MODEL, puts each system on its tier
 * (device/edge/cloud, from the .dat file name or the store's tier hint),
 * reads the network table, runs the exhaustive solver with Scission's rules
 * and prints the best placements. See docs/predict.md. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "../common/ss_csv.h"
#include "../common/ss_io.h"
#include "../common/ss_units.h"
#include "../plots/plots.h"
#include "../profiles/import.h"
#include "../profiles/network.h"
#include "../sim/sim_problem.h"
#include "../solver/solver.h"
#include "cli.h"
#include "commands.h"

#define N_TIERS 3
static const char *const tier_names[N_TIERS] = {"device", "edge", "cloud"};
static const char *const tier_titles[N_TIERS] = {"Device", "Edge", "Cloud"};

enum { FMT_TEXT, FMT_TABLE, FMT_CSV, FMT_JSON };

#define MAX_TIER_OVERRIDES 64

typedef struct predict_opts {
  const char *bench, *network, *model;
  long long count;
  double input_mb;
  int input_given;
  const char *crit[N_TIERS];
  double upload_mb[2]; /* device, edge; NAN = none */
  const char *time_limit[N_TIERS];
  int format;
  const char *tier_override[MAX_TIER_OVERRIDES]; /* "SYSTEM=TIER" */
  size_t n_overrides;
  int calibrate;          /* rescale blocks to the whole-model time */
  const char *chart;      /* --chart FILE: breakdown of the fastest placement */
  int force;              /* --force: --chart may replace its files */
  double link_efficiency; /* opt-in for every link; NAN = unset */
  double link_overhead_ms; /* opt-in for every link; NAN = unset */
} predict_opts;

static void predict_help(FILE *fp) {
  fprintf(
      fp,
      "usage: splitsim predict BENCHMARK_DIR NETWORK_CSV MODEL [options]\n"
      "\n"
      "Best placements of MODEL across device, edge and cloud, the way\n"
      "Scission's scission_predict.py computes them (same numbers, same\n"
      "criteria). BENCHMARK_DIR is a folder of Scission <tier>-<name>.dat "
      "files\n"
      "or an HDF5 profile store (tiers from the systems' tier hints).\n"
      "NETWORK_CSV (source,destination,ping(ms),bandwidth(mbps)) is read as\n"
      "given or from inside BENCHMARK_DIR.\n"
      "\n"
      "Options:\n"
      "  --result-count N     number of results (default 5)\n"
      "  -i, --input MB       model input size in MB (default: the size the\n"
      "                       profile records, else 0.15 as in Scission)\n"
      "  -d, --device CRIT    device criteria\n"
      "  -e, --edge CRIT      edge criteria\n"
      "  -c, --cloud CRIT     cloud criteria\n"
      "  --device-upload MB   most MB the device may send\n"
      "  --edge-upload MB     most MB the edge may send\n"
      "  --device-time S|P%%   device compute limit: seconds, or percent of\n"
      "                       all compute time\n"
      "  --edge-time S|P%%     edge compute limit\n"
      "  --cloud-time S|P%%    cloud compute limit\n"
      "  --format FMT         text (Scission's lines, default), table, csv,\n"
      "                       json (every tier's compute time, every hop's\n"
      "                       bytes and seconds)\n"
      "  -t, --tier SYS=TIER  put system SYS on tier device|edge|cloud\n"
      "                       (overrides its tier hint; repeatable)\n"
      "  --calibrate          scale each system's block times to its measured\n"
      "                       whole-model time (when the profile has one)\n"
      "  --link-efficiency E  every link carries payload at E x its bandwidth\n"
      "                       (0 < E <= 2; splitsim calibrate fits it)\n"
      "  --link-overhead-ms MS  add MS >= 0 per transfer to every link\n"
      "  --chart FILE         also draw the fastest placement's per-block\n"
      "                       breakdown (compute per block by tier, each\n"
      "                       transfer with its bytes) to FILE (.png or "
      ".svg),\n"
      "                       with FILE.gp and FILE.dat beside it (gnuplot)\n"
      "  --force              let --chart replace existing files\n"
      "  -h, --help           this text\n"
      "\n"
      "CRIT is a comma-separated list: a layer number that must run on the\n"
      "tier, !n a layer that must not, a system name the tier must use,\n"
      "!name a system it must not use; -1 means the tier runs nothing and\n"
      "!-1 that it runs something. Naming a system also requires the tier\n"
      "to run at least one block.\n"
      "\n"
      "Exit status: 0 results printed, 1 no placement satisfies the\n"
      "criteria or an input is wrong (unknown model or system, missing\n"
      "network pair), 2 usage error.\n");
}

/* ---- option parsing ----------------------------------------------------- */

/* Each option is a row: its getopt entry, the function that stores its
 * argument, and the slot (a tier index) that function gets. A setter
 * returns -1 to go on, else the exit status. */
typedef int (*opt_setter)(predict_opts *o, const char *arg, int slot);

typedef struct predict_option {
  struct option opt;
  opt_setter set;
  int slot;
} predict_option;

static int set_help(predict_opts *o, const char *arg, int slot) {
  (void)o, (void)arg, (void)slot;
  predict_help(stdout);
  return 0;
}

static int set_count(predict_opts *o, const char *arg, int slot) {
  (void)slot;
  if (ss_parse_int64(arg, &o->count) != 0 || o->count < 1)
    return cli_usage_error("predict",
                           "--result-count: '%s' is not a whole number "
                           ">= 1",
                           arg);
  return -1;
}

static int set_input(predict_opts *o, const char *arg, int slot) {
  (void)slot;
  if (ss_parse_double(arg, &o->input_mb) != 0 || o->input_mb < 0 ||
      o->input_mb > 1e6)
    return cli_usage_error("predict",
                           "--input: '%s' is not a size in MB from 0 to "
                           "1e+06 (1 TB)",
                           arg);
  o->input_given = 1;
  return -1;
}

static int set_crit(predict_opts *o, const char *arg, int tier) {
  o->crit[tier] = arg;
  return -1;
}

static int set_upload(predict_opts *o, const char *arg, int tier) {
  if (ss_parse_double(arg, &o->upload_mb[tier]) != 0)
    return cli_usage_error("predict", "--%s-upload: '%s' is not a number",
                           tier_names[tier], arg);
  return -1;
}

static int set_time(predict_opts *o, const char *arg, int tier) {
  o->time_limit[tier] = arg;
  return -1;
}

static int set_format(predict_opts *o, const char *arg, int slot) {
  static const struct {
    const char *name;
    int format;
  } formats[] = {{"text", FMT_TEXT},
                 {"table", FMT_TABLE},
                 {"csv", FMT_CSV},
                 {"json", FMT_JSON}};
  (void)slot;
  for (size_t i = 0; i < sizeof formats / sizeof *formats; i++)
    if (strcmp(arg, formats[i].name) == 0) {
      o->format = formats[i].format;
      return -1;
    }
  return cli_usage_error("predict",
                         "--format: '%s' is not text, table, csv or "
                         "json",
                         arg);
}

static int set_chart(predict_opts *o, const char *arg, int slot) {
  (void)slot;
  o->chart = arg;
  return -1;
}

static int set_force(predict_opts *o, const char *arg, int slot) {
  (void)arg, (void)slot;
  o->force = 1;
  return -1;
}

static int set_calibrate(predict_opts *o, const char *arg, int slot) {
  (void)arg, (void)slot;
  o->calibrate = 1;
  return -1;
}

static int set_link_eff(predict_opts *o, const char *arg, int slot) {
  (void)slot;
  if (ss_parse_double(arg, &o->link_efficiency) != 0 ||
      !(o->link_efficiency > 0 && o->link_efficiency <= SCN_EFFICIENCY_MAX))
    return cli_usage_error("predict",
                           "--link-efficiency: '%s' is not a number in "
                           "(0, %g]",
                           arg, SCN_EFFICIENCY_MAX);
  return -1;
}

static int set_link_over(predict_opts *o, const char *arg, int slot) {
  (void)slot;
  if (ss_parse_double(arg, &o->link_overhead_ms) != 0 ||
      !(o->link_overhead_ms >= 0))
    return cli_usage_error("predict",
                           "--link-overhead-ms: '%s' is not a number "
                           ">= 0",
                           arg);
  return -1;
}

static int set_tier(predict_opts *o, const char *arg, int slot) {
  (void)slot;
  if (o->n_overrides == MAX_TIER_OVERRIDES)
    return cli_usage_error("predict", "too many --tier options");
  o->tier_override[o->n_overrides++] = arg;
  return -1;
}

enum {
  OPT_COUNT = 256,
  OPT_DEV_UP,
  OPT_EDGE_UP,
  OPT_DEV_TIME,
  OPT_EDGE_TIME,
  OPT_CLOUD_TIME,
  OPT_FORMAT,
  OPT_CALIBRATE,
  OPT_CHART,
  OPT_FORCE,
  OPT_LINK_EFF,
  OPT_LINK_OVER
};

#define REQ required_argument
static const predict_option predict_options[] = {
    {{"result-count", REQ, 0, OPT_COUNT}, set_count, 0},
    {{"input", REQ, 0, 'i'}, set_input, 0},
    {{"device", REQ, 0, 'd'}, set_crit, 0},
    {{"edge", REQ, 0, 'e'}, set_crit, 1},
    {{"cloud", REQ, 0, 'c'}, set_crit, 2},
    {{"device-upload", REQ, 0, OPT_DEV_UP}, set_upload, 0},
    {{"edge-upload", REQ, 0, OPT_EDGE_UP}, set_upload, 1},
    {{"device-time", REQ, 0, OPT_DEV_TIME}, set_time, 0},
    {{"edge-time", REQ, 0, OPT_EDGE_TIME}, set_time, 1},
    {{"cloud-time", REQ, 0, OPT_CLOUD_TIME}, set_time, 2},
    {{"format", REQ, 0, OPT_FORMAT}, set_format, 0},
    {{"tier", REQ, 0, 't'}, set_tier, 0},
    {{"calibrate", no_argument, 0, OPT_CALIBRATE}, set_calibrate, 0},
    {{"chart", REQ, 0, OPT_CHART}, set_chart, 0},
    {{"force", no_argument, 0, OPT_FORCE}, set_force, 0},
    {{"link-efficiency", REQ, 0, OPT_LINK_EFF}, set_link_eff, 0},
    {{"link-overhead-ms", REQ, 0, OPT_LINK_OVER}, set_link_over, 0},
    {{"help", no_argument, 0, 'h'}, set_help, 0},
};
#undef REQ
#define N_PREDICT_OPTIONS (sizeof predict_options / sizeof *predict_options)

static void opts_defaults(predict_opts *o) {
  memset(o, 0, sizeof *o);
  o->count = 5;
  o->input_mb = 0.15;
  o->upload_mb[0] = o->upload_mb[1] = NAN;
  o->link_efficiency = o->link_overhead_ms = NAN;
  o->format = FMT_TEXT;
}

/* The row of getopt's answer c, or NULL. */
static const predict_option *find_option(int c) {
  for (size_t i = 0; i < N_PREDICT_OPTIONS; i++)
    if (predict_options[i].opt.val == c)
      return &predict_options[i];
  return NULL;
}

static int parse_opts(int argc, char **argv, predict_opts *o) {
  struct option opts[N_PREDICT_OPTIONS + 1];
  for (size_t i = 0; i < N_PREDICT_OPTIONS; i++)
    opts[i] = predict_options[i].opt;
  memset(&opts[N_PREDICT_OPTIONS], 0, sizeof opts[0]);
  opts_defaults(o);
  const char *pos[3];
  int n_pos = 0, c;
  optind = 1;
  opterr = 0;
  /* "-" first: positionals come back as option 1, in order, so options and
   * arguments may be mixed as with argparse. */
  while ((c = getopt_long(argc, argv, "-:i:d:e:c:t:h", opts, NULL)) != -1) {
    const predict_option *row = find_option(c);
    int rc;
    if (c == 1) {
      if (n_pos == 3)
        return cli_usage_error("predict", "unexpected argument '%s'", optarg);
      pos[n_pos++] = optarg;
    } else if (!row) {
      return cli_option_error("predict", c, argv);
    } else if ((rc = row->set(o, optarg, row->slot)) != -1) {
      return rc;
    }
  }
  if (n_pos != 3)
    return cli_usage_error("predict",
                           "expected BENCHMARK_DIR NETWORK_CSV MODEL (got %d "
                           "argument%s)",
                           n_pos, n_pos == 1 ? "" : "s");
  o->bench = pos[0];
  o->network = pos[1];
  o->model = pos[2];
  return -1;
}

/* "S" seconds or "P%" percent, like Scission. */
static int parse_time_limit(const char *s, const char *tier, double *sec,
                            double *pct) {
  size_t n = strlen(s);
  char buf[64];
  if (n > 0 && s[n - 1] == '%') {
    if (n - 1 >= sizeof buf)
      goto bad;
    memcpy(buf, s, n - 1);
    buf[n - 1] = '\0';
    if (ss_parse_double(buf, pct) != 0)
      goto bad;
    return 0;
  }
  if (ss_parse_double(s, sec) == 0)
    return 0;
bad:
  return cli_usage_error("predict",
                         "--%s-time: '%s' is not seconds or a percentage "
                         "like 50%%",
                         tier, s);
}

/* ---- building the problem ----------------------------------------------- */

typedef struct cand_sys {
  const prof_system *sys;
  const prof_model *model;
} cand_sys;

typedef struct built {
  cand_sys cands[N_TIERS][64];
  size_t n_cands[N_TIERS];
  sim_blocks blocks; /* source g = global system g */
  sim_problem pb;    /* pb.p: the solver problem */
  const char *model_name;
} built;

static void built_free(built *b) {
  sim_problem_free(&b->pb);
  sim_blocks_free(&b->blocks);
}

static int cmp_cand(const void *a, const void *b) {
  return strcmp(((const cand_sys *)a)->sys->name,
                ((const cand_sys *)b)->sys->name);
}

static const prof_model *find_model(const prof_system *s, const char *name) {
  const prof_model *m = prof_system_find_model(s, name);
  if (m)
    return m;
  for (size_t i = 0; i < s->n_models; i++)
    if (strcasecmp(s->models[i].name, name) == 0)
      return &s->models[i];
  return NULL;
}

static int tier_index(const char *t) {
  for (int i = 0; i < N_TIERS; i++)
    if (t && strcmp(t, tier_names[i]) == 0)
      return i;
  return -1;
}

/* Tier of a system: --tier override, else its tier hint; -1 when none. */
static int system_tier(const predict_opts *o, const prof_system *s) {
  size_t nl = strlen(s->name);
  for (size_t i = o->n_overrides; i-- > 0;) {
    const char *ov = o->tier_override[i];
    if (strncmp(ov, s->name, nl) == 0 && ov[nl] == '=')
      return tier_index(ov + nl + 1);
  }
  return tier_index(s->tier_hint);
}

static void list_models(const prof_set *set, FILE *fp) {
  int first = 1;
  for (size_t i = 0; i < set->n_systems; i++)
    for (size_t j = 0; j < set->systems[i].n_models; j++) {
      const char *name = set->systems[i].models[j].name;
      int seen = 0;
      for (size_t k = 0; k < i && !seen; k++)
        seen = prof_system_find_model(&set->systems[k], name) != NULL;
      for (size_t k = 0; k < j && !seen; k++)
        seen = strcmp(set->systems[i].models[k].name, name) == 0;
      if (seen)
        continue;
      fprintf(fp, "%s%s", first ? "" : ", ", name);
      first = 0;
    }
  if (first)
    fprintf(fp, "(none)");
}

static void list_tier(const built *b, int t, FILE *fp) {
  if (b->n_cands[t] == 0)
    fprintf(fp, "(none)");
  for (size_t i = 0; i < b->n_cands[t]; i++)
    fprintf(fp, "%s%s", i ? ", " : "", b->cands[t][i].sys->name);
}

static int check_overrides(const predict_opts *o, const prof_set *set) {
  for (size_t i = 0; i < o->n_overrides; i++) {
    const char *ov = o->tier_override[i], *eq = strrchr(ov, '=');
    if (!eq || tier_index(eq + 1) < 0)
      return cli_usage_error(
          "predict", "--tier '%s': expected SYSTEM=device|edge|cloud", ov);
    int found = 0;
    for (size_t s = 0; s < set->n_systems && !found; s++)
      found = strlen(set->systems[s].name) == (size_t)(eq - ov) &&
              strncmp(set->systems[s].name, ov, (size_t)(eq - ov)) == 0;
    if (!found) {
      char sys[256];
      snprintf(sys, sizeof sys, "%.*s", (int)(eq - ov), ov);
      const char *best = cli_suggest(set, sys, 0);
      fprintf(stderr, "splitsim predict: --tier '%s': no system '%s'", ov, sys);
      if (best)
        fprintf(stderr, " (did you mean '%s'?)", best);
      fprintf(stderr, "; systems:");
      for (size_t s = 0; s < set->n_systems; s++)
        fprintf(stderr, "%s %s", s ? "," : "", set->systems[s].name);
      fprintf(stderr, "\n");
      return 1;
    }
  }
  return 0;
}

/* Every system name in the criteria must be one of the tier's systems. */
static int check_criteria_names(const built *b, const solver_criteria *cr) {
  for (int t = 0; t < N_TIERS; t++) {
    const char *const *lists[2] = {cr[t].system_include, cr[t].system_exclude};
    size_t ns[2] = {cr[t].n_system_include, cr[t].n_system_exclude};
    for (int l = 0; l < 2; l++)
      for (size_t i = 0; i < ns[l]; i++) {
        int found = 0;
        for (size_t s = 0; s < b->n_cands[t] && !found; s++)
          found = strcmp(b->cands[t][s].sys->name, lists[l][i]) == 0;
        if (found)
          continue;
        fprintf(stderr,
                "splitsim predict: unknown %s system '%s' in the --%s "
                "criteria; %s systems with model '%s': ",
                tier_names[t], lists[l][i], tier_names[t], tier_names[t],
                b->model_name);
        list_tier(b, t, stderr);
        fprintf(stderr, "\n");
        return 1;
      }
  }
  return 0;
}

/* Network file as given, else inside the benchmark folder (or beside the
 * store file). */
static int find_network(const char *bench, const char *name, char *path,
                        size_t size) {
  struct stat st;
  if (stat(name, &st) == 0 && S_ISREG(st.st_mode)) {
    snprintf(path, size, "%s", name);
    return 0;
  }
  char dir[4096];
  snprintf(dir, sizeof dir, "%s", bench);
  if (stat(bench, &st) == 0 && !S_ISDIR(st.st_mode)) {
    char *slash = strrchr(dir, '/');
    if (slash)
      *slash = '\0';
    else
      snprintf(dir, sizeof dir, ".");
  }
  if ((size_t)snprintf(path, size, "%s/%s", dir, name) >= size)
    return -1;
  if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
    return 0;
  fprintf(stderr,
          "splitsim predict: network file '%s' not found (also tried '%s')\n",
          name, path);
  return -1;
}

/* Collect the systems that have the model, per tier, sorted by name. */
static int collect_candidates(const predict_opts *o, const prof_set *set,
                              built *b) {
  size_t n_with_model = 0;
  for (size_t i = 0; i < set->n_systems; i++) {
    const prof_system *s = &set->systems[i];
    const prof_model *m = find_model(s, o->model);
    if (!m)
      continue;
    n_with_model++;
    int t = system_tier(o, s);
    if (t < 0)
      continue;
    if (b->n_cands[t] == 64) {
      fprintf(stderr, "splitsim predict: more than 64 %s systems\n",
              tier_names[t]);
      return 1;
    }
    b->cands[t][b->n_cands[t]++] = (cand_sys){s, m};
    b->model_name = m->name;
  }
  if (n_with_model == 0) {
    const char *best = cli_suggest(set, o->model, 1);
    fprintf(stderr, "splitsim predict: unknown model '%s' in %s", o->model,
            o->bench);
    if (best)
      fprintf(stderr, " (did you mean '%s'?)", best);
    fprintf(stderr, "; models: ");
    list_models(set, stderr);
    fprintf(stderr, "\n");
    return 1;
  }
  if (b->n_cands[0] == 0) {
    fprintf(stderr,
            "splitsim predict: no device system has model '%s'; systems "
            "and tiers:",
            o->model);
    for (size_t i = 0; i < set->n_systems; i++)
      fprintf(stderr, "%s %s (%s)", i ? "," : "", set->systems[i].name,
              set->systems[i].tier_hint ? set->systems[i].tier_hint
                                        : "no tier");
    fprintf(stderr, "\nUse --tier SYSTEM=device to choose one.\n");
    return 1;
  }
  for (int t = 0; t < N_TIERS; t++)
    qsort(b->cands[t], b->n_cands[t], sizeof b->cands[t][0], cmp_cand);
  return 0;
}

/* Links for every ordered pair of tiers from the network file (Scission's
 * source->destination rows); a pair the criteria leave possible must be
 * there with a bandwidth above 0. */
static int set_links(const predict_opts *o, const prof_network *net,
                     const solver_criteria *cr, built *b) {
  size_t base[N_TIERS + 1] = {0};
  for (int t = 0; t < N_TIERS; t++)
    base[t + 1] = base[t] + b->n_cands[t];
  for (int ta = 0; ta < N_TIERS; ta++)
    for (int tb = ta + 1; tb < N_TIERS; tb++)
      for (size_t sa = 0; sa < b->n_cands[ta]; sa++)
        for (size_t sb = 0; sb < b->n_cands[tb]; sb++) {
          const char *na = b->cands[ta][sa].sys->name;
          const char *nb = b->cands[tb][sb].sys->name;
          const prof_link *row = prof_network_find(net, na, nb);
          sim_link_spec lp = sim_link_of_row(row);
          lp.efficiency = o->link_efficiency;
          lp.overhead_ms = o->link_overhead_ms;
          solver_link l =
              sim_problem_set_link(&b->pb, base[ta] + sa, base[tb] + sb, &lp);
          if (row && l.bandwidth_bytes_per_s > 0)
            continue;
          /* Needed unless the criteria rule out one of the two systems. */
          if (!solver_criteria_allow_system(&cr[ta], na) ||
              !solver_criteria_allow_system(&cr[tb], nb))
            continue;
          fprintf(stderr,
                  "splitsim predict: the network file %s lacks the pair "
                  "%s,%s (%s to %s)%s\n",
                  o->network, na, nb, tier_names[ta], tier_names[tb],
                  row ? " with a bandwidth above 0" : "");
          return 1;
        }
  return 0;
}

/* The problem through the one builder, with Scission's rules. */
static int build_problem(const predict_opts *o, const prof_set *set,
                         const prof_network *net, const solver_criteria *cr,
                         built *b) {
  memset(b, 0, sizeof *b);
  if (collect_candidates(o, set, b) != 0 || check_criteria_names(b, cr) != 0)
    return 1;
  sim_blocks_source src[N_TIERS * 64];
  size_t idx[N_TIERS * 64], g = 0;
  sim_problem_spec spec;
  memset(&spec, 0, sizeof spec);
  spec.blocks = &b->blocks;
  spec.n_tiers = N_TIERS;
  spec.scission = 1;
  for (int t = 0; t < N_TIERS; t++) {
    spec.tiers[t] = (sim_problem_tier){tier_names[t], b->n_cands[t], &idx[g]};
    for (size_t s = 0; s < b->n_cands[t]; s++, g++) {
      const cand_sys *c = &b->cands[t][s];
      idx[g] = g;
      src[g] = (sim_blocks_source){
          c->sys->name, c->model,
          o->calibrate ? prof_model_calibration(c->model) : 1.0};
    }
  }
  const prof_model *ref = b->cands[0][0].model;
  ss_error err;
  ss_error_clear(&err);
  if (sim_blocks_build(ref->name, src, g, &b->blocks, &err) != 0 ||
      sim_problem_build(&spec, &b->pb, &err) != 0) {
    fprintf(stderr, "splitsim predict: %s\n", err.msg);
    return 1;
  }
  if (set_links(o, net, cr, b) != 0)
    return 1;
  /* Without -i: the model's recorded input size, else Scission's 0.15 MB
   * (Scission's .dat files record none). */
  double input_bytes = ss_scission_mb_to_bytes(o->input_mb);
  if (!o->input_given && ref->input_bytes > 0)
    input_bytes = (double)ref->input_bytes;
  sim_problem_set_bytes(&b->pb, input_bytes, 0);
  return 0;
}

/* ---- output ------------------------------------------------------------- */

static double upload_mb(const solver_result *r) {
  return ss_scission_bytes_to_mb(r->upload_bytes[0] + r->upload_bytes[1]);
}

static const char *sys_name(const solver_problem *p, const solver_result *r,
                            int t) {
  if (r->p.sys[t] < 0)
    return NULL;
  if (t > 0 && r->p.first[t] < 0)
    return NULL;
  return p->tiers[t].systems[r->p.sys[t]].name;
}

/* "Device(sys) = first - last, Edge(..) = .., Cloud(..) = .." (layers). */
static void format_placement(const solver_problem *p, const solver_result *r,
                             char *buf, size_t size) {
  size_t len = 0;
  buf[0] = 0;
  for (int t = 0; t < N_TIERS && len < size; t++) {
    int64_t lo, hi;
    solver_tier_layers(p, &r->p, (size_t)t, &lo, &hi);
    const char *name =
        t == 0 ? p->tiers[0].systems[r->p.sys[0]].name : sys_name(p, r, t);
    len += (size_t)snprintf(buf + len, size - len, "%s%s(%s) = %lld - %lld",
                            t ? ", " : "", tier_titles[t], name ? name : "None",
                            (long long)lo, (long long)hi);
  }
}

/* Scission's line after "[rank] ": "T.TTTTs - M.MMMMMB - Device(..) = ..". */
static void format_text(const solver_problem *p, const solver_result *r,
                        char *buf, size_t size) {
  size_t len = (size_t)snprintf(buf, size, "%.4fs - %.4fMB - ", r->latency_s,
                                upload_mb(r));
  if (len < size)
    format_placement(p, r, buf + len, size - len);
}

static void print_text(const solver_problem *p, const solver_result *r,
                       size_t rank, FILE *fp) {
  char line[1024];
  format_text(p, r, line, sizeof line);
  fprintf(fp, "[%zu] %s\n", rank, line);
}

/* Hop of r from tier a to tier b, or -1. */
static int find_hop(const solver_result *r, int a, int b) {
  for (int h = 0; h < r->n_hops; h++)
    if (r->hop_from[h] == a && r->hop_to[h] == b)
      return h;
  return -1;
}

static void print_table(const solver_problem *p, const solver_result *r,
                        size_t rank, FILE *fp) {
  double comp = r->compute_s[0] + r->compute_s[1] + r->compute_s[2];
  fprintf(fp,
          "[%zu] %.4f s = %.4f s compute + %.4f s transfer, %.4f MB "
          "uploaded\n",
          rank, r->latency_s, comp, r->latency_s - comp, upload_mb(r));
  for (int t = 0; t < N_TIERS; t++) {
    int64_t lo, hi;
    char range[64];
    solver_tier_layers(p, &r->p, (size_t)t, &lo, &hi);
    const char *name =
        t == 0 ? p->tiers[0].systems[r->p.sys[0]].name : sys_name(p, r, t);
    int nb = r->p.first[t] >= 0 ? r->p.last[t] - r->p.first[t] + 1 : 0;
    if (!name) {
      fprintf(fp, "    %-7s (unused)\n", tier_names[t]);
      continue;
    }
    if (lo < 0)
      snprintf(range, sizeof range, "none");
    else
      snprintf(range, sizeof range, "%lld-%lld", (long long)lo, (long long)hi);
    fprintf(fp, "    %-7s %-14s layers %-9s %4d blocks %12.6f s compute\n",
            tier_names[t], name, range, nb, r->compute_s[t]);
  }
  for (int h = 0; h < r->n_hops; h++) {
    char hop[32];
    snprintf(hop, sizeof hop, "%s -> %s", tier_names[r->hop_from[h]],
             tier_names[r->hop_to[h]]);
    fprintf(fp, "    %-22s %12.0f bytes %12.6f s transfer\n", hop,
            r->hop_bytes[h], r->hop_s[h]);
  }
}

static void csv_num(FILE *fp, double x) {
  char buf[SS_DOUBLE_BUFSIZE];
  fprintf(fp, ",%s", ss_fmt_double(buf, x));
}

/* A CSV field after a comma, quoted by the one rule (common/ss_csv.h). */
static void csv_str(FILE *fp, const char *s) {
  ss_buf b = {0};
  ss_csv_field(&b, s);
  fprintf(fp, ",%s", b.p ? b.p : "");
  ss_buf_free(&b);
}

static const int hop_pairs[3][2] = {{0, 1}, {1, 2}, {0, 2}};

static void print_csv_header(FILE *fp) {
  fprintf(fp, "rank,latency_s,upload_mb,compute_s,transfer_s");
  for (int t = 0; t < N_TIERS; t++)
    fprintf(fp,
            ",%s_system,%s_first_layer,%s_last_layer,%s_blocks,%s_compute_s",
            tier_names[t], tier_names[t], tier_names[t], tier_names[t],
            tier_names[t]);
  for (int h = 0; h < 3; h++) {
    const char *a = tier_names[hop_pairs[h][0]],
               *b = tier_names[hop_pairs[h][1]];
    fprintf(fp, ",%s_%s_bytes,%s_%s_s", a, b, a, b);
  }
  fprintf(fp, "\n");
}

static void print_csv(const solver_problem *p, const solver_result *r,
                      size_t rank, FILE *fp) {
  double comp = r->compute_s[0] + r->compute_s[1] + r->compute_s[2];
  fprintf(fp, "%zu", rank);
  csv_num(fp, r->latency_s);
  csv_num(fp, upload_mb(r));
  csv_num(fp, comp);
  csv_num(fp, r->latency_s - comp);
  for (int t = 0; t < N_TIERS; t++) {
    int64_t lo, hi;
    solver_tier_layers(p, &r->p, (size_t)t, &lo, &hi);
    const char *name =
        t == 0 ? p->tiers[0].systems[r->p.sys[0]].name : sys_name(p, r, t);
    csv_str(fp, name);
    fprintf(fp, ",%lld,%lld,%d", (long long)lo, (long long)hi,
            r->p.first[t] >= 0 ? r->p.last[t] - r->p.first[t] + 1 : 0);
    csv_num(fp, r->compute_s[t]);
  }
  for (int h = 0; h < 3; h++) {
    int i = find_hop(r, hop_pairs[h][0], hop_pairs[h][1]);
    if (i < 0) {
      fprintf(fp, ",,");
      continue;
    }
    csv_num(fp, r->hop_bytes[i]);
    csv_num(fp, r->hop_s[i]);
  }
  fprintf(fp, "\n");
}

static void print_json(const solver_problem *p, const solver_result *r,
                       size_t n, const predict_opts *o, const char *model,
                       FILE *fp) {
  fprintf(fp, "{\n  \"model\": ");
  ss_json_str(fp, model);
  fprintf(fp, ",\n  \"network\": ");
  ss_json_str(fp, o->network);
  fprintf(fp, ",\n  \"input_bytes\": ");
  ss_json_num(fp, p->input_bytes);
  fprintf(fp, ",\n  \"results\": [");
  for (size_t i = 0; i < n; i++) {
    const solver_result *x = &r[i];
    double comp = x->compute_s[0] + x->compute_s[1] + x->compute_s[2];
    fprintf(fp, "%s\n    {\"rank\": %zu, \"latency_s\": ", i ? "," : "", i + 1);
    ss_json_num(fp, x->latency_s);
    fprintf(fp, ", \"upload_mb\": ");
    ss_json_num(fp, upload_mb(x));
    fprintf(fp, ", \"compute_s\": ");
    ss_json_num(fp, comp);
    fprintf(fp, ", \"transfer_s\": ");
    ss_json_num(fp, x->latency_s - comp);
    fprintf(fp, ",\n     \"tiers\": [");
    for (int t = 0; t < N_TIERS; t++) {
      int64_t lo, hi;
      solver_tier_layers(p, &x->p, (size_t)t, &lo, &hi);
      const char *name =
          t == 0 ? p->tiers[0].systems[x->p.sys[0]].name : sys_name(p, x, t);
      fprintf(fp, "%s\n       {\"tier\": \"%s\", \"system\": ", t ? "," : "",
              tier_names[t]);
      ss_json_str(fp, name);
      fprintf(fp,
              ", \"first_layer\": %lld, \"last_layer\": %lld, \"blocks\": %d, "
              "\"compute_s\": ",
              (long long)lo, (long long)hi,
              x->p.first[t] >= 0 ? x->p.last[t] - x->p.first[t] + 1 : 0);
      ss_json_num(fp, x->compute_s[t]);
      fprintf(fp, ", \"upload_bytes\": ");
      ss_json_num(fp, x->upload_bytes[t]);
      fprintf(fp, "}");
    }
    fprintf(fp, "],\n     \"hops\": [");
    for (int h = 0; h < x->n_hops; h++) {
      fprintf(fp, "%s\n       {\"from\": \"%s\", \"to\": \"%s\", \"bytes\": ",
              h ? "," : "", tier_names[x->hop_from[h]],
              tier_names[x->hop_to[h]]);
      ss_json_num(fp, x->hop_bytes[h]);
      fprintf(fp, ", \"transfer_s\": ");
      ss_json_num(fp, x->hop_s[h]);
      fprintf(fp, "}");
    }
    fprintf(fp, "],\n     \"text\": \"");
    /* Scission's line, without the rank. */
    char line[1024];
    format_text(p, x, line, sizeof line);
    for (const char *t = line; *t; t++) {
      if (*t == '"' || *t == '\\')
        fputc('\\', fp);
      fputc(*t, fp);
    }
    fprintf(fp, "\"}");
  }
  fprintf(fp, "\n  ]\n}\n");
}

/* ---- the command -------------------------------------------------------- */

/* --chart: the per-block breakdown of the fastest placement r. */
static int draw_chart(const predict_opts *o, const solver_problem *p,
                      const solver_result *r, const char *model,
                      const prof_set *set) {
  double transfer_s[N_TIERS * N_TIERS] = {0}, bytes[N_TIERS * N_TIERS] = {0};
  for (int h = 0; h < r->n_hops; h++) {
    size_t at = (size_t)r->hop_from[h] * N_TIERS + (size_t)r->hop_to[h];
    transfer_s[at] = r->hop_s[h];
    bytes[at] = r->hop_bytes[h];
  }
  char place[1024];
  format_placement(p, r, place, sizeof place);
  plot_breakdown_input in = {model,        N_TIERS,    tier_names, place,
                             r->compute_s, transfer_s, bytes,      r->return_s,
                             r->latency_s, set};
  plot_summary sum;
  ss_error err;
  ss_error_clear(&err);
  if (plot_breakdown_file(&in, o->chart, o->force, NULL, &sum, &err) != 0) {
    cli_print_error(&err);
    return 1;
  }
  if (sum.message[0])
    fprintf(stderr, "splitsim predict: %s\n", sum.message);
  return 0;
}

/* One predict run: its options, inputs, problem and results. */
typedef struct predict_run {
  predict_opts o;
  solver_criteria cr[N_TIERS];
  solver_constraints c;
  prof_set *set;
  prof_network *net;
  built b;
  int have_built;
  solver_result *res;
  size_t n; /* results found */
} predict_run;

/* The criteria, time limits and upload limits; 0, else the exit status. */
static int make_constraints(predict_run *pr) {
  ss_error err;
  ss_error_clear(&err);
  solver_constraints_init(&pr->c);
  for (int t = 0; t < N_TIERS; t++) {
    if (solver_criteria_parse(pr->o.crit[t], &pr->cr[t], &err) != 0)
      return cli_usage_error("predict", "--%s: %s", tier_names[t], err.msg);
    pr->c.criteria[t] = pr->cr[t];
    if (pr->o.time_limit[t]) {
      double sec = INFINITY, pct = INFINITY;
      if (parse_time_limit(pr->o.time_limit[t], tier_names[t], &sec, &pct) != 0)
        return 2;
      pr->c.max_time_s[t] = sec;
      pr->c.max_time_pct[t] = pct;
    }
  }
  for (int t = 0; t < 2; t++)
    if (!isnan(pr->o.upload_mb[t]))
      pr->c.max_upload_bytes[t] = ss_scission_mb_to_bytes(pr->o.upload_mb[t]);
  return 0;
}

/* The profiles, the network and the solver problem; 0, else the exit
 * status. */
static int load_inputs(predict_run *pr) {
  ss_error err;
  ss_error_clear(&err);
  int r;
  if (prof_load_path(pr->o.bench, &pr->set, &err) != 0) {
    cli_print_error(&err);
    return 1;
  }
  if ((r = check_overrides(&pr->o, pr->set)) != 0)
    return r;
  char net_path[4096];
  if (find_network(pr->o.bench, pr->o.network, net_path, sizeof net_path) != 0)
    return 1;
  if (prof_network_read(net_path, &pr->net, &err) != 0) {
    cli_print_error(&err);
    return 1;
  }
  pr->have_built = 1;
  if (build_problem(&pr->o, pr->set, pr->net, pr->cr, &pr->b) != 0)
    return 1;
  return 0;
}

/* The --result-count best placements into pr->res; 0, else 1. */
static int solve(predict_run *pr) {
  ss_error err;
  ss_error_clear(&err);
  size_t k = (size_t)pr->o.count;
  uint64_t total = solver_count_placements(&pr->b.pb.p);
  if ((uint64_t)k > total)
    k = (size_t)total;
  pr->res = malloc(k * sizeof *pr->res);
  if (!pr->res) {
    fprintf(stderr, "splitsim predict: out of memory for %zu results\n", k);
    return 1;
  }
  if (solver_top_k(&pr->b.pb.p, &pr->c, SOLVER_OBJ_LATENCY, k, pr->res, &pr->n,
                   NULL, &err) != 0) {
    cli_print_error(&err);
    return 1;
  }
  if (pr->n == 0) {
    fprintf(stderr,
            "splitsim predict: no placement of '%s' satisfies the criteria\n",
            pr->b.model_name);
    return 1;
  }
  return 0;
}

/* The results on stdout in the --format asked for; 0, else 1. */
static int print_results(const predict_run *pr) {
  const solver_problem *p = &pr->b.pb.p;
  switch (pr->o.format) {
  case FMT_JSON:
    print_json(p, pr->res, pr->n, &pr->o, pr->b.model_name, stdout);
    break;
  case FMT_CSV:
    print_csv_header(stdout);
    for (size_t i = 0; i < pr->n; i++)
      print_csv(p, &pr->res[i], i + 1, stdout);
    break;
  default:
    for (size_t i = 0; i < pr->n; i++) {
      if (pr->o.format == FMT_TABLE)
        print_table(p, &pr->res[i], i + 1, stdout);
      else
        print_text(p, &pr->res[i], i + 1, stdout);
    }
    break;
  }
  if (fflush(stdout) != 0 || ferror(stdout)) {
    fprintf(stderr, "splitsim predict: writing the results failed: %s\n",
            strerror(errno));
    return 1;
  }
  return 0;
}

static void predict_run_free(predict_run *pr) {
  free(pr->res);
  if (pr->have_built)
    built_free(&pr->b);
  for (int t = 0; t < N_TIERS; t++)
    solver_criteria_free(&pr->cr[t]);
  prof_network_free(pr->net);
  prof_set_free(pr->set);
}

int cmd_predict(int argc, char **argv) {
  predict_run pr;
  memset(&pr, 0, sizeof pr);
  int rc = parse_opts(argc, argv, &pr.o);
  if (rc >= 0)
    return rc;
  if ((rc = make_constraints(&pr)) == 0 && (rc = load_inputs(&pr)) == 0 &&
      (rc = solve(&pr)) == 0 && (rc = print_results(&pr)) == 0 && pr.o.chart)
    rc = draw_chart(&pr.o, &pr.b.pb.p, &pr.res[0], pr.b.model_name, pr.set);
  predict_run_free(&pr);
  return rc;
}
