/* ss_units: the one place where user units become the solver's units.
 *
 * Files and the command line speak Mbit/s, milliseconds and MB; the solver
 * speaks bytes per second, seconds and bytes. Every conversion goes
 * through these functions, so a factor is written once:
 *   1 Mbit/s = 125000 bytes/s (10^6 bits / 8), as Scission counts it;
 *   1 ms     = 1/1000 s;
 *   1 MB     = 10^6 bytes (not 2^20), as Scission counts it.
 * NaN stays NaN (an unset value stays unset). */
#ifndef SS_UNITS_H
#define SS_UNITS_H

#define SS_BYTES_PER_S_PER_MBPS 125000.0
#define SS_MS_PER_S 1000.0
#define SS_BYTES_PER_MB 1e6

/* Mbit/s -> bytes per second. */
static inline double ss_mbps_to_bytes_per_s(double mbps) {
  return mbps * SS_BYTES_PER_S_PER_MBPS;
}

/* Milliseconds -> seconds. */
static inline double ss_ms_to_s(double ms) { return ms / SS_MS_PER_S; }

/* MB (10^6 bytes) -> bytes. */
static inline double ss_mb_to_bytes(double mb) { return mb * SS_BYTES_PER_MB; }

/* Bytes -> MB (10^6 bytes). */
static inline double ss_bytes_to_mb(double bytes) {
  return bytes / SS_BYTES_PER_MB;
}

/* Scission's own arithmetic, operation for operation, so that predict
 * prints its numbers to the last bit: Python's `x * 1000 * 1000` and
 * `b / 1000 / 1000` (not always equal to x * 1e6 in floating point), and
 * a bandwidth rounded to whole bytes per second, half to even. */
static inline double ss_scission_mb_to_bytes(double mb) {
  return mb * 1000 * 1000;
}
static inline double ss_scission_bytes_to_mb(double bytes) {
  return bytes / 1000 / 1000;
}

#endif
