#include "harness/cli/list_commands.h"

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>

#include "datasets/probes/probe_info.h"
#include "harness/cli/commands.h"
#include "harness/cli/probe_commands.h"
#include "harness/report/table.h"
#include "harness/targets/language.h"
#include "harness/targets/target.h"
#include "harness/targets/transformer_lm.h"
#include "theories/theory.h"

namespace scalebench {
namespace {

std::string Family(const std::string& theory) {
  return theory.substr(0, theory.find('/'));
}

void ListTheories(std::ostream& out) {
  Table table({"theory", "family", "axes", "inputs", "citation"});
  for (const std::string& name : TheoryRegistry::Global().Names()) {
    const TheoryInfo& info = *TheoryRegistry::Global().Find(name);
    std::string inputs = JoinList(info.inputs, [](Property p) { return ToString(p); });
    for (Series s : info.series_inputs)
      inputs += (inputs.empty() ? "" : ", ") + std::string(ToString(s));
    for (Property p : info.optional_inputs) {
      inputs += (inputs.empty() ? "" : ", ") + std::string(ToString(p)) + " (optional)";
    }
    table.AddRow({name,
                  Family(name),
                  JoinList(info.axes, [](Axis a) { return ToString(a); }),
                  inputs.empty() ? "-" : inputs,
                  info.citation});
  }
  out << "Theories (" << TheoryRegistry::Global().Names().size() << ")\n";
  table.Print(out);
}

void ListTargets(std::ostream& out) {
  Table table({"target", "suites", "realism", "family", "home of", "exact exponents", "summary"});
  for (const std::string& name : TargetRegistry::Global().Names()) {
    std::string error;
    auto target = TargetRegistry::Global().Create(name, &error);
    if (!target) continue;  // cannot happen for a listed name
    const TargetInfo info = target->Info();
    std::string exact;
    for (const auto& [axis, value] : info.exact_exponents) {
      exact +=
          (exact.empty() ? "" : ", ") + std::string(ToString(axis)) + " " + FormatNumber(value, 4);
    }
    const auto same = [](const std::string& s) { return s; };
    table.AddRow({name,
                  JoinList(info.suites, same),
                  ToString(info.realism),
                  info.dataset_family,
                  info.home_theories.empty() ? "-" : JoinList(info.home_theories, same),
                  exact.empty() ? "-" : exact,
                  info.summary});
  }
  out << "Targets (" << TargetRegistry::Global().Names().size() << ")\n";
  table.Print(out);
}

void ListProperties(std::ostream& out) {
  Table properties({"property", "unit", "description"});
  for (Property p : AllProperties()) properties.AddRow({ToString(p), Unit(p), Describe(p)});
  out << "Properties (scalars a profile may hold)\n";
  properties.Print(out);
  Table series({"series", "description"});
  for (Series s : AllSeries()) series.AddRow({ToString(s), Describe(s)});
  out << "\nSeries (raw arrays a profile may hold)\n";
  series.Print(out);
}

void ListProbes(std::ostream& out) {
  // datasets/probes/probe_info.h: each probe's own declaration (not a registry: targets call
  // probes directly).
  const std::vector<ProbeInfo> probes = AllProbes();
  Table table({"probe", "reads", "method", "fills", "header"});
  for (const ProbeInfo& probe : probes) {
    std::string fills = JoinList(probe.properties, [](Property p) { return ToString(p); });
    for (Series s : probe.series) fills += (fills.empty() ? "" : ", ") + std::string(ToString(s));
    table.AddRow(
        {probe.name, probe.reads, probe.method, fills.empty() ? "-" : fills, probe.header});
  }
  out << "Probes (" << probes.size() << ")\n";
  table.Print(out);
  ListProbeKinds(out);
}

bool WriteInt32(const std::filesystem::path& path,
                const std::vector<int>& tokens,
                std::ostream& err) {
  std::ofstream file(path, std::ios::binary);
  file.write(reinterpret_cast<const char*>(tokens.data()),
             static_cast<std::streamsize>(tokens.size() * sizeof(std::int32_t)));
  if (file) return true;
  err << "scalebench export-tokens: cannot write " << path.string() << "\n";
  return false;
}

}  // namespace

int ListCommand(const std::string& what, std::ostream& out, std::ostream& err) {
  const std::vector<std::pair<std::string, void (*)(std::ostream&)>> lists = {
      {"theories", &ListTheories},
      {"targets", &ListTargets},
      {"probes", &ListProbes},
      {"properties", &ListProperties}};
  bool first = true;
  for (const auto& [name, list] : lists) {
    if (!what.empty() && what != name) continue;
    if (!first) out << "\n";
    list(out);
    first = false;
  }
  if (first) {
    err << "scalebench list: unknown list '" << what
        << "'; valid: theories, targets, probes, properties\n";
    return kExitUsage;
  }
  return kExitOk;
}

// ---- export-tokens -------------------------------------------------------------------------

int ExportTokensCommand(const std::string& target,
                        const std::string& directory,
                        std::ostream& out,
                        std::ostream& err) {
  static_assert(sizeof(int) == sizeof(std::int32_t));
  std::string error;
  std::unique_ptr<Target> created = TargetRegistry::Global().Create(target, &error);
  // The targets that read a token corpus: the language and the transformer targets.
  const auto* language = dynamic_cast<const LanguageTarget*>(created.get());
  const auto* transformer = dynamic_cast<const TransformerTarget*>(created.get());
  if (language == nullptr && transformer == nullptr) {
    std::vector<std::string> names;
    for (const std::string& name : TargetRegistry::Global().Names()) {
      if (name.rfind("language/", 0) == 0 || name.rfind("transformer/", 0) == 0) {
        names.push_back(name);
      }
    }
    err << "scalebench export-tokens: '" << target
        << "' is not a language or transformer target. Valid targets: "
        << JoinList(names, [](const std::string& n) { return n; }) << "\n";
    return kExitUsage;
  }
  std::shared_ptr<const TokenCorpus> corpus;
  if (!(language ? language->Corpus(&corpus, &error) : transformer->Corpus(&corpus, &error))) {
    err << "scalebench export-tokens: " << target << ": " << error << "\n";
    return kExitFailure;
  }
  const std::filesystem::path folder(directory);
  std::error_code ec;
  std::filesystem::create_directories(folder, ec);
  if (ec) {
    err << "scalebench export-tokens: cannot create " << directory << ": " << ec.message() << "\n";
    return kExitFailure;
  }
  if (!WriteInt32(folder / "train.i32", corpus->train, err) ||
      !WriteInt32(folder / "validation.i32", corpus->validation, err) ||
      !WriteInt32(folder / "test.i32", corpus->test, err)) {
    return kExitFailure;
  }
  std::ofstream about(folder / "tokens.txt");
  about << "target " << target << "\nvocab_size " << corpus->vocab_size << "\ntrain_tokens "
        << corpus->train.size() << "\nvalidation_tokens " << corpus->validation.size()
        << "\ntest_tokens " << corpus->test.size()
        << "\nformat raw little-endian int32, ids in [0, vocab_size)\ncorpus "
        << corpus->description << "\n";
  out << "wrote " << corpus->train.size() << " training, " << corpus->validation.size()
      << " validation and " << corpus->test.size() << " test tokens of " << target << " (vocab "
      << corpus->vocab_size << ") to " << directory << "\n";
  return kExitOk;
}

}  // namespace scalebench
