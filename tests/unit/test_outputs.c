/* common/ss_tmp and common/ss_manifest: temporaries are removed only when
 * their marker proves splitsim made them and their process is gone; the
 * manifest never lets splitsim touch a file outside what it wrote. */
// clang-format off
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
// clang-format on

#include <sys/wait.h>
#include <unistd.h>

#include "tests/unit/testutil.h"

#include "common/ss_io.h"
#include "common/ss_manifest.h"
#include "common/ss_tmp.h"

static void put(const char *dir, const char *rel, const char *text) {
  char p[1024];
  snprintf(p, sizeof p, "%s/%s", dir, rel);
  FILE *fp = fopen(p, "w");
  assert_non_null(fp);
  fputs(text, fp);
  fclose(fp);
}

static int exists(const char *dir, const char *rel) {
  char p[8192];
  struct stat st;
  snprintf(p, sizeof p, "%s/%s", dir, rel);
  return lstat(p, &st) == 0;
}

static void test_sweep_only_proven(void **state) {
  (void)state;
  char dir[] = "/tmp/test_outputs_XXXXXX";
  assert_non_null(mkdtemp(dir));
  /* a live one of this process (made first: making one sweeps), a marked
   * folder of a process that died (a child that exits), and look-alikes */
  ss_tmpdir live;
  assert_int_equal(ss_tmpdir_create(&live, dir, NULL), 0);
  pid_t pid = fork();
  if (pid == 0) {
    ss_tmpdir t;
    _exit(ss_tmpdir_create(&t, dir, NULL) == 0 ? 0 : 1);
  }
  int status;
  waitpid(pid, &status, 0);
  assert_int_equal(WEXITSTATUS(status), 0);
  char p[1024];
  snprintf(p, sizeof p, "%s/.splitsim-tmp-user", dir);
  mkdir(p, 0777);
  put(dir, ".splitsim-tmp-user/thesis.tex", "x");
  snprintf(p, sizeof p, "%s/.splitsim-tmp-fake", dir);
  mkdir(p, 0777);
  put(dir, ".splitsim-tmp-fake/.splitsim-tmp-marker",
      "splitsim temporary folder .splitsim-tmp-other\n");
  snprintf(p, sizeof p, "%s/foo.tmp-888888", dir);
  mkdir(p, 0777);
  assert_int_equal(ss_tmp_sweep(dir), 1); /* only the dead process's */
  assert_true(exists(live.path, ".splitsim-tmp-marker"));
  assert_true(exists(dir, ".splitsim-tmp-user/thesis.tex"));
  assert_true(exists(dir, ".splitsim-tmp-fake/.splitsim-tmp-marker"));
  assert_true(exists(dir, "foo.tmp-888888"));
  assert_int_equal(ss_tmpdir_remove(&live, NULL), 0);
  assert_int_equal(ss_tmp_sweep(dir), 0);
  assert_int_equal(ss_remove_tree(dir, NULL), 0);
}

/* A run killed between mkdtemp and the marker's last byte leaves a folder
 * of mkdtemp's name holding nothing or an unfinished marker: swept. The
 * same with anything else inside, or another name, is kept. */
static void test_sweep_unfinished(void **state) {
  (void)state;
  char dir[] = "/tmp/test_outputs_XXXXXX", p[1024];
  assert_non_null(mkdtemp(dir));
  const char *made[] = {".splitsim-tmp-Ab12cD",   ".splitsim-tmp-EMPTYm",
                        ".splitsim-tmp-half00",   ".splitsim-tmp-keep01",
                        ".splitsim-tmp-toolong7", ".splitsim-tmp-bad-01"};
  for (size_t i = 0; i < sizeof made / sizeof *made; i++) {
    snprintf(p, sizeof p, "%s/%s", dir, made[i]);
    assert_int_equal(mkdir(p, 0777), 0);
  }
  put(dir, ".splitsim-tmp-EMPTYm/.splitsim-tmp-marker", "");
  put(dir, ".splitsim-tmp-half00/.splitsim-tmp-marker",
      "splitsim temporary folder .splitsim-t");
  put(dir, ".splitsim-tmp-keep01/.splitsim-tmp-marker", "");
  put(dir, ".splitsim-tmp-keep01/notes.txt", "mine");
  put(dir, ".splitsim-tmp-bad-01/.splitsim-tmp-marker", "");
  assert_int_equal(ss_tmp_sweep(dir), 3);
  assert_false(exists(dir, made[0]));
  assert_false(exists(dir, made[1]));
  assert_false(exists(dir, made[2]));
  assert_true(exists(dir, ".splitsim-tmp-keep01/notes.txt"));
  assert_true(exists(dir, made[4]));
  assert_true(exists(dir, ".splitsim-tmp-bad-01/.splitsim-tmp-marker"));
  assert_int_equal(ss_remove_tree(dir, NULL), 0);
}

