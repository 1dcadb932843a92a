/* ss_csv: the one CSV quoting rule of every table splitsim writes
 * (RFC 4180): a cell is written as "..." (inner quotes doubled) when it
 * holds a comma, a quote, CR or LF, is empty, or starts or ends with a space
 * or tab (so that readers keep it as written); otherwise as it is. */
#ifndef SS_CSV_H
#define SS_CSV_H

#include "ss_mem.h"

/* 1 when s must be quoted. */
int ss_csv_needs_quotes(const char *s);
/* Append s as one CSV cell (NULL: nothing, an empty cell = no value). */
void ss_csv_field(ss_buf *b, const char *s);

#endif
