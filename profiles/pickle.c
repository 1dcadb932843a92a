/* Restricted pickle decoder: see pickle_internal.h and docs/pickle.md.
 *
 * A straight loop over opcodes with an explicit value stack, a MARK stack
 * and a memo table; no recursion. Every value is carved from chunks owned by
 * the document, so an error anywhere frees everything with pk_doc_free and
 * values shared through the memo are never freed twice. */
#include "pickle_internal.h"

#include "../common/ss_mem.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

_Static_assert(sizeof(double) == 8, "BINFLOAT needs a 64-bit double");

#define PK_CHUNK_VALUES 1024

typedef struct pk_chunk {
  struct pk_chunk *next;
  size_t used;
  pk_value values[PK_CHUNK_VALUES];
} pk_chunk;

struct pk_doc {
  pk_chunk *chunks;
  const pk_value *root;
};

typedef struct pk_reader {
  const unsigned char *data;
  size_t len;
  size_t pos;    /* next byte to read */
  size_t op_off; /* offset of the opcode being run */
  unsigned char op;
  const char *path;
  ss_error *err;
  const pk_options *opt;
  pk_limits lim;
  pk_doc *doc;
  size_t n_objects;
  pk_value **stack;
  size_t n_stack, cap_stack;
  size_t *marks; /* stack length at each open MARK */
  size_t n_marks, cap_marks;
  pk_value **memo;
  size_t cap_memo, memo_count;
} pk_reader;

/* Opcode bytes (Python's Lib/pickle.py names). */
enum {
  OP_MARK = '(',
  OP_STOP = '.',
  OP_BININT = 'J',
  OP_BININT1 = 'K',
  OP_BININT2 = 'M',
  OP_NONE = 'N',
  OP_PERSID = 'P',
  OP_BINPERSID = 'Q',
  OP_REDUCE = 'R',
  OP_BINUNICODE = 'X',
  OP_APPEND = 'a',
  OP_BUILD = 'b',
  OP_GLOBAL = 'c',
  OP_EMPTY_DICT = '}',
  OP_APPENDS = 'e',
  OP_BINGET = 'h',
  OP_INST = 'i',
  OP_LONG_BINGET = 'j',
  OP_EMPTY_LIST = ']',
  OP_OBJ = 'o',
  OP_BINPUT = 'q',
  OP_LONG_BINPUT = 'r',
  OP_SETITEM = 's',
  OP_EMPTY_TUPLE = ')',
  OP_SETITEMS = 'u',
  OP_BINFLOAT = 'G',
  OP_PROTO = 0x80,
  OP_NEWOBJ = 0x81,
  OP_EXT1 = 0x82,
  OP_EXT2 = 0x83,
  OP_EXT4 = 0x84,
  OP_TUPLE1 = 0x85,
  OP_TUPLE2 = 0x86,
  OP_TUPLE3 = 0x87,
  OP_NEWTRUE = 0x88,
  OP_NEWFALSE = 0x89,
  OP_LONG1 = 0x8a,
  OP_SHORT_BINUNICODE = 0x8c,
  OP_NEWOBJ_EX = 0x92,
  OP_STACK_GLOBAL = 0x93,
  OP_MEMOIZE = 0x94,
  OP_FRAME = 0x95,
};

/* Names of every opcode Python defines (protocols 0-5), for messages;
 * NULL for a byte that is no opcode. */
