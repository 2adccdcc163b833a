#include "engine/case_load.hpp"
#include "engine/case_stream.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <unordered_map>
#include <tuple>
#include <unordered_set>
#include <utility>

#include <fmt/format.h>

#include "dsl/input_file.hpp"
#include "dsl/types.hpp"
#include "engine/formats/csv_record.hpp"
#include "engine/formats/json_record.hpp"
#include "engine/formats/yaml_plain.hpp"
#include "engine/words.hpp"
#include "engine/yaml_tree.hpp"

namespace decree::engine {

namespace {

// An unknown fact's hint lists the policy's facts when they are at most this many.
constexpr std::size_t kFactsListed = 40;


using yaml::NodeId;
using Kind = yaml::Node::Kind;

// The keys a case may have, in the order the reference lists them.
const std::vector<std::string> kCaseKeys = {"id", "title", "date", "requested", "decided", "source", "household", "facts", "expect", "history"};
const std::vector<std::string> kFactKeys = {"value", "source", "certainty", "note", "for"};
const std::vector<std::string> kExpectKeys = {"obligations", "flags", "why"};
const std::vector<std::string> kDecisionKeys = {"value", "by"};
const std::vector<std::string> kHistoryKeys = {"summary", "decisions", "source"};
const std::vector<std::string> kCertainties = {"documented", "inferred", "contested"};
const std::vector<std::string> kOutcomeWords = {"undetermined", "conflict", "not_applicable", "no_decision", "outside"};

// "did you mean `x`?" when a candidate is close (or the only one that begins with what was
// written, as `return` for `return_to_ussr`), else "".
std::string did_you_mean(std::string_view wrong, const std::vector<std::string>& candidates) {
  std::string near = nearest_name(std::string(wrong), candidates);
  if (near.empty() && wrong.size() >= 3) {
    for (const auto& c : candidates) {
      if (c.rfind(wrong, 0) != 0) continue;
      if (!near.empty()) return {};  // more than one: no guess
      near = c;
    }
  }
  return near.empty() ? std::string() : fmt::format("did you mean `{}`?", near);
}

// A hint in two parts, "did you mean `x`?" and what the choices are; either may be empty.
std::string hint(const std::string& first, const std::string& then) {
  if (first.empty()) return then;
  if (then.empty()) return first;
  return first + " " + then;
}

// What the loader needs of a policy, indexed once per load.
struct PolicyIndex {
  PolicyIndex() = default;
  PolicyIndex(const PolicyIndex&) = delete;  // `by_name` points into `facts`: moved, never copied
  PolicyIndex(PolicyIndex&&) = default;

  using Fact = std::pair<const std::string, dsl::FactType>;
  // The declared fact named `name`, or null: hashed, since every fact of every case is looked up.
  const Fact* fact(std::string_view name) const { return find(name).fact; }
  // The declared fact and its rank among the declared facts in the order of their names (the
  // order of a case's facts), or a null fact.
  struct Found {
    const Fact* fact = nullptr;
    std::uint32_t rank = 0;
  };
  [[gnu::always_inline]] Found find(std::string_view name) const {
    // Most names are told apart by their length and three of their letters: one comparison
    // then settles it, without hashing the whole name. A name that shares those with another
    // fact's, or with none, is looked up by its hash.
    if (!name.empty()) {
      const Quick& q = quick[quick_slot(name)];
      if (q.fact != nullptr && q.fact->first == name) return Found{q.fact, q.rank};
      if (q.fact != nullptr || !q.shared) return Found{};
    }
    auto it = by_name.find(name);
    return it == by_name.end() ? Found{} : it->second;
  }
  static std::size_t quick_slot(std::string_view name) {
    const auto at = [&](std::size_t i) { return static_cast<std::size_t>(static_cast<unsigned char>(name[i])); };
    return (name.size() * 7 + at(0) * 3 + at(name.size() / 2) * 5 + at(name.size() - 1)) & (kQuick - 1);
  }
  void index_quick() {
    for (const auto& [name, found] : by_name) {
      if (name.empty()) continue;
      Quick& q = quick[quick_slot(name)];
      if (q.fact == nullptr && !q.shared) q = Quick{found.fact, found.rank, false};
      else q = Quick{nullptr, 0, true};
    }
  }
  struct Quick {
    const Fact* fact = nullptr;  // the one fact whose name goes here
    std::uint32_t rank = 0;
    bool shared = false;         // two facts' names go here: look them up by hash
  };
  static constexpr std::size_t kQuick = 256;
  std::array<Quick, kQuick> quick{};
  // The declared fact of rank `rank` (below facts.size()), as find gives it.
  Found ranked(std::uint32_t rank) const { return by_rank[rank]; }

  std::string name;
  std::map<std::string, dsl::FactType, std::less<>> facts;
  std::unordered_map<std::string_view, Found> by_name;  // views of `facts`' keys
  std::vector<Found> by_rank;                            // the same, in the order of the facts' names
  std::vector<std::string> fact_names;  // declared order, for hints
  std::map<std::string, std::vector<std::string>, std::less<>> decisions;  // name -> values
  std::vector<std::string> decision_names;
  std::vector<std::string> authorities;
  std::vector<std::string> obligations;
  std::vector<std::string> flags;
};

PolicyIndex index_policy(const ast::Policy& policy) {
  PolicyIndex index;
  index.name = policy.header.name.text;
  for (const auto& item : policy.items) {
    if (item.op == ast::Item::Op::Drop) continue;
    if (const auto* fact = std::get_if<ast::FactDecl>(&item.body)) {
      if (auto type = dsl::resolve_type(policy, fact->type)) {
        if (index.facts.emplace(fact->name.text, *type).second) index.fact_names.push_back(fact->name.text);
      }
    } else if (const auto* decision = std::get_if<ast::DecisionDecl>(&item.body)) {
      std::vector<std::string> values;
      for (const auto& v : decision->values) values.push_back(v.text);
      if (index.decisions.emplace(decision->name.text, std::move(values)).second)
        index.decision_names.push_back(decision->name.text);
    } else if (const auto* declared = std::get_if<ast::Declared>(&item.body)) {
      switch (declared->kind) {
        case ast::Declared::Kind::Authority: index.authorities.push_back(declared->name.text); break;
        case ast::Declared::Kind::Obligation: index.obligations.push_back(declared->name.text); break;
        case ast::Declared::Kind::Flag: index.flags.push_back(declared->name.text); break;
      }
    }
  }
  index.by_name.reserve(index.facts.size());
  std::uint32_t rank = 0;
  for (const auto& entry : index.facts) {
    index.by_name.emplace(std::string_view(entry.first), PolicyIndex::Found{&entry, rank});
    index.by_rank.push_back(PolicyIndex::Found{&entry, rank++});
  }
  index.index_quick();
  return index;
}

bool contains(const std::vector<std::string>& words, std::string_view w) {
  return std::find(words.begin(), words.end(), w) != words.end();
}

// "a bool (true or false)": what a fact of this type expects, with its article.
std::string expected_phrase(const dsl::FactType& type) {
  switch (type.kind) {
    case dsl::FactType::Kind::Bool: return "a bool (true or false)";
    case dsl::FactType::Kind::Int: return "an int (a whole number)";
    case dsl::FactType::Kind::Date: return "a date (YYYY-MM-DD)";
    case dsl::FactType::Kind::Text: return "text";
    case dsl::FactType::Kind::Enum: return fmt::format("one of {}", join(type.values, " | "));
    case dsl::FactType::Kind::Set: return fmt::format("a list of values of {}", join(type.values, " | "));
  }
  return "a value";
}

// A case as it is being loaded, with what the duplicate-id check needs.
struct LoadedCase {
  Case value;
  bool valid = true;
  bool has_id = false;
  SourceLoc id_loc;
};

// What reading cases one after another keeps to build the next in: the nodes of the facts of
// cases already handed on (each holds a fact's name and strings, whose storage is kept), and
// the loader's scratch. Bounded: nodes past kKept are freed with their case.
struct CaseStorage {
  using Facts = decltype(Case::facts);
  static constexpr std::size_t kKept = 1024;
  std::vector<Facts::node_type> nodes;
  std::vector<bool> dup_checked;
  std::vector<Facts::iterator> by_rank;
  std::vector<const formats::PlainFact*> plain_by_rank;  // plain_case(): the record's facts by rank
  std::vector<std::int64_t> plain_values;                // and the values they take
  std::vector<bool> plain_stated;  // by rank: the facts of the case plain_case last read into
  void give_back(Case& c) {
    while (!c.facts.empty() && nodes.size() < kKept) nodes.push_back(c.facts.extract(c.facts.begin()));
  }
  // A fact named `name` put into `facts` before `hint` (where it goes), unknown and with no
  // provenance: a node given back when there is one, its storage kept.
  Facts::iterator new_fact(Facts& facts, Facts::iterator hint, const std::string& name) {
    if (nodes.empty()) return facts.try_emplace(hint, name);
    auto node = std::move(nodes.back());
    nodes.pop_back();
    node.key().assign(name);
    node.mapped() = FactValue{};  // moved from a fresh one: each string keeps its storage
    return facts.insert(hint, std::move(node));
  }
  void drop_fact(Facts& facts, Facts::iterator at) {
    if (nodes.size() < kKept) nodes.push_back(facts.extract(at));
    else facts.erase(at);
  }
};

// How many errors a file has shown: past the limit, the rest are counted, not listed.
struct ErrorBudget {
  std::size_t errors = 0;
  bool stopped = false;   // past max_errors_per_file
  Diagnostic scratch;     // where errors past the limit go, unseen
};

// Walks one file's tree (or one record's, for JSON Lines and CSV) and builds its cases,
// reporting every problem with its place.
class FileLoader {
 public:
  FileLoader(const SourceFile& file, const yaml::Tree& tree, const PolicyIndex& policy, const CaseLimits& limits,
             std::vector<Diagnostic>& diagnostics)
      : file_(file), tree_(tree), policy_(policy), limits_(limits), diagnostics_(diagnostics), budget_(own_budget_) {}
  FileLoader(const SourceFile& file, const yaml::Tree& tree, const PolicyIndex& policy, const CaseLimits& limits,
             std::vector<Diagnostic>& diagnostics, ErrorBudget& budget)
      : file_(file), tree_(tree), policy_(policy), limits_(limits), diagnostics_(diagnostics), budget_(budget) {}

  // Builds in `storage` (nodes of cases handed on) rather than allocating anew.
  FileLoader& reuse(CaseStorage& storage) {
    storage_ = &storage;
    dup_checked_ = &storage.dup_checked;
    dup_checked_->clear();
    by_rank_ = &storage.by_rank;
    return *this;
  }

  // A record of a JSON Lines or CSV file: one case. `what` names the record in a message.
  void load_record(std::vector<LoadedCase>& out, std::size_t& rejected, std::string_view what) {
    NodeId root = tree_.root();
    if (budget_.stopped) {
      ++rejected;
      return;
    }
    if (tree_.kind(root) != Kind::Map) {
      error("case.not-a-case", root, fmt::format("{} is one case, a mapping with `id:`; found {}", what, found(root)));
      ++rejected;
      return;
    }
    LoadedCase c = load_case(root, false);
    if (!c.valid) ++rejected;
    out.push_back(std::move(c));
  }

  void load(std::vector<LoadedCase>& out, std::size_t& rejected) {
    NodeId root = tree_.root();
    if (tree_.kind(root) != Kind::Map) {
      error("case.not-a-case", root,
            fmt::format("a case file holds a mapping: `id:` and the rest of one case, or `cases:` with a list of "
                        "cases; this file holds {}",
                        found(root)),
            tree_.kind(root) == Kind::Sequence ? "write `cases:` on the first line and indent the list under it"
                                               : "see docs/case-files.md for the format");
      return;
    }
    check_duplicates(root);
    std::optional<std::size_t> cases_entry;
    for (std::size_t i = 0; i < tree_.entries(root); ++i)
      if (key_is(tree_.key(root, i), "cases")) cases_entry = i;
    if (!cases_entry) {
      LoadedCase c = load_case(root, true);
      if (!c.valid) ++rejected;
      out.push_back(std::move(c));
      return;
    }
    for (std::size_t i = 0; i < tree_.entries(root); ++i) {
      NodeId key = tree_.key(root, i);
      if (i == *cases_entry || key_is(key, "cases")) continue;
      beside_cases(key);
    }
    NodeId list = tree_.value(root, *cases_entry);
    if (tree_.kind(list) == Kind::Null || (tree_.kind(list) == Kind::Sequence && tree_.children(list).empty())) {
      error("case.empty", tree_.key(root, *cases_entry), "the file holds no case: the `cases:` list is empty");
      return;
    }
    if (tree_.kind(list) != Kind::Sequence) {
      error("case.expected-list", list, fmt::format("`cases:` should be a list of cases (`- id: ...`), found {}", found(list)));
      return;
    }
    auto items = tree_.children(list);
    out.reserve(out.size() + std::min(items.size(), limits_.max_cases_per_file));
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (budget_.stopped) {
        rejected += items.size() - i;
        return;
      }
      if (i == limits_.max_cases_per_file) {
        error("case.too-many-cases", items[i],
              fmt::format("more than {} cases in one file, the limit for a case file", limits_.max_cases_per_file),
              "split the cases into several files, or load a directory of them");
        rejected += items.size() - i;
        return;
      }
      load_item(items[i], out, rejected);
    }
  }

  // One item of a `cases:` list.
  void load_item(NodeId item, std::vector<LoadedCase>& out, std::size_t& rejected) {
    if (tree_.kind(item) != Kind::Map) {
      error("case.not-a-case", item,
            fmt::format("each item of `cases:` is a case (a mapping with `id:`), found {}", found(item)));
      ++rejected;
      return;
    }
    LoadedCase c = load_case(item, false);
    if (!c.valid) ++rejected;
    out.push_back(std::move(c));
  }

  // The entries `map` holds, written at the top of a file after its `cases:` list (whose key is
  // at `cases_key`), read a case at a time: each is reported as when the file is read whole.
  void load_beside(NodeId map, const SourceLoc& cases_key) {
    for (auto [first, again] : tree_.duplicate_keys(map)) {
      if (key_is(again, "cases")) continue;  // below, with the place of the first
      Diagnostic& d = error("case.duplicate-key", again,
                            fmt::format("`{}` is written twice in this mapping", shown(tree_.scalar(again))),
                            "YAML allows each key once in a mapping; keep one of them");
      d.notes.push_back({place(first), "first written here"});
    }
    for (std::size_t i = 0; i < tree_.entries(map); ++i) {
      NodeId key = tree_.key(map, i);
      if (!key_is(key, "cases")) {
        beside_cases(key);
        continue;
      }
      Diagnostic& d = error("case.duplicate-key", key, "`cases` is written twice in this mapping",
                            "YAML allows each key once in a mapping; keep one of them");
      d.notes.push_back({cases_key, "first written here"});
    }
  }

