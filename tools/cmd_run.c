/* splitsim run: run scenario files (sweeps, tables, charts) in a batch. */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../common/ss_io.h"
#include "../plots/plots.h"
#include "../scenarios/scenario.h"
#include "../sim/sim.h"
#include "cli.h"
#include "commands.h"
#include "mpi_units.h"
#include "run_dist.h"

static volatile sig_atomic_t stop_requested;

/* With --shard/--mpi the stop message is written by the handler itself:
 * mpirun follows its SIGTERM with a SIGKILL soon after. */
static char stop_msg[3 * PATH_MAX];
static volatile sig_atomic_t stop_msg_len, stop_msg_done;

static void on_signal(int sig) {
  (void)sig;
  stop_requested = 1;
  if (stop_msg_len > 0 && !stop_msg_done) {
    stop_msg_done = 1;
    ssize_t w = write(2, stop_msg, (size_t)stop_msg_len);
    (void)w;
  }
}

/* The one line a stopped distributed run prints, for scenario folder dir. */
static void set_stop_msg(const char *dir) {
  stop_msg_len = 0;
  int n = snprintf(stop_msg, sizeof stop_msg,
                   "splitsim run: stopped (a rank died, or the job was "
                   "cancelled): no output was written for %s; the units done "
                   "so far are kept in %s/shard-*.units and --resume computes "
                   "only the missing ones\n",
                   dir, dir);
  if (n > 0 && (size_t)n < sizeof stop_msg)
    stop_msg_len = n;
}

static void run_help(FILE *fp) {
  fprintf(
      fp,
      "usage: splitsim run [-o OUTROOT] [-j N] [--resume] [--force]\n"
      "                    [--no-report] [-q] [--shard K/N | --mpi]\n"
      "                    SCENARIO_OR_FOLDER...\n\n"
      "Run scenario files (YAML or JSON; a folder means every *.yaml, *.yml\n"
      "and *.json in it, sorted by name). Each scenario writes the folder\n"
      "OUTROOT/<name>/: best.csv, breakpoints.csv, curves.csv, summary.csv,\n"
      "scenario.resolved.yaml, run.json, and charts/ with report.html and\n"
      "report.md (docs/outputs.md). A folder is written under a temporary\n"
      "name and moved into place when complete; it lists what splitsim wrote\n"
      "in splitsim-manifest.txt, and a re-run replaces only those files. A\n"
      "folder that holds anything else stops that scenario before any work.\n"
      "A bad scenario is reported and the others still run.\n\n"
      "  -o, --output OUTROOT  where the scenario folders go (default: out)\n"
      "  -j, --jobs N          threads per scenario (default 1); the output\n"
      "                        is identical for every N\n"
      "      --resume          skip scenarios whose folder is complete for\n"
      "                        the same scenario, profiles and network\n"
      "      --force           write into a scenario folder that holds files\n"
      "                        splitsim did not write (they are kept)\n"
      "      --max-output-gb G refuse a scenario whose tables are estimated\n"
      "                        over G gigabytes (default 10); one over the\n"
      "                        free disk space is always refused\n"
      "      --no-report       tables only: no charts and no report\n"
      "      --shard K/N       compute only shard K (0..N-1) of the work\n"
      "                        units into OUTROOT/<name>/shard-K-of-N.units;\n"
      "                        `splitsim merge OUTROOT/<name>` then writes\n"
      "                        the outputs (docs/cluster.md)\n"
      "      --mpi             under mpirun: the ranks share the units\n"
      "                        (rank 0 dispatches and writes the outputs)\n"
      "  -q, --quiet           print only errors\n"
      "  -h, --help            show this help\n\n"
      "Scenarios without `profiles:` use the default store: "
      "$SPLITSIM_PROFILES,\nelse default-profiles.h5 next to the splitsim "
      "binary, else\n../share/splitsim/default-profiles.h5 from the "
      "binary's folder.\n\n"
      "Exit status: 0 all scenarios succeeded, 1 some failed, 2 usage "
      "error,\n130 interrupted (no half-written file is left).\n");
}

/* ---- the list of scenario files ---------------------------------------- */

typedef struct strlist {
  char **v;
  size_t n, cap;
} strlist;

static int list_add(strlist *l, const char *s) {
  if (l->n == l->cap) {
    size_t nc = l->cap ? l->cap * 2 : 16;
    char **nv = realloc(l->v, nc * sizeof *nv);
    if (!nv)
      return -1;
    l->v = nv;
    l->cap = nc;
  }
  size_t len = strlen(s) + 1;
  if (!(l->v[l->n] = malloc(len)))
    return -1;
  memcpy(l->v[l->n++], s, len);
  return 0;
}