static const char *const op_names[256] = {
    ['('] = "MARK",
    ['.'] = "STOP",
    ['0'] = "POP",
    ['1'] = "POP_MARK",
    ['2'] = "DUP",
    ['F'] = "FLOAT",
    ['I'] = "INT",
    ['J'] = "BININT",
    ['K'] = "BININT1",
    ['L'] = "LONG",
    ['M'] = "BININT2",
    ['N'] = "NONE",
    ['P'] = "PERSID",
    ['Q'] = "BINPERSID",
    ['R'] = "REDUCE",
    ['S'] = "STRING",
    ['T'] = "BINSTRING",
    ['U'] = "SHORT_BINSTRING",
    ['V'] = "UNICODE",
    ['X'] = "BINUNICODE",
    ['a'] = "APPEND",
    ['b'] = "BUILD",
    ['c'] = "GLOBAL",
    ['d'] = "DICT",
    ['}'] = "EMPTY_DICT",
    ['e'] = "APPENDS",
    ['g'] = "GET",
    ['h'] = "BINGET",
    ['i'] = "INST",
    ['j'] = "LONG_BINGET",
    ['l'] = "LIST",
    [']'] = "EMPTY_LIST",
    ['o'] = "OBJ",
    ['p'] = "PUT",
    ['q'] = "BINPUT",
    ['r'] = "LONG_BINPUT",
    ['s'] = "SETITEM",
    ['t'] = "TUPLE",
    [')'] = "EMPTY_TUPLE",
    ['u'] = "SETITEMS",
    ['G'] = "BINFLOAT",
    ['B'] = "BINBYTES",
    ['C'] = "SHORT_BINBYTES",
    [0x80] = "PROTO",
    [0x81] = "NEWOBJ",
    [0x82] = "EXT1",
    [0x83] = "EXT2",
    [0x84] = "EXT4",
    [0x85] = "TUPLE1",
    [0x86] = "TUPLE2",
    [0x87] = "TUPLE3",
    [0x88] = "NEWTRUE",
    [0x89] = "NEWFALSE",
    [0x8a] = "LONG1",
    [0x8b] = "LONG4",
    [0x8c] = "SHORT_BINUNICODE",
    [0x8d] = "BINUNICODE8",
    [0x8e] = "BINBYTES8",
    [0x8f] = "EMPTY_SET",
    [0x90] = "ADDITEMS",
    [0x91] = "FROZENSET",
    [0x92] = "NEWOBJ_EX",
    [0x93] = "STACK_GLOBAL",
    [0x94] = "MEMOIZE",
    [0x95] = "FRAME",
    [0x96] = "BYTEARRAY8",
    [0x97] = "NEXT_BUFFER",
    [0x98] = "READONLY_BUFFER",
};

static const char *op_name(unsigned char op) { return op_names[op]; }

const char *pk_kind_name(pk_kind kind) {
  switch (kind) {
  case PK_NONE:
    return "None";
  case PK_BOOL:
    return "bool";
  case PK_INT:
    return "int";
  case PK_FLOAT:
    return "float";
  case PK_STR:
    return "str";
  case PK_LIST:
    return "list";
  case PK_TUPLE:
    return "tuple";
  case PK_DICT:
    return "dict";
  case PK_CLASS:
    return "class";
  case PK_OBJECT:
    return "object";
  }
  return "?";
}

int pk_str_is(const pk_value *v, const char *s) {
  size_t n = strlen(s);
  return v && v->kind == PK_STR && v->u.str.len == n &&
         memcmp(v->u.str.s, s, n) == 0;
}

char *pk_quote(char *buf, size_t bufsize, const char *s, size_t len) {
  const size_t max_shown = 60;
  size_t o = 0;
  if (bufsize == 0)
    return buf;
  for (size_t i = 0; i < len && i < max_shown && o + 1 < bufsize; i++) {
    unsigned char c = (unsigned char)s[i];
    buf[o++] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
  }
  if (len > max_shown && o + 4 < bufsize) {
    memcpy(buf + o, "...", 3);
    o += 3;
  }
  buf[o] = '\0';
  return buf;
}

const pk_value *pk_doc_root(const pk_doc *doc) { return doc->root; }