/* A run killed between moving its folder into place and removing the
 * marker leaves a stale marker there: dropped; a user's file of that name
 * with other text, or a live one, is kept. */
static void test_stale_marker(void **state) {
  (void)state;
  char dir[] = "/tmp/test_outputs_XXXXXX", to[1100];
  assert_non_null(mkdtemp(dir));
  snprintf(to, sizeof to, "%s/out", dir);
  pid_t pid = fork();
  if (pid == 0) { /* dies holding the folder, moved but still marked */
    ss_tmpdir t;
    char mp[1200];
    if (ss_tmpdir_create(&t, dir, NULL) != 0 || rename(t.path, to) != 0)
      _exit(1);
    snprintf(mp, sizeof mp, "%s/.splitsim-tmp-marker", to);
    _exit(access(mp, F_OK) == 0 ? 0 : 1);
  }
  int status;
  waitpid(pid, &status, 0);
  assert_int_equal(WEXITSTATUS(status), 0);
  assert_true(exists(to, ".splitsim-tmp-marker"));
  ss_tmp_drop_stale_marker(to);
  assert_false(exists(to, ".splitsim-tmp-marker"));
  put(to, ".splitsim-tmp-marker", "my own notes\n");
  ss_tmp_drop_stale_marker(to);
  assert_true(exists(to, ".splitsim-tmp-marker"));
  assert_int_equal(unlink(strcat(to, "/.splitsim-tmp-marker")), 0);
  ss_tmpdir live;
  assert_int_equal(ss_tmpdir_create(&live, dir, NULL), 0);
  ss_tmp_drop_stale_marker(live.path); /* its lock is held: kept */
  assert_true(exists(live.path, ".splitsim-tmp-marker"));
  snprintf(to, sizeof to, "%s/moved", dir);
  assert_int_equal(ss_tmpdir_move(&live, to), 0);
  assert_false(exists(to, ".splitsim-tmp-marker"));
  assert_int_equal(ss_remove_tree(dir, NULL), 0);
}

static void test_temp_files_cleaned(void **state) {
  (void)state;
  char dir[] = "/tmp/test_outputs_XXXXXX";
  assert_non_null(mkdtemp(dir));
  char path[1024], tmp[2048];
  snprintf(path, sizeof path, "%s/store.h5", dir);
  assert_int_equal(ss_temp_path_for(path, tmp, sizeof tmp, NULL), 0);
  assert_non_null(strstr(tmp, "/.splitsim-tmp-"));
  ss_temp_discard(tmp);
  assert_int_equal(ss_temp_path_for(path, tmp, sizeof tmp, NULL), 0);
  ss_temp_discard_all();
  ss_atomic_file af;
  assert_int_equal(ss_atomic_open(&af, path, NULL), 0);
  fputs("data", af.fp);
  assert_int_equal(ss_atomic_commit(&af, NULL), 0);
  ss_manifest none;
  ss_manifest_init(&none);
  char rel[256];
  /* only store.h5 is left: no temporary anywhere */
  assert_int_equal(ss_manifest_first_foreign(&none, dir, rel, sizeof rel, NULL),
                   1);
  assert_string_equal(rel, "store.h5");
  assert_int_equal(unlink(path), 0);
  assert_int_equal(ss_manifest_first_foreign(&none, dir, rel, sizeof rel, NULL),
                   0);
  assert_int_equal(ss_remove_tree(dir, NULL), 0);
}

