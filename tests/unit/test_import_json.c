/* The JSON profile format: the documented example, its defaults, the limits
 * (depth, size) and one fixture per bad input naming the JSON path. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "tests/unit/testutil.h"

#include <unistd.h>

#include "common/ss_io.h"
#include "profiles/import.h"
#include "profiles/import_internal.h"
#include "profiles/json_internal.h"

#define FIX "tests/fixtures/json/"

static void test_good_example(void **state) {
  (void)state;
  char today[16];
  ss_error err;
  prof_set *set = prof_set_new();
  if (prof_import_json(FIX "good.json", set, &err) != 0)
    fail_msg("%s:%s: %s", err.file, err.where, err.msg);
  prof_today_utc(today);
  assert_int_equal(set->n_systems, 2);

  const prof_system *s = &set->systems[0];
  assert_string_equal(s->name, "jetson");
  assert_string_equal(s->tier_hint, "edge");
  assert_string_equal(s->kind, "gpu");
  assert_string_equal(s->hardware, "NVIDIA Jetson Orin Nano");
  assert_string_equal(s->source_file, "lab/jetson-2026-03.csv");
  assert_string_equal(s->importer, "measured-csv");
  assert_string_equal(s->import_date, "2026-03-14");
  assert_string_equal(s->extra_json,
                      "{\"torch\":\"2.4.0\",\"reps\":20,\"power_w\":15}");
  assert_int_equal(s->n_models, 1);
  const prof_model *m = &s->models[0];
  assert_string_equal(m->name, "tinynet");
  assert_int_equal(m->input_bytes, 602112);
  assert_string_equal(m->input_shape, "1x3x224x224");
  assert_true(m->whole_model_time_s == 0.0041);
  assert_int_equal(m->n_blocks, 2);
  const prof_block *b = &m->blocks[0];
  assert_int_equal(b->first_layer, 1);
  assert_int_equal(b->last_layer, 3);
  assert_string_equal(b->first_name, "conv1");
  assert_string_equal(b->last_name, "relu1");
  assert_true(b->time_s == 0.0012);
  assert_true(b->time_s_p10 == 0.0011);
  assert_true(b->time_s_p90 == 0.0014);
  assert_int_equal(b->repeats, 3);
  assert_int_equal(b->output_bytes, 3211264);
  assert_string_equal(b->output_shape, "1x64x112x112");
  assert_int_equal(b->n_samples, 3);
  assert_true(b->samples_s[1] == 0.0012);
  /* Optional block fields left out. */
  b = &m->blocks[1];
  assert_null(b->first_name);
  assert_null(b->output_shape);
  assert_true(isnan(b->time_s_p10));
  assert_true(isnan(b->time_s_p90));
  assert_int_equal(b->repeats, 0);
  assert_int_equal(b->n_samples, 0);

  /* A system with only the required fields gets this import's provenance. */
  s = &set->systems[1];
  assert_string_equal(s->name, "raspi");
  assert_null(s->tier_hint);
  assert_null(s->kind);
  assert_null(s->hardware);
  assert_null(s->extra_json);
  assert_string_equal(s->source_file, FIX "good.json");
  assert_string_equal(s->importer, "json");
  assert_string_equal(s->import_date, today);
  assert_int_equal(s->models[0].input_bytes, -1);
  assert_null(s->models[0].input_shape);
  assert_true(isnan(s->models[0].whole_model_time_s));

  /* Through the dispatcher and the loader too (boundaries agree). */
  prof_set *loaded = NULL;
  if (prof_load_path(FIX "good.json", &loaded, &err) != 0)
    fail_msg("%s:%s: %s", err.file, err.where, err.msg);
  assert_int_equal(loaded->n_systems, 2);
  prof_set_free(loaded);
  prof_set_free(set);
}

/* Importing appends to what is already in the set. */
static void test_appends(void **state) {
  (void)state;
  ss_error err;
  prof_set *set = prof_set_new();
  assert_int_equal(prof_import_file(FIX "good.json", set, &err), 0);
  assert_int_equal(prof_import_file("profiles/default/xeon-1t.csv", set, &err),
                   0);
  assert_int_equal(set->n_systems, 3);
  assert_string_equal(set->systems[2].name, "xeon-1t");
  /* A failed import leaves the set as it was. */
  assert_int_equal(prof_import_file(FIX "time_negative.json", set, &err), -1);
  assert_int_equal(set->n_systems, 3);
  prof_set_free(set);
}

typedef struct bad_case {
  const char *file;
  const char *where;
  const char *msg; /* substring */
} bad_case;

