/* splitsim run: run scenario files (sweeps, tables, charts) in a batch. */
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

#include "../common/ss_dir.h"
#include "../common/ss_io.h"
#include "../plots/plots.h"
#include "../scenarios/scenario.h"
#include "../sim/sim.h"
#include "cli.h"
#include "commands.h"
#include "mpi_units.h"
#include "run_dist.h"

/* The one line a stopped distributed run prints, for scenario folder dir.
 * With --shard/--mpi the signal handler writes it itself (cli_stop_message):
 * mpirun follows its SIGTERM with a SIGKILL soon after. */
static void stop_line(const char *dir, char *line, size_t size) {
  int n = snprintf(line, size,
                   "splitsim run: stopped (a rank died, or the job was "
                   "cancelled): no output was written for %s; the units done "
                   "so far are kept in %s/shard-*.units and --resume computes "
                   "only the missing ones\n",
                   dir, dir);
  if (n < 0 || (size_t)n >= size)
    line[0] = '\0';
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
      "  -j, --jobs N          threads per scenario (default 1), and gnuplot\n"
      "                        runs at once for the charts (default: CPUs, at\n"
      "                        most 8); the output is identical for every N\n"
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

static int scenario_name(const char *dir, const char *n, const void *ctx) {
  (void)dir;
  (void)ctx;
  size_t len = strlen(n);
  if (n[0] == '.')
    return 0;
  return (len > 5 && strcmp(n + len - 5, ".yaml") == 0) ||
         (len > 4 && strcmp(n + len - 4, ".yml") == 0) ||
         (len > 5 && strcmp(n + len - 5, ".json") == 0);
}

/* Add the scenario files of a folder (sorted). */
static int add_folder(strlist *files, const char *dir, ss_error *err) {
  char **names;
  size_t n;
  if (ss_dir_list(dir, scenario_name, NULL, &names, &n, err) != 0)
    return -1;
  int rc = 0;
  if (n == 0)
    rc = ss_error_set(err, dir, NULL,
                      "no scenario files (*.yaml, *.yml, *.json) in folder");
  size_t dl = strlen(dir);
  for (size_t i = 0; rc == 0 && i < n; i++) {
    size_t len = dl + strlen(names[i]) + 2;
    char *p = malloc(len);
    if (!p) {
      rc = ss_error_oom(err, dir, NULL);
      break;
    }
    snprintf(p, len, "%s%s%s", dir, dl && dir[dl - 1] == '/' ? "" : "/",
             names[i]);
    if (list_add(files, p) != 0)
      rc = ss_error_oom(err, dir, NULL);
    free(p);
  }
  ss_dir_names_free(names, n);
  return rc;
}

/* ---- progress ---------------------------------------------------------- */

static void on_progress(void *ctx, uint64_t done, uint64_t total) {
  cli_progress_show(ctx, NULL, "rows", done, total);
}

/* ---- charts and report (plots/) ---------------------------------------- */

/* ctx: a run_finish_ctx (run_dist.h). */
int run_finish_charts(void *ctx, const char *dir, const prof_set *profiles,
                      ss_error *err) {
  const run_finish_ctx *fc = ctx;
  plot_options po;
  plot_options_init(&po);
  po.profiles = fc->store;
  po.profile_set = profiles;
  po.cancel = &cli_stop;
  po.jobs = fc->jobs;
  if (fc->progress && fc->progress->on) {
    po.progress = cli_plot_progress;
    po.progress_ctx = fc->progress;
  }
  plot_summary sum;
  memset(&sum, 0, sizeof sum);
  int rc = plot_scenario_outputs_ex(dir, &po, &sum, err);
  cli_progress_clear(fc->progress);
  /* One clear line when gnuplot is missing (tables and .gp still written). */
  static int told;
  if (rc == 0 && sum.gnuplot_missing && sum.message[0] && !told) {
    fprintf(stderr, "splitsim run: %s\n", sum.message);
    told = 1;
  }
  return rc;
}

/* ---- the command ------------------------------------------------------- */

/* What the command line asked for. */
typedef struct run_cli {
  const char *outroot;
  long jobs;
  int jobs_given; /* --jobs was given: it also sets the gnuplot runs */
  int resume, force, no_report, quiet;
  double max_gb;
  run_dist dist;
} run_cli;

/* The batch being run: its files, the names seen so far and their files. */
typedef struct run_batch {
  run_cli *cli;
  strlist files, names, owners;
  const char *store, *hint;
  cli_progress pg;
  run_finish_ctx fin;
  char stopped_in[PATH_MAX + 256];
  int failed;
} run_batch;

static int parse_jobs(const char *arg, long *jobs) {
  char *end;
  errno = 0;
  *jobs = strtol(arg, &end, 10);
  if (errno || *end || end == arg || *jobs < 1 || *jobs > 256)
    return cli_usage_error("run",
                           "--jobs wants a whole number 1..256, "
                           "got '%s'",
                           arg);
  return -1;
}

static int parse_shard(const char *arg, run_dist *dist) {
  unsigned long k, n;
  int used = 0;
  if (sscanf(arg, "%lu/%lu%n", &k, &n, &used) != 2 || arg[used] ||
      arg[0] == '-' || n < 1 || n > 1000000 || k >= n)
    return cli_usage_error("run", "--shard wants K/N with 0 <= K < N, got '%s'",
                           arg);
  dist->shard = 1;
  dist->k = k;
  dist->n = n;
  return -1;
}

/* One option into cli; -1 to go on, else the exit status. */
static int parse_option(int c, char **argv, run_cli *cli) {
  switch (c) {
  case 'o':
    cli->outroot = optarg;
    return -1;
  case 'j':
    cli->jobs_given = 1;
    return parse_jobs(optarg, &cli->jobs);
  case 'r':
    cli->resume = 1;
    return -1;
  case 'f':
    cli->force = 1;
    return -1;
  case 'G':
    if (ss_parse_double(optarg, &cli->max_gb) != 0 || !(cli->max_gb > 0))
      return cli_usage_error(
          "run", "--max-output-gb wants a number > 0, got '%s'", optarg);
    return -1;
  case 'n':
    cli->no_report = 1;
    return -1;
  case 'q':
    cli->quiet = 1;
    return -1;
  case 's':
    return parse_shard(optarg, &cli->dist);
  case 'm':
    cli->dist.mpi = 1;
    return -1;
  case 'h':
    run_help(stdout);
    return 0;
  default:
    return cli_option_error("run", c, argv);
  }
}

/* The options, checked together; -1 to go on, else the exit status. */
static int parse_args(int argc, char **argv, run_cli *cli) {
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
  int c, rc;
  optind = 1;
  while ((c = getopt_long(argc, argv, ":o:j:qh", opts, NULL)) != -1)
    if ((rc = parse_option(c, argv, cli)) != -1)
      return rc;
  if (optind >= argc)
    return cli_usage_error("run", "no scenario files given");
  if (!*cli->outroot)
    return cli_usage_error("run", "-o wants a folder");
  if (cli->dist.shard && cli->dist.mpi)
    return cli_usage_error("run", "--shard and --mpi do not go together");
  return -1;
}

/* --mpi: join the ranks; -1 to go on, else the exit status. */
static int start_mpi(run_cli *cli) {
  ss_error err;
  ss_error_clear(&err);
  if (mpi_units_init(NULL, NULL, &cli->dist.rank, &cli->dist.size, &err) != 0 ||
      mpi_units_new(&cli_stop, &cli->dist.mu, &err) != 0) {
    fprintf(stderr, "splitsim run: --mpi: %s\n", err.msg);
    return 1;
  }
  if (cli->dist.rank != 0)
    cli->quiet = 1;
  return -1;
}

/* The scenario files named on the command line (folders expanded);
 * -1 to go on, else the exit status. */
static int collect_files(int argc, char **argv, run_batch *b) {
  ss_error err;
  for (int i = optind; i < argc; i++) {
    struct stat st;
    ss_error_clear(&err);
    if (stat(argv[i], &st) != 0) {
      ss_error_set(&err, argv[i], NULL, "cannot read: %s", strerror(errno));
      cli_print_error(&err);
      b->failed = 1;
    } else if (S_ISDIR(st.st_mode)) {
      if (add_folder(&b->files, argv[i], &err) != 0) {
        cli_print_error(&err);
        b->failed = 1;
      }
    } else if (list_add(&b->files, argv[i]) != 0) {
      fprintf(stderr, "splitsim run: out of memory\n");
      list_free(&b->files);
      return 1;
    }
  }
  return -1;
}

/* Refuse a scenario whose name another one of the batch already uses;
 * 0 when the name is new (and recorded), 1 when refused, -1 out of memory. */
static int claim_name(run_batch *b, const scn_scenario *s, const char *file,
                      ss_error *err) {
  size_t dup = 0;
  while (dup < b->names.n && strcmp(b->names.v[dup], s->name) != 0)
    dup++;
  if (dup < b->names.n) {
    ss_error_set(err, file, NULL,
                 "scenario name '%s' is also used by %s; their output "
                 "folders would collide (set a different name:)",
                 s->name, b->owners.v[dup]);
    if (b->cli->dist.rank == 0)
      cli_print_error(err);
    return 1;
  }
  if (list_add(&b->names, s->name) != 0 || list_add(&b->owners, file) != 0)
    return -1;
  return 0;
}

static void fill_run_options(run_batch *b, const scn_scenario *s,
                             sim_run_options *ro) {
  const run_cli *cli = b->cli;
  memset(ro, 0, sizeof *ro);
  ro->base.jobs = (unsigned)cli->jobs;
  ro->base.cancel = &cli_stop;
  ro->base.progress = on_progress;
  ro->base.progress_ctx = &b->pg;
  ro->outroot = cli->outroot;
  ro->default_profiles = b->store;
  ro->default_profiles_hint = b->hint;
  ro->resume = cli->resume;
  ro->force = cli->force;
  ro->max_output_bytes = cli->max_gb * 1e9;
  if (!cli->no_report) {
    ro->finish = run_finish_charts;
    b->fin.store = s->profiles ? NULL : b->store;
    ro->finish_ctx = &b->fin;
  }
}

/* What one scenario's run printed: its error, its note or its summary. */
static void report_scenario(run_batch *b, const scn_scenario *s, int rc,
                            const sim_run_report *rep, const char *note,
                            const ss_error *err) {
  const run_cli *cli = b->cli;
  if (rc != 0 && cli->dist.rank != 0 && mpi_units_abandoned(cli->dist.mu)) {
    rc = 0; /* rank 0 ended it; it reports */
  } else if (rc != 0) {
    if (!cli_stop && !sim_interrupted(err) && cli->dist.rank != 0)
      fprintf(stderr, "splitsim run: rank %d: ", cli->dist.rank);
    if (!cli_stop && !sim_interrupted(err)) {
      cli_print_error(err);
      if (rep->report_failed)
        fprintf(stderr,
                "splitsim run: %s: the tables are in %s/ but the charts "
                "or report failed\n",
                s->name, rep->outdir);
    }
    b->failed = 1;
  } else if (!cli->quiet && note[0]) {
    printf("%s\n", note);
    fflush(stdout);
  } else if (!cli->quiet) {
    if (rep->skipped)
      printf("%s: up to date in %s/ (skipped, --resume)\n", s->name,
             rep->outdir);
    else
      printf("%s: %zu point%s x %zu model%s -> %s/ (%.2f s)\n", s->name,
             rep->n_points, rep->n_points == 1 ? "" : "s", rep->n_models,
             rep->n_models == 1 ? "" : "s", rep->outdir, rep->t.total_s);
    fflush(stdout);
  }
  if (rc == 0 && rep->n_unstable) {
    fprintf(stderr,
            "splitsim run: warning: %s: %zu load simulation run%s unstable "
            "(utilisation >= 1) or capped; see the status column of "
            "%s/sim.csv\n",
            s->name, rep->n_unstable, rep->n_unstable == 1 ? " is" : "s are",
            rep->outdir);
  }
}

/* Run loaded scenario s (index i of the batch) and report it. */
static void run_scenario(run_batch *b, size_t i, const scn_scenario *s,
                         ss_error *err) {
  run_cli *cli = b->cli;
  sim_run_options ro;
  fill_run_options(b, s, &ro);
  b->pg.name = s->name;
  b->pg.index = i + 1;
  cli_progress_start(&b->pg);
  snprintf(b->stopped_in, sizeof b->stopped_in, "%s/%s", cli->outroot, s->name);
  if ((cli->dist.mpi && cli->dist.rank == 0) || cli->dist.shard) {
    char line[3 * PATH_MAX];
    stop_line(b->stopped_in, line, sizeof line);
    cli_stop_message(line);
  }
  sim_run_report rep;
  char note[8192] = "";
  int rc = cli->dist.shard || cli->dist.mpi
               ? run_dist_scenario(s, &ro, &cli->dist, i, &rep, note,
                                   sizeof note, err)
               : sim_run(s, &ro, &rep, err);
  cli_progress_clear(&b->pg);
  report_scenario(b, s, rc, &rep, note, err);
}

/* Load and run file i of the batch; 0 to go on with the next, -1 to stop. */
static int batch_step(run_batch *b, size_t i, ss_error *err) {
  const char *file = b->files.v[i];
  const run_dist *dist = &b->cli->dist;
  scn_scenario *s = NULL;
  ss_error_clear(err);
  if (dist->mpi && i > 0 && mpi_units_scenario_end(dist->mu, i - 1, err) != 0)
    return -1;
  if (scn_load(file, &s, err) != 0) {
    if (dist->rank == 0)
      cli_print_error(err);
    b->failed = 1;
    return 0;
  }
  int named = claim_name(b, s, file, err);
  if (named == 0)
    run_scenario(b, i, s, err);
  else
    b->failed = 1;
  scn_free(s);
  return named < 0 ? -1 : 0;
}

/* The exit status once the batch is over (or stopped). */
static int batch_exit(run_batch *b) {
  run_dist *dist = &b->cli->dist;
  if (dist->mpi) {
    mpi_units_free(dist->mu);
    if (!cli_stop)
      mpi_units_finalize();
  }
  if (cli_stop && (dist->mpi || dist->shard)) {
    if (dist->rank == 0 && !cli_stop_message_written()) {
      char line[3 * PATH_MAX]; /* stopped between scenarios */
      stop_line(b->stopped_in, line, sizeof line);
      fputs(line, stderr);
    }
    return 130;
  }
  if (cli_stop) {
    fprintf(stderr, "splitsim run: interrupted; no partial output was "
                    "left (--resume continues the batch)\n");
    return 130;
  }
  return b->failed ? 1 : 0;
}

int cmd_run(int argc, char **argv) {
  run_cli cli;
  memset(&cli, 0, sizeof cli);
  cli.outroot = "out";
  cli.jobs = 1;
  int rc = parse_args(argc, argv, &cli);
  if (rc == -1 && cli.dist.mpi)
    rc = start_mpi(&cli);
  if (rc != -1)
    return rc;

  run_batch b;
  memset(&b, 0, sizeof b);
  b.cli = &cli;
  snprintf(b.stopped_in, sizeof b.stopped_in, "OUTROOT/<name>");
  if ((rc = collect_files(argc, argv, &b)) != -1)
    return rc;

  char store_buf[PATH_MAX + 64], hint[3 * PATH_MAX];
  b.store = cli_default_store(store_buf, sizeof store_buf, hint, sizeof hint);
  b.hint = hint;

  cli_catch_signals();

  b.pg.on = !cli.quiet && isatty(2);
  b.pg.count = b.files.n;
  b.fin.jobs = cli.jobs_given ? (int)cli.jobs : 0;
  b.fin.progress = &b.pg;
  ss_error err;
  for (size_t i = 0; i < b.files.n && !cli_stop; i++)
    if (batch_step(&b, i, &err) != 0)
      break;
  if (cli.dist.mpi && b.files.n && !cli_stop &&
      mpi_units_scenario_end(cli.dist.mu, b.files.n - 1, &err) != 0)
    b.failed = 1;
  cli_restore_signals();
  list_free(&b.files);
  list_free(&b.names);
  list_free(&b.owners);
  return batch_exit(&b);
}
