// `decree interview POLICY [CASE]`: asks one fact at a time, only facts that can still change a
// decision (engine/explain/interview.hpp picks them), until every decision is settled; then
// gives the outcome with its because-sentences and offers to write the answers as a case file.
// Answers come from the terminal, from --answers FILE, or from standard input when it is not a
// terminal; --format json writes each question and the outcome as JSON lines.
// Exit 0 when the interview ended (settled or not), 2 on bad input.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <unistd.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/atomic_write.hpp"
#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "cli/evaluation.hpp"
#include "engine/explain/because.hpp"
#include "engine/explain/interview.hpp"
#include "engine/explain/outcome.hpp"
#include "engine/render_text.hpp"
#include "engine/trace.hpp"
#include "engine/whatif.hpp"

namespace decree::cli {

namespace {

using json = nlohmann::ordered_json;

struct InterviewArgs {
  std::string policy;
  std::string case_file;
  std::string case_id;
  std::string answers;  // a file of answers, one a line
  std::string format = "text";
  std::string write;    // write the answers here without asking
};

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) s.pop_back();
  std::size_t i = 0;
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
  return s.substr(i);
}

bool read_line(std::FILE* in, std::string& out) {
  out.clear();
  int c = 0;
  bool any = false;
  while ((c = std::fgetc(in)) != EOF) {
    any = true;
    if (c == '\n') break;
    out += static_cast<char>(c);
  }
  return any;
}


class Interview {
 public:
  Interview(const engine::CompiledPolicy& p, const InterviewArgs& args, std::FILE* in, bool prompts)
      : p_(p), args_(args), in_(in), prompts_(prompts), json_(args.format == "json") {
    facts_.resize(p.facts.size());
    declined_.assign(p.facts.size(), false);
    given_.assign(p.facts.size(), nullptr);
    certainty_.assign(p.facts.size(), engine::Certainty::Documented);
  }

  void start_from(const engine::Case& c) {
    start_ = &c;
    const auto b = engine::bind(p_, c);
    facts_ = b.values;
    given_ = b.provenance;
  }

  int run() {
    for (;;) {
      const auto q = engine::next_question(p_, facts_, declined_);
      if (!q) break;
      if (!ask(*q)) {
        ran_out_ = true;
        break;
      }
    }
    finish();
    return kExitOk;
  }

 private:
  const engine::CompiledPolicy& p_;
  const InterviewArgs& args_;
  std::FILE* in_;
  bool prompts_;  // a person at a terminal: prompts without echoing the answer
  bool json_;
  const engine::Case* start_ = nullptr;
  std::vector<engine::Value> facts_;
  std::vector<bool> declined_;
  std::vector<const engine::FactValue*> given_;   // by slot: from the starting case
  std::vector<engine::Certainty> certainty_;     // by slot: of an answer
  std::vector<engine::Index> history_;           // answered or declined, in order (for `back`)
  bool ran_out_ = false;

  void say(const std::string& text) {
    if (json_) return;
    std::fputs(text.c_str(), stdout);
    std::fflush(stdout);
  }

  void emit(const json& j) {
    fmt::print("{}\n", j.dump());
    std::fflush(stdout);
  }

  std::string decisions_of(const engine::Question& q) const {
    std::string s;
    for (engine::Index d : q.decides) s += (s.empty() ? "" : ", ") + p_.decisions[d].name;
    return s;
  }

  // Reads an answer to `q` into a value; "" or why it is not one.
  std::string parse(const engine::Question& q, const std::string& answer, engine::Value& value, engine::Certainty& certainty) {
    std::string word = answer, rest;
    if (const auto sp = answer.find(' '); sp != std::string::npos) {
      word = answer.substr(0, sp);
      rest = trim(answer.substr(sp + 1));
    }
    certainty = engine::Certainty::Documented;
    if (!rest.empty()) {
      if (rest == "documented") certainty = engine::Certainty::Documented;
      else if (rest == "inferred") certainty = engine::Certainty::Inferred;
      else if (rest == "contested") certainty = engine::Certainty::Contested;
      else return fmt::format("`{}` is not a certainty: write documented, inferred or contested after the value", rest);
    }
    const auto& fact = p_.facts[q.fact];
    if (fact.type.kind == dsl::FactType::Kind::Bool) {
      if (word == "yes" || word == "y") word = "true";
      if (word == "no" || word == "n") word = "false";
    }
    // A choice by its number.
    if (!q.choices.empty() && !word.empty() && word.find_first_not_of("0123456789") == std::string::npos && word.size() < 4) {
      const std::size_t k = std::stoul(word);
      if (k >= 1 && k <= q.choices.size()) word = q.choices[k - 1];
    }
    std::string error, hint;
    auto change = engine::parse_change(p_, fact.name + "=" + word, error, hint);
    if (!change) return hint.empty() ? error : error + "; " + hint;
    if (!change->value.known()) return "to leave it unknown, answer ?";
    value = change->value;
    return {};
  }

