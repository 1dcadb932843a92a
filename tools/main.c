/* splitsim: offline simulation of splitting DNNs across device, edge and
 * cloud. Git-style front end: `splitsim <command> [options]`. */
#include <stdio.h>
#include <string.h>

#include "commands.h"

struct command {
  const char *name;
  int (*fn)(int, char **);
  const char *summary;
};

static const struct command commands[] = {
    {"import", cmd_import, "import profiles (.dat, CSV, JSON) into a store"},
    {"profiles", cmd_profiles, "list the systems and models of a store"},
    {"show", cmd_show, "print one system's block table for a model"},
    {"export", cmd_export, "write a store as CSV+JSON or JSON"},
    {"predict", cmd_predict, "best placements, Scission-compatible"},
    {"run", cmd_run, "run scenario files (sweeps, tables, charts)"},
    {"merge", cmd_merge, "merge the shard files of `run --shard K/N`"},
    {"plot", cmd_plot, "re-render the charts of a scenario output folder"},
    {"calibrate", cmd_calibrate,
     "fit link efficiency and overhead to a validation.csv"},
    {"report", cmd_report,
     "write report.html and report.md for an output folder"},
};

static void usage(FILE *fp) {
  fprintf(fp, "usage: splitsim [--version] [--help] <command> [<args>]\n\n"
              "Commands:\n");
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    fprintf(fp, "  %-10s %s\n", commands[i].name, commands[i].summary);
  fprintf(fp, "\nRun 'splitsim <command> --help' for a command's options.\n"
              "Documentation: docs/ (start with docs/README.md).\n");
}

int main(int argc, char **argv) {
  if (argc < 2) {
    usage(stderr);
    return 2;
  }
  const char *name = argv[1];
  if (strcmp(name, "--version") == 0 || strcmp(name, "version") == 0) {
    printf("splitsim %s\n", SPLITSIM_VERSION);
    return 0;
  }
  if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 ||
      strcmp(name, "help") == 0) {
    usage(stdout);
    return 0;
  }
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    if (strcmp(name, commands[i].name) == 0)
      return commands[i].fn(argc - 1, argv + 1);
  fprintf(stderr, "splitsim: '%s' is not a command. See 'splitsim --help'.\n",
          name);
  return 2;
}