void pk_doc_free(pk_doc *doc) {
  if (!doc) /* accept NULL */
    return;
  pk_chunk *c = doc->chunks;
  while (c) {
    for (size_t i = 0; i < c->used; i++) {
      pk_value *v = &c->values[i];
      switch (v->kind) {
      case PK_STR:
        free(v->u.str.s);
        break;
      case PK_LIST:
      case PK_TUPLE:
        free(v->u.seq.items);
        break;
      case PK_DICT:
        free(v->u.dict.keys);
        free(v->u.dict.vals);
        break;
      case PK_CLASS:
        free(v->u.cls.module);
        free(v->u.cls.name);
        break;
      default:
        break;
      }
    }
    pk_chunk *next = c->next;
    free(c);
    c = next;
  }
  free(doc);
}

/* Record an error at the current opcode. Always returns -1. */
__attribute__((format(printf, 2, 3))) static int fail(pk_reader *r,
                                                      const char *fmt, ...) {
  char where[64], msg[sizeof r->err->msg];
  snprintf(where, sizeof where, "byte %zu", r->op_off);
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  return ss_error_set(r->err, r->path, where, "%s", msg);
}

static const char *cur_name(const pk_reader *r) {
  const char *n = op_name(r->op);
  return n ? n : "?";
}

/* Make sure n more argument bytes are there. */
static int need(pk_reader *r, size_t n) {
  size_t left = r->len - r->pos;
  if (n > left)
    return fail(r,
                "truncated pickle: %s needs %zu more bytes but only %zu are "
                "left",
                cur_name(r), n, left);
  return 0;
}

static uint64_t read_le(const unsigned char *p, size_t n) {
  uint64_t u = 0;
  for (size_t i = n; i > 0; i--)
    u = (u << 8) | p[i - 1];
  return u;
}

/* Two's complement of the low `bits` bits of u, without implementation-
 * defined conversions. */
static int64_t to_signed(uint64_t u, unsigned bits) {
  if (bits < 64)
    u &= (UINT64_C(1) << bits) - 1;
  uint64_t sign = UINT64_C(1) << (bits - 1);
  if (!(u & sign))
    return (int64_t)u;
  /* value = u - 2^bits = -(2^bits - u) */
  uint64_t mag = bits < 64 ? (UINT64_C(1) << bits) - u : (~u + 1);
  if (mag == (UINT64_C(1) << 63))
    return INT64_MIN;
  return -(int64_t)mag;
}

static int count_object(pk_reader *r) {
  if (r->n_objects >= r->lim.max_objects)
    return fail(r, "more than %zu objects: refusing to build a bigger pickle",
                r->lim.max_objects);
  r->n_objects++;
  return 0;
}

static pk_value *new_value(pk_reader *r, pk_kind kind) {
  if (count_object(r) != 0)
    return NULL;
  pk_chunk *c = r->doc->chunks;
  if (!c || c->used == PK_CHUNK_VALUES) {
    c = calloc(1, sizeof *c);
    if (!c) {
      fail(r, "out of memory");
      return NULL;
    }
    c->next = r->doc->chunks;
    r->doc->chunks = c;
  }
  pk_value *v = &c->values[c->used++];
  memset(v, 0, sizeof *v);
  v->kind = kind;
  v->offset = r->op_off;
  return v;
}

static int push(pk_reader *r, pk_value *v) {
  if (r->n_stack >= r->lim.max_stack)
    return fail(r, "stack deeper than %zu values", r->lim.max_stack);
  if (ss_grow((void **)&r->stack, &r->cap_stack, r->n_stack + 1,
              sizeof *r->stack, 8) != 0)
    return fail(r, "out of memory");
  r->stack[r->n_stack++] = v;
  return 0;
}

/* Stack length below which the current opcode may not reach (top MARK). */
static size_t floor_of(const pk_reader *r) {
  return r->n_marks ? r->marks[r->n_marks - 1] : 0;
}

/* Make sure the n top values are above the current MARK. */
static int have(pk_reader *r, size_t n) {
  if (r->n_stack - floor_of(r) < n)
    return fail(r,
                "%s needs %zu value%s on the stack above the last MARK, "
                "found %zu",
                cur_name(r), n, n == 1 ? "" : "s", r->n_stack - floor_of(r));
  return 0;
}

