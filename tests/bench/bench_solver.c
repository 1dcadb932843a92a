/* Solver benchmarks (make bench), all measured in one run:
 *  (a) every model's default Scission query (top 5, both network files):
 *      solver time per query, and the largest model (mobilenet) alone;
 *  (b) sweep mode on the largest model with several systems per tier:
 *      placement evaluations per second on one core;
 *  (c) a naive baseline (Scission's triple loop re-summing block times, no
 *      prefix sums) on the same query as (a), and the speed-up.
 * Reads ../shared/data/scission when present, else the embedded default
 * profiles (the CSV files in profiles/default/) with made-up links.
 * Usage: bench_solver [SCISSION_DIR] */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "profiles/import.h"
#include "profiles/network.h"
#include "sim/sim_problem.h"
#include "solver/solver.h"
#include "tests/bench/bench_util.h"

#define MAXSYS 16

/* The kernels solver_sweep_best picks on this machine. */
static const char *simd_name(void) {
#if defined(__x86_64__) && defined(__GNUC__)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx2"))
    return "AVX2";
#endif
#if defined(__SSE2__)
  return "SSE2";
#else
  return "none";
#endif
}

typedef struct bench_problem {
  solver_problem p;
  solver_system sys[MAXSYS];
  double *times;
  double out[4096];
  int64_t first[4096], last[4096];
  solver_link links[MAXSYS * MAXSYS];
} bench_problem;

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static double urand(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return (double)(rng >> 11) / 9007199254740992.0;
}

/* Problem for `model` with the named systems per tier (NULL-terminated
 * lists); links from net, or made up when net is NULL. */
static int build(const prof_set *set, const char *model,
                 const char *const tiers[3][5], const prof_network *net,
                 bench_problem *bp) {
  memset(bp, 0, sizeof *bp);
  size_t g = 0, B = 0;
  const prof_model *ref = NULL;
  for (int t = 0; t < 3; t++)
    for (int i = 0; tiers[t][i]; i++) {
      const prof_system *s = prof_set_find_system(set, tiers[t][i]);
      const prof_model *m = s ? prof_system_find_model(s, model) : NULL;
      if (!m || m->n_blocks > 4096 || (ref && m->n_blocks != B))
        return -1;
      if (!ref) {
        ref = m;
        B = m->n_blocks;
        bp->times = malloc(MAXSYS * B * sizeof *bp->times);
        if (!bp->times)
          return -1;
      }
      for (size_t b = 0; b < B; b++)
        bp->times[g * B + b] = m->blocks[b].time_s;
      bp->sys[g] = (solver_system){s->name, &bp->times[g * B], 1, 2.0, 1.5};
      g++;
    }
  for (size_t b = 0; b < B; b++) {
    bp->out[b] = (double)ref->blocks[b].output_bytes;
    bp->first[b] = ref->blocks[b].first_layer;
    bp->last[b] = ref->blocks[b].last_layer;
  }
  size_t k = 0;
  solver_problem *p = &bp->p;
  p->n_blocks = B;
  p->output_bytes = bp->out;
  p->first_layer = bp->first;
  p->last_layer = bp->last;
  p->input_bytes = 0.15 * 1000 * 1000;
  p->n_tiers = 3;
  for (int t = 0; t < 3; t++) {
    size_t n = 0;
    while (tiers[t][n])
      n++;
    p->tiers[t] = (solver_tier){t == 0   ? "device"
                                : t == 1 ? "edge"
                                         : "cloud",
                                n, &bp->sys[k]};
    k += n;
  }
  for (size_t a = 0; a < g; a++)
    for (size_t b = 0; b < g; b++) {
      solver_link *l = &bp->links[a * g + b];
      const prof_link *nl =
          net ? prof_network_find(net, bp->sys[a].name, bp->sys[b].name) : NULL;
      if (nl) {
        sim_link_spec ls = sim_link_of_row(nl);
        *l = sim_link_cost(&ls, 1); /* Scission's rounding, as predict */
      } else if (!net) {
        l->latency_s = 0.005 + 0.05 * urand();
        l->bandwidth_bytes_per_s = 1e6 + 1e8 * urand();
      }
    }
  p->links = bp->links;
  return 0;
}

