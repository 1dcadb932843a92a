/* splitsim profiles / show / export: look into a profile store. */
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../common/ss_io.h"
#include "../common/ss_manifest.h"
#include "../common/ss_text.h"
#include "../profiles/import.h"
#include "../profiles/store.h"
#include "cli.h"
#include "commands.h"

static const char *or_dash(const char *s) { return s && s[0] ? s : "-"; }

/* An input size, or "unknown" (the profile model's -1). */
static void bytes_or_unknown(char *buf, size_t size, int64_t bytes) {
  if (bytes < 0)
    snprintf(buf, size, "unknown");
  else
    snprintf(buf, size, "%lld", (long long)bytes);
}

/* A time in seconds, or "unknown" for NaN. */
static void time_or_unknown(char *buf, size_t size, double t) {
  if (isnan(t))
    snprintf(buf, size, "unknown");
  else
    snprintf(buf, size, "%.6g", t);
}

/* The default store's path in buf, or NULL after saying where it looked. */
static const char *store_or_default(const char *cmd, char *buf, size_t size) {
  char hint[3 * PATH_MAX];
  const char *p = cli_default_store(buf, size, hint, sizeof hint);
  if (!p)
    fprintf(stderr, "splitsim %s: no STORE given and no default store %s\n",
            cmd, hint);
  return p;
}

/* Parse options that are only --help; returns -1 to continue, else exit. */
static int help_only(int argc, char **argv, const char *cmd,
                     void (*help)(FILE *)) {
  static const struct option opts[] = {{"help", no_argument, 0, 'h'},
                                       {0, 0, 0, 0}};
  int c;
  optind = 1;
  while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
    if (c == 'h') {
      help(stdout);
      return 0;
    }
    return cli_option_error(cmd, c, argv);
  }
  return -1;
}

static void profiles_help(FILE *fp) {
  fprintf(
      fp,
      "usage: splitsim profiles [STORE]\n\n"
      "List the systems (tier hint, cpu/gpu, hardware, source) and the "
      "models\n(block counts, input bytes, and for each system the sum of "
      "block times\nagainst the whole-model time when it was measured) of "
      "STORE. STORE may\nbe an HDF5 store, a folder of Scission .dat files "
      "or any importable file. Without STORE: the default store "
      "that\n'splitsim "
      "run' uses ($SPLITSIM_PROFILES, else default-profiles.h5\nnext to the "
      "binary, else ../share/splitsim/).\n");
}

int cmd_profiles(int argc, char **argv) {
  int r = help_only(argc, argv, "profiles", profiles_help);
  if (r >= 0)
    return r;
  if (argc - optind > 1)
    return cli_usage_error("profiles", "expected at most one STORE");
  char buf[PATH_MAX + 64];
  const char *path = argc - optind == 1
                         ? argv[optind]
                         : store_or_default("profiles", buf, sizeof buf);
  prof_set *set = NULL;
  if (!path || cli_load_profiles(path, &set) != 0)
    return 1;
  if (argc - optind == 0)
    printf("Store: %s (the default)\n", path);
  printf("Systems (%zu):\n", set->n_systems);
  printf("  %-14s %-7s %-5s %6s  %-40s %s\n", "NAME", "TIER", "KIND", "MODELS",
         "HARDWARE", "SOURCE (IMPORTER, DATE)");
  for (size_t i = 0; i < set->n_systems; i++) {
    const prof_system *s = &set->systems[i];
    printf("  %-14s %-7s %-5s %6zu  %-40s %s (%s, %s)\n", s->name,
           or_dash(s->tier_hint), or_dash(s->kind), s->n_models,
           or_dash(s->hardware), or_dash(s->source_file), or_dash(s->importer),
           or_dash(s->import_date));
  }
  /* Models in first-seen order across systems. */
  printf("\nModels:\n  %-20s %6s %12s  %s\n", "NAME", "BLOCKS", "INPUT_BYTES",
         "SYSTEMS (sum of block times / whole-model time)");
  for (size_t i = 0; i < set->n_systems; i++) {
    for (size_t j = 0; j < set->systems[i].n_models; j++) {
      const prof_model *m = &set->systems[i].models[j];
      int seen = 0;
      for (size_t k = 0; k < i && !seen; k++)
        seen = prof_system_find_model(&set->systems[k], m->name) != NULL;
      if (seen)
        continue;
      char in[32];
      bytes_or_unknown(in, sizeof in, m->input_bytes);
      printf("  %-20s %6zu %12s ", m->name, m->n_blocks, in);
      for (size_t k = i; k < set->n_systems; k++) {
        const prof_model *o = prof_system_find_model(&set->systems[k], m->name);
        if (!o)
          continue;
        double sum = prof_model_sum_time_s(o);
        if (isnan(o->whole_model_time_s) || o->whole_model_time_s <= 0)
          printf(" %s(%.4gs)", set->systems[k].name, sum);
        else
          printf(" %s(%.4gs/%.4gs=%.2f)", set->systems[k].name, sum,
                 o->whole_model_time_s, sum / o->whole_model_time_s);
      }
      printf("\n");
    }
  }
  prof_set_free(set);
  return 0;
}

