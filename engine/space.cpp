#include "engine/space.hpp"

#include "engine/explain/outcome.hpp"
#include "engine/evaluate.hpp"
#include "engine/words.hpp"

#include <algorithm>
#include <bit>
#include <charconv>
#include <limits>
#include <map>
#include <memory>
#include <numeric>
#include <set>
#include <unordered_map>

#include <fmt/format.h>

#include "dsl/diagnostic.hpp"

namespace decree::engine {

namespace {

using space::Mask;
using Kind = dsl::FactType::Kind;

constexpr std::uint64_t kSaturated = std::numeric_limits<std::uint64_t>::max();
constexpr std::int64_t kMinInt = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t kMaxInt = std::numeric_limits<std::int64_t>::max();
constexpr std::size_t kMaxSetters = 64;  // rules one decision's verdicts tell apart by bit
// A decision's space up to this size keeps the class of every combination, so that an
// undetermined region names exactly the outcomes its unknown facts could still lead to.
constexpr std::uint64_t kExactSpace = std::uint64_t{1} << 22;
constexpr std::size_t kMaxOutcomes = 63;  // distinct settled outcomes the exact sets tell apart (bit 63: undetermined)

std::uint64_t times(std::uint64_t a, std::uint64_t b) {
  if (a == 0 || b == 0) return 0;
  return a > kSaturated / b ? kSaturated : a * b;
}

std::string count_text(std::uint64_t n) {
  if (n == kSaturated) return "more than 18 quintillion";
  return with_commas(n);
}

std::string limit_text(std::uint64_t limit) {
  std::string s = count_text(limit);
  if (std::has_single_bit(limit)) s += fmt::format(" (2^{})", std::countr_zero(limit));
  return s;
}

std::string date_label(std::int64_t days) { return to_string(Value::of_date(static_cast<std::int32_t>(days))); }

// Sets a working slot without allocating: only texts carry their string.
inline void assign(Value& dst, const Value& src) {
  dst.kind = src.kind;
  dst.boolean = src.boolean;
  dst.integer = src.integer;
  if (src.kind == Value::Kind::Text) dst.text = src.text;
}

// Class keys of one target, each interned once; the last one is remembered, since
// neighbouring combinations mostly share their class.
class Interner {
 public:
  std::uint32_t intern(const std::vector<std::uint32_t>& key) {
    if (last_ < keys_.size() && same(keys_[last_], key)) return last_;
    auto it = index_.find(key);
    if (it == index_.end()) {
      it = index_.emplace(key, static_cast<std::uint32_t>(keys_.size())).first;
      keys_.push_back(key);
    }
    last_ = it->second;
    return last_;
  }
  const std::vector<std::vector<std::uint32_t>>& keys() const { return keys_; }

 private:
  static bool same(const std::vector<std::uint32_t>& a, const std::vector<std::uint32_t>& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
      if (a[i] != b[i]) return false;
    return true;
  }
  struct Hash {
    std::size_t operator()(const std::vector<std::uint32_t>& v) const {
      std::uint64_t h = 0xCBF2'9CE4'8422'2325ull;
      for (std::uint32_t x : v) h = (h ^ x) * 0x100'0000'01B3ull;
      return static_cast<std::size_t>(h);
    }
  };
  std::unordered_map<std::vector<std::uint32_t>, std::uint32_t, Hash> index_;
  std::vector<std::vector<std::uint32_t>> keys_;
  std::uint32_t last_ = 0xFFFF'FFFFu;
};

// ---- the policies, seen through the columns -------------------------------------------------

struct View {
  const CompiledPolicy* p = nullptr;
  std::vector<Index> col_of_slot;               // kNone: fixed, or read by nothing
  std::vector<Index> slot_of_col;               // kNone: the policy has no such fact
  std::vector<std::vector<Value>> col_values;   // per column and value: this policy's Value
  std::vector<Value> work;                      // by slot
  // The same facts packed, which the evaluator reads faster; texts by index into `texts`.
  std::vector<PackedValue> packed;
  std::vector<std::vector<PackedValue>> col_packed;
  std::vector<std::string> texts;
  Outcome out;
};

// Fact slots read by conditions in `r`, through definitions too.
void facts_of(const CompiledPolicy& p, Range conditions, std::vector<Index>& out) {
  for (Index c = conditions.begin; c < conditions.end; ++c) {
    const Range r = p.conditions[c].all_facts;
    out.insert(out.end(), p.reads.begin() + r.begin, p.reads.begin() + r.end);
  }
}

// The rules whose standing decides whether `rule` stands: itself and its defeaters, transitively.
std::vector<Index> with_defeaters(const CompiledPolicy& p, Index rule) {
  std::vector<Index> rules{rule};
  std::vector<bool> seen(p.rules.size(), false);
  seen[rule] = true;
  for (std::size_t k = 0; k < rules.size(); ++k) {
    const Range d = p.rules[rules[k]].defeaters;
    for (Index i = d.begin; i < d.end; ++i)
      if (!seen[p.defeaters[i]]) {
        seen[p.defeaters[i]] = true;
        rules.push_back(p.defeaters[i]);
      }
  }
  return rules;
}

// Facts that decide whether `rule` is in effect: its conditions, its defeaters' (transitively)
// and the `applies when` of every decision it sets.
std::vector<Index> rule_slots(const CompiledPolicy& p, Index rule) {
  std::vector<Index> slots;
  for (Index r : with_defeaters(p, rule)) facts_of(p, p.rules[r].conditions, slots);
  const Range s = p.rules[rule].settings;
  for (Index i = s.begin; i < s.end; ++i) {
    const CompiledDecision& d = p.decisions[p.settings[i].decision];
    if (d.applies != kNone) facts_of(p, d.applies_conditions, slots);
  }
  return slots;
}

// Slots any condition of the policy reads.
std::vector<bool> read_slots(const CompiledPolicy& p) {
  std::vector<bool> read(p.facts.size(), false);
  for (const Node& n : p.nodes) {
    switch (n.kind) {
      case NodeKind::Fact: read[n.a] = true; break;
      case NodeKind::IsKnown:
      case NodeKind::IsUnknown:
      case NodeKind::IsValue:
      case NodeKind::IsNotValue:
        if (!n.definition) read[n.a] = true;
        break;
      case NodeKind::Compare:
        for (std::uint32_t o : {n.a, n.b})
          if (Operand::kind(o) == Operand::Fact) read[Operand::index(o)] = true;
        break;
      case NodeKind::SetHas:
      case NodeKind::SetEmpty:
      case NodeKind::SetNotEmpty: read[n.a] = true; break;
      case NodeKind::SetHasFact:
        read[n.a] = true;
        read[n.b] = true;
        break;
      default: break;
    }
  }
  return read;
}

const char* kind_word(Kind k) {
  switch (k) {
    case Kind::Bool: return "bool";
    case Kind::Int: return "int";
    case Kind::Date: return "date";
    case Kind::Text: return "text";
    case Kind::Enum: return "enumeration";
    case Kind::Set: return "set";
  }
  return "?";
}

// What the comparisons of all the policies say about one fact.
struct FactUse {
  std::string name;
  Kind kind = Kind::Bool;
  std::vector<std::string> enum_values;  // union, first policy's order first
  std::set<std::int64_t> numbers;        // int and date constants compared with
  std::set<std::string> texts;           // text literals compared with
  bool ordered_text = false;             // a text compared by <, <=, >, >=
  std::vector<std::string> partners;     // facts it is compared with
};

// ---- building the columns -------------------------------------------------------------------

std::vector<SpaceValue> ordered_regions(const FactUse& u) {
  std::vector<SpaceValue> out;
  auto label = [&](std::int64_t x) { return u.kind == Kind::Date ? date_label(x) : std::to_string(x); };
  auto value = [&](std::int64_t x) {
    return u.kind == Kind::Date ? Value::of_date(static_cast<std::int32_t>(x)) : Value::of_int(x);
  };
  // Dates live in years 1..9999: no region beyond them.
  const std::int64_t lowest = u.kind == Kind::Date ? ast::days_since_epoch({1, 1, 1}) : kMinInt;
  const std::int64_t highest = u.kind == Kind::Date ? ast::days_since_epoch({9999, 12, 31}) : kMaxInt;
  auto region = [&](std::int64_t lo, std::int64_t hi, std::int64_t rep, std::string text) {
    SpaceValue v;
    v.label = std::move(text);
    v.value = value(rep);
    v.ordered = true;
    v.lo = lo == lowest ? kMinInt : lo;
    v.hi = hi == highest ? kMaxInt : hi;
    out.push_back(std::move(v));
  };
  if (u.numbers.empty()) {
    region(lowest, highest, u.kind == Kind::Date ? 0 : 0, "known");
    return out;
  }
  std::vector<std::int64_t> cs(u.numbers.begin(), u.numbers.end());
  if (cs.front() > lowest) region(lowest, cs.front() - 1, cs.front() - 1, "< " + label(cs.front()));
  for (std::size_t i = 0; i < cs.size(); ++i) {
    region(cs[i], cs[i], cs[i], label(cs[i]));
    if (i + 1 < cs.size() && cs[i] + 1 < cs[i + 1]) {
      const std::int64_t lo = cs[i] + 1, hi = cs[i + 1] - 1;
      region(lo, hi, lo, lo == hi ? label(lo) : label(lo) + ".." + label(hi));
    }
  }
  if (cs.back() < highest) region(cs.back() + 1, highest, cs.back() + 1, "> " + label(cs.back()));
  return out;
}

SpaceColumn make_column(const FactUse& u, bool with_unknown) {
  SpaceColumn c;
  c.fact = u.name;
  c.kind = u.kind;
  switch (u.kind) {
    case Kind::Bool:
      c.values.push_back({"true", Value::of_bool(true)});
      c.values.push_back({"false", Value::of_bool(false)});
      break;
    case Kind::Enum:
      for (std::size_t i = 0; i < u.enum_values.size(); ++i)
        c.values.push_back({u.enum_values[i], Value::of_enum(static_cast<std::uint32_t>(i), u.enum_values[i])});
      break;
    case Kind::Set:
      // 2^n sets (and more, known in part) are too many: the space holds the empty set and each
      // set of one value, and says it is approximate.
      c.values.push_back({"[]", Value::of_set({}, {}, true, u.enum_values)});
      for (const auto& v : u.enum_values) c.values.push_back({"[" + v + "]", Value::of_set({v}, {}, true, u.enum_values)});
      c.approximate = true;
      break;
    case Kind::Int:
    case Kind::Date:
      c.values = ordered_regions(u);
      c.approximate = !u.partners.empty();
      break;
    case Kind::Text: {
      for (const auto& t : u.texts) c.values.push_back({"\"" + t + "\"", Value::of_text(t)});
      // One text unlike every literal stands for all the others.
      std::string other = "(other)";
      while (u.texts.count(other)) other += "'";
      c.values.push_back({u.texts.empty() ? "known" : "other", Value::of_text(other)});
      c.approximate = u.ordered_text || !u.partners.empty();
      break;
    }
  }
  c.has_unknown = with_unknown;
  if (with_unknown) c.values.push_back({"unknown", Value::unknown()});
  return c;
}

// This policy's Value for a column value: enumerations by name (a value it lacks is unknown).
Value bind_value(const CompiledFact& f, const SpaceValue& v) {
  if (f.type.kind == Kind::Set) return engine::bind_value(f.type, v.value);
  if (f.type.kind != Kind::Enum || v.value.kind != Value::Kind::Enum) return v.value;
  auto it = std::find(f.type.values.begin(), f.type.values.end(), v.value.text);
  if (it == f.type.values.end()) return Value::unknown();
  return Value::of_enum(static_cast<std::uint32_t>(it - f.type.values.begin()), v.value.text);
}

// `--set fact=value`, read by the fact's type.
std::optional<Value> parse_fixed(const FactUse& u, const std::string& text, std::string& why) {
  if (text == "unknown") return Value::unknown();
  switch (u.kind) {
    case Kind::Bool:
      if (text == "true") return Value::of_bool(true);
      if (text == "false") return Value::of_bool(false);
      why = "a bool fact takes `true`, `false` or `unknown`";
      return std::nullopt;
    case Kind::Enum: {
      auto it = std::find(u.enum_values.begin(), u.enum_values.end(), text);
      if (it != u.enum_values.end())
        return Value::of_enum(static_cast<std::uint32_t>(it - u.enum_values.begin()), text);
      std::string list;
      for (const auto& v : u.enum_values) list += (list.empty() ? "" : " | ") + v;
      why = fmt::format("its values are {} (or unknown)", list);
      const std::string near = nearest_name(text, u.enum_values);
      if (!near.empty()) why += fmt::format("; did you mean `{}`?", near);
      return std::nullopt;
    }
    case Kind::Int: {
      std::int64_t x = 0;
      auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), x);
      if (ec == std::errc() && end == text.data() + text.size()) return Value::of_int(x);
      why = "an int fact takes a whole number such as `3` or `-2`";
      return std::nullopt;
    }
    case Kind::Date: {
      ast::Date d;
      if (text.size() == 10 && text[4] == '-' && text[7] == '-') {
        auto num = [&](std::size_t at, std::size_t len, int& out) {
          auto [end, ec] = std::from_chars(text.data() + at, text.data() + at + len, out);
          return ec == std::errc() && end == text.data() + at + len;
        };
        if (num(0, 4, d.year) && num(5, 2, d.month) && num(8, 2, d.day) && ast::is_valid(d))
          return Value::of_date(ast::days_since_epoch(d));
      }
      why = "a date fact takes a real calendar day written YYYY-MM-DD";
      return std::nullopt;
    }
    case Kind::Text: {
      std::string t = text;
      if (t.size() >= 2 && t.front() == '"' && t.back() == '"') t = t.substr(1, t.size() - 2);
      return Value::of_text(t);
    }
    case Kind::Set:
      why = "a set fact cannot be fixed with --set in explore; `decree what-if --set` takes one";
      return std::nullopt;
  }
  return std::nullopt;
}

