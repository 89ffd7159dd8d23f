// JSON forms of the harness's result types, shared by the json reporter and `scalebench fit
// --json`. NaN becomes null; optional values that are unset become null.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include "harness/fit/joint_fit.h"
#include "harness/report/reporter.h"
#include "harness/score/score.h"

namespace scalebench {

nlohmann::json ToJson(const ReportContext& context);
nlohmann::json ToJson(const TheoryRow& row);
nlohmann::json ToJson(const RankEntry& entry);
nlohmann::json ToJson(const PairComparison& pair);
nlohmann::json ToJson(const Ranking& ranking);
nlohmann::json ToJson(const Cell& cell);
nlohmann::json ToJson(const CurveNote& note);
nlohmann::json ToJson(const FitSummary& summary);
nlohmann::json ToJson(const JointFitSummary& summary);

}  // namespace scalebench
