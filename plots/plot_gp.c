/* gnuplot script helpers: safe string literals, labels with units, the
 * fixed colours, and the small shared utilities of plots/. */
#include "plot_internal.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../common/ss_io.h"
#include "../solver/solver.h"

/* ---- safe text ----------------------------------------------------------
 * gnuplot expands `command` (backquotes) and @macros on a command line, and
 * backslash escapes inside double quotes, but none of these inside single
 * quotes (gnuplot manual, "quote marks" and "substitution"). So every name
 * goes out single-quoted, and the text inside never holds a quote: gnuplot
 * 5.4's scanner mis-reads a doubled quote ('') right after the opening
 * quote or next to another one, so ' becomes U+2019 and ` becomes U+2018
 * (they look the same in a chart). Control characters (a line break would
 * end the command) become spaces, invalid UTF-8 bytes '?', a backslash
 * before U or u becomes U+FF3C (newer gnuplots read \U+xxxx in single
 * quotes too), and "]]>" becomes "]] >" (gnuplot's SVG output escapes & and
 * < but not that sequence, which XML forbids in text). Terminals are set
 * `noenhanced`, so ^ _ { } @ & print as themselves. */

/* Decode one UTF-8 character at s; returns its length (0 for an invalid
 * byte) and the code point in *cp. */
static size_t utf8_decode(const unsigned char *s, unsigned long *cp) {
  unsigned c = s[0];
  size_t n;
  unsigned long v;
  if (c < 0x80) {
    *cp = c;
    return 1;
  }
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
    v = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    v = c & 0x0F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    v = c & 0x07;
  } else {
    return 0;
  }
  for (size_t i = 1; i < n; i++) {
    if ((s[i] & 0xC0) != 0x80)
      return 0;
    v = (v << 6) | (s[i] & 0x3F);
  }
  if ((n == 3 && v < 0x800) || (n == 4 && (v < 0x10000 || v > 0x10FFFF)) ||
      (v >= 0xD800 && v <= 0xDFFF))
    return 0;
  *cp = v;
  return n;
}

/* Quote into out (size outsize); returns 0, or -1 when it did not fit. */
static int gp_quote(char *out, size_t outsize, const char *text,
                    size_t max_chars) {
  size_t k = 0;
  int fits = 1;
  if (outsize < 3)
    return -1;
  out[k++] = '\'';
  const unsigned char *s = (const unsigned char *)(text ? text : "");
  size_t chars = 0;
  unsigned long prev1 = 0, prev2 = 0; /* "]]>" may not appear in SVG text */
  while (*s) {
    char piece[8];
    size_t plen;
    unsigned long cp;
    size_t n = utf8_decode(s, &cp);
    if (max_chars && chars == max_chars) {
      memcpy(piece, "...", 3);
      plen = 3;
      if (k + plen + 2 > outsize) {
        fits = 0;
        break;
      }
      memcpy(out + k, piece, plen);
      k += plen;
      break;
    }
    if (n == 0) {
      piece[0] = '?';
      plen = 1;
      n = 1;
    } else if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) ||
               cp == 0x2028 || cp == 0x2029) {
      piece[0] = ' ';
      plen = 1;
    } else if (cp == '\'') {
      memcpy(piece, "\xE2\x80\x99", 3); /* U+2019 right single quote */
      plen = 3;
    } else if (cp == '`') {
      memcpy(piece, "\xE2\x80\x98", 3); /* U+2018 left single quote */
      plen = 3;
    } else if (cp == '\\' && (s[1] == 'U' || s[1] == 'u')) {
      memcpy(piece, "\xEF\xBC\xBC", 3); /* U+FF3C: no \U+xxxx escape */
      plen = 3;
    } else if (cp == '>' && prev1 == ']' && prev2 == ']') {
      memcpy(piece, " >", 2);
      plen = 2;
    } else {
      memcpy(piece, s, n);
      plen = n;
    }
    if (k + plen + 2 > outsize) {
      fits = 0;
      break;
    }
    memcpy(out + k, piece, plen);
    k += plen;
    s += n;
    chars++;
    prev2 = prev1;
    prev1 = cp;
  }
  out[k++] = '\'';
  out[k] = 0;
  return fits ? 0 : -1;
}

int plot_gp_quote(char *buf, size_t bufsize, const char *text,
                  size_t max_chars) {
  if (!buf || bufsize == 0)
    return -1;
  if (bufsize < 3) {
    buf[0] = 0;
    return -1;
  }
  return gp_quote(buf, bufsize, text, max_chars);
}

void plot_gp_str(FILE *fp, const char *text, size_t max_chars) {
  size_t n = strlen(text ? text : "");
  if (max_chars && max_chars < n)
    n = max_chars;
  size_t size = 4 * n + 16; /* 3 bytes per quote at most, "...", quotes */
  char *buf = malloc(size);
  if (!buf) {
    fputs("'?'", fp);
    return;
  }
  gp_quote(buf, size, text, max_chars);
  fputs(buf, fp);
  free(buf);
}

/* ---- labels -------------------------------------------------------------- */

void plot_short_place(const char *text, char *buf, size_t bufsize) {
  static const char unused[] = " = -1 - -1";
  size_t ul = sizeof unused - 1;
  size_t k = 0;
  const char *seg = text;
  if (bufsize == 0)
    return;
  buf[0] = 0;
  while (*seg) {
    /* a segment ends at ", " followed by an upper-case letter, or at the
     * end of the text */
    const char *end = seg;
    for (;;) {
      end = strstr(end, ", ");
      if (!end || isupper((unsigned char)end[2]))
        break;
      end += 2;
    }
    size_t len = end ? (size_t)(end - seg) : strlen(seg);
    int drop = len >= ul && memcmp(seg + len - ul, unused, ul) == 0;
    if (!drop) {
      if (k && k + 2 < bufsize) {
        memcpy(buf + k, ", ", 2);
        k += 2;
      }
      size_t c = len < bufsize - 1 - k ? len : bufsize - 1 - k;
      memcpy(buf + k, seg, c);
      k += c;
      buf[k] = 0;
    }
    if (!end)
      break;
    seg = end + 2;
  }
  if (k == 0)
    snprintf(buf, bufsize, "%s", text);
}