static void show_help(FILE *fp) {
  fprintf(fp, "usage: splitsim show [STORE] SYSTEM MODEL\n\n"
              "Print SYSTEM's block table for MODEL: index, first/last layer, "
              "names,\nmedian/p10/p90 time in seconds and output bytes. "
              "Without STORE: the\ndefault store, as for 'splitsim "
              "profiles'.\n");
}

/* The end of a one-line "not found" error: " (did you mean 'x'?); known
 * <what>: a, b, c". */
static void list_known(const char *what, const char *best,
                       const char *const *names, size_t n) {
  if (best)
    fprintf(stderr, " (did you mean '%s'?)", best);
  fprintf(stderr, "; known %s:", what);
  for (size_t i = 0; i < n; i++)
    fprintf(stderr, "%s %s", i ? "," : "", names[i]);
  fprintf(stderr, "\n");
}

int cmd_show(int argc, char **argv) {
  int r = help_only(argc, argv, "show", show_help);
  if (r >= 0)
    return r;
  int nargs = argc - optind;
  if (nargs != 2 && nargs != 3)
    return cli_usage_error("show", "expected [STORE] SYSTEM MODEL");
  char buf[PATH_MAX + 64];
  const char *path =
      nargs == 3 ? argv[optind] : store_or_default("show", buf, sizeof buf);
  if (!path)
    return 1;
  const char *sys_name = argv[argc - 2], *model_name = argv[argc - 1];
  prof_set *set = NULL;
  if (cli_load_profiles(path, &set) != 0)
    return 1;
  int rc = 1;
  const prof_system *sys = prof_set_find_system(set, sys_name);
  const prof_model *m = sys ? prof_system_find_model(sys, model_name) : NULL;
  if (!sys) {
    fprintf(stderr, "splitsim: %s: error: no system '%s'", path, sys_name);
    const char *names[256];
    size_t n = 0;
    for (size_t i = 0; i < set->n_systems && n < 256; i++)
      names[n++] = set->systems[i].name;
    list_known("systems", cli_suggest(set, sys_name, 0), names, n);
    goto done;
  }
  if (!m) {
    fprintf(stderr, "splitsim: %s: error: system '%s' has no model '%s'", path,
            sys_name, model_name);
    const char *names[256];
    size_t n = 0;
    for (size_t i = 0; i < sys->n_models && n < 256; i++)
      names[n++] = sys->models[i].name;
    prof_set one = {1, (prof_system *)sys};
    list_known("models", cli_suggest(&one, model_name, 1), names, n);
    goto done;
  }
  char in[32];
  bytes_or_unknown(in, sizeof in, m->input_bytes);
  printf("system %s, model %s: %zu %s, input %s%s, sum of block times "
         "%.6g s",
         sys->name, m->name, m->n_blocks,
         ss_plural(m->n_blocks, "block", "blocks"), in,
         m->input_bytes >= 0 ? " bytes" : "", prof_model_sum_time_s(m));
  if (!isnan(m->whole_model_time_s))
    printf(", whole model %.6g s", m->whole_model_time_s);
  printf("\n%5s %6s %6s  %-24s %-24s %13s %13s %13s %12s\n", "BLOCK", "FIRST",
         "LAST", "FIRST_NAME", "LAST_NAME", "TIME_S", "P10_S", "P90_S",
         "OUTPUT_BYTES");
  for (size_t b = 0; b < m->n_blocks; b++) {
    const prof_block *k = &m->blocks[b];
    char p10[32], p90[32];
    time_or_unknown(p10, sizeof p10, k->time_s_p10);
    time_or_unknown(p90, sizeof p90, k->time_s_p90);
    printf("%5zu %6lld %6lld  %-24s %-24s %13.6g %13s %13s %12lld\n", b,
           (long long)k->first_layer, (long long)k->last_layer,
           or_dash(k->first_name), or_dash(k->last_name), k->time_s, p10, p90,
           (long long)k->output_bytes);
  }
  rc = 0;
done:
  prof_set_free(set);
  return rc;
}

