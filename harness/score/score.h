// Scoring: one Cell per theory x target x axis, aggregated into a Leaderboard.
//
// A cell compares a theory's a-priori exponent with the exponent fitted to the target's measured
// learning curve. "Not applicable" cells count towards coverage only; failed cells are shown as
// errors; scores are computed over predicted cells whose fit is usable.
//
// Per cell (ScoreCell):
//   abs_error    |predicted - measured|
//   z            (predicted - measured) / sqrt(se_measured^2 + se_predicted^2)
//   consistent   |z| < 2
//   interval     the 95% interval score of Gneiting & Raftery (2007, eq. 43) of the theory's
//   score        interval [l, u] at the measured exponent x: (u - l) + (2 / 0.05) (l - x)+
//                + (2 / 0.05) (x - u)+; only for theories that give an interval
//   validated    home cells only: inside the measured CI or within the target's stated allowance
//   oracle split theory error |oracle - measured| and estimation error |predicted - oracle|,
//                where the target has an oracle profile
// se_measured is the fit's corrected bootstrap standard error (FitSummary::exponent_std_error),
// the very quantity its CI is built from (alpha +- t_{S-1} se, harness/fit/power_law_fit.h);
// cells that lack it (read back from an old history record) fall back to the CI half-width / 1.96,
// which overstates se by t_{S-1} / 1.96 (1.42 at 5 seeds) and so leans towards "consistent".
// se_predicted reads the theory's interval as a central 95% interval, (u - l) / (2 * 1.96), the
// convention of every theory that gives one (theories/internal/spectral.h); 0 without one.
//
// The leaderboard (BuildLeaderboard) keeps home cells apart (validation, never ranked) and ranks
// the theories on away cells with harness/score/ranking.h.
#pragma once

#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "harness/fit/joint_fit.h"
#include "harness/fit/power_law_fit.h"
#include "harness/score/ranking.h"
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
  std::string dataset_family;  // empty: the ranking uses the target's kind ("<kind>/...")
  bool home = false;  // the target is the model this theory was derived on (validation only)
  // The target's stated finite-size allowance on this axis (TargetInfo::exponent_allowance) and
  // its reason; unset: validation uses the measured CI alone.
  std::optional<double> allowance;
  std::string allowance_reason;

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
  double measured_se = std::numeric_limits<double>::quiet_NaN();  // see the file comment
  IntervalMethod interval_method = IntervalMethod::kNone;         // where measured_ci came from
  std::string fit_diagnosis;    // a not-identifiable fit's FitDiagnosis::Brief(); else empty
  std::optional<double> exact;  // analytically known exponent (exact targets)

  // Scores, valid when scored() is true (see the file comment).
  double abs_error = std::numeric_limits<double>::quiet_NaN();
  bool inside_ci = false;
  double se_measured = std::numeric_limits<double>::quiet_NaN();   // as used in z
  double se_predicted = std::numeric_limits<double>::quiet_NaN();  // 0 without an interval
  double z = std::numeric_limits<double>::quiet_NaN();  // NaN when both se are 0 or unknown
  bool consistent = false;
  std::optional<double> interval_score;
  bool validated = false;  // meaningful for home cells only
  // The oracle split; NaN where either side is missing.
  double theory_error = std::numeric_limits<double>::quiet_NaN();
  double estimation_error = std::numeric_limits<double>::quiet_NaN();
  // Mean |log(predicted / measured mean loss)| over the sizes; set when the theory gave a curve.
  std::optional<double> curve_error;

  double predict_seconds = 0.0;

  bool scored() const {
    return status == PredictionStatus::kPredicted && fit_status == FitStatus::kConverged;
  }
  bool has_predicted_interval() const { return predicted.lower && predicted.upper; }
};

// Fills the scores (abs_error, inside_ci, z, consistent, interval_score, validated, the oracle
// split, curve_error) from the other fields. `measured_mean_loss` is the measured mean loss at
// each size of the design (same order as the predicted curve), used for the curve error.
void ScoreCell(const std::vector<double>& measured_mean_loss, Cell* cell);

