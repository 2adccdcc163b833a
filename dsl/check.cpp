// The checker: names, types, values, exceptions and cycles of a parsed policy, every problem
// reported at once and in words a student reads; resolves each name in a condition as it goes.
#include "dsl/check.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "dsl/types.hpp"

namespace decree::dsl {

namespace {

using ast::Expr;
using ast::ItemKind;

// Conditions nest at most 64 levels by the parser's limit; this guards a tree built another way.
constexpr int kMaxDepth = 256;

std::string quoted(const std::string& name) { return "`" + name + "`"; }

std::string join_names(const std::vector<std::string>& names, const char* separator = " | ") {
  return fmt::format("{}", fmt::join(names, separator));
}

// "`a`", "`a` and `b`", "`a`, `b` and `c`"
std::string list_in_words(const std::vector<std::string>& names) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += i + 1 == names.size() ? " and " : ", ";
    out += quoted(names[i]);
  }
  return out;
}

const char* kind_word(ItemKind k) {
  switch (k) {
    case ItemKind::Type: return "type";
    case ItemKind::Fact: return "fact";
    case ItemKind::Definition: return "definition";
    case ItemKind::Decision: return "decision";
    case ItemKind::Authority: return "authority";
    case ItemKind::Obligation: return "obligation";
    case ItemKind::Flag: return "flag";
    case ItemKind::Rule: return "rule";
  }
  return "item";
}


int days_in_month(int year, int month) {
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12) return 0;
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : days[month - 1];
}

const char* month_name(int month) {
  static const char* names[] = {"January", "February", "March",     "April",   "May",      "June",
                                "July",    "August",   "September", "October", "November", "December"};
  return month >= 1 && month <= 12 ? names[month - 1] : "?";
}

// Why a date is not a day of the calendar, or "" when it is one.
std::string date_problem(const ast::Date& d) {
  if (d.year < 1 || d.year > 9999) return fmt::format("the year {} is outside 1..9999", d.year);
  if (d.month < 1 || d.month > 12) return fmt::format("there is no month {} (months are 01 to 12)", d.month);
  int days = days_in_month(d.year, d.month);
  if (d.day < 1 || d.day > days) return fmt::format("{} {} has {} days", month_name(d.month), d.year, days);
  return {};
}

std::string date_text(const ast::Date& d) { return fmt::format("{:04}-{:02}-{:02}", d.year, d.month, d.day); }

// What a value in a comparison is, for type checks and messages.
struct Operand {
  FactType type;
  std::string what;  // "fact `request`", "the number 3", ...
};

struct FactInfo {
  const ast::FactDecl* decl = nullptr;
  std::optional<FactType> type;  // nullopt while unknown or when its type names nothing
  bool used = false;
};

// A name used in a definition's body, for finding cycles through definitions.
struct Use {
  std::string name;
  SourceLoc loc;
};

class Checker {
 public:
  Checker(ast::Policy& policy, const CheckOptions& options) : policy_(policy), options_(options) {}

  std::vector<Diagnostic> run() {
    declare_all();
    check_header();
    for (auto& item : policy_.items) check_item(item);
    find_definition_cycles();
    find_exception_cycles();
    find_exceptions_to_followers();
    warn_unused_facts();
    sort_by_place(out_);
    return std::move(out_);
  }

 private:
  ast::Policy& policy_;
  const CheckOptions& options_;
  std::vector<Diagnostic> out_;

  // Tables of what is declared, first declaration wins; the vectors keep declaration order.
  std::map<std::string, const ast::TypeDecl*> types_;
  std::map<std::string, FactInfo> facts_;
  std::map<std::string, const ast::Definition*> definitions_;
  std::map<std::string, const ast::DecisionDecl*> decisions_;
  const ast::Rule* reading_rule_ = nullptr;  // while its `when` is checked: decisions may be read
  const Expr* decision_read_ = nullptr;      // the first decision that `when` reads
  struct Follower {
    const ast::Rule* rule;
    DiagnosticNote read;
  };
  std::vector<Follower> followers_;          // rules that read a decision
  std::map<std::string, const ast::Declared*> authorities_, obligations_, flags_;
  std::map<std::string, const ast::Rule*> rules_;
  std::map<std::string, const ast::SourceDecl*> sources_;
  std::vector<std::string> type_order_, fact_order_, definition_order_, decision_order_, authority_order_,
      obligation_order_, flag_order_, rule_order_, source_order_;

  // Definition being checked (for cycles) and the names its body uses.
  const ast::Definition* current_definition_ = nullptr;
  std::map<std::string, std::vector<Use>> definition_uses_;
  bool reported_too_deep_ = false;

  void error(std::string code, const SourceLoc& loc, std::string message, std::string hint = {},
             std::vector<DiagnosticNote> notes = {}) {
    auto d = make_error(std::move(code), loc, std::move(message), std::move(hint));
    d.notes = std::move(notes);
    out_.push_back(std::move(d));
  }
  void warning(std::string code, const SourceLoc& loc, std::string message, std::string hint = {}) {
    out_.push_back(make_warning(std::move(code), loc, std::move(message), std::move(hint)));
  }

  static std::string did_you_mean(const std::string& wrong, const std::vector<std::string>& candidates) {
    std::string near = nearest_name(wrong, candidates);
    return near.empty() ? std::string{} : fmt::format("did you mean {}?", quoted(near));
  }

  const DroppedItem* dropped(const std::string& name, std::initializer_list<ItemKind> kinds) const {
    for (const auto& d : options_.dropped)
      if (d.name == name && std::find(kinds.begin(), kinds.end(), d.kind) != kinds.end()) return &d;
    return nullptr;
  }

  // Reports a use of a name whose item the amendment dropped; false when it was not dropped.
  bool report_if_dropped(const ast::Name& name, std::initializer_list<ItemKind> kinds, const std::string& used_as) {
    const DroppedItem* d = dropped(name.text, kinds);
    if (d == nullptr) return false;
    error("check.uses-dropped", name.loc,
          fmt::format("{} is {}, but the amendment drops {} {}", quoted(name.text), used_as, kind_word(d->kind),
                      quoted(name.text)),
          fmt::format("drop or change what uses it too, or keep {} {}", kind_word(d->kind), quoted(name.text)),
          {{d->dropped_at, fmt::format("{} {} is dropped here", kind_word(d->kind), quoted(name.text))}});
    return true;
  }

  // ---- declarations ---------------------------------------------------------------------

  template <typename Table, typename Decl>
  bool declare(Table& table, std::vector<std::string>& order, const ast::Name& name, Decl decl, const char* as) {
    auto [it, inserted] = table.emplace(name.text, decl);
    if (!inserted) {
      duplicate(name, as, it->second->name.loc);
      return false;
    }
    order.push_back(name.text);
    return true;
  }

