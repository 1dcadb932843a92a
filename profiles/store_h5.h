/* Private to profiles/store*.c: libhdf5, loaded on first use.
 *
 * splitsim does not link libhdf5: its dependency chain (about 40 shared
 * libraries) costs ~12 ms of dynamic loading at every start, although most
 * commands never open a store. store_h5_load() dlopens it the first time a
 * store is read or written and fills store_h5, a table of the functions and
 * global ids store.c uses. Below the table, each HDF5 name store.c uses is
 * remapped to its table entry, so store.c reads as plain HDF5 code. A file
 * that defines STORE_H5_NO_REMAP (store_h5.c) sees the plain names.
 * See docs/ARCHITECTURE.md ("Start-up"). */
#ifndef PROF_STORE_H5_H
#define PROF_STORE_H5_H

#include <hdf5.h>

#include "../common/ss_error.h"

#if H5_VERSION_GE(1, 12, 0)
#define STORE_H5_RECLAIM_FN(X) X(H5Treclaim)
#else
#define STORE_H5_RECLAIM_FN(X) X(H5Dvlen_reclaim)
#endif

/* Every libhdf5 function store.c calls. */
#define STORE_H5_FUNCS(X)                                                      \
  X(H5open)                                                                    \
  X(H5get_libversion)                                                          \
  X(H5dont_atexit)                                                             \
  X(H5free_memory)                                                             \
  X(H5Aclose)                                                                  \
  X(H5Acreate2)                                                                \
  X(H5Aexists)                                                                 \
  X(H5Aget_space)                                                              \
  X(H5Aget_type)                                                               \
  X(H5Aopen)                                                                   \
  X(H5Aread)                                                                   \
  X(H5Awrite)                                                                  \
  X(H5Dclose)                                                                  \
  X(H5Dcreate2)                                                                \
  X(H5Dget_create_plist)                                                       \
  X(H5Dget_space)                                                              \
  X(H5Dget_type)                                                               \
  X(H5Dread)                                                                   \
  X(H5Dwrite)                                                                  \
  X(H5Eget_auto2)                                                              \
  X(H5Eset_auto2)                                                              \
  X(H5Ewalk2)                                                                  \
  X(H5Fclose)                                                                  \
  X(H5Fcreate)                                                                 \
  X(H5Fopen)                                                                   \
  X(H5Gclose)                                                                  \
  X(H5Gcreate2)                                                                \
  X(H5Gget_create_plist)                                                       \
  X(H5Gget_info)                                                               \
  X(H5Gopen2)                                                                  \
  X(H5Iget_type)                                                               \
  X(H5Lexists)                                                                 \
  X(H5Lget_info)                                                               \
  X(H5Lget_name_by_idx)                                                        \
  X(H5Oclose)                                                                  \
  X(H5Oopen)                                                                   \
  X(H5PLget_loading_state)                                                     \
  X(H5PLset_loading_state)                                                     \
  X(H5Pclose)                                                                  \
  X(H5Pcopy)                                                                   \
  X(H5Pcreate)                                                                 \
  X(H5Pget_filter_by_id2)                                                      \
  X(H5Pget_link_creation_order)                                                \
  X(H5Pset_buffer)                                                             \
  X(H5Pset_char_encoding)                                                      \
  X(H5Pset_chunk)                                                              \
  X(H5Pset_fclose_degree)                                                      \
  X(H5Pset_fletcher32)                                                         \
  X(H5Pset_link_creation_order)                                                \
  X(H5Pset_obj_track_times)                                                    \
  X(H5Sclose)                                                                  \
  X(H5Screate)                                                                 \
  X(H5Screate_simple)                                                          \
  X(H5Sget_simple_extent_dims)                                                 \
  X(H5Sget_simple_extent_ndims)                                                \
  X(H5Sget_simple_extent_npoints)                                              \
  X(H5Sget_simple_extent_type)                                                 \
  X(H5Tclose)                                                                  \
  X(H5Tcopy)                                                                   \
  X(H5Tcreate)                                                                 \
  X(H5Tget_class)                                                              \
  X(H5Tget_cset)                                                               \
  X(H5Tget_member_class)                                                       \
  X(H5Tget_member_index)                                                       \
  X(H5Tget_member_type)                                                        \
  X(H5Tget_size)                                                               \
  X(H5Tinsert)                                                                 \
  X(H5Tis_variable_str)                                                        \
  X(H5Tset_cset)                                                               \
  X(H5Tset_size)                                                               \
  X(H5Tset_strpad)                                                             \
  STORE_H5_RECLAIM_FN(X)

/* Every libhdf5 global id store.c uses (behind H5T_C_S1, H5P_FILE_ACCESS,
 * ...). */
#define STORE_H5_VARS(X)                                                       \
  X(H5T_C_S1_g)                                                                \
  X(H5T_IEEE_F64LE_g)                                                          \
  X(H5T_NATIVE_DOUBLE_g)                                                       \
  X(H5T_NATIVE_INT64_g)                                                        \
  X(H5T_STD_I64LE_g)                                                           \
  X(H5P_CLS_DATASET_CREATE_ID_g)                                               \
  X(H5P_CLS_DATASET_XFER_ID_g)                                                 \
  X(H5P_CLS_FILE_ACCESS_ID_g)                                                  \
  X(H5P_CLS_FILE_CREATE_ID_g)                                                  \
  X(H5P_CLS_GROUP_CREATE_ID_g)                                                 \
  X(H5P_CLS_LINK_CREATE_ID_g)

typedef struct store_h5_api {
#define STORE_H5_FN_MEMBER(f) __typeof__(&f) p_##f;
  STORE_H5_FUNCS(STORE_H5_FN_MEMBER)
#undef STORE_H5_FN_MEMBER
#define STORE_H5_VAR_MEMBER(v) hid_t *p_##v;
  STORE_H5_VARS(STORE_H5_VAR_MEMBER)
#undef STORE_H5_VAR_MEMBER
} store_h5_api;

extern store_h5_api store_h5;

/* Load libhdf5 and fill store_h5 (once; later calls return the first
 * result). file names the store in the error. 0, or -1 with err filled. */
int store_h5_load(const char *file, ss_error *err);

#ifndef STORE_H5_NO_REMAP
#include "store_h5_remap.h"
#endif

#endif
