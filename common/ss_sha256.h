/* ss_sha256: SHA-256 (FIPS 180-4) of bytes, files and folders, for the
 * checksums run.json records. */
#ifndef SS_SHA256_H
#define SS_SHA256_H

#include <stddef.h>
#include <stdint.h>

#include "ss_error.h"

typedef struct ss_sha256 {
  uint32_t h[8];
  uint64_t len;
  unsigned char buf[64];
  size_t n;
} ss_sha256;

void ss_sha256_init(ss_sha256 *c);
void ss_sha256_update(ss_sha256 *c, const void *data, size_t len);
void ss_sha256_final(ss_sha256 *c, unsigned char out[32]);
/* Lower-case hex of 32 bytes into hex[65]. */
void ss_sha256_hex(const unsigned char d[32], char hex[65]);
/* Lower-case hex SHA-256 of a file's bytes. */
int ss_sha256_file(const char *path, char hex[65], ss_error *err);
/* SHA-256 of a file, or for a folder of the listing of its regular files
 * (sorted by name): "<name>\n<sha256 hex of the file>\n" for each. */
int ss_sha256_path(const char *path, char hex[65], ss_error *err);

#endif
