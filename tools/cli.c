#include "cli.h"

#include <ctype.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../common/ss_text.h"
#include "../profiles/import.h"
#include "../profiles/store.h"

volatile sig_atomic_t cli_stop;
static struct sigaction old_int, old_term;
static char stop_msg[3 * PATH_MAX];
static volatile sig_atomic_t stop_msg_len, stop_msg_done;

static void on_stop(int sig) {
  (void)sig;
  cli_stop = 1;
  if (stop_msg_len > 0 && !stop_msg_done) {
    stop_msg_done = 1;
    ssize_t w = write(2, stop_msg, (size_t)stop_msg_len);
    (void)w;
  }
}

void cli_stop_message(const char *line) {
  stop_msg_len = 0;
  size_t n = line ? strlen(line) : 0;
  if (n == 0 || n >= sizeof stop_msg)
    return;
  memcpy(stop_msg, line, n + 1);
  stop_msg_len = (sig_atomic_t)n;
}

int cli_stop_message_written(void) { return stop_msg_done != 0; }

void cli_catch_signals(void) {
  cli_stop = 0;
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_stop;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, &old_int);
  sigaction(SIGTERM, &sa, &old_term);
}

void cli_restore_signals(void) {
  sigaction(SIGINT, &old_int, NULL);
  sigaction(SIGTERM, &old_term, NULL);
}

void cli_print_error(const ss_error *err) {
  char buf[2048];
  ss_error_format(err, buf, sizeof buf);
  fprintf(stderr, "splitsim: %s\n", buf);
}

int cli_usage_error(const char *cmd, const char *fmt, ...) {
  va_list ap;
  fprintf(stderr, "splitsim %s: ", cmd);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fprintf(stderr, "\nTry 'splitsim %s --help'.\n", cmd);
  return 2;
}

int cli_load_profiles(const char *path, prof_set **out) {
  ss_error err;
  ss_error_clear(&err);
  struct stat st;
  int rc;
  prof_store_info info = {0, 0};
  if (stat(path, &st) == 0 && !S_ISDIR(st.st_mode) &&
      prof_store_is_hdf5(path)) {
    rc = prof_store_read_info(path, out, &info, &err);
    if (rc == 0 && !info.checksummed)
      fprintf(stderr,
              "splitsim: %s: note: a format version %d store has no "
              "checksums, so damage to it can go unnoticed; 'splitsim import "
              "-o NEW.h5 %s' writes a checked copy\n",
              path, info.format_version, path);
  } else {
    rc = prof_load_path(path, out, &err);
  }
  if (rc != 0)
    cli_print_error(&err);
  return rc == 0 ? 0 : 1;
}

const char *cli_suggest(const prof_set *set, const char *word,
                        int want_models) {
  size_t total = want_models ? 0 : set->n_systems;
  for (size_t i = 0; want_models && i < set->n_systems; i++)
    total += set->systems[i].n_models;
  const char **names = calloc(total + 1, sizeof *names);
  if (!names)
    return NULL;
  size_t n = 0;
  for (size_t i = 0; i < set->n_systems; i++) {
    if (!want_models) {
      names[n++] = set->systems[i].name;
      continue;
    }
    for (size_t k = 0; k < set->systems[i].n_models; k++)
      names[n++] = set->systems[i].models[k].name;
  }
  const char *best = ss_suggest(word, names, n);
  free(names);
  return best;
}

int cli_option_error(const char *cmd, int c, char **argv) {
  const char *arg = optind > 0 ? argv[optind - 1] : "?";
  char shortopt[3] = {'-', (char)optopt, '\0'};
  if (optopt > 0 && optopt < 128 && isalnum(optopt) && strncmp(arg, "--", 2))
    arg = shortopt; /* "-x" even inside a cluster such as -qx */
  if (c == ':')
    return cli_usage_error(cmd, "option '%s' needs an argument", arg);
  return cli_usage_error(cmd, "unknown option '%s'", arg);
}

static int is_file(const char *p) {
  struct stat st;
  return stat(p, &st) == 0 && !S_ISDIR(st.st_mode);
}

const char *cli_default_store(char *path, size_t size, char *hint,
                              size_t hsize) {
  const char *env = getenv("SPLITSIM_PROFILES");
  if (env && *env) {
    snprintf(hint, hsize, "($SPLITSIM_PROFILES is '%s', which does not exist)",
             env);
    if (!is_file(env) && access(env, R_OK) != 0)
      return NULL;
    snprintf(path, size, "%s", env);
    return path;
  }
  char exe[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n <= 0) {
    snprintf(hint, hsize,
             "(set $SPLITSIM_PROFILES to an HDF5 store, e.g. the "
             "build/default-profiles.h5 that `make store` writes)");
    return NULL;
  }
  exe[n] = '\0';
  char *slash = strrchr(exe, '/');
  if (slash)
    *slash = '\0';
  char a[PATH_MAX + 64], b[PATH_MAX + 64];
  snprintf(a, sizeof a, "%s/default-profiles.h5", exe);
  snprintf(b, sizeof b, "%s/../share/splitsim/default-profiles.h5", exe);
  snprintf(hint, hsize,
           "(looked for $SPLITSIM_PROFILES, %s and %s; `make store` builds "
           "build/default-profiles.h5)",
           a, b);
  if (is_file(a)) {
    snprintf(path, size, "%s", a);
    return path;
  }
  if (is_file(b)) {
    snprintf(path, size, "%s", b);
    return path;
  }
  return NULL;
}
