#include "ss_yaml.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

void ss_yaml_quoted(FILE *fp, const char *s) {
  const unsigned char *p = (const unsigned char *)s;
  fputc('"', fp);
  while (*p) {
    unsigned c = *p;
    if (c == '"' || c == '\\') {
      fputc('\\', fp);
      fputc((int)c, fp);
      p++;
    } else if (c < 0x20 || c == 0x7f) {
      fprintf(fp, "\\x%02X", c);
      p++;
    } else if (c == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F) {
      /* C1 controls (U+0080..U+009F, NEL among them) */
      fprintf(fp, "\\u%04X", (unsigned)p[1]);
      p += 2;
    } else if (c == 0xE2 && p[1] == 0x80 && (p[2] == 0xA8 || p[2] == 0xA9)) {
      /* line and paragraph separators would be folded */
      fprintf(fp, "\\u%04X", 0x2000u + (p[2] == 0xA8 ? 0x28u : 0x29u));
      p += 3;
    } else if (c == 0xEF && p[1] == 0xBB && p[2] == 0xBF) {
      fputs("\\uFEFF", fp);
      p += 3;
    } else {
      fputc((int)c, fp);
      p++;
    }
  }
  fputc('"', fp);
}

int ss_yaml_plain_ok(const char *s) {
  static const char *const words[] = {"null", "true",  "false", "yes", "no",
                                      "on",   "off",   "y",     "n",   ".nan",
                                      ".inf", "-.inf", "+.inf"};
  if (!s || !(isalnum((unsigned char)s[0]) || s[0] == '_'))
    return 0;
  for (const char *p = s; *p; p++)
    if (!isalnum((unsigned char)*p) && !strchr("_-./()+", *p))
      return 0;
  for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
    if (strcasecmp(s, words[i]) == 0)
      return 0;
  return 1;
}

void ss_yaml_name(FILE *fp, const char *s) {
  if (ss_yaml_plain_ok(s))
    fputs(s, fp);
  else
    ss_yaml_quoted(fp, s ? s : "");
}
