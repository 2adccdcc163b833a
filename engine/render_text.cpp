#include "engine/render_text.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string_view>

#include <fmt/format.h>

#include "dsl/source.hpp"
#include "engine/explain/because.hpp"
#include "engine/explain/outcome.hpp"
#include "engine/versions.hpp"
#include "engine/words.hpp"

namespace decree::engine {

namespace {

// Where the value column starts: conditions are padded to it so values line up.
constexpr std::size_t kValueColumn = 46;
// Where a rule's citation starts on its header line.
constexpr std::size_t kCiteColumn = 78;
// How deep definitions are opened inside a condition (deeper ones are named, not opened).
constexpr int kDefinitionDepth = 3;
// Where because-sentences are wrapped, whatever the terminal's width (so output is the same
// piped, in a file, or on a screen).
constexpr std::size_t kSentenceWidth = 100;
// Who defeats a rule when the trace does not name the exception.
const std::string kAnException = "an exception";

std::string basename(const std::string& path) {
  auto slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string short_loc(const SourceLoc& loc) {
  if (!loc.known()) return basename(loc.file);
  return fmt::format("{}:{}", basename(loc.file), loc.line);
}

// "telegram s1, s5; memo p4": sections of one document run together.
std::string cites_short(const std::vector<CompiledCitation>& cs) {
  std::string out;
  const std::string* last = nullptr;
  for (const auto& c : cs) {
    if (last != nullptr && *last == c.source && !c.section.empty()) {
      const std::string more = ", " + c.section;
      const std::string head = out.substr(out.rfind(*last));
      // the same section cited twice (two clauses of one paragraph) is named once
      if ((head + ",").find(" " + c.section + ",") == std::string::npos) out += more;
      continue;
    }
    if (!out.empty()) out += "; ";
    out += citation_text(c, false);
    last = &c.source;
  }
  return out;
}

class Writer {
 public:
  // Appends to `out`. `explainer`, when given, explains the case with the buffers it keeps
  // from case to case.
  Writer(std::string& out, const CompiledPolicy& p, const CaseEvaluation& ev, bool color, Explain mode = Explain::Full,
         CaseExplainer* explainer = nullptr)
      : out(out), p_(p), ev_(ev), color_(color), mode_(mode), expanded_(p.definitions.size(), false),
        explanations_(&explanations_for(p, ev, explainer, own_)) {}

  std::string& out;

  std::string paint(std::string_view s, Paint how) const { return engine::paint(s, how, color_); }

  // `s`, painted as paint() paints it, appended to `to` (no copy made when there is no colour).
  void paint_to(std::string& to, std::string_view s, Paint how) const {
    if (!color_ || how == Paint::None) to += s;
    else to += engine::paint(s, how, color_);
  }

  Paint tri_paint(Tri v) const { return v == Tri::True ? Paint::Good : v == Tri::False ? Paint::Bad : Paint::Warn; }

  void line(int indent, std::string_view text) {
    out.append(static_cast<std::size_t>(indent), ' ');
    out += text;
    out += '\n';
  }

  // "  text ........ value   provenance"
  // A condition that decided (▸) is marked in the two columns before its text.
  void row(int indent, const std::string& text, Tri value_paint, const std::string& value, const std::string& where,
           bool decisive = false) {
    const std::size_t width = kValueColumn > static_cast<std::size_t>(indent) ? kValueColumn - static_cast<std::size_t>(indent) : 0;
    std::string l = pad(text, std::max(width, utf8_length(text) + 2));
    l += paint(pad(value, 8), tri_paint(value_paint));
    if (!where.empty()) l += " " + paint(where, Paint::Dim);
    while (!l.empty() && l.back() == ' ') l.pop_back();
    if (decisive && indent >= 2) {
      line(indent - 2, paint("▸", Paint::Bold) + " " + l);
      return;
    }
    line(indent, l);
  }

  bool decisive(Index c) const { return current_ != nullptr && current_->is_decisive(c); }

  // Whether `text` is ASCII words separated by single spaces (no space first or last): then
  // its characters are its bytes and every space is a place to break, and paragraph() cuts its
  // lines at the last space that fits instead of going word by word.
  static bool simple_words(std::string_view text) {
    if (text.empty() || text.front() == ' ' || text.back() == ' ' || text.find("  ") != std::string_view::npos)
      return false;
    constexpr std::uint64_t highs = 0x8080808080808080ULL;
    std::size_t i = 0;
    std::uint64_t any = 0;
    for (; i + 8 <= text.size(); i += 8) {
      std::uint64_t x;
      std::memcpy(&x, text.data() + i, 8);
      any |= x;
    }
    for (; i < text.size(); ++i) any |= static_cast<unsigned char>(text[i]);
    return (any & highs) == 0;
  }

  // Sentences as a paragraph, wrapped at kSentenceWidth with the same indent.
  void paragraph(int indent, const std::string& text) {
    const std::size_t width = kSentenceWidth - static_cast<std::size_t>(indent);
    const std::string_view all(text);
    if (simple_words(all)) {
      // Each line as many words as fit in `width`; a word longer than that on a line of its own.
      std::size_t from = 0;
      while (all.size() - from > width) {
        std::size_t cut = from + width;
        if (all[cut] != ' ') {
          const std::size_t space = all.rfind(' ', cut - 1);
          cut = space != std::string_view::npos && space > from ? space : all.find(' ', cut);
          if (cut == std::string_view::npos) break;
        }
        line(indent, all.substr(from, cut - from));
        from = cut + 1;
      }
      line(indent, all.substr(from));
      return;
    }
    // The line so far is [from, to) of `text` (words and the single spaces between them), and
    // `chars` characters long.
    std::size_t from = 0, to = 0, chars = 0;
    bool empty = true;
    std::size_t at = 0;
    while (at < all.size()) {
      // The word's end and its length in characters (UTF-8 continuation bytes not counted), in
      // one pass.
      std::size_t end = at, word_chars = 0;
      for (; end < all.size() && all[end] != ' '; ++end) word_chars += (static_cast<unsigned char>(all[end]) & 0xC0) != 0x80;
      const std::string_view word = all.substr(at, end - at);
      if (!empty && chars + 1 + word_chars > width) {
        line(indent, all.substr(from, to - from));
        empty = true;
      }
      if (empty) {
        from = at;
        chars = word_chars;
      } else {
        chars += 1 + word_chars;
      }
      to = end;
      // An empty word (two spaces in a row) joins the line as the old wrapping did: "" then " ".
      empty = empty && word.empty();
      at = end + 1;
    }
    if (!empty) line(indent, all.substr(from, to - from));
  }

  void because(Index d, int indent) {
    if (d >= explanations_->size()) return;
    thread_local std::string text;  // kept from call to call
    text.clear();
    for (const auto& sentence : (*explanations_)[d].because) {
      if (!text.empty()) text += ' ';
      text += sentence;
    }
    paragraph(indent, text);
  }

  std::string fact_value(Index slot) const { return to_string(ev_.binding.values[slot]); }

  std::string provenance(Index slot) const {
    const FactValue* f = slot < ev_.binding.provenance.size() ? ev_.binding.provenance[slot] : nullptr;
    if (f == nullptr) return "not given in the case";
    std::string s = short_loc(f->loc);
    if (!f->value.known()) s += " (written unknown)";
    if (f->certainty != Certainty::Unstated) {
      s += ", ";
      s += to_string(f->certainty);
    }
    if (!f->source.empty()) {
      s += ", ";
      s += f->source;
    }
    if (!f->household_of.empty()) {
      s += ", stated for the household in ";
      s += f->household_of;
    }
    return s;
  }

  // "household: wife and children of pak-gil-ryong; follows from the head's case in
  // stated_reasons": which facts the case takes from its head, if any.
  void household_line() {
    const Case* c = ev_.source;
    if (c == nullptr || !c->household) return;
    std::string taken;
    for (std::size_t slot = 0; slot < ev_.binding.provenance.size(); ++slot) {
      const FactValue* f = ev_.binding.provenance[slot];
      if (f != nullptr && !f->household_of.empty()) taken += (taken.empty() ? "" : ", ") + p_.facts[slot].name;
    }
    const std::string who = c->household->relation.empty() ? "a member of the household"
                                                           : c->household->relation;
    if (taken.empty())
      line(2, fmt::format("household: {} of {}; a case of its own, separate from the head's: no fact of it is taken from "
                          "the head's case", who, c->household->head));
    else
      line(2, fmt::format("household: {} of {}; follows from the head's case in {} (stated for the household), "
                          "and is decided on its own facts otherwise", who, c->household->head, taken));
  }

  std::string definition_where(Index d) const {
    const auto& def = p_.definitions[d];
    std::string s = "← define " + def.name;
    if (!def.cites.empty()) s += " (" + cites_short(def.cites) + ")";
    if (expanded_[d]) s += ", as above";
    return s;
  }

  // "← decision return: granted by embassy (grant_return)": what a rule that follows from a
  // decision read.
  std::string decision_where(Index d) const {
    const DecisionResult& r = ev_.outcome.decisions[d];
    std::string s = "← decision " + p_.decisions[d].name + ": " + outcome_text(p_, d, r);
    if ((r.status == Status::Decided || r.status == Status::Undetermined) && r.setting != kNone)
      s += " (" + p_.rules[p_.settings[r.setting].rule].name + ")";
    return s;
  }

  // A definition is opened the first time a case shows it, and named after that.
  void definition_conditions(Index d, int indent, int depth) {
    if (depth >= kDefinitionDepth || expanded_[d]) return;
    expanded_[d] = true;
    const Range r = p_.definitions[d].conditions;
    for (Index c = r.begin; c < r.end; ++c) condition(c, indent, depth + 1);
  }

  // One condition with its value and where the value came from: the case file for a fact, the
  // definition (opened below it) for a derived one.
  void condition(Index c, int indent, int depth = 0, std::string_view prefix = {}) {
    const Condition& cond = p_.conditions[c];
    const Tri v = ev_.trace.conditions[c];
    const Range facts = cond.facts;
    const Range defs = cond.definitions;
    const Range decisions = cond.decisions;
    const std::string text = std::string(prefix) + cond.text;
    const bool mark = decisive(c);
    if (facts.empty() && defs.empty() && decisions.size() == 1) {
      row(indent, text, v, to_string(v), decision_where(p_.reads[decisions.begin]), mark);
      return;
    }
    if (facts.size() == 1 && defs.empty() && decisions.empty()) {
      row(indent, text, v, to_string(v), provenance(p_.reads[facts.begin]), mark);
      return;
    }
    if (facts.empty() && defs.size() == 1 && decisions.empty()) {
      const Index d = p_.reads[defs.begin];
      row(indent, text, v, to_string(v), definition_where(d), mark);
      definition_conditions(d, indent + 2, depth);
      return;
    }
    row(indent, text, v, to_string(v), "", mark);
    for (Index i = facts.begin; i < facts.end; ++i) {
      const Index slot = p_.reads[i];
      const Value& fv = ev_.binding.values[slot];
      row(indent + 2, p_.facts[slot].name, fv.known() ? Tri::True : Tri::Unknown, fact_value(slot), provenance(slot));
    }
    for (Index i = defs.begin; i < defs.end; ++i) {
      const Index d = p_.reads[i];
      const Tri dv = ev_.trace.definitions[d];
      row(indent + 2, p_.definitions[d].name, dv, to_string(dv), definition_where(d));
      definition_conditions(d, indent + 4, depth);
    }
    for (Index i = decisions.begin; i < decisions.end; ++i) {
      const Index d = p_.reads[i];
      row(indent + 2, p_.decisions[d].name, Tri::True, outcome_text(p_, d, ev_.outcome.decisions[d]),
          decision_where(d));
    }
  }

  void conditions(Range r, int indent) {
    for (Index c = r.begin; c < r.end; ++c) condition(c, indent);
  }

  // Only the conditions that are not true: why a rule did not apply, or might not.
  void open_conditions(Range r, int indent) {
    for (Index c = r.begin; c < r.end; ++c)
      if (ev_.trace.conditions[c] != Tri::True) condition(c, indent);
  }

  std::string rule_head(Index r, std::string_view mark, Paint mark_paint) const {
    const CompiledRule& rule = p_.rules[r];
    std::string head;
    paint_to(head, mark, mark_paint);
    head += ' ';
    paint_to(head, rule.name, Paint::Bold);
    std::size_t len = 4 + utf8_length(mark) + 1 + utf8_length(rule.name);
    if (!rule.title.empty()) {
      head += " \"";
      head += rule.title;
      head += '"';
      len += utf8_length(rule.title) + 3;
    }
    if (!rule.cites.empty()) {
      head.append(len + 2 > kCiteColumn ? 2 : kCiteColumn - len, ' ');
      head += paint(cites_short(rule.cites), Paint::Dim);
    }
    return head;
  }

  void citations(Index r, int indent) {
    for (const auto& c : p_.rules[r].cites)
      if (!c.quote.empty()) line(indent, paint("cites " + citation_text(c), Paint::Dim));
  }

  std::string setting_text(Index s) const {
    const Setting& st = p_.settings[s];
    std::string t = p_.decisions[st.decision].values[st.value];
    if (st.by != kNone) t += " by " + p_.authorities[st.by].name;
    return t;
  }

  // A rule that may set the decision, and what became of it.
  void rule_block(Index s, bool shows_defeater) {
    const Index r = p_.settings[s].rule;
    const RuleTrace& rt = ev_.trace.rules[r];
    const CompiledRule& rule = p_.rules[r];
    const std::string sets = fmt::format("{} = {}", p_.decisions[p_.settings[s].decision].name, setting_text(s));
    const std::string by = rt.defeated_by != kNone ? p_.rules[rt.defeated_by].name : "an exception";
    switch (rt.state) {
      case RuleState::Applies:
        line(4, rule_head(r, "✔", Paint::Good));
        line(6, fmt::format("applies, and sets {}, since:", sets));
        conditions(rule.conditions, 8);
        citations(r, 8);
        break;
      case RuleState::Defeated:
        line(4, rule_head(r, "✘", Paint::Bad));
        if (ev_.outcome.when[r] == Tri::True)
          line(6, fmt::format("defeated by the exception {}; it would have applied and set {}, since:", by, sets));
        else
          line(6, fmt::format("defeated by the exception {}; it might have applied (some conditions are unknown) and set {}:", by, sets));
        conditions(rule.conditions, 8);
        if (shows_defeater && rt.defeated_by != kNone) {
          line(6, fmt::format("and the exception {} applies, since:", by));
          conditions(p_.rules[rt.defeated_by].conditions, 8);
        }
        break;
      case RuleState::MaybeDefeated:
        line(4, rule_head(r, "?", Paint::Warn));
        line(6, fmt::format("applies, but the exception {} might defeat it; it would set {}, since:", by, sets));
        conditions(rule.conditions, 8);
        if (rt.defeated_by != kNone) {
          const RuleTrace& et = ev_.trace.rules[rt.defeated_by];
          if (ev_.outcome.when[rt.defeated_by] == Tri::True && et.defeated_by != kNone) {
            line(6, fmt::format("{} applies, but might itself be defeated by the exception {}", by,
                                p_.rules[et.defeated_by].name));
          } else {
            line(6, fmt::format("whether {} applies is unknown:", by));
            open_conditions(p_.rules[rt.defeated_by].conditions, 8);
          }
        }
        break;
      case RuleState::Unknown:
        line(4, rule_head(r, "?", Paint::Warn));
        line(6, fmt::format("might apply, and would set {}; unknown:", sets));
        open_conditions(rule.conditions, 8);
        break;
      case RuleState::NotApplied:
        line(4, rule_head(r, "·", Paint::Dim));
        line(6, fmt::format("did not apply (it would set {}):", sets));
        if (rt.failed != kNone) condition(rt.failed, 8);
        break;
    }
  }

  std::string settlement_text(const Settlement& s) const {
    std::string facts;
    for (const auto& a : s.facts) {
      if (!facts.empty()) facts += " and ";
      facts += fmt::format("{} = {}", p_.facts[a.fact].name, to_string(a.value));
    }
    return facts;
  }

  std::string settlement_result(Index d, const Settlement& s) const {
    const DecisionResult& r = s.result;
    std::string t = describe_result(p_, d, r);
    if (r.status == Status::Decided && r.setting != kNone) t += fmt::format(" ({})", p_.rules[p_.settings[r.setting].rule].name);
    for (Index o : s.owed) t += fmt::format("; owes {}", p_.obligations[p_.owes[o].what].name);
    return t;
  }

  void exploration(Index d, const Exploration& ex) {
    if (ex.too_many) {
      std::string names;
      for (Index f : ex.unknowns) names += (names.empty() ? "" : ", ") + p_.facts[f].name;
      line(4, fmt::format("it depends on {} unknown facts, more than the {} explored at once: {}", ex.unknowns.size(),
                          kMaxExploredUnknowns, names));
      return;
    }
    // Facts in no settling combination change nothing, given what the case does say.
    auto needed = [&](Index f) { return std::find(ex.needs.begin(), ex.needs.end(), f) != ex.needs.end(); };
    std::size_t width = 0;
    for (const auto& s : ex.single)
      if (needed(s.facts[0].fact)) width = std::max(width, utf8_length(settlement_text(s)));
    for (const auto& s : ex.minimal)
      if (s.facts.size() > 1) width = std::max(width, utf8_length(settlement_text(s)));
    bool single = false;
    for (const auto& s : ex.single) {
      if (!needed(s.facts[0].fact)) continue;
      if (!single) line(4, "one fact at a time:");
      single = true;
      const std::string result = s.result.status == Status::Undetermined ? "still undetermined" : settlement_result(d, s);
      line(6, fmt::format("if {} → {}", pad(settlement_text(s), width), result));
    }
    bool together = false;
    for (const auto& s : ex.minimal) {
      if (s.facts.size() < 2) continue;
      if (!together) line(4, "facts together (the smallest combinations that settle it):");
      together = true;
      line(6, fmt::format("if {} → {}", pad(settlement_text(s), width), settlement_result(d, s)));
    }
    if (ex.minimal_total > ex.minimal.size())
      line(6, fmt::format("… and {} more combinations", ex.minimal_total - ex.minimal.size()));
    if (ex.single_only) line(4, fmt::format("(too many combinations to try together: more than {})", kMaxCombinations));
    std::string idle;
    for (Index f : ex.unknowns)
      if (!needed(f) && std::find(ex.unexplorable.begin(), ex.unexplorable.end(), f) == ex.unexplorable.end())
        idle += (idle.empty() ? "" : ", ") + p_.facts[f].name;
    if (!idle.empty() && !ex.single_only) line(4, fmt::format("unknown too, but settling nothing here: {}", idle));
    for (Index f : ex.unexplorable)
      line(4, p_.facts[f].type.kind == dsl::FactType::Kind::Set
                  ? fmt::format("{} is unknown; it is a set, whose possible values are not tried", p_.facts[f].name)
                  : fmt::format("{} is unknown but has no values to try (it is compared only with other facts)",
                                p_.facts[f].name));
  }

  void rests_on(Index d) {
    const Range r = ev_.trace.decisions[d].rests_on;
    if (r.empty()) return;
    std::size_t inferred = 0, contested = 0;
    for (Index i = r.begin; i < r.end; ++i) {
      const FactValue* f = ev_.binding.provenance[ev_.trace.rests_on[i]];
      (f->certainty == Certainty::Inferred ? inferred : contested) += 1;
    }
    const bool mixed = inferred > 0 && contested > 0;
    std::string list;
    for (Index i = r.begin; i < r.end; ++i) {
      const Index slot = ev_.trace.rests_on[i];
      const FactValue* f = ev_.binding.provenance[slot];
      std::string about;
      if (mixed) about = to_string(f->certainty);
      if (!f->source.empty()) about += (about.empty() ? "" : ", ") + f->source;
      list += fmt::format("{}{}{}", list.empty() ? "" : "; ", p_.facts[slot].name, about.empty() ? "" : " (" + about + ")");
    }
    const std::size_t n = r.size();
    const char* kind = mixed ? "uncertain" : (inferred > 0 ? "inferred" : "contested");
    line(4, paint(fmt::format("rests on {} {} fact{}: {}", n, kind, n == 1 ? "" : "s", list), Paint::Warn));
  }

  // "soviet_citizen: false, documented": a fact as the line on scope shows it.
  void fact_brief_to(std::string& s, Index slot) const {
    const FactValue* f = slot < ev_.binding.provenance.size() ? ev_.binding.provenance[slot] : nullptr;
    s += p_.facts[slot].name;
    s += ": ";
    s += fact_value(slot);
    if (f == nullptr) {
      s += ", not in the case";
      return;
    }
    if (f->certainty != Certainty::Unstated) {
      s += ", ";
      s += to_string(f->certainty);
    }
  }

  // "outside this policy: covered is false (soviet_citizen: false, documented)"
  void scope_line() {
    const OutsideReason why = outside_reason(p_, ev_);
    if (!why.outside && !why.maybe) return;
    std::string facts;
    for (Index f : why.facts) {
      if (!facts.empty()) facts += "; ";
      fact_brief_to(facts, f);
    }
    std::string text;
    if (why.by_scope) {
      text = why.outside ? "outside this policy: " : "perhaps outside this policy: ";
      bool first = true;
      for (Index c : why.conditions) {
        if (!first) text += " and ";
        first = false;
        text += p_.conditions[c].text;
        text += " is ";
        text += to_string(ev_.trace.conditions[c]);
      }
      if (first) {
        text += p_.scope_text;
        text += " is ";
        text += to_string(ev_.outcome.in_scope);
      }
      bool none = true;
      for (const auto& r : ev_.outcome.decisions) none = none && r.status == Status::NotApplicable;
      if (none) text += ", and none of its decisions answers this case";
    } else {
      text = "outside this policy: none of its decisions answers this case";
    }
    if (!facts.empty()) {
      text += " (";
      text += facts;
      text += ')';
    }
    out += "  ";
    paint_to(out, text, why.outside ? Paint::Bold : Paint::Warn);
    out += '\n';
    if (why.maybe)
      line(4, fmt::format("the policy addresses only cases where {}; until that is known, no outcome is certain",
                          p_.scope_text));
  }

  void decision(Index d) {
    current_ = d < explanations_->size() ? &(*explanations_)[d] : nullptr;
    if (mode_ == Explain::Short) {
      short_decision(d);
      return;
    }
    const CompiledDecision& decision = p_.decisions[d];
    const DecisionResult& res = ev_.outcome.decisions[d];
    const Exploration* ex = ev_.exploration(d);
    std::string head = decision.name;
    if (!decision.title.empty()) head += fmt::format(" ({})", decision.title);
    // Outcomes are not truth values: they are never painted as true, false or unknown are.
    const Paint how = res.status == Status::Conflict ? Paint::Bad : Paint::Bold;
    std::string result = describe_result(p_, d, res);
    switch (res.status) {
      case Status::Undetermined: {
        if (ex != nullptr && !ex->needs.empty()) {
          std::string needs;
          for (Index f : ex->needs) needs += (needs.empty() ? "" : ", ") + p_.facts[f].name;
          result += " — needs: " + needs;
        }
        break;
      }
      default: break;
    }
    line(2, fmt::format("{}: {}", paint(head, Paint::Bold), paint(result, how)));
    rests_on(d);
    if (res.status == Status::Outside) {
      line(4, fmt::format("the policy addresses only cases where {}: none of its rules decides this one",
                          p_.scope_text));
      return;
    }
    if (decision.applies != kNone) {
      const Range ac = decision.applies_conditions;
      if (res.applies == Tri::True && ac.size() == 1) {
        condition(ac.begin, 4, 0, "applies: ");
      } else if (res.applies == Tri::True) {
        line(4, "applies, since:");
        conditions(ac, 6);
      } else {
        line(4, "whether it applies is unknown:");
        open_conditions(ac, 6);
      }
    }
    if (res.status == Status::Conflict) {
      line(4, paint(fmt::format("{} and {} both apply, neither is an exception to the other, and they disagree",
                                p_.rules[p_.settings[res.setting].rule].name, p_.rules[p_.settings[res.other].rule].name),
                    Paint::Bad));
    }

    // Rules that may set it: the ones that apply first, then defeated, doubtful, failed.
    std::vector<Index> shown;
    std::vector<Index> rules_here;
    for (Index s : decision.settings) rules_here.push_back(p_.settings[s].rule);
    for (RuleState st : {RuleState::Applies, RuleState::Defeated, RuleState::MaybeDefeated, RuleState::Unknown,
                         RuleState::NotApplied}) {
      for (Index s : decision.settings) {
        const Index r = p_.settings[s].rule;
        if (ev_.trace.rules[r].state != st || std::find(shown.begin(), shown.end(), r) != shown.end()) continue;
        shown.push_back(r);
        const Index by = ev_.trace.rules[r].defeated_by;
        rule_block(s, by != kNone && std::find(rules_here.begin(), rules_here.end(), by) == rules_here.end());
      }
    }
    if (decision.settings.empty()) line(4, "no rule sets this decision");
    if (res.status == Status::Defaulted)
      line(4, fmt::format("no rule set it, so it takes its default: {}", decision.values[res.value]));
    if (res.status == Status::NoDecision) line(4, "no rule set it, and the decision has no default");
    if (res.status == Status::Undetermined && ex != nullptr) exploration(d, *ex);
  }

  // ---- the short view ------------------------------------------------------------------------

  std::string cites_of(Index r) const {
    const CompiledRule& rule = p_.rules[r];
    return rule.cites.empty() ? "" : " " + paint("(" + cites_short(rule.cites) + ")", Paint::Dim);
  }

  std::string unknown_texts(Index r) const {
    std::vector<std::string> parts;
    const Range cs = p_.rules[r].conditions;
    for (Index c = cs.begin; c < cs.end; ++c)
      if (ev_.trace.conditions[c] == Tri::Unknown) parts.push_back(p_.conditions[c].text);
    return join(parts, ", ");
  }

  // "request is convert_to_dprk: false (ly-kim.yaml:34, documented, memo p2)"
  std::string failed_text(Index c) const {
    const Condition& cond = p_.conditions[c];
    std::string s = fmt::format("{}: {}", cond.text, to_string(ev_.trace.conditions[c]));
    if (cond.facts.size() == 1 && cond.definitions.empty() && cond.decisions.empty())
      s += " (" + provenance(p_.reads[cond.facts.begin]) + ")";
    return s;
  }

  // A rule that may set the decision, in one line.
  void rule_line(Index s) {
    const Index r = p_.settings[s].rule;
    const RuleTrace& rt = ev_.trace.rules[r];
    const std::string gives = outcome_text("decided", p_.decisions[p_.settings[s].decision].values[p_.settings[s].value],
                                           p_.settings[s].by == kNone ? "" : p_.authorities[p_.settings[s].by].name);
    const std::string& by = rt.defeated_by != kNone ? p_.rules[rt.defeated_by].name : kAnException;
    // "    ✔ name (cites) — "
    auto start = [&](std::string_view mark, Paint how) {
      out += "    ";
      paint_to(out, mark, how);
      out += ' ';
      paint_to(out, p_.rules[r].name, Paint::Bold);
      out += cites_of(r);
      out += " — ";
    };
    switch (rt.state) {
      case RuleState::Applies:
        start("✔", Paint::Good);
        out += "applies, and gives ";
        out += gives;
        break;
      case RuleState::Defeated:
        start("✘", Paint::Bad);
        out += "defeated by ";
        out += by;
        if (ev_.outcome.when[r] == Tri::True) {
          out += "; it would have applied and given ";
          out += gives;
        } else {
          out += "; it might have applied and given ";
          out += gives;
          out += " (unknown: ";
          out += unknown_texts(r);
          out += ')';
        }
        break;
      case RuleState::MaybeDefeated:
        start("?", Paint::Warn);
        out += "applies, but ";
        out += by;
        out += " might defeat it; it would give ";
        out += gives;
        break;
      case RuleState::Unknown:
        start("?", Paint::Warn);
        out += "might apply and give ";
        out += gives;
        out += " (unknown: ";
        out += unknown_texts(r);
        out += ')';
        break;
      case RuleState::NotApplied:
        start("·", Paint::Dim);
        out += "did not apply: ";
        if (rt.failed == kNone) out += "a condition is false";
        else out += failed_text(rt.failed);
        break;
    }
    out += '\n';
  }

  void short_decision(Index d) {
    const CompiledDecision& decision = p_.decisions[d];
    const DecisionResult& res = ev_.outcome.decisions[d];
    std::string head = decision.name;
    if (!decision.title.empty()) {
      head += " (";
      head += decision.title;
      head += ')';
    }
    out += "  ";
    paint_to(out, head, Paint::Bold);
    out += ": ";
    paint_to(out, describe_result(p_, d, res), res.status == Status::Conflict ? Paint::Bad : Paint::Bold);
    out += '\n';
    // The deciding rule, with the conditions that decided; the others named.
    Index decider = kNone;
    if (res.status == Status::Decided && res.setting != kNone) {
      decider = p_.settings[res.setting].rule;
      const Range cs = p_.rules[decider].conditions;
      line(4, rule_head(decider, "✔", Paint::Good));
      std::vector<std::string> others;
      bool any = false;
      for (Index c = cs.begin; c < cs.end; ++c) any = any || decisive(c);
      for (Index c = cs.begin; c < cs.end; ++c) {
        if (!any || decisive(c)) {
          const Condition& cond = p_.conditions[c];
          const bool one_fact = cond.facts.size() == 1 && cond.definitions.empty() && cond.decisions.empty();
          const Tri v = ev_.trace.conditions[c];
          row(8, cond.text, v, to_string(v), one_fact ? provenance(p_.reads[cond.facts.begin]) : "", decisive(c));
        } else {
          others.push_back(p_.conditions[c].text);
        }
      }
      if (!others.empty()) line(8, paint(fmt::format("and, also true: {}", join(others, ", ")), Paint::Dim));
    }
    for (Index s : decision.settings)
      if (p_.settings[s].rule != decider) rule_line(s);
    if (decision.settings.empty()) line(4, "no rule sets this decision");
    because(d, 4);
  }

  void not_applicable(Index d) {
    const CompiledDecision& decision = p_.decisions[d];
    const Index failed = ev_.trace.decisions[d].failed_applies;
    std::string why;
    if (failed != kNone) {
      const Condition& c = p_.conditions[failed];
      why = fmt::format(" ({}: {}", c.text, to_string(ev_.trace.conditions[failed]));
      if (c.facts.size() == 1 && c.definitions.empty()) why += ", " + provenance(p_.reads[c.facts.begin]);
      why += ")";
    }
    line(2, paint(fmt::format("{}: not applicable{}", decision.name, why), Paint::Dim));
  }

  void raisings(const char* what, const std::vector<Index>& list, const std::vector<Raising>& all,
                const std::vector<Declaration>& decls) {
    out += "  ";
    out += what;
    if (list.empty()) {
      out += ": none\n";
      return;
    }
    out += ":\n";
    for (Index i : list) {
      const Raising& x = all[i];
      std::string t = paint(decls[x.what].name, Paint::Bold);
      if (!x.detail.empty()) t += fmt::format(" \"{}\"", x.detail);
      t += fmt::format(" — from {}", p_.rules[x.rule].name);
      if (!p_.rules[x.rule].cites.empty()) t += fmt::format(" ({})", cites_short(p_.rules[x.rule].cites));
      line(4, t);
      // A rule that follows from a decision: the decision it read, and its other conditions.
      if (p_.rules[x.rule].follows_decisions && mode_ == Explain::Full) conditions(p_.rules[x.rule].conditions, 6);
    }
  }

  // A decision's sentences after its name: "return: REFUSED by embassy, because …".
  void because_decision(Index d) {
    const CompiledDecision& decision = p_.decisions[d];
    if (d >= explanations_->size() || (*explanations_)[d].because.empty()) return;
    // Buffers kept from call to call: every decision of every case comes here.
    thread_local std::string text, named;
    text.clear();
    for (const auto& sentence : (*explanations_)[d].because) {
      if (!text.empty()) text += ' ';
      text += sentence;
    }
    // The first sentence opens with the decision's title; the name stands for it here.
    const std::string& title = decision.title.empty() ? decision.name : decision.title;
    const bool opens = text.size() >= title.size() + 2 && text.compare(0, title.size(), title) == 0 &&
                       text.compare(title.size(), 2, ": ") == 0;
    named.assign(decision.name);
    named += ": ";
    named.append(text, opens ? title.size() + 2 : 0);
    paragraph(2, named);
  }

  void whole_case() {
    const Case* c = ev_.source;
    std::string title = c != nullptr && !c->title.empty() ? c->title : (c != nullptr ? c->id : "case");
    // "id, file:line": the id when a title stands before it, the place when the case has one.
    std::string where;
    if (c != nullptr) {
      if (!c->id.empty() && !c->title.empty()) where = c->id;
      if (!c->loc.file.empty() || c->loc.known()) {
        if (!where.empty()) where += ", ";
        where += c->loc.file;
        if (c->loc.known()) {
          where += ':';
          where += std::to_string(c->loc.line);
        }
      }
    }
    paint_to(out, title, Paint::Bold);
    out += "  ";
    paint_to(out, where, Paint::Dim);
    out += '\n';
    household_line();
    scope_line();
    if (mode_ == Explain::Because) {
      for (std::size_t d = 0; d < p_.decisions.size(); ++d)
        if (ev_.outcome.decisions[d].status != Status::NotApplicable) because_decision(static_cast<Index>(d));
      for (std::size_t d = 0; d < p_.decisions.size(); ++d)
        if (ev_.outcome.decisions[d].status == Status::NotApplicable) because_decision(static_cast<Index>(d));
    } else {
      for (std::size_t d = 0; d < p_.decisions.size(); ++d)
        if (ev_.outcome.decisions[d].status != Status::NotApplicable) decision(static_cast<Index>(d));
      current_ = nullptr;
      for (std::size_t d = 0; d < p_.decisions.size(); ++d) {
        if (ev_.outcome.decisions[d].status != Status::NotApplicable) continue;
        if (mode_ == Explain::Short) because_decision(static_cast<Index>(d));
        else not_applicable(static_cast<Index>(d));
      }
    }
    raisings("obligations", ev_.outcome.owed, p_.owes, p_.obligations);
    raisings("flags", ev_.outcome.raised, p_.raises, p_.flags);
  }

  void why_not(const WhyNot& w) {
    const CompiledDecision& decision = p_.decisions[w.decision];
    const std::string value = decision.values[w.value];
    const Case* c = ev_.source;
    const std::string who = c == nullptr ? "this case" : (c->title.empty() ? c->id : fmt::format("{} ({})", c->title, c->id));
    if (w.is_outcome)
      line(0, paint(fmt::format("{} is {} for {}: it did come out so.", decision.name, value, who), Paint::Bold));
    else
      line(0, paint(fmt::format("Why is {} not {} for {}?", decision.name, value, who), Paint::Bold));
    const DecisionResult& res = w.actual;
    if (res.status == Status::NotApplicable) {
      line(2, fmt::format("{} does not apply to this case at all:", decision.name));
      if (ev_.trace.decisions[w.decision].failed_applies != kNone) condition(ev_.trace.decisions[w.decision].failed_applies, 6);
      return;
    }
    line(2, fmt::format("{} came out {}.", decision.name, describe_result(p_, w.decision, res)));
    if (w.settings.empty()) {
      line(2, fmt::format("No rule can set {} = {}.", decision.name, value));
    } else {
      line(2, fmt::format("{} rule{} could set {} = {}:", w.settings.size(), w.settings.size() == 1 ? "" : "s",
                          decision.name, value));
      for (Index s : w.settings) {
        const Index r = p_.settings[s].rule;
        const Index by = ev_.trace.rules[r].defeated_by;
        rule_block(s, by != kNone);
        if (ev_.trace.rules[r].state == RuleState::Applies && !w.is_outcome) {
          if (res.status == Status::Conflict) line(8, "it applies, but another rule sets a different value: a conflict");
          else if (res.status == Status::Undetermined) line(8, "it applies, but whether another rule overrides it is unknown");
        }
      }
    }
    if (w.is_default && !w.is_outcome && res.status != Status::Undetermined) {
      line(2, fmt::format("{} is the default, taken only when no rule sets {}; here one did.", value, decision.name));
    }
    if (res.status == Status::Undetermined) {
      if (const Exploration* ex = ev_.exploration(w.decision)) {
        line(2, "what would settle it:");
        exploration(w.decision, *ex);
      }
    }
  }

 private:
  const CompiledPolicy& p_;
  const CaseEvaluation& ev_;
  bool color_;
  Explain mode_;
  std::vector<bool> expanded_;                     // by definition: opened already in this case
  std::vector<DecisionExplanation> own_;
  const std::vector<DecisionExplanation>* const explanations_;  // by decision
  const DecisionExplanation* current_ = nullptr;                 // the decision being written
};

}  // namespace

std::string paint(std::string_view text, Paint how, bool color) {
  if (!color || how == Paint::None) return std::string(text);
  const char* code = "";
  switch (how) {
    case Paint::None: break;
    case Paint::Bold: code = "\x1b[1m"; break;
    case Paint::Good: code = "\x1b[1;32m"; break;
    case Paint::Bad: code = "\x1b[1;31m"; break;
    case Paint::Warn: code = "\x1b[1;33m"; break;
    case Paint::Dim: code = "\x1b[2m"; break;
  }
  return fmt::format("{}{}\x1b[0m", code, text);
}

std::string citation_text(const CompiledCitation& c, bool with_quote) {
  std::string s = c.source;
  if (!c.section.empty()) s += " " + c.section;
  if (with_quote && !c.quote.empty()) s += fmt::format(" \"{}\"", c.quote);
  return s;
}

std::string describe_result(const CompiledPolicy& p, Index d, const DecisionResult& r) { return outcome_text(p, d, r); }

Explain explain_level(std::string_view word) {
  if (word == "because") return Explain::Because;
  if (word == "short") return Explain::Short;
  return Explain::Full;
}

std::string citations_short(const std::vector<CompiledCitation>& cites) { return cites_short(cites); }

std::string render_policy_line(const CompiledPolicy& p, const TextOptions& options) {
  std::string s = fmt::format("policy {}", p.name);
  if (!p.title.empty()) s += fmt::format(" \"{}\"", p.title);
  std::string about = p.status;
  const std::string dates = in_force_words(p.status, p.in_force_from, p.in_force_until);
  if (p.status == "enacted" || p.in_force_from || p.in_force_until) about += "; " + dates;
  s += fmt::format(" ({})", about);
  if (options.color) s = "\x1b[1m" + s + "\x1b[0m";
  return s + "\n";
}

std::string render_case(const CompiledPolicy& p, const CaseEvaluation& ev, const TextOptions& options) {
  std::string out;
  Writer w(out, p, ev, options.color, options.explain);
  w.whole_case();
  return out;
}

void render_case(std::string& out, const CompiledPolicy& p, const CaseEvaluation& ev, const TextOptions& options,
                 CaseExplainer& explainer) {
  Writer w(out, p, ev, options.color, options.explain, &explainer);
  w.whole_case();
}

std::string render_brief(const CompiledPolicy& p, const CaseEvaluation& ev, const TextOptions& options) {
  std::string out;
  out.reserve(160);
  const std::string_view id = ev.source != nullptr ? std::string_view(ev.source->id) : std::string_view("case");
  if (options.color) out += "\x1b[1m";
  out += id;
  if (options.color) out += "\x1b[0m";
  out += "  ";
  const std::size_t parts = out.size();
  for (std::size_t d = 0; d < p.decisions.size(); ++d) {
    const DecisionResult& r = ev.outcome.decisions[d];
    if (r.status == Status::NotApplicable) continue;
    if (out.size() > parts) out += "; ";
    out += p.decisions[d].name;
    out += ": ";
    out += outcome_text(p, static_cast<Index>(d), r);
  }
  if (out.size() == parts) out += "outside this policy: none of its decisions answers this case";  // as the full view says
  // The names of the obligations owed and flags raised, sorted, each once (as name_outcome).
  std::vector<const std::string*> names;
  auto list = [&](const char* head, auto&& each) {
    names.clear();
    each();
    if (names.empty()) return;
    std::sort(names.begin(), names.end(), [](const std::string* a, const std::string* b) { return *a < *b; });
    names.erase(std::unique(names.begin(), names.end(), [](const std::string* a, const std::string* b) { return *a == *b; }),
                names.end());
    out += head;
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (i > 0) out += ", ";
      out += *names[i];
    }
  };
  list("; owes ", [&] {
    for (Index i : ev.outcome.owed) names.push_back(&p.obligations[p.owes[i].what].name);
  });
  list("; flags ", [&] {
    for (Index i : ev.outcome.raised) names.push_back(&p.flags[p.raises[i].what].name);
  });
  out += '\n';
  return out;
}

std::string render_why_not(const CompiledPolicy& p, const CaseEvaluation& ev, const WhyNot& why, const TextOptions& options) {
  std::string out;
  Writer w(out, p, ev, options.color);
  w.why_not(why);
  return out;
}

}  // namespace decree::engine
