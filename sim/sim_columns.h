/* sim_columns: the column names of the tables sim/ writes (docs/outputs.md),
 * in one place for the writer (sim/) and the readers (plots/, tools/).
 * Every header line is built from these names. */
#ifndef SIM_COLUMNS_H
#define SIM_COLUMNS_H

/* best.csv and top.csv: point, one column per sweep axis (its parameter
 * path), model, [rank,] placement, latency_s, compute_s.<tier>...,
 * transfer_s.<a>-<b> and bytes.<a>-<b> per tier pair, then the rest. */
#define SIM_COL_POINT "point"
#define SIM_COL_MODEL "model"
#define SIM_COL_RANK "rank"
#define SIM_COL_PLACEMENT "placement"
#define SIM_COL_LATENCY_S "latency_s"
#define SIM_COL_COMPUTE_S "compute_s."   /* + tier name */
#define SIM_COL_TRANSFER_S "transfer_s." /* + "<tier a>-<tier b>" */
#define SIM_COL_BYTES "bytes."           /* + "<tier a>-<tier b>" */
#define SIM_COL_RETURN_S "return_s"
#define SIM_COL_TOTAL_BYTES "total_bytes"
#define SIM_COL_THROUGHPUT_PER_S "throughput_per_s"
#define SIM_COL_DEVICE_ENERGY_J "device_energy_j"
#define SIM_COL_OBJECTIVE "objective"

/* breakpoints.csv */
#define SIM_COL_AXIS "axis"
#define SIM_COL_FIXED "fixed"
#define SIM_COL_VALUE "value"
#define SIM_COL_EXACT "exact"
#define SIM_COL_PLACEMENT_BEFORE "placement_before"
#define SIM_COL_PLACEMENT_AFTER "placement_after"
#define SIM_COL_OBJECTIVE_AT_VALUE "objective_at_value"
#define SIM_BREAKPOINTS_HEADER                                                 \
  SIM_COL_MODEL "," SIM_COL_AXIS "," SIM_COL_FIXED "," SIM_COL_VALUE           \
                "," SIM_COL_EXACT "," SIM_COL_PLACEMENT_BEFORE                 \
                "," SIM_COL_PLACEMENT_AFTER "," SIM_COL_OBJECTIVE_AT_VALUE     \
                "\n"

/* curves.csv */
#define SIM_COL_OPTIMAL "optimal"
#define SIM_CURVES_HEADER                                                      \
  SIM_COL_MODEL "," SIM_COL_AXIS "," SIM_COL_VALUE "," SIM_COL_PLACEMENT       \
                "," SIM_COL_OBJECTIVE "," SIM_COL_OPTIMAL "\n"

/* purchase.csv */
#define SIM_COL_OPTION "option"
#define SIM_COL_PRICE "price"
#define SIM_COL_WEIGHTED_LATENCY_S "weighted_latency_s"
#define SIM_COL_PARETO "pareto"
#define SIM_COL_TCO "tco"
#define SIM_COL_GAIN_PCT "gain_pct"
#define SIM_COL_POINTS_FASTEST "points_fastest"
#define SIM_COL_MEAN_GAIN_PCT "mean_gain_pct"
/* purchase_sweep.csv: point, one column per sweep axis, then these */
#define SIM_COL_FASTEST "fastest"
#define SIM_PURCHASE_SWEEP_COLUMNS                                             \
  SIM_COL_OPTION "," SIM_COL_PRICE "," SIM_COL_TCO                             \
                 "," SIM_COL_WEIGHTED_LATENCY_S ",gain_s," SIM_COL_GAIN_PCT    \
                 ",gain_per_tco,weighted_throughput_per_s," SIM_COL_PARETO     \
                 "," SIM_COL_FASTEST ",best_value,estimated\n"
#define SIM_PURCHASE_HEADER                                                    \
  SIM_COL_OPTION                                                               \
  ",n_options," SIM_COL_PRICE ",yearly_cost,horizon_years," SIM_COL_TCO        \
  ",cost_per_year,power_w," SIM_COL_WEIGHTED_LATENCY_S                         \
  ",gain_s," SIM_COL_GAIN_PCT ",gain_per_tco,gain_per_price,"                  \
  "gain_per_year_cost,weighted_throughput_per_s," SIM_COL_PARETO               \
  ",estimated,within_budget,sweep_points," SIM_COL_POINTS_FASTEST              \
  ",mean_gain_s," SIM_COL_MEAN_GAIN_PCT "\n"

