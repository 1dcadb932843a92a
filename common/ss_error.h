/* ss_error: one small error record passed down as an optional out-parameter.
 *
 * Library code never prints or exits; it fills an ss_error and returns -1.
 * Only tools/ prints it, as "<file>:<where>: error: <msg>".
 * `where` is the place inside the file: "12" (line), "12:5" (line:column),
 * "byte 1234", a field name, or an HDF5 path. Either part may be empty. */
#ifndef SS_ERROR_H
#define SS_ERROR_H

#include <stddef.h>

/* What kind of failure: for code to branch on (the message is for people;
 * never compare message text). */
typedef enum ss_error_kind {
  SS_ERR_NONE = 0,   /* no error (a cleared record) */
  SS_ERR_FAILED,     /* unclassified (ss_error_set) */
  SS_ERR_IO,         /* a file could not be opened, read, written, moved */
  SS_ERR_OOM,        /* out of memory */
  SS_ERR_FORMAT,     /* input that does not follow its format */
  SS_ERR_INVALID,    /* a value outside its allowed range or set */
  SS_ERR_NOT_FOUND,  /* a named thing (file, system, model) is absent */
  SS_ERR_INTERRUPTED /* the caller's cancel flag stopped the work */
} ss_error_kind;

typedef struct ss_error {
  ss_error_kind kind;
  char file[512];
  char where[256];
  char msg[1024];
} ss_error;

/* Clear an error record (err may be NULL). */
void ss_error_clear(ss_error *err);

/* Fill err (if not NULL; kind SS_ERR_FAILED). file/where may be NULL.
 * Always returns -1 so that callers can write `return ss_error_set(...);`. */
int ss_error_set(ss_error *err, const char *file, const char *where,
                 const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* The same with a kind. */
int ss_error_setk(ss_error *err, ss_error_kind kind, const char *file,
                  const char *where, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* The same at a line of a text file (`where` = the line number). */
int ss_error_line(ss_error *err, ss_error_kind kind, const char *file,
                  long line, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* "out of memory" (SS_ERR_OOM) at file/where (either may be NULL).
 * Returns -1. */
int ss_error_oom(ss_error *err, const char *file, const char *where);

/* "interrupted" (SS_ERR_INTERRUPTED). Returns -1. */
int ss_error_interrupted(ss_error *err);

/* The kind of err (SS_ERR_NONE for NULL). */
ss_error_kind ss_error_kind_of(const ss_error *err);

/* Set only the message; keeps kind, file and where. Returns -1. */
int ss_error_msg(ss_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Prefix the message with "prefix: " (e.g. to add context); keeps the
 * kind. Returns -1. */
int ss_error_prefix(ss_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Render as "<file>:<where>: error: <msg>" into buf (always terminated). */
void ss_error_format(const ss_error *err, char *buf, size_t bufsize);

#endif
