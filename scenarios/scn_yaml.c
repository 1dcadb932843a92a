/* Build a plain node tree from libyaml's event stream, refusing everything a
 * scenario has no use for (aliases, anchors, tags, duplicate keys, very deep
 * nesting) with the place it was found. */
#include "scn_internal.h"

#include <stdlib.h>
#include <string.h>
#include <yaml.h>

typedef struct builder {
  yaml_parser_t parser;
  const char *file;
  const char *text;
  size_t len;
  ss_error *err;
} builder;

static scn_pos mark_pos(yaml_mark_t m) {
  scn_pos p = {(int)m.line + 1, (int)m.column + 1};
  return p;
}

/* Line and column (in characters) of a byte offset into the text. */
static scn_pos offset_pos(const char *text, size_t len, size_t off) {
  scn_pos p = {1, 1};
  if (off > len)
    off = len;
  for (size_t i = 0; i < off; i++) {
    unsigned char c = (unsigned char)text[i];
    if (c == '\n') {
      p.line++;
      p.column = 1;
    } else if ((c & 0xC0) != 0x80) {
      p.column++;
    }
  }
  return p;
}

/* 1 when the indentation of 0-based line `line` holds a tab. */
static int line_indented_with_tab(const char *text, size_t len, size_t line) {
  size_t i = 0;
  for (size_t l = 0; l < line && i < len; i++)
    if (text[i] == '\n')
      l++;
  for (; i < len && (text[i] == ' ' || text[i] == '\t'); i++)
    if (text[i] == '\t')
      return 1;
  return 0;
}

static int parser_error(builder *b) {
  yaml_parser_t *ps = &b->parser;
  const char *problem = ps->problem ? ps->problem : "unknown problem";
  scn_pos pos;
  char ctxbuf[160] = "";
  switch (ps->error) {
  case YAML_MEMORY_ERROR:
    return ss_error_oom(b->err, b->file, NULL);
  case YAML_READER_ERROR:
    pos = offset_pos(b->text, b->len, ps->problem_offset);
    if (ps->problem_value >= 0)
      return scn_err_pos(
          b->err, b->file, pos, "invalid YAML: %s (byte 0x%02X at offset %zu)",
          problem, (unsigned)ps->problem_value, ps->problem_offset);
    return scn_err_pos(b->err, b->file, pos, "invalid YAML: %s", problem);
  default:
    pos = mark_pos(ps->problem_mark);
    if (ps->context) {
      scn_pos cp = mark_pos(ps->context_mark);
      snprintf(ctxbuf, sizeof ctxbuf, " (%s that started at %d:%d)",
               ps->context, cp.line, cp.column);
    }
    return scn_err_pos(
        b->err, b->file, pos, "invalid YAML: %s%s%s", problem, ctxbuf,
        line_indented_with_tab(b->text, b->len, ps->problem_mark.line)
            ? "; tabs cannot indent YAML, use spaces"
            : "");
  }
}

static int next_event(builder *b, yaml_event_t *ev) {
  if (!yaml_parser_parse(&b->parser, ev))
    return parser_error(b);
  return 0;
}

static const char *kind_word(scn_node_kind k) {
  return k == SCN_NODE_MAP   ? "a mapping"
         : k == SCN_NODE_SEQ ? "a list"
                             : "a scalar";
}

void scn_node_free(scn_node *n) {
  if (!n)
    return;
  for (size_t i = 0; i < n->n_items; i++)
    scn_node_free(n->items[i]);
  free(n->items);
  free(n->text);
  free(n);
}

/* Compare two key nodes by text (for duplicate detection). */
static int cmp_key(const void *pa, const void *pb) {
  const scn_node *a = *(scn_node *const *)pa, *b = *(scn_node *const *)pb;
  size_t n = a->len < b->len ? a->len : b->len;
  int c = memcmp(a->text, b->text, n);
  if (c)
    return c;
  if (a->len != b->len)
    return a->len < b->len ? -1 : 1;
  /* equal keys: file order */
  if (a->pos.line != b->pos.line)
    return a->pos.line < b->pos.line ? -1 : 1;
  return a->pos.column < b->pos.column ? -1 : a->pos.column > b->pos.column;
}

