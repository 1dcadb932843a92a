/* Work units and shard journals (sim/sim_dist.h, sim_shard.c): every task
 * goes to exactly one shard, balanced by cost (against brute force); a
 * journal reads back unit by unit; a torn journal resumes with its whole
 * units; merges refuse missing, unfinished and foreign shards. */
// clang-format off
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
// clang-format on

#include <unistd.h>

#include "tests/unit/testutil.h"

#include "common/ss_mem.h"
#include "sim/sim.h"
#include "sim/sim_dist.h"
#include "sim/sim_shard_internal.h"

static char dir[256];

static int setup(void **state) {
  (void)state;
  snprintf(dir, sizeof dir, "/tmp/test_shard-XXXXXX");
  return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state) {
  (void)state;
  return sim_remove_tree(dir, NULL);
}

static void ident(sim_identity *id, const char *sha) {
  memset(id, 0, sizeof *id);
  snprintf(id->version, sizeof id->version, "test");
  snprintf(id->scenario_file, sizeof id->scenario_file, "/x/s.yaml");
  snprintf(id->scenario_sha, sizeof id->scenario_sha, "%s", sha);
  snprintf(id->profiles, sizeof id->profiles, "/x/p.h5");
  snprintf(id->profiles_sha, sizeof id->profiles_sha, "bb");
}

/* Tasks shard k of n takes in a phase with these costs. */
static size_t owned(size_t k, size_t n, const double *cost, size_t nt,
                    size_t *tasks, const char *sub) {
  sim_shard_io *sh;
  ss_error err;
  assert_int_equal(sim_shard_io_new(k, n, 0, &sh, &err), 0);
  sim_unit_io io = sim_shard_io_get(sh);
  sim_identity id;
  ident(&id, "aa");
  char out[512];
  snprintf(out, sizeof out, "%s/%s", dir, sub);
  assert_int_equal(io.begin(io.ctx, &id, out, &err), 0);
  assert_int_equal(io.phase(io.ctx, "p", nt, cost, &err), 0);
  size_t got = 0, t;
  while (io.next(io.ctx, &t, &err) == 1)
    tasks[got++] = t;
  sim_shard_io_free(sh);
  return got;
}

