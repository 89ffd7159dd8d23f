// Markdown report (results/LEADERBOARD.md): provenance header, the ranking (overall and per
// track) with its tie groups, the validation table of home cells, the oracle split, the pairwise
// comparisons, the joint (N, D) fits, then one table per measured curve (target x axis) with the
// measured exponent, its CI and fit status.
#include <cmath>
#include <map>
#include <tuple>

#include "harness/report/reporters_internal.h"
#include "harness/report/table.h"

namespace scalebench {
namespace {

class MarkdownReporter final : public LeaderboardReporter {
 public:
  bool Report(const ReportContext& context,
              const Leaderboard& board,
              std::ostream& out) const override {
    Header(context, board, out);
    Ranking(board, out);
    Validation(board, out);
    Oracle(board, out);
    out << "## Pairwise comparisons (away cells)\n\n";
    internal::PairTable(board.ranking).PrintMarkdown(out);
    out << "\n|err| a - b: family-weighted mean of |err(a)| - |err(b)| on the cells both "
           "predicted (negative: a is closer), with its bootstrap interval; a closer: share of "
           "bootstrap replicates in which a is closer.\n\n";
    JointFits(board, out);
    out << "## Cells\n";
    Cells(board, out);
    return static_cast<bool>(out);
  }

 private:
  static void Header(const ReportContext& c, const Leaderboard& board, std::ostream& out) {
    out << "# scalebench leaderboard\n\n"
        << "- Date: " << c.date << "\n"
        << "- Commit: `" << c.git_commit << "`" << (c.git_dirty ? " (uncommitted changes)" : "")
        << "\n"
        << "- Suite: " << c.suite << "\n"
        << "- Host: " << c.host << (c.build_type.empty() ? "" : " (" + c.build_type + " build)")
        << ", " << FormatNumber(c.seconds, 1) << " s\n"
        << "- Config hash: `" << c.config_hash << "`\n"
        << "- Reproduce: `" << c.command << "`\n";
    if (!board.baseline_theory.empty())
      out << "- Skill baseline: " << board.baseline_theory << "\n";
    out << "\n";
  }

  static void Ranking(const Leaderboard& board, std::ostream& out) {
    const scalebench::Ranking& ranking = board.ranking;
    out << "## Ranking\n\n";
    internal::RankTable(board).PrintMarkdown(out);
    out << "\nTie groups: " << internal::TieGroupText(ranking) << ".\n\n"
        << internal::RankingLegend(ranking) << "\n\n";
    if (ranking.bt_disagreements.empty()) {
      out << "Bradley-Terry check: agrees with the ranks.\n\n";
    } else {
      out << "Bradley-Terry check: disagrees with the ranks:\n\n";
      for (const auto& line : ranking.bt_disagreements) out << "- " << line << "\n";
      out << "\n";
    }
    out << "leaderboard.json and cells.csv also carry, per theory, the MAE over every scored "
           "cell (home included), the inside-CI share, the skill against "
        << board.baseline_theory
        << " (1 - MAE / its MAE on the cells both scored), the mean 95% interval score and the "
           "curve error.\n\n";
    for (const scalebench::Ranking& track : board.tracks) {
      out << "### Track: " << track.track << "\n\n";
      internal::TrackTable(track).PrintMarkdown(out);
      out << "\nTie groups: " << internal::TieGroupText(track) << ".\n\n";
    }
  }

  static void Validation(const Leaderboard& board, std::ostream& out) {
    out << "## Validation on home targets (never ranked)\n\n"
        << "A target is the home of the theories derived on its model; there a prediction is an "
           "implementation check. Pass: inside the measured 95% CI, or within the target's "
           "stated finite-size allowance.\n\n";
    const Table table = internal::ValidationTable(board);
    if (table.empty()) {
      out << "No home cell in this run.\n\n";
      return;
    }
    table.PrintMarkdown(out);
    std::vector<std::pair<std::string, std::string>> reasons;  // target, reason
    for (const Cell& c : board.cells) {
      if (!c.home || c.allowance_reason.empty()) continue;
      if (reasons.empty() || reasons.back().first != c.target)
        reasons.push_back({c.target, c.allowance_reason});
    }
    if (!reasons.empty()) out << "\nAllowances:\n\n";
    for (const auto& [target, reason] : reasons) out << "- " << target << ": " << reason << "\n";
    out << "\n";
  }

