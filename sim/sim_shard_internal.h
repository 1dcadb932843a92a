/* Private to sim/ (and its tests): shard lookups for the replay
 * (sim_shard.c; the journals themselves are in sim_dist.h). */
#ifndef SIM_SHARD_INTERNAL_H
#define SIM_SHARD_INTERNAL_H

#include <stddef.h>

#include "../common/ss_error.h"
#include "../common/ss_mem.h"

/* Shard lookups for the replay (sim_shard.c): sim_shards_phase returns 1
 * when the shards hold the phase (with the same task count), 0 when not,
 * -1 on a mismatch; sim_shards_read fills out and aux with unit `task`. */
struct sim_shards;
int sim_shards_phase(const struct sim_shards *s, const char *name,
                     size_t n_tasks, ss_error *err);
int sim_shards_read(const struct sim_shards *s, const char *name, size_t task,
                    ss_buf *out, ss_buf *aux, ss_error *err);

#endif
