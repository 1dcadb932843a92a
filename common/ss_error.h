/* ss_error: one small error record passed down as an optional out-parameter.
 *
 * Library code never prints or exits; it fills an ss_error and returns -1.
 * Only tools/ prints it, as "<file>:<where>: error: <msg>".
 * `where` is the place inside the file: "12" (line), "12:5" (line:column),
 * "byte 1234", a field name, or an HDF5 path. Either part may be empty. */
#ifndef SS_ERROR_H
#define SS_ERROR_H

#include <stddef.h>

typedef struct ss_error {
  char file[512];
  char where[256];
  char msg[1024];
} ss_error;

/* Clear an error record (err may be NULL). */
void ss_error_clear(ss_error *err);

/* Fill err (if not NULL). file/where may be NULL. Always returns -1 so that
 * callers can write `return ss_error_set(err, ...);`. */
int ss_error_set(ss_error *err, const char *file, const char *where,
                 const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Set only the message; keeps file/where already there. Returns -1. */
int ss_error_msg(ss_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Prefix the message with "prefix: " (e.g. to add context). Returns -1. */
int ss_error_prefix(ss_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Render as "<file>:<where>: error: <msg>" into buf (always terminated). */
void ss_error_format(const ss_error *err, char *buf, size_t bufsize);

#endif