/* best.csv per tier, beside the placement: + tier name */
#define SIM_COL_SYSTEM "system."
#define SIM_COL_FIRST_LAYER "first_layer."
#define SIM_COL_LAST_LAYER "last_layer."

/* sensitivity.csv */
#define SIM_COL_PARAMETER "parameter"
#define SIM_COL_BASE "base"
#define SIM_COL_LOW_VALUE "low_value"
#define SIM_COL_HIGH_VALUE "high_value"
#define SIM_COL_BEST_LOW_S "best_low_s"
#define SIM_COL_BEST_BASE_S "best_base_s"
#define SIM_COL_BEST_HIGH_S "best_high_s"
#define SIM_SENSITIVITY_HEADER                                                 \
  SIM_COL_PARAMETER "," SIM_COL_BASE "," SIM_COL_LOW_VALUE                     \
                    "," SIM_COL_HIGH_VALUE "," SIM_COL_BEST_LOW_S              \
                    "," SIM_COL_BEST_BASE_S "," SIM_COL_BEST_HIGH_S            \
                    ",effect_s\n"

/* sim.csv (the load simulation, docs/simulation.md): point, one column per
 * sweep axis, then these, util.<system> per shared system and
 * util.<tier a>-<tier b> per link, then placement, idle_latency_s and
 * status. */
#define SIM_COL_POLICY "policy"
#define SIM_COL_GROUP "group"
#define SIM_COL_OFFERED_RPS "offered_rps"
#define SIM_COL_LATENCY_P99_S "latency_p99_s"
#define SIM_COL_DEADLINE_MISS_RATIO "deadline_miss_ratio"
#define SIM_COL_UTIL "util." /* + system or "<tier a>-<tier b>" */
#define SIM_COL_IDLE_LATENCY_S "idle_latency_s"
#define SIM_COL_STATUS "status"
#define SIM_STATUS_OK "ok"
#define SIM_SIM_HEADER_MID                                                     \
  SIM_COL_POLICY                                                               \
  "," SIM_COL_GROUP "," SIM_COL_MODEL "," SIM_COL_OFFERED_RPS                  \
  ",throughput_rps,completed,dropped,latency_mean_s,"                          \
  "latency_mean_ci95_s,latency_p50_s,latency_p95_s," SIM_COL_LATENCY_P99_S     \
  "," SIM_COL_DEADLINE_MISS_RATIO
#define SIM_SIM_HEADER_END                                                     \
  SIM_COL_PLACEMENT "," SIM_COL_IDLE_LATENCY_S "," SIM_COL_STATUS "\n"

/* sim_cdf.csv */
#define SIM_COL_QUANTILE "quantile"
#define SIM_SIM_CDF_HEADER                                                     \
  SIM_COL_POINT "," SIM_COL_POLICY "," SIM_COL_GROUP "," SIM_COL_MODEL         \
                "," SIM_COL_QUANTILE "," SIM_COL_LATENCY_S "\n"

/* replay.csv (sim_replay_out.c; docs/traces.md), then one column per
 * sweep axis; replay_charts.csv; replay_series_<k>.csv (time_s,
 * bandwidth_mbps, then latency_s_<policy> and link_mb_<policy> per
 * policy). */
#define SIM_COL_TRACE "trace"
#define SIM_REPLAY_HEADER                                                      \
  SIM_COL_TRACE "," SIM_COL_POLICY "," SIM_COL_MODEL                           \
                ",requests,latency_mean_s,latency_p50_s,latency_p95_s,"        \
                "latency_p99_s,deadline_miss_ratio,switches,regret_mean_s,"    \
                "bandwidth_mean_mbps,placements"
#define SIM_COL_CHART "chart"
#define SIM_COL_FILE "file"
#define SIM_REPLAY_CHARTS_HEADER                                               \
  SIM_COL_CHART "," SIM_COL_TRACE "," SIM_COL_MODEL "," SIM_COL_FILE "\n"
#define SIM_COL_TIME_S "time_s"
#define SIM_COL_BANDWIDTH_MBPS "bandwidth_mbps"
#define SIM_COL_LATENCY_S_OF "latency_s_" /* + policy */
#define SIM_COL_LINK_MB_OF "link_mb_"     /* + policy */

#endif