  void duplicate(const ast::Name& name, const char* first_kind, const SourceLoc& first) {
    error("check.duplicate-name", name.loc,
          fmt::format("{} is declared twice: there is already {} named {}", quoted(name.text), first_kind,
                      quoted(name.text)),
          "give one of them another name (each name may be declared once)",
          {{first, fmt::format("{} first declared here", quoted(name.text))}});
  }

  void declare_all() {
    const bool amendment = policy_.header.extends.has_value();
    for (auto& item : policy_.items) {
      if (item.op != ast::Item::Op::Add && !amendment) {
        const char* word = item.op == ast::Item::Op::Drop ? "drop" : "replace";
        error("check.not-an-amendment", item.loc,
              fmt::format("`{}` changes a base policy, but this policy does not extend one", word),
              "to amend a policy, add `extends BASE in \"path/to/base.decree\"` to the header");
      }
      if (item.op == ast::Item::Op::Drop) continue;
      std::visit([&](auto& body) { declare_body(item, body); }, item.body);
    }
    // Facts' types, now that every `type` is known.
    for (auto& [name, info] : facts_) info.type = resolve_type(policy_, info.decl->type);
  }

  void check_values(const std::vector<ast::Name>& values, const ast::Name& owner, const char* what) {
    if (values.size() < 2)
      error("check.too-few-values", values.empty() ? owner.loc : values[0].loc,
            fmt::format("{} {} has only one value; it needs two or more", what, quoted(owner.text)),
            std::string_view(what) == "decision"
                ? "a decision chooses one of its values: list every value it can take, separated by `|`, e.g. "
                  "`granted | refused`"
                : "list the values separated by `|`, e.g. `granted | refused`");
    std::map<std::string, const ast::Name*> seen;
    for (const auto& v : values) {
      auto [it, inserted] = seen.emplace(v.text, &v);
      if (!inserted)
        error("check.duplicate-value", v.loc,
              fmt::format("the value {} is listed twice in {} {}", quoted(v.text), what, quoted(owner.text)),
              "remove one of them", {{it->second->loc, "first listed here"}});
    }
  }

  void declare_body(ast::Item&, ast::TypeDecl& t) {
    static const std::set<std::string> builtin = {"bool", "int", "date", "text"};
    if (builtin.count(t.name.text) != 0) {
      error("check.builtin-type", t.name.loc,
            fmt::format("{} is a built-in type and cannot be declared again", quoted(t.name.text)),
            "give your type another name");
    } else {
      declare(types_, type_order_, t.name, &t, "a type");
    }
    check_values(t.values, t.name, "type");
  }

  void declare_body(ast::Item&, ast::FactDecl& f) {
    if (auto d = definitions_.find(f.name.text); d != definitions_.end()) {
      duplicate(f.name, "a definition", d->second->name.loc);
    } else if (auto it = facts_.find(f.name.text); it != facts_.end()) {
      duplicate(f.name, "a fact", it->second.decl->name.loc);
    } else {
      facts_[f.name.text].decl = &f;
      fact_order_.push_back(f.name.text);
    }
    if (!f.type.values.empty()) check_values(f.type.values, f.name, "the enumeration of fact");
  }

  void declare_body(ast::Item&, ast::Definition& d) {
    if (auto f = facts_.find(d.name.text); f != facts_.end()) {
      duplicate(d.name, "a fact", f->second.decl->name.loc);
      return;
    }
    declare(definitions_, definition_order_, d.name, &d, "a definition");
  }

  void declare_body(ast::Item&, ast::DecisionDecl& d) {
    declare(decisions_, decision_order_, d.name, &d, "a decision");
    check_values(d.values, d.name, "decision");
  }

  void declare_body(ast::Item&, ast::Declared& d) {
    switch (d.kind) {
      case ast::Declared::Kind::Authority:
        declare(authorities_, authority_order_, d.name, &d, "an authority");
        break;
      case ast::Declared::Kind::Obligation:
        declare(obligations_, obligation_order_, d.name, &d, "an obligation");
        break;
      case ast::Declared::Kind::Flag:
        declare(flags_, flag_order_, d.name, &d, "a flag");
        break;
    }
  }

  void declare_body(ast::Item&, ast::Rule& r) { declare(rules_, rule_order_, r.name, &r, "a rule"); }

  // ---- the header -----------------------------------------------------------------------

  bool check_date(const ast::Date& d, const SourceLoc& loc) {
    std::string problem = date_problem(d);
    if (problem.empty()) return true;
    error("check.invalid-date", loc, fmt::format("{} is not a day of the calendar: {}", date_text(d), problem),
          "write a real date as YYYY-MM-DD");
    return false;
  }

  bool check_range(const ast::DateRange& r, const char* what) {
    bool valid = check_date(r.first, r.loc);
    if (r.last != r.first) valid = check_date(r.last, r.loc) && valid;
    if (valid && r.last < r.first) {
      error("check.date-range-reversed", r.loc,
            fmt::format("the {} range {} .. {} ends before it starts", what, date_text(r.first), date_text(r.last)),
            fmt::format("write the earlier date first: {} .. {}", date_text(r.last), date_text(r.first)));
      return false;
    }
    return valid;
  }

  void check_header() {
    auto& h = policy_.header;
    if (h.status) {
      static const std::vector<std::string> statuses = {"enacted", "draft", "counterfactual", "common"};
      if (std::find(statuses.begin(), statuses.end(), h.status->text) == statuses.end()) {
        std::string hint = did_you_mean(h.status->text, statuses);
        hint += (hint.empty() ? "" : " ") + std::string("a status is enacted, draft, counterfactual or common");
        error("check.unknown-status", h.status->loc, fmt::format("{} is not a status", quoted(h.status->text)), hint);
      }
    }
    bool from_ok = h.in_force_from && check_range(*h.in_force_from, "`in force from`");
    bool until_ok = h.in_force_until && check_range(*h.in_force_until, "`until`");
    if (from_ok && until_ok && h.in_force_until->last < h.in_force_from->first)
      error("check.until-before-from", h.in_force_until->loc,
            fmt::format("the policy is in force until {}, before it comes into force on {}",
                        date_text(h.in_force_until->last), date_text(h.in_force_from->first)),
            "`until` must not be earlier than `in force from`",
            {{h.in_force_from->loc, "it comes into force here"}});
    if (h.scope) condition(h.scope->condition, 0);
    for (const auto& s : h.sources) {
      auto [it, inserted] = sources_.emplace(s.key.text, &s);
      if (!inserted)
        error("check.duplicate-source", s.key.loc, fmt::format("source {} is declared twice", quoted(s.key.text)),
              "declare each source once", {{it->second->key.loc, "first declared here"}});
      else
        source_order_.push_back(s.key.text);
    }
  }

  // ---- items ----------------------------------------------------------------------------

  void check_item(ast::Item& item) {
    if (item.op == ast::Item::Op::Drop) return;
    std::visit([&](auto& body) { check_body(body); }, item.body);
  }