 private:
  // A key other than `cases` at the top of a file with a `cases:` list.
  void beside_cases(NodeId key) {
    auto name_or_none = key_name(key);
    if (!name_or_none) return;
    std::string_view name = *name_or_none;
    if (contains(kCaseKeys, name))
      error("case.unknown-key", key,
            fmt::format("`{}` beside `cases:`: a file with a `cases:` list holds nothing else at the top", name),
            fmt::format("move `{}` into the case it belongs to", name));
    else
      error("case.unknown-key", key, fmt::format("unknown key `{}` at the top of the file", shown(name)),
            "a case file holds either one case (`id:`, `facts:`, ...) or a `cases:` list, and nothing else");
  }

  // --- reporting -----------------------------------------------------------------------------

  SourceLoc place(NodeId id) const { return tree_.place(id, file_); }
  void place(NodeId id, SourceLoc& into) const { tree_.place(id, file_, into); }

  Diagnostic& error(std::string code, const SourceLoc& loc, std::string message, std::string hint = {}) {
    ++budget_.errors;
    if (budget_.errors > limits_.max_errors_per_file) {
      if (!budget_.stopped) {
        budget_.stopped = true;
        diagnostics_.push_back(make_error("case.too-many-errors", loc,
                                          fmt::format("more than {} errors in this file; the rest are not listed",
                                                      limits_.max_errors_per_file),
                                          "fix these first"));
        return diagnostics_.back();
      }
      budget_.scratch = Diagnostic{};
      return budget_.scratch;
    }
    diagnostics_.push_back(make_error(std::move(code), loc, std::move(message), std::move(hint)));
    return diagnostics_.back();
  }
  Diagnostic& error(std::string code, NodeId at, std::string message, std::string hint = {}) {
    return error(std::move(code), place(at), std::move(message), std::move(hint));
  }
  void warning(std::string code, NodeId at, std::string message, std::string hint = {}) {
    diagnostics_.push_back(make_warning(std::move(code), place(at), std::move(message), std::move(hint)));
  }

  std::string found(NodeId id) const { return yaml::found_text(tree_, id); }

  bool key_is(NodeId key, std::string_view name) const {
    return tree_.kind(key) == Kind::Scalar && tree_.scalar(key) == name;
  }

  // Reports keys written twice in `map` (once per map, however often aliases repeat it).
  void check_duplicates(NodeId map) {
    std::vector<bool>& checked = *dup_checked_;
    if (checked.size() <= map) checked.resize(std::max<std::size_t>(map + 1, checked.size() * 2), false);
    if (checked[map]) return;
    checked[map] = true;
    for (auto [first, again] : tree_.duplicate_keys(map)) {
      Diagnostic& d = error("case.duplicate-key", again,
                            fmt::format("`{}` is written twice in this mapping", shown(tree_.scalar(again))),
                            "YAML allows each key once in a mapping; keep one of them");
      d.notes.push_back({place(first), "first written here"});
    }
  }

  // The key of a mapping entry as a name, or nullopt (reported) when it is not a plain word.
  std::optional<std::string_view> key_name(NodeId key) {
    if (tree_.kind(key) != Kind::Scalar) {
      error("case.bad-key", key, fmt::format("a key here should be a name, found {}", found(key)));
      return std::nullopt;
    }
    return tree_.scalar(key);
  }

  // Text for `what` (a title, a note, ...): any single value written plainly or in quotes.
  std::optional<std::string> text(NodeId key, NodeId value, std::string_view what) {
    if (tree_.kind(value) == Kind::Scalar) return std::string(tree_.scalar(value));
    if (tree_.kind(value) == Kind::Null)
      error("case.no-value", key, fmt::format("`{}` has no value", what), "write a value after the colon, or leave the key out");
    else
      error("case.expected-text", value, fmt::format("expected text for `{}`, found {}", what, found(value)),
            "put it in quotes to write it as text");
    return std::nullopt;
  }

  void unknown_key(NodeId key, std::string_view name, const std::vector<std::string>& known, std::string_view where,
                   std::string_view what_has) {
    error("case.unknown-key", key, fmt::format("unknown key `{}` in {}", shown(name), where),
          hint(did_you_mean(name, known), fmt::format("{} has: {}", what_has, join(known, ", "))));
  }

  // --- dates ---------------------------------------------------------------------------------

  // A date written YYYY-MM-DD that is a real calendar day.
  std::optional<ast::Date> date(NodeId value, std::string_view what) {
    if (tree_.kind(value) != Kind::Scalar) {
      error("case.bad-date", value, fmt::format("expected a date (YYYY-MM-DD) for `{}`, found {}", what, found(value)));
      return std::nullopt;
    }
    std::string_view s = tree_.scalar(value);
    auto digits = [&](std::size_t from, std::size_t n) {
      for (std::size_t i = from; i < from + n; ++i)
        if (s[i] < '0' || s[i] > '9') return false;
      return true;
    };
    if (s.size() != 10 || s[4] != '-' || s[7] != '-' || !digits(0, 4) || !digits(5, 2) || !digits(8, 2)) {
      error("case.bad-date", value, fmt::format("expected a date (YYYY-MM-DD) for `{}`, found {}", what, found(value)),
            "write the year, month and day with digits, e.g. 1956-02-10");
      return std::nullopt;
    }
    auto number = [&](std::size_t from, std::size_t n) {
      int v = 0;
      for (std::size_t i = from; i < from + n; ++i) v = v * 10 + (s[i] - '0');
      return v;
    };
    ast::Date d{number(0, 4), number(5, 2), number(8, 2)};
    if (std::string why = why_not_a_day(d); !why.empty()) {
      error("case.bad-date", value, fmt::format("`{}` is not a real calendar day: {}", shown(s), why));
      return std::nullopt;
    }
    return d;
  }

  // The case's own `date:`: a day, a month, a year, or a range of them (case_date.hpp).
  std::optional<CaseDate> case_date(NodeId value) {
    if (tree_.kind(value) != Kind::Scalar) {
      error("case.bad-date", value, fmt::format("expected a date for `date`, found {}", found(value)),
            "a date is a day (1956-02-10), a month (1956-02), a year (1957), or a range on one line (1957 .. 1958)");
      return std::nullopt;
    }
    auto parsed = parse_case_date(tree_.scalar(value));
    if (auto* e = std::get_if<CaseDateError>(&parsed)) {
      error("case.bad-date", within(value, e->offset, e->length), e->message, e->hint);
      return std::nullopt;
    }
    return std::get<CaseDate>(std::move(parsed));
  }

  // The place of `length` bytes at `offset` in a scalar's text, when the file holds that text as
  // is (written plainly on one line); else the whole scalar.
  SourceLoc within(NodeId scalar, std::size_t offset, std::size_t length) const {
    SourceLoc whole = place(scalar);
    std::string_view s = tree_.scalar(scalar);
    if (!tree_.node(scalar).plain || tree_.node(scalar).pooled || offset + length > s.size()) return whole;
    if (std::string_view(file_.text()).substr(whole.offset, s.size()) != s) return whole;
    return file_.locate(whole.offset + offset, length);
  }

  // --- fact values ---------------------------------------------------------------------------

  // The value of fact `name` (declared with `type`) written at `value`; `key` is where the fact
  // is named (a missing value is reported there).
  // One value of a set's list, checked against the set's values.
  bool set_member(NodeId item, std::string_view name, const dsl::FactType& type, std::vector<std::string>& into) {
    if (tree_.kind(item) != Kind::Scalar) {
      error("case.wrong-type", item, fmt::format("expected a value of `{}` in the list, found {}", name, found(item)),
            fmt::format("a set is a list of values: [{}]", type.values.empty() ? "" : type.values[0]));
      return false;
    }
    std::string_view s = tree_.scalar(item);
    if (std::find(type.values.begin(), type.values.end(), s) == type.values.end()) {
      error("case.not-in-enum", item, fmt::format("`{}` is not a value the set `{}` can hold", shown(s), name),
            hint(did_you_mean(s, type.values), fmt::format("`{}` holds values of: {}", name, join(type.values, " | "))));
      return false;
    }
    if (std::find(into.begin(), into.end(), s) != into.end()) {
      error("case.duplicate-value", item, fmt::format("`{}` is listed twice in `{}`", shown(s), name), "list each value once");
      return false;
    }
    into.emplace_back(s);
    return true;
  }

  // `[illness, family]`: the whole set; `{includes: [illness], excludes: [misdemeanors]}`: known in
  // part, every value not listed unknown; `[]`: known empty.
  std::optional<Value> set_value(NodeId key, NodeId value, std::string_view name, const dsl::FactType& type) {
    const Kind kind = tree_.kind(value);
    if (kind == Kind::Scalar && tree_.node(value).plain && tree_.scalar(value) == "unknown") return Value::unknown();
    if (kind == Kind::Null && tree_.null_is_unknown()) return Value::unknown();  // JSON's null, as for other facts
    if (kind == Kind::Sequence) {
      std::vector<std::string> members;
      bool ok = true;
      for (NodeId item : tree_.children(value)) ok = set_member(item, name, type, members) && ok;
      if (!ok) return std::nullopt;
      return Value::of_set(members, {}, true, type.values);
    }
    if (kind == Kind::Map) {
      check_duplicates(value);
      std::vector<std::string> members, absent;
      bool ok = true;
      for (std::size_t i = 0; i < tree_.entries(value); ++i) {
        NodeId k = tree_.key(value, i);
        NodeId v = tree_.value(value, i);
        auto field = key_name(k);
        if (!field) {
          ok = false;
          continue;
        }
        if (*field != "includes" && *field != "excludes") {
          unknown_key(k, *field, {"includes", "excludes"}, fmt::format("the set `{}`", name), "a set known in part");
          ok = false;
          continue;
        }
        if (tree_.kind(v) != Kind::Sequence) {
          error("case.expected-list", v, fmt::format("`{}` holds a list of values, found {}", *field, found(v)),
                fmt::format("write `{}: [{}]`", *field, type.values.empty() ? "" : type.values[0]));
          ok = false;
          continue;
        }
        auto& into = *field == "includes" ? members : absent;
        for (NodeId item : tree_.children(v)) ok = set_member(item, name, type, into) && ok;
      }
      for (const auto& m : members)
        if (std::find(absent.begin(), absent.end(), m) != absent.end()) {
          error("case.set-contradiction", value, fmt::format("`{}` is both included in and excluded from `{}`", m, name),
                "a value is in the set or not: list it once");
          ok = false;
        }
      if (!ok) return std::nullopt;
      return Value::of_set(members, absent, false, type.values);
    }
    if (kind == Kind::Null) {
      error("case.no-value", key, fmt::format("fact `{}` has no value", name),
            "write `[]` for a set known to be empty, `unknown` if it is not known, or leave the fact out");
      return std::nullopt;
    }
    std::string_view s = tree_.scalar(value);
    error("case.wrong-type", value, fmt::format("expected {} for `{}`, found {}", expected_phrase(type), name, found(value)),
          fmt::format("`{}` is a set: write a list, `[{}]`, even for one value", name, shown(s)));
    return std::nullopt;
  }

  std::optional<Value> fact_value(NodeId key, NodeId value, std::string_view name, const dsl::FactType& type) {
    if (type.kind == dsl::FactType::Kind::Set) return set_value(key, value, name, type);
    const Kind kind = tree_.kind(value);
    if (kind == Kind::Null && tree_.null_is_unknown()) return Value::unknown();  // JSON's null
    if (kind == Kind::Null) {
      error("case.no-value", key, fmt::format("fact `{}` has no value", name),
            "write `unknown` if it is not known, or leave the fact out");
      return std::nullopt;
    }
    if (kind != Kind::Scalar) {
      error("case.wrong-type", value, fmt::format("expected {} for `{}`, found {}", expected_phrase(type), name, found(value)),
            kind == Kind::Sequence ? "a fact holds one value" : "");
      return std::nullopt;
    }
    std::string_view s = tree_.scalar(value);
    const bool plain = tree_.node(value).plain;
    if (plain && s == "unknown") return Value::unknown();
    auto wrong = [&](std::string hint) {
      if (hint.empty() && !plain && s == "unknown") hint = "without quotes, `unknown` says the fact is not known";
      error("case.wrong-type", value, fmt::format("expected {} for `{}`, found {}", expected_phrase(type), name, found(value)),
            std::move(hint));
      return std::nullopt;
    };
    switch (type.kind) {
      case dsl::FactType::Kind::Bool: {
        if (plain && (s == "true" || s == "false")) return Value::of_bool(s == "true");
        if (!plain && (s == "true" || s == "false")) return wrong("remove the quotes: in quotes it is text");
        static const std::vector<std::string> yaml11 = {"yes", "no", "on", "off", "y", "n", "Yes", "No", "YES", "NO",
                                                         "On", "Off", "ON", "OFF", "Y", "N"};
        if (plain && contains(yaml11, s)) return wrong("write true or false: yes/no/on/off are not booleans here");
        if (plain && (s == "True" || s == "TRUE" || s == "False" || s == "FALSE"))
          return wrong("write true or false in lower case");
        return wrong({});
      }
      case dsl::FactType::Kind::Int: {
        std::int64_t n = 0;
        auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
        bool whole = !s.empty() && end == s.data() + s.size() && s[0] != '+';
        if (whole && ec == std::errc()) {
          if (!plain) return wrong("remove the quotes: in quotes it is text");
          return Value::of_int(n);
        }
        if (ec == std::errc::result_out_of_range && end == s.data() + s.size()) {
          error("case.wrong-type", value, fmt::format("`{}` is too large for an int (`{}`)", shown(s), name),
                "an int lies between -9223372036854775808 and 9223372036854775807");
          return std::nullopt;
        }
        return wrong({});
      }
      case dsl::FactType::Kind::Date: {
        auto d = date(value, name);
        if (!d) return std::nullopt;
        return Value::of_date(ast::days_since_epoch(*d));
      }
      case dsl::FactType::Kind::Text: return Value::of_text(std::string(s));
      case dsl::FactType::Kind::Set: return std::nullopt;  // read by set_value
      case dsl::FactType::Kind::Enum: {
        for (std::size_t i = 0; i < type.values.size(); ++i)
          if (type.values[i] == s) return Value::of_enum(static_cast<std::uint32_t>(i), type.values[i]);
        error("case.not-in-enum", value, fmt::format("`{}` is not a value of `{}`", shown(s), name),
              hint(did_you_mean(s, type.values), fmt::format("`{}` is one of: {}", name, join(type.values, " | "))));
        return std::nullopt;
      }
    }
    return wrong({});
  }