// ---- targets: what one enumeration feeds --------------------------------------------------

enum class TargetKind : std::uint8_t { Decision, Obligation, Flag, Rule };

struct Target {
  TargetKind kind = TargetKind::Decision;
  std::array<Index, 2> index{kNone, kNone};       // the decision, obligation, flag or rule, per view
  std::array<std::vector<Index>, 2> raisers;       // Obligation, Flag: the rules that raise it, per view
  std::vector<Index> cols;                         // sorted
  std::uint64_t product = 1;        // combinations of its own columns
  std::uint64_t group_product = 1;  // combinations of the enumeration it shares

  Interner classes;
  std::unique_ptr<space::DiagramBuilder> diagram;
  std::vector<std::uint64_t> counts;               // combinations of the group, by class
  // Decision, one policy: the rules that could set it to something else than its default, and
  // where it falls to its default while some of them nearly apply: a class per set of
  // (rule, failing conjunct) pairs; class 0, none.
  std::vector<Index> gap_rules;
  Interner gap_classes;
  std::unique_ptr<space::DiagramBuilder> gap_diagram;

  // Rule: what was ever seen
  bool when_true = false, effective_true = false, in_effect = false;
  Mask defeaters_seen = 0;

  // Decision, one policy, own space at most kExactSpace and some fact may be unknown: the class
  // of each combination of its own columns (index: digits times strides), and, once resolved,
  // the verdict of each final class.
  bool exact = false;
  bool explored = false;  // its enumeration ran to the end (not stopped by SpaceOptions::progress)
  std::vector<std::pair<std::size_t, std::uint64_t>> strides;  // (position in the group's order, stride)
  std::vector<std::uint32_t> dense;
  std::vector<std::uint64_t> sets;           // by combination: the settled outcomes its completions reach
  std::vector<std::string> outcome_texts;    // bit k of a set: "granted by embassy"; bit 63: "undetermined"
};

struct Group {
  std::vector<Index> targets;
  std::vector<Index> cols;  // sorted
  std::uint64_t product = 1;
};

