/* Text buffers and fast shortest round-trip number text.
 *
 * ss_fmt_double tries "%.15g", "%.16g", "%.17g" and keeps the first that
 * strtod reads back exactly: three printf/strtod calls per number, the
 * bottleneck of writing millions of CSV rows. sim_fmt_double produces the
 * same bytes with exact integer arithmetic: for x = m * 2^e and a precision
 * P, N = round-half-even(x * 10^p) with p = P - 1 - floor(log10 x) is the
 * P-digit decimal printf would print, and N / 10^p reads back to x exactly
 * when it lies inside x's rounding interval (half an ulp either side, a
 * quarter below a power of two; ties go to the even mantissa). Everything
 * fits 128-bit integers for 1e-11 <= |x| < 1e15; other values (and 0,
 * subnormals, NaN, infinities) use ss_fmt_double. */
#include "../common/ss_csv.h"
#include "../common/ss_mem.h"
#include "sim_fmt_internal.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/ss_io.h"

__extension__ typedef unsigned __int128 u128;

void sim_buf_u64(ss_buf *b, uint64_t v) {
  char tmp[24];
  size_t n = 0;
  do {
    tmp[sizeof tmp - 1 - n++] = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  ss_buf_add(b, tmp + sizeof tmp - n, n);
}

/* A CSV number always reads as a floating-point value, whatever its value
 * ("3.0", not "3"), so a column's type never depends on its values. */
static size_t fmt_csv_double(char *buf, double x) {
  size_t n = sim_fmt_double(buf, x);
  if (strspn(buf, "-0123456789") == n) {
    buf[n++] = '.';
    buf[n++] = '0';
    buf[n] = '\0';
  }
  return n;
}

void sim_buf_num(ss_buf *b, double x) {
  if (isnan(x))
    return;
  char tmp[SS_DOUBLE_BUFSIZE + 2];
  size_t n = fmt_csv_double(tmp, x);
  ss_buf_add(b, tmp, n);
}

void sim_buf_nums(ss_buf *b, const double *v, size_t n) {
  for (size_t i = 0; i < n; i++) {
    ss_buf_char(b, ',');
    sim_buf_num(b, v[i]);
  }
}

void sim_buf_num_cached(ss_buf *b, sim_numcache *c, double x) {
  uint64_t bits;
  memcpy(&bits, &x, sizeof bits);
  if (!c->valid || c->bits != bits) {
    c->bits = bits;
    c->valid = 1;
    if (isnan(x)) {
      c->len = 0;
      c->txt[0] = '\0';
    } else {
      c->len = (unsigned char)fmt_csv_double(c->txt, x);
    }
  }
  ss_buf_add(b, c->txt, c->len);
}

char *sim_csv_cell(const char *s) {
  ss_buf b = {0};
  ss_csv_field(&b, s);
  if (b.oom || !b.p) {
    free(b.p);
    return b.oom ? NULL : calloc(1, 1);
  }
  return b.p;
}

/* ---- fast shortest round-trip text ------------------------------------- */

static const uint64_t POW10[20] = {1ULL,
                                   10ULL,
                                   100ULL,
                                   1000ULL,
                                   10000ULL,
                                   100000ULL,
                                   1000000ULL,
                                   10000000ULL,
                                   100000000ULL,
                                   1000000000ULL,
                                   10000000000ULL,
                                   100000000000ULL,
                                   1000000000000ULL,
                                   10000000000000ULL,
                                   100000000000000ULL,
                                   1000000000000000ULL,
                                   10000000000000000ULL,
                                   100000000000000000ULL,
                                   1000000000000000000ULL,
                                   10000000000000000000ULL};

static uint64_t pow5(int p) {
  uint64_t r = 1;
  for (int i = 0; i < p; i++)
    r *= 5;
  return r;
}

/* x = m * 2^e scaled by 10^p: X = M / 2^s with M = m * 5^p (s = 0 when the
 * product is an integer, then M = X). */
static void scale(uint64_t m, int e, int p, u128 *M, int *s) {
  u128 v = (u128)m * pow5(p);
  int k = e + p;
  if (k >= 0) {
    *M = v << k;
    *s = 0;
  } else {
    *M = v;
    *s = -k;
  }
}

/* One precision: fills *N (round-half-even of X) and returns 1 when N/10^p
 * reads back to x. */
static int try_prec(uint64_t m, int e, int p, int pow2, uint64_t *N) {
  u128 M;
  int s;
  scale(m, e, p, &M, &s);
  if (s == 0) {
    *N = (uint64_t)M;
    return 1;
  }
  u128 q = M >> s, rem = M - (q << s), half = (u128)1 << (s - 1);
  if (rem > half || (rem == half && (q & 1)))
    q++;
  *N = (uint64_t)q;
  /* |N * 2^s - M| against half an ulp (scaled: 5^p / 2). */
  u128 ns = q << s;
  int below = ns < M;
  u128 diff = below ? M - ns : ns - M;
  u128 lim = pow5(p);
  u128 twice = diff * (below && pow2 ? 4 : 2);
  if (twice < lim)
    return 1;
  if (twice == lim)
    return (m & 1) == 0;
  return 0;
}

static size_t emit(char *buf, int neg, uint64_t N, int P, int E) {
  char d[24];
  int nd = P;
  for (int i = P - 1; i >= 0; i--) {
    d[i] = (char)('0' + N % 10);
    N /= 10;
  }
  while (nd > 1 && d[nd - 1] == '0')
    nd--;
  size_t n = 0;
  if (neg)
    buf[n++] = '-';
  if (E < -4 || E >= P) {
    buf[n++] = d[0];
    if (nd > 1) {
      buf[n++] = '.';
      for (int i = 1; i < nd; i++)
        buf[n++] = d[i];
    }
    buf[n++] = 'e';
    int ae = E < 0 ? -E : E;
    buf[n++] = E < 0 ? '-' : '+';
    if (ae >= 100)
      buf[n++] = (char)('0' + ae / 100);
    buf[n++] = (char)('0' + ae / 10 % 10);
    buf[n++] = (char)('0' + ae % 10);
  } else if (E >= 0) {
    for (int i = 0; i <= E; i++)
      buf[n++] = i < nd ? d[i] : '0';
    if (nd > E + 1) {
      buf[n++] = '.';
      for (int i = E + 1; i < nd; i++)
        buf[n++] = d[i];
    }
  } else {
    buf[n++] = '0';
    buf[n++] = '.';
    for (int i = 0; i < -E - 1; i++)
      buf[n++] = '0';
    for (int i = 0; i < nd; i++)
      buf[n++] = d[i];
  }
  buf[n] = '\0';
  return n;
}

static size_t slow(char *buf, double x) {
  ss_fmt_double(buf, x);
  return strlen(buf);
}

size_t sim_fmt_double(char *buf, double x) {
  double ax = fabs(x);
  if (!(ax >= 1e-11 && ax < 1e15))
    return slow(buf, x);
  uint64_t bits;
  memcpy(&bits, &x, sizeof bits);
  int neg = (int)(bits >> 63);
  int bexp = (int)((bits >> 52) & 0x7ff);
  uint64_t m = (bits & ((1ULL << 52) - 1)) | (1ULL << 52);
  int e = bexp - 1075;
  int pow2 = (bits & ((1ULL << 52) - 1)) == 0;
  /* E = floor(log10 |x|), made exact with the 17-digit truncation. */
  int E = (int)floor(log10(ax));
  for (int tries = 0;; tries++) {
    if (E < -11 || E > 14 || tries > 3)
      return slow(buf, x);
    u128 M;
    int s;
    scale(m, e, 16 - E, &M, &s);
    u128 q = M >> s;
    if (q < POW10[16])
      E--;
    else if (q >= POW10[17])
      E++;
    else
      break;
  }
  for (int P = 15; P <= 17; P++) {
    uint64_t N;
    if (try_prec(m, e, P - 1 - E, pow2, &N)) {
      int Eo = E;
      if (N == POW10[P]) {
        N = POW10[P - 1];
        Eo++;
      }
      return emit(buf, neg, N, P, Eo);
    }
  }
  return slow(buf, x);
}