  // Asks one question until it is answered; false when the answers ran out.
  bool ask(const engine::Question& q) {
    const auto& fact = p_.facts[q.fact];
    const std::size_t number = history_.size() + 1;
    if (json_) {
      json j{{"question", number}};
      j.update(engine::question_json(p_, q));
      emit(j);
    } else {
      say(fmt::format("\n{}. {}{}\n", number, fact.name, fact.description.empty() ? "" : " — " + fact.description));
      std::string choices;
      for (std::size_t i = 0; i < q.choices.size(); ++i) choices += fmt::format("{}{} {}", i == 0 ? "" : "   ", i + 1, q.choices[i]);
      if (choices.empty()) choices = fmt::format("a value: {}", dsl::describe(fact.type));
      say(fmt::format("   {}\n", choices));
      say(fmt::format("   it can settle: {}    (? don't know, why, back)\n", decisions_of(q)));
    }
    for (;;) {
      if (!json_) say("> ");
      std::string line;
      if (!read_line(in_, line)) {
        say("\n");
        return false;
      }
      line = trim(line);
      if (!prompts_ && !json_) say(line + "\n");
      if (line.empty()) continue;
      if (line == "why") {
        for (const auto& w : q.why) say(fmt::format("   why: {}\n", w));
        continue;
      }
      if (line == "back") {
        if (history_.empty()) {
          say("   this is the first question\n");
          continue;
        }
        const engine::Index f = history_.back();
        history_.pop_back();
        facts_[f] = engine::Value::unknown();
        declined_[f] = false;
        say(fmt::format("   back: {} is unknown again\n", p_.facts[f].name));
        return true;
      }
      if (line == "?") {
        declined_[q.fact] = true;
        history_.push_back(q.fact);
        return true;
      }
      engine::Value value;
      engine::Certainty certainty{};
      const std::string problem = parse(q, line, value, certainty);
      if (!problem.empty()) {
        if (json_) emit(json{{"error", problem}, {"question", number}});
        else say(fmt::format("   {}\n", problem));
        if (!prompts_) return false;  // a script that answers wrongly stops here, not in a loop
        continue;
      }
      facts_[q.fact] = value;
      certainty_[q.fact] = certainty;
      history_.push_back(q.fact);
      return true;
    }
  }

  bool answered(engine::Index f) const { return std::find(history_.begin(), history_.end(), f) != history_.end(); }

  engine::Case answers_case() const {
    engine::Case c;
    if (start_ != nullptr) c = *start_;
    if (c.id.empty()) c.id = "interview";
    if (c.title.empty()) c.title = fmt::format("Answers to decree interview under {}", p_.name);
    for (engine::Index f : history_) {
      if (declined_[f]) continue;
      engine::FactValue v;
      v.value = facts_[f];
      v.loc.file = "interview";
      v.source = "interview";
      v.certainty = certainty_[f];
      c.facts[p_.facts[f].name] = v;
    }
    return c;
  }

  static std::string yaml_value(const engine::Value& v) {
    if (v.kind == engine::Value::Kind::Text) return json(v.text).dump();
    return engine::to_string(v);
  }

  std::string case_yaml(const engine::Case& c) const {
    std::string out = fmt::format("# Answers given to `decree interview {}`.\n", args_.policy);
    out += fmt::format("id: {}\ntitle: {}\nfacts:\n", c.id, json(c.title).dump());
    for (std::size_t f = 0; f < p_.facts.size(); ++f) {
      const std::string& name = p_.facts[f].name;
      auto it = c.facts.find(name);
      if (it == c.facts.end()) {
        if (declined_[f]) out += fmt::format("  {}: unknown  # not known at the interview\n", name);
        continue;
      }
      const engine::FactValue& v = it->second;
      out += fmt::format("  {}:\n    value: {}\n", name, v.value.known() ? yaml_value(v.value) : "unknown");
      if (!v.source.empty()) out += fmt::format("    source: {}\n", json(v.source).dump());
      if (v.certainty != engine::Certainty::Unstated) out += fmt::format("    certainty: {}\n", engine::to_string(v.certainty));
      if (!v.note.empty()) out += fmt::format("    note: {}\n", json(v.note).dump());
    }
    return out;
  }