  static void Oracle(const Leaderboard& board, std::ostream& out) {
    const Table theories = internal::OracleTheoryTable(board);
    if (theories.empty()) return;
    out << "## Oracle vs measured profile\n\n"
        << "Where a target knows its generating parameters, every theory also predicts from them "
           "(the oracle profile). Theory error = |oracle prediction - measured|: the theory's own "
           "miss. Estimation error = |prediction from the probes - oracle prediction|: what the "
           "probes cost.\n\n";
    theories.PrintMarkdown(out);
    out << "\n";
    internal::OracleCellTable(board).PrintMarkdown(out);
    out << "\n";
  }

  // The curve's diagnostics (seed means per size), one column each, then what each one means.
  static void Notes(const Leaderboard& board,
                    const std::string& target,
                    Axis axis,
                    std::ostream& out) {
    std::vector<const CurveNote*> notes;
    for (const CurveNote& n : board.notes) {
      if (n.target == target && n.axis == axis) notes.push_back(&n);
    }
    if (notes.empty()) return;
    std::vector<std::string> header = {"size"};
    for (const CurveNote* n : notes) header.push_back(n->name);
    Table table(header);
    for (std::size_t i = 0; i < notes.front()->sizes.size(); ++i) {
      std::vector<std::string> row = {FormatNumber(notes.front()->sizes[i], 0)};
      for (const CurveNote* n : notes)
        row.push_back(i < n->means.size() ? FormatNumber(n->means[i]) : "-");
      table.AddRow(row);
    }
    out << "Recorded beside the loss (seed means):\n\n";
    table.PrintMarkdown(out);
    out << "\n";
    for (const CurveNote* n : notes) out << "- `" << n->name << "`: " << n->description << "\n";
    out << "\n";
  }

  // Measured only: no theory predicts a and b yet.
  static void JointFits(const Leaderboard& board, std::ostream& out) {
    if (board.joint_fits.empty()) return;
    out << "## Joint (N, D) fits (measured, not scored)\n\n" << internal::kJointFitLegend << "\n\n";
    internal::JointFitTable(board).PrintMarkdown(out);
    out << "\n";
  }

  static void Cells(const Leaderboard& board, std::ostream& out) {
    // board.cells is sorted by target, axis, theory: each run of equal (target, axis) is a curve.
    std::size_t i = 0;
    while (i < board.cells.size()) {
      const Cell& first = board.cells[i];
      out << "\n### " << first.target << " (" << ToString(first.axis) << " axis)\n\n"
          << "Measured exponent: " << FormatWithInterval(first.measured, first.measured_ci)
          << " (95% CI), fit " << ToString(first.fit_status);
      if (first.exact) out << "; exact exponent: " << FormatNumber(*first.exact);
      if (!std::isnan(first.measured_se)) out << "; se " << FormatNumber(first.measured_se);
      out << "; track " << ToString(first.realism) << ", dataset family " << DatasetFamilyOf(first)
          << "\n\n";
      Notes(board, first.target, first.axis, out);
      Table table(
          {"theory", "predicted [interval]", "|err|", "z", "inside CI", "curve err", "status"});
      for (; i < board.cells.size() && board.cells[i].target == first.target &&
             board.cells[i].axis == first.axis;
           ++i) {
        const Cell& c = board.cells[i];
        const bool predicted = c.status == PredictionStatus::kPredicted;
        std::string status = CellStatusText(c);
        if (c.scored() && !c.message.empty()) status += " (" + c.message + ")";
        table.AddRow({c.theory + (c.home ? " (home)" : ""),
                      predicted ? FormatEstimate(c.predicted) : "-",
                      FormatNumber(c.abs_error),
                      FormatNumber(c.z, 2),
                      c.scored() ? (c.inside_ci ? "yes" : "no") : "-",
                      FormatNumber(c.curve_error),
                      status});
      }
      table.PrintMarkdown(out);
    }
  }
};

}  // namespace

std::unique_ptr<LeaderboardReporter> internal::MakeMarkdownReporter() {
  return std::make_unique<MarkdownReporter>();
}

}  // namespace scalebench