  void facts(NodeId key, NodeId map, Case& c) {
    if (tree_.kind(map) == Kind::Null) return;  // `facts:` with nothing under it: every fact unknown
    if (tree_.kind(map) != Kind::Map) {
      error("case.expected-map", map,
            fmt::format("`facts` should be a mapping from fact names to values (`soviet_citizen: true`), found {}",
                        found(map)));
      return;
    }
    (void)key;
    check_duplicates(map);
    // The case's facts by their rank among the policy's (the order of the case's map), so that a
    // fact is found, and put in its place, without comparing names one after another.
    auto& by_rank = *by_rank_;
    by_rank.assign(policy_.facts.size(), c.facts.end());
    std::size_t last = 0;  // past the highest rank present
    for (auto it = c.facts.begin(); it != c.facts.end(); ++it) {  // `facts:` written before (reported)
      const auto found = policy_.find(it->first);
      if (found.fact == nullptr) continue;
      by_rank[found.rank] = it;
      last = std::max<std::size_t>(last, found.rank + 1);
    }
    for (std::size_t i = 0; i < tree_.entries(map); ++i) {
      NodeId k = tree_.key(map, i);
      NodeId v = tree_.value(map, i);
      auto name = key_name(k);
      if (!name) continue;
      const auto found = policy_.find(*name);
      const PolicyIndex::Fact* decl = found.fact;
      if (decl == nullptr) {
        std::string help = did_you_mean(*name, policy_.fact_names);
        if (help.empty() && policy_.fact_names.size() <= kFactsListed)
          help = fmt::format("the policy's facts are: {}", join(policy_.fact_names, ", "));
        else if (help.empty())
          help = fmt::format("the policy has {} facts; none is named like this", policy_.fact_names.size());
        error("case.unknown-fact", k, fmt::format("`{}` is not a fact of policy `{}`", shown(*name), policy_.name), help);
        continue;
      }
      // Built in its place in the case (a fact written twice keeps the first; the second is
      // still read, for its own errors, and dropped).
      auto at = by_rank[found.rank];
      const bool inserted = at == c.facts.end();
      if (inserted) {
        auto next = c.facts.end();  // the fact of the next rank present: the new one goes before it
        for (std::size_t r = found.rank + 1; r < last; ++r)
          if (by_rank[r] != c.facts.end()) {
            next = by_rank[r];
            break;
          }
        at = new_fact(c.facts, next, decl->first);
        by_rank[found.rank] = at;
        last = std::max<std::size_t>(last, found.rank + 1);
      }
      FactValue again;
      FactValue& fact = inserted ? at->second : again;
      const bool set_in_part = decl->second.kind == dsl::FactType::Kind::Set && tree_.kind(v) == Kind::Map &&
                               tree_.entries(v) > 0 && (key_is(tree_.key(v, 0), "includes") || key_is(tree_.key(v, 0), "excludes"));
      bool ok = true;
      if (tree_.kind(v) == Kind::Map && !set_in_part) {
        ok = fact_with_provenance(k, v, decl->first, decl->second, fact);
      } else if (fact_value(k, v, decl->first, decl->second, fact.value)) {
        place(v, fact.loc);
      } else {
        ok = false;
      }
      if (!ok && inserted) {
        drop_fact(c.facts, at);
        by_rank[found.rank] = c.facts.end();
      }
    }
  }

  CaseStorage::Facts::iterator new_fact(CaseStorage::Facts& facts, CaseStorage::Facts::iterator hint,
                                        const std::string& name) {
    return storage_ != nullptr ? storage_->new_fact(facts, hint, name) : facts.try_emplace(hint, name);
  }
  void drop_fact(CaseStorage::Facts& facts, CaseStorage::Facts::iterator at) {
    if (storage_ != nullptr) storage_->drop_fact(facts, at);
    else facts.erase(at);
  }

  // fact_value written into `out`; an enumeration's value without a copy of its name made and
  // moved (`out` keeps its storage).
  bool fact_value(NodeId key, NodeId value, std::string_view name, const dsl::FactType& type, Value& out) {
    if (type.kind == dsl::FactType::Kind::Enum && tree_.kind(value) == Kind::Scalar) {
      std::string_view s = tree_.scalar(value);
      if (!(tree_.node(value).plain && s == "unknown")) {
        for (std::size_t i = 0; i < type.values.size(); ++i) {
          if (type.values[i] != s) continue;
          out = Value{};  // moved from a fresh one: the text keeps its storage
          out.kind = Value::Kind::Enum;
          out.integer = static_cast<std::int64_t>(i);
          out.text.assign(type.values[i]);
          return true;
        }
      }
    }
    auto v = fact_value(key, value, name, type);
    if (!v) return false;
    out = std::move(*v);
    return true;
  }

  // `misdemeanor: {value: true, source: memo p4, certainty: documented, note: "..."}`
  bool fact_with_provenance(NodeId key, NodeId map, const std::string& name, const dsl::FactType& type, FactValue& fact) {
    check_duplicates(map);
    bool ok = true;
    std::optional<NodeId> value_node;
    for (std::size_t i = 0; i < tree_.entries(map); ++i) {
      NodeId k = tree_.key(map, i);
      NodeId v = tree_.value(map, i);
      auto field = key_name(k);
      if (!field) {
        ok = false;
        continue;
      }
      if (*field == "value") {
        value_node = v;
        if (fact_value(k, v, name, type, fact.value)) place(v, fact.loc);
        else ok = false;
      } else if (*field == "source") {
        auto t = text(k, v, "source");
        if (t) fact.source = std::move(*t);
        else ok = false;
      } else if (*field == "note") {
        auto t = text(k, v, "note");
        if (t) fact.note = std::move(*t);
        else ok = false;
      } else if (*field == "certainty") {
        auto c = certainty(k, v);
        if (c) fact.certainty = *c;
        else ok = false;
      } else if (*field == "for") {
        if (tree_.kind(v) == Kind::Scalar && tree_.scalar(v) == "household") {
          fact.for_household = true;
        } else {
          error("case.bad-for", v, fmt::format("expected `household` after `for:`, found {}", found(v)),
                "`for: household` states the fact for the household: its members' cases take it");
          ok = false;
        }
      } else {
        unknown_key(k, *field, kFactKeys, fmt::format("fact `{}`", name), "a fact written as a mapping");
        ok = false;
      }
    }
    if (!value_node) {
      error("case.no-value", key, fmt::format("fact `{}` has no `value:`", name),
            "add `value: ...`, or `value: unknown` if it is not known");
      return false;
    }
    return ok;
  }

  // `household: {head: pak-gil-ryong, relation: wife and children}`
  void household(NodeId key, NodeId map, Case& c) {
    if (tree_.kind(map) != Kind::Map) {
      error("case.expected-map", tree_.kind(map) == Kind::Null ? key : map,
            fmt::format("`household` should be a mapping, `{{head: ID, relation: ...}}`, found {}", found(map)));
      return;
    }
    check_duplicates(map);
    Household h;
    h.loc = place(map);
    for (std::size_t i = 0; i < tree_.entries(map); ++i) {
      NodeId k = tree_.key(map, i);
      NodeId v = tree_.value(map, i);
      auto field = key_name(k);
      if (!field) continue;
      if (*field == "head") {
        if (tree_.kind(v) == Kind::Scalar && !tree_.scalar(v).empty()) {
          h.head = std::string(tree_.scalar(v));
          h.head_loc = place(v);
        } else {
          error("case.bad-id", v, fmt::format("`head` names the case of the household's head by its id; found {}", found(v)));
        }
      } else if (*field == "relation") {
        if (auto t = text(k, v, "relation")) h.relation = std::move(*t);
      } else {
        unknown_key(k, *field, {"head", "relation"}, "`household`", "a household");
      }
    }
    if (h.head.empty()) {
      error("case.no-value", key, "`household` names no `head`", "write `head: ID`, the id of the head's case");
      return;
    }
    c.household = std::move(h);
  }

  std::optional<Certainty> certainty(NodeId key, NodeId value) {
    if (tree_.kind(value) == Kind::Scalar) {
      std::string_view s = tree_.scalar(value);
      if (s == "documented") return Certainty::Documented;
      if (s == "inferred") return Certainty::Inferred;
      if (s == "contested") return Certainty::Contested;
    }
    if (tree_.kind(value) == Kind::Null) {
      error("case.no-value", key, "`certainty` has no value", "write documented, inferred or contested, or leave it out");
      return std::nullopt;
    }
    std::string_view s = tree_.kind(value) == Kind::Scalar ? tree_.scalar(value) : std::string_view();
    error("case.bad-certainty", value, fmt::format("expected a certainty (documented, inferred or contested), found {}", found(value)),
          hint(did_you_mean(s, kCertainties),
               "documented: the source says so; inferred: read from what it says; contested: sources disagree"));
    return std::nullopt;
  }

  // --- expectations --------------------------------------------------------------------------

  // A list of names (`[report_to_moscow]`, `[]`); `declared` checks them when not null.
  std::optional<std::set<std::string>> name_list(NodeId key, NodeId list, std::string_view what,
                                                 const std::vector<std::string>* declared) {
    std::set<std::string> out;
    if (tree_.kind(list) == Kind::Null) {
      error("case.no-value", key, fmt::format("`{}` has no value", what), "write a list, or `[]` for none");
      return std::nullopt;
    }
    if (tree_.kind(list) != Kind::Sequence) {
      error("case.expected-list", list, fmt::format("`{}` should be a list of names, like [a, b] or [] for none, found {}",
                                                    what, found(list)));
      return std::nullopt;
    }
    bool ok = true;
    const std::string singular = what == "obligations" ? "obligation" : "flag";
    for (NodeId item : tree_.children(list)) {
      if (tree_.kind(item) != Kind::Scalar) {
        error("case.expected-name", item, fmt::format("expected the name of {} {}, found {}",
                                                      singular == "obligation" ? "an" : "a", singular, found(item)));
        ok = false;
        continue;
      }
      std::string_view name = tree_.scalar(item);
      if (declared && !contains(*declared, name)) {
        const std::string guess = did_you_mean(name, *declared);
        std::string choices = declared->empty() ? fmt::format("the policy declares no {}s", singular)
                                                : fmt::format("its {}s are: {}", singular, join(*declared, ", "));
        if (!guess.empty() && declared->size() == 1) choices.clear();  // the guess is the whole list: say it once
        error(singular == "obligation" ? "case.unknown-obligation" : "case.unknown-flag", item,
              fmt::format("policy `{}` has no {} `{}`", policy_.name, singular, shown(name)), hint(guess, choices));
        ok = false;
        continue;
      }
      out.emplace(name);
    }
    if (!ok) return std::nullopt;
    return out;
  }

  // `return: granted` or `return: {value: granted, by: embassy}`; checked when `mine`.
  std::optional<ExpectedDecision> expected_decision(NodeId key, NodeId value, std::string_view decision, bool mine) {
    ExpectedDecision e;
    std::optional<NodeId> value_node;
    if (tree_.kind(value) == Kind::Map) {
      check_duplicates(value);
      bool ok = true;
      for (std::size_t i = 0; i < tree_.entries(value); ++i) {
        NodeId k = tree_.key(value, i);
        NodeId v = tree_.value(value, i);
        auto field = key_name(k);
        if (!field) {
          ok = false;
        } else if (*field == "value") {
          value_node = v;
        } else if (*field == "by") {
          if (tree_.kind(v) != Kind::Scalar) {
            error("case.expected-name", tree_.kind(v) == Kind::Null ? k : v,
                  fmt::format("expected the name of an authority for `by`, found {}", found(v)));
            ok = false;
            continue;
          }
          std::string_view by = tree_.scalar(v);
          if (mine && !contains(policy_.authorities, by)) {
            std::string choices = policy_.authorities.empty()
                                      ? "the policy declares no authorities"
                                      : fmt::format("its authorities are: {}", join(policy_.authorities, ", "));
            error("case.unknown-authority", v, fmt::format("policy `{}` has no authority `{}`", policy_.name, shown(by)),
                  hint(did_you_mean(by, policy_.authorities), choices));
            ok = false;
            continue;
          }
          e.by = std::string(by);
        } else {
          unknown_key(k, *field, kDecisionKeys, fmt::format("the expected `{}`", decision), "an expected decision");
          ok = false;
        }
      }
      if (!value_node) {
        error("case.no-value", key, fmt::format("the expected `{}` has no `value:`", decision),
              "write `value: granted` (for example) beside `by:`");
        return std::nullopt;
      }
      if (!ok) return std::nullopt;
    } else {
      value_node = value;
    }
    NodeId v = *value_node;
    if (tree_.kind(v) != Kind::Scalar) {
      error("case.expected-value", tree_.kind(v) == Kind::Null ? key : v,
            fmt::format("expected a value of decision `{}`, found {}", decision, found(v)));
      return std::nullopt;
    }
    std::string_view s = tree_.scalar(v);
    if (mine) {
      const auto& values = policy_.decisions.find(decision)->second;
      if (!contains(values, s) && !contains(kOutcomeWords, s)) {
        std::vector<std::string> all = values;
        all.insert(all.end(), kOutcomeWords.begin(), kOutcomeWords.end());
        error("case.unknown-decision-value", v, fmt::format("`{}` is not a value of decision `{}`", shown(s), decision),
              hint(did_you_mean(s, all), fmt::format("`{}` is one of: {}; or undetermined, conflict, not_applicable, outside",
                                                     decision, join(values, " | "))));
        return std::nullopt;
      }
    }
    e.value = std::string(s);
    e.loc = place(v);
    return e;
  }

  // One `expect:` block. Only the block keyed by this policy's name is checked against it; the
  // others are read for their shape and kept for the policies they name.
  void expectation(NodeId key, NodeId block, std::string_view policy, Case& c) {
    const bool mine = policy == policy_.name;
    Expectation e;
    e.policy = std::string(policy);
    e.loc = place(key);
    if (tree_.kind(block) != Kind::Map) {
      error("case.expected-map", tree_.kind(block) == Kind::Null ? key : block,
            fmt::format("the expectations under `{}` should be a mapping (`return: granted`, ...), found {}", policy,
                        found(block)));
      return;
    }
    check_duplicates(block);
    for (std::size_t i = 0; i < tree_.entries(block); ++i) {
      NodeId k = tree_.key(block, i);
      NodeId v = tree_.value(block, i);
      auto name = key_name(k);
      if (!name) continue;
      if (*name == "obligations") {
        e.obligations = name_list(k, v, "obligations", mine ? &policy_.obligations : nullptr);
      } else if (*name == "flags") {
        e.flags = name_list(k, v, "flags", mine ? &policy_.flags : nullptr);
      } else if (*name == "why") {
        if (auto t = text(k, v, "why")) e.comment = std::move(*t);
      } else {
        if (mine && !policy_.decisions.contains(*name)) {
          std::vector<std::string> known = policy_.decision_names;
          known.insert(known.end(), kExpectKeys.begin(), kExpectKeys.end());
          error("case.unknown-decision", k, fmt::format("policy `{}` has no decision `{}`", policy_.name, shown(*name)),
                hint(did_you_mean(*name, known),
                     fmt::format("its decisions are: {}; beside them an expectation may list obligations, flags and why",
                                 join(policy_.decision_names, ", "))));
          continue;
        }
        if (auto d = expected_decision(k, v, *name, mine)) e.decisions.emplace(std::string(*name), std::move(*d));
      }
    }
    c.expect.push_back(std::move(e));
  }

