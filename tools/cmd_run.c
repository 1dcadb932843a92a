/* splitsim run: placeholder until the scenario engine (sim/) lands. */
#include <stdio.h>

#include "commands.h"

int cmd_run(int argc, char **argv) {
  (void)argc;
  (void)argv;
  fprintf(stderr, "splitsim run: the scenario engine is not built yet\n");
  return 1;
}
