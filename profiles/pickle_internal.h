/* A restricted decoder for Python pickles (protocols 2-4), enough to read
 * Scission's benchmark files. Private to profiles/ (and its tests).
 *
 * It never executes or imports anything: it only builds a tree of plain
 * values. Opcodes that call code (REDUCE, INST, OBJ, NEWOBJ_EX, EXT*, PERSID,
 * BINPERSID) and every opcode outside a short list are refused; a class
 * reference (GLOBAL, STACK_GLOBAL) is accepted only when it is on the
 * caller's allow-list, and even then the class is only recorded by name.
 * See docs/pickle.md for the accepted opcodes and the limits.
 *
 * Memory: every value lives in the pk_doc that pk_decode returns and is
 * freed with it (pk_doc_free), never one by one. Values may be shared
 * (a memo entry fetched twice is the same pointer) and may even form cycles
 * (a list appended to itself), so walk the tree only to a known depth. */
#ifndef PROF_PICKLE_INTERNAL_H
#define PROF_PICKLE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "../common/ss_error.h"

typedef enum pk_kind {
  PK_NONE,
  PK_BOOL,
  PK_INT,
  PK_FLOAT,
  PK_STR,
  PK_LIST,
  PK_TUPLE,
  PK_DICT,
  PK_CLASS,  /* a class named by GLOBAL / STACK_GLOBAL (never imported) */
  PK_OBJECT, /* NEWOBJ of a PK_CLASS, with the state given by BUILD */
} pk_kind;

typedef struct pk_value pk_value;
struct pk_value {
  pk_kind kind;
  size_t offset; /* byte offset of the opcode that created the value */
  union {
    int b;     /* PK_BOOL: 0 or 1 */
    int64_t i; /* PK_INT */
    double f;  /* PK_FLOAT (any bit pattern, NaN and inf included) */
    struct {   /* PK_STR: valid UTF-8, NUL-terminated; may hold a NUL */
      char *s;
      size_t len;
    } str;
    struct { /* PK_LIST, PK_TUPLE */
      pk_value **items;
      size_t n, cap;
    } seq;
    struct { /* PK_DICT: insertion order, duplicate keys kept as written */
      pk_value **keys, **vals;
      size_t n, cap;
    } dict;
    struct { /* PK_CLASS */
      char *module, *name;
    } cls;
    struct {               /* PK_OBJECT */
      const pk_value *cls; /* its PK_CLASS */
      pk_value *args;      /* the NEWOBJ argument tuple */
      pk_value *state;     /* BUILD state, NULL when never built */
    } obj;
  } u;
};

/* A class that GLOBAL / STACK_GLOBAL may name. */
typedef struct pk_global {
  const char *module;
  const char *name;
} pk_global;

/* Bounds on what one pickle may make the decoder allocate. */
typedef struct pk_limits {
  size_t max_objects; /* values created plus container entries */
  size_t max_memo;    /* highest memo index + 1 */
  size_t max_stack;   /* values on the stack at once */
  size_t max_marks;   /* open MARKs at once */
} pk_limits;

#define PK_DEFAULT_MAX_OBJECTS ((size_t)10 * 1000 * 1000)
#define PK_DEFAULT_MAX_MEMO ((size_t)1 << 20)
#define PK_DEFAULT_MAX_STACK ((size_t)1 << 20)
#define PK_DEFAULT_MAX_MARKS ((size_t)1 << 16)

typedef struct pk_options {
  const pk_global *globals; /* allow-list; NULL/0 refuses every class */
  size_t n_globals;
  pk_limits limits; /* a zero field means its PK_DEFAULT_MAX_* value */
} pk_options;

typedef struct pk_doc pk_doc;

/* Decode one whole pickle: `data` must hold exactly one pickle that starts
 * with PROTO 2..4 and ends with STOP (no trailing bytes). opt may be NULL
 * (no classes allowed, default limits). On success *out owns every value
 * (free with pk_doc_free) and 0 is returned. On failure returns -1, *out is
 * NULL, and err gets file = path (may be NULL) and where = "byte N", the
 * offset of the opcode at fault. */
int pk_decode(const unsigned char *data, size_t len, const char *path,
              const pk_options *opt, pk_doc **out, ss_error *err);

/* The value STOP returned. Borrowed; lives as long as doc. */
const pk_value *pk_doc_root(const pk_doc *doc);

/* Free a document and every value in it. NULL is a no-op. */
void pk_doc_free(pk_doc *doc);

/* "str", "int", "LayerBenchmark object", ... for messages. Static text. */
const char *pk_kind_name(pk_kind kind);

/* 1 when v is a PK_STR equal to s (exact bytes, no embedded NUL). */
int pk_str_is(const pk_value *v, const char *s);

/* Copy s (len bytes) into buf for use inside a message: at most about 60
 * characters, bytes outside printable ASCII shown as '?', "..." when cut.
 * Returns buf. */
char *pk_quote(char *buf, size_t bufsize, const char *s, size_t len);

#endif