static void test_balance_by_cost(void **state) {
  (void)state;
  /* one task as costly as the ten others: shard 0 gets it alone */
  double cost[11] = {10, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
  size_t tasks[11];
  assert_int_equal(owned(0, 2, cost, 11, tasks, "b"), 1);
  assert_int_equal(tasks[0], 0);
  assert_int_equal(owned(1, 2, cost, 11, tasks, "b"), 10);
}

static void test_partition_property(void **state) {
  (void)state;
  uint64_t r = 12345;
  for (int round = 0; round < 40; round++) {
    size_t nt = 1 + (size_t)(round * 7 % 23), n = 1 + (size_t)(round % 9);
    double cost[32], total = 0;
    for (size_t t = 0; t < nt; t++) {
      r = r * 6364136223846793005ULL + 1442695040888963407ULL;
      cost[t] = 1 + (double)(r >> 60);
      total += cost[t];
    }
    int seen[32] = {0};
    double biggest = 0;
    for (size_t t = 0; t < nt; t++)
      biggest = cost[t] > biggest ? cost[t] : biggest;
    for (size_t k = 0; k < n; k++) {
      size_t tasks[32];
      size_t got = owned(k, n, cost, nt, tasks, "p");
      double load = 0;
      for (size_t i = 0; i < got; i++) {
        seen[tasks[i]]++;
        load += cost[tasks[i]];
      }
      /* a shard's load is within one task of its fair share */
      assert_true(load <= total / (double)n + biggest + 1e-9);
    }
    for (size_t t = 0; t < nt; t++)
      assert_int_equal(seen[t], 1);
  }
}

/* Write shard k of n with units u*10 .. of phase "p" (n_tasks 6). */
static void write_shard(size_t k, size_t n, const char *sha, int finish) {
  sim_shard_io *sh;
  ss_error err;
  assert_int_equal(sim_shard_io_new(k, n, 0, &sh, &err), 0);
  sim_unit_io io = sim_shard_io_get(sh);
  sim_identity id;
  ident(&id, sha);
  char out[512];
  snprintf(out, sizeof out, "%s/j", dir);
  assert_int_equal(io.begin(io.ctx, &id, out, &err), 0);
  assert_int_equal(io.phase(io.ctx, "p", 6, NULL, &err), 0);
  size_t t;
  while (io.next(io.ctx, &t, &err) == 1) {
    char o[32], a[8];
    int ol = snprintf(o, sizeof o, "row %zu\n", t);
    memset(a, (int)t, sizeof a);
    assert_int_equal(io.done(io.ctx, t, o, (size_t)ol, a, sizeof a, &err), 0);
  }
  assert_int_equal(sim_shard_io_finish(sh, finish, &err), 0);
  sim_shard_io_free(sh);
}

static void test_journal_roundtrip(void **state) {
  (void)state;
  char path[512];
  snprintf(path, sizeof path, "%s/j", dir);
  sim_shards *s;
  ss_error err;
  write_shard(0, 3, "aa", 1);
  write_shard(2, 3, "aa", 1);
  /* missing shard 1 */
  assert_int_equal(sim_shards_open(path, NULL, &s, &err), -1);
  assert_non_null(strstr(err.file, "shard-1-of-3.units"));
  assert_non_null(strstr(err.msg, "missing"));
  /* unfinished */
  write_shard(1, 3, "aa", 0);
  assert_int_equal(sim_shards_open(path, NULL, &s, &err), -1);
  assert_non_null(strstr(err.msg, "unfinished shard"));
  /* foreign: another scenario */
  write_shard(1, 3, "cc", 1);
  assert_int_equal(sim_shards_open(path, NULL, &s, &err), -1);
  assert_non_null(strstr(err.msg, "foreign shard: another scenario"));
  write_shard(1, 3, "aa", 1);
  assert_int_equal(sim_shards_open(path, NULL, &s, &err), 0);
  assert_int_equal(sim_shards_count(s), 3);
  assert_int_equal(sim_shards_phase(s, "p", 6, &err), 1);
  assert_int_equal(sim_shards_phase(s, "q", 6, &err), 0);
  assert_int_equal(sim_shards_phase(s, "p", 7, &err), -1);
  ss_buf o = {0}, a = {0};
  for (size_t t = 0; t < 6; t++) {
    char want[32];
    snprintf(want, sizeof want, "row %zu\n", t);
    assert_int_equal(sim_shards_read(s, "p", t, &o, &a, &err), 0);
    assert_string_equal(o.p, want);
    assert_int_equal(a.len, 8);
    assert_int_equal(a.p[7], (char)t);
  }
  sim_identity id;
  ident(&id, "aa");
  assert_int_equal(sim_shards_check(s, &id, &err), 0);
  ident(&id, "dd");
  assert_int_equal(sim_shards_check(s, &id, &err), -1);
  assert_non_null(strstr(err.msg, "another scenario"));
  assert_int_equal(sim_shards_remove(s, &err), 0);
  ss_buf_free(&o);
  ss_buf_free(&a);
  sim_shards_free(s);
}

static void test_torn_resume(void **state) {
  (void)state;
  write_shard(0, 1, "aa", 1);
  char path[512];
  snprintf(path, sizeof path, "%s/j/shard-0-of-1.units", dir);
  struct stat st;
  assert_int_equal(stat(path, &st), 0);
  assert_int_equal(truncate(path, st.st_size - 47), 0); /* E (37 bytes) + 10 */
  sim_shard_io *sh;
  ss_error err;
  assert_int_equal(sim_shard_io_new(0, 1, 1, &sh, &err), 0);
  sim_unit_io io = sim_shard_io_get(sh);
  sim_identity id;
  ident(&id, "aa");
  char out[512];
  snprintf(out, sizeof out, "%s/j", dir);
  assert_int_equal(io.begin(io.ctx, &id, out, &err), 0);
  assert_int_equal(io.phase(io.ctx, "p", 6, NULL, &err), 0);
  size_t t, n = 0;
  while (io.next(io.ctx, &t, &err) == 1) {
    assert_int_equal(t, 5); /* only the torn last unit is computed again */
    char a[8];
    memset(a, 5, sizeof a);
    assert_int_equal(io.done(io.ctx, t, "row 5\n", 6, a, 8, &err), 0);
    n++;
  }
  assert_int_equal(n, 1);
  size_t kept, computed;
  sim_shard_io_counts(sh, &kept, &computed);
  assert_int_equal(kept, 5);
  assert_int_equal(computed, 1);
  assert_int_equal(sim_shard_io_finish(sh, 1, &err), 0);
  sim_shard_io_free(sh);
  sim_shards *s;
  assert_int_equal(sim_shards_open(out, NULL, &s, &err), 0);
  ss_buf o = {0}, a = {0};
  assert_int_equal(sim_shards_read(s, "p", 5, &o, &a, &err), 0);
  assert_string_equal(o.p, "row 5\n");
  ss_buf_free(&o);
  ss_buf_free(&a);
  sim_shards_free(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_balance_by_cost, setup, teardown),
      cmocka_unit_test_setup_teardown(test_partition_property, setup, teardown),
      cmocka_unit_test_setup_teardown(test_journal_roundtrip, setup, teardown),
      cmocka_unit_test_setup_teardown(test_torn_resume, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
