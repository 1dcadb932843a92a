/* ss_mem: the one strdup, the one overflow-checked array growth and the
 * one growable text buffer of the project. */
#ifndef SS_MEM_H
#define SS_MEM_H

#include <stddef.h>

/* strdup that returns NULL for NULL (and when out of memory). Caller
 * frees. */
char *ss_strdup(const char *s);

/* Make room for at least `need` elements of `elem` bytes in *p (capacity
 * *cap elements, doubled from at least `min_cap`): 0, or -1 when the size
 * would overflow or memory runs out (*p and *cap unchanged then). */
int ss_grow(void **p, size_t *cap, size_t need, size_t elem, size_t min_cap);

/* A growable text buffer, always NUL-terminated once anything was added.
 * An allocation failure sets oom and later appends are dropped: check oom
 * once at the end. Zero-initialise; release with ss_buf_free. */
typedef struct ss_buf {
  char *p;
  size_t len, cap;
  int oom;
} ss_buf;

void ss_buf_free(ss_buf *b); /* and reset; NULL is a no-op */
/* Room for `extra` more bytes (and the NUL). */
void ss_buf_reserve(ss_buf *b, size_t extra);
void ss_buf_add(ss_buf *b, const char *s, size_t n);
void ss_buf_str(ss_buf *b, const char *s);
void ss_buf_char(ss_buf *b, char c);
void ss_buf_printf(ss_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Hand the text to the caller (caller frees; "" when empty) and reset b.
 * NULL when an append ran out of memory. */
char *ss_buf_take(ss_buf *b);

#endif