static int check_duplicates(builder *b, const scn_node *map) {
  if (map->n < 2)
    return 0;
  scn_node **keys = malloc(map->n * sizeof *keys);
  if (!keys)
    return ss_error_oom(b->err, b->file, NULL);
  for (size_t i = 0; i < map->n; i++)
    keys[i] = map->items[2 * i];
  qsort(keys, map->n, sizeof *keys, cmp_key);
  /* report the duplicate that comes first in the file */
  const scn_node *bad = NULL, *first = NULL;
  for (size_t i = 0; i + 1 < map->n; i++) {
    const scn_node *k0 = keys[i], *k1 = keys[i + 1];
    if (k0->len != k1->len || memcmp(k0->text, k1->text, k0->len) != 0)
      continue;
    size_t j = i; /* first of this run of equal keys */
    while (j > 0 && keys[j - 1]->len == k0->len &&
           memcmp(keys[j - 1]->text, k0->text, k0->len) == 0)
      j--;
    if (!bad || k1->pos.line < bad->pos.line ||
        (k1->pos.line == bad->pos.line && k1->pos.column < bad->pos.column)) {
      bad = k1;
      first = keys[j];
    }
  }
  int rc = 0;
  if (bad)
    rc = scn_err_pos(b->err, b->file, bad->pos,
                     "duplicate key '%s' (first given at %d:%d)", bad->text,
                     first->pos.line, first->pos.column);
  free(keys);
  return rc;
}

static int build_node(builder *b, yaml_event_t *ev, int depth, scn_node **out);

/* Read the items of a list or mapping until its end event. */
static int build_children(builder *b, scn_node *node, int depth) {
  size_t cap = 0, used = 0;
  yaml_event_type_t end = node->kind == SCN_NODE_MAP ? YAML_MAPPING_END_EVENT
                                                     : YAML_SEQUENCE_END_EVENT;
  for (;;) {
    yaml_event_t ev;
    if (next_event(b, &ev) != 0)
      return -1;
    if (ev.type == end) {
      yaml_event_delete(&ev);
      break;
    }
    scn_node *child = NULL;
    int rc = build_node(b, &ev, depth + 1, &child);
    yaml_event_delete(&ev);
    if (rc != 0)
      return -1;
    if (node->kind == SCN_NODE_MAP && used % 2 == 0 &&
        child->kind != SCN_NODE_SCALAR) {
      scn_err_pos(b->err, b->file, child->pos, "a key must be a name, not %s",
                  kind_word(child->kind));
      scn_node_free(child);
      return -1;
    }
    void *items = node->items;
    if (ss_grow(&items, &cap, used + 1, sizeof *node->items, 8) != 0) {
      scn_node_free(child);
      return ss_error_oom(b->err, b->file, NULL);
    }
    node->items = items;
    node->items[used++] = child;
    node->n_items = used;
    node->n = node->kind == SCN_NODE_MAP ? used / 2 : used;
  }
  if (node->kind == SCN_NODE_MAP)
    return check_duplicates(b, node);
  return 0;
}

static int refuse_props(builder *b, scn_pos pos, const yaml_char_t *anchor,
                        const yaml_char_t *tag) {
  if (anchor)
    return scn_err_pos(b->err, b->file, pos,
                       "anchor '&%s' refused: aliases are not allowed",
                       (const char *)anchor);
  if (tag)
    return scn_err_pos(b->err, b->file, pos,
                       "tag '%s' refused: tags are not supported",
                       (const char *)tag);
  return 0;
}

