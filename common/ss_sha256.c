/* SHA-256 (FIPS 180-4), for the input checksums recorded in run.json and
 * compared by --resume. */
#include "ss_sha256.h"

#include "ss_dir.h"
#include "ss_mem.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
    0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
    0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
    0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
    0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
    0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
    0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
    0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
    0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

static uint32_t ror(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

static void block(ss_sha256 *c, const unsigned char *p) {
  uint32_t w[64];
  for (int i = 0; i < 16; i++)
    w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
           (uint32_t)p[4 * i + 2] << 8 | (uint32_t)p[4 * i + 3];
  for (int i = 16; i < 64; i++) {
    uint32_t s0 = ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^ (w[i - 15] >> 3);
    uint32_t s1 = ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ (w[i - 2] >> 10);
    w[i] = w[i - 16] + s0 + w[i - 7] + s1;
  }
  uint32_t a = c->h[0], b = c->h[1], cc = c->h[2], d = c->h[3], e = c->h[4],
           f = c->h[5], g = c->h[6], h = c->h[7];
  for (int i = 0; i < 64; i++) {
    uint32_t S1 = ror(e, 6) ^ ror(e, 11) ^ ror(e, 25);
    uint32_t ch = (e & f) ^ (~e & g);
    uint32_t t1 = h + S1 + ch + K[i] + w[i];
    uint32_t S0 = ror(a, 2) ^ ror(a, 13) ^ ror(a, 22);
    uint32_t maj = (a & b) ^ (a & cc) ^ (b & cc);
    uint32_t t2 = S0 + maj;
    h = g;
    g = f;
    f = e;
    e = d + t1;
    d = cc;
    cc = b;
    b = a;
    a = t1 + t2;
  }
  c->h[0] += a;
  c->h[1] += b;
  c->h[2] += cc;
  c->h[3] += d;
  c->h[4] += e;
  c->h[5] += f;
  c->h[6] += g;
  c->h[7] += h;
}

void ss_sha256_init(ss_sha256 *c) {
  static const uint32_t H0[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372,
                                 0xa54ff53a, 0x510e527f, 0x9b05688c,
                                 0x1f83d9ab, 0x5be0cd19};
  memcpy(c->h, H0, sizeof H0);
  c->len = 0;
  c->n = 0;
}

void ss_sha256_update(ss_sha256 *c, const void *data, size_t len) {
  const unsigned char *p = data;
  c->len += len;
  while (len > 0) {
    if (c->n == 0 && len >= 64) {
      block(c, p);
      p += 64;
      len -= 64;
      continue;
    }
    size_t take = 64 - c->n < len ? 64 - c->n : len;
    memcpy(c->buf + c->n, p, take);
    c->n += take;
    p += take;
    len -= take;
    if (c->n == 64) {
      block(c, c->buf);
      c->n = 0;
    }
  }
}

void ss_sha256_final(ss_sha256 *c, unsigned char out[32]) {
  uint64_t bits = c->len * 8;
  unsigned char pad = 0x80;
  ss_sha256_update(c, &pad, 1);
  unsigned char zero = 0;
  while (c->n != 56)
    ss_sha256_update(c, &zero, 1);
  unsigned char lenb[8];
  for (int i = 0; i < 8; i++)
    lenb[i] = (unsigned char)(bits >> (56 - 8 * i));
  ss_sha256_update(c, lenb, 8);
  for (int i = 0; i < 8; i++) {
    out[4 * i] = (unsigned char)(c->h[i] >> 24);
    out[4 * i + 1] = (unsigned char)(c->h[i] >> 16);
    out[4 * i + 2] = (unsigned char)(c->h[i] >> 8);
    out[4 * i + 3] = (unsigned char)c->h[i];
  }
}

void ss_sha256_hex(const unsigned char d[32], char hex[65]) {
  static const char digits[] = "0123456789abcdef";
  for (int i = 0; i < 32; i++) {
    hex[2 * i] = digits[d[i] >> 4];
    hex[2 * i + 1] = digits[d[i] & 15];
  }
  hex[64] = '\0';
}

int ss_sha256_file(const char *path, char hex[65], ss_error *err) {
  FILE *fp = fopen(path, "rb");
  if (!fp)
    return ss_error_set(err, path, NULL, "cannot open: %s", strerror(errno));
  ss_sha256 c;
  ss_sha256_init(&c);
  unsigned char buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, fp)) > 0)
    ss_sha256_update(&c, buf, n);
  int bad = ferror(fp);
  fclose(fp);
  if (bad)
    return ss_error_set(err, path, NULL, "read error");
  unsigned char d[32];
  ss_sha256_final(&c, d);
  ss_sha256_hex(d, hex);
  return 0;
}

/* The hash of "name\nsha256\n" for each file of the listing, in order. */
static int hash_listing(const char *dir, char **names, size_t n, char hex[65],
                        ss_error *err) {
  ss_sha256 c;
  ss_sha256_init(&c);
  for (size_t i = 0; i < n; i++) {
    size_t len = strlen(dir) + strlen(names[i]) + 2;
    char *full = malloc(len);
    if (!full)
      return ss_error_oom(err, dir, NULL);
    snprintf(full, len, "%s/%s", dir, names[i]);
    char fh[65];
    int frc = ss_sha256_file(full, fh, err);
    free(full);
    if (frc != 0)
      return -1;
    ss_sha256_update(&c, names[i], strlen(names[i]));
    ss_sha256_update(&c, "\n", 1);
    ss_sha256_update(&c, fh, 64);
    ss_sha256_update(&c, "\n", 1);
  }
  unsigned char dg[32];
  ss_sha256_final(&c, dg);
  ss_sha256_hex(dg, hex);
  return 0;
}

int ss_sha256_path(const char *path, char hex[65], ss_error *err) {
  struct stat st;
  if (stat(path, &st) != 0)
    return ss_error_set(err, path, NULL, "cannot read: %s", strerror(errno));
  if (!S_ISDIR(st.st_mode))
    return ss_sha256_file(path, hex, err);
  /* A folder of Scission .dat files: hash the sorted listing. */
  char **names;
  size_t n;
  if (ss_dir_list(path, ss_dir_keep_suffix, ".dat", &names, &n, err) != 0)
    return -1;
  int rc = hash_listing(path, names, n, hex, err);
  ss_dir_names_free(names, n);
  return rc;
}