  void expect(NodeId key, NodeId map, Case& c) {
    if (tree_.kind(map) != Kind::Map) {
      error("case.expected-map", tree_.kind(map) == Kind::Null ? key : map,
            fmt::format("`expect` should map policy names to expected outcomes (`{}:` then `return: granted`), found {}",
                        policy_.name, found(map)));
      return;
    }
    check_duplicates(map);
    for (std::size_t i = 0; i < tree_.entries(map); ++i) {
      NodeId k = tree_.key(map, i);
      auto name = key_name(k);
      if (!name) continue;
      expectation(k, tree_.value(map, i), *name, c);
    }
  }

  // --- history -------------------------------------------------------------------------------

  void history(NodeId key, NodeId map, Case& c) {
    if (tree_.kind(map) != Kind::Map) {
      error("case.expected-map", tree_.kind(map) == Kind::Null ? key : map,
            fmt::format("`history` should be a mapping (`summary:`, `decisions:`, `source:`), found {}", found(map)));
      return;
    }
    check_duplicates(map);
    History h;
    h.loc = place(key);
    for (std::size_t i = 0; i < tree_.entries(map); ++i) {
      NodeId k = tree_.key(map, i);
      NodeId v = tree_.value(map, i);
      auto field = key_name(k);
      if (!field) continue;
      if (*field == "summary") {
        if (auto t = text(k, v, "summary")) h.summary = std::move(*t);
      } else if (*field == "source") {
        if (auto t = text(k, v, "source")) h.source = std::move(*t);
      } else if (*field == "decisions") {
        history_decisions(k, v, h);
      } else {
        unknown_key(k, *field, kHistoryKeys, "`history`", "`history`");
      }
    }
    c.history = std::move(h);
  }

  // What history records for each decision. The value is free (history need not follow the
  // rules); a decision the policy does not have is only a warning, since other versions may.
  void history_decisions(NodeId key, NodeId map, History& h) {
    if (tree_.kind(map) == Kind::Null) return;
    if (tree_.kind(map) != Kind::Map) {
      error("case.expected-map", map,
            fmt::format("`decisions` should map decision names to what happened (`return: granted`), found {}", found(map)));
      return;
    }
    (void)key;
    check_duplicates(map);
    for (std::size_t i = 0; i < tree_.entries(map); ++i) {
      NodeId k = tree_.key(map, i);
      NodeId v = tree_.value(map, i);
      auto name = key_name(k);
      if (!name) continue;
      if (!policy_.decisions.contains(*name))
        warning("case.history-decision", k,
                fmt::format("history records decision `{}`, which policy `{}` does not have", shown(*name), policy_.name),
                hint(did_you_mean(*name, policy_.decision_names),
                     fmt::format("its decisions are: {}", join(policy_.decision_names, ", "))));
      if (auto t = text(k, v, *name)) h.decisions.emplace(std::string(*name), std::move(*t));
    }
  }

  // --- one case ------------------------------------------------------------------------------

  LoadedCase load_case(NodeId map, bool whole_file) {
    LoadedCase out;
    Case& c = out.value;
    c.loc = place(map);
    const std::size_t errors_before = budget_.errors;
    bool has_bad_id = false;
    check_duplicates(map);
    for (std::size_t i = 0; i < tree_.entries(map); ++i) {
      NodeId k = tree_.key(map, i);
      NodeId v = tree_.value(map, i);
      auto name = key_name(k);
      if (!name) continue;
      if (*name == "id") {
        if (tree_.kind(v) == Kind::Scalar && !tree_.scalar(v).empty() &&
            tree_.scalar(v).find_first_of("\r\n") == std::string_view::npos) {
          c.id = std::string(tree_.scalar(v));
          out.has_id = true;
          out.id_loc = place(v);
        } else {
          has_bad_id = true;
          error("case.bad-id", tree_.kind(v) == Kind::Scalar ? v : k,
                fmt::format("a case id is a short name on one line, like `pt-kim`; found {}", found(v)));
        }
      } else if (*name == "title") {
        if (auto t = text(k, v, "title")) c.title = std::move(*t);
      } else if (*name == "source") {
        if (auto t = text(k, v, "source")) c.source = std::move(*t);
      } else if (*name == "date") {
        if (tree_.kind(v) == Kind::Null)
          error("case.no-value", k, "`date` has no value",
                "write the day (1956-02-10), the month (1956-02), the year (1957) or a range (1957 .. 1958), "
                "or leave the key out");
        else c.date = case_date(v);
      } else if (*name == "requested" || *name == "decided") {
        if (tree_.kind(v) == Kind::Null) {
          error("case.no-value", k, fmt::format("`{}` has no value", *name),
                "write the day (1956-02-10), the month (1956-02), the year (1957) or a range (1957 .. 1958), "
                "or leave the key out");
        } else if (*name == "requested") {
          c.requested = case_date(v);
        } else {
          c.date = case_date(v);
          c.decided_written = true;
        }
      } else if (*name == "household") {
        household(k, v, c);
      } else if (*name == "facts") {
        facts(k, v, c);
      } else if (*name == "expect") {
        expect(k, v, c);
      } else if (*name == "history") {
        history(k, v, c);
      } else if (policy_.fact(*name) != nullptr) {
        error("case.unknown-key", k, fmt::format("`{}` is a fact, written outside `facts:`", shown(*name)),
              "indent it under `facts:`, where the case's facts go");
      } else {
        std::vector<std::string> known = kCaseKeys;
        if (whole_file) known.push_back("cases");
        error("case.unknown-key", k, fmt::format("unknown key `{}` in a case", shown(*name)),
              hint(did_you_mean(*name, known), fmt::format("a case has: {}", join(kCaseKeys, ", "))));
      }
    }
    bool has_date = false, has_decided = false;
    for (std::size_t i = 0; i < tree_.entries(map); ++i) {
      auto name = tree_.kind(tree_.key(map, i)) == Kind::Scalar ? tree_.scalar(tree_.key(map, i)) : std::string_view();
      has_date = has_date || name == "date";
      has_decided = has_decided || name == "decided";
    }
    if (has_date && has_decided)
      error("case.date-and-decided", c.loc, "the case gives both `date:` and `decided:`, which say the same",
            "keep `decided:` (when the request was decided) and `requested:` (when it was made)");
    if (c.date && c.requested && c.date->last < c.requested->first)
      error("case.decided-before-requested", c.loc,
            fmt::format("the request is decided ({}) before it is made ({})", c.date->written, c.requested->written),
            "check the two dates against the sources");
    if (!out.has_id && !has_bad_id)
      error("case.missing-id", c.loc, "this case has no `id:`", "give each case an id that no other case has, e.g. `id: pt-kim`");
    out.valid = budget_.errors == errors_before;
    return out;
  }

