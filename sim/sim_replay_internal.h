/* Private to sim/ (and its tests): replay candidates from a context at its
 * current values (sim_replay.c), used by the scenario-level writer
 * (sim_replay_out.c). */
#ifndef SIM_REPLAY_INTERNAL_H
#define SIM_REPLAY_INTERNAL_H

#include "sim_engine_internal.h"
#include "sim_replay.h"

/* Candidates of model m at c's current values (see sim_replay_candidates).
 * Caller frees *out. */
int sim_replay_ctx_candidates(sim_ctx *c, size_t m, const size_t *links,
                              size_t n_links, sim_replay_cand **out,
                              size_t *n_out, ss_error *err);

#endif
