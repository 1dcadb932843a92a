/* Small text helpers for messages: "did you mean" and plurals. */
#define _POSIX_C_SOURCE 200809L
#include "ss_text.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Optimal string alignment distance, case-insensitive, capped at 64 chars. */
static size_t edit_distance(const char *a, const char *b) {
  size_t la = strlen(a), lb = strlen(b);
  if (la > 64 || lb > 64)
    return (size_t)-1;
  size_t d[65][65];
  for (size_t i = 0; i <= la; i++)
    d[i][0] = i;
  for (size_t j = 0; j <= lb; j++)
    d[0][j] = j;
  for (size_t i = 1; i <= la; i++) {
    for (size_t j = 1; j <= lb; j++) {
      int ca = tolower((unsigned char)a[i - 1]);
      int cb = tolower((unsigned char)b[j - 1]);
      size_t best = d[i - 1][j - 1] + (ca != cb);
      if (d[i - 1][j] + 1 < best)
        best = d[i - 1][j] + 1;
      if (d[i][j - 1] + 1 < best)
        best = d[i][j - 1] + 1;
      if (i > 1 && j > 1 && ca == tolower((unsigned char)b[j - 2]) &&
          cb == tolower((unsigned char)a[i - 2]) && d[i - 2][j - 2] + 1 < best)
        best = d[i - 2][j - 2] + 1;
      d[i][j] = best;
    }
  }
  return d[la][lb];
}

const char *ss_suggest(const char *word, const char *const *cands,
                       size_t n_cands) {
  const char *best = NULL;
  size_t best_d = (size_t)-1;
  size_t lw = strlen(word);
  for (size_t i = 0; i < n_cands; i++) {
    size_t d = edit_distance(word, cands[i]);
    size_t lc = strlen(cands[i]);
    size_t longest = lw > lc ? lw : lc;
    /* close enough: about a third of the letters wrong, or the word is a
     * prefix of the candidate ("latency" for "latency_ms") */
    int close = d <= (longest + 2) / 3 ||
                (lw >= 3 && lw < lc && strncasecmp(word, cands[i], lw) == 0);
    if (close && d < best_d) {
      best = cands[i];
      best_d = d;
    }
  }
  return best;
}

const char *ss_plural(size_t n, const char *one, const char *many) {
  return n == 1 ? one : many;
}

void ss_join(char *buf, size_t size, const char *const *names, size_t n) {
  size_t used = 0;
  if (!size)
    return;
  buf[0] = '\0';
  for (size_t i = 0; i < n; i++) {
    size_t need = strlen(names[i]) + (i ? 2 : 0);
    if (used + need + 6 >= size) {
      snprintf(buf + used, size - used, "%s...", i ? ", " : "");
      return;
    }
    used += (size_t)snprintf(buf + used, size - used, "%s%s", i ? ", " : "",
                             names[i]);
  }
}