  const SourceFile& file_;
  const yaml::Tree& tree_;
  const PolicyIndex& policy_;
  const CaseLimits& limits_;
  std::vector<Diagnostic>& diagnostics_;
  std::vector<bool> own_dup_checked_;
  std::vector<bool>* dup_checked_ = &own_dup_checked_;  // by node: maps already checked for duplicate keys
  std::vector<CaseStorage::Facts::iterator> own_by_rank_;
  std::vector<CaseStorage::Facts::iterator>* by_rank_ = &own_by_rank_;  // facts(): the case's facts by rank
  CaseStorage* storage_ = nullptr;
  ErrorBudget own_budget_;
  ErrorBudget& budget_;
};

// Which value a plain record's fact takes, as FileLoader::fact_value reads the same text from
// the record's tree: kUnknown, a boolean (0, 1), an enumeration's value's index, or kText;
// nullopt when that reading would not take it without a word (or is a set's, a number's or a
// date's, which only the tree reads).
constexpr std::int64_t kUnknown = -1;
constexpr std::int64_t kText = -2;
std::optional<std::int64_t> plain_value(const formats::PlainFact& fact, const dsl::FactType& type) {
  using PlainKind = formats::PlainFact::Kind;
  if (type.kind == dsl::FactType::Kind::Set) return std::nullopt;
  if (fact.kind == PlainKind::Null || (fact.kind == PlainKind::Word && fact.text == "unknown")) return kUnknown;
  switch (type.kind) {
    case dsl::FactType::Kind::Bool:
      if (fact.kind == PlainKind::Word && (fact.text == "true" || fact.text == "false")) return fact.text == "true" ? 1 : 0;
      return std::nullopt;
    case dsl::FactType::Kind::Enum:
      for (std::size_t i = 0; i < type.values.size(); ++i)
        if (type.values[i] == fact.text) return static_cast<std::int64_t>(i);
      return std::nullopt;
    case dsl::FactType::Kind::Text: return kText;
    default: return std::nullopt;
  }
}

// The value plain_value chose, written into `out` (its text keeps its storage).
void write_plain_value(const formats::PlainFact& fact, const dsl::FactType& type, std::int64_t chosen, Value& out) {
  out.boolean = false;
  out.integer = 0;
  if (chosen == kUnknown) {
    out.kind = Value::Kind::Unknown;
    out.text.clear();
  } else if (chosen == kText) {
    out.kind = Value::Kind::Text;
    out.text.assign(fact.text);
  } else if (type.kind == dsl::FactType::Kind::Bool) {
    out.kind = Value::Kind::Bool;
    out.boolean = chosen == 1;
    out.text.clear();
  } else {
    out.kind = Value::Kind::Enum;
    out.integer = chosen;
    out.text.assign(type.values[static_cast<std::size_t>(chosen)]);
  }
}

// The case of a plain record (formats/plain_record.hpp) as FileLoader builds it from the record's
// tree: its place, its id and its facts with their values and places, read into `out`, the last
// plain record's case (its facts' nodes kept where the two records state the same facts). False,
// with `out` unchanged, when the tree's reading would have something to say (a fact not of the
// policy, written twice, or a value it does not take, a place its reading of the text finds
// elsewhere): the record is then read through its tree. `out` holds nothing but what a plain
// record gives.
bool plain_case(const SourceFile& file, const PolicyIndex& policy, CaseStorage& storage,
                const formats::PlainRecord& record, LoadedCase& out) {
  if (std::any_of(record.id.begin(), record.id.end(), [](char c) { return c == '\r' || c == '\n'; })) return false;
  auto& by_rank = storage.plain_by_rank;
  auto& chosen = storage.plain_values;
  by_rank.assign(policy.facts.size(), nullptr);
  chosen.resize(policy.facts.size());
  for (const auto& fact : record.facts) {
    const auto found = fact.rank == formats::PlainFact::kNoRank ? policy.find(fact.name) : policy.ranked(fact.rank);
    if (found.fact == nullptr || by_rank[found.rank] != nullptr) return false;
    auto value = plain_value(fact, found.fact->second);
    if (!value) return false;
    by_rank[found.rank] = &fact;
    chosen[found.rank] = *value;
  }
  Case& c = out.value;
  file.locate(c.loc, record.at, 1);
  c.id.assign(record.id);
  out.has_id = true;
  out.valid = true;
  file.locate(out.id_loc, record.id_at, record.id_length);
  // The policy's facts and the case's are both in the order of their names, and `stated` says
  // which the last case has: one walk through both keeps the facts the last case stated too,
  // and adds and drops the others, without comparing a name.
  auto& stated = storage.plain_stated;
  stated.resize(policy.facts.size(), false);
  auto at = c.facts.begin();
  std::uint32_t rank = 0;
  for (const auto& entry : policy.facts) {
    const bool had = stated[rank];
    if (const formats::PlainFact* fact = by_rank[rank]) {
      auto into = had ? at++ : storage.new_fact(c.facts, at, entry.first);
      write_plain_value(*fact, entry.second, chosen[rank], into->second.value);
      file.locate(into->second.loc, fact->at, fact->length);
    } else if (had) {
      auto gone = at++;
      storage.drop_fact(c.facts, gone);
    }
    stated[rank] = by_rank[rank] != nullptr;
    ++rank;
  }
  return true;
}

// `text` with every byte that is not part of valid UTF-8 replaced by '?', byte for byte.
std::string printable(const std::string& text) { return yaml::printable_line(text); }

// "64 MiB (67108864 bytes)"
std::string limit_in_words(std::size_t bytes) {
  if (bytes % (1u << 20) == 0) return fmt::format("{} MiB ({} bytes)", bytes >> 20, bytes);
  return fmt::format("{} bytes", bytes);
}

// `size` is "" when it is not known (a pipe or a device, refused once it passed the limit).
Diagnostic too_large(const SourceLoc& loc, const std::string& size, const CaseLimits& limits) {
  std::string what = size.empty() ? "the file holds more than" : fmt::format("the file is {}, more than", size);
  return make_error("case.too-large", loc,
                    fmt::format("{} the {} a case file may hold", what, limit_in_words(limits.max_file_bytes)),
                    "split the cases into several files, or load a folder of them");
}

// --- JSON Lines and CSV ------------------------------------------------------------------------

enum class Format { Yaml, JsonLines, Csv };

Format format_of(const std::string& name, std::string_view text) {
  auto ends = [&](std::string_view suffix) {
    return name.size() >= suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  if (ends(".jsonl")) return Format::JsonLines;
  if (ends(".csv")) return Format::Csv;
  if (name == "<stdin>") {  // standard input has no name to tell: a first line that starts a JSON object
    std::size_t first = text.find_first_not_of(" \t\r\n");
    if (first != std::string_view::npos && text.substr(first, 2) == "{\"") return Format::JsonLines;
  }
  return Format::Yaml;
}

std::size_t after_bom(std::string_view text) { return text.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0; }

// The columns of a CSV case file, from its header row.
struct CsvColumn {
  enum class Role { Id, Title, Date, Source, Fact, FactSource, FactCertainty, FactNote };
  Role role = Role::Fact;
  std::string fact;        // Fact and its provenance: the fact's name
  std::uint32_t rank = 0;  // Fact: the fact's rank among the policy's facts (PolicyIndex::find)
};

const std::vector<std::string> kCsvCaseColumns = {"id", "title", "date", "source"};

// Reads the header row; nullopt (reported) when a column cannot be placed.
std::optional<std::vector<CsvColumn>> csv_header(const SourceFile& file, std::size_t begin,
                                                 const std::vector<formats::CsvCell>& cells, const PolicyIndex& policy,
                                                 std::vector<Diagnostic>& diagnostics) {
  std::vector<CsvColumn> columns;
  std::map<std::string, std::size_t, std::less<>> seen;  // column name -> its cell
  bool ok = true;
  bool has_id = false;
  auto at = [&](const formats::CsvCell& cell) {
    return file.locate(cell.offset, cell.as_written ? std::max<std::size_t>(1, cell.text.size()) : 1);
  };
  for (std::size_t i = 0; i < cells.size(); ++i) {
    const auto& cell = cells[i];
    const std::string name(cell.text);
    CsvColumn column;
    if (auto [it, inserted] = seen.emplace(name, i); !inserted) {
      Diagnostic d = make_error("case.duplicate-key", at(cell), fmt::format("the column `{}` is named twice", shown(name)),
                                "each column of the header row names one key or fact; keep one of them");
      d.notes.push_back({at(cells[it->second]), "first named here"});
      diagnostics.push_back(std::move(d));
      ok = false;
      continue;
    }
    auto dot = name.rfind('.');
    std::string_view base = dot == std::string::npos ? std::string_view(name) : std::string_view(name).substr(0, dot);
    std::string_view part = dot == std::string::npos ? std::string_view() : std::string_view(name).substr(dot + 1);
    if (name == "id") {
      column.role = CsvColumn::Role::Id;
      has_id = true;
    } else if (name == "title") {
      column.role = CsvColumn::Role::Title;
    } else if (name == "date") {
      column.role = CsvColumn::Role::Date;
    } else if (name == "source") {
      column.role = CsvColumn::Role::Source;
    } else if (const auto found = policy.find(name); found.fact != nullptr) {
      column.fact = name;
      column.rank = found.rank;
    } else if (dot != std::string::npos && policy.facts.contains(base) &&
               (part == "source" || part == "certainty" || part == "note")) {
      column.fact = std::string(base);
      column.role = part == "source" ? CsvColumn::Role::FactSource
                    : part == "certainty" ? CsvColumn::Role::FactCertainty
                                          : CsvColumn::Role::FactNote;
    } else if (name.empty()) {
      diagnostics.push_back(make_error("case.csv-column", at(cell), "a column of the header row has no name",
                                       "name each column: id, title, date, source, a fact, or a fact's "
                                       "`.source`, `.certainty` or `.note`"));
      ok = false;
      continue;
    } else if (name == "expect" || name == "history" || name == "facts" || name == "cases") {
      diagnostics.push_back(make_error(
          "case.csv-column", at(cell), fmt::format("`{}` cannot be a column of a CSV case file", name),
          "a CSV row holds a case's id, title, date, source and facts (with their provenance); keep expectations "
          "and history in a YAML or JSON Lines case file (`decree convert` writes one)"));
      ok = false;
      continue;
    } else if (dot != std::string::npos && policy.facts.contains(base)) {
      diagnostics.push_back(make_error("case.unknown-key", at(cell),
                                       fmt::format("unknown column `{}`: a fact's provenance is `.source`, `.certainty` "
                                                   "or `.note`",
                                                   shown(name)),
                                       hint(did_you_mean(part, {"source", "certainty", "note"}),
                                            fmt::format("write `{}.source`, `{}.certainty` or `{}.note`", base, base, base))));
      ok = false;
      continue;
    } else {
      std::vector<std::string> known = kCsvCaseColumns;
      known.insert(known.end(), policy.fact_names.begin(), policy.fact_names.end());
      std::string help = did_you_mean(dot == std::string::npos ? std::string_view(name) : base, known);
      if (help.empty() && policy.fact_names.size() <= kFactsListed)
        help = fmt::format("the policy's facts are: {}", join(policy.fact_names, ", "));
      diagnostics.push_back(make_error("case.unknown-fact", at(cell),
                                       fmt::format("the column `{}` is not a fact of policy `{}`, nor id, title, date "
                                                   "or source",
                                                   shown(name), policy.name),
                                       help));
      ok = false;
      continue;
    }
    columns.push_back(std::move(column));
  }
  // A fact's provenance needs the fact's own column.
  for (std::size_t i = 0; i < cells.size() && ok; ++i) {
    if (i >= columns.size()) break;
    const auto& c = columns[i];
    if (c.role != CsvColumn::Role::Fact && !c.fact.empty() && !seen.contains(c.fact)) {
      diagnostics.push_back(make_error("case.csv-column", at(cells[i]),
                                       fmt::format("the column `{}` has no column `{}` beside it", cells[i].text, c.fact),
                                       fmt::format("add a column `{}` for the fact's value (an empty cell leaves it "
                                                   "unknown)",
                                                   c.fact)));
      ok = false;
    }
  }
  if (!has_id) {
    diagnostics.push_back(make_error("case.missing-id", file.locate(begin),
                                     "the header row of this CSV case file has no `id` column",
                                     "the first row names the columns: id, then title, date, source and the facts"));
    ok = false;
  }
  if (!ok) return std::nullopt;
  return columns;
}

// A CSV row as the tree a YAML case is read into: `id`, `title`, `date`, `source` and `facts`,
// each fact a value or a mapping with its provenance. An empty cell is left out (unknown); a
// fact with an empty cell but provenance is written unknown, with its provenance. Built in the
// storage of `spare`, a tree no longer needed.
yaml::Tree csv_row_tree(const SourceFile& file, std::size_t begin, const std::vector<CsvColumn>& columns,
                        const std::vector<formats::CsvCell>& cells, yaml::Tree spare = yaml::Tree()) {
  yaml::TreeMaker maker(file.text(), std::move(spare));
  auto value = [&](const formats::CsvCell& cell) {
    return cell.as_written ? maker.scalar_view(cell.offset, cell.offset, cell.text.size(), true)
                           : maker.scalar_text(cell.offset, cell.text, true);
  };
  auto key = [&](const formats::CsvCell& cell, std::string_view name) { return maker.scalar_text(cell.offset, name, true); };
  std::vector<NodeId> top;
  std::vector<NodeId> facts;
  std::optional<std::size_t> facts_at;
  std::map<std::string, std::vector<std::size_t>, std::less<>> provenance;  // fact -> its provenance columns
  for (std::size_t i = 0; i < columns.size(); ++i)
    if (columns[i].role != CsvColumn::Role::Fact && !columns[i].fact.empty()) provenance[columns[i].fact].push_back(i);
  for (std::size_t i = 0; i < columns.size(); ++i) {
    const auto& column = columns[i];
    const auto& cell = cells[i];
    switch (column.role) {
      case CsvColumn::Role::Id:
        top.push_back(key(cell, "id"));
        top.push_back(cell.text.empty() ? maker.null(cell.offset) : value(cell));
        break;
      case CsvColumn::Role::Title:
      case CsvColumn::Role::Date:
      case CsvColumn::Role::Source:
        if (cell.text.empty()) break;
        top.push_back(key(cell, column.role == CsvColumn::Role::Title  ? "title"
                                : column.role == CsvColumn::Role::Date ? "date"
                                                                       : "source"));
        top.push_back(value(cell));
        break;
      case CsvColumn::Role::Fact: {
        std::vector<NodeId> fields;
        if (auto it = provenance.find(column.fact); it != provenance.end()) {
          for (std::size_t p : it->second) {
            if (cells[p].text.empty()) continue;
            const auto role = columns[p].role;
            fields.push_back(key(cells[p], role == CsvColumn::Role::FactSource      ? "source"
                                           : role == CsvColumn::Role::FactCertainty ? "certainty"
                                                                                   : "note"));
            fields.push_back(value(cells[p]));
          }
        }
        if (cell.text.empty() && fields.empty()) break;
        if (!facts_at) facts_at = cell.offset;
        facts.push_back(key(cell, column.fact));
        NodeId v = cell.text.empty() ? maker.scalar_text(cell.offset, "unknown", true) : value(cell);
        if (fields.empty()) {
          facts.push_back(v);
        } else {
          fields.insert(fields.begin(), {key(cell, "value"), v});
          facts.push_back(maker.collection(Kind::Map, cell.offset, fields));
        }
        break;
      }
      default: break;
    }
  }
  if (!facts.empty()) {
    top.push_back(maker.scalar_text(*facts_at, "facts", true));
    top.push_back(maker.collection(Kind::Map, *facts_at, facts));
  }
  return maker.finish(maker.collection(Kind::Map, begin, top), yaml::Tree::Syntax::Csv);
}

// An item of a YAML `cases:` list read as a plain record: a mapping of `id` and `facts`, the id
// and each fact's value a scalar (a word, quoted text or text with a tag), placed where the
// tree places them. False for any other item.
bool plain_yaml_item(const SourceFile& file, const yaml::Tree& tree, NodeId item, formats::PlainRecord& out) {
  out.clear();
  if (tree.kind(item) != Kind::Map) return false;
  out.at = tree.written(item, file).first;
  bool has_facts = false;
  for (std::size_t i = 0; i < tree.entries(item); ++i) {
    const NodeId k = tree.key(item, i);
    const NodeId v = tree.value(item, i);
    if (tree.kind(k) != Kind::Scalar) return false;
    const std::string_view key = tree.scalar(k);
    if (key == "id" && out.id.empty()) {
      if (tree.kind(v) != Kind::Scalar || tree.scalar(v).empty()) return false;
      out.id = tree.scalar(v);
      std::tie(out.id_at, out.id_length) = tree.written(v, file);
    } else if (key == "facts" && !has_facts) {
      has_facts = true;
      if (tree.kind(v) == Kind::Null) continue;  // `facts:` with nothing under it: every fact unknown
      if (tree.kind(v) != Kind::Map) return false;
      for (std::size_t j = 0; j < tree.entries(v); ++j) {
        const NodeId name = tree.key(v, j);
        const NodeId value = tree.value(v, j);
        if (tree.kind(name) != Kind::Scalar || tree.kind(value) != Kind::Scalar) return false;
        formats::PlainFact fact;
        fact.name = tree.scalar(name);
        fact.text = tree.scalar(value);
        fact.kind = tree.node(value).plain ? formats::PlainFact::Kind::Word : formats::PlainFact::Kind::Quoted;
        std::tie(fact.at, fact.length) = tree.written(value, file);
        out.facts.push_back(fact);
      }
    } else {
      return false;
    }
  }
  return !out.id.empty();
}

// A CSV row read as a plain record: an id, and facts without provenance; no title, date or
// source. False for any other row, and for a cell not written as it reads (quoted, trimmed).
bool plain_csv_row(std::size_t begin, const std::vector<CsvColumn>& columns, const std::vector<formats::CsvCell>& cells,
                   formats::PlainRecord& out) {
  out.clear();
  out.at = begin;
  constexpr std::size_t kLongest = 60'000;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    const auto& cell = cells[i];
    const auto& column = columns[i];
    if (column.role == CsvColumn::Role::Fact) {
      if (cell.text.empty()) continue;
      if (!cell.bare || cell.text.size() > kLongest) return false;
      formats::PlainFact& fact = out.facts.emplace_back();
      fact.name = column.fact;
      fact.text = cell.text;
      fact.at = cell.offset;
      fact.length = cell.text.size();
      fact.rank = column.rank;
    } else if (column.role == CsvColumn::Role::Id) {
      if (!cell.bare || cell.text.empty() || cell.text.size() > kLongest) return false;
      out.id = cell.text;
      out.id_at = cell.offset;
      out.id_length = cell.text.size();
    } else if (!cell.text.empty()) {
      return false;
    }
  }
  return !out.id.empty();
}

void load_csv(const SourceFile& file, const PolicyIndex& policy, const CaseLimits& limits,
              std::vector<LoadedCase>& cases, std::vector<Diagnostic>& diagnostics, std::size_t& rejected) {
  std::string_view text = file.text();
  std::size_t at = after_bom(text);
  formats::CsvRecordReader reader;
  std::optional<std::vector<CsvColumn>> columns;
  ErrorBudget budget;
  std::size_t rows = 0;
  bool header_seen = false;
  while (at < text.size()) {
    std::size_t end = formats::csv_record_end(text, at);
    const std::size_t begin = at;
    at = end;
    if (formats::csv_blank_record(text.substr(begin, end - begin))) continue;
    auto cells = reader.read(file, begin, end, diagnostics);
    if (!header_seen) {
      header_seen = true;
      if (!cells) return;
      columns = csv_header(file, begin, *cells, policy, diagnostics);
      if (!columns) return;
      continue;
    }
    if (budget.stopped) {
      ++rejected;
      continue;
    }
    if (++rows > limits.max_cases_per_file) {
      diagnostics.push_back(make_error("case.too-many-cases", file.locate(begin),
                                       fmt::format("more than {} cases in one file, the limit for a case file",
                                                   limits.max_cases_per_file),
                                       "split the cases into several files, or load a directory of them"));
      return;
    }
    if (!cells) {
      ++rejected;
      ++budget.errors;
      continue;
    }
    if (cells->size() != columns->size()) {
      diagnostics.push_back(make_error("case.csv-columns", file.locate(begin),
                                       fmt::format("this row has {} cells; the header row names {} columns", cells->size(),
                                                   columns->size()),
                                       "give every row one cell per column (an empty cell leaves a fact unknown)"));
      ++rejected;
      ++budget.errors;
      continue;
    }
    yaml::Tree tree = csv_row_tree(file, begin, *columns, *cells);
    FileLoader(file, tree, policy, limits, diagnostics, budget).load_record(cases, rejected, "each row of a CSV case file");
  }
  if (!header_seen) {
    SourceLoc loc;
    loc.file = file.name();
    diagnostics.push_back(make_error("case.empty", loc, "the file holds no case",
                                     "a CSV case file has a header row naming its columns (id, then the facts) and one "
                                     "row per case"));
  } else if (rows == 0) {
    diagnostics.push_back(make_error("case.empty", file.locate(after_bom(text)),
                                     "the file holds no case: there is a header row and no row under it"));
  }
}

void load_jsonl(const SourceFile& file, const PolicyIndex& policy, const CaseLimits& limits,
                std::vector<LoadedCase>& cases, std::vector<Diagnostic>& diagnostics, std::size_t& rejected) {
  std::string_view text = file.text();
  std::size_t at = after_bom(text);
  formats::JsonRecordReader reader;
  ErrorBudget budget;
  std::size_t records = 0;
  while (at < text.size()) {
    std::size_t newline = text.find('\n', at);
    std::size_t end = newline == std::string_view::npos ? text.size() : newline;
    const std::size_t begin = at;
    at = newline == std::string_view::npos ? text.size() : newline + 1;
    if (end > begin && text[end - 1] == '\r') --end;
    if (text.substr(begin, end - begin).find_first_not_of(" \t") == std::string_view::npos) continue;
    if (budget.stopped) {
      ++rejected;
      continue;
    }
    if (++records > limits.max_cases_per_file) {
      diagnostics.push_back(make_error("case.too-many-cases", file.locate(begin),
                                       fmt::format("more than {} cases in one file, the limit for a case file",
                                                   limits.max_cases_per_file),
                                       "split the cases into several files, or load a directory of them"));
      return;
    }
    auto record = reader.read(file, begin, end, limits.max_depth);
    diagnostics.insert(diagnostics.end(), record.diagnostics.begin(), record.diagnostics.end());
    if (!record.tree) {
      ++rejected;
      ++budget.errors;
      continue;
    }
    FileLoader(file, *record.tree, policy, limits, diagnostics, budget)
        .load_record(cases, rejected, "each line of a JSON Lines case file");
  }
  if (records == 0) {
    SourceLoc loc;
    loc.file = file.name();
    diagnostics.push_back(make_error("case.empty", loc, "the file holds no case",
                                     "a JSON Lines case file holds one case per line: {\"id\": \"...\", \"facts\": {...}}"));
  }
}

yaml::Limits yaml_limits(const CaseLimits& limits) {
  yaml::Limits out;
  out.max_file_bytes = limits.max_file_bytes;
  out.max_depth = limits.max_depth;
  out.max_alias_nodes = limits.max_alias_nodes;
  return out;
}

// Loads one file's text into `cases`, without the check for ids used twice.
void load_text(std::string text, const std::string& name, const PolicyIndex& policy, SourceSet& sources,
               const CaseLimits& limits, std::vector<LoadedCase>& cases, std::vector<Diagnostic>& diagnostics,
               std::size_t& rejected) {
  if (text.size() > limits.max_file_bytes) {  // before the text is indexed or copied again
    SourceLoc loc;
    loc.file = name;
    diagnostics.push_back(too_large(loc, fmt::format("{} bytes", text.size()), limits));
    return;
  }
  const Format format = format_of(name, text);
  auto file = std::make_shared<const SourceFile>(name, std::move(text));
  sources.add(file);
  if (format != Format::Yaml) {
    auto problems = yaml::check_text(*file, yaml_limits(limits));
    if (!problems.empty()) {
      diagnostics.insert(diagnostics.end(), problems.begin(), problems.end());
      sources.add(std::make_shared<const SourceFile>(name, printable(file->text())));
      return;
    }
    if (format == Format::Csv) load_csv(*file, policy, limits, cases, diagnostics, rejected);
    else load_jsonl(*file, policy, limits, cases, diagnostics, rejected);
    return;
  }
  auto read = yaml::read_yaml(*file, yaml_limits(limits));
  diagnostics.insert(diagnostics.end(), read.diagnostics.begin(), read.diagnostics.end());
  for (const auto& d : read.diagnostics)
    if (d.code == "case.not-utf8" || d.code == "case.binary") {
      // Show the offending line with its bad bytes made printable, one for one, so places hold.
      sources.add(std::make_shared<const SourceFile>(name, printable(file->text())));
      break;
    }
  if (read.empty && !has_errors(read.diagnostics)) {
    SourceLoc loc;
    loc.file = name;
    diagnostics.push_back(make_error("case.empty", loc, "the file holds no case",
                                     "a case file holds one case (`id:`, `facts:`, ...) or a `cases:` list"));
    return;
  }
  if (!read.tree) return;
  FileLoader(*file, *read.tree, policy, limits, diagnostics).load(cases, rejected);
}

// Reads a case file (`-` is standard input), refusing a missing file, a folder and a file over
// the size limit without reading it whole (dsl/input_file.hpp). (The text checks that follow
// are yaml::check_text's.)
std::optional<std::string> read_case_file(const std::string& path, const CaseLimits& limits,
                                          std::vector<Diagnostic>& diagnostics) {
  SourceLoc loc;
  loc.file = dsl::shown_name(path);
  auto read = dsl::read_input(path, limits.max_file_bytes);
  switch (read.problem) {
    case dsl::InputFile::Problem::None: return std::move(read.text);
    case dsl::InputFile::Problem::Missing:
      diagnostics.push_back(make_error("case.missing-file", loc, "cannot read the case file: there is no such file",
                                       "check the spelling of the path and the folder you run decree from"));
      break;
    case dsl::InputFile::Problem::Directory:
      diagnostics.push_back(make_error("case.directory", loc, "this is a folder, not a case file",
                                       "name a file inside it, or give the folder where folders are accepted"));
      break;
    case dsl::InputFile::Problem::Unreadable:
      diagnostics.push_back(make_error("case.unreadable", loc, fmt::format("cannot read the case file: {}", read.reason)));
      break;
    case dsl::InputFile::Problem::TooLarge:
      diagnostics.push_back(too_large(loc, read.size ? fmt::format("{} bytes", *read.size) : std::string(), limits));
      break;
  }
  return std::nullopt;
}

void load_file(const std::string& path, const PolicyIndex& policy, SourceSet& sources, const CaseLimits& limits,
               std::vector<LoadedCase>& cases, std::vector<Diagnostic>& diagnostics, std::size_t& rejected) {
  auto text = read_case_file(path, limits, diagnostics);
  if (!text) return;
  load_text(std::move(*text), dsl::shown_name(path), policy, sources, limits, cases, diagnostics, rejected);
}

// Reports ids used by more than one case (at the later, with a note at the first) and drops
// every case that shares one: which of them was meant cannot be told.
CaseLoadResult finish(std::vector<LoadedCase> loaded, std::vector<Diagnostic> diagnostics, std::size_t rejected) {
  std::unordered_map<std::string_view, std::size_t> first;
  for (std::size_t i = 0; i < loaded.size(); ++i) {
    if (!loaded[i].has_id) continue;
    auto [it, inserted] = first.emplace(loaded[i].value.id, i);
    if (inserted) continue;
    LoadedCase& earlier = loaded[it->second];
    Diagnostic d = make_error("case.duplicate-id", loaded[i].id_loc,
                              fmt::format("the case id `{}` is used twice", shown(loaded[i].value.id)),
                              "each case needs an id of its own");
    d.notes.push_back({earlier.id_loc, "first used here"});
    diagnostics.push_back(std::move(d));
    for (LoadedCase* c : {&earlier, &loaded[i]}) {
      if (c->valid) ++rejected;
      c->valid = false;
    }
  }
  // Households: each member names its head's case, which must be loaded too; the facts the head
  // states `for: household` are the member's, unless it states them itself.
  for (auto& member : loaded) {
    if (!member.valid || !member.value.household) continue;
    const Household& h = *member.value.household;
    auto at = first.find(h.head);
    if (at == first.end() || !loaded[at->second].valid) {
      diagnostics.push_back(make_error(
          "case.household-head-missing", h.head_loc,
          fmt::format("the household's head, case `{}`, is not among the cases loaded", shown(h.head)),
          "load the head's case file too (or the folder that holds both)"));
      ++rejected;
      member.valid = false;
      continue;
    }
    const Case& head = loaded[at->second].value;
    if (&head == &member.value) {
      diagnostics.push_back(make_error("case.household-head-missing", h.head_loc,
                                       "a case cannot be the head of its own household", "name the head's case"));
      ++rejected;
      member.valid = false;
      continue;
    }
    for (const auto& [name, fact] : head.facts) {
      if (!fact.for_household || member.value.facts.count(name) != 0) continue;
      FactValue copy = fact;
      copy.household_of = head.id;
      member.value.facts.emplace(name, std::move(copy));
    }
  }
  CaseLoadResult result;
  result.rejected = rejected;
  result.cases.reserve(loaded.size());
  for (auto& c : loaded)
    if (c.valid) result.cases.push_back(std::move(c.value));
  sort_by_place(diagnostics);
  // An aliased block shared by several cases would repeat its problems once per case.
  auto same = [](const Diagnostic& a, const Diagnostic& b) {
    return a.loc == b.loc && a.code == b.code && a.message == b.message;
  };
  diagnostics.erase(std::unique(diagnostics.begin(), diagnostics.end(), same), diagnostics.end());
  result.diagnostics = std::move(diagnostics);
  return result;
}

bool is_case_file(const std::filesystem::path& p) {
  auto ext = p.extension().string();
  return ext == ".yaml" || ext == ".yml" || ext == ".jsonl" || ext == ".csv";
}

}  // namespace

