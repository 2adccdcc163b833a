// `decree run` over JSON Lines case files, a case at a time: each case is read, evaluated and
// written before the next is read (engine/case_stream.hpp), so memory does not grow with the
// number of cases (only each id is kept, to refuse one used twice). The output is what the run
// of the same cases loaded whole prints, for text, --brief and --format jsonl; a refused case is
// reported at its place while the others are written, and the run ends with exit 2 and the count.
#include "cli/run_stream.hpp"

#include <cstdio>
#include <string>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "engine/case_stream.hpp"
#include "engine/render_jsonl.hpp"
#include "engine/render_text.hpp"
#include "engine/trace.hpp"

namespace decree::cli {

namespace {

bool is_jsonl_name(const std::string& path) {
  return path.size() > 6 && path.compare(path.size() - 6, 6, ".jsonl") == 0;
}

void put(std::string_view s) { std::fwrite(s.data(), 1, s.size(), stdout); }

}  // namespace

int run_streamed(const Prepared& prep, const StreamArgs& args) {
  if (args.format != "text" && args.format != "jsonl") return -1;
  const auto files = engine::case_files(args.cases);
  if (files.empty()) return -1;
  for (const auto& f : files)
    if (!is_jsonl_name(f)) return -1;

  const auto& policy = *prep.policy;
  engine::EvalOptions options;
  options.trace = !args.brief;
  options.explore = !args.brief;

  engine::TextOptions text;
  text.color = use_color(stdout);
  text.explain = engine::explain_level(args.explain);
  engine::JsonlWriter jsonl(policy, args.brief);
  if (args.format == "jsonl") put(jsonl.header());
  else put(engine::render_policy_line(policy, text) + "\n");

  std::size_t evaluated = 0;
  auto on_case = [&](const engine::Case& c) {
    engine::CaseEvaluation ev = engine::evaluate_case(policy, c, options);
    if (args.format == "jsonl") {
      put(jsonl.line(ev));
    } else if (args.brief) {
      put(engine::render_brief(policy, ev, text));
    } else {
      put((evaluated > 0 ? "\n" : "") + engine::render_case(policy, ev, text));
    }
    ++evaluated;
  };
  auto on_problems = [](const std::vector<Diagnostic>& diagnostics, const SourceSet& sources) {
    std::fflush(stdout);
    print_diagnostics(diagnostics, sources);
  };

  engine::SeenIds ids;
  std::size_t rejected_files = 0, rejected_cases = 0;
  for (const auto& file : files) {
    auto r = engine::stream_jsonl_cases(file, *prep.checked, ids, on_case, on_problems);
    if (r.errors) ++rejected_files;
    rejected_cases += r.rejected;
  }
  if (rejected_files == 0) return kExitOk;
  std::fflush(stdout);
  std::string summary = fmt::format("{} file{} rejected", rejected_files, rejected_files == 1 ? "" : "s");
  if (rejected_cases > 0)
    summary += fmt::format(" ({} case{} with errors)", rejected_cases, rejected_cases == 1 ? "" : "s");
  summary += fmt::format(", {} case{} evaluated", evaluated, evaluated == 1 ? "" : "s");
  fmt::print(stderr, "{}\n", summary);
  return kExitBadInput;
}

}  // namespace decree::cli
