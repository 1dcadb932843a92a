/* splitsim merge: combine the shard journals of `splitsim run --shard K/N`
 * into exactly the files one process writes. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "run_dist.h"

static void merge_help(FILE *fp) {
  fprintf(
      fp,
      "usage: splitsim merge [-j N] [-q] OUTROOT/NAME...\n\n"
      "Merge the shard files OUTROOT/NAME/shard-K-of-N.units written by\n"
      "`splitsim run --shard K/N` (K = 0..N-1, possibly on many machines\n"
      "at once) into the folder one `splitsim run` writes: the same\n"
      "tables, studies, charts, report and run.json, byte for byte\n"
      "except the timings and jobs in run.json. The shard files are\n"
      "removed afterwards. A missing, unfinished or foreign shard (another\n"
      "scenario, other inputs, another version or split) is refused with\n"
      "its name. The scenario file and profiles the shards recorded must\n"
      "be readable here.\n\n"
      "  -j, --jobs N   threads for the parts not computed in the shards\n"
      "  -q, --quiet    print only errors\n"
      "  -h, --help     show this help\n\n"
      "Exit status: 0 merged, 1 failure, 2 usage error, 130 interrupted.\n");
}

int cmd_merge(int argc, char **argv) {
  static const struct option opts[] = {{"jobs", required_argument, 0, 'j'},
                                       {"quiet", no_argument, 0, 'q'},
                                       {"help", no_argument, 0, 'h'},
                                       {0, 0, 0, 0}};
  long jobs = 1;
  int quiet = 0, c;
  optind = 1;
  while ((c = getopt_long(argc, argv, ":j:qh", opts, NULL)) != -1) {
    switch (c) {
    case 'j': {
      char *end;
      errno = 0;
      jobs = strtol(optarg, &end, 10);
      if (errno || *end || end == optarg || jobs < 1 || jobs > 256)
        return cli_usage_error(
            "merge", "--jobs wants a whole number 1..256, got '%s'", optarg);
      break;
    }
    case 'q':
      quiet = 1;
      break;
    case 'h':
      merge_help(stdout);
      return 0;
    default:
      return cli_option_error("merge", c, argv);
    }
  }
  if (optind >= argc)
    return cli_usage_error("merge", "no scenario folder given");
  cli_catch_signals();
  int failed = 0;
  for (int i = optind; i < argc && !cli_stop; i++) {
    ss_error err;
    ss_error_clear(&err);
    sim_run_report rep;
    size_t n_shards = 0;
    unsigned long long units = 0;
    if (run_dist_merge(argv[i], NULL, (unsigned)jobs, &cli_stop, 1, &rep,
                       &n_shards, &units, &err) != 0) {
      if (!cli_stop)
        cli_print_error(&err);
      failed = 1;
    } else if (!quiet) {
      printf("%s: merged %zu shard%s (%llu unit%s) -> %s/ (%.2f s)\n", argv[i],
             n_shards, n_shards == 1 ? "" : "s", units, units == 1 ? "" : "s",
             rep.outdir, rep.t.total_s);
    }
  }
  cli_restore_signals();
  if (cli_stop) {
    fprintf(stderr, "splitsim merge: interrupted; the shard files are "
                    "untouched and no output folder was written\n");
    return 130;
  }
  return failed ? 1 : 0;
}
