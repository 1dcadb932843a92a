/* The MPI transport of work units: the only code that talks to MPI
 * (tools/mpi_units.c, built with mpicc when MPI is installed; without MPI
 * every call fails with "this build has no MPI").
 *
 * Design (docs/cluster.md): rank 0 is the dispatcher. Every rank runs the
 * same scenario pipeline; in each phase the ranks > 0 ask rank 0 for one
 * unit at a time (a request names the scenario, the phase and its unit
 * count, so a rank that sees other inputs is caught), compute it and send
 * the bytes back. Rank 0 hands out units largest first, computes units on
 * its own threads meanwhile, and appends every unit to its journal
 * (OUTROOT/<name>/shard-0-of-1.units), which it merges at the end. Only
 * rank 0's main thread calls MPI (MPI_THREAD_FUNNELED). */
#ifndef TOOLS_MPI_UNITS_H
#define TOOLS_MPI_UNITS_H

#include <signal.h>
#include <stddef.h>

#include "../sim/sim_dist.h"

typedef struct mpi_units mpi_units;

/* 1 when this binary was built with MPI. */
int mpi_units_built(void);
/* MPI_Init_thread; rank and size. */
int mpi_units_init(int *argc, char ***argv, int *rank, int *size,
                   ss_error *err);
/* The dispatcher (rank 0) or a worker (others). cancel: stop waiting when
 * it becomes nonzero. */
int mpi_units_new(const volatile sig_atomic_t *cancel, mpi_units **out,
                  ss_error *err);
/* Scenario number scn of the batch starts; on rank 0 journal is where its
 * units go (a shard io of 0/1). */
void mpi_units_scenario(mpi_units *mu, size_t scn, sim_shard_io *journal);
sim_unit_io mpi_units_io(mpi_units *mu);
/* Scenario scn is over on this rank: rank 0 waits until every rank is done
 * with it (answering their requests with "no more"); the others tell rank
 * 0. */
int mpi_units_scenario_end(mpi_units *mu, size_t scn, ss_error *err);
/* Rank > 0: 1 when its run of the current scenario stopped because rank
 * 0 had ended it (skipped by --resume, or failed there): not an error of
 * this rank. */
int mpi_units_abandoned(const mpi_units *mu);
void mpi_units_free(mpi_units *mu);
/* MPI_Finalize (after mpi_units_free). */
void mpi_units_finalize(void);
/* Stop every rank now (after a failure rank 0 cannot recover from). */
void mpi_units_abort(int code);

#endif