static void test_manifest(void **state) {
  (void)state;
  char dir[] = "/tmp/test_outputs_XXXXXX", outside[] = "/tmp/test_out2_XXXXXX";
  assert_non_null(mkdtemp(dir));
  assert_non_null(mkdtemp(outside));
  char p[1024];
  snprintf(p, sizeof p, "%s/charts", dir);
  mkdir(p, 0777);
  put(dir, "best.csv", "a\n");
  put(dir, "charts/x.gp", "plot 1\n");
  ss_manifest m, back;
  ss_manifest_init(&m);
  assert_int_equal(ss_manifest_scan(&m, dir, NULL), 0);
  assert_int_equal(m.n, 2);
  assert_int_equal(strlen(ss_manifest_find(&m, "charts/x.gp")->sha256), 64);
  assert_string_equal(ss_manifest_find(&m, "best.csv")->sha256, "");
  assert_int_equal(ss_manifest_write(&m, dir, NULL), 0);
  assert_int_equal(ss_manifest_read(&back, dir, NULL), 0);
  assert_true(back.present);
  assert_int_equal(back.n, 2);
  char rel[256];
  assert_int_equal(ss_manifest_first_foreign(&back, dir, rel, sizeof rel, NULL),
                   0);
  put(dir, "NOTES.txt", "mine");
  snprintf(p, sizeof p, "%s/my-notebook", dir);
  mkdir(p, 0777);
  assert_int_equal(ss_manifest_first_foreign(&back, dir, rel, sizeof rel, NULL),
                   1);
  assert_string_equal(rel, "NOTES.txt");
  assert_false(ss_manifest_may_write(&back, dir, "NOTES.txt"));
  assert_true(ss_manifest_may_write(&back, dir, "best.csv"));
  assert_true(ss_manifest_may_write(&back, dir, "new.csv"));
  /* removing the old output keeps the user's files and says so */
  ss_error err;
  assert_int_equal(ss_manifest_remove_files(&back, dir, 1, &err), -1);
  assert_non_null(strstr(err.msg, "'NOTES.txt', which splitsim did not"));
  assert_false(exists(dir, "best.csv"));
  assert_false(exists(dir, "charts"));
  assert_true(exists(dir, "NOTES.txt"));
  assert_true(exists(dir, "my-notebook"));
  ss_manifest_free(&back);
  /* a hostile manifest cannot point outside the folder */
  const char *bad[] = {"- ../x\n", "- /etc/passwd\n", "- a/../../x\n",
                       "- a//b\n", "zz b\n",          "- \n"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    put(dir, SS_MANIFEST_NAME, bad[i]);
    assert_int_equal(ss_manifest_read(&back, dir, &err), -1);
    assert_string_equal(err.where, "1");
  }
  /* nor through a symbolic link */
  put(outside, "keep.txt", "k");
  snprintf(p, sizeof p, "%s/link", dir);
  assert_int_equal(symlink(outside, p), 0);
  ss_manifest_init(&back);
  assert_int_equal(ss_manifest_add(&back, "link/keep.txt", NULL, NULL), 0);
  assert_false(ss_manifest_may_write(&back, dir, "link/keep.txt"));
  assert_int_equal(ss_manifest_remove_files(&back, dir, 0, NULL), 0);
  assert_true(exists(outside, "keep.txt"));
  ss_manifest_free(&back);
  ss_manifest_free(&m);
  assert_int_equal(ss_remove_tree(dir, NULL), 0);
  assert_int_equal(ss_remove_tree(outside, NULL), 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_sweep_only_proven),
      cmocka_unit_test(test_sweep_unfinished),
      cmocka_unit_test(test_stale_marker),
      cmocka_unit_test(test_temp_files_cleaned),
      cmocka_unit_test(test_manifest),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
