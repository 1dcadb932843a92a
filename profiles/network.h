/* Network link tables: Scission's network_stats*.csv
 * (`source,destination,ping(ms),bandwidth(mbps)`, spaces around values). */
#ifndef PROF_NETWORK_H
#define PROF_NETWORK_H

#include <stddef.h>

#include "../common/ss_error.h"

typedef struct prof_link {
  char *source;
  char *destination;
  double ping_ms;        /* added once per hop */
  double bandwidth_mbps; /* Mbit/s (bytes/s: common/ss_units.h) */
} prof_link;

typedef struct prof_network {
  size_t n_links;
  prof_link *links;
} prof_network;

/* Parse a network CSV. Caller frees with prof_network_free. */
int prof_network_read(const char *path, prof_network **out, ss_error *err);
void prof_network_free(prof_network *net); /* NULL is a no-op */
/* The link source->destination, or NULL. */
const prof_link *prof_network_find(const prof_network *net, const char *source,
                                   const char *destination);

#endif
