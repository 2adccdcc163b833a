// `decree run`'s output a case at a time: each case is evaluated and written whole (text, --brief,
// --format json or jsonl) before the next is read, so memory does not grow with the number of
// cases; what the end needs (the sections the cases cite, for `sources` and --sources) is
// gathered as it goes. A refused case is reported at its place while the others are written,
// and the run ends with exit 2 and the count.
#include "cli/run_stream.hpp"

#include <cstdio>
#include <filesystem>
#include <functional>
#include <optional>
#include <set>
#include <string>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "dsl/input_file.hpp"
#include "engine/case_load.hpp"
#include "engine/case_stream.hpp"
#include "engine/explain/because.hpp"
#include "engine/population.hpp"
#include "engine/history.hpp"
#include "engine/render_jsonl.hpp"
#include "engine/render_sources.hpp"
#include "engine/render_text.hpp"
#include "engine/trace.hpp"

namespace decree::cli {

namespace {

void put(std::string_view s) { std::fwrite(s.data(), 1, s.size(), stdout); }

}  // namespace

struct RunWriter::State {
  const Prepared& prep;
  const StreamArgs args;  // a copy: the caller's may be a temporary
  engine::EvalOptions options;
  engine::TextOptions text;
  std::optional<engine::JsonlWriter> jsonl;
  std::optional<engine::TraceWriter> json;
  engine::CaseCitations cited;
  engine::CaseEvaluation ev;  // reused from case to case
  std::optional<engine::CaseExplainer> explainer;  // for the text trace, reused from case to case
  std::string text_out;                            // the same
  std::size_t written = 0;
  bool begun = false;
  State(const Prepared& p, const StreamArgs& a) : prep(p), args(a), cited(p.library) {}
};

RunWriter::RunWriter(const Prepared& prep, const StreamArgs& args) : state_(std::make_unique<State>(prep, args)) {
  auto& s = *state_;
  s.options.trace = !args.brief;
  s.options.explore = !args.brief;
  s.text.color = use_color(stdout);
  s.text.explain = engine::explain_level(args.explain);
  if (args.format == "jsonl") s.jsonl.emplace(*prep.policy, args.brief);
  if (args.format == "json") s.json.emplace(*prep.policy, args.brief, json_indent() > 0);
  if (!s.jsonl && !s.json && !args.brief) s.explainer.emplace(*prep.policy);
}

RunWriter::~RunWriter() = default;

std::size_t RunWriter::written() const { return state_->written; }

void RunWriter::begin() {
  auto& s = *state_;
  if (s.begun) return;
  s.begun = true;
  if (s.jsonl) put(s.jsonl->header());
  else if (s.json) put(s.json->open());
  else put(engine::render_policy_line(*s.prep.policy, s.text) + "\n");
}

void RunWriter::add(const engine::Case& c) {
  auto& s = *state_;
  begin();
  const auto& policy = *s.prep.policy;
  engine::evaluate_case(policy, c, s.options, s.ev);
  const engine::CaseEvaluation& ev = s.ev;
  if (s.jsonl) {
    put(s.jsonl->line(ev));
  } else if (s.json) {
    put(s.json->next(ev));
  } else if (s.args.brief) {
    put(engine::render_brief(policy, ev, s.text));
  } else {
    std::string& out = s.text_out;
    out.clear();
    if (s.written > 0) out += '\n';
    engine::render_case(out, policy, ev, s.text, *s.explainer);
    out += engine::render_history(policy, ev);
    put(out);
  }
  if (s.json || s.args.sources) s.cited.add(c);
  ++s.written;
}

void RunWriter::end() {
  auto& s = *state_;
  if (!s.begun) return;
  if (s.json) {
    const auto cited = engine::cited_sections(*s.prep.policy, s.prep.library, s.cited);
    if (cited.empty()) {
      put(s.json->close());
    } else {
      const auto sources = engine::sources_json(s.prep.library, cited);
      const auto documents = engine::documents_json(s.prep.library, cited);
      put(s.json->close(&sources, &documents));
    }
  } else if (!s.jsonl && s.args.sources) {
    put("\n" + engine::render_cited_sections(s.prep.library,
                                             engine::cited_sections(*s.prep.policy, s.prep.library, s.cited)));
  }
}

SplitInputs split_inputs(const std::vector<std::string>& paths) {
  namespace fs = std::filesystem;
  SplitInputs out;
  for (const auto& path : paths) {
    std::error_code ec;
    const bool folder = fs::is_directory(path, ec);
    const auto files = folder ? engine::case_files({path}) : std::vector<std::string>{};
    if (files.empty()) {
      (!folder && engine::is_population_file(path) ? out.population_paths : out.case_paths).push_back(path);
      continue;
    }
    for (const auto& f : files) (engine::is_population_file(f) ? out.population_paths : out.case_paths).push_back(f);
  }
  return out;
}

std::optional<std::vector<std::string>> streamable_files(const std::vector<std::string>& paths) {
  namespace fs = std::filesystem;
  for (const auto& path : paths) {
    std::error_code ec;
    if (fs::is_directory(path, ec) && engine::case_files({path}).empty()) return std::nullopt;
  }
  auto files = engine::case_files(paths);
  if (files.empty()) return std::nullopt;
  return files;
}

StreamTotals stream_case_files(const std::vector<std::string>& files, const ast::Policy& policy,
                               const std::function<void(const engine::Case&)>& on_case, bool print) {
  StreamTotals totals;
  auto on_problems = [&totals, print](const std::vector<Diagnostic>& diagnostics, const SourceSet& sources) {
    for (const auto& d : diagnostics) {
      if (d.severity == Severity::Error) ++totals.errors;
      else if (d.severity == Severity::Warning) ++totals.warnings;
    }
    if (!print) return;
    std::fflush(stdout);
    print_diagnostics(diagnostics, sources);
  };
  engine::SeenIds ids;
  std::set<std::string> with_errors;  // the files counted in rejected_files, as places show them
  for (std::size_t i = 0; i < files.size(); ++i) {
    const std::string& file = files[i];
    ids.set_more_files(i + 1 < files.size());  // a household's head may be in a later file
    auto r = engine::stream_cases(file, policy, ids, on_case, on_problems);
    if (r.errors) {
      ++totals.rejected_files;
      with_errors.insert(dsl::shown_name(file));
    }
    for (const auto& earlier : r.errors_in_earlier_files)  // members whose head never came
      if (with_errors.insert(earlier).second) ++totals.rejected_files;
    totals.rejected_cases += r.rejected;
    totals.cases += r.cases;
  }
  return totals;
}

std::string problem_counts(const StreamTotals& totals) {
  std::string out;
  if (totals.errors > 0) out += fmt::format("{} error{}", totals.errors, totals.errors == 1 ? "" : "s");
  if (totals.warnings > 0)
    out += fmt::format("{}{} warning{}", out.empty() ? "" : ", ", totals.warnings, totals.warnings == 1 ? "" : "s");
  return out;
}

std::string rejected_line(const StreamTotals& totals, std::size_t done, const char* done_word) {
  std::string line = fmt::format("{} file{} rejected", totals.rejected_files, totals.rejected_files == 1 ? "" : "s");
  if (totals.rejected_cases > 0)
    line += fmt::format(" ({} case{} with errors)", totals.rejected_cases, totals.rejected_cases == 1 ? "" : "s");
  line += fmt::format(", {} case{} {}", done, done == 1 ? "" : "s", done_word);
  return line;
}

int run_streamed(const Prepared& prep, const StreamArgs& args) {
  if (args.format != "text" && args.format != "json" && args.format != "jsonl") return -1;
  const auto files = streamable_files(args.cases);
  if (!files) return -1;

  // The output begins with the first valid case: when there is none, nothing is written.
  RunWriter writer(prep, args);
  const StreamTotals totals = stream_case_files(*files, *prep.checked, [&](const engine::Case& c) { writer.add(c); });
  writer.end();
  if (writer.written() == 0) {
    if (totals.rejected_files > 0)
      fmt::print(stderr, "{}; no case is valid, so nothing was evaluated\n", problem_counts(totals));
    else
      fmt::print(stderr, "error: no cases found in {}\n", fmt::join(args.cases, ", "));
    return kExitBadInput;
  }
  if (totals.rejected_files == 0) return kExitOk;
  std::fflush(stdout);
  fmt::print(stderr, "{}\n", rejected_line(totals, writer.written(), "evaluated"));
  return kExitBadInput;
}

}  // namespace decree::cli