  void finish() {
    const engine::Case c = answers_case();
    const auto ev = engine::evaluate_case(p_, c);
    const auto open = engine::open_decisions(p_, facts_);
    if (json_) {
      json decisions = json::array();
      const auto why = engine::explain_case(p_, ev);
      for (std::size_t d = 0; d < p_.decisions.size(); ++d) {
        const auto& r = ev.outcome.decisions[d];
        decisions.push_back({{"decision", p_.decisions[d].name},
                             {"status", engine::to_string(r.status)},
                             {"outcome", engine::outcome_word(p_, static_cast<engine::Index>(d), r)},
                             {"outcome_text", engine::outcome_text(p_, static_cast<engine::Index>(d), r)},
                             {"because", why[d].because}});
      }
      emit(json{{"questions", history_.size()}, {"settled", open.empty()}, {"answers_ran_out", ran_out_}, {"decisions", decisions}});
    } else {
      if (open.empty())
        say(fmt::format("\nEvery decision is settled, after {} question{}.\n\n", history_.size(), history_.size() == 1 ? "" : "s"));
      else if (ran_out_)
        say(fmt::format("\nThe answers ran out with {} decision{} still open.\n\n", open.size(), open.size() == 1 ? "" : "s"));
      else
        say(fmt::format("\nNothing more can be asked: {} decision{} stay open on facts not known.\n\n", open.size(),
                        open.size() == 1 ? "" : "s"));
      engine::TextOptions text;
      text.explain = engine::Explain::Because;
      say(engine::render_case(p_, ev, text));
    }
    std::string path = args_.write;
    if (path.empty() && !json_ && !history_.empty() && !ran_out_) {
      say("\nWrite the answers as a case file? A file name, or Enter to skip: ");
      std::string line;
      if (read_line(in_, line)) path = trim(line);
      if (!prompts_) say(path + "\n");
    }
    if (path.empty()) return;
    const std::string why = write_atomically(path, case_yaml(c), "interview");
    if (!why.empty()) {
      fmt::print(stderr, "error: {}: {}\n", path, why);
      return;
    }
    if (!json_) say(fmt::format("wrote {}\n", path));
  }
};

int run_interview(const InterviewArgs& args) {
  Prepared prep;
  if (!prepare_policy(args.policy, prep)) return kExitBadInput;
  std::FILE* in = stdin;
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(nullptr, &std::fclose);
  if (!args.answers.empty()) {
    file.reset(std::fopen(args.answers.c_str(), "r"));
    if (!file) {
      fmt::print(stderr, "error: cannot read the answers {}: {}\n", args.answers, std::strerror(errno));
      return kExitBadInput;
    }
    in = file.get();
  }
  const bool prompts = args.answers.empty() && ::isatty(::fileno(stdin)) == 1;
  Interview interview(*prep.policy, args, in, prompts);
  if (!args.case_file.empty()) {
    if (!prepare_cases({args.case_file}, prep)) return kExitBadInput;
    const engine::Case* chosen = nullptr;
    for (const auto& c : prep.cases)
      if (chosen == nullptr && (args.case_id.empty() || c.id == args.case_id)) chosen = &c;
    if (chosen == nullptr) {
      fmt::print(stderr, "error: no case has the id `{}` in {}\n", args.case_id, args.case_file);
      return kExitBadInput;
    }
    interview.start_from(*chosen);
  }
  return interview.run();
}

}  // namespace

Subcommand add_interview(CLI::App& root) {
  auto args = std::make_shared<InterviewArgs>();
  CLI::App* app = root.add_subcommand("interview", "Ask, one fact at a time, only what can still change a decision");
  app->add_option("policy", args->policy, "The policy (.decree)")->required();
  app->add_option("case", args->case_file, "A case file to start from (its facts are not asked again)");
  app->add_option("--case", args->case_id, "The case with this id, when the file holds several");
  app->add_option("--answers", args->answers, "Read the answers from this file, one a line (as typed at the prompt)");
  app->add_option("--format", args->format, "text, or json: each question and the outcome as a JSON line")
      ->check(CLI::IsMember({"text", "json"}));
  app->add_option("--write", args->write, "Write the answers as a case file here (atomically) without asking");
  app->footer(
      "Each question names the fact, its description and its choices. Answer with a value (or its number;\n"
      "yes/no for true/false), optionally followed by documented, inferred or contested; `?` for \"I don't know\"\n"
      "(it stays unknown and the interview goes on), `why` for what the fact decides, `back` for the previous\n"
      "question. The interview asks the fact that settles the most open decisions first and stops as soon as\n"
      "every decision is settled.\n"
      "Exit status: 0 when the interview ended, 2 on bad input.");
  return {app, [args] { return run_interview(*args); }};
}

}  // namespace decree::cli
