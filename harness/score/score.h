// Scoring: one Cell per theory x target x axis, aggregated into a Leaderboard.
//
// A cell compares a theory's a-priori exponent with the exponent fitted to the target's measured
// learning curve. "Not applicable" cells count towards coverage only; failed cells are shown as
// errors; scores are computed over predicted cells whose fit is usable.
#pragma once

#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "harness/fit/power_law_fit.h"
#include "harness/targets/target_info.h"
#include "theories/theory.h"

namespace scalebench {

struct Cell {
  std::string theory;
  std::string family;
  std::string target;
  Axis axis = Axis::kData;
  // Where the cell was measured, from the target's TargetInfo.
  Realism realism = Realism::kToy;
  std::string dataset_family;
  bool home = false;  // the target is the model this theory was derived on (validation only)

  // The theory's side.
  PredictionStatus status = PredictionStatus::kFailed;
  std::string message;                  // reason (n/a, failed) or the theory's note
  Estimate predicted;                   // exponent, valid when status == kPredicted
  std::vector<double> predicted_curve;  // empty unless the theory predicts a curve

  // The same theory on the target's oracle profile (its generating parameters), when the target
  // has one: |oracle - measured| is the theory's own error, |predicted - oracle| the probes'.
  bool has_oracle = false;
  PredictionStatus oracle_status = PredictionStatus::kNotApplicable;
  std::string oracle_message;
  Estimate oracle_predicted;
  std::vector<double> oracle_curve;

  // The measured side (fit of the target's curve).
  FitStatus fit_status = FitStatus::kFailed;
  double measured = std::numeric_limits<double>::quiet_NaN();
  Interval measured_ci;
  std::optional<double> exact;  // analytically known exponent (exact targets)

  // Scores, valid when scored() is true.
  double abs_error = std::numeric_limits<double>::quiet_NaN();
  bool inside_ci = false;
  // Mean |log(predicted / measured mean loss)| over the sizes; set when the theory gave a curve.
  std::optional<double> curve_error;

  double predict_seconds = 0.0;

  bool scored() const {
    return status == PredictionStatus::kPredicted && fit_status == FitStatus::kConverged;
  }
};

// Fills abs_error, inside_ci and curve_error from the other fields.
// `measured_mean_loss` is the measured mean loss at each size of the design (same order as the
// predicted curve), used for the curve error.
void ScoreCell(const std::vector<double>& measured_mean_loss, Cell* cell);

struct TheoryRow {
  std::string theory;
  std::string family;
  int cells_total = 0;       // cells of this theory in the run
  int cells_applicable = 0;  // predicted (not n/a); failed cells are applicable but unscored
  int cells_scored = 0;      // predicted with a usable fit
  int cells_failed = 0;
  double coverage = 0.0;  // cells_applicable / cells_total
  double mean_abs_error = std::numeric_limits<double>::quiet_NaN();
  double inside_ci_share = std::numeric_limits<double>::quiet_NaN();
  // 1 - MAE(theory) / MAE(baseline) over the cells both scored; NaN without common cells.
  double skill = std::numeric_limits<double>::quiet_NaN();
  double mean_curve_error = std::numeric_limits<double>::quiet_NaN();  // over cells with a curve
  int rank = 0;  // 1 = best mean_abs_error; unranked (0) when nothing was scored
};

// A quantity recorded beside the loss on one measured curve (a CurveDiagnostic with in_report),
// shown next to the curve's measured exponent as its seed mean at each size; e.g. whether the
// superposition toy reached the regime its optimizer declares. Never scored.
struct CurveNote {
  std::string target;
  Axis axis = Axis::kData;
  std::string name;
  std::string description;
  std::vector<double> sizes;
  std::vector<double> means;
};

struct Leaderboard {
  std::string baseline_theory;  // the theory skill is measured against
  std::vector<Cell> cells;
  std::vector<TheoryRow> rows;   // sorted by rank, unranked last
  std::vector<CurveNote> notes;  // in measurement order; not part of the ranking
};

// Aggregates cells into rows and ranks them (by mean absolute exponent error).
Leaderboard BuildLeaderboard(std::vector<Cell> cells, const std::string& baseline_theory);

}  // namespace scalebench