static void list_free(strlist *l) {
  for (size_t i = 0; i < l->n; i++)
    free(l->v[i]);
  free(l->v);
  l->v = NULL;
  l->n = l->cap = 0;
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static int scenario_name(const char *n) {
  size_t len = strlen(n);
  if (n[0] == '.')
    return 0;
  return (len > 5 && strcmp(n + len - 5, ".yaml") == 0) ||
         (len > 4 && strcmp(n + len - 4, ".yml") == 0) ||
         (len > 5 && strcmp(n + len - 5, ".json") == 0);
}

/* Add the scenario files of a folder (sorted). */
static int add_folder(strlist *files, const char *dir, ss_error *err) {
  DIR *d = opendir(dir);
  if (!d)
    return ss_error_set(err, dir, NULL, "cannot open folder: %s",
                        strerror(errno));
  strlist names = {0};
  struct dirent *de;
  int rc = 0;
  while ((de = readdir(d)) != NULL)
    if (scenario_name(de->d_name) && list_add(&names, de->d_name) != 0) {
      rc = ss_error_oom(err, dir, NULL);
      break;
    }
  closedir(d);
  if (rc == 0 && names.n == 0)
    rc = ss_error_set(err, dir, NULL,
                      "no scenario files (*.yaml, *.yml, *.json) in folder");
  if (rc == 0)
    qsort(names.v, names.n, sizeof *names.v, cmp_str);
  for (size_t i = 0; rc == 0 && i < names.n; i++) {
    size_t len = strlen(dir) + strlen(names.v[i]) + 2;
    char *p = malloc(len);
    if (!p) {
      rc = ss_error_oom(err, dir, NULL);
      break;
    }
    size_t dl = strlen(dir);
    snprintf(p, len, "%s%s%s", dir, dl && dir[dl - 1] == '/' ? "" : "/",
             names.v[i]);
    if (list_add(files, p) != 0)
      rc = ss_error_oom(err, dir, NULL);
    free(p);
  }
  list_free(&names);
  return rc;
}

/* ---- progress ---------------------------------------------------------- */

typedef struct progress {
  int on;
  const char *name;
  size_t index, count;
  double t0, last;
  int drawn;
} progress;

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void fmt_eta(char *buf, size_t size, double s) {
  if (!(s >= 0) || s > 1e7) {
    snprintf(buf, size, "--:--");
    return;
  }
  long t = (long)(s + 0.5);
  if (t >= 3600)
    snprintf(buf, size, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
  else
    snprintf(buf, size, "%ld:%02ld", t / 60, t % 60);
}

static void on_progress(void *ctx, uint64_t done, uint64_t total) {
  progress *pg = ctx;
  if (!pg->on)
    return;
  double t = now_s();
  if (done < total && t - pg->last < 0.1)
    return;
  pg->last = t;
  double el = t - pg->t0;
  double rate = el > 0 ? (double)done / el : 0;
  double frac = total ? (double)done / (double)total : 1;
  char eta[32];
  fmt_eta(eta, sizeof eta, rate > 0 ? (double)(total - done) / rate : -1);
  char bar[31];
  int fill = (int)(frac * 30);
  for (int i = 0; i < 30; i++)
    bar[i] = i < fill ? '#' : '.';
  bar[30] = '\0';
  fprintf(stderr,
          "\r[%zu/%zu] %-18.18s %3d%% |%s| %llu/%llu rows %.3g/s ETA %s\033[K",
          pg->index, pg->count, pg->name, (int)(frac * 100), bar,
          (unsigned long long)done, (unsigned long long)total, rate, eta);
  pg->drawn = 1;
}

static void progress_clear(progress *pg) {
  if (pg->on && pg->drawn)
    fputs("\r\033[K", stderr);
  pg->drawn = 0;
}

/* ---- charts and report (plots/) ---------------------------------------- */

/* ctx: the profile store path when the scenario uses the default store
 * (its resolved YAML then has no path for plots to read), else NULL. */
int run_finish_charts(void *ctx, const char *dir, const prof_set *profiles,
                      ss_error *err) {
  plot_options po;
  plot_options_init(&po);
  po.profiles = ctx;
  po.profile_set = profiles;
  po.cancel = &stop_requested;
  plot_summary sum;
  memset(&sum, 0, sizeof sum);
  int rc = plot_scenario_outputs_ex(dir, &po, &sum, err);
  /* One clear line when gnuplot is missing (tables and .gp still written). */
  static int told;
  if (rc == 0 && sum.gnuplot_missing && sum.message[0] && !told) {
    fprintf(stderr, "splitsim run: %s\n", sum.message);
    told = 1;
  }
  return rc;
}

/* ---- the command ------------------------------------------------------- */

int cmd_run(int argc, char **argv) {
  ss_error err0;
  static const struct option opts[] = {
      {"output", required_argument, 0, 'o'},
      {"jobs", required_argument, 0, 'j'},
      {"resume", no_argument, 0, 'r'},
      {"force", no_argument, 0, 'f'},
      {"max-output-gb", required_argument, 0, 'G'},
      {"no-report", no_argument, 0, 'n'},
      {"quiet", no_argument, 0, 'q'},
      {"shard", required_argument, 0, 's'},
      {"mpi", no_argument, 0, 'm'},
      {"help", no_argument, 0, 'h'},
      {0, 0, 0, 0}};
  const char *outroot = "out";
  long jobs = 1;
  int resume = 0, force = 0, no_report = 0, quiet = 0, c;
  double max_gb = 0;
  run_dist dist;
  memset(&dist, 0, sizeof dist);
  char stopped_in[PATH_MAX + 256] = "OUTROOT/<name>";
  optind = 1;
  while ((c = getopt_long(argc, argv, ":o:j:qh", opts, NULL)) != -1) {
    switch (c) {
    case 'o':
      outroot = optarg;
      break;
    case 'j': {
      char *end;
      errno = 0;
      jobs = strtol(optarg, &end, 10);
      if (errno || *end || end == optarg || jobs < 1 || jobs > 256)
        return cli_usage_error("run",
                               "--jobs wants a whole number 1..256, "
                               "got '%s'",
                               optarg);
      break;
    }
    case 'r':
      resume = 1;
      break;
    case 'f':
      force = 1;
      break;
    case 'G':
      if (ss_parse_double(optarg, &max_gb) != 0 || !(max_gb > 0))
        return cli_usage_error(
            "run", "--max-output-gb wants a number > 0, got '%s'", optarg);
      break;
    case 'n':
      no_report = 1;
      break;
    case 'q':
      quiet = 1;
      break;
    case 's': {
      unsigned long k, n;
      int used = 0;
      if (sscanf(optarg, "%lu/%lu%n", &k, &n, &used) != 2 || optarg[used] ||
          optarg[0] == '-' || n < 1 || n > 1000000 || k >= n)
        return cli_usage_error(
            "run", "--shard wants K/N with 0 <= K < N, got '%s'", optarg);
      dist.shard = 1;
      dist.k = k;
      dist.n = n;
      break;
    }
    case 'm':
      dist.mpi = 1;
      break;
    case 'h':
      run_help(stdout);
      return 0;
    default:
      return cli_option_error("run", c, argv);
    }
  }
  if (optind >= argc)
    return cli_usage_error("run", "no scenario files given");
  if (!*outroot)
    return cli_usage_error("run", "-o wants a folder");
  if (dist.shard && dist.mpi)
    return cli_usage_error("run", "--shard and --mpi do not go together");
  if (dist.mpi) {
    ss_error_clear(&err0);
    if (mpi_units_init(NULL, NULL, &dist.rank, &dist.size, &err0) != 0 ||
        mpi_units_new(&stop_requested, &dist.mu, &err0) != 0) {
      fprintf(stderr, "splitsim run: --mpi: %s\n", err0.msg);
      return 1;
    }
    if (dist.rank != 0)
      quiet = 1;
  }

  int failed = 0;
  ss_error err;
  strlist files = {0}, names = {0}, owners = {0};
  for (int i = optind; i < argc; i++) {
    struct stat st;
    ss_error_clear(&err);
    if (stat(argv[i], &st) != 0) {
      ss_error_set(&err, argv[i], NULL, "cannot read: %s", strerror(errno));
      cli_print_error(&err);
      failed = 1;
    } else if (S_ISDIR(st.st_mode)) {
      if (add_folder(&files, argv[i], &err) != 0) {
        cli_print_error(&err);
        failed = 1;
      }
    } else if (list_add(&files, argv[i]) != 0) {
      fprintf(stderr, "splitsim run: out of memory\n");
      list_free(&files);
      return 1;
    }
  }

  char store_buf[PATH_MAX + 64], hint[3 * PATH_MAX];
  const char *store =
      cli_default_store(store_buf, sizeof store_buf, hint, sizeof hint);

  struct sigaction sa, old_int, old_term;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, &old_int);
  sigaction(SIGTERM, &sa, &old_term);
  stop_requested = 0;

  progress pg = {0};
  pg.on = !quiet && isatty(2);
  pg.count = files.n;

  for (size_t i = 0; i < files.n && !stop_requested; i++) {
    const char *file = files.v[i];
    scn_scenario *s = NULL;
    ss_error_clear(&err);
    if (dist.mpi && i > 0 && mpi_units_scenario_end(dist.mu, i - 1, &err) != 0)
      break;
    if (scn_load(file, &s, &err) != 0) {
      if (dist.rank == 0)
        cli_print_error(&err);
      failed = 1;
      continue;
    }
    size_t dup = 0;
    while (dup < names.n && strcmp(names.v[dup], s->name) != 0)
      dup++;
    if (dup < names.n) {
      ss_error_set(&err, file, NULL,
                   "scenario name '%s' is also used by %s; their output "
                   "folders would collide (set a different name:)",
                   s->name, owners.v[dup]);
      if (dist.rank == 0)
        cli_print_error(&err);
      failed = 1;
      scn_free(s);
      continue;
    }
    if (list_add(&names, s->name) != 0 || list_add(&owners, file) != 0) {
      scn_free(s);
      failed = 1;
      break;
    }
    sim_run_options ro;
    memset(&ro, 0, sizeof ro);
    ro.base.jobs = (unsigned)jobs;
    ro.base.cancel = &stop_requested;
    ro.base.progress = on_progress;
    ro.base.progress_ctx = &pg;
    ro.outroot = outroot;
    ro.default_profiles = store;
    ro.default_profiles_hint = hint;
    ro.resume = resume;
    ro.force = force;
    ro.max_output_bytes = max_gb * 1e9;
    if (!no_report) {
      ro.finish = run_finish_charts;
      ro.finish_ctx = s->profiles ? NULL : (void *)store;
    }
    pg.name = s->name;
    pg.index = i + 1;
    pg.t0 = now_s();
    pg.last = pg.t0;
    snprintf(stopped_in, sizeof stopped_in, "%s/%s", outroot, s->name);
    if ((dist.mpi && dist.rank == 0) || dist.shard)
      set_stop_msg(stopped_in);
    sim_run_report rep;
    char note[8192] = "";
    int rc = dist.shard || dist.mpi ? run_dist_scenario(s, &ro, &dist, i, &rep,
                                                        note, sizeof note, &err)
                                    : sim_run(s, &ro, &rep, &err);
    progress_clear(&pg);
    if (rc != 0 && dist.rank != 0 && mpi_units_abandoned(dist.mu)) {
      rc = 0; /* rank 0 ended it; it reports */
    } else if (rc != 0) {
      if (!stop_requested && !sim_interrupted(&err) && dist.rank != 0)
        fprintf(stderr, "splitsim run: rank %d: ", dist.rank);
      if (!stop_requested && !sim_interrupted(&err)) {
        cli_print_error(&err);
        if (rep.report_failed)
          fprintf(stderr,
                  "splitsim run: %s: the tables are in %s/ but the charts "
                  "or report failed\n",
                  s->name, rep.outdir);
      }
      failed = 1;
    } else if (!quiet && note[0]) {
      printf("%s\n", note);
      fflush(stdout);
    } else if (!quiet) {
      if (rep.skipped)
        printf("%s: up to date in %s/ (skipped, --resume)\n", s->name,
               rep.outdir);
      else
        printf("%s: %zu point%s x %zu model%s -> %s/ (%.2f s)\n", s->name,
               rep.n_points, rep.n_points == 1 ? "" : "s", rep.n_models,
               rep.n_models == 1 ? "" : "s", rep.outdir, rep.t.total_s);
      fflush(stdout);
    }
    if (rc == 0 && rep.n_unstable) {
      fprintf(stderr,
              "splitsim run: warning: %s: %zu load simulation run%s unstable "
              "(utilisation >= 1) or capped; see the status column of "
              "%s/sim.csv\n",
              s->name, rep.n_unstable, rep.n_unstable == 1 ? " is" : "s are",
              rep.outdir);
    }
    scn_free(s);
  }
  if (dist.mpi && files.n && !stop_requested &&
      mpi_units_scenario_end(dist.mu, files.n - 1, &err) != 0)
    failed = 1;
  sigaction(SIGINT, &old_int, NULL);
  sigaction(SIGTERM, &old_term, NULL);
  list_free(&files);
  list_free(&names);
  list_free(&owners);
  if (dist.mpi) {
    mpi_units_free(dist.mu);
    if (!stop_requested)
      mpi_units_finalize();
  }
  if (stop_requested && (dist.mpi || dist.shard)) {
    if (dist.rank == 0 && !stop_msg_done) { /* stopped between scenarios */
      set_stop_msg(stopped_in);
      fputs(stop_msg, stderr);
    }
    return 130;
  }
  if (stop_requested) {
    fprintf(stderr, "splitsim run: interrupted; no partial output was "
                    "left (--resume continues the batch)\n");
    return 130;
  }
  return failed ? 1 : 0;
}
