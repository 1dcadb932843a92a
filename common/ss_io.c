#define _GNU_SOURCE /* syncfs */
#include "ss_io.h"

#include <errno.h>
#include <fcntl.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *ss_read_file(const char *path, size_t max_bytes, size_t *len_out,
                   ss_error *err) {
  FILE *fp = fopen(path, "rb");
  if (!fp) {
    ss_error_setk(err, errno == ENOENT ? SS_ERR_NOT_FOUND : SS_ERR_IO, path,
                  NULL, "cannot open: %s", strerror(errno));
    return NULL;
  }
  struct stat st;
  if (fstat(fileno(fp), &st) == 0 && S_ISDIR(st.st_mode)) {
    fclose(fp);
    ss_error_setk(err, SS_ERR_INVALID, path, NULL,
                  "is a directory, not a file");
    return NULL;
  }
  if (S_ISREG(st.st_mode) && (uintmax_t)st.st_size > (uintmax_t)max_bytes) {
    fclose(fp);
    ss_error_setk(err, SS_ERR_INVALID, path, NULL,
                  "file larger than the limit of %zu bytes (it has %jd)",
                  max_bytes, (intmax_t)st.st_size);
    return NULL;
  }
  size_t cap = max_bytes < 65536 ? max_bytes : 65536, len = 0;
  char *buf = malloc(cap + 1);
  if (!buf)
    goto oom;
  for (;;) {
    if (len == cap) {
      if (cap >= max_bytes) {
        if (fgetc(fp) == EOF && !ferror(fp))
          break; /* exactly max_bytes: allowed */
        free(buf);
        fclose(fp);
        ss_error_setk(err, SS_ERR_INVALID, path, NULL,
                      "file larger than the limit of %zu bytes", max_bytes);
        return NULL;
      }
      size_t ncap = cap * 2 > max_bytes ? max_bytes : cap * 2;
      char *nb = realloc(buf, ncap + 1);
      if (!nb)
        goto oom;
      buf = nb;
      cap = ncap;
    }
    size_t n = fread(buf + len, 1, cap - len, fp);
    len += n;
    if (n == 0) {
      if (ferror(fp)) {
        free(buf);
        fclose(fp);
        ss_error_setk(err, SS_ERR_IO, path, NULL, "read error");
        return NULL;
      }
      break;
    }
  }
  fclose(fp);
  buf[len] = '\0';
  if (len_out)
    *len_out = len;
  return buf;
oom:
  free(buf);
  fclose(fp);
  ss_error_oom(err, path, NULL);
  return NULL;
}

/* Rename tmp (its data already synced, or left to ss_sync_fs) to path. */
static int rename_synced(const char *tmp, const char *path, ss_error *err) {
  /* Keep the permissions a user had on an existing file; new files get 0644
   * (mkstemp creates 0600). */
  struct stat st;
  mode_t mode = 0644;
  if (stat(path, &st) == 0)
    mode = st.st_mode & 07777;
  (void)chmod(tmp, mode);
  if (rename(tmp, path) != 0) {
    int e = errno;
    ss_temp_discard(tmp);
    return ss_error_setk(err, SS_ERR_IO, path, NULL, "cannot replace file: %s",
                         strerror(e));
  }
  ss_temp_done(tmp);
  return 0;
}

int ss_rename_into_place(const char *tmp, const char *path, ss_error *err) {
  int fd = open(tmp, O_RDONLY);
  if (fd >= 0) {
    (void)fsync(fd);
    close(fd);
  }
  return rename_synced(tmp, path, err);
}

int ss_sync_fs(const char *path, ss_error *err) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return ss_error_setk(err, SS_ERR_IO, path, NULL, "cannot open: %s",
                         strerror(errno));
#ifdef __linux__
  int rc = syncfs(fd);
#else
  sync();
  int rc = 0;
#endif
  int e = errno;
  close(fd);
  if (rc != 0)
    return ss_error_setk(err, SS_ERR_IO, path, NULL, "cannot write to disk: %s",
                         strerror(e));
  return 0;
}

