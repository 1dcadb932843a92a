/* Run gnuplot on chart scripts: fork + execvp (no shell), a fresh temporary
 * folder as the working directory (the outputs land there and are renamed
 * into charts/ only when gnuplot succeeds, so a chart is never half
 * written), `set loadpath '..'` so the script finds its data, stdin from
 * /dev/null, and a time limit after which the process is killed. */
#include "plot_internal.h"

#include "../common/ss_tmp.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define LOG_NAME ".gnuplot-output"
#define RENDER_STEP "drawing charts"

const char *plot_gnuplot_program(const plot_options *opt) {
  if (opt && opt->gnuplot && opt->gnuplot[0])
    return opt->gnuplot;
  const char *e = getenv("SPLITSIM_GNUPLOT");
  if (e && e[0])
    return e;
  return "gnuplot";
}

static int executable(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

int plot_gnuplot_available(const plot_options *opt) {
  const char *prog = plot_gnuplot_program(opt);
  if (strchr(prog, '/'))
    return executable(prog);
  const char *path = getenv("PATH");
  if (!path)
    path = "/usr/bin:/bin";
  size_t plen = strlen(prog);
  while (*path) {
    const char *colon = strchr(path, ':');
    size_t dlen = colon ? (size_t)(colon - path) : strlen(path);
    char *full = malloc(dlen + plen + 3);
    if (!full)
      return 0;
    if (dlen == 0)
      memcpy(full, ".", 2), dlen = 1;
    else
      memcpy(full, path, dlen);
    full[dlen] = '/';
    memcpy(full + dlen + 1, prog, plen + 1);
    int ok = executable(full);
    free(full);
    if (ok)
      return 1;
    if (!colon)
      break;
    path = colon + 1;
  }
  return 0;
}

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

typedef struct job {
  const char *base;
  ss_tmpdir td;       /* charts/.splitsim-tmp-XXXXXX (common/ss_tmp.h) */
  const char *tmpdir; /* td.path once made, else NULL */
  char *script;       /* "../<base>.gp" */
  pid_t pid;
  double started;
  int state; /* 0 waiting, 1 running, 2 done */
  int timed_out;
  int lost; /* waitpid failed: the exit status is unknown */
  int status;
} job;

static int start_job(job *j, const char *charts_dir, const char *gnuplot,
                     ss_error *err) {
  j->script = malloc(strlen(j->base) + 8);
  if (!j->script)
    return ss_error_oom(err, charts_dir, NULL);
  snprintf(j->script, strlen(j->base) + 8, "../%s.gp", j->base);
  if (ss_tmpdir_create(&j->td, charts_dir, err) != 0)
    return -1;
  j->tmpdir = j->td.path;
  /* everything the child needs is prepared before fork */
  char *const argv[] = {(char *)"gnuplot", (char *)"-e",
                        (char *)"set loadpath '..'", j->script, NULL};
  pid_t pid = fork();
  if (pid < 0)
    return ss_error_set(err, j->tmpdir, NULL, "cannot start gnuplot: %s",
                        strerror(errno));
  if (pid == 0) {
    if (chdir(j->tmpdir) != 0)
      _exit(126);
    int in = open("/dev/null", O_RDONLY);
    int log = open(LOG_NAME, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (in < 0 || log < 0 || dup2(in, 0) < 0 || dup2(log, 1) < 0 ||
        dup2(log, 2) < 0)
      _exit(126);
    close(in);
    close(log);
    execvp(gnuplot, argv);
    _exit(127);
  }
  j->pid = pid;
  j->started = now_s();
  j->state = 1;
  return 0;
}

/* gnuplot's message (the end of its output), one line. */
static void read_log(const job *j, char *buf, size_t size) {
  buf[0] = 0;
  char *p = plot_path_join(j->tmpdir, LOG_NAME);
  if (!p)
    return;
  FILE *fp = fopen(p, "rb");
  free(p);
  if (!fp)
    return;
  char tmp[4096];
  size_t n = fread(tmp, 1, sizeof tmp - 1, fp);
  fclose(fp);
  tmp[n] = 0;
  while (n && (tmp[n - 1] == '\n' || tmp[n - 1] == ' '))
    tmp[--n] = 0;
  size_t k = 0;
  for (size_t i = 0; i < n && k + 1 < size; i++) {
    char c = tmp[i];
    if (c == '\n') {
      if (k && buf[k - 1] != ' ' && k + 3 < size) {
        buf[k++] = ' ';
        buf[k++] = '|';
        buf[k++] = ' ';
      }
      continue;
    }
    buf[k++] = ((unsigned char)c < 0x20) ? ' ' : c;
  }
  buf[k] = 0;
}

/* Move the renderings <base>.png and <base>.svg (or <base> itself, a
 * chart of one format) into charts/; nothing else a script may have
 * written leaves its temporary folder. */
static int collect(const job *j, const char *charts_dir, ss_error *err) {
  static const char *const exts[] = {".png", ".svg", ""};
  int rc = 0;
  for (size_t k = 0; rc == 0 && k < sizeof exts / sizeof *exts; k++) {
    char name[200];
    snprintf(name, sizeof name, "%s%s", j->base, exts[k]);
    char *from = plot_path_join(j->tmpdir, name);
    char *to = plot_path_join(charts_dir, name);
    struct stat st;
    if (!from || !to)
      rc = ss_error_oom(err, charts_dir, NULL);
    else if (lstat(from, &st) != 0 || !S_ISREG(st.st_mode))
      ; /* not made (a kept script may render one format only) */
    else if (rename(from, to) != 0)
      rc = ss_error_set(err, to, NULL, "cannot rename the rendering: %s",
                        strerror(errno));
    free(from);
    free(to);
  }
  return rc;
}

static int finish_job(job *j, const char *charts_dir, int *first_failure,
                      ss_error *err) {
  char where[64], msg[700];
  int rc = 0;
  snprintf(where, sizeof where, "%s.gp", j->base);
  if (j->timed_out) {
    rc = -1;
    if (!*first_failure)
      ss_error_set(err, charts_dir, where,
                   "gnuplot ran past the time limit and was stopped");
  } else if (j->lost) {
    rc = -1;
    if (!*first_failure)
      ss_error_set(err, charts_dir, where,
                   "cannot tell whether gnuplot succeeded (waitpid failed)");
  } else if (!WIFEXITED(j->status) || WEXITSTATUS(j->status) != 0) {
    rc = -1;
    if (!*first_failure) {
      read_log(j, msg, sizeof msg);
      if (WIFEXITED(j->status) && WEXITSTATUS(j->status) == 127)
        ss_error_set(err, charts_dir, where, "cannot run gnuplot");
      else
        ss_error_set(err, charts_dir, where, "gnuplot failed%s%s",
                     msg[0] ? ": " : "", msg);
    }
  } else {
    ss_error scratch;
    rc = collect(j, charts_dir, *first_failure ? &scratch : err);
  }
  if (rc != 0)
    *first_failure = 1;
  ss_tmpdir_remove(&j->td, NULL);
  j->tmpdir = NULL;
  j->state = 2;
  return rc;
}

/* The jobs of one plot_render call and where they stand; shared by its
 * steps. */
typedef struct {
  job *js;
  size_t n, next, running, failed;
  int first_failure;
  const char *charts_dir, *gnuplot;
  int jobs;
  double timeout_s;
  size_t *n_ok;
  ss_error *err;
} render_pool;

/* Stop: kill what runs, start nothing. */
static void pool_cancel(render_pool *rp) {
  for (size_t i = 0; i < rp->n; i++)
    if (rp->js[i].state == 1) {
      kill(rp->js[i].pid, SIGKILL);
      waitpid(rp->js[i].pid, &rp->js[i].status, 0);
      ss_tmpdir_remove(&rp->js[i].td, NULL);
      rp->js[i].state = 2;
    }
  rp->running = 0;
  rp->next = rp->n;
  rp->failed++;
  if (!rp->first_failure)
    plot_interrupted(rp->err);
  rp->first_failure = 1;
}

/* Starts jobs until `jobs` run or none is left. */
static void pool_start(render_pool *rp) {
  while (rp->next < rp->n && rp->running < (size_t)rp->jobs) {
    ss_error scratch;
    job *j = &rp->js[rp->next++];
    if (start_job(j, rp->charts_dir, rp->gnuplot,
                  rp->first_failure ? &scratch : rp->err) != 0) {
      rp->first_failure = 1;
      rp->failed++;
      ss_tmpdir_remove(&j->td, NULL);
      j->tmpdir = NULL;
      j->state = 2;
      continue;
    }
    rp->running++;
  }
}

/* Reaps the jobs that ended (killing those past the timeout); returns
 * whether any did. */
static int pool_reap(render_pool *rp) {
  int progressed = 0;
  for (size_t i = 0; i < rp->n; i++) {
    job *j = &rp->js[i];
    if (j->state != 1)
      continue;
    pid_t r = waitpid(j->pid, &j->status, WNOHANG);
    if (r == 0 && now_s() - j->started > rp->timeout_s) {
      kill(j->pid, SIGKILL);
      r = waitpid(j->pid, &j->status, 0);
      j->timed_out = 1;
    }
    if (r == 0)
      continue;
    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0) /* not our child any more (SIGCHLD ignored?) */
      j->lost = 1;
    rp->running--;
    progressed = 1;
    if (finish_job(j, rp->charts_dir, &rp->first_failure, rp->err) == 0)
      (*rp->n_ok)++;
    else
      rp->failed++;
    plot_progress(RENDER_STEP, "charts", *rp->n_ok + rp->failed, rp->n);
  }
  return progressed;
}

int plot_render(const char *charts_dir, const char *gnuplot,
                const char *const *bases, size_t n, int jobs, double timeout_s,
                size_t *n_ok, ss_error *err) {
  render_pool rp = {
      NULL,      n,    0,  0, 0, 0, charts_dir, gnuplot, jobs < 1 ? 1 : jobs,
      timeout_s, n_ok, err};
  *n_ok = 0;
  rp.js = calloc(n ? n : 1, sizeof *rp.js);
  if (!rp.js)
    return ss_error_oom(err, charts_dir, NULL);
  for (size_t i = 0; i < n; i++)
    rp.js[i].base = bases[i];
  plot_progress(RENDER_STEP, "charts", 0, n);
  while (rp.next < n || rp.running > 0) {
    if (plot_cancelled()) {
      pool_cancel(&rp);
      break;
    }
    pool_start(&rp);
    if (!pool_reap(&rp) && rp.running > 0) {
      struct timespec ts = {0, 5 * 1000 * 1000};
      nanosleep(&ts, NULL);
    }
  }
  for (size_t i = 0; i < n; i++) {
    free(rp.js[i].script);
  }
  free(rp.js);
  if (rp.failed) {
    if (rp.failed > 1)
      ss_error_prefix(err, "%zu of %zu charts failed; the first", rp.failed, n);
    return -1;
  }
  return 0;
}
