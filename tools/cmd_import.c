/* splitsim import: create or update an HDF5 profile store. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "../common/ss_text.h"
#include "../profiles/import.h"
#include "../profiles/store.h"
#include "cli.h"
#include "commands.h"

static void import_help(FILE *fp) {
  fprintf(fp,
          "usage: splitsim import [-q] -o STORE FILE...\n\n"
          "Import real profiles into the HDF5 store STORE (created if "
          "missing).\n"
          "FILE may be a Scission benchmark pickle (<tier>-<name>.dat), a "
          "folder\nof them, a measured CSV (with its .json beside it), or a "
          "splitsim JSON\nprofile. A system that is already in the store is "
          "replaced; everything\nelse is kept. The store is written "
          "atomically: on any error it is\nleft exactly as it was.\n\n"
          "  -o, --output STORE  the store to create or update (required)\n"
          "  -q, --quiet         print nothing on success\n"
          "  -h, --help          show this help\n");
}

/* "DIR: 2 Scission .dat files, 1 measured .csv; 2 network tables left
 * out" */
static void say_found(const char *dir, const prof_folder_found *f) {
  const struct {
    size_t n;
    const char *one, *many;
  } kinds[] = {
      {f->n_dat, "Scission .dat file", "Scission .dat files"},
      {f->n_csv, "measured .csv", "measured .csv files"},
      {f->n_json, "splitsim .json profile", "splitsim .json profiles"}};
  printf("%s:", dir);
  int first = 1;
  for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
    if (kinds[i].n) {
      printf("%s %zu %s", first ? "" : ",", kinds[i].n,
             ss_plural(kinds[i].n, kinds[i].one, kinds[i].many));
      first = 0;
    }
  if (f->n_network)
    printf("; %zu network %s left out", f->n_network,
           ss_plural(f->n_network, "table", "tables"));
  printf("\n");
}

/* Load one command-line operand: a folder of profiles, a store (its systems
 * are copied: this also upgrades an old store) or a file. */
static int load_operand(const char *path, prof_set *into, int quiet,
                        ss_error *err) {
  struct stat st;
  if (stat(path, &st) == 0 &&
      (S_ISDIR(st.st_mode) || prof_store_is_hdf5(path))) {
    prof_set *dir = NULL;
    prof_folder_found found;
    if ((S_ISDIR(st.st_mode) ? prof_load_folder(path, &dir, &found, err)
                             : prof_store_read(path, &dir, err)) != 0)
      return -1;
    if (S_ISDIR(st.st_mode) && !quiet)
      say_found(path, &found);
    for (size_t i = 0; i < dir->n_systems; i++) {
      /* move every system over */
      if (prof_set_put_system(into, &dir->systems[i], NULL, err) != 0) {
        prof_set_free(dir);
        return -1;
      }
    }
    prof_set_free(dir);
    return 0;
  }
  if (prof_import_file(path, into, err) == 0)
    return 0;
  /* A common slip: a network table given to import. Say where it goes. */
  FILE *fp = fopen(path, "r");
  char head[64] = "";
  if (fp) {
    if (!fgets(head, sizeof head, fp))
      head[0] = '\0';
    fclose(fp);
  }
  if (strncmp(head, "source,destination", 18) == 0)
    ss_error_set(err, path, NULL,
                 "this is a network table, not a profile: give it to "
                 "'splitsim predict' or a scenario's 'network:' key");
  return -1;
}

/* The options: -o STORE (set), -q, and at least one operand; -1 to go
 * on, else the exit status. */
static int import_parse_args(int argc, char **argv, const char **store_path,
                             int *quiet) {
  static const struct option opts[] = {{"output", required_argument, 0, 'o'},
                                       {"quiet", no_argument, 0, 'q'},
                                       {"help", no_argument, 0, 'h'},
                                       {0, 0, 0, 0}};
  int c;
  optind = 1;
  while ((c = getopt_long(argc, argv, ":o:qh", opts, NULL)) != -1) {
    switch (c) {
    case 'o':
      *store_path = optarg;
      break;
    case 'q':
      *quiet = 1;
      break;
    case 'h':
      import_help(stdout);
      return 0;
    default:
      return cli_option_error("import", c, argv);
    }
  }
  if (!*store_path)
    return cli_usage_error("import", "missing -o STORE");
  if (optind >= argc)
    return cli_usage_error("import", "no files to import");
  return -1;
}

/* The store at path as it is, or an empty one when there is none yet. */
static int open_store(const char *path, prof_set **store, ss_error *err) {
  struct stat st;
  if (stat(path, &st) == 0)
    return prof_store_read(path, store, err);
  *store = prof_set_new();
  if (!*store)
    return ss_error_oom(err, path, NULL);
  return 0;
}

/* Put every system of operand `path` into store, saying what it did. */
static int import_operand(const char *path, prof_set *store, int quiet,
                          ss_error *err) {
  prof_set *incoming = prof_set_new();
  int rc = 0;
  if (!incoming || load_operand(path, incoming, quiet, err) != 0) {
    prof_set_free(incoming);
    return -1;
  }
  for (size_t s = 0; s < incoming->n_systems; s++) {
    prof_system *sys = &incoming->systems[s];
    char name[256];
    snprintf(name, sizeof name, "%s", sys->name);
    size_t n_models = sys->n_models;
    int replaced = 0;
    if (prof_system_validate(sys, err) != 0 ||
        prof_set_put_system(store, sys, &replaced, err) != 0) {
      if (!err->file[0])
        snprintf(err->file, sizeof err->file, "%s", path);
      rc = -1;
      break;
    }
    if (!quiet)
      printf("%s system '%s' (%zu %s) from %s\n",
             replaced ? "replaced" : "imported", name, n_models,
             ss_plural(n_models, "model", "models"), path);
  }
  prof_set_free(incoming);
  return rc;
}

int cmd_import(int argc, char **argv) {
  const char *store_path = NULL;
  int quiet = 0;
  int rc = import_parse_args(argc, argv, &store_path, &quiet);
  if (rc != -1)
    return rc;

  ss_error err;
  ss_error_clear(&err);
  prof_set *store = NULL;
  rc = 1;
  if (open_store(store_path, &store, &err) != 0)
    goto fail;
  for (int i = optind; i < argc; i++)
    if (import_operand(argv[i], store, quiet, &err) != 0)
      goto fail;
  if (prof_store_write(store_path, store, &err) != 0)
    goto fail;
  if (!quiet)
    printf("wrote %s: %zu %s\n", store_path, store->n_systems,
           ss_plural(store->n_systems, "system", "systems"));
  rc = 0;
fail:
  if (rc)
    cli_print_error(&err);
  prof_set_free(store);
  return rc;
}
