/* Importers and exporters of real profiles. Each importer validates every
 * value and fails with an ss_error naming the file and the place (byte
 * offset, line, field). Imported systems are appended to `out` as new
 * entries (no merging, no boundary checks: see prof_set_put_system). */
#ifndef PROF_IMPORT_H
#define PROF_IMPORT_H

#include "profile.h"

/* Scission benchmark pickle `<tier>-<name>.dat` (restricted decoder: never
 * executes anything). One system. */
int prof_import_scission_dat(const char *path, prof_set *out, ss_error *err);

/* The project's measured CSV (tools/splitsim-profile output and
 * ../shared/data/measured-2026-11/): `X.csv` plus provenance `X.json` beside
 * it. One system per distinct `system` column value. */
int prof_import_measured_csv(const char *csv_path, prof_set *out,
                             ss_error *err);

/* The project's JSON profile format (docs/formats.md). Any number of
 * systems. */
int prof_import_json(const char *path, prof_set *out, ss_error *err);

/* Pick the importer by file name (.dat, .csv, .json) and run it. */
int prof_import_file(const char *path, prof_set *out, ss_error *err);

/* Load a whole profile set from a path: an HDF5 store, a folder of
 * profiles (prof_load_folder), or one importable file. Caller frees *out. */
int prof_load_path(const char *path, prof_set **out, ss_error *err);

/* What prof_load_folder found: files read by kind, and network tables
 * (`source,destination,...` CSVs, as in Scission's folders) left out. */
typedef struct prof_folder_found {
  size_t n_dat, n_csv, n_json, n_network;
} prof_folder_found;

/* Every profile file in folder dir, in name order: Scission
 * `<tier>-<name>.dat`, measured `.csv` (with its `.json` sidecar) and
 * splitsim `.json` profiles (a `.json` beside a same-named `.csv` is that
 * sidecar). A system found twice is an error. found may be NULL. */
int prof_load_folder(const char *dir, prof_set **out, prof_folder_found *found,
                     ss_error *err);

/* Exporters (atomic writes). CSV writes `path` and its `.json` provenance
 * sidecar (same base name) in the measured-CSV format; JSON writes one file.
 * Both read back through the importers to an identical set. */
int prof_export_csv(const prof_set *set, const char *path, ss_error *err);
int prof_export_json(const prof_set *set, const char *path, ss_error *err);
/* The sidecar of a CSV path: its .csv (any case) replaced by, or else
 * followed by, .json. -1 when out is too small. */
int prof_csv_sidecar_path(const char *csv_path, char *out, size_t outsize);

#endif
