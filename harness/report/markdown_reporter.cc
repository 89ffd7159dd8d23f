// Markdown report (results/LEADERBOARD.md): provenance header, the ranked table, then one table
// per measured curve (target x axis) with the measured exponent, its CI and fit status.
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
    out << "## Ranking\n\n";
    internal::RankTable(board).PrintMarkdown(out);
    out << "\nMAE: mean |predicted - measured| exponent over scored cells. Coverage: cells where "
           "the theory applies / cells. Inside CI: share of scored predictions inside the "
           "measured 95% CI. Skill: 1 - MAE / MAE(baseline) over the cells both scored. Curve "
           "err: mean |log(predicted / measured loss)| over sizes.\n\n";
    out << "## Cells\n";
    Cells(board, out);
    return static_cast<bool>(out);
  }

 private:
  static void Header(const ReportContext& c, const Leaderboard& board, std::ostream& out) {
    out << "# scalebench leaderboard\n\n"
        << "- Date: " << c.date << "\n"
        << "- Commit: `" << c.git_commit << "`\n"
        << "- Suite: " << c.suite << "\n"
        << "- Host: " << c.host << (c.build_type.empty() ? "" : " (" + c.build_type + " build)")
        << ", " << FormatNumber(c.seconds, 1) << " s\n"
        << "- Config hash: `" << c.config_hash << "`\n"
        << "- Reproduce: `" << c.command << "`\n";
    if (!board.baseline_theory.empty())
      out << "- Skill baseline: " << board.baseline_theory << "\n";
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

  static void Cells(const Leaderboard& board, std::ostream& out) {
    // board.cells is sorted by target, axis, theory: each run of equal (target, axis) is a curve.
    std::size_t i = 0;
    while (i < board.cells.size()) {
      const Cell& first = board.cells[i];
      out << "\n### " << first.target << " (" << ToString(first.axis) << " axis)\n\n"
          << "Measured exponent: " << FormatWithInterval(first.measured, first.measured_ci)
          << " (95% CI), fit " << ToString(first.fit_status);
      if (first.exact) out << "; exact exponent: " << FormatNumber(*first.exact);
      out << "\n\n";
      Notes(board, first.target, first.axis, out);
      Table table({"theory", "predicted [interval]", "|err|", "inside CI", "curve err", "status"});
      for (; i < board.cells.size() && board.cells[i].target == first.target &&
             board.cells[i].axis == first.axis;
           ++i) {
        const Cell& c = board.cells[i];
        const bool predicted = c.status == PredictionStatus::kPredicted;
        std::string status = CellStatusText(c);
        if (c.scored() && !c.message.empty()) status += " (" + c.message + ")";
        table.AddRow({c.theory,
                      predicted ? FormatEstimate(c.predicted) : "-",
                      FormatNumber(c.abs_error),
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
