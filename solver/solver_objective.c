/* The objectives, one static table (solver.h): everything that differs
 * between them outside the search kernels. Adding an objective: its value
 * in solver_objective (solver.h), its row here, and its case in the two
 * kernels that compute it from partial sums (solver.c: the exhaustive
 * search; solver_sweep.c: the sweeps). */
#include "solver.h"

#include <math.h>
#include <string.h>

static double latency_s(const solver_result *r) { return r->latency_s; }
static double throughput(const solver_result *r) { return r->throughput_per_s; }
/* Smaller is better for every cost: the slowest stage for throughput. */
static double slowest_stage_s(const solver_result *r) {
  return r->throughput_per_s > 0 ? 1.0 / r->throughput_per_s : INFINITY;
}
static double total_bytes(const solver_result *r) { return r->total_bytes; }
static double device_energy_j(const solver_result *r) {
  return r->device_energy_j;
}

const solver_objective_info solver_objectives[] = {
    {SOLVER_OBJ_LATENCY, "latency", "latency", "end-to-end latency (s)", "s", 0,
     1, latency_s, latency_s},
    {SOLVER_OBJ_THROUGHPUT, "throughput", "throughput",
     "throughput (inferences/s)", "inferences/s", 1, 0, throughput,
     slowest_stage_s},
    {SOLVER_OBJ_BYTES, "bytes", "bytes sent", "bytes sent (bytes)", "bytes", 0,
     1, total_bytes, total_bytes},
    {SOLVER_OBJ_DEVICE_ENERGY, "device_energy", "device energy",
     "device energy (J)", "J", 0, 1, device_energy_j, device_energy_j},
};
const size_t solver_n_objectives =
    sizeof solver_objectives / sizeof solver_objectives[0];

const solver_objective_info *solver_objective_info_of(solver_objective o) {
  for (size_t i = 0; i < solver_n_objectives; i++)
    if (solver_objectives[i].id == o)
      return &solver_objectives[i];
  return &solver_objectives[0];
}

const solver_objective_info *solver_objective_find(const char *name) {
  for (size_t i = 0; name && i < solver_n_objectives; i++)
    if (strcmp(solver_objectives[i].name, name) == 0)
      return &solver_objectives[i];
  return NULL;
}

void solver_objective_names(const char **names) {
  for (size_t i = 0; i < solver_n_objectives; i++)
    names[i] = solver_objectives[i].name;
}