static const bad_case bad_cases[] = {
    {"syntax.json", "3:14", "invalid JSON near ',]}'"},
    {"deep.json", "1:65", "nesting deeper than 64"},
    {"not_object.json", "", "expected a JSON object, found an array"},
    {"empty.json", "", "empty file"},
    {"nan_literal.json", "2:", "invalid JSON"},
    {"wrong_format.json", "format", "expected \"splitsim-profile\""},
    {"version2.json", "version", "unsupported version 2"},
    {"missing_systems.json", "systems", "missing required field"},
    {"systems_not_array.json", "systems",
     "wrong type: expected an array, found an object"},
    {"time_negative.json", "systems[0].models[0].blocks[1].time_s",
     "negative time -0.5"},
    {"time_string.json", "systems[0].models[0].blocks[0].time_s",
     "wrong type: expected a number of seconds, found a string"},
    {"missing_output_bytes.json", "systems[0].models[0].blocks[0].output_bytes",
     "missing required field"},
    {"non_integer_layer.json", "systems[0].models[0].blocks[1].first_layer",
     "4.5 is not an integer"},
    {"unknown_field.json", "systems[0].models[0].blocks[0].time",
     "unknown field"},
    {"duplicate_key.json", "systems[0].models[0].blocks[0].time_s",
     "field given twice"},
    {"dup_system.json", "systems[1].name", "system 'jetson' appears twice"},
    {"dup_model.json", "systems[1].models[1].name",
     "model 'tinynet' appears twice"},
    {"block_order.json", "systems[0].models[0].blocks[1].first_layer",
     "first layer 3 is not after the previous block's last layer 3"},
    {"empty_blocks.json", "systems[1].models[0].blocks",
     "a model needs at least one block"},
    {"bad_kind.json", "systems[0].kind", "'tpu' is not a kind"},
    {"extra_not_object.json", "systems[0].extra",
     "expected an object or null, found an array"},
    {"bad_sample.json", "systems[0].models[0].blocks[0].samples_s[1]",
     "negative time -2"},
    {"negative_bytes.json", "systems[0].models[0].input_bytes",
     "negative value -3"},
    {"empty_name.json", "systems[1].name", "empty name"},
    {"huge_number.json", "systems[0].models[0].blocks[1].time_s",
     "not a finite number"},
    {"leading_zero.json", "2:97", "'01' is not a JSON number"},
    {"trailing_dot.json", "2:97", "'1.' is not a JSON number"},
    {"hex_number.json", "2:97", "'0x10' is not a JSON number"},
    {"nul_in_string.json", "2:12", "\\u0000 (a NUL character) in a string"},
};

static void test_bad_inputs(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
    const bad_case *c = &bad_cases[i];
    char path[512];
    ss_error err;
    ss_error_clear(&err);
    snprintf(path, sizeof path, FIX "%s", c->file);
    prof_set *set = prof_set_new();
    if (prof_import_json(path, set, &err) == 0)
      fail_msg("%s: accepted", c->file);
    assert_int_equal(set->n_systems, 0);
    prof_set_free(set);
    assert_string_equal(err.file, path);
    /* A where ending in ':' only fixes the line. */
    size_t wl = strlen(c->where);
    int where_ok = wl && c->where[wl - 1] == ':'
                       ? strncmp(err.where, c->where, wl) == 0
                       : strcmp(err.where, c->where) == 0;
    if (!where_ok || !strstr(err.msg, c->msg))
      fail_msg("%s: got '%s: %s', expected '%s: ...%s...'", c->file, err.where,
               err.msg, c->where, c->msg);
  }
}

static void test_sidecar_is_not_a_profile(void **state) {
  (void)state;
  ss_error err;
  prof_set *set = prof_set_new();
  assert_int_equal(prof_import_file("profiles/default/xeon-1t.json", set, &err),
                   -1);
  assert_non_null(strstr(err.msg, "import the .csv file beside it"));
  prof_set_free(set);
}

/* Files over SS_MAX_INPUT_BYTES are refused before being read. */
static void test_too_big(void **state) {
  (void)state;
  char dir[] = "/tmp/splitsim-json-XXXXXX", path[128];
  ss_error err;
  assert_non_null(mkdtemp(dir));
  snprintf(path, sizeof path, "%s/big.json", dir);
  FILE *fp = fopen(path, "wb");
  assert_non_null(fp);
  fclose(fp);
  assert_int_equal(truncate(path, (off_t)SS_MAX_INPUT_BYTES + 1), 0);
  prof_set *set = prof_set_new();
  assert_int_equal(prof_import_json(path, set, &err), -1);
  assert_non_null(strstr(err.msg, "larger than the limit"));
  prof_set_free(set);
  unlink(path);
  rmdir(dir);
}

/* An object holding depth-1 nested arrays, after a string full of
 * brackets that the depth scan must skip. */
static size_t nested(char *text, int depth) {
  size_t n = (size_t)sprintf(text, "{\"s\": \"[[[[{{{{\\\"\", \"x\": ");
  for (int i = 1; i < depth; i++)
    text[n++] = '[';
  for (int i = 1; i < depth; i++)
    text[n++] = ']';
  text[n++] = '}';
  text[n] = '\0';
  return n;
}

static void test_depth_limit(void **state) {
  (void)state;
  char text[400];
  ss_error err;
  size_t n = nested(text, PROF_JSON_MAX_DEPTH);
  cJSON *root = prof_json_parse_text("t", text, n, &err);
  if (!root)
    fail_msg("%s: %s", err.where, err.msg);
  cJSON_Delete(root);
  n = nested(text, PROF_JSON_MAX_DEPTH + 1);
  assert_null(prof_json_parse_text("t", text, n, &err));
  assert_non_null(strstr(err.msg, "nesting deeper than 64"));
  assert_string_equal(err.where, "1:89");
}

static void test_canonical_extra(void **state) {
  (void)state;
  ss_error err;
  char *s = prof_json_canonical_object(
      "{ \"b\" : [1, 2.50, {\"c\": null}], \"a\": \"q\\\"\\u00e9\" }", &err);
  assert_non_null(s);
  assert_string_equal(s,
                      "{\"b\":[1,2.5,{\"c\":null}],\"a\":\"q\\\"\xc3\xa9\"}");
  free(s);
  assert_null(prof_json_canonical_object("[1]", &err));
  assert_null(prof_json_canonical_object("{", &err));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_good_example),
      cmocka_unit_test(test_appends),
      cmocka_unit_test(test_bad_inputs),
      cmocka_unit_test(test_sidecar_is_not_a_profile),
      cmocka_unit_test(test_too_big),
      cmocka_unit_test(test_depth_limit),
      cmocka_unit_test(test_canonical_extra),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
