#include "ss_csv.h"

#include <string.h>

int ss_csv_needs_quotes(const char *s) {
  size_t n = strlen(s);
  return n == 0 || strpbrk(s, ",\"\r\n") != NULL || s[0] == ' ' ||
         s[0] == '\t' || s[n - 1] == ' ' || s[n - 1] == '\t';
}

void ss_csv_field(ss_buf *b, const char *s) {
  if (!s)
    return;
  if (!ss_csv_needs_quotes(s)) {
    ss_buf_str(b, s);
    return;
  }
  ss_buf_char(b, '"');
  for (; *s; s++) {
    if (*s == '"')
      ss_buf_char(b, '"');
    ss_buf_char(b, *s);
  }
  ss_buf_char(b, '"');
}
