/* ss_yaml: the one way splitsim writes a name into YAML text (the resolved
 * scenario, the snippet `splitsim calibrate` prints), so that it reads back
 * unchanged. */
#ifndef SS_YAML_H
#define SS_YAML_H

#include <stdio.h>

/* s double-quoted with escapes: quotes and backslashes escaped, control
 * characters, C1 controls, line/paragraph separators and a byte-order mark
 * as \x / \u escapes. Any name reads back unchanged. */
void ss_yaml_quoted(FILE *fp, const char *s);

/* 1 when s reads back unchanged as a plain scalar in block and flow context
 * (a key or value of `{a: 1}`): a letter, digit or '_' first, then only
 * letters, digits and `_ - . / ( ) +`, and not a YAML word (null, true, no,
 * ...). */
int ss_yaml_plain_ok(const char *s);

/* s plain when ss_yaml_plain_ok, else ss_yaml_quoted. */
void ss_yaml_name(FILE *fp, const char *s);

#endif