static int build_node(builder *b, yaml_event_t *ev, int depth, scn_node **out) {
  scn_pos pos = mark_pos(ev->start_mark);
  *out = NULL;
  scn_node *node = NULL;
  switch (ev->type) {
  case YAML_ALIAS_EVENT:
    return scn_err_pos(b->err, b->file, pos,
                       "alias '*%s' refused: aliases are not allowed",
                       (const char *)ev->data.alias.anchor);
  case YAML_SCALAR_EVENT: {
    if (refuse_props(b, pos, ev->data.scalar.anchor, ev->data.scalar.tag) != 0)
      return -1;
    size_t len = ev->data.scalar.length;
    const char *val = (const char *)ev->data.scalar.value;
    if (memchr(val, '\0', len))
      return scn_err_pos(b->err, b->file, pos, "text contains a NUL character");
    node = calloc(1, sizeof *node);
    if (!node || !(node->text = malloc(len + 1)))
      goto oom;
    memcpy(node->text, val, len);
    node->text[len] = '\0';
    node->len = len;
    node->kind = SCN_NODE_SCALAR;
    node->pos = pos;
    node->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
    *out = node;
    return 0;
  }
  case YAML_SEQUENCE_START_EVENT:
  case YAML_MAPPING_START_EVENT: {
    int is_map = ev->type == YAML_MAPPING_START_EVENT;
    const yaml_char_t *anchor =
        is_map ? ev->data.mapping_start.anchor : ev->data.sequence_start.anchor;
    const yaml_char_t *tag =
        is_map ? ev->data.mapping_start.tag : ev->data.sequence_start.tag;
    if (refuse_props(b, pos, anchor, tag) != 0)
      return -1;
    if (depth > SCN_MAX_DEPTH)
      return scn_err_pos(b->err, b->file, pos, "nesting deeper than %d levels",
                         SCN_MAX_DEPTH);
    node = calloc(1, sizeof *node);
    if (!node)
      goto oom;
    node->kind = is_map ? SCN_NODE_MAP : SCN_NODE_SEQ;
    node->pos = pos;
    if (build_children(b, node, depth) != 0) {
      scn_node_free(node);
      return -1;
    }
    *out = node;
    return 0;
  }
  default:
    return scn_err_pos(b->err, b->file, pos, "unexpected YAML event");
  }
oom:
  scn_node_free(node);
  return ss_error_oom(b->err, b->file, NULL);
}

int scn_yaml_parse(const char *text, size_t len, const char *file,
                   scn_node **root, ss_error *err) {
  builder b;
  memset(&b, 0, sizeof b);
  b.file = file;
  b.text = text;
  b.len = len;
  b.err = err;
  *root = NULL;
  if (!yaml_parser_initialize(&b.parser))
    return ss_error_oom(err, file, NULL);
  yaml_parser_set_input_string(&b.parser, (const unsigned char *)text, len);
  yaml_parser_set_encoding(&b.parser, YAML_UTF8_ENCODING);

  scn_node *node = NULL;
  yaml_event_t ev;
  int have_ev = 0;
  if (next_event(&b, &ev) != 0) /* stream start */
    goto fail;
  yaml_event_delete(&ev);
  if (next_event(&b, &ev) != 0)
    goto fail;
  have_ev = 1;
  if (ev.type == YAML_STREAM_END_EVENT) {
    scn_err_pos(err, file, mark_pos(ev.start_mark),
                "empty scenario file: expected keys such as 'tiers:' "
                "(see docs/scenarios.md)");
    goto fail;
  }
  yaml_event_delete(&ev); /* document start */
  have_ev = 0;
  if (next_event(&b, &ev) != 0)
    goto fail;
  have_ev = 1;
  if (build_node(&b, &ev, 1, &node) != 0)
    goto fail;
  yaml_event_delete(&ev);
  have_ev = 0;
  if (next_event(&b, &ev) != 0) /* document end */
    goto fail;
  yaml_event_delete(&ev);
  if (next_event(&b, &ev) != 0)
    goto fail;
  have_ev = 1;
  if (ev.type != YAML_STREAM_END_EVENT) {
    scn_err_pos(err, file, mark_pos(ev.start_mark),
                "more than one YAML document: a scenario file holds one");
    goto fail;
  }
  yaml_event_delete(&ev);
  yaml_parser_delete(&b.parser);
  *root = node;
  return 0;
fail:
  if (have_ev)
    yaml_event_delete(&ev);
  scn_node_free(node);
  yaml_parser_delete(&b.parser);
  return -1;
}

int scn_node_is_null(const scn_node *n) {
  if (n->kind != SCN_NODE_SCALAR || !n->plain)
    return 0;
  return n->len == 0 || strcmp(n->text, "~") == 0 ||
         strcmp(n->text, "null") == 0 || strcmp(n->text, "Null") == 0 ||
         strcmp(n->text, "NULL") == 0;
}
