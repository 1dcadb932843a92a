#include "ss_mem.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *ss_strdup(const char *s) {
  if (!s)
    return NULL;
  size_t n = strlen(s) + 1;
  char *d = malloc(n);
  if (d)
    memcpy(d, s, n);
  return d;
}

int ss_grow(void **p, size_t *cap, size_t need, size_t elem, size_t min_cap) {
  if (need <= *cap && *p)
    return 0;
  size_t ncap = *cap ? *cap : (min_cap ? min_cap : 1);
  while (ncap < need) {
    if (ncap > SIZE_MAX / 2)
      return -1;
    ncap *= 2;
  }
  if (elem && ncap > SIZE_MAX / elem)
    return -1;
  size_t bytes = ncap * elem;
  void *np = realloc(*p, bytes > 0 ? bytes : 1);
  if (!np)
    return -1;
  *p = np;
  *cap = ncap;
  return 0;
}

void ss_buf_free(ss_buf *b) {
  if (!b)
    return;
  free(b->p);
  memset(b, 0, sizeof *b);
}

void ss_buf_reserve(ss_buf *b, size_t extra) {
  if (b->oom)
    return;
  if (b->p && b->cap - b->len > extra) /* room for extra bytes and the NUL */
    return;
  size_t need = b->len + extra + 1;
  void *p = b->p;
  if (need < b->len || ss_grow(&p, &b->cap, need, 1, 256) != 0) {
    b->oom = 1;
    return;
  }
  b->p = p;
}

void ss_buf_add(ss_buf *b, const char *s, size_t n) {
  ss_buf_reserve(b, n);
  if (b->oom)
    return;
  if (n) /* s may be NULL when there is nothing to add */
    memcpy(b->p + b->len, s, n);
  b->len += n;
  b->p[b->len] = '\0';
}

void ss_buf_str(ss_buf *b, const char *s) { ss_buf_add(b, s, strlen(s)); }

void ss_buf_char(ss_buf *b, char c) { ss_buf_add(b, &c, 1); }

void ss_buf_printf(ss_buf *b, const char *fmt, ...) {
  char small[256];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(small, sizeof small, fmt, ap);
  va_end(ap);
  if (n < 0) {
    b->oom = 1;
    return;
  }
  if ((size_t)n < sizeof small) {
    ss_buf_add(b, small, (size_t)n);
    return;
  }
  ss_buf_reserve(b, (size_t)n);
  if (b->oom)
    return;
  va_start(ap, fmt);
  vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  b->len += (size_t)n;
}

char *ss_buf_take(ss_buf *b) {
  if (b->oom) {
    ss_buf_free(b);
    return NULL;
  }
  char *s = b->p ? b->p : calloc(1, 1);
  memset(b, 0, sizeof *b);
  return s;
}