static void export_help(FILE *fp) {
  fprintf(fp, "usage: splitsim export STORE --format csv|json -o FILE "
              "[--force]\n\n"
              "Write every system of STORE to FILE. csv writes FILE and its "
              "provenance\nFILE.json beside it (same base name, .json); json "
              "writes one splitsim\nJSON profile. Both import back losslessly "
              "with 'splitsim import'.\nAn existing file is replaced only "
              "when an export of the same kind wrote it\n(recorded with its "
              "SHA-256 in splitsim-manifest.txt in its folder) and it\nis "
              "unchanged since; --force replaces any.\n");
}

/* 1 when text names the CSV sidecar format. */
static int is_sidecar(const char *path) {
  char *text = ss_read_file(path, SS_MAX_INPUT_BYTES, NULL, NULL);
  int yes = text && strstr(text, "\"splitsim-csv-sidecar\"") != NULL;
  free(text);
  return yes;
}

/* An existing target may be replaced: this export kind wrote it (a sidecar
 * is never replaced by a JSON export, nor the other way round). */
static int may_replace(const char *path, int want_sidecar, int force,
                       ss_error *err) {
  struct stat st;
  if (force || lstat(path, &st) != 0)
    return 0;
  if (ss_manifest_file_ours(path) && is_sidecar(path) == want_sidecar)
    return 0;
  return ss_error_set(err, path, NULL,
                      "exists and was not written by an export of this kind%s; "
                      "nothing was written (choose another -o, or pass "
                      "--force to replace it)",
                      want_sidecar ? " (it would be the CSV's sidecar)" : "");
}

static int export_to(const prof_set *set, const char *format, const char *out,
                     int force, ss_error *err) {
  int csv = strcmp(format, "csv") == 0;
  char side[4200];
  if (csv && prof_csv_sidecar_path(out, side, sizeof side) != 0)
    return ss_error_set(err, out, NULL, "path too long");
  if (may_replace(out, 0, force, err) != 0 ||
      (csv && may_replace(side, 1, force, err) != 0))
    return -1;
  if ((csv ? prof_export_csv(set, out, err)
           : prof_export_json(set, out, err)) != 0)
    return -1;
  const char *written[] = {out, side};
  return ss_manifest_record(written, csv ? 2 : 1, err);
}

int cmd_export(int argc, char **argv) {
  static const struct option opts[] = {{"format", required_argument, 0, 'f'},
                                       {"output", required_argument, 0, 'o'},
                                       {"force", no_argument, 0, 'F'},
                                       {"help", no_argument, 0, 'h'},
                                       {0, 0, 0, 0}};
  const char *format = NULL, *out = NULL;
  int c, force = 0;
  optind = 1;
  while ((c = getopt_long(argc, argv, ":f:o:h", opts, NULL)) != -1) {
    switch (c) {
    case 'f':
      format = optarg;
      break;
    case 'o':
      out = optarg;
      break;
    case 'F':
      force = 1;
      break;
    case 'h':
      export_help(stdout);
      return 0;
    default:
      return cli_option_error("export", c, argv);
    }
  }
  if (argc - optind != 1)
    return cli_usage_error("export", "expected exactly one STORE");
  if (!format || (strcmp(format, "csv") != 0 && strcmp(format, "json") != 0))
    return cli_usage_error("export", "--format must be csv or json");
  if (!out)
    return cli_usage_error("export", "missing -o FILE");
  ss_error err;
  ss_error_clear(&err);
  prof_set *set = NULL;
  if (cli_load_profiles(argv[optind], &set) != 0)
    return 1;
  int rc = 1;
  if (export_to(set, format, out, force, &err) != 0)
    goto fail;
  rc = 0;
fail:
  if (rc)
    cli_print_error(&err);
  prof_set_free(set);
  return rc;
}