  void check_citations(const std::vector<ast::Citation>& cites) {
    for (const auto& c : cites) {
      if (sources_.count(c.source.text) != 0) continue;
      std::string hint = did_you_mean(c.source.text, source_order_);
      if (hint.empty())
        hint = source_order_.empty()
                   ? fmt::format("declare it in the header: `source {} \"what the document is\"`", c.source.text)
                   : fmt::format("the declared sources are {}", list_in_words(source_order_));
      error("check.undeclared-source", c.source.loc,
            fmt::format("{} is not a declared source: expected a source from the policy's header", quoted(c.source.text)),
            hint);
    }
  }

  void check_body(ast::TypeDecl&) {}

  void check_body(ast::FactDecl& f) {
    if (f.type.is_set) {
      ast::TypeRef element = f.type;
      element.is_set = false;
      auto t = resolve_type(policy_, element);
      if (t && t->kind != FactType::Kind::Enum) {
        error("check.set-of-non-enumeration", f.type.name.loc,
              fmt::format("a set holds values of an enumeration, but {} is {}", quoted(f.type.name.text), type_words(*t)),
              "declare a `type` with the values it may hold, e.g. `type reason: illness | family`, and write `set of reason`");
        return;
      }
      if (t && t->values.size() > kMaxSetValues) {
        error("check.set-too-large", f.type.loc,
              fmt::format("a set of {} values: sets are limited to {} values", t->values.size(), kMaxSetValues),
              "split the values into smaller types");
        return;
      }
      if (t) return;
    }
    if (!f.type.values.empty() || resolve_type(policy_, f.type)) return;
    if (report_if_dropped(f.type.name, {ItemKind::Type}, "the type of fact " + quoted(f.name.text))) return;
    std::vector<std::string> candidates = {"bool", "int", "date", "text"};
    candidates.insert(candidates.end(), type_order_.begin(), type_order_.end());
    std::string hint = did_you_mean(f.type.name.text, candidates);
    if (hint.empty())
      hint = fmt::format("a fact's type is bool, int, date, text, a declared `type`, or values like `a | b`");
    error("check.unknown-type", f.type.name.loc,
          fmt::format("{} is not a type: expected bool, int, date, text or a declared type", quoted(f.type.name.text)),
          hint);
  }

  void check_body(ast::Definition& d) {
    if (definitions_.count(d.name.text) != 0 && definitions_.at(d.name.text) == &d) {
      current_definition_ = &d;
      condition(d.body, 0);
      current_definition_ = nullptr;
    } else {
      condition(d.body, 0);
    }
    check_citations(d.cites);
  }

  void check_body(ast::DecisionDecl& d) {
    if (d.default_value) {
      const auto& v = *d.default_value;
      if (std::none_of(d.values.begin(), d.values.end(), [&](const ast::Name& n) { return n.text == v.text; }))
        error("check.default-not-a-value", v.loc,
              fmt::format("the default {} is not one of the values of decision {}", quoted(v.text), quoted(d.name.text)),
              values_hint(v.text, names_of(d.values), "its values are"));
    }
    if (d.applies_when) condition(*d.applies_when, 0);
    check_citations(d.cites);
  }

  // An obligation's `indicating` names facts its report gives for each person.
  void check_body(ast::Declared& d) {
    for (const auto& n : d.indicating) {
      if (auto f = facts_.find(n.text); f != facts_.end()) {
        use_fact(f->second);
        continue;
      }
      std::string near = nearest_name(n.text, fact_order_);
      // The fact most likely meant counts as used: one slip, one message.
      if (!near.empty()) use_fact(facts_.at(near));
      error("check.undeclared-fact", n.loc,
            fmt::format("{} is not declared: an obligation's report indicates facts", quoted(n.text)),
            near.empty() ? std::string() : fmt::format("did you mean {}?", quoted(near)));
    }
  }

  static std::vector<std::string> names_of(const std::vector<ast::Name>& names) {
    std::vector<std::string> out;
    for (const auto& n : names) out.push_back(n.text);
    return out;
  }

  static std::string values_hint(const std::string& wrong, const std::vector<std::string>& values, const char* intro) {
    std::string hint = did_you_mean(wrong, values);
    if (!hint.empty()) hint += " ";
    return hint + fmt::format("{} {}", intro, join_names(values));
  }

  // The decisions a rule sets, in the order it sets them.
  static std::vector<std::string> decisions_set(const ast::Rule& r) {
    std::vector<std::string> out;
    for (const auto& c : r.then)
      if (c.kind == ast::Conclusion::Kind::Set && std::find(out.begin(), out.end(), c.target.text) == out.end())
        out.push_back(c.target.text);
    return out;
  }

  static std::string sets_in_words(const std::string& rule, const std::vector<std::string>& decisions) {
    if (decisions.empty()) return fmt::format("{} sets no decision", quoted(rule));
    return fmt::format("{} sets decision{} {}", quoted(rule), decisions.size() == 1 ? "" : "s", list_in_words(decisions));
  }

  void check_body(ast::Rule& r) {
    // exception to
    std::map<std::string, const ast::Name*> listed;
    for (const auto& target : r.exception_to) {
      auto [it, inserted] = listed.emplace(target.text, &target);
      if (!inserted) {
        error("check.exception-listed-twice", target.loc,
              fmt::format("{} is listed twice after `exception to`", quoted(target.text)), "list each rule once",
              {{it->second->loc, "first listed here"}});
        continue;
      }
      auto defeated = rules_.find(target.text);
      if (defeated == rules_.end()) {
        if (const DroppedItem* d = dropped(target.text, {ItemKind::Rule})) {
          error("check.exception-to-dropped", target.loc,
                fmt::format("rule {} is an exception to {}, but the amendment drops rule {}", quoted(r.name.text),
                            quoted(target.text), quoted(target.text)),
                fmt::format("drop or replace {} too, or remove {} from its `exception to`", quoted(r.name.text),
                            quoted(target.text)),
                {{d->dropped_at, fmt::format("rule {} is dropped here", quoted(target.text))}});
          continue;
        }
        std::string hint = did_you_mean(target.text, rule_order_);
        if (hint.empty()) hint = "`exception to` names the rules this rule defeats when it applies";
        error("check.exception-to-missing", target.loc,
              fmt::format("rule {} is an exception to {}, but there is no rule named {}", quoted(r.name.text),
                          quoted(target.text), quoted(target.text)),
              hint);
        continue;
      }
      if (defeated->second == &r) continue;  // reported as a cycle
      if (r.when && names_a_decision(*r.when)) continue;  // reported as check.reads-decision-exception
      auto mine = decisions_set(r);
      auto theirs = decisions_set(*defeated->second);
      if (theirs.empty()) continue;  // it only owes or flags; an exception may cancel that
      bool common = std::any_of(mine.begin(), mine.end(),
                                [&](const std::string& d) { return std::find(theirs.begin(), theirs.end(), d) != theirs.end(); });
      if (!common)
        error("check.exception-unrelated", target.loc,
              fmt::format("rule {} cannot be an exception to {}: {}, but {}", quoted(r.name.text), quoted(target.text),
                          sets_in_words(r.name.text, mine), sets_in_words(target.text, theirs)),
              "an exception defeats another rule's conclusion, so it must set a decision that the rule also sets",
              {{defeated->second->name.loc, fmt::format("rule {} is declared here", quoted(target.text))}});
    }
    if (r.when) {
      reading_rule_ = &r;
      decision_read_ = nullptr;
      condition(*r.when, 0);
      reading_rule_ = nullptr;
      if (decision_read_ != nullptr) follows_decision(r, *decision_read_);
    }
    std::map<std::string, const ast::Conclusion*> set;
    for (const auto& c : r.then) {
      conclusion(c);
      if (c.kind != ast::Conclusion::Kind::Set) continue;
      auto [it, inserted] = set.emplace(c.target.text, &c);
      if (!inserted)
        error("check.decision-set-twice", c.target.loc,
              fmt::format("rule {} sets decision {} twice", quoted(r.name.text), quoted(c.target.text)),
              "a rule sets each decision once; write two rules for two outcomes",
              {{it->second->target.loc, "first set here"}});
    }
    check_citations(r.cites);
    if (r.cites.empty())
      warning("check.uncited-rule", r.name.loc, fmt::format("rule {} cites no source", quoted(r.name.text)),
              "add a line `cites SOURCE SECTION \"quoted clause\"`, so that a trace can point to the text the rule encodes");
  }