static pk_value *pop(pk_reader *r) { return r->stack[--r->n_stack]; }

/* Close the top MARK: *start = first stack index after it. Then at least
 * `below` values must sit under the mark (above the previous one). */
static int pop_mark(pk_reader *r, size_t below, size_t *start) {
  if (r->n_marks == 0)
    return fail(r, "%s without a MARK", cur_name(r));
  *start = r->marks[--r->n_marks];
  if (*start - floor_of(r) < below)
    return fail(r, "%s needs a value below its MARK", cur_name(r));
  return 0;
}

static int seq_add(pk_reader *r, pk_value *seq, pk_value *item) {
  if (count_object(r) != 0)
    return -1;
  if (ss_grow((void **)&seq->u.seq.items, &seq->u.seq.cap, seq->u.seq.n + 1,
              sizeof *seq->u.seq.items, 8) != 0)
    return fail(r, "out of memory");
  seq->u.seq.items[seq->u.seq.n++] = item;
  return 0;
}

static int dict_add(pk_reader *r, pk_value *d, pk_value *k, pk_value *v) {
  if (k->kind == PK_LIST || k->kind == PK_DICT)
    return fail(r, "%s: a %s cannot be a dict key (unhashable)", cur_name(r),
                pk_kind_name(k->kind));
  if (count_object(r) != 0)
    return -1;
  size_t cap = d->u.dict.cap;
  if (ss_grow((void **)&d->u.dict.keys, &cap, d->u.dict.n + 1,
              sizeof *d->u.dict.keys, 8) != 0)
    return fail(r, "out of memory");
  cap = d->u.dict.cap;
  if (ss_grow((void **)&d->u.dict.vals, &cap, d->u.dict.n + 1,
              sizeof *d->u.dict.vals, 8) != 0)
    return fail(r, "out of memory");
  d->u.dict.cap = cap;
  d->u.dict.keys[d->u.dict.n] = k;
  d->u.dict.vals[d->u.dict.n++] = v;
  return 0;
}

static int memo_put(pk_reader *r, uint64_t idx) {
  if (have(r, 1) != 0)
    return -1;
  if (idx >= r->lim.max_memo)
    return fail(r, "memo index %" PRIu64 " is over the limit of %zu", idx,
                r->lim.max_memo);
  size_t old = r->cap_memo;
  if (ss_grow((void **)&r->memo, &r->cap_memo, (size_t)idx + 1, sizeof *r->memo,
              8) != 0)
    return fail(r, "out of memory");
  if (r->cap_memo > old)
    memset(r->memo + old, 0, (r->cap_memo - old) * sizeof *r->memo);
  if (!r->memo[idx])
    r->memo_count++;
  r->memo[idx] = r->stack[r->n_stack - 1];
  return 0;
}

static int memo_get(pk_reader *r, uint64_t idx) {
  if (idx >= r->cap_memo || !r->memo[idx])
    return fail(r, "memo index %" PRIu64 " was never stored", idx);
  return push(r, r->memo[idx]);
}

