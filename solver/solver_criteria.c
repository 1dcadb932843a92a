/* Scission's criteria text ("0, !5, 2500, !vm2Core, -1, !-1") parsed the way
 * scission_predict.py reads it. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "solver.h"

typedef enum {
  TOK_LAYER_INC,
  TOK_LAYER_EXC,
  TOK_SYS_EXC,
  TOK_SYS_INC
} tok_kind;

static int all_digits(const char *s, size_t n) {
  if (n == 0)
    return 0;
  for (size_t i = 0; i < n; i++)
    if (!isdigit((unsigned char)s[i]))
      return 0;
  return 1;
}

/* Python's int() of a digit string, saturating instead of growing. */
static int64_t digits_value(const char *s, size_t n) {
  int64_t v = 0;
  for (size_t i = 0; i < n; i++) {
    int d = s[i] - '0';
    if (v > (INT64_MAX - d) / 10)
      return INT64_MAX;
    v = v * 10 + d;
  }
  return v;
}

/* Classify the stripped token s[0..n). */
static tok_kind classify(const char *s, size_t n) {
  if (all_digits(s, n) || (n == 2 && memcmp(s, "-1", 2) == 0))
    return TOK_LAYER_INC;
  if ((s[0] == '!' && all_digits(s + 1, n - 1)) ||
      (n == 3 && memcmp(s + 1, "-1", 2) == 0))
    return TOK_LAYER_EXC;
  if (s[0] == '!')
    return TOK_SYS_EXC;
  return TOK_SYS_INC;
}

/* Next token of text starting at *pos: [*start, *start + *len) stripped. */
static int next_token(const char *text, size_t *pos, const char **start,
                      size_t *len) {
  const char *p = text + *pos;
  if (*pos > strlen(text))
    return 0;
  const char *end = strchr(p, ',');
  size_t n = end ? (size_t)(end - p) : strlen(p);
  *pos += n + 1;
  while (n > 0 && isspace((unsigned char)*p)) {
    p++;
    n--;
  }
  while (n > 0 && isspace((unsigned char)p[n - 1]))
    n--;
  *start = p;
  *len = n;
  return 1;
}

int solver_criteria_parse(const char *text, solver_criteria *out,
                          ss_error *err) {
  memset(out, 0, sizeof *out);
  if (!text || !*text)
    return 0;
  size_t count[4] = {0}, chars = 0, pos = 0, len, idx = 0;
  const char *tok;
  while (next_token(text, &pos, &tok, &len)) {
    idx++;
    if (len == 0)
      return ss_error_set(err, NULL, NULL, "criteria '%s': item %zu is empty",
                          text, idx);
    tok_kind k = classify(tok, len);
    count[k]++;
    if (k == TOK_SYS_EXC)
      chars += len; /* name without '!' plus its terminator */
    else if (k == TOK_SYS_INC)
      chars += len + 1;
  }
  size_t bytes =
      (count[TOK_LAYER_INC] + count[TOK_LAYER_EXC]) * sizeof(int64_t) +
      (count[TOK_SYS_INC] + count[TOK_SYS_EXC]) * sizeof(char *) + chars;
  unsigned char *mem = malloc(bytes ? bytes : 1);
  if (!mem)
    return ss_error_oom(err, NULL, NULL);
  int64_t *inc = (int64_t *)(void *)mem;
  int64_t *exc = inc + count[TOK_LAYER_INC];
  char **sinc = (char **)(void *)(exc + count[TOK_LAYER_EXC]);
  char **sexc = sinc + count[TOK_SYS_INC];
  char *str = (char *)(sexc + count[TOK_SYS_EXC]);
  pos = 0;
  while (next_token(text, &pos, &tok, &len)) {
    switch (classify(tok, len)) {
    case TOK_LAYER_INC:
      inc[out->n_layer_include++] = tok[0] == '-' ? -1 : digits_value(tok, len);
      break;
    case TOK_LAYER_EXC:
      exc[out->n_layer_exclude++] =
          tok[1] == '-' ? -1 : digits_value(tok + 1, len - 1);
      break;
    case TOK_SYS_EXC:
      memcpy(str, tok + 1, len - 1);
      str[len - 1] = '\0';
      sexc[out->n_system_exclude++] = str;
      str += len;
      break;
    case TOK_SYS_INC:
      memcpy(str, tok, len);
      str[len] = '\0';
      sinc[out->n_system_include++] = str;
      str += len + 1;
      break;
    }
  }
  out->layer_include = out->n_layer_include ? inc : NULL;
  out->layer_exclude = out->n_layer_exclude ? exc : NULL;
  out->system_include =
      out->n_system_include ? (const char *const *)sinc : NULL;
  out->system_exclude =
      out->n_system_exclude ? (const char *const *)sexc : NULL;
  out->owned = mem;
  return 0;
}

void solver_criteria_free(solver_criteria *c) {
  if (!c)
    return;
  free(c->owned);
  memset(c, 0, sizeof *c);
}
