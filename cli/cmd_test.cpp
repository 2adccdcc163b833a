// `decree test POLICIES... CASES...`: compares each case's outcome under each policy with the
// case's `expect:` block for that policy's name, and prints a readable diff for each mismatch (what was
// expected, what came out and why, where the expectation is written, and the reason the case
// file gives). Beside each case whose `history:` records an outcome, whether the rules agree with
// it (information, never a failure). Reports rule coverage; the last line is always
// `N passed, N failed`.
// Exit 0 when all pass, 1 on any mismatch, 2 on bad input.
#include <algorithm>
#include <cstdio>
#include <memory>
#include <optional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cli/commands.hpp"
#include "cli/installed/search_path.hpp"
#include "cli/common.hpp"
#include "cli/evaluation.hpp"
#include "cli/run_stream.hpp"
#include "dsl/input_file.hpp"
#include "engine/history.hpp"
#include "engine/render_text.hpp"
#include "engine/trace.hpp"

namespace decree::cli {

namespace {

struct TestArgs {
  std::string policy;
  std::vector<std::string> cases;
};

// The special outcomes an expectation may name besides a decision's values.
bool is_status_word(const std::string& w) {
  return w == "undetermined" || w == "conflict" || w == "not_applicable" || w == "no_decision" || w == "outside";
}

std::string set_text(const std::vector<std::string>& v) { return v.empty() ? "none" : fmt::format("{}", fmt::join(v, ", ")); }

std::string where(const SourceLoc& loc) { return loc.known() ? to_string(loc) : loc.file; }

// One mismatch: a decision (or the obligations, or the flags), what was expected, what came out.
struct Problem {
  std::string what;
  SourceLoc loc;  // where the expectation is written
  std::string expected;
  std::string got;
};

// How many ids of cases without an expectation are named (the rest are counted).
constexpr std::size_t kSkippedListed = 50;

class Tester {
 public:
  Tester(const engine::CompiledPolicy& p, bool color) : p_(p), color_(color), applied_(p.rules.size(), false) {}

  std::string out;
  std::size_t passed = 0, failed = 0, skipped = 0;
  std::vector<std::string> skipped_ids;  // the first kSkippedListed of them
  std::map<engine::Agreement, std::size_t> history;  // documented outcomes, by how the rules compare
  std::size_t history_cases = 0;

  void test(const engine::Case& c) {
    engine::EvalOptions options;
    options.explore = false;
    const auto ev = engine::evaluate_case(p_, c, options);
    for (std::size_t r = 0; r < p_.rules.size(); ++r)
      if (ev.outcome.when[r] == engine::Tri::True) applied_[r] = true;

    const engine::Expectation* expect = nullptr;
    for (const auto& e : c.expect)
      if (e.policy == p_.name) expect = &e;
    const std::string history_column = history_of(ev);
    if (expect == nullptr) {
      ++skipped;
      if (skipped_ids.size() < kSkippedListed) skipped_ids.push_back(c.id);
      if (!history_column.empty()) out += fmt::format("--   {}  (no expectation){}\n", c.id, history_column);
      return;
    }

    std::vector<Problem> problems;
    for (const auto& [name, want] : expect->decisions) {
      const engine::Index d = p_.find_decision(name);
      if (d == engine::kNone) {
        problems.push_back({name, want.loc, want.value, fmt::format("(policy {} has no decision `{}`)", p_.name, name)});
        continue;
      }
      const auto& res = ev.outcome.decisions[d];
      const std::string got = engine::outcome_word(p_, d, res);
      const std::string got_by = res.by == engine::kNone ? "" : p_.authorities[res.by].name;
      bool same = got == want.value;
      if (same && want.by && *want.by != got_by) same = false;
      if (same) continue;
      std::string wanted = want.value + (want.by ? " by " + *want.by : "");
      std::string note;
      if (!is_status_word(want.value) && p_.find_value(d, want.value) == engine::kNone)
        note = fmt::format(" (`{}` is not a value of `{}`: {})", want.value, name, fmt::join(p_.decisions[d].values, " | "));
      problems.push_back({name, want.loc, wanted + note, got_detail(d, ev)});
    }
    const auto named = engine::name_outcome(p_, ev.outcome);
    compare_set("obligations", expect->obligations, named.obligations, expect->loc, problems);
    compare_set("flags", expect->flags, named.flags, expect->loc, problems);

    const std::string id = c.title.empty() ? c.id : fmt::format("{} ({})", c.id, c.title);
    if (problems.empty()) {
      ++passed;
      out += fmt::format("{} {}{}\n", paint("ok  ", "\x1b[32m"), c.id, history_column);
      return;
    }
    ++failed;
    out += fmt::format("{} {}  {}{}\n", paint("FAIL", "\x1b[1;31m"), id, where(c.loc), history_column);
    for (const auto& pr : problems) {
      out += fmt::format("    {}  (expected at {})\n", pr.what, where(pr.loc));
      out += fmt::format("      {} {}\n", paint("-", "\x1b[31m"), pr.expected);
      out += fmt::format("      {} {}\n", paint("+", "\x1b[32m"), pr.got);
    }
    if (!expect->comment.empty()) out += fmt::format("    why the case file expects it: {}\n", expect->comment);
  }