CaseLoadResult load_cases(const std::string& path, const ast::Policy& policy, SourceSet& sources,
                          const CaseLimits& limits) {
  PolicyIndex index = index_policy(policy);
  std::vector<LoadedCase> cases;
  std::vector<Diagnostic> diagnostics;
  std::size_t rejected = 0;
  load_file(path, index, sources, limits, cases, diagnostics, rejected);
  return finish(std::move(cases), std::move(diagnostics), rejected);
}

CaseLoadResult load_cases(std::string_view text, const std::string& file, const ast::Policy& policy, SourceSet& sources,
                          const CaseLimits& limits) {
  PolicyIndex index = index_policy(policy);
  std::vector<LoadedCase> cases;
  std::vector<Diagnostic> diagnostics;
  std::size_t rejected = 0;
  if (text.size() > limits.max_file_bytes) {
    SourceLoc loc;
    loc.file = file;
    diagnostics.push_back(too_large(loc, fmt::format("{} bytes", text.size()), limits));
  } else {
    load_text(std::string(text), file, index, sources, limits, cases, diagnostics, rejected);
  }
  return finish(std::move(cases), std::move(diagnostics), rejected);
}

std::vector<std::string> case_files(const std::vector<std::string>& paths) {
  namespace fs = std::filesystem;
  std::vector<std::string> out;
  for (const auto& path : paths) {
    std::error_code ec;
    if (!fs::is_directory(path, ec)) {
      out.push_back(path);
      continue;
    }
    std::vector<std::string> found;
    fs::recursive_directory_iterator it(path, fs::directory_options::skip_permission_denied, ec);
    for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (it->is_regular_file(ec) && is_case_file(it->path())) found.push_back(it->path().generic_string());
    }
    std::sort(found.begin(), found.end());
    out.insert(out.end(), found.begin(), found.end());
  }
  return out;
}

CaseLoadResult load_case_paths(const std::vector<std::string>& paths, const ast::Policy& policy, SourceSet& sources,
                               const CaseLimits& limits) {
  namespace fs = std::filesystem;
  PolicyIndex index = index_policy(policy);
  std::vector<LoadedCase> cases;
  std::vector<Diagnostic> diagnostics;
  std::size_t rejected = 0;
  std::set<std::string> seen;  // a file named twice (directly and through its directory) is read once
  for (const auto& path : paths) {
    std::error_code ec;
    const bool directory = fs::is_directory(path, ec);
    auto files = case_files({path});
    if (directory && files.empty()) {
      SourceLoc loc;
      loc.file = path;
      diagnostics.push_back(make_error("case.empty-directory", loc,
                                       "the directory holds no case file (*.yaml, *.yml, *.jsonl or *.csv, searched recursively)"));
      continue;
    }
    for (const auto& file : files) {
      if (!seen.insert(fs::path(file).lexically_normal().generic_string()).second) continue;
      load_file(file, index, sources, limits, cases, diagnostics, rejected);
    }
  }
  return finish(std::move(cases), std::move(diagnostics), rejected);
}

// --- A case at a time (engine/case_stream.hpp) ------------------------------------------------

// What is kept of households from case to case: the facts each head states `for: household`
// (only heads that state any), and the ids of the cases refused, whose members cannot take from them.
struct SeenIds::Households {
  std::unordered_map<std::string, std::vector<std::pair<std::string, FactValue>>> facts;
  std::unordered_set<std::string> refused;
  // Members read before their head, held until it comes.
  struct Waiting {
    Case value;
    SourceSet sources;  // the text the member's household is written in
    bool earlier_file = false;  // read from a file before the one being read
  };
  std::vector<Waiting> waiting;
  bool more_files = false;  // set_more_files
};

struct SeenIds::Impl {
  struct Entry {
    std::uint64_t at = 0;      // into `bytes`
    std::uint32_t size = 0;
    std::uint32_t line = 0;
    std::uint32_t column = 0;
    std::uint16_t length = 0;
    std::uint16_t file = 0;    // into `files`
  };
  std::vector<std::string> bytes_blocks;  // the ids' bytes, in blocks that never move
  std::deque<Entry> entries;              // grows without copying what it holds
  std::vector<std::uint32_t> slots;       // 0: empty; else 1 + an index into entries
  std::vector<std::uint8_t> tags;         // by slot: 8 bits of the id's hash, so that a probe reads
                                          // an entry only when they agree
  std::vector<std::string> files;
  Households households;

  static constexpr std::size_t kBlock = 1u << 20;

  std::string_view id(const Entry& e) const {
    return std::string_view(bytes_blocks[e.at / kBlock]).substr(e.at % kBlock, e.size);
  }
  std::uint64_t store(std::string_view id) {
    if (bytes_blocks.empty() || bytes_blocks.back().size() + id.size() > kBlock) {
      bytes_blocks.emplace_back();
      bytes_blocks.back().reserve(std::max(kBlock, id.size()));
    }
    // An id longer than a block has a block of its own.
    std::uint64_t at = (bytes_blocks.size() - 1) * kBlock + bytes_blocks.back().size();
    if (id.size() > kBlock) {
      bytes_blocks.back().assign(id);
      at = (bytes_blocks.size() - 1) * kBlock;
      bytes_blocks.emplace_back();
      return at;
    }
    bytes_blocks.back().append(id);
    return at;
  }
  static std::size_t hash(std::string_view s) { return std::hash<std::string_view>{}(s); }
  static std::uint8_t tag(std::size_t h) { return static_cast<std::uint8_t>(h >> 56); }
  void grow() {
    std::vector<std::uint32_t> bigger(slots.empty() ? 1024 : slots.size() * 2, 0);
    std::vector<std::uint8_t> bigger_tags(bigger.size(), 0);
    const std::size_t mask = bigger.size() - 1;
    for (std::size_t s = 0; s < slots.size(); ++s) {
      if (slots[s] == 0) continue;
      std::size_t i = hash(id(entries[slots[s] - 1])) & mask;
      while (bigger[i] != 0) i = (i + 1) & mask;
      bigger[i] = slots[s];
      bigger_tags[i] = tags[s];
    }
    slots.swap(bigger);
    tags.swap(bigger_tags);
  }
  // The entry holding `id` (hashed `h`), or null; `free` receives the empty slot the probe ended at.
  const Entry* lookup(std::string_view id, std::size_t h, std::size_t& free) const {
    const std::size_t mask = slots.size() - 1;
    const std::uint8_t t = tag(h);
    std::size_t i = h & mask;
    for (; slots[i] != 0; i = (i + 1) & mask) {
      if (tags[i] != t) continue;
      const Entry& e = entries[slots[i] - 1];
      if (this->id(e) == id) return &e;
    }
    free = i;
    return nullptr;
  }
  SourceLoc first_use(const Entry& e) const {
    SourceLoc first;
    first.file = files[e.file];
    first.line = e.line;
    first.column = e.column;
    first.length = e.length;
    return first;
  }
};

SeenIds::SeenIds() : impl_(std::make_unique<Impl>()) {}
SeenIds::~SeenIds() = default;
std::size_t SeenIds::size() const { return impl_->entries.size(); }

