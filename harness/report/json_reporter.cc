// The canonical report: {"context": {...}, "baseline_theory": ..., "null_theories": [...],
// "leaderboard": [...] (one row per theory, in ranking order), "ranking": {...} (tie groups,
// entries, pairwise comparisons, Bradley-Terry check), "tracks": [...] (the same per realism),
// "validation": [...] (home cells), "cells": [...], "curve_notes": [...], "joint_fits":
// [{"target", "fit"}] (the joint (N, D) fits, harness/runner/joint_cell.h)}. Other formats can be
// produced from it; its schema changes bump ReportContext::json_schema_version.
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
    j["null_theories"] = board.null_theories;
    j["leaderboard"] = rows;
    j["ranking"] = ToJson(board.ranking);
    nlohmann::json tracks = nlohmann::json::array();
    for (const Ranking& track : board.tracks) tracks.push_back(ToJson(track));
    j["tracks"] = tracks;
    nlohmann::json validation = nlohmann::json::array();
    for (const Cell& cell : board.cells) {
      if (!cell.home) continue;
      validation.push_back({{"theory", cell.theory},
                            {"target", cell.target},
                            {"axis", ToString(cell.axis)},
                            {"scored", cell.scored()},
                            {"validated", cell.scored() && cell.validated},
                            {"result", internal::ValidationText(cell)}});
    }
    j["validation"] = validation;
    j["cells"] = cells;
    nlohmann::json notes = nlohmann::json::array();
    for (const CurveNote& note : board.notes) notes.push_back(ToJson(note));
    j["curve_notes"] = notes;
    nlohmann::json joint = nlohmann::json::array();
    for (const JointFitNote& note : board.joint_fits) {
      joint.push_back({{"target", note.target}, {"fit", ToJson(note.fit)}});
    }
    j["joint_fits"] = joint;
    out << j.dump(2) << "\n";
    return static_cast<bool>(out);
  }
};

}  // namespace

std::unique_ptr<LeaderboardReporter> internal::MakeJsonReporter() {
  return std::make_unique<JsonReporter>();
}

}  // namespace scalebench