static int ends_with(const char *s, const char *suffix) {
  size_t a = strlen(s), b = strlen(suffix);
  return a >= b && strcmp(s + a - b, suffix) == 0;
}

void plot_param_label(const char *param, char *buf, size_t bufsize) {
  size_t n = strlen(param);
  struct {
    const char *prefix, *suffix, *before, *after;
  } forms[] = {
      {"links.", ".bandwidth_mbps", "", " bandwidth (Mbps)"},
      {"links.", ".latency_ms", "", " latency (ms)"},
      {"availability.", "", "availability of ", " (share)"},
      {"power.", ".compute_power_w", "", " compute power (W)"},
      {"power.", ".radio_power_w", "", " radio power (W)"},
      {"constraints.min_blocks.", "", "min. blocks on ", ""},
      {"constraints.max_blocks.", "", "max. blocks on ", ""},
      {"constraints.max_link_mb.", "", "", " upload limit (MB)"},
  };
  if (strcmp(param, "input_mb") == 0) {
    snprintf(buf, bufsize, "model input size (MB)");
    return;
  }
  if (strcmp(param, "input_scale") == 0) { /* sensitivity.csv */
    snprintf(buf, bufsize, "model input size (factor)");
    return;
  }
  if (strcmp(param, "result_mb") == 0) {
    snprintf(buf, bufsize, "result size (MB)");
    return;
  }
  for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
    size_t pl = strlen(forms[i].prefix), sl = strlen(forms[i].suffix);
    if (n > pl + sl && strncmp(param, forms[i].prefix, pl) == 0 &&
        (sl == 0 || ends_with(param, forms[i].suffix))) {
      snprintf(buf, bufsize, "%s%.*s%s", forms[i].before, (int)(n - pl - sl),
               param + pl, forms[i].after);
      return;
    }
  }
  snprintf(buf, bufsize, "%s", param);
}

const char *plot_objective_name(const char *objective) {
  const solver_objective_info *o = solver_objective_find(objective);
  return o ? o->words : objective;
}

const char *plot_objective_label(const char *objective) {
  const solver_objective_info *o = solver_objective_find(objective);
  return o ? o->label : "objective";
}

/* ---- colours (Okabe-Ito for tiers, so the three stay apart for colour
 * blind readers; a 12-colour qualitative set for placements) ------------ */

static const char *const tier_colours[] = {"#E69F00", "#009E73", "#0072B2",
                                           "#CC79A7", "#D55E00", "#56B4E9",
                                           "#F0E442", "#000000"};

const char *plot_tier_colour(const char *name, size_t i) {
  if (name) {
    if (strcmp(name, "device") == 0)
      return tier_colours[0];
    if (strcmp(name, "edge") == 0)
      return tier_colours[1];
    if (strcmp(name, "cloud") == 0)
      return tier_colours[2];
  }
  return tier_colours[i % (sizeof tier_colours / sizeof tier_colours[0])];
}

const char *plot_place_colour(int i) {
  static const char *const c[] = {"#4E79A7", "#F28E2B", "#E15759", "#76B7B2",
                                  "#59A14F", "#EDC948", "#B07AA1", "#FF9DA7",
                                  "#9C755F", "#17BECF", "#BCBD22", "#8C564B"};
  if (i < 0)
    return "#D9D9D9";
  return c[(size_t)i % (sizeof c / sizeof c[0])];
}

/* ---- utilities --------------------------------------------------------- */

char *plot_path_join(const char *dir, const char *name) {
  size_t a = strlen(dir), b = strlen(name);
  int slash = a > 0 && dir[a - 1] != '/';
  char *p = malloc(a + (size_t)slash + b + 1);
  if (!p)
    return NULL;
  memcpy(p, dir, a);
  if (slash)
    p[a] = '/';
  memcpy(p + a + slash, name, b + 1);
  return p;
}

int plot_file_exists(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

void plot_put_num(FILE *fp, double v) {
  char buf[SS_DOUBLE_BUFSIZE];
  if (!isfinite(v))
    fputs("NaN", fp);
  else
    fputs(ss_fmt_double(buf, v), fp);
}

void plot_html_escape(FILE *fp, const char *s) {
  const unsigned char *p = (const unsigned char *)(s ? s : "");
  while (*p) {
    unsigned long cp;
    size_t n = utf8_decode(p, &cp);
    if (n == 0) {
      fputs("\xEF\xBF\xBD", fp); /* U+FFFD */
      p++;
      continue;
    }
    switch (cp) {
    case '&':
      fputs("&amp;", fp);
      break;
    case '<':
      fputs("&lt;", fp);
      break;
    case '>':
      fputs("&gt;", fp);
      break;
    case '"':
      fputs("&quot;", fp);
      break;
    case '\'':
      fputs("&#39;", fp);
      break;
    default:
      if ((cp < 0x20 && cp != '\n' && cp != '\t') || cp == 0x7F ||
          (cp >= 0x80 && cp <= 0x9F))
        fputc(' ', fp);
      else
        fwrite(p, 1, n, fp);
    }
    p += n;
  }
}
