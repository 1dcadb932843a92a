/* Small text helpers for messages: "did you mean", plurals, name lists. */
#ifndef SS_TEXT_H
#define SS_TEXT_H

#include <stddef.h>

/* The candidate closest to `word` (case-insensitive optimal string
 * alignment distance), when close enough to be a likely typo (about a third
 * of the letters wrong, or word a prefix of it); else NULL. */
const char *ss_suggest(const char *word, const char *const *cands,
                       size_t n_cands);

/* one when n == 1, else many: printf("%zu %s", n, ss_plural(n, "model",
 * "models")). */
const char *ss_plural(size_t n, const char *one, const char *many);

/* names joined with ", " into buf, cut with ", ..." when they do not fit
 * (for messages listing what was expected). */
void ss_join(char *buf, size_t size, const char *const *names, size_t n);

#endif
