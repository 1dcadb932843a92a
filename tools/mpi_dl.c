/* libmpi loaded when `run --mpi` starts: see mpi_dl.h. */
#ifdef SPLITSIM_MPI
#define _GNU_SOURCE /* RTLD_DEFAULT */
#define MPI_DL_NO_REMAP
#include "mpi_dl.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#ifndef SS_MPI_SONAME
#define SS_MPI_SONAME "libmpi.so"
#endif

mpi_dl_api mpi_dl;
static int loaded;

int mpi_dl_loaded(void) { return loaded; }

int mpi_dl_load(ss_error *err) {
  if (loaded)
    return 0;
  void *lib = dlopen(SS_MPI_SONAME, RTLD_NOW | RTLD_GLOBAL);
  if (!lib) {
    const char *e = dlerror();
    return ss_error_set(err, NULL, NULL, "cannot load libmpi (%s): %s",
                        SS_MPI_SONAME, e ? e : "not found");
  }
  void *p;
#define MPI_DL_LOAD(f)                                                         \
  if (!(p = dlsym(lib, #f)))                                                   \
    return ss_error_set(err, NULL, NULL, "libmpi (%s) lacks %s",               \
                        SS_MPI_SONAME, #f);                                    \
  memcpy(&mpi_dl.p_##f, &p, sizeof p);
  MPI_DL_FUNCS(MPI_DL_LOAD)
  MPI_DL_VARS(MPI_DL_LOAD)
#undef MPI_DL_LOAD
  loaded = 1;
  return 0;
}
#else
typedef int mpi_dl_unused; /* an empty file is not ISO C */
#endif
