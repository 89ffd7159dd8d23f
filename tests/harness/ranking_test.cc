// The verdict's ranking (harness/score/ranking.h through BuildLeaderboard): the claims of issue
// 12 point 2 on synthetic cells, and the pathologies of the old MAE ranking on the committed
// default leaderboard.
#include <catch2/catch.hpp>
#include <cmath>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "harness/score/score.h"
#include "harness/targets/target.h"

namespace scalebench {
namespace {

constexpr char kBaseline[] = "baseline/constant_exponent";

// A cell of `theory` on target "<family>/v<index>" (data axis) measured as `measured` with
// standard error `se`; no prediction: not applicable.
Cell MakeCell(const std::string& theory,
              const std::string& family,
              int index,
              double measured,
              double se,
              std::optional<double> predicted,
              Realism realism = Realism::kToy,
              bool home = false) {
  Cell cell;
  cell.theory = theory;
  cell.family = theory.substr(0, theory.find('/'));
  cell.target = family + "/v" + std::to_string(index);
  cell.dataset_family = family;
  cell.realism = realism;
  cell.home = home;
  cell.fit_status = FitStatus::kConverged;
  cell.measured = measured;
  cell.measured_se = se;
  cell.measured_ci = {measured - 2.776 * se, measured + 2.776 * se};
  if (predicted) {
    cell.status = PredictionStatus::kPredicted;
    cell.predicted.value = *predicted;
  } else {
    cell.status = PredictionStatus::kNotApplicable;
    cell.message = "abstains";
  }
  ScoreCell({}, &cell);
  return cell;
}

// The measured grid: `families` families of `per_family` cells, exponents from `start` in steps.
struct Grid {
  int families = 4;
  int per_family = 5;
  double start = 0.3;
  double step = 0.07;
  double se = 0.02;
  std::string Family(int f) const { return "fam" + std::to_string(f); }
  double Measured(int f, int i) const { return start + step * (f * per_family + i); }
};

// Adds `theory` on every cell of the grid with prediction predict(measured, family, index).
template <typename Predict>
void AddTheory(const Grid& grid,
               const std::string& theory,
               Predict predict,
               std::vector<Cell>* cells) {
  for (int f = 0; f < grid.families; ++f) {
    for (int i = 0; i < grid.per_family; ++i) {
      const double m = grid.Measured(f, i);
      cells->push_back(MakeCell(theory, grid.Family(f), i, m, grid.se, predict(m, f, i)));
    }
  }
}

const TheoryRow& Row(const Leaderboard& board, const std::string& theory) {
  for (const TheoryRow& row : board.rows) {
    if (row.theory == theory) return row;
  }
  FAIL("no row for " << theory);
  return board.rows.front();
}

const PairComparison& Pair(const Leaderboard& board, const std::string& a, const std::string& b) {
  for (const PairComparison& p : board.ranking.pairs) {
    if (p.a == a && p.b == b) return p;
  }
  FAIL("no pair " << a << " / " << b);
  return board.ranking.pairs.front();
}

std::size_t Position(const Leaderboard& board, const std::string& theory) {
  for (std::size_t i = 0; i < board.rows.size(); ++i) {
    if (board.rows[i].theory == theory) return i;
  }
  return board.rows.size();
}

TEST_CASE(
    "ranking: a theory exact on 1 cell that abstains elsewhere does not outrank one "
    "accurate on 20 cells including that one",
    "[unit][score]") {
  const Grid grid;  // 4 families x 5 cells
  std::vector<Cell> cells;
  AddTheory(
      grid, "acc/twenty", [](double m, int, int) { return m + 0.03; }, &cells);
  AddTheory(
      grid,
      "exact/one",
      [](double m, int f, int i) { return f == 0 && i == 0 ? std::optional(m) : std::nullopt; },
      &cells);
  AddTheory(
      grid, kBaseline, [](double, int, int) { return 0.5; }, &cells);
  const Leaderboard board = BuildLeaderboard(cells, LeaderboardOptions());

  const TheoryRow& exact = Row(board, "exact/one");
  const TheoryRow& accurate = Row(board, "acc/twenty");
  // By the old rule (MAE over each theory's own cells) the one-cell theory wins.
  REQUIRE(exact.mean_abs_error < accurate.mean_abs_error);
  CHECK(accurate.ranking.standing == Standing::kRanked);
  CHECK(accurate.ranking.rank == 1);
  CHECK(accurate.ranking.cells == 20);
  CHECK(accurate.ranking.families == 4);
  CHECK(exact.ranking.standing == Standing::kPreliminary);
  CHECK(exact.ranking.rank == 0);
  CHECK(exact.ranking.cells == 1);
  CHECK(Position(board, "acc/twenty") < Position(board, "exact/one"));
  // The one-cell comparison is a single family: no significance either way.
  CHECK(Pair(board, "acc/twenty", "exact/one").better == 0);
}

TEST_CASE("ranking: two theories whose errors differ by less than the measurement noise tie",
          "[unit][score]") {
  Grid grid;
  grid.families = 3;
  grid.per_family = 4;
  grid.start = 1.2;
  grid.step = 0.05;
  grid.se = 0.1;
  std::vector<Cell> cells;
  // Errors 0.01 and 0.03 on every cell: 0.02 apart, a fifth of the measured se.
  AddTheory(
      grid, "a/near", [](double m, int, int) { return m + 0.01; }, &cells);
  AddTheory(
      grid, "b/near", [](double m, int, int) { return m + 0.03; }, &cells);
  // A control far beyond the noise, so that the test can tell a tie from a blind ranking.
  AddTheory(
      grid, "c/far", [](double m, int, int) { return m + 0.6; }, &cells);
  const Leaderboard board = BuildLeaderboard(cells, LeaderboardOptions());

  const PairComparison& ab = Pair(board, "a/near", "b/near");
  CHECK(ab.difference < 0);  // a is closer on every cell ...
  CHECK(ab.better == 0);     // ... but not beyond the noise
  CHECK(Row(board, "a/near").ranking.rank == 1);
  CHECK(Row(board, "b/near").ranking.rank == 1);
  REQUIRE_FALSE(board.ranking.TieGroups().empty());
  CHECK(board.ranking.TieGroups().front() == std::vector<std::string>{"a/near", "b/near"});
  CHECK(Pair(board, "a/near", "c/far").better == -1);
  CHECK(Pair(board, "b/near", "c/far").better == -1);
  CHECK(Row(board, "c/far").ranking.rank == 3);
}

TEST_CASE("ranking: identical predictions give identical standing", "[unit][score]") {
  Grid grid;
  grid.families = 3;
  grid.per_family = 4;
  grid.se = 0.05;
  std::vector<Cell> cells;
  auto same = [](double m, int f, int i) { return m + 0.04 * ((f + i) % 3) - 0.03; };
  AddTheory(grid, "quanta/michaud", same, &cells);
  AddTheory(grid, "quanta/nam", same, &cells);
  // Close to them, so that their comparisons with it sit near the significance threshold.
  AddTheory(
      grid, "other/close", [](double m, int, int i) { return m + 0.02 * i; }, &cells);
  AddTheory(
      grid, kBaseline, [](double, int, int) { return 0.5; }, &cells);
  const Leaderboard board = BuildLeaderboard(cells, LeaderboardOptions());

  const TheoryRow& a = Row(board, "quanta/michaud");
  const TheoryRow& b = Row(board, "quanta/nam");
  CHECK(a.ranking.standing == b.ranking.standing);
  CHECK(a.ranking.rank == b.ranking.rank);
  CHECK(a.ranking.beats == b.ranking.beats);
  CHECK(a.ranking.beaten_by == b.ranking.beaten_by);
  CHECK(a.ranking.weighted_abs_error == b.ranking.weighted_abs_error);
  CHECK(a.ranking.consistent_share == b.ranking.consistent_share);
  CHECK(a.ranking.bt_strength == b.ranking.bt_strength);
  CHECK(a.ranking.bt_rank == b.ranking.bt_rank);
  CHECK(a.nulls_not_beaten == b.nulls_not_beaten);
  const PairComparison& between = Pair(board, "quanta/michaud", "quanta/nam");
  CHECK(between.difference == 0.0);
  CHECK(between.better == 0);
  // Their comparisons with everyone else are the same to the last bit: the bootstrap draws are
  // shared by every pair (common random numbers), not drawn per pair.
  for (const std::string& other : {std::string("other/close"), std::string(kBaseline)}) {
    const bool after = other > "quanta/nam";
    const PairComparison& x =
        after ? Pair(board, "quanta/michaud", other) : Pair(board, other, "quanta/michaud");
    const PairComparison& y =
        after ? Pair(board, "quanta/nam", other) : Pair(board, other, "quanta/nam");
    CHECK(x.difference == y.difference);
    CHECK(x.interval.lower == y.interval.lower);
    CHECK(x.interval.upper == y.interval.upper);
    CHECK(x.share_a_closer == y.share_a_closer);
    CHECK(x.better == y.better);
  }
}

TEST_CASE("ranking: a constant plug-in with negative skill does not rank above the baseline",
          "[unit][score]") {
  SECTION("worse than the baseline in every family: ranked below it") {
    Grid grid;
    grid.start = 0.6;  // 0.6 .. 1.93: 0.3 is 0.2 further off on every cell
    std::vector<Cell> cells;
    AddTheory(
        grid, kBaseline, [](double, int, int) { return 0.5; }, &cells);
    AddTheory(
        grid, "test/constant_0.3", [](double, int, int) { return 0.3; }, &cells);
    const Leaderboard board = BuildLeaderboard(cells, LeaderboardOptions());
    const TheoryRow& constant = Row(board, "test/constant_0.3");
    REQUIRE(constant.skill < 0);
    CHECK(constant.ranking.rank == 2);
    CHECK(Row(board, kBaseline).ranking.rank == 1);
    CHECK(constant.nulls_not_beaten == std::vector<std::string>{kBaseline});
  }
  SECTION("better in one family of four: a tie, listed after the baseline") {
    Grid grid;
    grid.start = 0.2;  // the first family (0.2 .. 0.48) favours 0.3, the others 0.5
    std::vector<Cell> cells;
    AddTheory(
        grid, "test/constant_0.3", [](double, int, int) { return 0.3; }, &cells);
    AddTheory(
        grid, kBaseline, [](double, int, int) { return 0.5; }, &cells);
    const Leaderboard board = BuildLeaderboard(cells, LeaderboardOptions());
    const TheoryRow& constant = Row(board, "test/constant_0.3");
    REQUIRE(constant.skill < 0);
    CHECK(constant.ranking.rank >= Row(board, kBaseline).ranking.rank);
    CHECK(Position(board, kBaseline) < Position(board, "test/constant_0.3"));
    CHECK(constant.nulls_not_beaten == std::vector<std::string>{kBaseline});
  }
}

TEST_CASE("ranking: a difference seen in one dataset family is never significant",
          "[unit][score]") {
  Grid grid;
  grid.families = 1;
  grid.per_family = 12;
  std::vector<Cell> cells;
  AddTheory(
      grid, "a/good", [](double m, int, int) { return m; }, &cells);
  AddTheory(
      grid, "b/bad", [](double m, int, int) { return m + 1.0; }, &cells);
  const Leaderboard board = BuildLeaderboard(cells, LeaderboardOptions());
  const PairComparison& pair = Pair(board, "a/good", "b/bad");
  CHECK(pair.share_a_closer == 1.0);  // a is closer in every replicate ...
  CHECK(pair.better == 0);            // ... of a single family
  CHECK(Row(board, "a/good").ranking.standing == Standing::kPreliminary);
}

TEST_CASE("ranking: theories sharing no cell with the main group are not comparable",
          "[unit][score]") {
  Grid grid;
  std::vector<Cell> cells;
  AddTheory(
      grid, kBaseline, [](double, int, int) { return 0.5; }, &cells);
  AddTheory(
      grid, "k/main", [](double m, int, int) { return m; }, &cells);
  // Two theories alone on two targets nobody else measures.
  for (const char* theory : {"island/a", "island/b"}) {
    for (int i = 0; i < 12; ++i) {
      cells.push_back(MakeCell(theory, "island" + std::to_string(i % 2), i, 1.0, 0.01, 1.1));
    }
  }
  const Leaderboard board = BuildLeaderboard(cells, LeaderboardOptions());
  CHECK(Row(board, "island/a").ranking.standing == Standing::kNotComparable);
  CHECK(Row(board, "island/b").ranking.standing == Standing::kNotComparable);
  CHECK(Row(board, "island/a").ranking.rank == 0);
  CHECK(Row(board, "k/main").ranking.standing == Standing::kRanked);
  CHECK(Position(board, "k/main") < Position(board, "island/a"));
}

TEST_CASE("ranking: home cells are validation only, never ranked", "[unit][score]") {
  Grid grid;
  std::vector<Cell> cells;
  AddTheory(
      grid, kBaseline, [](double, int, int) { return 0.5; }, &cells);
  AddTheory(
      grid, "k/away", [](double m, int, int) { return m + 0.02; }, &cells);
  // Exact on its home family, 0.3 off elsewhere.
  for (int f = 0; f < grid.families; ++f) {
    for (int i = 0; i < grid.per_family; ++i) {
      const double m = grid.Measured(f, i);
      cells.push_back(MakeCell(
          "k/home", grid.Family(f), i, m, grid.se, f == 0 ? m : m + 0.3, Realism::kToy, f == 0));
    }
  }
  const Leaderboard board = BuildLeaderboard(cells, LeaderboardOptions());
  const TheoryRow& home = Row(board, "k/home");
  CHECK(home.home_cells == 5);
  CHECK(home.home_validated == 5);
  CHECK(home.ranking.cells == 15);  // away cells only
  CHECK(home.ranking.families == 3);
  CHECK_THAT(home.ranking.weighted_abs_error, Catch::Matchers::WithinAbs(0.3, 1e-12));
  CHECK(Row(board, "k/away").ranking.rank < home.ranking.rank);
}

TEST_CASE("ranking: one ranking per track, on that track's away cells", "[unit][score]") {
  std::vector<Cell> cells;
  for (int i = 0; i < 4; ++i) {
    const Realism realism = i < 2 ? Realism::kExact : Realism::kRealData;
    for (const std::string& theory : {std::string(kBaseline), std::string("k/x")}) {
      const double prediction = theory == kBaseline ? 0.5 : 1.0;
      cells.push_back(MakeCell(theory, "f" + std::to_string(i), 0, 1.0, 0.01, prediction, realism));
    }
  }
  const Leaderboard board = BuildLeaderboard(cells, LeaderboardOptions());
  REQUIRE(board.tracks.size() == 2);
  CHECK(board.tracks[0].track == "exact");
  CHECK(board.tracks[1].track == "real_data");
  REQUIRE(board.tracks[0].Find("k/x") != nullptr);
  CHECK(board.tracks[0].Find("k/x")->cells == 2);
  CHECK(board.ranking.Find("k/x")->cells == 4);
}

TEST_CASE("ranking: Bradley-Terry disagreements are reported", "[unit][score]") {
  // a wins one family by a wide margin, b the two others narrowly (beyond their se): the mean
  // |err| favours a, the count of wins b.
  std::vector<Cell> cells;
  for (int f = 0; f < 3; ++f) {
    for (int i = 0; i < 4; ++i) {
      const std::string family = "fam" + std::to_string(f);
      const double a_error = f == 0 ? 0.0 : 0.06;
      const double b_error = f == 0 ? 5.0 : 0.05;
      cells.push_back(MakeCell("t/a", family, i, 1.0, 0.001, 1.0 + a_error));
      cells.push_back(MakeCell("t/b", family, i, 1.0, 0.001, 1.0 + b_error));
    }
  }
  const Leaderboard board = BuildLeaderboard(cells, LeaderboardOptions());
  CHECK(Row(board, "t/a").ranking.rank == 1);
  CHECK(Row(board, "t/b").ranking.rank == 2);
  CHECK(Row(board, "t/b").ranking.bt_rank == 1);
  CHECK(board.ranking.bt_disagreements ==
        std::vector<std::string>{"t/a above t/b by rank, below by Bradley-Terry"});
}

TEST_CASE("ranking: the result depends on the seed, not on the order of the cells",
          "[unit][score]") {
  Grid grid;
  std::vector<Cell> cells;
  AddTheory(
      grid, kBaseline, [](double, int, int) { return 0.5; }, &cells);
  AddTheory(
      grid, "k/a", [](double m, int, int i) { return m + 0.01 * i; }, &cells);
  AddTheory(
      grid, "k/b", [](double m, int f, int) { return m - 0.01 * f; }, &cells);
  const Leaderboard one = BuildLeaderboard(cells, LeaderboardOptions());
  std::reverse(cells.begin(), cells.end());
  const Leaderboard two = BuildLeaderboard(cells, LeaderboardOptions());
  REQUIRE(one.ranking.pairs.size() == two.ranking.pairs.size());
  for (std::size_t i = 0; i < one.ranking.pairs.size(); ++i) {
    CHECK(one.ranking.pairs[i].interval.lower == two.ranking.pairs[i].interval.lower);
    CHECK(one.ranking.pairs[i].share_a_closer == two.ranking.pairs[i].share_a_closer);
  }
  LeaderboardOptions other_seed;
  other_seed.ranking.seed = 7;
  const Leaderboard three = BuildLeaderboard(cells, other_seed);
  CHECK(three.ranking.pairs[0].interval.lower != one.ranking.pairs[0].interval.lower);
}

TEST_CASE("RankingOptions::IsValid names the field", "[unit][score]") {
  std::string error;
  RankingOptions options;
  CHECK(options.IsValid(&error));
  options.confidence = 1.0;
  CHECK_FALSE(options.IsValid(&error));
  CHECK(error == "RankingOptions.confidence = 1.000000 must be in (0, 1)");
  options = RankingOptions();
  options.min_cells = 0;
  CHECK_FALSE(options.IsValid(&error));
  CHECK(error == "RankingOptions.min_cells = 0 must be >= 1");
  LeaderboardOptions board;
  board.ranking.bootstrap_resamples = -1;
  CHECK_FALSE(board.IsValid(&error));
  CHECK(error ==
        "LeaderboardOptions.ranking: RankingOptions.bootstrap_resamples = -1 must be >= 0");
}

// ------------------------------------------------- the committed default leaderboard, re-ranked

// The cells of results/leaderboard.json as Cells, with realism, family and home from the target
// registry (files written before the verdict lack them) and the fit's se when the file has it.
std::vector<Cell> CommittedCells() {
  std::ifstream in(std::string(SCALEBENCH_SOURCE_DIR) + "/results/leaderboard.json");
  REQUIRE(in.good());
  const nlohmann::json j = nlohmann::json::parse(in);
  auto number = [](const nlohmann::json& x) {
    return x.is_number() ? x.get<double>() : std::nan("");
  };
  std::vector<Cell> cells;
  for (const auto& c : j.at("cells")) {
    Cell cell;
    cell.theory = c.at("theory");
    cell.family = c.at("family");
    cell.target = c.at("target");
    REQUIRE(FromString(c.at("axis").get<std::string>(), &cell.axis));
    std::string error;
    auto target = TargetRegistry::Global().Create(cell.target, &error);
    REQUIRE(target != nullptr);
    const TargetInfo info = target->Describe();
    cell.realism = info.realism;
    cell.dataset_family = info.dataset_family;
    cell.home = std::count(info.home_theories.begin(), info.home_theories.end(), cell.theory) > 0;
    const std::string status = c.at("status");
    cell.status = status == "predicted"        ? PredictionStatus::kPredicted
                  : status == "not_applicable" ? PredictionStatus::kNotApplicable
                                               : PredictionStatus::kFailed;
    if (cell.status == PredictionStatus::kPredicted) {
      cell.predicted.value = c.at("predicted").at("value");
    }
    cell.fit_status =
        c.at("fit_status") == "converged" ? FitStatus::kConverged : FitStatus::kNotIdentifiable;
    cell.measured = number(c.at("measured"));
    cell.measured_ci = {number(c.at("measured_ci").at("lower")),
                        number(c.at("measured_ci").at("upper"))};
    if (c.contains("measured_se")) cell.measured_se = number(c.at("measured_se"));
    ScoreCell({}, &cell);
    cells.push_back(cell);
  }
  return cells;
}

TEST_CASE(
    "ranking: the committed default leaderboard, re-ranked, has neither pathology of "
    "the MAE ranking",
    "[unit][score]") {
  std::vector<Cell> cells = CommittedCells();
  // The trivial plug-in: the constant 0.3 on every cell the baseline has.
  std::vector<Cell> constant;
  for (const Cell& cell : cells) {
    if (cell.theory != kBaseline) continue;
    Cell c = cell;
    c.theory = "test/constant_0.3";
    c.family = "test";
    c.predicted.value = 0.3;
    ScoreCell({}, &c);
    constant.push_back(c);
  }
  cells.insert(cells.end(), constant.begin(), constant.end());
  const LeaderboardOptions options;
  const Leaderboard board = BuildLeaderboard(cells, options);

  const TheoryRow& zero_three = Row(board, "test/constant_0.3");
  const TheoryRow& baseline = Row(board, kBaseline);
  INFO("constant 0.3: skill " << zero_three.skill << ", rank " << zero_three.ranking.rank
                              << "; baseline rank " << baseline.ranking.rank);
  REQUIRE(zero_three.skill < 0);  // negative skill, as in the issue
  CHECK(Position(board, kBaseline) < Position(board, "test/constant_0.3"));
  if (zero_three.ranking.standing == Standing::kRanked) {
    CHECK(zero_three.ranking.rank >= baseline.ranking.rank);
  }
  // Narrow coverage no longer wins: whoever is ranked was compared on enough cells and
  // families, and nobody preliminary sits above a ranked theory.
  bool seen_unranked = false;
  for (const TheoryRow& row : board.rows) {
    CAPTURE(row.theory);
    if (row.ranking.standing == Standing::kRanked) {
      CHECK_FALSE(seen_unranked);
      CHECK(row.ranking.cells >= options.ranking.min_cells);
      CHECK(row.ranking.families >= options.ranking.min_families);
    } else {
      seen_unranked = true;
      CHECK(row.ranking.rank == 0);
    }
  }
}

}  // namespace
}  // namespace scalebench
