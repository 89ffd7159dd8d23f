// The history store's rows: the column lists of the runs, cells and fits tables and the
// conversions between them and RunInfo, Cell and FitRecord. Enum columns are stored by name. Not
// part of the public API (harness/store/history_store.h is).
#pragma once

#include "harness/store/history_store.h"
#include "harness/store/internal_sqlite.h"

namespace scalebench::internal {

inline constexpr const char* kCellColumns =
    "theory, family, target, axis, status, message, predicted, predicted_lower, predicted_upper, "
    "measured, measured_lower, measured_upper, exact, fit_status, abs_error, inside_ci, "
    "curve_error, predict_seconds, realism, dataset_family, home, has_oracle, oracle_status, "
    "oracle_message, oracle_predicted, oracle_lower, oracle_upper";
inline constexpr const char* kFitColumns =
    "target, axis, form, offset_fixed, exponent, exponent_lower, exponent_upper, confidence, "
    "offset, amplitude, status, message, fit_min_size, fit_max_size, num_sizes, num_seeds, "
    "num_points, rms_log_residual, seconds, cache_key, from_cache, interval_method";
inline constexpr const char* kRunColumns =
    "id, started_at, finished_at, git_commit, config_hash, suite, command, host, baseline_theory, "
    "seconds, status, git_dirty, error";

// Binds every column of kCellColumns (in order) after the statement's earlier bindings.
void BindCell(const Cell& c, Statement* s);
// Reads a cell whose kCellColumns start at column `first`.
Cell ReadCell(const Statement& s, int first);
// Binds every column of kFitColumns (in order) after the statement's earlier bindings.
void BindFit(const FitRecord& f, Statement* s);
// Reads a fit selected with kFitColumns.
FitRecord ReadFit(const Statement& s);
// Reads a run selected with kRunColumns.
RunInfo ReadRunInfo(const Statement& s);

}  // namespace scalebench::internal
