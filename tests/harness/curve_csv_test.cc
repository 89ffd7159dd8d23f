#include "harness/io/curve_csv.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <sstream>

#include "test_util.h"

namespace scalebench {
namespace {

using Catch::Matchers::Contains;
using namespace std::string_literals;

// Parses `text` as "t.csv"; returns the error ("" on success).
std::string ParseError(const std::string& text, CurveCsv* out = nullptr) {
  CurveCsv local;
  std::istringstream in(text);
  std::string error;
  if (ParseCurveCsv(in, "t.csv", out ? out : &local, &error)) return "";
  return error;
}

TEST_CASE("ReadCurveCsv: the good fixture becomes a sorted curve with seeds as columns") {
  CurveCsv csv;
  std::string error;
  REQUIRE(ReadCurveCsv(testing::DataPath("good_curve.csv"), &csv, &error));
  CHECK_FALSE(csv.joint);
  CHECK(csv.curve.sizes == std::vector<double>{100, 200, 400, 800, 1600, 3200});
  CHECK(csv.curve.seeds == std::vector<std::uint64_t>{1, 2, 3});
  CHECK(csv.curve.values[0][0] == Approx(2.51));
  CHECK(csv.curve.values[0][1] == Approx(2.4925));
  std::string invalid;
  CHECK(csv.curve.IsValid(&invalid));
}

TEST_CASE("ParseCurveCsv: unsorted rows, missing runs as NaN, extra columns ignored") {
  CurveCsv csv;
  REQUIRE(ParseError("loss,seed,size,note\n1.0,7,400,x\n3.0,7,100,y\n2.0,7,200,z\n2.1,9,200,w\n",
                     &csv) == "");
  CHECK(csv.curve.sizes == std::vector<double>{100, 200, 400});
  CHECK(csv.curve.seeds == std::vector<std::uint64_t>{7, 9});
  CHECK(csv.curve.values[1][1] == 2.1);
  CHECK(std::isnan(csv.curve.values[0][1]));  // seed 9 has no size 100
}

TEST_CASE("ParseCurveCsv: joint N,D columns give points") {
  CurveCsv csv;
  CurveCsv from_file;
  std::string error;
  REQUIRE(ReadCurveCsv(testing::DataPath("joint_curve.csv"), &from_file, &error));
  CHECK(from_file.joint);
  CHECK(from_file.points.size() == 25);
  REQUIRE(ParseError("N,D,loss\n1,10,5\n2,20,4\n3,30,3\n", &csv) == "");
  REQUIRE(csv.points.size() == 3);
  CHECK(csv.points[1].params == 2);
  CHECK(csv.points[1].data == 20);
  CHECK(csv.points[1].loss == 4);
}

TEST_CASE("ParseCurveCsv: bad input names file, line, field and what was expected") {
  SECTION("missing column lists the header found") {
    CHECK_THAT(
        ParseError("size,seed,los\n100,1,2\n"),
        Contains("t.csv:1: header: missing column 'loss'") && Contains("found 'size,seed,los'"));
  }
  SECTION("text in a number field") {
    CHECK(ParseError("size,seed,loss\n100,1,2\n200,1,abc\n") ==
          "t.csv:3: field 'loss': 'abc' is not a number");
  }
  SECTION("NaN and inf") {
    CHECK_THAT(ParseError("size,seed,loss\n100,1,nan\n"),
               Contains("t.csv:2: field 'loss': 'nan' is not a finite number"));
    CHECK_THAT(ParseError("size,seed,loss\ninf,1,2\n"),
               Contains("t.csv:2: field 'size': 'inf' is not a finite number"));
  }
  SECTION("non-positive size or loss") {
    CHECK_THAT(ParseError("size,seed,loss\n0,1,2\n"),
               Contains("t.csv:2: field 'size': 0 must be positive"));
    CHECK_THAT(ParseError("size,seed,loss\n10,1,-2\n"),
               Contains("t.csv:2: field 'loss': -2 must be positive"));
  }
  SECTION("fewer than 3 distinct sizes") {
    CHECK_THAT(ParseError("size,seed,loss\n100,1,2\n100,2,2\n200,1,1\n"),
               Contains("only 2 distinct size value(s); a fit needs at least 3"));
    CHECK_THAT(ParseError("N,D,loss\n1,10,5\n1,20,4\n1,30,3\n"), Contains("only 1 distinct N"));
  }
  SECTION("duplicate (size, seed)") {
    CHECK_THAT(ParseError("size,seed,loss\n100,1,2\n200,1,1\n400,1,1\n200,1,1.1\n"),
               Contains("t.csv:5: duplicate row for size 200, seed 1 (first on line 3)"));
  }
  SECTION("empty file, header only, wrong field count, bad seed") {
    CHECK_THAT(ParseError(""), Contains("t.csv: empty file"));
    CHECK_THAT(ParseError("size,seed,loss\n"), Contains("no data rows"));
    CHECK_THAT(ParseError("size,seed,loss\n100,1\n"),
               Contains("t.csv:2: expected 3 fields, found 2"));
    CHECK_THAT(ParseError("size,seed,loss\n100,1.5,2\n"),
               Contains("field 'seed': '1.5' is not a non-negative integer"));
  }
}

TEST_CASE("ReadCurveCsv: fixtures of bad input fail and leave the output alone") {
  for (const char* name : {"bad_missing_column.csv",
                           "bad_text_number.csv",
                           "bad_nan.csv",
                           "bad_inf.csv",
                           "bad_nonpositive_size.csv",
                           "bad_two_sizes.csv",
                           "bad_duplicate.csv",
                           "empty.csv",
                           "does_not_exist.csv"}) {
    CAPTURE(name);
    CurveCsv csv;
    csv.curve.sizes = {42};
    std::string error;
    CHECK_FALSE(ReadCurveCsv(testing::DataPath(name), &csv, &error));
    CHECK_THAT(error, Contains(name));
    CHECK(csv.curve.sizes == std::vector<double>{42});  // no partial result
  }
}

TEST_CASE("ParseCurveCsv: a UTF-8 byte-order mark before the header is skipped",
          "[unit][harness]") {
  CurveCsv csv;
  REQUIRE(ParseError("\xEF\xBB\xBFsize,seed,loss\n100,1,0.5\n200,1,0.4\n400,1,0.3\n", &csv) == "");
  CHECK(csv.curve.sizes == std::vector<double>{100, 200, 400});
}

TEST_CASE("ParseCurveCsv: a NUL byte is an error naming its line and column", "[unit][harness]") {
  // strtod stops at the NUL: "0.6\0 55" used to be read as 0.6.
  const std::string inside_number = "size,seed,loss\n100,1,0.6\0 55\n200,1,0.4\n400,1,0.3\n"s;
  CHECK(ParseError(inside_number) == "t.csv:2:10: NUL byte; expected text (is it a binary file?)");
  CHECK_THAT(ParseError("\0size,seed,loss\n"s), Contains("t.csv:1:1: NUL byte"));
  CHECK_THAT(ParseError("size,seed,loss\n100,1,1\n\n# x\0\n"s), Contains("t.csv:4:4: NUL byte"));
}

TEST_CASE("ReadCurveCsv: a directory is named as one", "[unit][harness]") {
  testing::ScratchDir dir;
  CurveCsv csv;
  std::string error;
  CHECK_FALSE(ReadCurveCsv(dir.path().string(), &csv, &error));
  CHECK(error == dir.path().string() + ": is a directory, not a file");
}

}  // namespace
}  // namespace scalebench