  std::string other_kind_hint(const std::string& name, ItemKind wanted) const {
    if (wanted != ItemKind::Decision && decisions_.count(name) != 0)
      return fmt::format("{} is a decision: set it with `{} = VALUE`", quoted(name), name);
    if (wanted != ItemKind::Obligation && obligations_.count(name) != 0)
      return fmt::format("{} is an obligation: write `owe {}`", quoted(name), name);
    if (wanted != ItemKind::Flag && flags_.count(name) != 0)
      return fmt::format("{} is a flag: write `flag {}`", quoted(name), name);
    return {};
  }

  void conclusion(const ast::Conclusion& c) {
    using K = ast::Conclusion::Kind;
    switch (c.kind) {
      case K::Set: {
        auto it = decisions_.find(c.target.text);
        if (it == decisions_.end()) {
          if (report_if_dropped(c.target, {ItemKind::Decision}, "set here")) return;
          std::string hint = other_kind_hint(c.target.text, ItemKind::Decision);
          if (hint.empty()) hint = did_you_mean(c.target.text, decision_order_);
          if (hint.empty() && !decision_order_.empty())
            hint = fmt::format("the declared decisions are {}", list_in_words(decision_order_));
          error("check.undeclared-decision", c.target.loc,
                fmt::format("{} is not a declared decision: expected a decision to set", quoted(c.target.text)), hint);
        } else {
          const auto& values = it->second->values;
          if (std::none_of(values.begin(), values.end(), [&](const ast::Name& n) { return n.text == c.value.text; }))
            error("check.not-a-value", c.value.loc,
                  fmt::format("decision {} has no value {}", quoted(c.target.text), quoted(c.value.text)),
                  values_hint(c.value.text, names_of(values), "its values are"));
        }
        if (c.by && authorities_.count(c.by->text) == 0 &&
            !report_if_dropped(*c.by, {ItemKind::Authority}, "named as who decides")) {
          std::string hint = did_you_mean(c.by->text, authority_order_);
          if (hint.empty())
            hint = authority_order_.empty()
                       ? fmt::format("declare it first: `authority {} \"who it is\"`", c.by->text)
                       : fmt::format("the declared authorities are {}", list_in_words(authority_order_));
          error("check.undeclared-authority", c.by->loc,
                fmt::format("{} is not a declared authority: expected who decides, after `by`", quoted(c.by->text)),
                hint);
        }
        return;
      }
      case K::Owe:
      case K::Flag: {
        const bool owe = c.kind == K::Owe;
        const auto& table = owe ? obligations_ : flags_;
        const auto& order = owe ? obligation_order_ : flag_order_;
        if (table.count(c.target.text) != 0) return;
        const ItemKind kind = owe ? ItemKind::Obligation : ItemKind::Flag;
        if (report_if_dropped(c.target, {kind}, owe ? "owed here" : "raised here")) return;
        std::string hint = other_kind_hint(c.target.text, kind);
        if (hint.empty()) hint = did_you_mean(c.target.text, order);
        if (hint.empty())
          hint = order.empty() ? fmt::format("declare it first: `{} {} \"what it means\"`", owe ? "obligation" : "flag",
                                             c.target.text)
                               : fmt::format("the declared {} are {}", owe ? "obligations" : "flags", list_in_words(order));
        error(owe ? "check.undeclared-obligation" : "check.undeclared-flag", c.target.loc,
              fmt::format("{} is not a declared {}: expected {} after `{}`", quoted(c.target.text), kind_word(kind),
                          owe ? "an obligation" : "a flag", owe ? "owe" : "flag"),
              hint);
        return;
      }
    }
  }

  // ---- conditions -----------------------------------------------------------------------

  bool too_deep(const Expr& e, int depth) {
    if (depth <= kMaxDepth) return false;
    if (!reported_too_deep_)
      error("check.too-deep", e.loc, fmt::format("this condition is nested more than {} levels deep", kMaxDepth),
            "split it into definitions");
    reported_too_deep_ = true;
    return true;
  }

  void use_fact(FactInfo& f) { f.used = true; }

  void use_definition(const ast::Name& name) {
    if (current_definition_ != nullptr) definition_uses_[current_definition_->name.text].push_back({name.text, name.loc});
  }

  // The facts whose enumerations have `value` among their values, for "write `x is v`" hints.
  std::vector<std::string> facts_with_value(const std::string& value) const {
    std::vector<std::string> out;
    for (const auto& name : fact_order_) {
      const auto& f = facts_.at(name);
      if (f.type && f.type->kind == FactType::Kind::Enum &&
          std::find(f.type->values.begin(), f.type->values.end(), value) != f.type->values.end())
        out.push_back(name);
    }
    return out;
  }

  std::vector<std::string> condition_names() const {
    std::vector<std::string> out = fact_order_;
    out.insert(out.end(), definition_order_.begin(), definition_order_.end());
    return out;
  }

