/* libmpi, loaded when `run --mpi` starts (private to tools/mpi_units.c and
 * tools/mpi_dl.c; only in builds with SPLITSIM_MPI).
 *
 * splitsim does not link libmpi: OpenMPI's chain (libopen-rte, libopen-pal,
 * hwloc, libevent, udev, ...) would be loaded at every start of every
 * command. mpi_dl_load() dlopens it (RTLD_GLOBAL, as OpenMPI's components
 * need) and fills mpi_dl; below, each MPI name mpi_units.c uses is remapped
 * to its entry, the same way profiles/store_h5.h does for libhdf5 (see
 * docs/ARCHITECTURE.md, "Start-up"). A name missing here fails the link. */
#ifndef TOOLS_MPI_DL_H
#define TOOLS_MPI_DL_H

#include <mpi.h>

#include "../common/ss_error.h"

#define MPI_DL_FUNCS(X)                                                        \
  X(MPI_Abort)                                                                 \
  X(MPI_Comm_rank)                                                             \
  X(MPI_Comm_size)                                                             \
  X(MPI_Finalize)                                                              \
  X(MPI_Get_count)                                                             \
  X(MPI_Init_thread)                                                           \
  X(MPI_Iprobe)                                                                \
  X(MPI_Isend)                                                                 \
  X(MPI_Recv)                                                                  \
  X(MPI_Send)                                                                  \
  X(MPI_Wait)                                                                  \
  X(MPI_Waitall)

/* OpenMPI's predefined objects behind MPI_COMM_WORLD, MPI_BYTE and
 * MPI_REQUEST_NULL. */
#define MPI_DL_VARS(X)                                                         \
  X(ompi_mpi_comm_world)                                                       \
  X(ompi_mpi_byte)                                                             \
  X(ompi_request_null)

typedef struct mpi_dl_api {
#define MPI_DL_MEMBER(f) __typeof__(&f) p_##f;
  MPI_DL_FUNCS(MPI_DL_MEMBER)
  MPI_DL_VARS(MPI_DL_MEMBER)
#undef MPI_DL_MEMBER
} mpi_dl_api;

extern mpi_dl_api mpi_dl;

/* Load libmpi and fill mpi_dl (once). 0, or -1 with err filled. */
int mpi_dl_load(ss_error *err);
/* 1 once mpi_dl_load succeeded. */
int mpi_dl_loaded(void);

#ifndef MPI_DL_NO_REMAP
// clang-format off
#define MPI_Abort (mpi_dl.p_MPI_Abort)
#define MPI_Comm_rank (mpi_dl.p_MPI_Comm_rank)
#define MPI_Comm_size (mpi_dl.p_MPI_Comm_size)
#define MPI_Finalize (mpi_dl.p_MPI_Finalize)
#define MPI_Get_count (mpi_dl.p_MPI_Get_count)
#define MPI_Init_thread (mpi_dl.p_MPI_Init_thread)
#define MPI_Iprobe (mpi_dl.p_MPI_Iprobe)
#define MPI_Isend (mpi_dl.p_MPI_Isend)
#define MPI_Recv (mpi_dl.p_MPI_Recv)
#define MPI_Send (mpi_dl.p_MPI_Send)
#define MPI_Wait (mpi_dl.p_MPI_Wait)
#define MPI_Waitall (mpi_dl.p_MPI_Waitall)
#define ompi_mpi_comm_world (*mpi_dl.p_ompi_mpi_comm_world)
#define ompi_mpi_byte (*mpi_dl.p_ompi_mpi_byte)
#define ompi_request_null (*mpi_dl.p_ompi_request_null)
// clang-format on
#endif

#endif
