#include "ss_error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void ss_error_clear(ss_error *err) {
  if (!err)
    return;
  err->kind = SS_ERR_NONE;
  err->file[0] = err->where[0] = err->msg[0] = '\0';
}

static int set_va(ss_error *err, ss_error_kind kind, const char *file,
                  const char *where, const char *fmt, va_list ap) {
  if (!err)
    return -1;
  err->kind = kind;
  snprintf(err->file, sizeof err->file, "%s", file ? file : "");
  snprintf(err->where, sizeof err->where, "%s", where ? where : "");
  vsnprintf(err->msg, sizeof err->msg, fmt, ap);
  return -1;
}

int ss_error_set(ss_error *err, const char *file, const char *where,
                 const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  set_va(err, SS_ERR_FAILED, file, where, fmt, ap);
  va_end(ap);
  return -1;
}

int ss_error_setk(ss_error *err, ss_error_kind kind, const char *file,
                  const char *where, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  set_va(err, kind, file, where, fmt, ap);
  va_end(ap);
  return -1;
}

int ss_error_line(ss_error *err, ss_error_kind kind, const char *file,
                  long line, const char *fmt, ...) {
  char where[32];
  snprintf(where, sizeof where, "%ld", line);
  va_list ap;
  va_start(ap, fmt);
  set_va(err, kind, file, where, fmt, ap);
  va_end(ap);
  return -1;
}

int ss_error_oom(ss_error *err, const char *file, const char *where) {
  return ss_error_setk(err, SS_ERR_OOM, file, where, "out of memory");
}

int ss_error_interrupted(ss_error *err) {
  return ss_error_setk(err, SS_ERR_INTERRUPTED, NULL, NULL, "interrupted");
}

ss_error_kind ss_error_kind_of(const ss_error *err) {
  return err ? err->kind : SS_ERR_NONE;
}

int ss_error_msg(ss_error *err, const char *fmt, ...) {
  if (!err)
    return -1;
  if (err->kind == SS_ERR_NONE)
    err->kind = SS_ERR_FAILED;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err->msg, sizeof err->msg, fmt, ap);
  va_end(ap);
  return -1;
}

int ss_error_prefix(ss_error *err, const char *fmt, ...) {
  if (!err)
    return -1;
  char old[sizeof err->msg];
  memcpy(old, err->msg, sizeof old);
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(err->msg, sizeof err->msg, fmt, ap);
  va_end(ap);
  if (n >= 0 && (size_t)n + 2 < sizeof err->msg) {
    size_t room = sizeof err->msg - (size_t)n - 2;
    memcpy(err->msg + n, ": ", 2);
    size_t len = strlen(old);
    if (len > room - 1)
      len = room - 1;
    memcpy(err->msg + n + 2, old, len);
    err->msg[n + 2 + len] = '\0';
  }
  return -1;
}

void ss_error_format(const ss_error *err, char *buf, size_t bufsize) {
  if (!bufsize)
    return;
  const char *msg = err->msg[0] ? err->msg : "unknown failure";
  if (err->file[0] && err->where[0])
    snprintf(buf, bufsize, "%s:%s: error: %s", err->file, err->where, msg);
  else if (err->file[0])
    snprintf(buf, bufsize, "%s: error: %s", err->file, msg);
  else
    snprintf(buf, bufsize, "error: %s", msg);
}