  void undeclared_in_condition(const ast::Name& name, const char* expected) {
    if (report_if_dropped(name, {ItemKind::Fact, ItemKind::Definition}, "used in this condition")) return;
    std::string hint;
    // The fact the author most likely meant counts as used, so that one slip gives one message.
    auto owners = facts_with_value(name.text);
    if (!owners.empty()) {
      hint = fmt::format("{} is a value of fact {}: write `{} is {}`", quoted(name.text), quoted(owners[0]), owners[0],
                         name.text);
      use_fact(facts_.at(owners[0]));
    }
    if (hint.empty()) {
      std::string near = nearest_name(name.text, condition_names());
      if (!near.empty()) {
        hint = fmt::format("did you mean {}?", quoted(near));
        if (auto f = facts_.find(near); f != facts_.end()) use_fact(f->second);
      }
    }
    if (auto d = decisions_.find(name.text); hint.empty() && d != decisions_.end())
      hint = fmt::format("{} is a decision: a rule's `when` may test its outcome, e.g. `{} is {}`", quoted(name.text),
                         name.text, d->second->values.empty() ? std::string("VALUE") : d->second->values.front().text);
    error("check.undeclared-name", name.loc, fmt::format("{} is not declared: expected {}", quoted(name.text), expected),
          hint);
  }

  // `e` used as a condition: it must be true, false or unknown.
  void condition(Expr& e, int depth) {
    if (too_deep(e, depth)) return;
    using K = Expr::Kind;
    switch (e.kind) {
      case K::Literal:
        if (e.literal.kind != ast::Literal::Kind::Bool)
          error("check.not-a-condition", e.loc,
                fmt::format("{} is not a condition: expected something true or false", literal_words(e.literal)),
                "compare it with a fact, e.g. `years_in_dprk >= 3`");
        return;
      case K::Name: name_condition(e); return;
      case K::Not:
      case K::And:
      case K::Or:
        for (auto& operand : e.operands) condition(operand, depth + 1);
        return;
      case K::Compare: compare(e, depth); return;
      case K::IsKnown:
      case K::IsUnknown: is_known(e); return;
      case K::Is:
      case K::IsNot: is_value(e); return;
      case K::Has: has_value(e); return;
      case K::IsEmpty:
      case K::IsNotEmpty: is_empty(e); return;
    }
  }

  // The set fact a `has` or `is empty` asks about; reports it when `n` is not one.
  const FactType* set_subject(Expr& e, const char* form) {
    const std::string& n = e.name.text;
    auto f = facts_.find(n);
    if (f == facts_.end()) {
      if (definitions_.count(n) != 0) {
        e.ref = ast::Ref::Definition;
        use_definition(e.name);
        error("check.needs-set", e.name.loc,
              fmt::format("`{}` asks about a set fact, but {} is a definition, true or false", form, quoted(n)),
              fmt::format("test it alone: `{}` or `not {}`", n, n));
        return nullptr;
      }
      undeclared_in_condition(e.name, fmt::format("a set fact before `{}`", form).c_str());
      return nullptr;
    }
    e.ref = ast::Ref::Fact;
    use_fact(f->second);
    if (!f->second.type) return nullptr;
    const FactType& t = *f->second.type;
    if (t.kind == FactType::Kind::Set) return &t;
    std::string hint = t.kind == FactType::Kind::Enum
                           ? fmt::format("{} holds one value: test it with `{} is {}`", quoted(n), n,
                                         e.kind == Expr::Kind::Has ? e.value.text : t.values.front())
                           : fmt::format("declare it `fact {}: set of TYPE` to hold several values", n);
    error("check.needs-set", e.name.loc,
          fmt::format("`{}` asks about a set, but fact {} is {}", form, quoted(n), type_words(t)), hint);
    return nullptr;
  }

  // `stated_reasons has illness`, or `stated_reasons has recorded_reason` (an enumeration fact of
  // the set's own values).
  void has_value(Expr& e) {
    const FactType* t = set_subject(e, "has");
    if (t == nullptr) return;
    const std::string& n = e.name.text;
    const std::string& v = e.value.text;
    if (std::find(t->values.begin(), t->values.end(), v) != t->values.end()) return;
    if (auto f = facts_.find(v); f != facts_.end()) {
      use_fact(f->second);
      if (!f->second.type) return;
      const FactType& other = *f->second.type;
      if (other.kind == FactType::Kind::Enum && other.values == t->values) {
        e.value_is_fact = true;
        return;
      }
      error("check.type-mismatch", e.value.loc,
            fmt::format("{} holds {}, but fact {} is {}", quoted(n), type_words(*t), quoted(v), type_words(other)),
            "`x has y` asks whether a set holds a value, or the value of an enumeration fact of the same type");
      return;
    }
    error("check.not-a-value", e.value.loc, fmt::format("the set {} cannot hold {}", quoted(n), quoted(v)),
          values_hint(v, t->values, fmt::format("{} holds values of", quoted(n)).c_str()));
  }

  void is_empty(Expr& e) { set_subject(e, e.kind == Expr::Kind::IsEmpty ? "is empty" : "is not empty"); }

  static std::string literal_words(const ast::Literal& l) {
    switch (l.kind) {
      case ast::Literal::Kind::Bool: return fmt::format("`{}`", l.boolean ? "true" : "false");
      case ast::Literal::Kind::Int: return fmt::format("the number {}", l.integer);
      case ast::Literal::Kind::Date: return fmt::format("the date {}", date_text(l.date));
      case ast::Literal::Kind::Text: return fmt::format("the text \"{}\"", l.text);
    }
    return "?";
  }

  void name_condition(Expr& e) {
    const std::string& n = e.name.text;
    if (definitions_.count(n) != 0) {
      e.ref = ast::Ref::Definition;
      use_definition(e.name);
      return;
    }
    auto f = facts_.find(n);
    if (f == facts_.end()) {
      undeclared_in_condition(e.name, "a bool fact or a definition");
      return;
    }
    e.ref = ast::Ref::Fact;
    use_fact(f->second);
    if (!f->second.type || f->second.type->kind == FactType::Kind::Bool) return;
    const FactType& t = *f->second.type;
    std::string hint;
    switch (t.kind) {
      case FactType::Kind::Enum:
        hint = fmt::format("test one of its values, e.g. `{} is {}`; its values are {}", n, t.values[0], join_names(t.values));
        break;
      case FactType::Kind::Int: hint = fmt::format("compare it, e.g. `{} >= 3`", n); break;
      case FactType::Kind::Date: hint = fmt::format("compare it, e.g. `{} < 1956-02-10`", n); break;
      case FactType::Kind::Text: hint = fmt::format("compare it, e.g. `{} = \"...\"`, or ask `{} is known`", n, n); break;
      case FactType::Kind::Set:
        hint = fmt::format("ask what it holds, e.g. `{} has {}`, or `{} is empty`", n, t.values.empty() ? "v" : t.values[0], n);
        break;
      case FactType::Kind::Bool: break;
    }
    error("check.not-a-condition", e.name.loc,
          fmt::format("fact {} is {}, not true or false, so it cannot stand alone as a condition", quoted(n), type_words(t)),
          hint);
  }

  // A name that means a decision where a condition reads it (facts and definitions come first).
  bool is_decision_name(const std::string& n) const {
    return decisions_.count(n) != 0 && facts_.count(n) == 0 && definitions_.count(n) == 0;
  }