int ss_atomic_open(ss_atomic_file *af, const char *path, ss_error *err) {
  memset(af, 0, sizeof *af);
  if (strlen(path) >= sizeof af->path)
    return ss_error_set(err, path, NULL, "path too long");
  strcpy(af->path, path);
  if (ss_temp_path_for(path, af->tmp_path, sizeof af->tmp_path, err) != 0)
    return -1;
  af->fp = fopen(af->tmp_path, "wb");
  if (!af->fp) {
    int e = errno;
    ss_temp_discard(af->tmp_path);
    af->tmp_path[0] = '\0';
    return ss_error_setk(err, SS_ERR_IO, path, NULL, "cannot write: %s",
                         strerror(e));
  }
  return 0;
}

int ss_atomic_commit(ss_atomic_file *af, ss_error *err) {
  if (!af->fp)
    return ss_error_set(err, af->path, NULL, "file not open");
  int bad = ferror(af->fp) || fflush(af->fp) != 0;
  if (!bad && !af->no_sync)
    bad = fsync(fileno(af->fp)) != 0 && errno != EINVAL;
  if (fclose(af->fp) != 0)
    bad = 1;
  af->fp = NULL;
  if (bad) {
    ss_temp_discard(af->tmp_path);
    af->tmp_path[0] = '\0';
    return ss_error_setk(err, SS_ERR_IO, af->path, NULL,
                         "write failed (disk full?)");
  }
  int rc = rename_synced(af->tmp_path, af->path, err);
  af->tmp_path[0] = '\0';
  return rc;
}

void ss_atomic_abort(ss_atomic_file *af) {
  if (af->fp) {
    fclose(af->fp);
    af->fp = NULL;
  }
  if (af->tmp_path[0]) {
    ss_temp_discard(af->tmp_path);
    af->tmp_path[0] = '\0';
  }
}

char *ss_fmt_double(char *buf, double x) {
  if (isnan(x)) {
    strcpy(buf, "nan");
    return buf;
  }
  if (isinf(x)) {
    strcpy(buf, x > 0 ? "inf" : "-inf");
    return buf;
  }
  for (int prec = 15; prec <= 17; prec++) {
    snprintf(buf, SS_DOUBLE_BUFSIZE, "%.*g", prec, x);
    if (strtod(buf, NULL) == x)
      break;
  }
  return buf;
}

static const char *skip_spaces(const char *s) {
  while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
    s++;
  return s;
}

int ss_parse_double(const char *s, double *out) {
  s = skip_spaces(s);
  if (!*s)
    return -1;
  /* Decimal text only: strtod alone would also take hex (0x10, 0x1p3),
   * "inf" and "nan". */
  size_t n = strspn(s, "0123456789+-.eE");
  if (s[n] && *skip_spaces(s + n))
    return -1;
  char *end;
  errno = 0;
  double v = strtod(s, &end);
  /* ERANGE on underflow still gives the nearest (subnormal or zero) value,
   * which is what the text says; overflow gives HUGE_VAL, caught here. */
  if (end == s || !isfinite(v) || (errno == ERANGE && fabs(v) > DBL_MIN))
    return -1;
  if (*skip_spaces(end))
    return -1;
  *out = v;
  return 0;
}

int ss_parse_int64(const char *s, long long *out) {
  s = skip_spaces(s);
  if (!*s)
    return -1;
  char *end;
  errno = 0;
  long long v = strtoll(s, &end, 10);
  if (end == s || errno == ERANGE)
    return -1;
  if (*skip_spaces(end))
    return -1;
  *out = v;
  return 0;
}

void ss_json_str(FILE *fp, const char *s) {
  if (!s) {
    fputs("null", fp);
    return;
  }
  fputc('"', fp);
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (*p == '"' || *p == '\\')
      fprintf(fp, "\\%c", *p);
    else if (*p == '\n')
      fputs("\\n", fp);
    else if (*p == '\t')
      fputs("\\t", fp);
    else if (*p == '\r')
      fputs("\\r", fp);
    else if (*p < 0x20 || *p == 0x7f)
      fprintf(fp, "\\u%04x", *p);
    else
      fputc(*p, fp);
  }
  fputc('"', fp);
}

void ss_json_num(FILE *fp, double x) {
  char buf[SS_DOUBLE_BUFSIZE];
  fputs(isfinite(x) ? ss_fmt_double(buf, x) : "null", fp);
}