std::vector<Index> unite(const std::vector<Index>& a, const std::vector<Index>& b) {
  std::vector<Index> out;
  std::set_union(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

// Conflicts first, then decided values in the decision's order, defaults, no decision,
// undetermined, not applicable; classes of one kind in the order they were met (`c`).
std::uint64_t decision_rank(const std::uint32_t* key, std::size_t size, std::size_t c) {
  if (size == 0) return ~std::uint64_t{0};
  auto status_rank = [](Status s) -> std::uint64_t {
    switch (s) {
      case Status::Conflict: return 0;
      case Status::Decided: return 1;
      case Status::Defaulted: return 2;
      case Status::NoDecision: return 3;
      case Status::Undetermined: return 4;
      case Status::NotApplicable: return 5;
      case Status::Outside: return 6;
    }
    return 7;
  };
  const auto status = static_cast<Status>(key[0]);
  const std::uint64_t value = (status == Status::Decided || status == Status::Defaulted) && size > 1 ? key[1] : 0;
  return (status_rank(status) << 48) | (std::min<std::uint64_t>(value, 0xFFFF) << 32) | c;
}

class Explorer {
 public:
  Explorer(std::vector<const CompiledPolicy*> policies, const SpaceOptions& options)
      : options_(options) {
    for (const auto* p : policies) {
      View v;
      v.p = p;
      views_.push_back(std::move(v));
    }
  }

  std::optional<SpaceError> prepare();
  void add_targets_single();
  std::optional<SpaceError> add_targets_diff(SpaceDiff& diff);
  std::optional<SpaceError> run();
  std::string target_name(const Target& t) const;  // "decision return", "rule grant_return"

  Space space_result();
  void diff_result(SpaceDiff& diff);
  std::vector<SpaceColumn> explored_columns(const std::vector<SpaceTable*>& tables) const;

  const std::vector<SpaceColumn>& columns() const { return columns_; }
  const std::vector<FixedFact>& fixed() const { return fixed_; }

 private:
  const SpaceOptions& options_;
  std::vector<View> views_;
  std::vector<SpaceColumn> columns_;
  std::vector<FixedFact> fixed_;
  std::vector<std::string> unused_;
  std::vector<std::uint32_t> weight_;   // by column: how many conditions read it (an ordering hint)
  std::vector<Target> targets_;
  std::vector<std::string> unchecked_;
  std::uint64_t evaluated_ = 0;
  std::uint64_t planned_ = 0;
  bool stopped_ = false;  // SpaceOptions::progress said stop
  std::vector<std::uint32_t> key_, key_b_;
  // Gaps: conjuncts written alike (the same text, so the same meaning in one policy) share one
  // value per combination, found at most once: cache_[shared_[condition]] when its stamp is now.
  std::vector<Index> shared_;
  std::vector<Tri> cache_;
  std::vector<std::uint64_t> cache_stamp_;
  std::uint64_t stamp_ = 1;

  bool diff() const { return views_.size() == 2; }

  std::vector<Index> cols_of(std::size_t view, const std::vector<Index>& slots) const {
    std::vector<Index> cols;
    for (Index s : slots)
      if (views_[view].col_of_slot[s] != kNone) cols.push_back(views_[view].col_of_slot[s]);
    std::sort(cols.begin(), cols.end());
    cols.erase(std::unique(cols.begin(), cols.end()), cols.end());
    return cols;
  }

  std::uint64_t product_of(const std::vector<Index>& cols) const {
    std::uint64_t n = 1;
    for (Index c : cols) n = times(n, columns_[c].values.size());
    return n;
  }

  std::optional<SpaceError> too_big(const std::string& what, const std::vector<Index>& cols) const;
  void add_target(Target t) { targets_.push_back(std::move(t)); }
  std::vector<Group> make_groups() const;
  void enumerate(const Group& g);
  void classify(Target& t);

  void decision_key(std::size_t view, Index d, std::vector<std::uint32_t>& key) const;
  void resolve_exact(Target& t, const std::vector<std::uint32_t>& radix);
  void name_possible(Target& t, DecisionSpace& ds) const;
  const std::uint32_t* digits_ = nullptr;  // the enumeration's current digits, in the group's order
  void raised_key(std::size_t view, const std::vector<Index>& rules, std::vector<std::uint32_t>& key) const;
  void gap_key(const Target& t, std::vector<std::uint32_t>& key);
  Tri conjunct(Index node);
  Standing rule_state(std::size_t view, Index rule) const;

  Verdict decode_decision(std::size_t view, Index d, const std::uint32_t*& at) const;
  Raised decode_raised(std::size_t view, const std::vector<Index>& rules, const std::uint32_t*& at) const;

  std::map<Index, std::vector<Index>> order_of_target_;  // target -> its group's column order
  // The rows of `diagram` (t's function, or its gaps) over t's columns (and `extra_cols`),
  // leaving out the rows of class `skip_class` (kNone: keep all).
  // Rows are listed by `rank[class]` (when given), then column by column.
  SpaceTable table_of(const Target& t, const space::DiagramBuilder& diagram, std::uint32_t skip_class,
                      const std::vector<Index>& extra_cols, const std::vector<std::uint64_t>& rank = {}) const;
};

std::optional<SpaceError> Explorer::prepare() {
  // Every fact, by name, with what the policies compare it with.
  std::vector<FactUse> uses;
  std::map<std::string, std::size_t> by_name;
  std::vector<std::vector<bool>> read;
  for (std::size_t vi = 0; vi < views_.size(); ++vi) {
    const CompiledPolicy& p = *views_[vi].p;
    read.push_back(read_slots(p));
    for (const CompiledFact& f : p.facts) {
      auto [it, fresh] = by_name.emplace(f.name, uses.size());
      if (fresh) {
        FactUse u;
        u.name = f.name;
        u.kind = f.type.kind;
        uses.push_back(std::move(u));
      }
      FactUse& u = uses[it->second];
      if (u.kind != f.type.kind)
        return SpaceError{fmt::format("fact `{}` is {} in {} but {} in {}: the two policies cannot share one space", f.name,
                                      kind_word(u.kind), views_[0].p->name, kind_word(f.type.kind), p.name),
                          "compare policies whose shared facts have the same types"};
      for (const auto& v : f.type.values)
        if (std::find(u.enum_values.begin(), u.enum_values.end(), v) == u.enum_values.end()) u.enum_values.push_back(v);
    }
    for (const Node& n : p.nodes) {
      if (n.kind != NodeKind::Compare) continue;
      const bool fa = Operand::kind(n.a) == Operand::Fact, fb = Operand::kind(n.b) == Operand::Fact;
      const bool ca = Operand::kind(n.a) == Operand::Constant, cb = Operand::kind(n.b) == Operand::Constant;
      auto note = [&](std::uint32_t fact, std::uint32_t other, bool other_is_fact, bool other_is_constant) {
        FactUse& u = uses[by_name.at(p.facts[Operand::index(fact)].name)];
        const bool ordering = n.op != ast::CompareOp::Eq && n.op != ast::CompareOp::Ne;
        if (u.kind == Kind::Text && ordering) u.ordered_text = true;
        if (other_is_constant) {
          const Value& c = p.constants[Operand::index(other)];
          if (c.kind == Value::Kind::Int || c.kind == Value::Kind::Date) u.numbers.insert(c.integer);
          if (c.kind == Value::Kind::Text) u.texts.insert(c.text);
        }
        if (other_is_fact) u.partners.push_back(p.facts[Operand::index(other)].name);
      };
      if (fa) note(n.a, n.b, fb, cb);
      if (fb) note(n.b, n.a, fa, ca);
    }
  }
  // Facts compared with each other share their constants (the columns are then approximate).
  for (bool changed = true; changed;) {
    changed = false;
    for (auto& u : uses)
      for (const auto& partner : u.partners) {
        const FactUse& o = uses[by_name.at(partner)];
        for (auto x : o.numbers) changed |= u.numbers.insert(x).second;
        for (const auto& t : o.texts) changed |= u.texts.insert(t).second;
      }
  }

  std::vector<std::string> names;
  for (const auto& u : uses) names.push_back(u.name);
  auto unknown_fact = [&](const std::string& name, const char* option) {
    std::string hint = "the facts are declared with `fact` in the policy";
    const std::string near = nearest_name(name, names);
    if (!near.empty()) hint = fmt::format("did you mean `{}`?", near);
    return SpaceError{fmt::format("{} names `{}`, which is not a fact of {}", option, name,
                                  diff() ? views_[0].p->name + " or " + views_[1].p->name : views_[0].p->name),
                      hint};
  };

  std::map<std::string, Value> fixed;
  for (const auto& [name, text] : options_.set) {
    auto it = by_name.find(name);
    if (it == by_name.end()) return unknown_fact(name, "--set");
    std::string why;
    auto v = parse_fixed(uses[it->second], text, why);
    if (!v) return SpaceError{fmt::format("--set {}={}: `{}` is not a value of fact `{}`", name, text, text, name), why};
    fixed[name] = *v;
  }
  std::set<std::string> known(options_.known.begin(), options_.known.end());
  for (const auto& name : known)
    if (!by_name.count(name)) return unknown_fact(name, "--known");

  // Columns: facts some condition reads and no --set fixes, in the first policy's order.
  std::map<std::string, Index> col_of_name;
  for (std::size_t i = 0; i < uses.size(); ++i) {
    const FactUse& u = uses[i];
    bool is_read = false;
    for (std::size_t vi = 0; vi < views_.size(); ++vi) {
      const Index slot = views_[vi].p->find_fact(u.name);
      if (slot != kNone && read[vi][slot]) is_read = true;
    }
    if (fixed.count(u.name)) {
      fixed_.push_back({u.name, to_string(fixed[u.name])});
      continue;
    }
    if (!is_read) {
      unused_.push_back(u.name);
      continue;
    }
    SpaceColumn c = make_column(u, !(options_.all_known || known.count(u.name)));
    if (c.values.size() > space::kMaxColumnValues)
      return SpaceError{fmt::format("fact `{}` has {} values to explore, more than the limit of {} values per fact",
                                    u.name, c.values.size(), space::kMaxColumnValues),
                        fmt::format("fix it with --set {}=VALUE", u.name)};
    col_of_name[u.name] = static_cast<Index>(columns_.size());
    columns_.push_back(std::move(c));
  }

  for (auto& v : views_) {
    const CompiledPolicy& p = *v.p;
    v.col_of_slot.assign(p.facts.size(), kNone);
    v.slot_of_col.assign(columns_.size(), kNone);
    v.col_values.resize(columns_.size());
    v.work.assign(p.facts.size(), Value::unknown());
    for (std::size_t s = 0; s < p.facts.size(); ++s) {
      const CompiledFact& f = p.facts[s];
      if (auto it = fixed.find(f.name); it != fixed.end()) {
        SpaceValue sv;
        sv.value = it->second;
        v.work[s] = bind_value(f, sv);
        continue;
      }
      auto it = col_of_name.find(f.name);
      if (it == col_of_name.end()) continue;
      v.col_of_slot[s] = it->second;
      v.slot_of_col[it->second] = static_cast<Index>(s);
      for (const auto& value : columns_[it->second].values) v.col_values[it->second].push_back(bind_value(f, value));
    }
    for (const Value& x : v.work) v.packed.push_back(pack(x, v.texts));
    v.col_packed.resize(columns_.size());
    for (std::size_t c = 0; c < columns_.size(); ++c)
      for (const Value& x : v.col_values[c]) v.col_packed[c].push_back(pack(x, v.texts));
  }

  // An ordering hint: facts that gate whether decisions apply, then facts many rules read,
  // are split on first, which keeps the diagrams (and the rows read off them) small.
  weight_.assign(columns_.size(), 0);
  for (std::size_t vi = 0; vi < views_.size(); ++vi) {
    const CompiledPolicy& p = *views_[vi].p;
    auto count = [&](Range conditions, std::uint32_t w) {
      std::vector<Index> slots;
      facts_of(p, conditions, slots);
      for (Index c : cols_of(vi, slots)) weight_[c] += w;
    };
    for (const auto& r : p.rules) count(r.conditions, 1);
    for (const auto& d : p.decisions)
      if (d.applies != kNone) count(d.applies_conditions, 4);
  }

  const CompiledPolicy& first = *views_[0].p;
  std::map<std::string, Index> by_text;
  for (const Condition& c : first.conditions)
    shared_.push_back(by_text.emplace(c.text, static_cast<Index>(by_text.size())).first->second);
  cache_.assign(by_text.size(), Tri::Unknown);
  cache_stamp_.assign(by_text.size(), 0);
  key_.reserve(256);
  key_b_.reserve(256);
  return std::nullopt;
}

std::optional<SpaceError> Explorer::too_big(const std::string& what, const std::vector<Index>& cols) const {
  const std::uint64_t n = product_of(cols);
  if (n <= options_.limit) return std::nullopt;
  std::string facts, sizes;
  std::map<std::size_t, std::size_t> how_many;  // values per fact -> facts with that many
  for (Index c : cols) {
    facts += (facts.empty() ? "" : ", ") + columns_[c].fact;
    ++how_many[columns_[c].values.size()];
  }
  for (const auto& [values, count] : how_many)
    sizes += (sizes.empty() ? "" : "×") + std::to_string(values) + (count > 1 ? "^" + std::to_string(count) : "");
  SpaceError e;
  e.message = fmt::format("{} depends on {} fact{} ({} values: {} combinations), more than the limit of {} combinations per table",
                          what, cols.size(), cols.size() == 1 ? "" : "s", sizes, count_text(n), limit_text(options_.limit));
  e.hint = fmt::format("explore one decision with --decision NAME, fix some of its facts with --set FACT=VALUE "
                       "(it reads {}), leave out unknown with --known, or raise the limit with --limit",
                       facts);
  return e;
}

void Explorer::add_targets_single() {
  const CompiledPolicy& p = *views_[0].p;
  const Index only = options_.decision.empty() ? kNone : p.find_decision(options_.decision);
  for (std::size_t d = 0; d < p.decisions.size(); ++d) {
    if (only != kNone && d != only) continue;
    Target t;
    t.kind = TargetKind::Decision;
    t.index[0] = static_cast<Index>(d);
    t.cols = cols_of(0, p.decisions[d].depends_on);
    add_target(std::move(t));
  }
  if (only == kNone) {
    for (int flags = 0; flags < 2; ++flags) {
      const auto& list = flags ? p.flags : p.obligations;
      const auto& raisings = flags ? p.raises : p.owes;
      for (std::size_t o = 0; o < list.size(); ++o) {
        Target t;
        t.kind = flags ? TargetKind::Flag : TargetKind::Obligation;
        t.index[0] = static_cast<Index>(o);
        std::vector<Index> slots;
        for (const Raising& r : raisings)
          if (r.what == o && std::find(t.raisers[0].begin(), t.raisers[0].end(), r.rule) == t.raisers[0].end()) {
            t.raisers[0].push_back(r.rule);
            auto more = rule_slots(p, r.rule);
            slots.insert(slots.end(), more.begin(), more.end());
          }
        t.cols = cols_of(0, slots);
        add_target(std::move(t));
      }
    }
  }
  for (std::size_t r = 0; r < p.rules.size(); ++r) {
    if (only != kNone) {
      bool sets = false;
      const Range s = p.rules[r].settings;
      for (Index i = s.begin; i < s.end; ++i) sets |= p.settings[i].decision == only;
      if (!sets) continue;
    }
    Target t;
    t.kind = TargetKind::Rule;
    t.index[0] = static_cast<Index>(r);
    t.cols = cols_of(0, rule_slots(p, static_cast<Index>(r)));
    add_target(std::move(t));
  }
}

std::optional<SpaceError> Explorer::add_targets_diff(SpaceDiff& diff) {
  const CompiledPolicy& a = *views_[0].p;
  const CompiledPolicy& b = *views_[1].p;
  if (!options_.decision.empty() && a.find_decision(options_.decision) == kNone &&
      b.find_decision(options_.decision) == kNone)
    return SpaceError{fmt::format("--decision names `{}`, which is a decision of neither {} nor {}", options_.decision,
                                  a.name, b.name),
                      ""};
  for (std::size_t d = 0; d < a.decisions.size(); ++d) {
    if (!options_.decision.empty() && a.decisions[d].name != options_.decision) continue;
    const Index db = b.find_decision(a.decisions[d].name);
    if (db == kNone) {
      diff.only_in_a.push_back("decision " + a.decisions[d].name);
      continue;
    }
    Target t;
    t.kind = TargetKind::Decision;
    t.index = {static_cast<Index>(d), db};
    t.cols = unite(cols_of(0, a.decisions[d].depends_on), cols_of(1, b.decisions[db].depends_on));
    add_target(std::move(t));
  }
  for (const auto& d : b.decisions)
    if ((options_.decision.empty() || d.name == options_.decision) && a.find_decision(d.name) == kNone)
      diff.only_in_b.push_back("decision " + d.name);
  if (!options_.decision.empty()) return std::nullopt;

  for (int flags = 0; flags < 2; ++flags) {
    const char* word = flags ? "flag " : "obligation ";
    auto list = [&](const CompiledPolicy& p) -> const std::vector<Declaration>& { return flags ? p.flags : p.obligations; };
    auto raisings = [&](const CompiledPolicy& p) -> const std::vector<Raising>& { return flags ? p.raises : p.owes; };
    auto find = [&](const CompiledPolicy& p, const std::string& name) {
      const auto& l = list(p);
      for (std::size_t i = 0; i < l.size(); ++i)
        if (l[i].name == name) return static_cast<Index>(i);
      return kNone;
    };
    for (std::size_t o = 0; o < list(a).size(); ++o) {
      const Index ob = find(b, list(a)[o].name);
      if (ob == kNone) {
        diff.only_in_a.push_back(word + list(a)[o].name);
        continue;
      }
      Target t;
      t.kind = flags ? TargetKind::Flag : TargetKind::Obligation;
      t.index = {static_cast<Index>(o), ob};
      for (std::size_t vi = 0; vi < 2; ++vi) {
        const CompiledPolicy& p = *views_[vi].p;
        std::vector<Index> slots;
        for (const Raising& r : raisings(p))
          if (r.what == t.index[vi] &&
              std::find(t.raisers[vi].begin(), t.raisers[vi].end(), r.rule) == t.raisers[vi].end()) {
            t.raisers[vi].push_back(r.rule);
            auto more = rule_slots(p, r.rule);
            slots.insert(slots.end(), more.begin(), more.end());
          }
        t.cols = unite(t.cols, cols_of(vi, slots));
      }
      add_target(std::move(t));
    }
    for (const auto& d : list(b))
      if (find(a, d.name) == kNone) diff.only_in_b.push_back(word + d.name);
  }
  return std::nullopt;
}

// Targets whose facts overlap share one enumeration when that costs no more than two.
std::vector<Group> Explorer::make_groups() const {
  std::vector<Group> groups;
  for (std::size_t i = 0; i < targets_.size(); ++i) {
    const Target& t = targets_[i];
    std::size_t best = groups.size();
    std::uint64_t best_product = kSaturated;
    for (std::size_t g = 0; g < groups.size(); ++g) {
      const std::uint64_t n = product_of(unite(groups[g].cols, t.cols));
      if (n <= options_.limit && n <= times(1, groups[g].product) + t.product && n < best_product) {
        best = g;
        best_product = n;
      }
    }
    if (best == groups.size()) {
      groups.push_back({{static_cast<Index>(i)}, t.cols, t.product});
    } else {
      groups[best].targets.push_back(static_cast<Index>(i));
      groups[best].cols = unite(groups[best].cols, t.cols);
      groups[best].product = best_product;
    }
  }
  return groups;
}

std::optional<SpaceError> Explorer::run() {
  for (auto it = targets_.begin(); it != targets_.end();) {
    it->product = product_of(it->cols);
    if (it->product <= options_.limit) {
      ++it;
      continue;
    }
    if (it->kind == TargetKind::Rule) {
      unchecked_.push_back(views_[0].p->rules[it->index[0]].name);
      it = targets_.erase(it);
      continue;
    }
    const CompiledPolicy& p = *views_[0].p;
    std::string what = it->kind == TargetKind::Decision     ? "decision `" + p.decisions[it->index[0]].name + "`"
                       : it->kind == TargetKind::Obligation ? "obligation `" + p.obligations[it->index[0]].name + "`"
                                                            : "flag `" + p.flags[it->index[0]].name + "`";
    return too_big(what, it->cols);
  }
  const std::vector<Group> groups = make_groups();
  planned_ = 0;
  for (const Group& g : groups) planned_ = planned_ > kSaturated - g.product ? kSaturated : planned_ + g.product;
  if (planned_ > options_.total_limit) {
    std::uint64_t largest = 0;
    for (const Group& g : groups) largest = std::max(largest, g.product);
    SpaceError e;
    e.message = fmt::format("exploring this needs {} combinations in all ({} table{}, the largest {}), more than the total "
                            "limit of {} combinations",
                            count_text(planned_), groups.size(), groups.size() == 1 ? "" : "s", count_text(largest),
                            limit_text(options_.total_limit));
    e.hint = "explore one decision with --decision NAME, fix some facts with --set FACT=VALUE, leave out unknown with "
             "--known, or raise the total with --total-limit (progress is shown on a terminal; Ctrl-C stops with what "
             "was found)";
    return e;
  }
  for (const Group& g : groups) {
    enumerate(g);
    if (stopped_) break;
    for (Index ti : g.targets) targets_[ti].explored = true;
  }
  return std::nullopt;
}

std::string Explorer::target_name(const Target& t) const {
  const CompiledPolicy& p = *views_[0].p;
  switch (t.kind) {
    case TargetKind::Decision: return "decision " + p.decisions[t.index[0]].name;
    case TargetKind::Obligation: return "obligation " + p.obligations[t.index[0]].name;
    case TargetKind::Flag: return "flag " + p.flags[t.index[0]].name;
    case TargetKind::Rule: return "rule " + p.rules[t.index[0]].name;
  }
  return "?";
}

// ---- classifying one combination ------------------------------------------------------------

Standing Explorer::rule_state(std::size_t view, Index rule) const {
  const CompiledPolicy& p = *views_[view].p;
  const Outcome& out = views_[view].out;
  const Tri e = out.effective[rule];
  if (e == Tri::False) return Standing::No;
  Tri applies = Tri::True;
  const Range s = p.rules[rule].settings;
  for (Index i = s.begin; i < s.end; ++i) applies = kleene_and(applies, out.decisions[p.settings[i].decision].applies);
  const Tri fires = kleene_and(e, applies);
  return fires == Tri::True ? Standing::Yes : fires == Tri::Unknown ? Standing::Perhaps : Standing::No;
}

void Explorer::decision_key(std::size_t view, Index d, std::vector<std::uint32_t>& key) const {
  const CompiledPolicy& p = *views_[view].p;
  const Outcome& out = views_[view].out;
  const DecisionResult& r = out.decisions[d];
  const auto& settings = p.decisions[d].settings;
  auto standing = [&](Tri which) {
    const std::size_t at = key.size();
    key.push_back(0);
    for (std::size_t i = 0; i < settings.size() && i < kMaxSetters; ++i)
      if (out.effective[p.settings[settings[i]].rule] == which) key.push_back(static_cast<std::uint32_t>(i));
    key[at] = static_cast<std::uint32_t>(key.size() - at - 1);
  };
  key.push_back(static_cast<std::uint32_t>(r.status));
  switch (r.status) {
    case Status::Decided:
      key.push_back(r.value);
      key.push_back(r.by);
      standing(Tri::True);
      break;
    case Status::Defaulted: key.push_back(r.value); break;
    case Status::Conflict: standing(Tri::True); break;
    case Status::Undetermined: break;  // what it could become is found exactly afterwards (resolve_exact)
    case Status::NoDecision:
    case Status::NotApplicable:
    case Status::Outside: break;
  }
}

Verdict Explorer::decode_decision(std::size_t view, Index d, const std::uint32_t*& at) const {
  const CompiledPolicy& p = *views_[view].p;
  const CompiledDecision& decision = p.decisions[d];
  Verdict v;
  v.status = static_cast<Status>(*at++);
  auto setters = [&]() {
    const std::uint32_t n = *at++;
    for (std::uint32_t i = 0; i < n; ++i) {
      const Setting& s = p.settings[decision.settings[*at++]];
      Setter setter{p.rules[s.rule].name, decision.values[s.value]};
      if (std::find(v.rules.begin(), v.rules.end(), setter) == v.rules.end()) v.rules.push_back(std::move(setter));
    }
  };
  switch (v.status) {
    case Status::Decided: {
      v.value = decision.values[*at++];
      const Index by = *at++;
      if (by != kNone) v.by = p.authorities[by].name;
      setters();
      break;
    }
    case Status::Defaulted: v.value = decision.values[*at++]; break;
    case Status::Conflict: setters(); break;
    case Status::Undetermined: break;
    case Status::NoDecision:
    case Status::NotApplicable:
    case Status::Outside: break;
  }
  return v;
}

// [n, the rules that owe it..., perhaps]: by position in `rules`; `perhaps` (0 or 1) when none
// surely owes it but one might. Which ones might is left out: it would split the table into
// many rows that say the same ("perhaps owed").
void Explorer::raised_key(std::size_t view, const std::vector<Index>& rules, std::vector<std::uint32_t>& key) const {
  const std::size_t yes = key.size();
  key.push_back(0);
  bool perhaps = false;
  for (std::size_t i = 0; i < rules.size(); ++i) {
    const Standing st = rule_state(view, rules[i]);
    if (st == Standing::Yes) key.push_back(static_cast<std::uint32_t>(i));
    else perhaps |= st == Standing::Perhaps;
  }
  key[yes] = static_cast<std::uint32_t>(key.size() - yes - 1);
  key.push_back(key[yes] == 0 && perhaps ? 1 : 0);
}

Raised Explorer::decode_raised(std::size_t view, const std::vector<Index>& rules, const std::uint32_t*& at) const {
  const CompiledPolicy& p = *views_[view].p;
  Raised r;
  const std::uint32_t n = *at++;
  for (std::uint32_t i = 0; i < n; ++i) r.rules.push_back(p.rules[rules[*at++]].name);
  r.state = n > 0 ? Standing::Yes : *at == 1 ? Standing::Perhaps : Standing::No;
  ++at;
  return r;
}

// A conjunct's value; the common shapes (a definition already derived, a bool fact, their
// negations) read directly. Definitions the evaluator did not need are derived into the
// outcome as they are read.
Tri Explorer::conjunct(Index node) {
  const CompiledPolicy& p = *views_[0].p;
  Outcome& out = views_[0].out;
  const Node& n = p.nodes[node];
  const Node* x = &n;
  const bool negated = n.kind == NodeKind::Not;
  if (negated) x = &p.nodes[node + 1];
  Tri v;
  if (x->kind == NodeKind::Definition && out.definitions[x->a] != kNotDerived) {
    v = out.definitions[x->a];
  } else if (x->kind == NodeKind::Fact) {
    const Value& f = views_[0].work[x->a];
    v = f.kind == Value::Kind::Bool ? tri(f.boolean) : Tri::Unknown;
  } else {
    return eval_condition(p, views_[0].work, std::span<Tri>(out.definitions), node, &out);
  }
  return negated ? kleene_not(v) : v;
}

// Where a decision falls to its default (or to none): each rule of `t.gap_rules` that nearly
// applies (all its top-level conjuncts true but one, which is false), with that conjunct, as
// (position in gap_rules, conjunct) pairs. Empty elsewhere.
void Explorer::gap_key(const Target& t, std::vector<std::uint32_t>& key) {
  const CompiledPolicy& p = *views_[0].p;
  const Outcome& out = views_[0].out;
  const DecisionResult& r = out.decisions[t.index[0]];
  key.clear();
  if (r.status != Status::Defaulted && r.status != Status::NoDecision) return;
  for (std::size_t i = 0; i < t.gap_rules.size(); ++i) {
    const Index rule = t.gap_rules[i];
    if (out.when[rule] != Tri::False) continue;
    const CompiledRule& cr = p.rules[rule];
    Index failing = kNone;
    bool near = true;
    for (Index c = cr.conditions.begin; c < cr.conditions.end && near; ++c) {
      const Index slot = shared_[c];
      if (cache_stamp_[slot] != stamp_) {
        cache_[slot] = conjunct(p.conditions[c].node);
        cache_stamp_[slot] = stamp_;
      }
      const Tri v = cache_[slot];
      if (v == Tri::True) continue;
      if (v == Tri::False && failing == kNone) failing = c;
      else near = false;
    }
    if (!near || failing == kNone) continue;
    key.push_back(static_cast<std::uint32_t>(i));
    key.push_back(failing);
  }
}

void Explorer::classify(Target& t) {
  const bool two = diff();
  key_.clear();
  switch (t.kind) {
    case TargetKind::Rule: {
      if (t.in_effect) return;  // alive: nothing more to learn
      const CompiledPolicy& p = *views_[0].p;
      const Outcome& out = views_[0].out;
      const Index r = t.index[0];
      if (out.when[r] == Tri::True) {
        t.when_true = true;
        if (out.effective[r] != Tri::True) {
          const Range d = p.rules[r].defeaters;
          for (Index i = d.begin; i < d.end && i - d.begin < 64; ++i)
            if (out.effective[p.defeaters[i]] == Tri::True) t.defeaters_seen |= Mask{1} << (i - d.begin);
        }
      }
      if (out.effective[r] == Tri::True) {
        t.effective_true = true;
        if (rule_state(0, r) == Standing::Yes) t.in_effect = true;
      }
      return;
    }
    case TargetKind::Decision:
      if (!two) {
        decision_key(0, t.index[0], key_);
      } else {
        const DecisionResult& ra = views_[0].out.decisions[t.index[0]];
        const DecisionResult& rb = views_[1].out.decisions[t.index[1]];
        const CompiledPolicy& a = *views_[0].p;
        const CompiledPolicy& b = *views_[1].p;
        auto value_name = [](const CompiledPolicy& p, Index d, Index v) -> std::string_view {
          return v == kNone ? std::string_view{} : std::string_view{p.decisions[d].values[v]};
        };
        auto by_name = [](const CompiledPolicy& p, Index by) -> std::string_view {
          return by == kNone ? std::string_view{} : std::string_view{p.authorities[by].name};
        };
        const bool same = ra.status == rb.status &&
                          value_name(a, t.index[0], ra.value) == value_name(b, t.index[1], rb.value) &&
                          by_name(a, ra.by) == by_name(b, rb.by);
        if (same) {
          key_.push_back(0);
        } else {
          key_.push_back(1);
          key_.push_back(0);
          decision_key(0, t.index[0], key_);
          key_[1] = static_cast<std::uint32_t>(key_.size() - 2);
          decision_key(1, t.index[1], key_);
        }
      }
      break;
    case TargetKind::Obligation:
    case TargetKind::Flag:
      if (!two) {
        raised_key(0, t.raisers[0], key_);
      } else {
        // Owed (raised) wins over perhaps, perhaps over not.
        auto overall = [this](std::size_t view, const std::vector<Index>& rules) {
          Standing s = Standing::No;
          for (Index r : rules) {
            const Standing x = rule_state(view, r);
            if (x == Standing::Yes) return Standing::Yes;
            if (x == Standing::Perhaps) s = Standing::Perhaps;
          }
          return s;
        };
        const Standing sa = overall(0, t.raisers[0]);
        const Standing sb = overall(1, t.raisers[1]);
        if (sa == sb) {
          key_.push_back(0);
        } else {
          key_.push_back(1);
          key_.push_back(0);
          raised_key(0, t.raisers[0], key_);
          key_[1] = static_cast<std::uint32_t>(key_.size() - 2);
          raised_key(1, t.raisers[1], key_);
        }
      }
      break;
  }
  const std::uint32_t cls = t.classes.intern(key_);
  if (t.exact) {
    std::uint64_t at = 0;
    for (const auto& [pos, stride] : t.strides) at += digits_[pos] * stride;
    t.dense[at] = cls;
  } else {
    if (cls >= t.counts.size()) t.counts.resize(cls + 1, 0);
    ++t.counts[cls];
    t.diagram->push(cls);
  }
  if (t.gap_diagram) {
    gap_key(t, key_b_);
    t.gap_diagram->push(t.gap_classes.intern(key_b_));
  }
}

// ---- enumeration ----------------------------------------------------------------------------

// Finds, for every combination of `t`'s space, the settled outcomes that settling its unknown
// facts leads to, then builds its diagram from the classes kept. The set of a combination is
// the union of the outcomes of its completions (every unknown cell replaced by each known
// value), found one column at a time: after column j, a combination unknown in j holds the
// union of its neighbours known in j, which already hold theirs for the columns before.
void Explorer::resolve_exact(Target& t, const std::vector<std::uint32_t>& radix) {
  const auto& keys = t.classes.keys();

  // Settled outcomes (status, value, who decides), in the order a table lists them.
  std::vector<Verdict> raw;
  for (const auto& key : keys) {
    const std::uint32_t* at = key.data();
    raw.push_back(decode_decision(0, t.index[0], at));
  }
  struct Outcome3 {
    std::uint64_t rank;
    Status status;
    std::string value, by;
  };
  std::vector<Outcome3> outcomes;
  std::vector<std::uint32_t> outcome_of(keys.size(), 63);
  for (std::size_t c = 0; c < keys.size(); ++c) {
    if (raw[c].status == Status::Undetermined) continue;
    Outcome3 o{decision_rank(keys[c].data(), keys[c].size(), 0) & ~std::uint64_t{0xFFFF'FFFF}, raw[c].status,
               raw[c].value, raw[c].by};
    if (std::none_of(outcomes.begin(), outcomes.end(), [&](const Outcome3& x) {
          return x.status == o.status && x.value == o.value && x.by == o.by;
        }))
      outcomes.push_back(o);
  }
  std::stable_sort(outcomes.begin(), outcomes.end(), [](const Outcome3& a, const Outcome3& b) { return a.rank < b.rank; });
  if (outcomes.size() > kMaxOutcomes) {
    t.exact = false;  // too many to tell apart by bit: keep the rules' own account
  } else {
    for (std::size_t c = 0; c < keys.size(); ++c)
      for (std::size_t o = 0; o < outcomes.size(); ++o)
        if (raw[c].status != Status::Undetermined && outcomes[o].status == raw[c].status &&
            outcomes[o].value == raw[c].value && outcomes[o].by == raw[c].by)
          outcome_of[c] = static_cast<std::uint32_t>(o);
  }

  if (t.exact) {
    const std::uint64_t n = t.product;
    const std::vector<Index>& order = order_of_target_.at(static_cast<Index>(&t - targets_.data()));
    t.sets.assign(n, 0);
    for (std::uint64_t x = 0; x < n; ++x) {
      bool known = true;
      for (const auto& [pos, stride] : t.strides)
        if (columns_[order[pos]].has_unknown && (x / stride) % radix[pos] == radix[pos] - 1) known = false;
      if (known) t.sets[x] = std::uint64_t{1} << outcome_of[t.dense[x]];
    }
    for (const auto& [pos, stride] : t.strides) {
      if (!columns_[order[pos]].has_unknown) continue;
      const std::uint64_t r = radix[pos], u = r - 1, block = r * stride;
      for (std::uint64_t o = 0; o < n; o += block)
        for (std::uint64_t i = 0; i < stride; ++i) {
          std::uint64_t acc = 0;
          for (std::uint64_t v = 0; v < u; ++v) acc |= t.sets[o + v * stride + i];
          t.sets[o + u * stride + i] |= acc;
        }
    }
    for (const auto& o : outcomes) {
      Verdict settled;
      settled.status = o.status;
      settled.value = o.value;
      settled.by = o.by;
      t.outcome_texts.push_back(verdict_text(settled));
    }
  }

  // The diagram over the group's columns, in the enumeration's order.
  t.counts.assign(keys.size(), 0);
  std::vector<std::uint32_t> digit(radix.size(), 0);
  for (bool done = false; !done;) {
    std::uint64_t at = 0;
    for (const auto& [pos, stride] : t.strides) at += digit[pos] * stride;
    ++t.counts[t.dense[at]];
    t.diagram->push(t.dense[at]);
    for (std::size_t k = radix.size();;) {
      if (k == 0) {
        done = true;
        break;
      }
      --k;
      if (++digit[k] < radix[k]) break;
      digit[k] = 0;
    }
  }
}

// Names, for each undetermined row of the table, the outcomes that settling its unknown facts
// leads to somewhere in the row: the union of the exact sets of its combinations.
void Explorer::name_possible(Target& t, DecisionSpace& ds) const {
  if (t.sets.empty()) return;
  const std::vector<Index>& order = order_of_target_.at(static_cast<Index>(&t - targets_.data()));
  std::map<Index, std::uint64_t> stride_of;
  for (const auto& [pos, stride] : t.strides) stride_of[order[pos]] = stride;
  for (SpaceRow& row : ds.table.rows) {
    if (ds.verdicts[row.verdict].status != Status::Undetermined) continue;
    // Each column's chosen values as offsets; shown columns by their cells, the others all.
    std::vector<std::vector<std::uint64_t>> offsets;
    for (Index c : t.cols) {
      auto k = std::find(ds.table.columns.begin(), ds.table.columns.end(), c);
      const Mask cell = k == ds.table.columns.end() ? space::full_mask(static_cast<std::uint32_t>(columns_[c].values.size()))
                                                    : row.cells[static_cast<std::size_t>(k - ds.table.columns.begin())];
      offsets.emplace_back();
      for (std::uint64_t v = 0; v < columns_[c].values.size(); ++v)
        if ((cell >> v) & 1) offsets.back().push_back(v * stride_of[c]);
    }
    std::uint64_t set = 0;
    std::vector<std::size_t> digit(offsets.size(), 0);
    for (bool done = false; !done;) {
      std::uint64_t at = 0;
      for (std::size_t k = 0; k < offsets.size(); ++k) at += offsets[k][digit[k]];
      set |= t.sets[at];
      for (std::size_t k = offsets.size();;) {
        if (k == 0) {
          done = true;
          break;
        }
        --k;
        if (++digit[k] < offsets[k].size()) break;
        digit[k] = 0;
      }
    }
    Verdict v;
    v.status = Status::Undetermined;
    for (std::size_t o = 0; o < t.outcome_texts.size(); ++o)
      if ((set >> o) & 1) v.possible.push_back(t.outcome_texts[o]);
    if ((set >> 63) & 1) v.possible.push_back("undetermined");
    auto it = std::find(ds.verdicts.begin(), ds.verdicts.end(), v);
    if (it == ds.verdicts.end()) {
      ds.verdicts.push_back(std::move(v));
      it = ds.verdicts.end() - 1;
    }
    row.verdict = static_cast<std::uint32_t>(it - ds.verdicts.begin());
  }
  t.sets.clear();
  t.sets.shrink_to_fit();
  t.dense.clear();
  t.dense.shrink_to_fit();
}

void Explorer::enumerate(const Group& g) {
  std::vector<Index> order = g.cols;
  std::stable_sort(order.begin(), order.end(), [&](Index x, Index y) { return weight_[x] > weight_[y]; });
  std::vector<std::uint32_t> radix;
  for (Index c : order) radix.push_back(static_cast<std::uint32_t>(columns_[c].values.size()));

  for (Index ti : g.targets) {
    Target& t = targets_[ti];
    order_of_target_[ti] = order;
    t.group_product = g.product;
    if (t.kind == TargetKind::Rule) continue;
    t.diagram = std::make_unique<space::DiagramBuilder>(radix);
    if (t.kind == TargetKind::Decision && !diff()) {
      const CompiledPolicy& p = *views_[0].p;
      const CompiledDecision& decision = p.decisions[t.index[0]];
      for (Index s : decision.settings) {
        const Index rule = p.settings[s].rule;
        if (p.rules[rule].conditions.size() < 2) continue;  // "all but one" of one condition says nothing
        if (p.settings[s].value == decision.default_value) continue;  // it would change nothing
        if (std::find(t.gap_rules.begin(), t.gap_rules.end(), rule) != t.gap_rules.end()) continue;
        t.gap_rules.push_back(rule);
      }
      if (!t.gap_rules.empty()) {
        t.gap_classes.intern({});  // class 0: no gap
        t.gap_diagram = std::make_unique<space::DiagramBuilder>(radix);
      }
    }
    // Class 0 of a diff is "the same".
    if (diff()) t.classes.intern({0});
    bool unknowns = false;
    for (Index c : t.cols) unknowns |= columns_[c].has_unknown;
    if (t.kind == TargetKind::Decision && !diff() && unknowns && t.product <= kExactSpace) {
      t.exact = true;
      std::uint64_t stride = 1;
      for (std::size_t k = order.size(); k-- > 0;)
        if (std::binary_search(t.cols.begin(), t.cols.end(), order[k])) {
          t.strides.emplace_back(k, stride);
          stride *= columns_[order[k]].values.size();
        }
      t.dense.assign(t.product, 0);
    }
  }

  // Column k of `order` at value digit[k]; the last column changes fastest (odometer order).
  const std::size_t n = order.size();
  std::vector<std::uint32_t> digit(n, 0);
  digits_ = digit.data();
  auto set = [&](std::size_t k) {
    for (auto& v : views_) {
      const Index slot = v.slot_of_col[order[k]];
      if (slot == kNone) continue;
      assign(v.work[slot], v.col_values[order[k]][digit[k]]);
      v.packed[slot] = v.col_packed[order[k]][digit[k]];
    }
  };
  for (std::size_t k = 0; k < n; ++k) set(k);

  for (bool done = false; !done;) {
    for (auto& v : views_) evaluate(*v.p, v.packed, v.texts, v.out);
    for (Index ti : g.targets) classify(targets_[ti]);
    ++evaluated_;
    ++stamp_;
    if ((evaluated_ & 0xFFFF) == 0 && options_.progress && !options_.progress(evaluated_, planned_)) {
      stopped_ = true;
      return;  // the group's diagrams are unfinished: its targets stay unexplored
    }
    for (std::size_t k = n;;) {
      if (k == 0) {
        done = true;
        break;
      }
      --k;
      if (++digit[k] < radix[k]) {
        set(k);
        break;
      }
      digit[k] = 0;
      set(k);
    }
  }
  for (Index ti : g.targets)
    if (targets_[ti].exact) resolve_exact(targets_[ti], radix);
  // Facts of this group go back to unknown for the next.
  for (auto& v : views_)
    for (Index c : g.cols)
      if (v.slot_of_col[c] != kNone) {
        v.work[v.slot_of_col[c]] = Value::unknown();
        v.packed[v.slot_of_col[c]] = PackedValue{};
      }
}

// ---- results --------------------------------------------------------------------------------

// Orders rows as a reader scans a table: column by column, by first value, "any" first.
bool row_before(const SpaceRow& x, const SpaceRow& y) {
  for (std::size_t k = 0; k < x.cells.size(); ++k) {
    if (x.cells[k] == y.cells[k]) continue;
    const int px = std::popcount(x.cells[k]), py = std::popcount(y.cells[k]);
    const int fx = std::countr_zero(x.cells[k]), fy = std::countr_zero(y.cells[k]);
    if (px != py && (px == 64 || py == 64)) return px > py;
    if (fx != fy) return fx < fy;
    if (px != py) return px > py;
    return x.cells[k] < y.cells[k];
  }
  return x.verdict < y.verdict;
}

SpaceTable Explorer::table_of(const Target& t, const space::DiagramBuilder& diagram, std::uint32_t skip_class,
                              const std::vector<Index>& extra_cols, const std::vector<std::uint64_t>& rank) const {
  const std::vector<Index>& order = order_of_target_.at(static_cast<Index>(&t - targets_.data()));
  auto rows = space::paths(diagram, std::max<std::size_t>(options_.max_rows * 20, 100000));
  space::merge(rows.rows);

  std::map<Index, std::size_t> pos;
  for (std::size_t k = 0; k < order.size(); ++k) pos[order[k]] = k;
  auto full = [&](Index c, Mask m) { return m == space::full_mask(static_cast<std::uint32_t>(columns_[c].values.size())); };

  SpaceTable table;
  table.truncated = rows.truncated;
  table.combinations = product_of(t.cols);
  std::vector<Index> shown;
  for (Index c : unite(t.cols, extra_cols)) {
    bool matters = false;
    for (const auto& r : rows.rows) matters |= r.cls != skip_class && !full(c, r.cells[pos[c]]);
    const bool own = std::binary_search(t.cols.begin(), t.cols.end(), c);
    if (matters || (std::find(extra_cols.begin(), extra_cols.end(), c) != extra_cols.end())) shown.push_back(c);
    else if (own && skip_class == kNone) table.inert.push_back(columns_[c].fact);
  }
  table.columns = shown;
  for (const auto& r : rows.rows) {
    if (r.cls == skip_class) continue;
    SpaceRow row;
    row.verdict = r.cls;
    row.combinations = 1;
    for (Index c : t.cols) row.combinations = times(row.combinations, static_cast<std::uint64_t>(std::popcount(r.cells[pos[c]])));
    for (Index c : shown) row.cells.push_back(r.cells[pos[c]]);
    table.rows.push_back(std::move(row));
  }
  std::sort(table.rows.begin(), table.rows.end(), [&](const SpaceRow& x, const SpaceRow& y) {
    if (!rank.empty() && rank[x.verdict] != rank[y.verdict]) return rank[x.verdict] < rank[y.verdict];
    return row_before(x, y);
  });
  if (table.rows.size() > options_.max_rows) {
    table.rows.resize(options_.max_rows);
    table.truncated = true;
  }
  return table;
}

// Rows of a decision table by outcome: see decision_rank.
std::vector<std::uint64_t> verdict_ranks(const CompiledDecision& d, const std::vector<Verdict>& verdicts) {
  std::vector<std::uint64_t> rank;
  for (std::size_t c = 0; c < verdicts.size(); ++c) {
    const Verdict& v = verdicts[c];
    auto it = std::find(d.values.begin(), d.values.end(), v.value);
    const std::uint32_t key[2] = {static_cast<std::uint32_t>(v.status),
                                  static_cast<std::uint32_t>(it == d.values.end() ? 0 : it - d.values.begin())};
    rank.push_back(decision_rank(key, 2, c));
  }
  return rank;
}

// The columns some target reads (with --decision, fewer than all), the tables' column
// indices renumbered into them.
std::vector<SpaceColumn> Explorer::explored_columns(const std::vector<SpaceTable*>& tables) const {
  std::vector<bool> used(columns_.size(), false);
  for (const Target& t : targets_)
    for (Index c : t.cols) used[c] = true;
  std::vector<Index> renumber(columns_.size(), kNone);
  std::vector<SpaceColumn> out;
  for (std::size_t c = 0; c < columns_.size(); ++c) {
    if (!used[c]) continue;
    renumber[c] = static_cast<Index>(out.size());
    out.push_back(columns_[c]);
  }
  for (SpaceTable* t : tables)
    for (Index& c : t->columns) c = renumber[c];
  return out;
}

Space Explorer::space_result() {
  const CompiledPolicy& p = *views_[0].p;
  Space s;
  s.policy = p.name;
  s.file = p.file;
  s.fixed = fixed_;
  s.unused_facts = unused_;
  s.unchecked_rules = unchecked_;
  s.evaluated = evaluated_;
  s.planned = planned_;
  s.interrupted = stopped_;

  for (Target& t : targets_) {
    if (!t.explored) {
      s.not_explored.push_back(target_name(t));
      continue;
    }
    if (t.kind == TargetKind::Decision) {
      const CompiledDecision& d = p.decisions[t.index[0]];
      DecisionSpace ds;
      ds.name = d.name;
      ds.title = d.title;
      for (const auto& key : t.classes.keys()) {
        const std::uint32_t* at = key.data();
        ds.verdicts.push_back(decode_decision(0, t.index[0], at));
      }
      const std::uint64_t others = t.group_product / t.product;  // the function ignores the group's other columns
      for (std::size_t c = 0; c < ds.verdicts.size(); ++c)
        ds.counts[static_cast<std::size_t>(ds.verdicts[c].status)] += t.counts[c] / others;
      ds.table = table_of(t, *t.diagram, kNone, {}, verdict_ranks(d, ds.verdicts));
      name_possible(t, ds);
      // One table per (rule, failing conjunct): the classes that hold the pair, relabelled 1.
      std::set<std::pair<std::uint32_t, std::uint32_t>> pairs;
      for (const auto& key : t.gap_classes.keys())
        for (std::size_t i = 0; i + 1 < key.size(); i += 2) pairs.emplace(key[i], key[i + 1]);
      for (const auto& [pos, cond_index] : pairs) {
        std::vector<std::uint32_t> map;
        for (const auto& key : t.gap_classes.keys()) {
          bool holds = false;
          for (std::size_t i = 0; i + 1 < key.size(); i += 2) holds |= key[i] == pos && key[i + 1] == cond_index;
          map.push_back(holds ? 1 : 0);
        }
        const space::DiagramBuilder one = t.gap_diagram->relabel(map);
        Gap gap;
        gap.fallback.status = d.default_value == kNone ? Status::NoDecision : Status::Defaulted;
        if (d.default_value != kNone) gap.fallback.value = d.values[d.default_value];
        const Condition& cond = p.conditions[cond_index];
        gap.near = {p.rules[t.gap_rules[pos]].name, cond.text, cond.loc};
        gap.table = table_of(t, one, 0, ds.table.columns);
        if (!gap.table.rows.empty()) ds.gaps.push_back(std::move(gap));
      }
      s.decisions.push_back(std::move(ds));
    } else if (t.kind == TargetKind::Obligation || t.kind == TargetKind::Flag) {
      const Declaration& decl = t.kind == TargetKind::Flag ? p.flags[t.index[0]] : p.obligations[t.index[0]];
      RaisedSpace rs;
      rs.name = decl.name;
      rs.description = decl.description;
      std::vector<std::uint64_t> rank;
      for (const auto& key : t.classes.keys()) {
        const std::uint32_t* at = key.data();
        const Standing st = decode_raised(0, t.raisers[0], at).state;
        rank.push_back(st == Standing::Yes ? 0 : st == Standing::Perhaps ? 1 : 2);
      }
      rs.table = table_of(t, *t.diagram, kNone, {}, rank);
      for (const auto& key : t.classes.keys()) {
        const std::uint32_t* at = key.data();
        rs.verdicts.push_back(decode_raised(0, t.raisers[0], at));
      }
      (t.kind == TargetKind::Flag ? s.flags : s.obligations).push_back(std::move(rs));
    } else if (!t.in_effect) {
      const CompiledRule& r = p.rules[t.index[0]];
      DeadRule dead;
      dead.rule = r.name;
      dead.loc = r.loc;
      dead.why = !t.when_true ? DeadRule::Why::NeverHolds
                 : !t.effective_true ? DeadRule::Why::AlwaysDefeated
                                     : DeadRule::Why::NeverInEffect;
      if (dead.why == DeadRule::Why::AlwaysDefeated)
        for (Index i = r.defeaters.begin; i < r.defeaters.end; ++i)
          if (i - r.defeaters.begin < 64 && (t.defeaters_seen & (Mask{1} << (i - r.defeaters.begin))))
            dead.defeated_by.push_back(p.rules[p.defeaters[i]].name);
      s.dead_rules.push_back(std::move(dead));
    }
  }
  // A rule that can never apply does not nearly apply either: its near misses are no gaps.
  for (auto& d : s.decisions)
    std::erase_if(d.gaps, [&](const Gap& g) {
      return std::any_of(s.dead_rules.begin(), s.dead_rules.end(), [&](const DeadRule& x) { return x.rule == g.near.rule; });
    });
  std::vector<SpaceTable*> tables;
  for (auto& d : s.decisions) {
    tables.push_back(&d.table);
    for (auto& g : d.gaps) tables.push_back(&g.table);
  }
  for (auto& r : s.obligations) tables.push_back(&r.table);
  for (auto& r : s.flags) tables.push_back(&r.table);
  s.columns = explored_columns(tables);
  for (const auto& c : s.columns) s.approximate |= c.approximate;
  return s;
}

void Explorer::diff_result(SpaceDiff& diff) {
  diff.policy_a = views_[0].p->name;
  diff.policy_b = views_[1].p->name;
  diff.file_a = views_[0].p->file;
  diff.file_b = views_[1].p->file;
  diff.fixed = fixed_;
  diff.evaluated = evaluated_;
  diff.planned = planned_;
  diff.interrupted = stopped_;
  for (Target& t : targets_) {
    if (!t.explored) {
      diff.not_explored.push_back(target_name(t));
      continue;
    }
    TargetDiff td;
    const CompiledPolicy& a = *views_[0].p;
    td.kind = t.kind == TargetKind::Decision     ? TargetDiff::Kind::Decision
              : t.kind == TargetKind::Obligation ? TargetDiff::Kind::Obligation
                                                 : TargetDiff::Kind::Flag;
    td.name = t.kind == TargetKind::Decision     ? a.decisions[t.index[0]].name
              : t.kind == TargetKind::Obligation ? a.obligations[t.index[0]].name
                                                 : a.flags[t.index[0]].name;
    std::vector<std::uint64_t> rank;
    if (t.kind == TargetKind::Decision) {
      // By A's outcome (a differing class's key is 1, the length of A's part, A's part, B's part).
      for (std::size_t c = 0; c < t.classes.keys().size(); ++c) {
        const auto& key = t.classes.keys()[c];
        rank.push_back(key[0] == 0 ? ~std::uint64_t{0} : decision_rank(key.data() + 2, key[1], c));
      }
    }
    td.table = table_of(t, *t.diagram, 0, {}, rank);
    const std::uint64_t others = t.group_product / t.product;
    for (std::size_t c = 0; c < t.classes.keys().size(); ++c) {
      const auto& key = t.classes.keys()[c];
      DiffVerdict v;
      if (key[0] == 1) {
        const std::uint32_t* at = key.data() + 2;
        if (t.kind == TargetKind::Decision) {
          v.a = decode_decision(0, t.index[0], at);
          v.b = decode_decision(1, t.index[1], at);
        } else {
          v.raised_a = decode_raised(0, t.raisers[0], at);
          v.raised_b = decode_raised(1, t.raisers[1], at);
        }
        td.differing += t.counts[c] / others;
      }
      td.verdicts.push_back(std::move(v));
    }
    diff.targets.push_back(std::move(td));
  }
  std::vector<SpaceTable*> tables;
  for (auto& t : diff.targets) tables.push_back(&t.table);
  diff.columns = explored_columns(tables);
  for (const auto& c : diff.columns) diff.approximate |= c.approximate;
}

}  // namespace

// ---- public ---------------------------------------------------------------------------------

const char* to_string(Standing s) {
  switch (s) {
    case Standing::No: return "no";
    case Standing::Yes: return "yes";
    case Standing::Perhaps: return "perhaps";
  }
  return "?";
}

const char* to_string(DeadRule::Why w) {
  switch (w) {
    case DeadRule::Why::NeverHolds: return "never_holds";
    case DeadRule::Why::AlwaysDefeated: return "always_defeated";
    case DeadRule::Why::NeverInEffect: return "never_in_effect";
  }
  return "?";
}

const char* to_string(TargetDiff::Kind k) {
  switch (k) {
    case TargetDiff::Kind::Decision: return "decision";
    case TargetDiff::Kind::Obligation: return "obligation";
    case TargetDiff::Kind::Flag: return "flag";
  }
  return "?";
}

std::size_t Space::conflict_rows() const {
  std::size_t n = 0;
  for (const auto& d : decisions)
    for (const auto& r : d.table.rows) n += d.verdicts[r.verdict].status == Status::Conflict;
  return n;
}

std::size_t Space::gap_rows() const {
  std::size_t n = 0;
  for (const auto& d : decisions)
    for (const auto& g : d.gaps) n += g.table.rows.size();
  return n;
}

bool SpaceDiff::differs() const {
  for (const auto& t : targets)
    if (t.differing > 0) return true;
  return !only_in_a.empty() || !only_in_b.empty();
}

SpaceResult explore_space(const CompiledPolicy& policy, const SpaceOptions& options) {
  SpaceResult result;
  if (!options.decision.empty() && policy.find_decision(options.decision) == kNone) {
    std::vector<std::string> names;
    for (const auto& d : policy.decisions) names.push_back(d.name);
    const std::string near = nearest_name(options.decision, names);
    std::string list;
    for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
    result.error = SpaceError{fmt::format("--decision names `{}`, which is not a decision of {}", options.decision, policy.name),
                              near.empty() ? fmt::format("its decisions are: {}", list) : fmt::format("did you mean `{}`?", near)};
    return result;
  }
  Explorer ex({&policy}, options);
  if (auto e = ex.prepare()) {
    result.error = std::move(e);
    return result;
  }
  ex.add_targets_single();
  if (auto e = ex.run()) {
    result.error = std::move(e);
    return result;
  }
  result.space = ex.space_result();
  return result;
}

SpaceDiffResult diff_space(const CompiledPolicy& a, const CompiledPolicy& b, const SpaceOptions& options) {
  SpaceDiffResult result;
  Explorer ex({&a, &b}, options);
  if (auto e = ex.prepare()) {
    result.error = std::move(e);
    return result;
  }
  SpaceDiff diff;
  if (auto e = ex.add_targets_diff(diff)) {
    result.error = std::move(e);
    return result;
  }
  if (auto e = ex.run()) {
    result.error = std::move(e);
    return result;
  }
  ex.diff_result(diff);
  result.diff = std::move(diff);
  return result;
}

// ---- showing cells --------------------------------------------------------------------------

std::string cell_text(const SpaceColumn& column, Mask cell) {
  const auto n = static_cast<std::uint32_t>(column.values.size());
  const std::uint32_t known_n = column.has_unknown ? n - 1 : n;
  const Mask known_all = space::full_mask(known_n);
  const Mask known = cell & known_all;
  const bool unknown = column.has_unknown && (cell >> known_n) & 1;
  if (cell == space::full_mask(n)) return "any";
  std::vector<std::string> parts;
  if (known == known_all && known_n > 0) {
    parts.push_back("known");
  } else if (column.kind == Kind::Int || column.kind == Kind::Date) {
    // Runs of neighbouring regions read as one range.
    auto label = [&](std::int64_t x) {
      return column.kind == Kind::Date ? date_label(x) : std::to_string(x);
    };
    for (std::uint32_t i = 0; i < known_n;) {
      if (!((known >> i) & 1)) {
        ++i;
        continue;
      }
      std::uint32_t j = i;
      while (j + 1 < known_n && ((known >> (j + 1)) & 1)) ++j;
      const SpaceValue& first = column.values[i];
      const SpaceValue& last = column.values[j];
      if (i == j) parts.push_back(first.label);
      else if (first.lo == kMinInt) parts.push_back("<= " + label(last.hi));
      else if (last.hi == kMaxInt) parts.push_back(">= " + label(first.lo));
      else parts.push_back(label(first.lo) + ".." + label(last.hi));
      i = j + 1;
    }
  } else if (std::popcount(cell) >= 3 && std::popcount(cell) == static_cast<int>(n) - 1) {
    // Every value but one, and a list of three or more: say which one is missing.
    const int missing = std::countr_zero(~cell & space::full_mask(n));
    return "any but " + column.values[static_cast<std::size_t>(missing)].label;
  } else {
    for (std::uint32_t i = 0; i < known_n; ++i)
      if ((known >> i) & 1) parts.push_back(column.values[i].label);
  }
  if (unknown) parts.push_back("unknown");
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : "|") + p;
  return out;
}

std::string verdict_text(const Verdict& v) {
  switch (v.status) {
    case Status::Decided:
    case Status::Defaulted:
    case Status::NoDecision:
    case Status::NotApplicable:
    case Status::Outside:
    case Status::Conflict: return outcome_text(to_string(v.status), v.value, v.by);
    case Status::Undetermined: {
      std::string out = "undetermined";
      for (std::size_t i = 0; i < v.possible.size(); ++i)
        out += (i == 0 ? ": " : i + 1 == v.possible.size() ? " or " : ", ") + v.possible[i];
      return out;
    }
  }
  return "?";
}

}  // namespace decree::engine