  // Whether `e` tests a decision's outcome (`return is granted`) anywhere.
  bool names_a_decision(const Expr& e) const {
    if ((e.kind == Expr::Kind::Is || e.kind == Expr::Kind::IsNot) && is_decision_name(e.name.text)) return true;
    return std::any_of(e.operands.begin(), e.operands.end(), [&](const Expr& o) { return names_a_decision(o); });
  }

  // `return is granted`: only in the `when` of a rule that owes or flags (see follows_decision).
  void decision_value(Expr& e, const ast::DecisionDecl& d) {
    const std::string& n = e.name.text;
    const std::string& v = e.value.text;
    if (reading_rule_ == nullptr) {
      error("check.decision-read-here", e.name.loc,
            fmt::format("decision {} is read here, but only a rule's `when` may read a decision", quoted(n)),
            "definitions and `applies when` read facts; move the test into the `when` of the rule that follows from "
            "the decision");
      return;
    }
    e.ref = ast::Ref::Decision;
    if (decision_read_ == nullptr) decision_read_ = &e;
    std::vector<std::string> values = names_of(d.values);
    if (std::find(values.begin(), values.end(), v) == values.end())
      error("check.not-a-value", e.value.loc, fmt::format("decision {} has no value {}", quoted(n), quoted(v)),
            values_hint(v, values, fmt::format("{} is one of", quoted(n)).c_str()));
  }

  // A rule whose `when` reads a decision follows from it: it may owe and flag, but neither set a
  // decision nor take part in exceptions, so that no decision can depend on itself and the
  // decisions are settled before any rule reads them.
  void follows_decision(const ast::Rule& r, const Expr& read) {
    auto sets = decisions_set(r);
    const DiagnosticNote note{read.name.loc, fmt::format("it reads decision {} here", quoted(read.name.text))};
    if (!sets.empty())
      error("check.reads-decision-and-sets", r.name.loc,
            fmt::format("rule {} reads a decision and sets decision{} {}: a rule that follows from a decision may "
                        "only owe and flag",
                        quoted(r.name.text), sets.size() == 1 ? "" : "s", list_in_words(sets)),
            "set the decision in a rule that reads only facts and definitions", {note});
    if (!r.exception_to.empty())
      error("check.reads-decision-exception", r.exception_to.front().loc,
            fmt::format("rule {} reads a decision, so it cannot be an exception to another rule", quoted(r.name.text)),
            "an exception changes a decision; a rule that follows from a decision only owes and flags", {note});
    followers_.push_back({&r, note});
  }

  void is_known(Expr& e) {
    const std::string& n = e.name.text;
    const char* form = e.kind == Expr::Kind::IsKnown ? "is known" : "is unknown";
    if (auto f = facts_.find(n); f != facts_.end()) {
      e.ref = ast::Ref::Fact;
      use_fact(f->second);
      return;
    }
    if (auto d = definitions_.find(n); d != definitions_.end()) {
      e.ref = ast::Ref::Definition;
      use_definition(e.name);
      error("check.known-on-definition", e.name.loc,
            fmt::format("`{}` asks whether the case gives a fact, but {} is a definition, derived from facts", form, quoted(n)),
            "ask it of the facts the definition uses");
      return;
    }
    undeclared_in_condition(e.name, fmt::format("a fact before `{}`", form).c_str());
  }

  void is_value(Expr& e) {
    const std::string& n = e.name.text;
    const std::string& v = e.value.text;
    const char* form = e.kind == Expr::Kind::Is ? "is" : "is not";
    const bool bool_value = v == "true" || v == "false";
    if (is_decision_name(n)) {
      decision_value(e, *decisions_.at(n));
      return;
    }
    if (auto d = definitions_.find(n); d != definitions_.end()) {
      e.ref = ast::Ref::Definition;
      use_definition(e.name);
      if (!bool_value)
        error("check.not-a-value", e.value.loc,
              fmt::format("definition {} is true or false, not {}", quoted(n), quoted(v)),
              fmt::format("write `{}` or `not {}`", n, n));
      return;
    }
    auto f = facts_.find(n);
    if (f == facts_.end()) {
      // `korean is ethnicity`, written the wrong way round?
      if (facts_.count(v) != 0 && facts_with_value(n) == std::vector<std::string>{v}) {
        error("check.undeclared-name", e.name.loc,
              fmt::format("{} is not declared: expected a fact before `{}`", quoted(n), form),
              fmt::format("the fact comes first: `{} {} {}`", v, form, n));
        return;
      }
      undeclared_in_condition(e.name, fmt::format("a fact before `{}`", form).c_str());
      return;
    }
    e.ref = ast::Ref::Fact;
    use_fact(f->second);
    if (!f->second.type) return;
    const FactType& t = *f->second.type;
    switch (t.kind) {
      case FactType::Kind::Enum:
        if (std::find(t.values.begin(), t.values.end(), v) == t.values.end())
          error("check.not-a-value", e.value.loc, fmt::format("fact {} has no value {}", quoted(n), quoted(v)),
                values_hint(v, t.values, fmt::format("{} is one of", quoted(n)).c_str()));
        return;
      case FactType::Kind::Bool:
        if (!bool_value)
          error("check.not-a-value", e.value.loc,
                fmt::format("fact {} is true or false, so it has no value {}", quoted(n), quoted(v)),
                fmt::format("test it alone: `{}` or `not {}`", n, n));
        return;
      case FactType::Kind::Set:
        error("check.is-on-set", e.value.loc,
              fmt::format("`{}` tests one value, but fact {} is {}", form, quoted(n), type_words(t)),
              fmt::format("ask whether it holds the value: `{}{} has {}`", e.kind == Expr::Kind::Is ? "" : "not ", n, v));
        return;
      default:
        error("check.is-needs-enumeration", e.value.loc,
              fmt::format("`{}` tests an enumeration's value, but fact {} is {}", form, quoted(n), type_words(t)),
              fmt::format("compare it with `{}` instead, e.g. `{} {} ...`", e.kind == Expr::Kind::Is ? "=" : "!=", n,
                          e.kind == Expr::Kind::Is ? "=" : "!="));
        return;
    }
  }

