// Console report: the ranked leaderboard, then one line per cell.
#include <fmt/core.h>

#include <map>

#include "harness/report/reporters_internal.h"
#include "harness/report/table.h"

namespace scalebench {
namespace {

class ConsoleReporter final : public LeaderboardReporter {
 public:
  bool Report(const ReportContext& context,
              const Leaderboard& board,
              std::ostream& out) const override {
    out << "scalebench leaderboard  suite: " << context.suite << "  commit: " << context.git_commit
        << "  date: " << context.date << "\n";
    if (!board.baseline_theory.empty()) out << "skill is against " << board.baseline_theory << "\n";
    out << "\n";
    internal::RankTable(board).Print(out);
    out << "\n";
    CellTable(board).Print(out);
    return static_cast<bool>(out);
  }

 private:
  static Table CellTable(const Leaderboard& board) {
    Table table({"theory",
                 "target",
                 "axis",
                 "predicted",
                 "measured [CI]",
                 "|err|",
                 "inside",
                 "curve err",
                 "status"});
    for (const Cell& c : board.cells) {
      const bool predicted = c.status == PredictionStatus::kPredicted;
      table.AddRow({c.theory,
                    c.target,
                    ToString(c.axis),
                    predicted ? FormatEstimate(c.predicted) : "-",
                    FormatWithInterval(c.measured, c.measured_ci),
                    FormatNumber(c.abs_error),
                    c.scored() ? (c.inside_ci ? "yes" : "no") : "-",
                    FormatNumber(c.curve_error),
                    CellStatusText(c)});
    }
    return table;
  }
};

}  // namespace

std::unique_ptr<LeaderboardReporter> internal::MakeConsoleReporter() {
  return std::make_unique<ConsoleReporter>();
}

}  // namespace scalebench