  // "  history: return granted, the rules leave it open" ("" without a documented outcome).
  std::string history_of(const engine::CaseEvaluation& ev) {
    auto comparisons = engine::compare_history(p_, ev);
    if (comparisons.empty()) return {};
    ++history_cases;
    std::string column;
    for (const auto& h : comparisons) {
      ++history[h.agreement];
      const char* verdict = h.agreement == engine::Agreement::Agree      ? "the rules agree"
                            : h.agreement == engine::Agreement::Disagree ? "the rules disagree"
                            : h.agreement == engine::Agreement::Open     ? "the rules leave it open"
                                                                         : "the rules do not decide it";
      column += fmt::format("{}{} {}, {} ({})", column.empty() ? "  history: " : "; ", h.decision, h.recorded, verdict,
                            h.rules);
    }
    return column;
  }

  // "history: 4 documented outcomes in 4 cases: 0 agree, 0 disagree, 4 left open, 0 not decided"
  void history_summary() {
    if (history_cases == 0) return;
    std::size_t total = 0;
    for (const auto& [a, n] : history) total += n;
    out += fmt::format(
        "history: {} documented outcome{} in {} case{}: the rules agree with {}, disagree with {}, leave {} open, "
        "do not decide {} (information, not a test)\n",
        total, total == 1 ? "" : "s", history_cases, history_cases == 1 ? "" : "s", history[engine::Agreement::Agree],
        history[engine::Agreement::Disagree], history[engine::Agreement::Open], history[engine::Agreement::NotAddressed]);
  }

  void coverage() {
    std::vector<std::size_t> never;
    for (std::size_t r = 0; r < applied_.size(); ++r)
      if (!applied_[r]) never.push_back(r);
    if (never.empty()) {
      out += fmt::format("coverage: every one of the {} rules applied in at least one case\n", p_.rules.size());
      return;
    }
    out += fmt::format("coverage: {} of {} rules applied in at least one case; never applied:\n",
                       p_.rules.size() - never.size(), p_.rules.size());
    for (std::size_t r : never) out += fmt::format("    {}  {}\n", p_.rules[r].name, where(p_.rules[r].loc));
  }

 private:
  const engine::CompiledPolicy& p_;
  bool color_;
  std::vector<bool> applied_;

  std::string paint(const std::string& s, const char* code) const {
    return color_ ? fmt::format("{}{}\x1b[0m", code, s) : s;
  }

