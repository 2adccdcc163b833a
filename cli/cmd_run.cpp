// `decree run POLICY CASES...`: evaluates each case under the policy and prints its outcome with
// the full justification trace (`--format text|json`), or one line per case (`--brief`).
// Exit 0 when every case was evaluated, 1 when a case got no version, 2 when an input was refused.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "cli/installed/search_path.hpp"
#include "cli/common.hpp"
#include "cli/evaluation.hpp"
#include "cli/run_stream.hpp"  // the output a case at a time
#include "cli/run_summary.hpp"  // --summary (counterfactuals)
#include "cli/run_versions.hpp"  // --as-of, several versions
#include "engine/render_json.hpp"
#include "engine/render_sources.hpp"
#include "web/html.hpp"  // --format html

namespace decree::cli {

namespace {

struct RunArgs {
  std::string policy;
  std::vector<std::string> cases;
  std::string format = "text";
  bool brief = false;
  bool summary = false;  // --summary: counts over many cases (cli/run_summary.cpp)
  std::string as_of;     // --as-of: pick the version in force (cli/run_versions.cpp)
  bool drafts = false;
  std::string explain = "short";  // --explain: because | short | full
  bool verbose = false;
  bool sources = false;  // --sources: the cited paragraphs after the traces
};

bool is_policy_path(const std::string& path) {
  return path.size() > 7 && path.compare(path.size() - 7, 7, ".decree") == 0;
}

int run_run(const RunArgs& args) {
  // ---- --summary (owned with cli/run_summary.cpp): counts, no traces; populations accepted.
  if (args.format == "html" && (args.summary || args.brief)) {
    fmt::print(stderr, "decree run: error: --format html draws each case's full trace; leave out {}\n",
               args.summary ? "--summary" : "--brief");
    return kExitBadInput;
  }
  if (args.format == "jsonl" && args.summary) {
    fmt::print(stderr, "decree run: error: --format jsonl writes a line per case; --summary counts them: use --format json\n");
    return kExitBadInput;
  }
  if (args.summary) return run_summary(args.policy, args.cases, args.format);
  // ---- end --summary
  // Several policies (every .decree among the arguments), or --as-of: pick versions by date.
  std::vector<std::string> policies{args.policy};
  std::vector<std::string> cases;
  for (const auto& a : args.cases) (is_policy_path(a) ? policies : cases).push_back(a);
  if (policies.size() > 1 || !args.as_of.empty()) {
    if (args.format == "jsonl") {
      fmt::print(stderr, "decree run: error: --format jsonl writes one policy's traces; name one policy, without --as-of\n");
      return kExitBadInput;
    }
    if (args.format == "html") {
      fmt::print(stderr, "decree run: error: --format html draws one policy's traces; name one policy, without --as-of\n");
      return kExitBadInput;
    }
    VersionRunArgs v{policies, cases, args.as_of, args.drafts, args.brief, args.format, args.explain, args.verbose};
    return run_versions(v);
  }
  Prepared prep;
  CaseOptions case_options;
  case_options.keep_going = true;
  case_options.verbose = args.verbose;
  if (!prepare_policy(args.policy, prep)) return kExitBadInput;
  if (!args.verbose) {  // JSON Lines case files: a case at a time (cli/run_stream.cpp)
    int status = run_streamed(prep, StreamArgs{args.cases, args.format, args.brief, args.explain, args.sources});
    if (status >= 0) return status;
  }
  if (!prepare_cases(args.cases, prep, case_options)) return kExitBadInput;
  const auto& policy = *prep.policy;
  // Every case was evaluated, or the files left out are counted at the end (exit 2).
  auto finish = [&] {
    if (prep.rejected_files == 0) return kExitOk;
    std::fflush(stdout);
    fmt::print(stderr, "{}\n", rejected_summary(prep, prep.cases.size()));
    return kExitBadInput;
  };

  if (args.format == "html") {  // one page holding every case
    engine::EvalOptions options;
    options.trace = true;
    options.explore = true;
    std::vector<engine::CaseEvaluation> evaluations;
    evaluations.reserve(prep.cases.size());
    for (const auto& c : prep.cases) evaluations.push_back(engine::evaluate_case(policy, c, options));
    std::vector<const engine::CaseEvaluation*> list;
    for (const auto& ev : evaluations) list.push_back(&ev);
    nlohmann::ordered_json out = engine::run_json(policy, list);
    std::vector<const engine::Case*> cases;
    for (const auto& c : prep.cases) cases.push_back(&c);
    const auto cited = engine::cited_sections(policy, prep.library, cases);
    if (!cited.empty()) {
      out["sources"] = engine::sources_json(prep.library, cited);
      out["documents"] = engine::documents_json(prep.library, cited);
    }
    fmt::print("{}", web::html_page("run", out, fmt::format("{} — {}", policy.name, policy.title)));
    return finish();
  }
  // Each case evaluated and written whole, one after another (cli/run_stream.cpp).
  RunWriter writer(prep, StreamArgs{args.cases, args.format, args.brief, args.explain, args.sources});
  writer.begin();
  for (const auto& c : prep.cases) writer.add(c);
  writer.end();
  return finish();
}

}  // namespace

Subcommand add_run(CLI::App& root) {
  auto args = std::make_shared<RunArgs>();
  CLI::App* app = root.add_subcommand("run", "Evaluate cases under a policy and show each outcome with its justification");
  app->add_option("policy", args->policy, "The policy (.decree) to apply; more may follow among the cases")->required()->transform(names(NameKind::policy));
  app->add_option("cases", args->cases, "Case files (.yaml, .jsonl, .csv; - for standard input), or folders searched for them (sorted); read a case at a time")->required()->transform(names(NameKind::any));
  app->add_option("--format", args->format,
                  "Output format: text (a tree to read), json (schema decree.trace/1), jsonl (a line per case, "
                  "schema decree.jsonl/1) or html (one self-contained page)")
      ->check(CLI::IsMember({"text", "json", "jsonl", "html"}));
  app->add_flag("--brief", args->brief, "One line per case: each decision's outcome, obligations and flags (with several policies, the versions in a header and why each was picked in footnotes)");
  app->add_option("--explain", args->explain,
                  "How much to explain: because (sentences), short (the deciding rule, the conditions that decided "
                  "and the sentences; the default), full (the whole tree)")
      ->check(CLI::IsMember({"because", "short", "full"}));
  // ---- --summary (owned with cli/run_summary.cpp)
  app->add_flag("--summary", args->summary,
                "Count outcomes over all the cases instead of tracing each; also takes population files "
                "(docs/counterfactuals.md)")
      ->excludes("--brief");
  // ---- end --summary
  app->add_option("--as-of", args->as_of,
                  "Pick, among the policies given, the version in force on this date (YYYY-MM-DD) instead of "
                  "each case's own date");
  app->add_flag("--drafts", args->drafts, "Let drafts be picked by date too (never otherwise)");
  app->add_flag("--verbose", args->verbose, "Also list the files in the folders given that are not case files");
  app->add_flag("--sources", args->sources,
                "After the traces, print the text of every paragraph cited (from the texts the policy's sources name)");
  app->footer(
      "Each decision shows the rule that decided it with the conditions that decided (▸: change one and the\n"
      "outcome changes), the other rules in a line each, and sentences that say why; --explain full shows\n"
      "every condition with its value and where it came from, and, when undetermined, what would settle it.\n"
      "With several policies (e.g. policies/*.decree), each case is run under the version in force on its\n"
      "date (or --as-of), which is named with the reason; where the sources leave it open, it says so and\n"
      "shows each candidate.\n"
      "Exit status: 0 when every case was evaluated; 1 when some case got no version (no date and no\n"
      "--as-of, or no version in force then), with how many; 2 when a policy or a case file was refused:\n"
      "the other files' cases are still evaluated, and the last line counts what was left out\n"
      "(\"1 file rejected, 6 cases evaluated\"). JSON schema: docs/trace-schema.md.");
  return {app, [args] { return run_run(*args); }};
}

}  // namespace decree::cli
