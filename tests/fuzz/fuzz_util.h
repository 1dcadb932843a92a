/* Helpers shared by the fuzz harnesses (tests/fuzz/fuzz_*.c).
 *
 * Each harness defines LLVMFuzzerTestOneInput. It is linked either with
 * libFuzzer (clang -fsanitize=fuzzer, `make fuzz`) or with tests/fuzz/replay.c
 * (any C compiler, `make fuzz-replay`), which feeds it every corpus file.
 *
 * Most readers take a path, so the harnesses write the input to a scratch
 * folder first (one per process, on /dev/shm when there is one, removed at
 * exit). A harness aborts (a "crash" to libFuzzer) when a property that the
 * headers promise does not hold, e.g. an exported set that does not read back
 * to the identical set. */
#ifndef FUZZ_UTIL_H
#define FUZZ_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "profiles/profile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The scratch folder of this process (created on first use; aborts when it
 * cannot be made). Borrowed. */
const char *fz_dir(void);

/* "<fz_dir()>/<name>" into a static buffer that the next call overwrites. */
const char *fz_path(const char *name);

/* Write data to fz_path(name) (replacing it) and return that path (static,
 * as fz_path). Aborts on an I/O error: that is not the input's fault. */
const char *fz_write(const char *name, const void *data, size_t size);

/* Remove fz_path(name) if it exists. */
void fz_remove(const char *name);

/* With FUZZ_TRACE set in the environment, print the outcome of one input
 * on stderr ("ok", or the formatted error), to see what seeds reach. */
void fz_note(const ss_error *err);

/* Abort with a message on stderr: a broken promise, found by the fuzzer. */
void fz_fail(const char *what, const char *detail) __attribute__((noreturn));

/* 1 when two sets hold the same systems, models and blocks with the same
 * values (doubles compare bit for bit, any NaN equals any NaN). When they
 * differ and why is not NULL, a short description goes there. */
int fz_set_equal(const prof_set *a, const prof_set *b, char *why,
                 size_t whysize);

/* Export `set` (which an importer accepted) as JSON, as CSV + sidecar and as
 * an HDF5 store, read each back and abort unless it is identical. Writing
 * may refuse a set; reading back what was written may not. */
void fz_check_roundtrip(const prof_set *set);

#endif