/* Fastest of `reps` solver_top_k runs, seconds (the fastest run is the
 * one least disturbed by other work on a shared machine). */
static double time_query(const solver_problem *p, size_t k, int reps,
                         uint64_t *placements) {
  solver_result res[8];
  size_t n;
  solver_stats st;
  double best = INFINITY;
  for (int r = 0; r < reps; r++) {
    double t0 = now_s();
    if (solver_top_k(p, NULL, SOLVER_OBJ_LATENCY, k, res, &n, &st, NULL) != 0)
      return -1;
    double t = now_s() - t0;
    best = t < best ? t : best;
  }
  *placements = st.enumerated;
  return best;
}

/* Scission's way: for every system triple and split pair, re-sum each
 * tier's block times; keep the best latency (no prefix sums). */
static double naive_best(const solver_problem *p, uint64_t *count) {
  double best = INFINITY;
  int B = (int)p->n_blocks;
  size_t n0 = p->tiers[0].n_systems, n1 = p->tiers[1].n_systems;
  size_t n2 = p->tiers[2].n_systems, nt = n0 + n1 + n2;
  *count = 0;
  for (size_t a = 0; a < n0; a++)
    for (size_t e = 0; e < n1; e++)
      for (size_t c = 0; c < n2; c++) {
        const double *td = p->tiers[0].systems[a].time_s;
        const double *te = p->tiers[1].systems[e].time_s;
        const double *tc = p->tiers[2].systems[c].time_s;
        const solver_link *de = &p->links[a * nt + n0 + e];
        const solver_link *ec = &p->links[(n0 + e) * nt + n0 + n1 + c];
        const solver_link *dc = &p->links[a * nt + n0 + n1 + c];
        for (int x = -1; x < B; x++)
          for (int y = x; y < B; y++) {
            double dt = 0, et = 0, ct = 0, tr = 0;
            for (int b = 0; b <= x; b++)
              dt += td[b];
            for (int b = x + 1; b <= y; b++)
              et += te[b];
            for (int b = y + 1; b < B; b++)
              ct += tc[b];
            double sent = x >= 0 ? p->output_bytes[x] : p->input_bytes;
            if (y > x) {
              tr = de->latency_s + sent / de->bandwidth_bytes_per_s;
              if (y < B - 1)
                tr += ec->latency_s +
                      p->output_bytes[y] / ec->bandwidth_bytes_per_s;
            } else if (y < B - 1) {
              tr = dc->latency_s + sent / dc->bandwidth_bytes_per_s;
            }
            double tot = dt + et + ct + tr;
            if (tot < best)
              best = tot;
            (*count)++;
          }
      }
  return best;
}

