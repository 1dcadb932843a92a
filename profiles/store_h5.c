/* libhdf5 loaded on first use: see store_h5.h. */
#define _GNU_SOURCE /* RTLD_DEFAULT */
#define STORE_H5_NO_REMAP
#include "store_h5.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

/* Set by the Makefile from the libhdf5 the build found. */
#ifndef SS_HDF5_SONAME
#define SS_HDF5_SONAME "libhdf5.so"
#endif
#ifndef SS_HDF5_PATH
#define SS_HDF5_PATH SS_HDF5_SONAME
#endif

store_h5_api store_h5;

/* The symbol's name, after expanding a version macro (H5Lget_info may be
 * H5Lget_info2). */
#define STORE_H5_STR2(x) #x
#define STORE_H5_STR(x) STORE_H5_STR2(x)

static int load_symbols(void *lib, const char **missing) {
  void *p;
#define STORE_H5_LOAD(f)                                                       \
  if (!(p = dlsym(lib, STORE_H5_STR(f)))) {                                    \
    *missing = STORE_H5_STR(f);                                                \
    return -1;                                                                 \
  }                                                                            \
  memcpy(&store_h5.p_##f, &p, sizeof p);
  STORE_H5_FUNCS(STORE_H5_LOAD)
#undef STORE_H5_LOAD
  /* A global id is looked up in the whole process first: when a program
   * also links libhdf5 itself (the unit tests do), its executable may hold
   * the live copy of the variable (a copy relocation). */
#define STORE_H5_LOAD_VAR(v)                                                   \
  if (!(p = dlsym(RTLD_DEFAULT, #v)) && !(p = dlsym(lib, #v))) {               \
    *missing = #v;                                                             \
    return -1;                                                                 \
  }                                                                            \
  memcpy(&store_h5.p_##v, &p, sizeof p);
  STORE_H5_VARS(STORE_H5_LOAD_VAR)
#undef STORE_H5_LOAD_VAR
  return 0;
}

static int load_once(char *why, size_t size) {
  void *lib = dlopen(SS_HDF5_SONAME, RTLD_NOW | RTLD_LOCAL);
  if (!lib)
    lib = dlopen(SS_HDF5_PATH, RTLD_NOW | RTLD_LOCAL);
  if (!lib) {
    const char *e = dlerror();
    snprintf(why, size, "cannot load libhdf5 (%s): %s", SS_HDF5_SONAME,
             e ? e : "not found");
    return -1;
  }
  const char *missing = NULL;
  if (load_symbols(lib, &missing) != 0) {
    snprintf(why, size, "libhdf5 (%s) lacks %s", SS_HDF5_SONAME, missing);
    return -1;
  }
  unsigned maj = 0, min = 0, rel = 0;
  if (store_h5.p_H5get_libversion(&maj, &min, &rel) < 0 ||
      maj != H5_VERS_MAJOR || min != H5_VERS_MINOR) {
    snprintf(why, size,
             "libhdf5 %u.%u.%u found, but splitsim was built against %d.%d",
             maj, min, rel, H5_VERS_MAJOR, H5_VERS_MINOR);
    return -1;
  }
  /* No clean-up chatter from libhdf5 at exit after a corrupt file; only
   * allowed before the library starts. */
  (void)store_h5.p_H5dont_atexit();
  if (store_h5.p_H5open() < 0) {
    snprintf(why, size, "libhdf5 (%s) failed to start", SS_HDF5_SONAME);
    return -1;
  }
  return 0;
}

static int load_state; /* 1 loaded, -1 failed */
static char load_why[512];
static pthread_once_t load_once_flag = PTHREAD_ONCE_INIT;

static void load_now(void) {
  load_state = load_once(load_why, sizeof load_why) == 0 ? 1 : -1;
}

int store_h5_load(const char *file, ss_error *err) {
  pthread_once(&load_once_flag, load_now);
  if (load_state > 0)
    return 0;
  return ss_error_set(err, file, NULL, "%s", load_why);
}
