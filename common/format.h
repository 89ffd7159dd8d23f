// Numbers in messages and method strings, on fmt: the one formatting helper of the project.
// The output is printf's ("%.*f", "%.*g") character for character (tests/common pins it), so
// method strings written before fmt read the same.
//
// Usage:
//   "gamma = " + Fixed(gamma, 3)          // "gamma = 0.509"
//   "h = " + Format(h)                    // "h = 0.6013" (4 significant digits)
//   "[" + JoinFixed(entropy, 4) + "]"     // "[4.1000, 3.2000]"
// Anything else: fmt::format directly ("{:.4g}", "{:d}").
#pragma once

#include <string>
#include <vector>

namespace scalebench::internal {

// `value` with `digits` decimals (printf "%.*f").
std::string Fixed(double value, int digits = 3);

// `value` with `digits` significant digits (printf "%.*g"): "1.5", "0.0123", "1.2e+05".
std::string Format(double value, int digits = 4);

// Each value with `digits` decimals, separated by ", ".
std::string JoinFixed(const std::vector<double>& values, int digits);

}  // namespace scalebench::internal
