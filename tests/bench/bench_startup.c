/* Start-up time of splitsim commands that touch no profile store, side by
 * side with an empty process (/bin/true) in the same run; and one that
 * opens the default store, for contrast. Each command runs RUNS times,
 * interleaved with the others so machine drift hits all alike; the figure
 * is the median wall time of a whole process (fork, exec, exit).
 * docs/ARCHITECTURE.md ("Start-up") explains why libhdf5 is not linked. */
#define _POSIX_C_SOURCE 200809L
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define RUNS 41
#define MAX_ARGS 8

typedef struct bench_cmd {
  const char *label;
  const char *argv[MAX_ARGS];
  double ms[RUNS];
} bench_cmd;

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Wall milliseconds of one run of argv (output to /dev/null); -1 when it
 * could not be started. */
static double run_once(const char *const *argv) {
  double t0 = now_ms();
  pid_t pid = fork();
  if (pid < 0)
    return -1;
  if (pid == 0) {
    int fd = open("/dev/null", O_WRONLY);
    if (fd >= 0) {
      dup2(fd, 1);
      dup2(fd, 2);
    }
    execv(argv[0], (char *const *)argv);
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
    return -1;
  return now_ms() - t0;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double median(double *v) {
  qsort(v, RUNS, sizeof *v, cmp_double);
  return v[RUNS / 2];
}

static int exists(const char *p) {
  struct stat st;
  return stat(p, &st) == 0;
}

int main(void) {
  /* This binary is BUILD/bench/bench_startup; splitsim is BUILD/splitsim. */
  char self[PATH_MAX], bin[PATH_MAX + 32], store[PATH_MAX + 32];
  ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0) {
    fprintf(stderr, "bench_startup: cannot find its own path\n");
    return 1;
  }
  self[n] = '\0';
  char *slash = strrchr(self, '/');
  *slash = '\0';
  slash = strrchr(self, '/');
  if (slash)
    *slash = '\0';
  snprintf(bin, sizeof bin, "%s/splitsim", self);
  snprintf(store, sizeof store, "%s/default-profiles.h5", self);
  const char *scission = "../shared/data/scission";
  const char *scenario = "tests/fixtures/scenarios/unknown_key.yaml";
  bench_cmd cmds[] = {
      {"empty process (/bin/true)", {"/bin/true", NULL}, {0}},
      {"splitsim --version", {bin, "--version", NULL}, {0}},
      {"splitsim --help", {bin, "--help", NULL}, {0}},
      {"splitsim predict (Scission .dat folder)",
       {bin, "predict", scission, "network_stats.csv", "vgg19", NULL},
       {0}},
      {"splitsim run (scenario check fails)",
       {bin, "run", "-q", "-o", "/nonexistent-bench-out", scenario, NULL},
       {0}},
      {"splitsim profiles (opens the store)",
       {bin, "profiles", store, NULL},
       {0}},
  };
  size_t n_cmds = sizeof cmds / sizeof cmds[0];
  int have[16];
  for (size_t c = 0; c < n_cmds; c++)
    have[c] = exists(cmds[c].argv[0]) && run_once(cmds[c].argv) >= 0;
  have[3] = have[3] && exists(scission);
  have[4] = have[4] && exists(scenario);
  have[5] = have[5] && exists(store);
  for (int r = 0; r < RUNS; r++)
    for (size_t c = 0; c < n_cmds; c++)
      if (have[c])
        cmds[c].ms[r] = run_once(cmds[c].argv);
  double base = have[0] ? median(cmds[0].ms) : 0;
  printf("start-up, median wall time of %d runs each (interleaved):\n", RUNS);
  for (size_t c = 0; c < n_cmds; c++) {
    if (!have[c]) {
      printf("  %-42s skipped (missing input)\n", cmds[c].label);
      continue;
    }
    double m = c == 0 ? base : median(cmds[c].ms);
    if (c == 0 || base <= 0)
      printf("  %-42s %7.2f ms\n", cmds[c].label, m);
    else
      printf("  %-42s %7.2f ms  (%+.2f ms, %.2fx the empty process)\n",
             cmds[c].label, m, m - base, m / base);
  }
  return 0;
}