int main(int argc, char **argv) {
  const char *dir = argc > 1 ? argv[1] : "../shared/data/scission";
  struct stat st;
  prof_set *set = NULL;
  prof_network *nets[2] = {NULL, NULL};
  const char *net_names[2] = {"network_stats.csv", "network_stats_wired.csv"};
  ss_error err;
  int scission = stat(dir, &st) == 0 && S_ISDIR(st.st_mode);
  const char *big = "mobilenet"; /* the largest model */
  if (scission) {
    if (prof_load_path(dir, &set, &err) != 0) {
      fprintf(stderr, "bench: %s: %s\n", err.file, err.msg);
      return 1;
    }
    for (int i = 0; i < 2; i++) {
      char path[4096];
      snprintf(path, sizeof path, "%s/%s", dir, net_names[i]);
      if (prof_network_read(path, &nets[i], &err) != 0) {
        fprintf(stderr, "bench: %s: %s\n", err.file, err.msg);
        return 1;
      }
    }
    printf("data: %s (Scission's published profiles)\n", dir);
  } else {
    static const char *csv[] = {"profiles/default/xeon-1t.csv",
                                "profiles/default/xeon-16t.csv",
                                "profiles/default/h200-gpu.csv"};
    set = prof_set_new();
    for (int i = 0; i < 3; i++)
      if (!set || prof_import_measured_csv(csv[i], set, &err) != 0) {
        fprintf(stderr, "bench: %s: %s\n", err.file, err.msg);
        return 1;
      }
    /* The model with the most blocks. */
    const prof_system *s1 = prof_set_find_system(set, "xeon-1t");
    for (size_t m = 0; s1 && m < s1->n_models; m++)
      if (m == 0 ||
          s1->models[m].n_blocks > prof_system_find_model(s1, big)->n_blocks)
        big = s1->models[m].name;
    printf("data: %s not found; embedded default profiles with made-up "
           "links\n",
           dir);
  }

  /* (a) default queries. */
  static const char *const sc_tiers[3][5] = {
      {"raspi4", NULL},
      {"2500", "vm2Core", NULL},
      {"6700k(GPU)", "6700k(NoGPU)", NULL}};
  static const char *const df_tiers[3][5] = {
      {"xeon-1t", NULL}, {"xeon-16t", NULL}, {"h200-gpu", NULL}};
  const char *const(*tiers)[5] = scission ? sc_tiers : df_tiers;
  const prof_system *s0 = prof_set_find_system(set, tiers[0][0]);
  if (!s0) {
    fprintf(stderr, "bench: no system %s\n", tiers[0][0]);
    return 1;
  }
  double total_s = 0, big_s = 0;
  uint64_t big_n = 0, total_n = 0;
  int n_queries = 0;
  bench_problem *bp = malloc(sizeof *bp);
  if (!bp)
    return 1;
  for (int net = 0; net < (scission ? 2 : 1); net++)
    for (size_t m = 0; m < s0->n_models; m++) {
      const char *name = s0->models[m].name;
      if (build(set, name, tiers, nets[net], bp) != 0)
        continue;
      bp->p.scission_quirks = scission;
      uint64_t n = 0;
      double t = time_query(&bp->p, 5, 40, &n);
      free(bp->times);
      if (t < 0)
        return 1;
      total_s += t;
      total_n += n;
      n_queries++;
      if (strcmp(name, big) == 0 && net == 0) {
        big_s = t;
        big_n = n;
      }
    }
  if (scission)
    printf("(a) %d default queries (%d models x 2 network files, top 5, "
           "Scission's rules):",
           n_queries, n_queries / 2);
  else
    printf("(a) %d default queries (one per model, made-up links, top 5):",
           n_queries);
  printf(" %.3f ms solver time in all, %.1f us per query, %.3g "
         "placements/s\n",
         total_s * 1e3, total_s / n_queries * 1e6, (double)total_n / total_s);
  printf("    %s alone: %llu placements in %.3f ms (target < 1 ms)\n", big,
         (unsigned long long)big_n, big_s * 1e3);

  /* (c) naive baseline on the same query. */
  if (build(set, big, tiers, scission ? nets[0] : NULL, bp) != 0)
    return 1;
  uint64_t naive_n = 0;
  double t0 = now_s(), naive_v = 0, naive_s = INFINITY;
  do {
    double t1 = now_s();
    naive_v = naive_best(&bp->p, &naive_n);
    double t = now_s() - t1;
    naive_s = t < naive_s ? t : naive_s;
  } while (now_s() - t0 < 0.5);
  solver_result best;
  solver_best(&bp->p, NULL, SOLVER_OBJ_LATENCY, &best, NULL, NULL);
  free(bp->times);
  printf("(c) naive triple loop on %s (re-summing block times): %llu "
         "placements in %.3f ms (best %.4f s); the exhaustive solver is %.1fx "
         "faster\n",
         big, (unsigned long long)naive_n, naive_s * 1e3, naive_v,
         naive_s / big_s);
  if (fabs(naive_v - best.latency_s) > 1e-9)
    printf("    note: naive best %.17g differs from the solver's %.17g "
           "(Scission's zero-time rules are not in the naive loop)\n",
           naive_v, best.latency_s);

  /* (b) sweep: several systems per tier. */
  static const char *const sw_sc[3][5] = {
      {"raspi4", "vm2Core", "2500", NULL},
      {"2500", "vm2Core", "6700k(NoGPU)", NULL},
      {"6700k(GPU)", "6700k(NoGPU)", "2500", NULL}};
  static const char *const sw_df[3][5] = {
      {"xeon-1t", "xeon-16t", "h200-gpu", NULL},
      {"xeon-16t", "xeon-1t", "h200-gpu", NULL},
      {"h200-gpu", "xeon-16t", "xeon-1t", NULL}};
  if (build(set, big, scission ? sw_sc : sw_df, NULL, bp) != 0)
    return 1;
  solver_sweep *sw = NULL;
  if (solver_sweep_prepare(&bp->p, NULL, SOLVER_OBJ_LATENCY, &sw, &err) != 0) {
    fprintf(stderr, "bench: %s\n", err.msg);
    return 1;
  }
  size_t n_place = solver_sweep_size(sw), n_sys = 9;
  int points = 0;
  double checksum = 0, el = 0, best_batch = INFINITY;
  t0 = now_s();
  do {
    double t1 = now_s();
    for (int i = 0; i < 32; i++, points++) {
      size_t a = (size_t)(urand() * 3), b = 3 + (size_t)(urand() * 6);
      solver_link l = {0.001 + 0.1 * urand(), 1e5 + 1e8 * urand()};
      solver_sweep_set_link(sw, a, b, l);
      solver_sweep_set_availability(sw, (size_t)(urand() * n_sys),
                                    0.25 + 0.75 * urand());
      size_t idx;
      double v;
      if (solver_sweep_best(sw, &idx, &v) == 1)
        checksum += v;
    }
    double t = (now_s() - t1) / 32;
    best_batch = t < best_batch ? t : best_batch;
    el = now_s() - t0;
  } while (el < 1.0);
  double rate = (double)n_place / best_batch;
  printf("(b) sweep on %s, 3 systems per tier (SIMD: %s): %zu placements "
         "per point, %.1f us per point: %.3g placement evaluations/s on one "
         "core (target >= 1e9; mean over %d points %.3g/s)\n",
         big, simd_name(), n_place, best_batch * 1e6, rate, points,
         (double)points * (double)n_place / el);
  printf("    naive loop per placement %.1f ns, sweep %.2f ns: %.0fx\n",
         naive_s / (double)naive_n * 1e9, best_batch / (double)n_place * 1e9,
         (naive_s / (double)naive_n) / (best_batch / (double)n_place));
  /* The same points the exhaustive way, for scale. */
  t0 = now_s();
  int ex_points = 0;
  do {
    solver_result r;
    solver_best(&bp->p, NULL, SOLVER_OBJ_LATENCY, &r, NULL, NULL);
    ex_points++;
  } while (now_s() - t0 < 0.3);
  double ex_s = (now_s() - t0) / ex_points;
  printf("    solver_best on the same problem: %.3f ms per point (sweep is "
         "%.0fx faster per point)\n",
         ex_s * 1e3, ex_s / best_batch);
  if (checksum < 0)
    printf("(checksum %g)\n", checksum);
  solver_sweep_free(sw);
  free(bp->times);
  free(bp);
  prof_network_free(nets[0]);
  prof_network_free(nets[1]);
  prof_set_free(set);
  return 0;
}
