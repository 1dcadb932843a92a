/* Small helpers shared by the command files in tools/. */
#ifndef TOOLS_CLI_H
#define TOOLS_CLI_H

#include "../common/ss_error.h"

/* Print "splitsim: <file>:<where>: error: <msg>" on stderr. */
void cli_print_error(const ss_error *err);
/* Print "splitsim <cmd>: <message>" and a hint to use --help; returns 2. */
int cli_usage_error(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