  // The type of one side of a comparison; `other` is the other side, which decides what a bare
  // name means (an enum fact on the other side makes it one of that fact's values).
  std::optional<Operand> operand(Expr& e, const Expr& other, int depth) {
    using K = Expr::Kind;
    if (e.kind == K::Literal) {
      FactType t;
      switch (e.literal.kind) {
        case ast::Literal::Kind::Bool: t.kind = FactType::Kind::Bool; break;
        case ast::Literal::Kind::Int: t.kind = FactType::Kind::Int; break;
        case ast::Literal::Kind::Date:
          t.kind = FactType::Kind::Date;
          if (!check_date(e.literal.date, e.loc)) return std::nullopt;
          break;
        case ast::Literal::Kind::Text: t.kind = FactType::Kind::Text; break;
      }
      return Operand{t, literal_words(e.literal)};
    }
    if (e.kind != K::Name) {
      condition(e, depth + 1);
      return Operand{FactType{}, "a condition"};
    }
    const std::string& n = e.name.text;
    if (auto f = facts_.find(n); f != facts_.end()) {
      e.ref = ast::Ref::Fact;
      use_fact(f->second);
      if (!f->second.type) return std::nullopt;
      return Operand{*f->second.type, "fact " + quoted(n)};
    }
    if (definitions_.count(n) != 0) {
      e.ref = ast::Ref::Definition;
      use_definition(e.name);
      return Operand{FactType{}, "definition " + quoted(n)};
    }
    // A bare name facing an enumeration fact is one of its values.
    if (other.kind == K::Name) {
      if (auto f = facts_.find(other.name.text); f != facts_.end() && f->second.type &&
                                                 f->second.type->kind == FactType::Kind::Enum) {
        const auto& values = f->second.type->values;
        if (std::find(values.begin(), values.end(), n) != values.end()) {
          e.ref = ast::Ref::EnumValue;
          return Operand{*f->second.type, "the value " + quoted(n)};
        }
        error("check.not-a-value", e.name.loc, fmt::format("fact {} has no value {}", quoted(other.name.text), quoted(n)),
              values_hint(n, values, fmt::format("{} is one of", quoted(other.name.text)).c_str()));
        return std::nullopt;
      }
    }
    undeclared_in_condition(e.name, "a fact, a definition or a value to compare");
    return std::nullopt;
  }

  static bool same_type(const FactType& a, const FactType& b) {
    if (a.kind != b.kind) return false;
    return a.kind != FactType::Kind::Enum || a.values == b.values;
  }

  // What values a type has, in words: "true or false", "a whole number", "one of a | b".
  static std::string type_words(const FactType& t) {
    switch (t.kind) {
      case FactType::Kind::Bool: return "true or false";
      case FactType::Kind::Int: return "a whole number";
      case FactType::Kind::Date: return "a date";
      case FactType::Kind::Text: return "a text";
      case FactType::Kind::Enum: return fmt::format("one of {}", join_names(t.values));
      case FactType::Kind::Set: return fmt::format("a set of {}", join_names(t.values));
    }
    return "?";
  }

  // An operand for a message: a literal speaks for itself, a name says what values it has.
  static std::string operand_words(const Operand& o, const Expr& e) {
    if (e.kind == Expr::Kind::Literal) return o.what;
    return fmt::format("{} ({})", o.what, type_words(o.type));
  }

  void compare(Expr& e, int depth) {
    if (e.operands.size() != 2) return;
    Expr& left = e.operands[0];
    Expr& right = e.operands[1];
    auto l = operand(left, right, depth);
    auto r = operand(right, left, depth);
    if (!l || !r) return;
    for (const auto* side : {&*l, &*r}) {
      if (side->type.kind != FactType::Kind::Set) continue;
      error("check.set-compared", e.loc,
            fmt::format("{} is {}: a set is not compared with `{}`", side->what, type_words(side->type), ast::to_string(e.op)),
            "ask what it holds: `x has v`, `x has other_fact`, `x is empty`");
      return;
    }
    const bool ordering = e.op != ast::CompareOp::Eq && e.op != ast::CompareOp::Ne;
    const char* op = ast::to_string(e.op);
    // The side to point at: a literal or a value is where the mismatch is usually written.
    auto blame = [&]() -> const Expr& {
      if (right.kind == Expr::Kind::Literal || right.ref == ast::Ref::EnumValue) return right;
      if (left.kind == Expr::Kind::Literal || left.ref == ast::Ref::EnumValue) return left;
      return e;
    };
    if (ordering) {
      for (const auto* side : {&*l, &*r}) {
        const auto k = side->type.kind;
        if (k == FactType::Kind::Int || k == FactType::Kind::Date) continue;
        std::string hint;
        if (k == FactType::Kind::Enum) hint = "an enumeration's values have no order; test one with `is`, e.g. `x is v`";
        else if (k == FactType::Kind::Bool) hint = "a bool is tested alone (`x`) or with `not x`";
        else hint = "texts are compared only with `=` or `!=`";
        error("check.not-ordered", e.loc,
              fmt::format("`{}` compares numbers or dates, but {} is {}", op, side->what, type_words(side->type)), hint);
        return;
      }
    }
    if (same_type(l->type, r->type)) return;
    // An enumeration compared with a quoted text: the value was probably written in quotes.
    for (auto [fact, lit] : {std::pair{&*l, &right}, std::pair{&*r, &left}}) {
      if (fact->type.kind == FactType::Kind::Enum && lit->kind == Expr::Kind::Literal &&
          lit->literal.kind == ast::Literal::Kind::Text) {
        const auto& values = fact->type.values;
        std::string hint = std::find(values.begin(), values.end(), lit->literal.text) != values.end()
                               ? fmt::format("write the value without quotes: `{}`", lit->literal.text)
                               : fmt::format("its values are {}", join_names(values));
        error("check.type-mismatch", lit->loc,
              fmt::format("{} is {}, so it cannot equal {}", fact->what, type_words(fact->type), literal_words(lit->literal)),
              hint);
        return;
      }
    }
    std::string hint;
    if (l->type.kind == FactType::Kind::Bool || r->type.kind == FactType::Kind::Bool)
      hint = "a bool is true or false: test it alone (`x`), with `not x`, or compare it with `true` or `false`";
    error("check.type-mismatch", blame().loc,
          fmt::format("cannot compare {} with {}", operand_words(*l, left), operand_words(*r, right)), hint);
  }

  // ---- cycles ---------------------------------------------------------------------------

  // Finds each cycle in a graph given in declaration order, once per strongly connected group,
  // and reports it starting at the group's first-declared member.
  struct Edge {
    std::string to;
    SourceLoc loc;
  };
  using Graph = std::map<std::string, std::vector<Edge>>;