SeenIds::Households& SeenIds::households() { return impl_->households; }
void SeenIds::set_more_files(bool more) {
  impl_->households.more_files = more;
  for (auto& w : impl_->households.waiting) w.earlier_file = true;  // a file is about to be read
}

std::optional<SourceLoc> SeenIds::find(std::string_view id) const {
  const Impl& m = *impl_;
  if (m.slots.empty()) return std::nullopt;
  std::size_t free = 0;
  if (const Impl::Entry* e = m.lookup(id, Impl::hash(id), free)) return m.first_use(*e);
  return std::nullopt;
}

std::optional<SourceLoc> SeenIds::first_or_add(std::string_view id, const SourceLoc& at) {
  Impl& m = *impl_;
  if ((m.entries.size() + 1) * 10 > m.slots.size() * 7) m.grow();  // at most 70% full
  const std::size_t h = Impl::hash(id);
  std::size_t i = 0;
  if (const Impl::Entry* e = m.lookup(id, h, i)) return m.first_use(*e);
  if (m.files.empty() || m.files.back() != at.file) m.files.push_back(at.file);
  Impl::Entry e;
  e.size = static_cast<std::uint32_t>(id.size());
  e.at = m.store(id);
  e.line = at.line;
  e.column = at.column;
  e.length = static_cast<std::uint16_t>(std::min<std::uint32_t>(at.length, 0xFFFF));
  e.file = static_cast<std::uint16_t>(std::min<std::size_t>(m.files.size() - 1, 0xFFFF));
  m.entries.push_back(e);
  m.slots[i] = static_cast<std::uint32_t>(m.entries.size());
  m.tags[i] = Impl::tag(h);
  return std::nullopt;
}

namespace {

// Reads a file a line at a time through a buffer of its own: each line (without its line break)
// holds at most `limit` bytes; a longer line is read past and reported by its size. The file's
// error state (std::ferror) says whether reading failed.
class LineReader {
 public:
  explicit LineReader(std::FILE* f) : f_(f), buffer_(kBuffer) {}

  // False at the end of the file (a last line without a line break is still a line).
  bool next(std::string& line, std::size_t limit, std::size_t& size) {
    line.clear();
    size = 0;
    bool any = false;
    for (;;) {
      if (at_ == end_ && !fill()) return any;
      any = true;
      const char* from = buffer_.data() + at_;
      const std::size_t available = end_ - at_;
      const void* nl = std::memchr(from, '\n', available);
      const std::size_t n = nl == nullptr ? available : static_cast<std::size_t>(static_cast<const char*>(nl) - from);
      if (size < limit) line.append(from, std::min(n, limit - size));
      size += n;
      at_ += n;
      if (nl != nullptr) {
        ++at_;  // past the line break
        return true;
      }
    }
  }

 private:
  static constexpr std::size_t kBuffer = 1u << 16;
  bool fill() {
    at_ = 0;
    end_ = std::fread(buffer_.data(), 1, buffer_.size(), f_);
    return end_ > 0;
  }
  std::FILE* f_;
  std::vector<char> buffer_;
  std::size_t at_ = 0, end_ = 0;
};

// Hands the cases of one file on in file order, each with its problems and the text they point
// into: ids compared through SeenIds (the first use stands, a later one is refused at its place
// with a note at the first), households resolved against heads handed on before, a member read
// before its head held until the head comes.
class CaseSink {
 public:
  using OnCase = std::function<void(const Case&)>;
  using OnProblems = std::function<void(const std::vector<Diagnostic>&, const SourceSet&)>;

  CaseSink(SeenIds& ids, const OnCase& on_case, const OnProblems& on_problems, StreamedFile& result)
      : ids_(ids), households_(ids.households()), on_case_(on_case), on_problems_(on_problems), result_(result) {}

  // Cases handed on (and refused) give their storage back to `storage` (null: to none), to build
  // the next in.
  void reuse(CaseStorage* storage) { storage_ = storage; }

  // Problems of the file, or of a record that holds no case; `text` may be null.
  void problems(const std::vector<Diagnostic>& ds, const std::shared_ptr<const SourceFile>& text) {
    if (ds.empty()) return;
    for (const auto& d : ds)
      if (d.severity == Severity::Error) result_.errors = true;
    SourceSet set;
    if (text) set.add(text);
    on_problems_(ds, set);
  }
  void problems(const std::vector<Diagnostic>& ds, const SourceSet& sources) {
    if (ds.empty()) return;
    for (const auto& d : ds)
      if (d.severity == Severity::Error) result_.errors = true;
    on_problems_(ds, sources);
  }

  // One case as the loader built it (already counted in `rejected` when not valid), with the
  // problems found in it.
  void take(LoadedCase c, std::vector<Diagnostic> ds, const std::shared_ptr<const SourceFile>& text) {
    SourceSet set;
    if (text) set.add(text);
    take(std::move(c), std::move(ds), set);
  }
  void take(LoadedCase c, std::vector<Diagnostic> ds, const SourceSet& sources) {
    bool used_again = false;
    if (c.has_id) {
      if (auto first = ids_.first_or_add(c.value.id, c.id_loc)) {
        Diagnostic d = make_error("case.duplicate-id", c.id_loc,
                                  fmt::format("the case id `{}` is used twice", shown(c.value.id)),
                                  "each case needs an id of its own");
        d.notes.push_back({*first, "first used here"});
        ds.push_back(std::move(d));
        refuse(c);
        used_again = true;
      }
    }
    bool held = false;
    if (c.valid && c.value.household) {
      const Household& h = *c.value.household;
      if (h.head == c.value.id) {
        ds.push_back(make_error("case.household-head-missing", h.head_loc, "a case cannot be the head of its own household",
                                "name the head's case"));
        refuse(c);
      } else if (!ids_.find(h.head)) {
        held = true;
      } else if (!join_head(c, ds)) {
        refuse(c);
      }
    }
    problems(ds, sources);
    if (held) {
      households_.waiting.push_back(Waiting{std::move(c.value), sources});
      return;
    }
    if (!c.valid) {
      if (c.has_id && !used_again) {
        households_.refused.emplace(c.value.id);
        release(c.value.id);
      }
      if (storage_ != nullptr) storage_->give_back(c.value);
      return;
    }
    hand_on(c.value);
    release(c.value.id);
    if (storage_ != nullptr) storage_->give_back(c.value);
  }

  // A case read from a plain record (no household, no problem of its own): handed on unless its
  // id was used before. The case stays the caller's, to read the next plain record into.
  void take_plain(const LoadedCase& c, const std::shared_ptr<const SourceFile>& text) {
    if (auto first = ids_.first_or_add(c.value.id, c.id_loc)) {
      Diagnostic d = make_error("case.duplicate-id", c.id_loc, fmt::format("the case id `{}` is used twice", shown(c.value.id)),
                                "each case needs an id of its own");
      d.notes.push_back({*first, "first used here"});
      ++result_.rejected;
      problems({std::move(d)}, text);
      return;
    }
    ++result_.cases;  // as hand_on, with no fact stated for a household to keep
    on_case_(c.value);
    release(c.value.id);
  }

  // The end of the file: members whose head never came are refused, from this file and any
  // earlier one; when more files are to be read (SeenIds::set_more_files), they are held for them.
  void finish() {
    if (households_.more_files) return;  // held for the files still to be read
    auto waiting = std::move(households_.waiting);
    households_.waiting.clear();
    for (auto& w : waiting) head_missing(w);
  }

 private:
  using Waiting = SeenIds::Households::Waiting;

  void refuse(LoadedCase& c) {
    if (c.valid) ++result_.rejected;
    c.valid = false;
  }

  // Takes the facts the head states for the household; false (reported) when the head was refused.
  bool join_head(LoadedCase& c, std::vector<Diagnostic>& ds) {
    const Household& h = *c.value.household;
    if (households_.refused.contains(h.head)) {
      ds.push_back(head_missing_error(h));
      return false;
    }
    if (auto it = households_.facts.find(h.head); it != households_.facts.end()) {
      for (const auto& [name, fact] : it->second) {
        if (c.value.facts.count(name) != 0) continue;
        FactValue copy = fact;
        copy.household_of = h.head;
        c.value.facts.emplace(name, std::move(copy));
      }
    }
    return true;
  }

  static Diagnostic head_missing_error(const Household& h) {
    return make_error("case.household-head-missing", h.head_loc,
                      fmt::format("the household's head, case `{}`, is not among the cases loaded", shown(h.head)),
                      "load the head's case file too (or the folder that holds both)");
  }

  void head_missing(Waiting& w) {
    ++result_.rejected;
    if (!w.earlier_file) {
      problems({head_missing_error(*w.value.household)}, w.sources);
      return;
    }
    const std::string& file = w.value.loc.file;  // the error is that file's, not this one's
    auto& earlier = result_.errors_in_earlier_files;
    if (std::find(earlier.begin(), earlier.end(), file) == earlier.end()) earlier.push_back(file);
    on_problems_({head_missing_error(*w.value.household)}, w.sources);
  }

  void hand_on(const Case& c) {
    std::vector<std::pair<std::string, FactValue>> stated;
    for (const auto& [name, fact] : c.facts)
      if (fact.for_household) stated.emplace_back(name, fact);
    if (!stated.empty()) households_.facts[c.id] = std::move(stated);
    ++result_.cases;
    on_case_(c);
  }

  // The members held for the head `id`, now that it is read.
  void release(const std::string& id) {
    auto& waiting = households_.waiting;
    if (waiting.empty()) return;
    std::vector<Waiting> ready;
    for (auto it = waiting.begin(); it != waiting.end();) {
      if (it->value.household->head == id) {
        ready.push_back(std::move(*it));
        it = waiting.erase(it);
      } else {
        ++it;
      }
    }
    for (auto& w : ready) {
      LoadedCase c;
      c.value = std::move(w.value);
      std::vector<Diagnostic> ds;
      if (!join_head(c, ds)) {
        ++result_.rejected;
        problems(ds, w.sources);
        continue;
      }
      hand_on(c.value);
      release(c.value.id);
    }
  }

  SeenIds& ids_;
  SeenIds::Households& households_;
  const OnCase& on_case_;
  const OnProblems& on_problems_;
  StreamedFile& result_;
  CaseStorage* storage_ = nullptr;
};

// Loads the file whole, with the loader, and hands its cases on in file order, each preceded by
// the problems found from its start to the next case's.
void stream_whole_file(const std::string& path, const PolicyIndex& index, CaseSink& sink, StreamedFile& result,
                       const CaseLimits& limits) {
  SourceSet sources;
  std::vector<LoadedCase> loaded;
  std::vector<Diagnostic> diagnostics;
  load_file(path, index, sources, limits, loaded, diagnostics, result.rejected);
  sort_by_place(diagnostics);
  auto same = [](const Diagnostic& a, const Diagnostic& b) {
    return a.loc == b.loc && a.code == b.code && a.message == b.message;
  };
  diagnostics.erase(std::unique(diagnostics.begin(), diagnostics.end(), same), diagnostics.end());
  auto before = [](const SourceLoc& a, const SourceLoc& b) {
    return a.line < b.line || (a.line == b.line && a.column < b.column);
  };
  std::size_t next = 0;  // the first diagnostic not handed on
  for (std::size_t i = 0; i < loaded.size(); ++i) {
    std::vector<Diagnostic> ds;
    while (next < diagnostics.size() &&
           (i + 1 == loaded.size() || before(diagnostics[next].loc, loaded[i + 1].value.loc)))
      ds.push_back(std::move(diagnostics[next++]));
    sink.take(std::move(loaded[i]), std::move(ds), sources);
  }
  std::vector<Diagnostic> rest(std::make_move_iterator(diagnostics.begin() + static_cast<std::ptrdiff_t>(next)),
                               std::make_move_iterator(diagnostics.end()));
  sink.problems(rest, sources);
  sink.finish();
}

SourceLoc sink_loc(const std::string& name) {
  SourceLoc loc;
  loc.file = name;
  return loc;
}

// A regular file opened and looked over once for what refuses its bytes (yaml::scan_file), then
// rewound to be read; nullopt for standard input, pipes, and a file that cannot be opened or read
// (loading it whole says why).
struct ScannedFile {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f;
  std::string name;
  yaml::FileScan scan;
};

std::optional<ScannedFile> open_scanned(const std::string& path) {
  if (dsl::is_standard_input(path)) return std::nullopt;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return std::nullopt;
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) return std::nullopt;
  std::string name = dsl::shown_name(path);
  yaml::FileScan scan = yaml::scan_file(f.get(), name);
  if (scan.unreadable) return std::nullopt;
  std::rewind(f.get());
  return ScannedFile{std::move(f), std::move(name), std::move(scan)};
}

