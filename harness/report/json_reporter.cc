// The canonical report: {"context": {...}, "baseline_theory": ..., "leaderboard": [...],
// "cells": [...], "curve_notes": [...]}. Other formats can be produced from it; its schema changes
// bump ReportContext::json_schema_version.
#include <nlohmann/json.hpp>

#include "harness/report/json_convert.h"
#include "harness/report/reporters_internal.h"

namespace scalebench {
namespace {

class JsonReporter final : public LeaderboardReporter {
 public:
  bool Report(const ReportContext& context,
              const Leaderboard& board,
              std::ostream& out) const override {
    nlohmann::json rows = nlohmann::json::array();
    for (const TheoryRow& row : board.rows) rows.push_back(ToJson(row));
    nlohmann::json cells = nlohmann::json::array();
    for (const Cell& cell : board.cells) cells.push_back(ToJson(cell));
    // Key order is insertion order (ordered_json) so that "context" opens the file.
    nlohmann::ordered_json j;
    j["context"] = ToJson(context);
    j["baseline_theory"] = board.baseline_theory;
    j["leaderboard"] = rows;
    j["cells"] = cells;
    nlohmann::json notes = nlohmann::json::array();
    for (const CurveNote& note : board.notes) notes.push_back(ToJson(note));
    j["curve_notes"] = notes;
    out << j.dump(2) << "\n";
    return static_cast<bool>(out);
  }
};

}  // namespace

std::unique_ptr<LeaderboardReporter> internal::MakeJsonReporter() {
  return std::make_unique<JsonReporter>();
}

}  // namespace scalebench
