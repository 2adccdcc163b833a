#include "cli/run_summary.hpp"

#include <cstdio>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "cli/evaluation.hpp"
#include "cli/run_stream.hpp"
#include "engine/case_load.hpp"
#include "dsl/input_file.hpp"
#include "engine/inputs.hpp"
#include "engine/population.hpp"
#include "engine/render_json.hpp"
#include "engine/render_text.hpp"
#include "engine/summary.hpp"

namespace decree::cli {

namespace {

// 0, or 2 with the count of what was left out when a case file had errors.
int finish(const StreamTotals& totals, std::uint64_t counted) {
  if (totals.rejected_files == 0) return kExitOk;
  std::fflush(stdout);
  fmt::print(stderr, "{}\n", rejected_line(totals, counted, "counted"));
  return kExitBadInput;
}

}  // namespace

int run_summary(const std::string& policy_path, const std::vector<std::string>& inputs, const std::string& format) {
  Prepared prep;
  if (!prepare_policy(policy_path, prep)) return kExitBadInput;
  const auto& p = *prep.policy;
  // Populations are read first (each is a few lines that draw its cases); case files are read a
  // case at a time, each case counted and let go, so memory does not grow with their cases.
  auto [case_paths, population_paths] = split_inputs(inputs);
  auto in = engine::load_inputs(population_paths, *prep.checked, prep.sources);
  if (!in.diagnostics.empty()) {
    std::fflush(stdout);
    print_diagnostics(in.diagnostics, prep.sources);
  }
  if (has_errors(in.diagnostics)) {
    fmt::print(stderr, "{}; nothing was evaluated\n", count_summary(in.diagnostics));
    return kExitBadInput;
  }

  engine::Summary summary = engine::make_summary(p);
  engine::Outcome outcome;
  std::uint64_t counted = 0;
  StreamTotals totals;
  if (!case_paths.empty()) {
    totals = stream_case_files(engine::case_files(case_paths), *prep.checked, [&](const engine::Case& c) {
      const auto binding = engine::bind(p, c);
      engine::evaluate(p, binding.values, outcome);
      engine::add(summary, p, outcome);
      ++counted;
    });
  }
  for (const auto& population : in.populations) {
    engine::PopulationBinder binder(p, population);
    std::vector<engine::Index> drawn;
    std::vector<engine::Value> facts;
    for (std::uint64_t n = 0; n < population.size; ++n) {
      engine::draw(population, n, drawn);
      binder.fill(drawn, facts);
      engine::evaluate(p, facts, outcome);
      engine::add(summary, p, outcome);
      ++counted;
    }
  }
  if (counted == 0) {
    if (totals.rejected_files > 0) {
      fmt::print(stderr, "{}\n", rejected_line(totals, 0, "counted"));
      return kExitBadInput;
    }
    fmt::print(stderr, "error: no cases found in {}\n", fmt::join(inputs, ", "));
    return kExitBadInput;
  }

  std::vector<std::string> shown;  // `-` as <stdin>
  for (const auto& i : inputs) shown.push_back(dsl::shown_name(i));
  if (format == "json") {
    nlohmann::ordered_json out = {{"schema", "decree.summary/1"},
                          {"policy", engine::policy_json(p)},
                          {"inputs", shown},
                          {"summary", engine::summary_json(p, summary)}};
    fmt::print("{}\n", out.dump(json_indent()));
    return finish(totals, counted);
  }
  engine::TextOptions text;
  text.color = use_color(stdout);
  std::string out = engine::render_policy_line(p, text);
  out += fmt::format("cases: {}\n\n", fmt::join(shown, ", "));
  out += engine::render_summary(p, summary, text.color);
  std::fwrite(out.data(), 1, out.size(), stdout);
  return finish(totals, counted);
}

}  // namespace decree::cli
