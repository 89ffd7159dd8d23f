// The memorizer: the learner of Hutter's (2021) memorization model. It stores the label of every
// feature it has seen and answers a feature it has never seen wrongly, so its 0-1 test error
// after a training stream is the total probability of the features not in the stream,
//   E(D) = sum_i p_i 1[feature i not among the first D samples],
// computed exactly from the set of seen features (no test sample, no test noise).
//
// Usage:
//   std::vector<std::int64_t> stream = ...;             // features of the training samples
//   auto p = [](std::int64_t i) { return ...; };         // p_i, summing to 1 over all features
//   std::vector<double> errors;
//   MemorizerErrorCurve(stream, p, {100, 1000}, &errors, &error);  // E at D = 100, 1000
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace scalebench {

// `sizes`: increasing prefix lengths D (each <= stream.size()); errors[j] = 1 - (mass of the
// distinct features among stream[0, sizes[j])). Features are >= 1. False with a reason when a
// size is out of range or not increasing, or a feature is < 1.
bool MemorizerErrorCurve(const std::vector<std::int64_t>& stream,
                         const std::function<double(std::int64_t)>& probability,
                         const std::vector<std::int64_t>& sizes,
                         std::vector<double>* errors,
                         std::string* error);

}  // namespace scalebench
