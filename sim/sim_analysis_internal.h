/* Private to sim/ (and its tests): the lower envelope (sim_analysis.c). */
#ifndef SIM_ANALYSIS_INTERNAL_H
#define SIM_ANALYSIS_INTERNAL_H

#include <stddef.h>

typedef struct sim_break {
  double u;
  size_t before, after;
} sim_break;

/* Lower envelope of lines y_i = a[i] + b[i] * u for the i with use[i] != 0
 * over [ulo, uhi]: the u strictly inside where the lowest line changes,
 * increasing, into *out (malloc'd, caller frees), count in *n_out.
 * *start gets the lowest line just after ulo. Lines closer than a relative
 * 1e-12 count as the same line (the lower index wins). Returns 0, or -1
 * when out of memory or no line is used. */
int sim_envelope(const double *a, const double *b, const unsigned char *use,
                 size_t n, double ulo, double uhi, size_t *start,
                 sim_break **out, size_t *n_out);

#endif