  // "refused (default)", "granted by embassy (rule grant_return)", "undetermined (needs ...)".
  std::string got_detail(engine::Index d, const engine::CaseEvaluation& ev) const {
    const auto& res = ev.outcome.decisions[d];
    std::string s = engine::outcome_word(p_, d, res);
    switch (res.status) {
      case engine::Status::Decided:
        if (res.by != engine::kNone) s += " by " + p_.authorities[res.by].name;
        s += fmt::format(" (rule {})", p_.rules[p_.settings[res.setting].rule].name);
        break;
      case engine::Status::Defaulted: s += " (the default: no rule set it)"; break;
      case engine::Status::Conflict: s = engine::describe_result(p_, d, res); break;
      case engine::Status::Undetermined: {
        const auto ex = engine::explore(p_, ev.binding.values, d);
        std::vector<std::string> needs;
        for (auto f : ex.needs) needs.push_back(p_.facts[f].name);
        if (!needs.empty()) s += fmt::format(" (needs {})", fmt::join(needs, ", "));
        break;
      }
      default: break;
    }
    return s;
  }

  void compare_set(const char* what, const std::optional<std::set<std::string>>& want, const std::vector<std::string>& got,
                   const SourceLoc& loc, std::vector<Problem>& problems) const {
    if (!want) return;
    std::vector<std::string> w(want->begin(), want->end());
    if (w == got) return;
    std::vector<std::string> missing, extra;
    std::set_difference(w.begin(), w.end(), got.begin(), got.end(), std::back_inserter(missing));
    std::set_difference(got.begin(), got.end(), w.begin(), w.end(), std::back_inserter(extra));
    std::string detail;
    if (!missing.empty()) detail += fmt::format("missing {}", fmt::join(missing, ", "));
    if (!extra.empty()) detail += fmt::format("{}unexpected {}", detail.empty() ? "" : "; ", fmt::join(extra, ", "));
    problems.push_back({what, loc, set_text(w), fmt::format("{} ({})", set_text(got), detail)});
  }
};

bool is_policy_path(const std::string& path) {
  return path.size() > 7 && path.compare(path.size() - 7, 7, ".decree") == 0;
}

int run_test(const TestArgs& args) {
  // Every .decree among the arguments is a policy to test too; the rest are cases.
  std::vector<std::string> policies{args.policy}, cases;
  for (const auto& a : args.cases) (is_policy_path(a) ? policies : cases).push_back(a);
  if (cases.empty()) {
    fmt::print(stderr, "decree test: error: no case files given, only policies: {}\n", fmt::join(policies, ", "));
    fmt::print("0 passed, 0 failed\n");
    return kExitBadInput;
  }
  std::vector<std::unique_ptr<Prepared>> preps;
  for (const auto& path : policies) {
    auto prep = std::make_unique<Prepared>();
    if (!prepare_policy(path, *prep)) {
      fmt::print("0 passed, 0 failed\n");
      return kExitBadInput;
    }
    for (const auto& other : preps)
      if (other->policy->name == prep->policy->name) {
        fmt::print(stderr,
                   "decree test: error: {} and {} are both policy `{}`; expect: blocks are matched by a policy's "
                   "name, so give one of them\n",
                   policies[&other - &preps.front()], path, prep->policy->name);
        fmt::print("0 passed, 0 failed\n");
        return kExitBadInput;
      }
    preps.push_back(std::move(prep));
  }
  const bool several = preps.size() > 1;
  // The case files are read a case at a time, once per policy (each checks them against its own
  // facts), each case tested and its line written before the next is read; their problems are
  // printed under the first policy. Standard input can be read once only: with several
  // policies it is loaded whole.
  bool from_stdin = false;
  for (const auto& c : cases) from_stdin = from_stdin || dsl::is_standard_input(c);
  const auto files = several && from_stdin ? std::nullopt : streamable_files(cases);
  if (!files) {
    for (std::size_t i = 0; i < preps.size(); ++i) {
      CaseOptions case_options;
      case_options.print = i == 0;
      if (!prepare_cases(cases, *preps[i], case_options)) {
        fmt::print("0 passed, 0 failed\n");
        return kExitBadInput;
      }
    }
  }
  auto put = [](std::string& text) {
    std::fwrite(text.data(), 1, text.size(), stdout);
    text.clear();
  };
  std::size_t passed = 0, failed = 0;
  StreamTotals rejected;
  std::string counts, out;
  for (std::size_t i = 0; i < preps.size(); ++i) {
    const Prepared& prep = *preps[i];
    Tester t(*prep.policy, use_color(stdout));
    if (several) {
      out = fmt::format("{}under {} ({}):\n", i > 0 ? "\n" : "", prep.policy->name, policies[i]);
      put(out);
    }
    auto test = [&](const engine::Case& c) {
      t.test(c);
      put(t.out);
    };
    if (files) {
      const StreamTotals totals = stream_case_files(*files, *prep.checked, test, i == 0);
      if (i == 0) rejected = totals;
    } else {
      for (const auto& c : prep.cases) test(c);
    }
    if (t.passed + t.failed + t.skipped == 0 && rejected.rejected_files > 0) continue;  // no valid case: said below
    t.coverage();
    t.history_summary();
    if (t.skipped > 0) {
      std::string ids = fmt::format("{}", fmt::join(t.skipped_ids, ", "));
      if (t.skipped > t.skipped_ids.size()) ids += fmt::format(" and {} more", t.skipped - t.skipped_ids.size());
      t.out += fmt::format("{} case{} without an expectation for {}: {}\n", t.skipped, t.skipped == 1 ? "" : "s",
                           prep.policy->name, ids);
    }
    if (several)
      counts += fmt::format("{}{}: {} passed, {} failed", counts.empty() ? "" : "; ", prep.policy->name, t.passed,
                            t.failed);
    put(t.out);
    passed += t.passed;
    failed += t.failed;
  }
  if (rejected.rejected_files > 0) {
    std::fflush(stdout);
    if (rejected.cases == 0)
      fmt::print(stderr, "{}; no case is valid, so nothing was tested\n", problem_counts(rejected));
    else
      fmt::print(stderr, "{}\n", rejected_line(rejected, rejected.cases, "read"));
  }
  // One summary line, last: the totals first, then (with several policies) each one's.
  out = fmt::format("{} passed, {} failed", passed, failed);
  if (several) out += fmt::format(" under {} policies ({})", preps.size(), counts);
  out += "\n";
  put(out);
  if (rejected.rejected_files > 0) return kExitBadInput;
  return failed > 0 ? kExitFailed : kExitOk;
}

}  // namespace

Subcommand add_test(CLI::App& root) {
  auto args = std::make_shared<TestArgs>();
  CLI::App* app = root.add_subcommand("test", "Compare outcomes with the cases' expect: blocks for these policies");
  app->add_option("policy", args->policy, "The policy (.decree) whose name the expect: blocks are keyed by; more may follow among the cases")->required()->transform(names(NameKind::policy));
  app->add_option("cases", args->cases, "Case files (.yaml, .jsonl, .csv; - for standard input), or folders searched for them (sorted); every .decree among them is one more policy to test")->required()->transform(names(NameKind::any));
  app->footer(
      "With several policies (every .decree among the arguments), each case is compared under each\n"
      "policy with its expect: block for that policy's name, a section per policy.\n"
      "Prints a diff for each mismatch; beside each case whose history: records an outcome, whether\n"
      "the rules agree with it, disagree, or leave it open (information, not a failure); then rule\n"
      "coverage (rules that never applied) and a summary of history, then a last line\n"
      "`N passed, N failed`.\n"
      "Exit status: 0 when all pass, 1 on any mismatch, 2 on bad input.");
  return {app, [args] { return run_test(*args); }};
}

}  // namespace decree::cli
