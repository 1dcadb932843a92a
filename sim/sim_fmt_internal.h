/* Private to sim/ (and its tests): text buffers and fast number text
 * (sim_fmt.c). */
#ifndef SIM_FMT_INTERNAL_H
#define SIM_FMT_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "../common/ss_mem.h"

void sim_buf_u64(ss_buf *b, uint64_t v);
/* A number as CSV text: empty for NaN, else sim_fmt_double with ".0"
 * appended to whole numbers (a float column always reads as floats). */
void sim_buf_num(ss_buf *b, double x);
/* ",v[0],v[1],...": n numbers, each after a comma (a CSV row's cells). */
void sim_buf_nums(ss_buf *b, const double *v, size_t n);

/* The same bytes as ss_fmt_double (shortest of %.15g/%.16g/%.17g that reads
 * back exactly), computed with integer arithmetic for the common range and
 * falling back to ss_fmt_double elsewhere. buf holds SS_DOUBLE_BUFSIZE
 * bytes. Returns the length. */
size_t sim_fmt_double(char *buf, double x);

/* A one-entry cache per column: reformat only when the value changes. */
typedef struct sim_numcache {
  uint64_t bits;
  int valid;
  unsigned char len;
  char txt[32];
} sim_numcache;
void sim_buf_num_cached(ss_buf *b, sim_numcache *c, double x);

/* Newly allocated CSV cell text of s (quoted when needed). */
char *sim_csv_cell(const char *s);

#endif