  static std::vector<std::vector<std::string>> cycles(const Graph& graph, const std::vector<std::string>& order) {
    // Tarjan's algorithm, iteratively over an explicit stack (the graph comes from user input).
    std::map<std::string, int> index, low;
    std::set<std::string> on_stack;
    std::vector<std::string> stack;
    std::vector<std::vector<std::string>> groups;
    int counter = 0;
    for (const auto& start : order) {
      if (index.count(start) != 0) continue;
      std::vector<std::pair<std::string, std::size_t>> work = {{start, 0}};
      index[start] = low[start] = counter++;
      stack.push_back(start);
      on_stack.insert(start);
      while (!work.empty()) {
        auto& [node, next] = work.back();
        const auto it = graph.find(node);
        const std::vector<Edge>* edges = it == graph.end() ? nullptr : &it->second;
        if (edges != nullptr && next < edges->size()) {
          const std::string& to = (*edges)[next++].to;
          if (graph.count(to) == 0 && std::find(order.begin(), order.end(), to) == order.end()) continue;
          if (index.count(to) == 0) {
            index[to] = low[to] = counter++;
            stack.push_back(to);
            on_stack.insert(to);
            work.emplace_back(to, 0);
          } else if (on_stack.count(to) != 0) {
            low[node] = std::min(low[node], index[to]);
          }
          continue;
        }
        std::string done = node;
        work.pop_back();
        if (!work.empty()) low[work.back().first] = std::min(low[work.back().first], low[done]);
        if (low[done] == index[done]) {
          std::vector<std::string> group;
          std::string member;
          do {
            member = stack.back();
            stack.pop_back();
            on_stack.erase(member);
            group.push_back(member);
          } while (member != done);
          groups.push_back(group);
        }
      }
    }
    // Keep the groups that are cycles; sort each by declaration order.
    std::vector<std::vector<std::string>> out;
    auto position = [&](const std::string& n) { return std::find(order.begin(), order.end(), n) - order.begin(); };
    for (auto& group : groups) {
      bool self_loop = false;
      if (group.size() == 1)
        if (auto it = graph.find(group[0]); it != graph.end())
          self_loop = std::any_of(it->second.begin(), it->second.end(), [&](const Edge& e) { return e.to == group[0]; });
      if (group.size() < 2 && !self_loop) continue;
      std::sort(group.begin(), group.end(), [&](const auto& a, const auto& b) { return position(a) < position(b); });
      out.push_back(group);
    }
    std::sort(out.begin(), out.end(), [&](const auto& a, const auto& b) { return position(a[0]) < position(b[0]); });
    return out;
  }

  // The shortest way round a cycle from its first member back to it, with the place of each step.
  static std::vector<std::pair<std::string, SourceLoc>> way_round(const Graph& graph, const std::vector<std::string>& group) {
    const std::string& start = group[0];
    std::set<std::string> members(group.begin(), group.end());
    std::map<std::string, std::pair<std::string, SourceLoc>> came_from;  // node -> (previous, place of the edge)
    std::vector<std::string> frontier = {start};
    bool found = false;
    SourceLoc closing;
    std::string last;
    for (std::size_t i = 0; i < frontier.size() && !found; ++i) {
      auto it = graph.find(frontier[i]);
      if (it == graph.end()) continue;
      for (const auto& edge : it->second) {
        if (members.count(edge.to) == 0) continue;
        if (edge.to == start) {
          found = true;
          closing = edge.loc;
          last = frontier[i];
          break;
        }
        if (came_from.count(edge.to) != 0) continue;
        came_from[edge.to] = {frontier[i], edge.loc};
        frontier.push_back(edge.to);
      }
    }
    std::vector<std::pair<std::string, SourceLoc>> steps;  // (from, place of its edge to the next)
    steps.push_back({last, closing});
    for (std::string node = last; node != start;) {
      auto [previous, loc] = came_from.at(node);
      steps.push_back({previous, loc});
      node = previous;
    }
    std::reverse(steps.begin(), steps.end());
    return steps;
  }

  static std::string cycle_text(const std::vector<std::pair<std::string, SourceLoc>>& steps) {
    std::string out;
    for (const auto& [node, loc] : steps) out += node + " → ";
    return out + steps.front().first;
  }

  // No exception may defeat a rule that follows from a decision (see follows_decision).
  void find_exceptions_to_followers() {
    for (const auto& [name, rule] : rules_) {
      for (const auto& target : rule->exception_to) {
        auto f = std::find_if(followers_.begin(), followers_.end(),
                              [&](const Follower& x) { return x.rule->name.text == target.text; });
        if (f == followers_.end() || f->rule == rule) continue;
        error("check.reads-decision-exception", target.loc,
              fmt::format("rule {} is an exception to {}, but {} reads a decision, and no rule may be an exception "
                          "to a rule that follows from a decision",
                          quoted(rule->name.text), quoted(target.text), quoted(target.text)),
              "write the exception's condition into that rule's `when` instead", {f->read});
      }
    }
  }

  void find_definition_cycles() {
    Graph graph;
    for (const auto& [name, uses] : definition_uses_)
      for (const auto& use : uses)
        if (definitions_.count(use.name) != 0) graph[name].push_back({use.name, use.loc});
    for (const auto& group : cycles(graph, definition_order_)) {
      auto steps = way_round(graph, group);
      std::string path = cycle_text(steps);
      std::string message = steps.size() == 1
                                ? fmt::format("definition {} uses itself: {}", quoted(group[0]), path)
                                : fmt::format("definitions use each other in a circle: {}", path);
      std::vector<DiagnosticNote> notes;
      for (std::size_t i = 1; i < steps.size(); ++i)
        notes.push_back({steps[i].second, fmt::format("{} uses {} here", quoted(steps[i].first),
                                                      quoted(i + 1 < steps.size() ? steps[i + 1].first : steps[0].first))});
      error("check.definition-cycle", steps[0].second, message,
            "a definition is built from facts and other definitions, never from itself; break the circle", notes);
    }
  }

  void find_exception_cycles() {
    Graph graph;
    for (const auto& name : rule_order_) {
      const ast::Rule* r = rules_.at(name);
      std::set<std::string> seen;
      for (const auto& target : r->exception_to)
        if (rules_.count(target.text) != 0 && seen.insert(target.text).second) graph[name].push_back({target.text, target.loc});
    }
    for (const auto& group : cycles(graph, rule_order_)) {
      auto steps = way_round(graph, group);
      std::string path = cycle_text(steps);
      std::string message = steps.size() == 1
                                ? fmt::format("rule {} is an exception to itself: {}", quoted(group[0]), path)
                                : fmt::format("rules are exceptions to each other in a circle: {}", path);
      std::vector<DiagnosticNote> notes;
      for (std::size_t i = 1; i < steps.size(); ++i)
        notes.push_back({steps[i].second, fmt::format("{} is an exception to {} here", quoted(steps[i].first),
                                                      quoted(i + 1 < steps.size() ? steps[i + 1].first : steps[0].first))});
      error("check.exception-cycle", steps[0].second, message,
            "in a circle no rule can win; remove one `exception to`, so that one rule stays the general case", notes);
    }
  }

  void warn_unused_facts() {
    for (const auto& name : fact_order_) {
      const auto& f = facts_.at(name);
      if (!f.used)
        warning("check.unused-fact", f.decl->name.loc,
                fmt::format("fact {} is declared but no rule, definition or decision uses it", quoted(name)),
                "use it in a condition, or remove it");
    }
  }
};

}  // namespace

std::vector<Diagnostic> check(ast::Policy& policy, const CheckOptions& options) {
  return Checker(policy, options).run();
}

}  // namespace decree::dsl