/* Strict UTF-8 (no overlong forms, no surrogates, at most U+10FFFF). */
static int utf8_valid(const unsigned char *s, size_t n) {
  size_t i = 0;
  while (i < n) {
    unsigned char c = s[i];
    size_t k;
    uint32_t cp, min;
    if (c < 0x80) {
      i++;
      continue;
    } else if ((c & 0xe0) == 0xc0) {
      k = 1, cp = c & 0x1f, min = 0x80;
    } else if ((c & 0xf0) == 0xe0) {
      k = 2, cp = c & 0x0f, min = 0x800;
    } else if ((c & 0xf8) == 0xf0) {
      k = 3, cp = c & 0x07, min = 0x10000;
    } else {
      return 0;
    }
    if (n - i - 1 < k)
      return 0;
    for (size_t j = 1; j <= k; j++) {
      if ((s[i + j] & 0xc0) != 0x80)
        return 0;
      cp = (cp << 6) | (s[i + j] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
      return 0;
    i += k + 1;
  }
  return 1;
}

/* BINUNICODE / SHORT_BINUNICODE: n bytes of UTF-8 at r->pos. */
static int read_str(pk_reader *r, size_t n) {
  if (need(r, n) != 0) /* before allocating anything */
    return -1;
  const unsigned char *p = r->data + r->pos;
  if (!utf8_valid(p, n))
    return fail(r, "%s: string is not valid UTF-8", cur_name(r));
  pk_value *v = new_value(r, PK_STR);
  if (!v)
    return -1;
  v->u.str.s = malloc(n + 1);
  if (!v->u.str.s)
    return fail(r, "out of memory");
  memcpy(v->u.str.s, p, n);
  v->u.str.s[n] = '\0';
  v->u.str.len = n;
  r->pos += n;
  return push(r, v);
}

static int push_int(pk_reader *r, int64_t x) {
  pk_value *v = new_value(r, PK_INT);
  if (!v)
    return -1;
  v->u.i = x;
  return push(r, v);
}

/* A class reference: accepted only when on the allow-list. */
static int push_class(pk_reader *r, const char *module, size_t mlen,
                      const char *name, size_t nlen) {
  int ok = 0;
  for (size_t i = 0; r->opt && i < r->opt->n_globals; i++) {
    const pk_global *g = &r->opt->globals[i];
    if (strlen(g->module) == mlen && memcmp(g->module, module, mlen) == 0 &&
        strlen(g->name) == nlen && memcmp(g->name, name, nlen) == 0)
      ok = 1;
  }
  if (!ok) {
    char qm[80], qn[80], allowed[160] = "none";
    if (r->opt && r->opt->n_globals > 0)
      snprintf(allowed, sizeof allowed, "%s.%s%s", r->opt->globals[0].module,
               r->opt->globals[0].name, r->opt->n_globals > 1 ? ", ..." : "");
    return fail(r,
                "%s '%s %s' refused: only known data classes may be "
                "named (allowed: %s)",
                cur_name(r), pk_quote(qm, sizeof qm, module, mlen),
                pk_quote(qn, sizeof qn, name, nlen), allowed);
  }
  pk_value *v = new_value(r, PK_CLASS);
  if (!v)
    return -1;
  v->u.cls.module = strndup(module, mlen);
  v->u.cls.name = strndup(name, nlen);
  if (!v->u.cls.module || !v->u.cls.name)
    return fail(r, "out of memory");
  return push(r, v);
}

/* GLOBAL: "module\nname\n". */
static int op_global(pk_reader *r) {
  const char *p = (const char *)r->data + r->pos;
  size_t left = r->len - r->pos;
  const char *nl1 = memchr(p, '\n', left);
  const char *nl2 =
      nl1 ? memchr(nl1 + 1, '\n', left - (size_t)(nl1 + 1 - p)) : NULL;
  if (!nl2)
    return fail(r, "truncated pickle: GLOBAL needs two lines ending in a "
                   "newline");
  r->pos += (size_t)(nl2 + 1 - p);
  return push_class(r, p, (size_t)(nl1 - p), nl1 + 1, (size_t)(nl2 - nl1 - 1));
}

static int op_stack_global(pk_reader *r) {
  if (have(r, 2) != 0)
    return -1;
  pk_value *name = pop(r), *module = pop(r);
  if (module->kind != PK_STR || name->kind != PK_STR)
    return fail(r, "STACK_GLOBAL needs two str values, found %s and %s",
                pk_kind_name(module->kind), pk_kind_name(name->kind));
  return push_class(r, module->u.str.s, module->u.str.len, name->u.str.s,
                    name->u.str.len);
}

static int op_tuple(pk_reader *r, size_t n) {
  if (have(r, n) != 0)
    return -1;
  pk_value *t = new_value(r, PK_TUPLE);
  if (!t)
    return -1;
  size_t start = r->n_stack - n;
  for (size_t i = start; i < r->n_stack; i++)
    if (seq_add(r, t, r->stack[i]) != 0)
      return -1;
  r->n_stack = start;
  return push(r, t);
}

static int op_newobj(pk_reader *r) {
  if (have(r, 2) != 0)
    return -1;
  pk_value *args = pop(r), *cls = pop(r);
  if (cls->kind != PK_CLASS)
    return fail(r, "NEWOBJ of a %s, not a class", pk_kind_name(cls->kind));
  if (args->kind != PK_TUPLE)
    return fail(r, "NEWOBJ arguments are a %s, not a tuple",
                pk_kind_name(args->kind));
  pk_value *o = new_value(r, PK_OBJECT);
  if (!o)
    return -1;
  o->u.obj.cls = cls;
  o->u.obj.args = args;
  return push(r, o);
}

static int op_build(pk_reader *r) {
  if (have(r, 2) != 0)
    return -1;
  pk_value *state = pop(r), *o = r->stack[r->n_stack - 1];
  if (o->kind != PK_OBJECT)
    return fail(r, "BUILD on a %s, not an object made by NEWOBJ",
                pk_kind_name(o->kind));
  if (o->u.obj.state)
    return fail(r, "BUILD applied twice to the object made at byte %zu",
                o->offset);
  o->u.obj.state = state;
  return 0;
}

static int op_append(pk_reader *r) {
  if (have(r, 2) != 0)
    return -1;
  pk_value *v = pop(r), *l = r->stack[r->n_stack - 1];
  if (l->kind != PK_LIST)
    return fail(r, "APPEND to a %s, not a list", pk_kind_name(l->kind));
  return seq_add(r, l, v);
}

static int op_appends(pk_reader *r) {
  size_t start;
  if (pop_mark(r, 1, &start) != 0)
    return -1;
  pk_value *l = r->stack[start - 1];
  if (l->kind != PK_LIST)
    return fail(r, "APPENDS to a %s, not a list", pk_kind_name(l->kind));
  for (size_t i = start; i < r->n_stack; i++)
    if (seq_add(r, l, r->stack[i]) != 0)
      return -1;
  r->n_stack = start;
  return 0;
}

static int op_setitem(pk_reader *r) {
  if (have(r, 3) != 0)
    return -1;
  pk_value *v = pop(r), *k = pop(r), *d = r->stack[r->n_stack - 1];
  if (d->kind != PK_DICT)
    return fail(r, "SETITEM on a %s, not a dict", pk_kind_name(d->kind));
  return dict_add(r, d, k, v);
}

static int op_setitems(pk_reader *r) {
  size_t start;
  if (pop_mark(r, 1, &start) != 0)
    return -1;
  pk_value *d = r->stack[start - 1];
  if (d->kind != PK_DICT)
    return fail(r, "SETITEMS on a %s, not a dict", pk_kind_name(d->kind));
  if ((r->n_stack - start) % 2 != 0)
    return fail(r, "SETITEMS with an odd number (%zu) of keys and values",
                r->n_stack - start);
  for (size_t i = start; i < r->n_stack; i += 2)
    if (dict_add(r, d, r->stack[i], r->stack[i + 1]) != 0)
      return -1;
  r->n_stack = start;
  return 0;
}

/* Why an opcode outside the accepted list is refused. */
static int refuse(pk_reader *r) {
  const char *name = op_name(r->op);
  switch (r->op) {
  case OP_REDUCE:
  case OP_INST:
  case OP_OBJ:
  case OP_NEWOBJ_EX:
    return fail(r, "opcode 0x%02x (%s) refused: it calls a Python callable",
                r->op, name);
  case OP_EXT1:
  case OP_EXT2:
  case OP_EXT4:
    return fail(r,
                "opcode 0x%02x (%s) refused: it looks up a registered "
                "extension class",
                r->op, name);
  case OP_PERSID:
  case OP_BINPERSID:
    return fail(r,
                "opcode 0x%02x (%s) refused: persistent objects are not "
                "supported",
                r->op, name);
  default:
    if (name)
      return fail(r,
                  "opcode 0x%02x (%s) is not supported by this restricted "
                  "reader",
                  r->op, name);
    return fail(r, "unknown opcode 0x%02x", r->op);
  }
}

/* Run one opcode (already read into r->op, its offset in r->op_off).
 * Returns 1 after STOP, 0 to go on, -1 on error. */
static int step(pk_reader *r) {
  const unsigned char *p;
  switch (r->op) {
  case OP_PROTO:
    if (need(r, 1) != 0)
      return -1;
    if (r->op_off != 0)
      return fail(r, "PROTO after the start of the pickle");
    if (r->data[r->pos] < 2 || r->data[r->pos] > 4)
      return fail(r, "pickle protocol %u is not supported (only 2 to 4)",
                  r->data[r->pos]);
    r->pos++;
    return 0;
  case OP_FRAME: {
    if (need(r, 8) != 0)
      return -1;
    uint64_t n = read_le(r->data + r->pos, 8);
    r->pos += 8;
    if (n > r->len - r->pos)
      return fail(r,
                  "truncated pickle: FRAME of %" PRIu64
                  " bytes but only %zu are left",
                  n, r->len - r->pos);
    return 0; /* frames only group opcodes; nothing to do */
  }
  case OP_EMPTY_DICT:
  case OP_EMPTY_LIST:
  case OP_EMPTY_TUPLE:
  case OP_NONE: {
    pk_kind k = r->op == OP_EMPTY_DICT   ? PK_DICT
                : r->op == OP_EMPTY_LIST ? PK_LIST
                : r->op == OP_NONE       ? PK_NONE
                                         : PK_TUPLE;
    pk_value *v = new_value(r, k);
    return v ? push(r, v) : -1;
  }
  case OP_NEWTRUE:
  case OP_NEWFALSE: {
    pk_value *v = new_value(r, PK_BOOL);
    if (!v)
      return -1;
    v->u.b = r->op == OP_NEWTRUE;
    return push(r, v);
  }
  case OP_MARK:
    if (r->n_marks >= r->lim.max_marks)
      return fail(r, "more than %zu open MARKs", r->lim.max_marks);
    if (ss_grow((void **)&r->marks, &r->cap_marks, r->n_marks + 1,
                sizeof *r->marks, 8) != 0)
      return fail(r, "out of memory");
    r->marks[r->n_marks++] = r->n_stack;
    return 0;
  case OP_BINUNICODE: {
    if (need(r, 4) != 0)
      return -1;
    size_t n = (size_t)read_le(r->data + r->pos, 4);
    r->pos += 4;
    return read_str(r, n);
  }
  case OP_SHORT_BINUNICODE:
    if (need(r, 1) != 0)
      return -1;
    return read_str(r, r->data[r->pos++]);
  case OP_BINPUT:
  case OP_LONG_BINPUT:
  case OP_BINGET:
  case OP_LONG_BINGET: {
    size_t n = (r->op == OP_BINPUT || r->op == OP_BINGET) ? 1 : 4;
    if (need(r, n) != 0)
      return -1;
    uint64_t idx = read_le(r->data + r->pos, n);
    r->pos += n;
    if (r->op == OP_BINPUT || r->op == OP_LONG_BINPUT)
      return memo_put(r, idx);
    return memo_get(r, idx);
  }
  case OP_MEMOIZE:
    return memo_put(r, r->memo_count);
  case OP_BININT:
  case OP_BININT1:
  case OP_BININT2: {
    size_t n = r->op == OP_BININT ? 4 : r->op == OP_BININT2 ? 2 : 1;
    if (need(r, n) != 0)
      return -1;
    uint64_t u = read_le(r->data + r->pos, n);
    r->pos += n;
    return push_int(r, n == 4 ? to_signed(u, 32) : (int64_t)u);
  }
  case OP_LONG1: {
    if (need(r, 1) != 0)
      return -1;
    size_t n = r->data[r->pos++];
    if (need(r, n) != 0)
      return -1;
    if (n > 8)
      return fail(r, "LONG1 integer of %zu bytes does not fit in 64 bits", n);
    uint64_t u = read_le(r->data + r->pos, n);
    r->pos += n;
    return push_int(r, n == 0 ? 0 : to_signed(u, (unsigned)(8 * n)));
  }
  case OP_BINFLOAT: {
    if (need(r, 8) != 0)
      return -1;
    p = r->data + r->pos;
    uint64_t u = 0;
    for (int i = 0; i < 8; i++) /* big-endian */
      u = (u << 8) | p[i];
    r->pos += 8;
    pk_value *v = new_value(r, PK_FLOAT);
    if (!v)
      return -1;
    memcpy(&v->u.f, &u, sizeof v->u.f);
    return push(r, v);
  }
  case OP_GLOBAL:
    return op_global(r);
  case OP_STACK_GLOBAL:
    return op_stack_global(r);
  case OP_NEWOBJ:
    return op_newobj(r);
  case OP_BUILD:
    return op_build(r);
  case OP_APPEND:
    return op_append(r);
  case OP_APPENDS:
    return op_appends(r);
  case OP_SETITEM:
    return op_setitem(r);
  case OP_SETITEMS:
    return op_setitems(r);
  case OP_TUPLE1:
    return op_tuple(r, 1);
  case OP_TUPLE2:
    return op_tuple(r, 2);
  case OP_TUPLE3:
    return op_tuple(r, 3);
  case OP_STOP:
    if (r->n_stack != 1 || r->n_marks != 0)
      return fail(r,
                  "STOP with %zu values on the stack and %zu open MARKs "
                  "(expected one value, no MARK)",
                  r->n_stack, r->n_marks);
    r->doc->root = r->stack[0];
    return 1;
  default:
    return refuse(r);
  }
}

int pk_decode(const unsigned char *data, size_t len, const char *path,
              const pk_options *opt, pk_doc **out, ss_error *err) {
  pk_reader r;
  memset(&r, 0, sizeof r);
  r.data = data;
  r.len = len;
  r.path = path;
  r.err = err;
  r.opt = opt;
  if (opt)
    r.lim = opt->limits;
  if (!r.lim.max_objects)
    r.lim.max_objects = PK_DEFAULT_MAX_OBJECTS;
  if (!r.lim.max_memo)
    r.lim.max_memo = PK_DEFAULT_MAX_MEMO;
  if (!r.lim.max_stack)
    r.lim.max_stack = PK_DEFAULT_MAX_STACK;
  if (!r.lim.max_marks)
    r.lim.max_marks = PK_DEFAULT_MAX_MARKS;
  *out = NULL;

  r.doc = calloc(1, sizeof *r.doc);
  if (!r.doc) {
    ss_error_oom(err, path, NULL);
    goto fail;
  }
  if (len == 0 || data[0] != OP_PROTO) {
    fail(&r, "not a protocol 2-4 pickle: it does not start with PROTO "
             "(0x80)");
    goto fail;
  }
  for (;;) {
    if (r.pos >= r.len) {
      r.op_off = r.len;
      fail(&r, "truncated pickle: data ends without STOP");
      goto fail;
    }
    r.op_off = r.pos;
    r.op = r.data[r.pos++];
    int rc = step(&r);
    if (rc < 0)
      goto fail;
    if (rc == 1)
      break;
  }
  if (r.pos != r.len) {
    r.op_off = r.pos;
    fail(&r, "%zu unexpected bytes after STOP", r.len - r.pos);
    goto fail;
  }
  free(r.stack);
  free(r.marks);
  free(r.memo);
  *out = r.doc;
  return 0;
fail:
  free(r.stack);
  free(r.marks);
  free(r.memo);
  pk_doc_free(r.doc);
  return -1;
}
