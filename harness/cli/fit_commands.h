// `scalebench fit` and `scalebench predict`: a user's learning-curve CSV fitted (single-axis or
// joint), a user's profile JSON given to the theories. See commands.h for the conventions.
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace scalebench {

struct FitCommandOptions {
  std::string file;
  std::optional<std::string> form;  // single-axis only
  std::optional<double> fixed_offset;
  std::optional<double> min_size;
  std::optional<double> max_size;
  int bootstrap = 1000;
  std::uint64_t seed = 1;
  std::optional<double> huber_delta;  // unset: the form's default (FitOptions / JointFitOptions)
  int threads = 1;
  // Joint (N, D) fits only: the FLOPs C at which to report N*, D* and D*/N*
  // (JointFitOptions::compute).
  std::optional<double> compute;
  bool json = false;
};
int FitCommand(const FitCommandOptions& options, std::ostream& out, std::ostream& err);

struct PredictCommandOptions {
  std::string profile;
  std::vector<std::string> theories;  // empty: all
  std::optional<std::string> axis;    // unset: the file's "axis", else data
  std::vector<double> sizes;          // empty: the file's "sizes"
  bool json = false;                  // print the predictions as JSON (like fit --json)
};
int PredictCommand(const PredictCommandOptions& options, std::ostream& out, std::ostream& err);

}  // namespace scalebench
