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
#include <string>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "engine/case_load.hpp"
#include "engine/case_stream.hpp"
#include "engine/history.hpp"
#include "engine/render_jsonl.hpp"
#include "engine/render_sources.hpp"
#include "engine/render_text.hpp"
#include "engine/trace.hpp"

namespace decree::cli {

namespace {

bool is_jsonl_name(const std::string& path) {
  return path.size() > 6 && path.compare(path.size() - 6, 6, ".jsonl") == 0;
}

void put(std::string_view s) { std::fwrite(s.data(), 1, s.size(), stdout); }

// One case file a case at a time: JSON Lines line by line; another file loaded whole, then its
// problems printed and its cases handed on, an id used in an earlier file refused at its place.
engine::StreamedFile stream_file(const std::string& file, const ast::Policy& policy, engine::SeenIds& ids,
                                 const std::function<void(const engine::Case&)>& on_case,
                                 const std::function<void(const std::vector<Diagnostic>&, const SourceSet&)>& on_problems) {
  if (is_jsonl_name(file)) return engine::stream_jsonl_cases(file, policy, ids, on_case, on_problems);
  engine::StreamedFile result;
  SourceSet sources;
  auto loaded = engine::load_cases(file, policy, sources);
  std::vector<bool> keep(loaded.cases.size(), true);
  for (std::size_t i = 0; i < loaded.cases.size(); ++i) {
    const auto& c = loaded.cases[i];
    if (auto first = ids.first_or_add(c.id, c.loc)) {
      Diagnostic d = make_error("case.duplicate-id", c.loc, fmt::format("the case id `{}` is used twice", c.id),
                                "each case needs an id of its own");
      d.notes.push_back({*first, "first used here"});
      loaded.diagnostics.push_back(std::move(d));
      keep[i] = false;
      ++loaded.rejected;
    }
  }
  result.rejected = loaded.rejected;
  for (const auto& d : loaded.diagnostics) result.errors = result.errors || d.severity == Severity::Error;
  if (!loaded.diagnostics.empty()) on_problems(loaded.diagnostics, sources);
  for (std::size_t i = 0; i < loaded.cases.size(); ++i)
    if (keep[i]) {
      ++result.cases;
      on_case(loaded.cases[i]);
    }
  return result;
}

}  // namespace

struct RunWriter::State {
  const Prepared& prep;
  const StreamArgs& args;
  engine::EvalOptions options;
  engine::TextOptions text;
  std::optional<engine::JsonlWriter> jsonl;
  std::optional<engine::TraceWriter> json;
  engine::CaseCitations cited;
  std::size_t written = 0;
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
}

RunWriter::~RunWriter() = default;

std::size_t RunWriter::written() const { return state_->written; }

void RunWriter::begin() {
  auto& s = *state_;
  if (s.jsonl) put(s.jsonl->header());
  else if (s.json) put(s.json->open());
  else put(engine::render_policy_line(*s.prep.policy, s.text) + "\n");
}

void RunWriter::add(const engine::Case& c) {
  auto& s = *state_;
  const auto& policy = *s.prep.policy;
  const engine::CaseEvaluation ev = engine::evaluate_case(policy, c, s.options);
  if (s.jsonl) {
    put(s.jsonl->line(ev));
  } else if (s.json) {
    put(s.json->next(ev));
  } else if (s.args.brief) {
    put(engine::render_brief(policy, ev, s.text));
  } else {
    std::string out = s.written > 0 ? "\n" : "";
    out += engine::render_case(policy, ev, s.text);
    out += engine::render_history(policy, ev);
    put(out);
  }
  if (s.json || s.args.sources) s.cited.add(c);
  ++s.written;
}

void RunWriter::end() {
  auto& s = *state_;
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
                               const std::function<void(const engine::Case&)>& on_case) {
  StreamTotals totals;
  auto on_problems = [&totals](const std::vector<Diagnostic>& diagnostics, const SourceSet& sources) {
    for (const auto& d : diagnostics) {
      if (d.severity == Severity::Error) ++totals.errors;
      else if (d.severity == Severity::Warning) ++totals.warnings;
    }
    std::fflush(stdout);
    print_diagnostics(diagnostics, sources);
  };
  engine::SeenIds ids;
  for (const auto& file : files) {
    auto r = stream_file(file, policy, ids, on_case, on_problems);
    if (r.errors) ++totals.rejected_files;
    totals.rejected_cases += r.rejected;
    totals.cases += r.cases;
  }
  return totals;
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
  const auto files = engine::case_files(args.cases);
  if (files.empty()) return -1;
  for (const auto& f : files)
    if (!is_jsonl_name(f)) return -1;

  RunWriter writer(prep, args);
  writer.begin();
  const StreamTotals totals = stream_case_files(files, *prep.checked, [&](const engine::Case& c) { writer.add(c); });
  writer.end();
  if (totals.rejected_files == 0) return kExitOk;
  std::fflush(stdout);
  fmt::print(stderr, "{}\n", rejected_line(totals, writer.written(), "evaluated"));
  return kExitBadInput;
}

}  // namespace decree::cli
