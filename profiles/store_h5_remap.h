/* Private to profiles/store*.c (see store_h5.h): each HDF5 name store.c
 * uses becomes its entry in the store_h5 table. Kept in step with
 * STORE_H5_FUNCS / STORE_H5_VARS by hand: a name missing here fails the link
 * (splitsim does not link libhdf5), so nothing can slip through. */
#ifndef PROF_STORE_H5_REMAP_H
#define PROF_STORE_H5_REMAP_H

// clang-format off
/* Flag macros such as H5F_ACC_RDONLY call H5check(); store_h5_load checked
 * the library version once already. */
#undef H5check
#define H5check() ((void)0)
#undef H5open
#define H5open (store_h5.p_H5open)
#undef H5get_libversion
#define H5get_libversion (store_h5.p_H5get_libversion)
#undef H5dont_atexit
#define H5dont_atexit (store_h5.p_H5dont_atexit)
#undef H5free_memory
#define H5free_memory (store_h5.p_H5free_memory)
#undef H5Aclose
#define H5Aclose (store_h5.p_H5Aclose)
#undef H5Acreate2
#define H5Acreate2 (store_h5.p_H5Acreate2)
#undef H5Aexists
#define H5Aexists (store_h5.p_H5Aexists)
#undef H5Aget_space
#define H5Aget_space (store_h5.p_H5Aget_space)
#undef H5Aget_type
#define H5Aget_type (store_h5.p_H5Aget_type)
#undef H5Aopen
#define H5Aopen (store_h5.p_H5Aopen)
#undef H5Aread
#define H5Aread (store_h5.p_H5Aread)
#undef H5Awrite
#define H5Awrite (store_h5.p_H5Awrite)
#undef H5Dclose
#define H5Dclose (store_h5.p_H5Dclose)
#undef H5Dcreate2
#define H5Dcreate2 (store_h5.p_H5Dcreate2)
#undef H5Dget_create_plist
#define H5Dget_create_plist (store_h5.p_H5Dget_create_plist)
#undef H5Dget_space
#define H5Dget_space (store_h5.p_H5Dget_space)
#undef H5Dget_type
#define H5Dget_type (store_h5.p_H5Dget_type)
#undef H5Dread
#define H5Dread (store_h5.p_H5Dread)
#undef H5Dwrite
#define H5Dwrite (store_h5.p_H5Dwrite)
#undef H5Eget_auto2
#define H5Eget_auto2 (store_h5.p_H5Eget_auto2)
#undef H5Eset_auto2
#define H5Eset_auto2 (store_h5.p_H5Eset_auto2)
#undef H5Ewalk2
#define H5Ewalk2 (store_h5.p_H5Ewalk2)
#undef H5Fclose
#define H5Fclose (store_h5.p_H5Fclose)
#undef H5Fcreate
#define H5Fcreate (store_h5.p_H5Fcreate)
#undef H5Fopen
#define H5Fopen (store_h5.p_H5Fopen)
#undef H5Gclose
#define H5Gclose (store_h5.p_H5Gclose)
#undef H5Gcreate2
#define H5Gcreate2 (store_h5.p_H5Gcreate2)
#undef H5Gget_create_plist
#define H5Gget_create_plist (store_h5.p_H5Gget_create_plist)
#undef H5Gget_info
#define H5Gget_info (store_h5.p_H5Gget_info)
#undef H5Gopen2
#define H5Gopen2 (store_h5.p_H5Gopen2)
#undef H5Iget_type
#define H5Iget_type (store_h5.p_H5Iget_type)
#undef H5Lexists
#define H5Lexists (store_h5.p_H5Lexists)
#undef H5Lget_info
#define H5Lget_info (store_h5.p_H5Lget_info)
#undef H5Lget_name_by_idx
#define H5Lget_name_by_idx (store_h5.p_H5Lget_name_by_idx)
#undef H5Oclose
#define H5Oclose (store_h5.p_H5Oclose)
#undef H5Oopen
#define H5Oopen (store_h5.p_H5Oopen)
#undef H5PLget_loading_state
#define H5PLget_loading_state (store_h5.p_H5PLget_loading_state)
#undef H5PLset_loading_state
#define H5PLset_loading_state (store_h5.p_H5PLset_loading_state)
#undef H5Pclose
#define H5Pclose (store_h5.p_H5Pclose)
#undef H5Pcopy
#define H5Pcopy (store_h5.p_H5Pcopy)
#undef H5Pcreate
#define H5Pcreate (store_h5.p_H5Pcreate)
#undef H5Pget_filter_by_id2
#define H5Pget_filter_by_id2 (store_h5.p_H5Pget_filter_by_id2)
#undef H5Pget_link_creation_order
#define H5Pget_link_creation_order (store_h5.p_H5Pget_link_creation_order)
#undef H5Pset_buffer
#define H5Pset_buffer (store_h5.p_H5Pset_buffer)
#undef H5Pset_char_encoding
#define H5Pset_char_encoding (store_h5.p_H5Pset_char_encoding)
#undef H5Pset_chunk
#define H5Pset_chunk (store_h5.p_H5Pset_chunk)
#undef H5Pset_fclose_degree
#define H5Pset_fclose_degree (store_h5.p_H5Pset_fclose_degree)
#undef H5Pset_fletcher32
#define H5Pset_fletcher32 (store_h5.p_H5Pset_fletcher32)
#undef H5Pset_link_creation_order
#define H5Pset_link_creation_order (store_h5.p_H5Pset_link_creation_order)
#undef H5Pset_obj_track_times
#define H5Pset_obj_track_times (store_h5.p_H5Pset_obj_track_times)
#undef H5Sclose
#define H5Sclose (store_h5.p_H5Sclose)
#undef H5Screate
#define H5Screate (store_h5.p_H5Screate)
#undef H5Screate_simple
#define H5Screate_simple (store_h5.p_H5Screate_simple)
#undef H5Sget_simple_extent_dims
#define H5Sget_simple_extent_dims (store_h5.p_H5Sget_simple_extent_dims)
#undef H5Sget_simple_extent_ndims
#define H5Sget_simple_extent_ndims (store_h5.p_H5Sget_simple_extent_ndims)
#undef H5Sget_simple_extent_npoints
#define H5Sget_simple_extent_npoints (store_h5.p_H5Sget_simple_extent_npoints)
#undef H5Sget_simple_extent_type
#define H5Sget_simple_extent_type (store_h5.p_H5Sget_simple_extent_type)
#undef H5Tclose
#define H5Tclose (store_h5.p_H5Tclose)
#undef H5Tcopy
#define H5Tcopy (store_h5.p_H5Tcopy)
#undef H5Tcreate
#define H5Tcreate (store_h5.p_H5Tcreate)
#undef H5Tget_class
#define H5Tget_class (store_h5.p_H5Tget_class)
#undef H5Tget_cset
#define H5Tget_cset (store_h5.p_H5Tget_cset)
#undef H5Tget_member_class
#define H5Tget_member_class (store_h5.p_H5Tget_member_class)
#undef H5Tget_member_index
#define H5Tget_member_index (store_h5.p_H5Tget_member_index)
#undef H5Tget_member_type
#define H5Tget_member_type (store_h5.p_H5Tget_member_type)
#undef H5Tget_size
#define H5Tget_size (store_h5.p_H5Tget_size)
#undef H5Tinsert
#define H5Tinsert (store_h5.p_H5Tinsert)
#undef H5Tis_variable_str
#define H5Tis_variable_str (store_h5.p_H5Tis_variable_str)
#undef H5Tset_cset
#define H5Tset_cset (store_h5.p_H5Tset_cset)
#undef H5Tset_size
#define H5Tset_size (store_h5.p_H5Tset_size)
#undef H5Tset_strpad
#define H5Tset_strpad (store_h5.p_H5Tset_strpad)
#if H5_VERSION_GE(1, 12, 0)
#undef H5Treclaim
#define H5Treclaim (store_h5.p_H5Treclaim)
#else
#undef H5Dvlen_reclaim
#define H5Dvlen_reclaim (store_h5.p_H5Dvlen_reclaim)
#endif
#undef H5T_C_S1_g
#define H5T_C_S1_g (*store_h5.p_H5T_C_S1_g)
#undef H5T_IEEE_F64LE_g
#define H5T_IEEE_F64LE_g (*store_h5.p_H5T_IEEE_F64LE_g)
#undef H5T_NATIVE_DOUBLE_g
#define H5T_NATIVE_DOUBLE_g (*store_h5.p_H5T_NATIVE_DOUBLE_g)
#undef H5T_NATIVE_INT64_g
#define H5T_NATIVE_INT64_g (*store_h5.p_H5T_NATIVE_INT64_g)
#undef H5T_STD_I64LE_g
#define H5T_STD_I64LE_g (*store_h5.p_H5T_STD_I64LE_g)
#undef H5P_CLS_DATASET_CREATE_ID_g
#define H5P_CLS_DATASET_CREATE_ID_g (*store_h5.p_H5P_CLS_DATASET_CREATE_ID_g)
#undef H5P_CLS_DATASET_XFER_ID_g
#define H5P_CLS_DATASET_XFER_ID_g (*store_h5.p_H5P_CLS_DATASET_XFER_ID_g)
#undef H5P_CLS_FILE_ACCESS_ID_g
#define H5P_CLS_FILE_ACCESS_ID_g (*store_h5.p_H5P_CLS_FILE_ACCESS_ID_g)
#undef H5P_CLS_FILE_CREATE_ID_g
#define H5P_CLS_FILE_CREATE_ID_g (*store_h5.p_H5P_CLS_FILE_CREATE_ID_g)
#undef H5P_CLS_GROUP_CREATE_ID_g
#define H5P_CLS_GROUP_CREATE_ID_g (*store_h5.p_H5P_CLS_GROUP_CREATE_ID_g)
#undef H5P_CLS_LINK_CREATE_ID_g
#define H5P_CLS_LINK_CREATE_ID_g (*store_h5.p_H5P_CLS_LINK_CREATE_ID_g)
// clang-format on

#endif