// The dataset family a cell is weighted and clustered by: dataset_family, or the target's kind.
std::string DatasetFamilyOf(const Cell& cell);

struct TheoryRow {
  std::string theory;
  std::string family;
  bool is_null = false;      // a null reference (LeaderboardOptions::null_theories)
  int cells_total = 0;       // cells of this theory in the run
  int cells_applicable = 0;  // predicted (not n/a); failed cells are applicable but unscored
  int cells_scored = 0;      // predicted with a usable fit (home and away)
  int cells_failed = 0;
  double coverage = 0.0;  // cells_applicable / cells_total
  // Over every scored cell, home included (the pre-verdict headline number; kept for history).
  double mean_abs_error = std::numeric_limits<double>::quiet_NaN();
  double inside_ci_share = std::numeric_limits<double>::quiet_NaN();
  // 1 - MAE(theory) / MAE(baseline) over the cells both scored; NaN without common cells.
  double skill = std::numeric_limits<double>::quiet_NaN();
  double mean_curve_error = std::numeric_limits<double>::quiet_NaN();  // over cells with a curve
  // Mean 95% interval score over scored cells whose prediction has an interval.
  double mean_interval_score = std::numeric_limits<double>::quiet_NaN();
  int interval_cells = 0;

  // The overall ranking on away cells (ranking.h); standing kUnscored without away cells.
  RankEntry ranking;
  // Nulls this theory does not beat on its own scored cells (home and away): the family-weighted
  // mean |err| difference on the cells both scored is >= 0. `nulls_compared` counts the nulls
  // that share at least one cell with it.
  std::vector<std::string> nulls_not_beaten;
  int nulls_compared = 0;

  // Validation on home cells (never ranked).
  int home_cells = 0;
  int home_scored = 0;
  int home_validated = 0;

  // Oracle split over the cells where both errors are defined.
  int oracle_cells = 0;
  double mean_theory_error = std::numeric_limits<double>::quiet_NaN();
  double mean_estimation_error = std::numeric_limits<double>::quiet_NaN();
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

struct LeaderboardOptions {
  // The theory skill is measured against.
  std::string baseline_theory = "baseline/constant_exponent";
  // Null references: shown on the board and compared with every theory on its own cells.
  std::vector<std::string> null_theories = {"baseline/constant_exponent",
                                            "universality/fixed_exponents"};
  RankingOptions ranking;
  // Also rank within each track (realism) that has away cells.
  bool rank_tracks = true;

  bool IsValid(std::string* error) const;
};

// A target's joint (N, D) fit (harness/runner/joint_cell.h): measured, shown beside the cells,
// never scored (no theory predicts a and b yet).
struct JointFitNote {
  std::string target;
  JointFitSummary fit;
};

struct Leaderboard {
  std::string baseline_theory;  // the theory skill is measured against
  std::vector<std::string> null_theories;
  std::vector<Cell> cells;       // sorted by target, axis, theory
  std::vector<TheoryRow> rows;   // in the order of the overall ranking, unscored last by name
  Ranking ranking;               // overall, on away cells
  std::vector<Ranking> tracks;   // one per realism with away cells, in Realism order
  std::vector<CurveNote> notes;  // in measurement order; not part of the ranking
  std::vector<JointFitNote> joint_fits;  // in measurement order; not part of the ranking
};

// Aggregates cells into rows, ranks them on away cells and keeps home cells for validation.
// Invalid options are a programmer error (checked with IsValid by the caller).
Leaderboard BuildLeaderboard(std::vector<Cell> cells, const LeaderboardOptions& options);
// The same with default options and `baseline_theory` as the skill reference and a null
// (history records).
Leaderboard BuildLeaderboard(std::vector<Cell> cells, const std::string& baseline_theory);

}  // namespace scalebench