// Reads a YAML case file's `cases:` list a case at a time (yaml::read_case_list); false, with
// nothing handed on, when the file is to be loaded whole: standard input and other pipes, a file
// that holds one case or anything but a block `cases:` list, and a file of at most
// limits.max_file_bytes whose bytes are refused or that may hold anchors and aliases (an alias
// may repeat what an earlier case holds).
bool stream_yaml_list(const std::string& path, const PolicyIndex& index, CaseSink& sink, StreamedFile& result,
                      const CaseLimits& limits) {
  auto opened = open_scanned(path);
  if (!opened) return false;
  auto& [f, name, scan] = *opened;
  if ((!scan.problems.empty() || scan.anchors) && scan.size <= limits.max_file_bytes) return false;
  if (!scan.problems.empty()) {
    sink.problems(scan.problems, scan.problem_line);
    return true;
  }
  ErrorBudget budget;
  CaseStorage storage;
  formats::PlainRecord plain;
  LoadedCase plain_one;  // the case of the last plain item, read into again
  sink.reuse(&storage);
  const std::unique_ptr<CaseSink, void (*)(CaseSink*)> unset(&sink, [](CaseSink* s) { s->reuse(nullptr); });
  // Items of the one shape generated files have are read without libyaml, while they last
  // (formats/yaml_plain.hpp). From the first item of another shape (or one plain_case would
  // not take) libyaml reads the file from its start, passing over the items read here: every
  // check and message from there on is libyaml's, as for any other file.
  std::size_t read_plain = 0;
  if (limits.max_depth >= 4) {  // the facts' mapping is the fourth level of the file
    formats::PlainYamlList list(f.get());
    if (list.start()) {
      std::shared_ptr<SourceFile> piece;  // the item's lines, read into again when nothing kept them
      std::string_view text;
      std::uint32_t first_line = 0;
      bool whole = false;  // every item was read here
      for (;;) {
        if (read_plain == limits.max_cases_per_file) {  // one more is libyaml's to refuse
          whole = list.finished();
          break;
        }
        if (!list.next(text, first_line, plain, limits.max_file_bytes)) {
          whole = list.finished();
          break;
        }
        if (piece && piece.use_count() == 1) piece->assign_piece(text, first_line);
        else piece = std::make_shared<SourceFile>(name, std::string(text), first_line);
        if (!plain_case(*piece, index, storage, plain, plain_one)) break;
        ++read_plain;
        sink.take_plain(plain_one, piece);
      }
      if (whole && read_plain > 0) {
        if (std::ferror(f.get()))
          sink.problems({make_error("case.unreadable", sink_loc(name), fmt::format("cannot read the case file: {}", std::strerror(errno)))},
                        std::shared_ptr<const SourceFile>());
        sink.finish();
        return true;
      }
    }
    std::rewind(f.get());
  }
  std::size_t items = 0, pass_over = read_plain;
  bool passing_over = false;
  yaml::ListSink to;
  to.build_next = [&] {
    if (pass_over > 0) {  // read above
      --pass_over;
      ++items;
      passing_over = true;
      return false;
    }
    return items++ <= limits.max_cases_per_file && !budget.stopped;
  };
  to.passed_over = [&] {
    if (std::exchange(passing_over, false)) return;
    ++result.rejected;
  };
  to.item = [&](const std::shared_ptr<const SourceFile>& file, const yaml::Tree& tree, NodeId item) {
    std::vector<Diagnostic> ds;
    if (items > limits.max_cases_per_file) {
      ds.push_back(make_error("case.too-many-cases", tree.place(item, *file),
                              fmt::format("more than {} cases in one file, the limit for a case file", limits.max_cases_per_file),
                              "split the cases into several files, or load a directory of them"));
      ++result.rejected;
      sink.problems(ds, file);
      return;
    }
    if (plain_yaml_item(*file, tree, item, plain) && plain_case(*file, index, storage, plain, plain_one)) {
      sink.take_plain(plain_one, file);
      return;
    }
    std::vector<LoadedCase> one;
    FileLoader(*file, tree, index, limits, ds, budget).reuse(storage).load_item(item, one, result.rejected);
    if (one.empty()) sink.problems(ds, file);
    else sink.take(std::move(one.front()), std::move(ds), file);
  };
  to.beside = [&](const std::shared_ptr<const SourceFile>& file, const yaml::Tree& tree, NodeId map,
                  const SourceLoc& cases_key) {
    std::vector<Diagnostic> ds;
    FileLoader(*file, tree, index, limits, ds, budget).load_beside(map, cases_key);
    sink.problems(ds, file);
  };
  to.problems = [&](const std::vector<Diagnostic>& ds, const std::shared_ptr<const SourceFile>& file, bool item) {
    if (item) ++result.rejected;
    budget.errors += ds.size();
    sink.problems(ds, file);
  };
  if (yaml::read_case_list(f.get(), name, yaml_limits(limits), scan.ascii, to) == yaml::ListRead::NotAList) return false;
  if (std::ferror(f.get()))
    sink.problems({make_error("case.unreadable", sink_loc(name), fmt::format("cannot read the case file: {}", std::strerror(errno)))},
                  std::shared_ptr<const SourceFile>());
  sink.finish();
  return true;
}

// Reads a CSV case file a row at a time: the header row is read first and kept, then each row
// (a quoted cell may hold line breaks) is read into a piece of its own, checked as load_csv
// checks it and handed on. False, with nothing handed on, when the file is to be loaded whole:
// standard input and other pipes, and a file of at most limits.max_file_bytes whose bytes are
// refused (then said as when it is read whole).
bool stream_csv(const std::string& path, const PolicyIndex& index, CaseSink& sink, StreamedFile& result,
                const CaseLimits& limits) {
  auto opened = open_scanned(path);
  if (!opened) return false;
  auto& [f, name, scan] = *opened;
  if (!scan.problems.empty()) {
    if (scan.size <= limits.max_file_bytes) return false;
    sink.problems(scan.problems, scan.problem_line);
    return true;
  }
  std::optional<std::vector<CsvColumn>> columns;
  std::shared_ptr<const SourceFile> header;  // the header row's piece, for a file with no row under it
  std::size_t header_begin = 0;
  ErrorBudget budget;
  std::size_t rows = 0;
  std::string record, line;
  std::shared_ptr<SourceFile> piece;  // the row's text, read into again when nothing kept it
  CaseStorage storage;
  sink.reuse(&storage);
  const std::unique_ptr<CaseSink, void (*)(CaseSink*)> unset(&sink, [](CaseSink* s) { s->reuse(nullptr); });
  yaml::Tree spare_tree;  // the last row's tree, built into again
  formats::CsvRecordReader reader;
  formats::PlainRecord plain;
  LoadedCase plain_one;  // the case of the last plain record, read into again
  std::uint32_t next_line = 1;
  LineReader lines(f.get());
  const auto done = [&] { sink.finish(); return true; };
  for (;;) {
    // One record: lines up to one that closes every quote opened.
    record.clear();
    const std::uint32_t first_line = next_line;
    std::size_t size = 0, line_size = 0;
    bool quoted = false, any = false;
    while (lines.next(line, limits.max_file_bytes, line_size)) {
      any = true;
      ++next_line;
      size += line_size + 1;
      for (const char* q = static_cast<const char*>(std::memchr(line.data(), '"', line.size())); q != nullptr;
           q = static_cast<const char*>(std::memchr(q + 1, '"', line.size() - static_cast<std::size_t>(q + 1 - line.data()))))
        quoted = !quoted;
      if (size <= limits.max_file_bytes) {
        if (record.empty()) record.swap(line);  // a record's first line is taken, not copied
        else record += line;
        record += '\n';
      }
      if (!quoted) break;
    }
    if (!any) break;
    SourceLoc at;
    at.file = name;
    at.line = first_line;
    at.column = 1;
    if (size > limits.max_file_bytes) {
      sink.problems({make_error("case.too-large", at,
                                fmt::format("this row is {} bytes, more than the {} a row of a case file may hold",
                                            size - 1, limit_in_words(limits.max_file_bytes)),
                                "split the row's text, or keep long texts out of the case file")},
                    std::shared_ptr<const SourceFile>());
      if (!columns) return done();
      ++result.rejected;
      ++budget.errors;
      continue;
    }
    // The record's text is taken into the piece, not copied; `record` gets the piece's old storage.
    if (piece && piece.use_count() == 1) piece->take_piece(record, first_line);
    else piece = std::make_shared<SourceFile>(name, std::move(record), first_line);
    const std::shared_ptr<const SourceFile> file = piece;
    const std::string_view text = file->text();
    const std::size_t begin = first_line == 1 ? after_bom(text) : 0;
    if (formats::csv_blank_record(text.substr(begin))) continue;
    std::vector<Diagnostic> ds;
    auto cells = reader.read(*file, begin, text.size(), ds);
    if (!header) {
      header = file;
      header_begin = begin;
      if (cells) columns = csv_header(*file, begin, *cells, index, ds);
      sink.problems(ds, file);
      if (!columns) return done();
      continue;
    }
    if (budget.stopped) {
      ++result.rejected;
      continue;
    }
    if (++rows > limits.max_cases_per_file) {
      sink.problems({make_error("case.too-many-cases", file->locate(begin),
                                fmt::format("more than {} cases in one file, the limit for a case file",
                                            limits.max_cases_per_file),
                                "split the cases into several files, or load a directory of them")},
                    file);
      return done();
    }
    if (!cells) {
      ++result.rejected;
      ++budget.errors;
      sink.problems(ds, file);
      continue;
    }
    if (cells->size() != columns->size()) {
      ds.push_back(make_error("case.csv-columns", file->locate(begin),
                              fmt::format("this row has {} cells; the header row names {} columns", cells->size(),
                                          columns->size()),
                              "give every row one cell per column (an empty cell leaves a fact unknown)"));
      ++result.rejected;
      ++budget.errors;
      sink.problems(ds, file);
      continue;
    }
    if (plain_csv_row(begin, *columns, *cells, plain)) {
      if (ds.empty() && plain_case(*file, index, storage, plain, plain_one)) {
        sink.take_plain(plain_one, file);
        continue;
      }
    }
    yaml::Tree tree = csv_row_tree(*file, begin, *columns, *cells, std::move(spare_tree));
    std::vector<LoadedCase> one;
    FileLoader(*file, tree, index, limits, ds, budget)
        .reuse(storage)
        .load_record(one, result.rejected, "each row of a CSV case file");
    spare_tree = std::move(tree);
    if (one.empty()) sink.problems(ds, file);
    else sink.take(std::move(one.front()), std::move(ds), file);
  }
  if (std::ferror(f.get())) {
    sink.problems({make_error("case.unreadable", sink_loc(name), fmt::format("cannot read the case file: {}", std::strerror(errno)))},
                  std::shared_ptr<const SourceFile>());
  } else if (!header) {
    sink.problems({make_error("case.empty", sink_loc(name), "the file holds no case",
                              "a CSV case file has a header row naming its columns (id, then the facts) and one "
                              "row per case")},
                  std::shared_ptr<const SourceFile>());
  } else if (rows == 0) {
    // At the start of the file, as load_csv says it.
    SourceLoc start = sink_loc(name);
    start.line = start.column = 1;
    if (header->has_line(1)) start = header->locate(header_begin);
    sink.problems({make_error("case.empty", start, "the file holds no case: there is a header row and no row under it")},
                  header);
  }
  return done();
}

bool is_jsonl_name(const std::string& path) {
  return !dsl::is_standard_input(path) && path.size() > 6 && path.compare(path.size() - 6, 6, ".jsonl") == 0;
}

}  // namespace

StreamedFile stream_cases(const std::string& path, const ast::Policy& policy, SeenIds& ids,
                          const std::function<void(const Case&)>& on_case,
                          const std::function<void(const std::vector<Diagnostic>&, const SourceSet&)>& on_problems,
                          const CaseLimits& limits) {
  if (is_jsonl_name(path)) return stream_jsonl_cases(path, policy, ids, on_case, on_problems, limits);
  StreamedFile result;
  CaseSink sink(ids, on_case, on_problems, result);
  const PolicyIndex index = index_policy(policy);
  const Format format = format_of(path, {});
  if (format == Format::Yaml && stream_yaml_list(path, index, sink, result, limits)) return result;
  if (format == Format::Csv && stream_csv(path, index, sink, result, limits)) return result;
  stream_whole_file(path, index, sink, result, limits);
  return result;
}

namespace {

}  // namespace

StreamedFile stream_jsonl_cases(const std::string& path, const ast::Policy& policy, SeenIds& ids,
                                const std::function<void(const Case&)>& on_case,
                                const std::function<void(const std::vector<Diagnostic>&, const SourceSet&)>& on_problems,
                                const CaseLimits& limits) {
  namespace fs = std::filesystem;
  StreamedFile result;
  const std::string name = dsl::shown_name(path);
  CaseSink sink(ids, on_case, on_problems, result);
  auto report = [&](const std::vector<Diagnostic>& ds, std::shared_ptr<const SourceFile> text) { sink.problems(ds, text); };
  SourceLoc file_loc;
  file_loc.file = name;
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    report({make_error("case.directory", file_loc, "this is a folder, not a case file",
                       "name a file inside it, or give the folder where folders are accepted")},
           nullptr);
    return result;
  }
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) {
    const int err = errno;
    if (err == ENOENT)
      report({make_error("case.missing-file", file_loc, "cannot read the case file: there is no such file",
                         "check the spelling of the path and the folder you run decree from")},
             nullptr);
    else
      report({make_error("case.unreadable", file_loc, fmt::format("cannot read the case file: {}", std::strerror(err)))},
             nullptr);
    return result;
  }
  const PolicyIndex index = index_policy(policy);
  const yaml::Limits text_limits = yaml_limits(limits);
  formats::JsonRecordReader reader;
  formats::PlainRecord plain;
  LoadedCase plain_one;  // the case of the last plain record, read into again
  CaseStorage storage;
  sink.reuse(&storage);
  ErrorBudget budget;
  std::string line;
  std::shared_ptr<SourceFile> piece;  // the line's text, read into again when nothing kept it
  std::size_t size = 0, records = 0;
  std::uint32_t line_no = 0;
  LineReader lines(f.get());
  while (lines.next(line, limits.max_file_bytes, size)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const std::size_t begin = line_no == 1 ? after_bom(line) : 0;
    if (line.find_first_not_of(" \t", begin) == std::string::npos) continue;
    if (budget.stopped) {
      ++result.rejected;
      continue;
    }
    SourceLoc line_loc = file_loc;
    line_loc.line = line_no;
    line_loc.column = 1;
    if (size > limits.max_file_bytes) {
      report({make_error("case.too-large", line_loc,
                         fmt::format("this line is {} bytes, more than the {} a line of a case file may hold", size,
                                     limit_in_words(limits.max_file_bytes)),
                         "a JSON Lines file holds one case per line: split the line's text, or keep long texts out "
                         "of the case file")},
             nullptr);
      ++result.rejected;
      ++budget.errors;
      continue;
    }
    if (++records > limits.max_cases_per_file) {
      report({make_error("case.too-many-cases", line_loc,
                         fmt::format("more than {} cases in one file, the limit for a case file", limits.max_cases_per_file),
                         "split the cases into several files, or load a directory of them")},
             nullptr);
      sink.finish();
      return result;
    }
    if (piece && piece.use_count() == 1) piece->take_piece(line, line_no);
    else piece = std::make_shared<SourceFile>(name, std::move(line), line_no);
    const std::shared_ptr<const SourceFile> file = piece;
    auto problems = yaml::check_text(*file, text_limits);
    if (!problems.empty()) {
      report(problems, std::make_shared<const SourceFile>(name, printable(file->text()), line_no));
      ++result.rejected;
      ++budget.errors;
      continue;
    }
    if (reader.read_plain(*file, begin, file->text().size(), limits.max_depth, plain)) {
      if (plain_case(*file, index, storage, plain, plain_one)) {
        sink.take_plain(plain_one, file);
        continue;
      }
    }
    auto record = reader.read(*file, begin, file->text().size(), limits.max_depth);
    std::vector<Diagnostic> diagnostics = std::move(record.diagnostics);
    if (!record.tree) {
      ++result.rejected;
      ++budget.errors;
      report(diagnostics, file);
      continue;
    }
    std::vector<LoadedCase> one;
    FileLoader(*file, *record.tree, index, limits, diagnostics, budget)
        .reuse(storage)
        .load_record(one, result.rejected, "each line of a JSON Lines case file");
    reader.recycle(std::move(*record.tree));
    if (one.empty()) report(diagnostics, file);
    else sink.take(std::move(one.front()), std::move(diagnostics), file);
  }
  sink.finish();
  if (std::ferror(f.get())) {
    report({make_error("case.unreadable", file_loc, fmt::format("cannot read the case file: {}", std::strerror(errno)))},
           nullptr);
  } else if (records == 0) {
    report({make_error("case.empty", file_loc, "the file holds no case",
                       "a JSON Lines case file holds one case per line: {\"id\": \"...\", \"facts\": {...}}")},
           nullptr);
  }
  return result;
}

}  // namespace decree::engine
