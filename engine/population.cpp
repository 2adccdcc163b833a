#include "engine/population.hpp"

#include <algorithm>
#include <charconv>
#include <map>
#include <memory>

#include <fmt/format.h>

#include "dsl/input_file.hpp"
#include "dsl/load.hpp"
#include "dsl/types.hpp"
#include "engine/evaluate.hpp"
#include "engine/random.hpp"
#include "engine/words.hpp"
#include "engine/yaml_tree.hpp"

namespace decree::engine {

namespace {

using yaml::NodeId;
using Kind = yaml::Node::Kind;

const std::vector<std::string> kTopKeys = {"population", "traits", "facts"};
const std::vector<std::string> kHeaderKeys = {"name", "title", "size", "seed", "id", "note"};
const std::vector<std::string> kBranchKeys = {"if", "then", "times"};

// A factor in `times:` is counted in millionths; at most this many times the default share.
constexpr std::uint64_t kFactorScale = 1'000'000;
constexpr std::uint64_t kMaxFactor = 1'000;
constexpr std::size_t kSniffBytes = std::size_t{1} << 20;  // how far is_population_file looks for `population:`

std::string did_you_mean(std::string_view wrong, const std::vector<std::string>& candidates) {
  std::string near = nearest_name(std::string(wrong), candidates);
  return near.empty() ? std::string() : fmt::format("did you mean `{}`? ", near);
}

// "0.25" for 250000000 billionths: a share as a reader writes it.
std::string share_text(std::uint64_t w) {
  if (w == kShareScale) return "1";
  std::string frac = fmt::format("{:09}", w % kShareScale);
  while (!frac.empty() && frac.back() == '0') frac.pop_back();
  return fmt::format("{}{}{}", w / kShareScale, frac.empty() ? "" : ".", frac);
}

std::string expected_phrase(const dsl::FactType& type) {
  switch (type.kind) {
    case dsl::FactType::Kind::Bool: return "a bool (true or false)";
    case dsl::FactType::Kind::Int: return "an int (a whole number)";
    case dsl::FactType::Kind::Date: return "a date (YYYY-MM-DD)";
    case dsl::FactType::Kind::Text: return "text";
    case dsl::FactType::Kind::Enum: return fmt::format("one of {}", join(type.values, " | "));
    case dsl::FactType::Kind::Set: return fmt::format("one of {} (a set is drawn holding that one value)", join(type.values, " | "));
  }
  return "a value";
}

// A whole decimal number `digits[.digits]` in units of 10^-decimals; nullopt when malformed,
// `too_precise` when it has more decimals than that.
std::optional<std::uint64_t> fixed_point(std::string_view s, int decimals, bool& too_precise) {
  too_precise = false;
  std::size_t dot = s.find('.');
  std::string_view whole = s.substr(0, dot);
  std::string_view frac = dot == std::string_view::npos ? std::string_view() : s.substr(dot + 1);
  auto all_digits = [](std::string_view t) {
    return std::all_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (whole.empty() || !all_digits(whole) || (dot != std::string_view::npos && (frac.empty() || !all_digits(frac))))
    return std::nullopt;
  while (!frac.empty() && frac.back() == '0') frac.remove_suffix(1);
  if (frac.size() > static_cast<std::size_t>(decimals)) {
    too_precise = true;
    return std::nullopt;
  }
  if (whole.size() > 6) return std::uint64_t{999'999'999} * 1'000'000'000;  // surely too large; callers bound it
  std::uint64_t scale = 1;
  for (int i = 0; i < decimals; ++i) scale *= 10;
  std::uint64_t w = 0;
  for (char c : whole) w = w * 10 + static_cast<std::uint64_t>(c - '0');
  std::uint64_t f = 0;
  for (char c : frac) f = f * 10 + static_cast<std::uint64_t>(c - '0');
  for (std::size_t i = frac.size(); i < static_cast<std::size_t>(decimals); ++i) f *= 10;
  return w * scale + f;
}

struct FactIndex {
  std::string policy;
  std::map<std::string, dsl::FactType, std::less<>> facts;
  std::vector<std::string> names;
};

FactIndex index_facts(const ast::Policy& policy) {
  FactIndex index;
  index.policy = policy.header.name.text;
  for (const auto& item : policy.items) {
    if (item.op == ast::Item::Op::Drop) continue;
    if (const auto* fact = std::get_if<ast::FactDecl>(&item.body))
      if (auto type = dsl::resolve_type(policy, fact->type))
        if (index.facts.emplace(fact->name.text, *type).second) index.names.push_back(fact->name.text);
  }
  return index;
}

// A share as written: a number of billionths, or `rest`.
struct Share {
  bool rest = false;
  std::uint64_t weight = 0;
};

class Loader {
 public:
  Loader(const SourceFile& file, const yaml::Tree& tree, const FactIndex& facts, const PopulationLimits& limits,
         std::vector<Diagnostic>& diagnostics)
      : file_(file), tree_(tree), facts_(facts), limits_(limits), diagnostics_(diagnostics) {}

  std::optional<Population> load() {
    NodeId root = tree_.root();
    if (tree_.kind(root) != Kind::Map) {
      error("population.not-a-population", root,
            fmt::format("a population file holds a mapping with `population:`, `traits:` and `facts:`; found {}", found(root)),
            "see docs/counterfactuals.md, \"Populations\"");
      return std::nullopt;
    }
    duplicates(root);
    std::optional<NodeId> header, traits, facts;
    for (std::size_t i = 0; i < tree_.entries(root); ++i) {
      NodeId k = tree_.key(root, i);
      std::string_view name = tree_.kind(k) == Kind::Scalar ? tree_.scalar(k) : std::string_view();
      if (name == "population") header = tree_.value(root, i);
      else if (name == "traits") traits = tree_.value(root, i);
      else if (name == "facts") facts = tree_.value(root, i);
      else
        error("population.unknown-key", k, fmt::format("unknown key `{}` at the top of a population file", shown(name)),
              fmt::format("{}a population file has: {}", did_you_mean(name, kTopKeys), join(kTopKeys, ", ")));
    }
    if (!header) {
      SourceLoc loc = place(root);
      error("population.missing-header", loc, "this file has no `population:` (with name, size and seed)",
            "start the file with `population:` and, indented under it, `name:`, `size:` and `seed:`");
      return std::nullopt;
    }
    Population p;
    p.file = file_.name();
    for (std::size_t i = 0; i < tree_.entries(root); ++i)
      if (tree_.scalar(tree_.key(root, i)) == "population") p.loc = place(tree_.key(root, i));
    read_header(*header, p);
    if (traits) read_attributes(*traits, false, p);
    p.traits = p.attributes.size();
    if (!facts) {
      error("population.no-facts", p.loc, "the population describes no fact: it has no `facts:`",
            fmt::format("add `facts:` with a share for each fact of policy `{}` that matters (the rest are unknown)",
                        facts_.policy));
    } else {
      read_attributes(*facts, true, p);
    }
    if (errors_ > 0) return std::nullopt;
    return p;
  }

 private:
  // ---- reporting ----------------------------------------------------------------------------

  SourceLoc place(NodeId id) const { return tree_.place(id, file_); }

  Diagnostic& error(std::string code, const SourceLoc& loc, std::string message, std::string hint = {}) {
    ++errors_;
    diagnostics_.push_back(make_error(std::move(code), loc, std::move(message), std::move(hint)));
    return diagnostics_.back();
  }
  Diagnostic& error(std::string code, NodeId at, std::string message, std::string hint = {}) {
    return error(std::move(code), place(at), std::move(message), std::move(hint));
  }

  std::string found(NodeId id) const { return yaml::found_text(tree_, id); }

  void duplicates(NodeId map) {
    for (auto [first, again] : tree_.duplicate_keys(map)) {
      Diagnostic& d = error("population.duplicate-key", again,
                            fmt::format("`{}` is written twice in this mapping", shown(tree_.scalar(again))),
                            "YAML allows each key once in a mapping; keep one of them");
      d.notes.push_back({place(first), "first written here"});
    }
  }

  bool is_plain(NodeId id, std::string_view word) const {
    return tree_.kind(id) == Kind::Scalar && tree_.node(id).plain && tree_.scalar(id) == word;
  }

  // ---- the header ---------------------------------------------------------------------------

  std::optional<std::uint64_t> whole_number(NodeId key, NodeId v, std::string_view what, std::uint64_t max) {
    if (tree_.kind(v) != Kind::Scalar || !tree_.node(v).plain) {
      error("population.bad-number", tree_.kind(v) == Kind::Null ? key : v,
            fmt::format("expected a whole number for `{}`, found {}", what, found(v)));
      return std::nullopt;
    }
    std::string_view s = tree_.scalar(v);
    std::uint64_t n = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (ec == std::errc::result_out_of_range || (ec == std::errc() && end == s.data() + s.size() && n > max)) {
      error("population.too-large", v, fmt::format("`{}` is too large for `{}`: at most {}", shown(s), what, max),
            what == "size" ? "the limit on the cases in one population; describe a smaller one" : "");
      return std::nullopt;
    }
    if (ec != std::errc() || end != s.data() + s.size()) {
      error("population.bad-number", v, fmt::format("expected a whole number for `{}`, found {}", what, found(v)),
            "write digits only, like 3000");
      return std::nullopt;
    }
    return n;
  }

  void read_header(NodeId map, Population& p) {
    if (tree_.kind(map) != Kind::Map) {
      error("population.expected-map", map,
            fmt::format("`population:` should be a mapping (`name:`, `size:`, `seed:`, ...), found {}", found(map)));
      return;
    }
    duplicates(map);
    bool has_name = false, has_size = false, has_seed = false;
    for (std::size_t i = 0; i < tree_.entries(map); ++i) {
      NodeId k = tree_.key(map, i);
      NodeId v = tree_.value(map, i);
      std::string_view key = tree_.scalar(k);
      if (key == "name" || key == "id") {
        std::string_view s = tree_.kind(v) == Kind::Scalar ? tree_.scalar(v) : std::string_view();
        const bool ok = !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
          return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
        });
        if (!ok) {
          error("population.bad-name", tree_.kind(v) == Kind::Scalar ? v : k,
                fmt::format("`{}` is a short name of letters, digits, `-`, `_` and `.`, like `soviet-koreans`; found {}", key,
                            found(v)));
          continue;
        }
        if (key == "name") {
          p.name = std::string(s);
          has_name = true;
        } else {
          p.id_prefix = std::string(s);
        }
      } else if (key == "title" || key == "note") {
        if (tree_.kind(v) != Kind::Scalar) {
          error("population.expected-text", tree_.kind(v) == Kind::Null ? k : v,
                fmt::format("expected text for `{}`, found {}", key, found(v)));
          continue;
        }
        if (key == "title") p.title = std::string(tree_.scalar(v));
      } else if (key == "size") {
        has_size = true;
        if (auto n = whole_number(k, v, "size", limits_.max_size)) {
          if (*n == 0) error("population.empty", v, "a population of size 0 holds no case", "give it at least one case");
          else p.size = *n;
        }
      } else if (key == "seed") {
        has_seed = true;
        if (auto n = whole_number(k, v, "seed", UINT64_MAX)) p.seed = *n;
      } else {
        error("population.unknown-key", k, fmt::format("unknown key `{}` in `population:`", shown(key)),
              fmt::format("{}`population:` has: {}", did_you_mean(key, kHeaderKeys), join(kHeaderKeys, ", ")));
      }
    }
    auto missing = [&](bool has, const char* key, const char* example, const char* why) {
      if (!has)
        error("population.missing-key", p.loc, fmt::format("`population:` has no `{}:`", key),
              fmt::format("add `{}: {}` under `population:` ({})", key, example, why));
    };
    missing(has_name, "name", "soviet-koreans", "it names the cases: soviet-koreans-0001, ...");
    missing(has_size, "size", "3000", "how many cases to draw");
    missing(has_seed, "seed", "1956", "any whole number: the same seed draws the same cases");
    if (p.id_prefix.empty()) p.id_prefix = p.name;
  }

  // ---- attributes ---------------------------------------------------------------------------

  void read_attributes(NodeId map, bool facts, Population& p) {
    const char* section = facts ? "facts" : "traits";
    if (tree_.kind(map) == Kind::Null) return;
    if (tree_.kind(map) != Kind::Map) {
      error("population.expected-map", map,
            fmt::format("`{}:` should map each {} to its shares (`misdemeanor: {{true: 0.1, false: 0.9}}`), found {}",
                        section, facts ? "fact" : "trait", found(map)));
      return;
    }
    duplicates(map);
    for (std::size_t i = 0; i < tree_.entries(map); ++i) {
      NodeId k = tree_.key(map, i);
      NodeId v = tree_.value(map, i);
      if (tree_.kind(k) != Kind::Scalar) {
        error("population.bad-key", k, fmt::format("a key here should be a name, found {}", found(k)));
        continue;
      }
      std::string name(tree_.scalar(k));
      Attribute a;
      a.name = name;
      a.is_fact = facts;
      a.loc = place(k);
      const dsl::FactType* type = nullptr;
      if (facts) {
        auto it = facts_.facts.find(name);
        if (it == facts_.facts.end()) {
          std::string near = nearest_name(name, facts_.names);
          std::string hint = near.empty() ? fmt::format("the policy's facts are: {}", join(facts_.names, ", "))
                                          : fmt::format("did you mean `{}`?", near);
          hint += " (what only the population needs, the policy does not see, belongs under `traits:`)";
          error("population.unknown-fact", k, fmt::format("`{}` is not a fact of policy `{}`", shown(name), facts_.policy), hint);
          continue;
        }
        type = &it->second;
      } else if (facts_.facts.contains(name)) {
        error("population.trait-is-fact", k, fmt::format("`{}` is a fact of policy `{}`, not a trait", name, facts_.policy),
              "describe it under `facts:`; traits are what only the population knows");
        continue;
      }
      const std::size_t errors_before = errors_;
      trait_bool_ = std::nullopt;
      read_distribution(k, v, type, p, a);
      if (errors_ == errors_before) {
        for (auto& b : a.branches) b.weights.resize(a.values.size(), 0);
        p.attributes.push_back(std::move(a));
      } else {
        failed_.push_back(name);
      }
    }
  }

  // A value of attribute `a` written at `at`: a value of the fact's type, or for a trait a name
  // (or true/false). `add` lets a new value join the attribute's values; without it the value
  // must be one it already takes (a test in `if:`).
  std::optional<Index> value_of(NodeId at, const dsl::FactType* type, Attribute& a, bool add) {
    if (tree_.kind(at) != Kind::Scalar) {
      error("population.expected-value", at, fmt::format("expected a value of `{}`, found {}", a.name, found(at)));
      return std::nullopt;
    }
    std::string_view s = tree_.scalar(at);
    const bool plain = tree_.node(at).plain;
    std::optional<Value> v;
    if (plain && s == "unknown") {
      v = Value::unknown();
    } else if (type != nullptr) {
      v = fact_value(at, s, plain, *type, a.name);
    } else {
      if (plain && (s == "true" || s == "false")) {
        if (trait_bool_ == false && add) {
          error("population.mixed-trait", at,
                fmt::format("trait `{}` has named values, so `{}` is not one of them", a.name, s),
                "a trait's values are either true and false, or names");
          return std::nullopt;
        }
        if (add) trait_bool_ = true;
        v = Value::of_bool(s == "true");
      } else {
        if (trait_bool_ == true && add) {
          error("population.mixed-trait", at, fmt::format("trait `{}` is true or false, so `{}` is not one of its values",
                                                          a.name, shown(s)),
                "a trait's values are either true and false, or names");
          return std::nullopt;
        }
        if (add) trait_bool_ = false;
        Index named = 0;
        for (const auto& x : a.values)
          if (x.kind == Value::Kind::Enum) ++named;
        v = Value::of_enum(named, std::string(s));
        for (const auto& x : a.values)
          if (x.kind == Value::Kind::Enum && x.text == s) v = x;
      }
    }
    if (!v) return std::nullopt;
    for (std::size_t i = 0; i < a.values.size(); ++i)
      if (a.values[i] == *v) return static_cast<Index>(i);
    if (!add) {
      error("population.never-drawn", at,
            fmt::format("`{}` never takes the value `{}` in this population", a.name, shown(s)),
            fmt::format("{}it takes: {}", did_you_mean(s, a.value_names), join(a.value_names, ", ")));
      return std::nullopt;
    }
    if (a.values.size() >= limits_.max_values) {
      error("population.too-many-values", at,
            fmt::format("`{}` takes more than {} values, the limit for one fact or trait", a.name, limits_.max_values));
      return std::nullopt;
    }
    a.values.push_back(*v);
    a.value_names.push_back(v->known() ? to_string(*v) : "unknown");
    if (v->kind == Value::Kind::Text || v->kind == Value::Kind::Enum) a.value_names.back() = v->text;
    return static_cast<Index>(a.values.size() - 1);
  }

  std::optional<Value> fact_value(NodeId at, std::string_view s, bool plain, const dsl::FactType& type, const std::string& name) {
    auto wrong = [&](std::string hint) -> std::optional<Value> {
      error("population.wrong-type", at,
            fmt::format("expected {} for `{}`, found {}", expected_phrase(type), name, found(at)), std::move(hint));
      return std::nullopt;
    };
    switch (type.kind) {
      case dsl::FactType::Kind::Bool:
        if (plain && (s == "true" || s == "false")) return Value::of_bool(s == "true");
        return wrong(plain ? "write true or false" : "remove the quotes: in quotes it is text");
      case dsl::FactType::Kind::Int: {
        std::int64_t n = 0;
        auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
        if (plain && ec == std::errc() && end == s.data() + s.size() && !s.empty()) return Value::of_int(n);
        return wrong({});
      }
      case dsl::FactType::Kind::Date: {
        auto digits = [&](std::size_t from, std::size_t n) {
          for (std::size_t i = from; i < from + n; ++i)
            if (s[i] < '0' || s[i] > '9') return false;
          return true;
        };
        if (s.size() == 10 && s[4] == '-' && s[7] == '-' && digits(0, 4) && digits(5, 2) && digits(8, 2)) {
          auto num = [&](std::size_t from, std::size_t n) {
            int v = 0;
            for (std::size_t i = from; i < from + n; ++i) v = v * 10 + (s[i] - '0');
            return v;
          };
          ast::Date d{num(0, 4), num(5, 2), num(8, 2)};
          if (ast::is_valid(d)) return Value::of_date(ast::days_since_epoch(d));
          return wrong("it is not a real calendar day");
        }
        return wrong("write the year, month and day with digits, e.g. 1956-02-10");
      }
      case dsl::FactType::Kind::Text: return Value::of_text(std::string(s));
      case dsl::FactType::Kind::Set:
        // A population draws one value for a set fact: the set that holds just that value.
        for (const auto& v : type.values)
          if (v == s) return Value::of_set({v}, {}, true, type.values);
        error("population.not-in-enum", at, fmt::format("`{}` is not a value the set `{}` can hold", shown(s), name),
              fmt::format("{}`{}` holds values of: {}", did_you_mean(s, type.values), name, join(type.values, " | ")));
        return std::nullopt;
      case dsl::FactType::Kind::Enum:
        for (std::size_t i = 0; i < type.values.size(); ++i)
          if (type.values[i] == s) return Value::of_enum(static_cast<std::uint32_t>(i), type.values[i]);
        error("population.not-in-enum", at, fmt::format("`{}` is not a value of `{}`", shown(s), name),
              fmt::format("{}`{}` is one of: {}", did_you_mean(s, type.values), name, join(type.values, " | ")));
        return std::nullopt;
    }
    return std::nullopt;
  }

  std::optional<Share> share(NodeId at) {
    const std::string why =
        "a share is a number from 0 to 1 (0.25), a percentage (25%), or `rest` for what the others leave";
    if (tree_.kind(at) != Kind::Scalar) {
      error("population.bad-share", at, fmt::format("expected a share, found {}", found(at)), why);
      return std::nullopt;
    }
    std::string_view s = tree_.scalar(at);
    if (s == "rest") return Share{true, 0};
    const bool percent = !s.empty() && s.back() == '%';
    if (percent) s.remove_suffix(1);
    bool too_precise = false;
    auto n = fixed_point(s, percent ? 7 : 9, too_precise);
    if (too_precise) {
      error("population.share-precision", at,
            fmt::format("`{}` has more decimals than a share may ({} for a fraction, {} for a percentage)",
                        shown(tree_.scalar(at)), 9, 7),
            "shares are counted in billionths of the population");
      return std::nullopt;
    }
    if (!n) {
      error("population.bad-share", at, fmt::format("expected a share, found {}", found(at)), why);
      return std::nullopt;
    }
    const std::uint64_t weight = *n;  // billionths either way: 10^-7 of a percent is 10^-9 of the whole
    if (weight > kShareScale) {
      error("population.share-too-large", at, fmt::format("`{}` is more than the whole population", shown(tree_.scalar(at))),
            "a share is at most 1 (or 100%)");
      return std::nullopt;
    }
    return Share{false, weight};
  }

  // `{true: 0.1, false: rest}` or a single value: the weights, by value of `a`.
  std::optional<std::vector<std::uint64_t>> shares(NodeId key, NodeId v, const dsl::FactType* type, Attribute& a) {
    if (tree_.kind(v) == Kind::Null) {
      error("population.no-value", key, fmt::format("`{}` has no value", tree_.scalar(key)),
            "write one value (every case has it) or shares like {true: 0.1, false: 0.9}");
      return std::nullopt;
    }
    if (tree_.kind(v) == Kind::Sequence) {
      error("population.expected-map", v,
            fmt::format("expected a value or shares for `{}`, found a list", a.name),
            "write shares as a mapping from values to shares: {a: 0.5, b: 0.5}");
      return std::nullopt;
    }
    if (tree_.kind(v) == Kind::Scalar) {
      auto index = value_of(v, type, a, true);
      if (!index) return std::nullopt;
      std::vector<std::uint64_t> w(a.values.size(), 0);
      w[*index] = kShareScale;
      return w;
    }
    duplicates(v);
    std::vector<std::pair<Index, Share>> listed;
    std::optional<NodeId> rest_at;
    bool ok = true;
    for (std::size_t i = 0; i < tree_.entries(v); ++i) {
      NodeId vk = tree_.key(v, i);
      NodeId vs = tree_.value(v, i);
      auto index = value_of(vk, type, a, true);
      auto s = share(vs);
      if (!index || !s) {
        ok = false;
        continue;
      }
      if (std::any_of(listed.begin(), listed.end(), [&](const auto& e) { return e.first == *index; })) {
        error("population.duplicate-value", vk, fmt::format("the value `{}` is given a share twice", a.value_names[*index]));
        ok = false;
        continue;
      }
      if (s->rest) {
        if (rest_at) {
          Diagnostic& d = error("population.two-rests", vs, "only one value can take the `rest`",
                                "give the other a share of its own");
          d.notes.push_back({place(*rest_at), "the first `rest`"});
          ok = false;
          continue;
        }
        rest_at = vs;
      }
      listed.emplace_back(*index, *s);
    }
    if (!ok) return std::nullopt;
    if (listed.empty()) {
      error("population.no-shares", v, fmt::format("no value of `{}` is given a share", a.name));
      return std::nullopt;
    }
    std::uint64_t sum = 0;
    for (const auto& [index, s] : listed) sum += s.weight;
    if (sum > kShareScale) {
      error("population.shares-over", v, fmt::format("the shares of `{}` add up to {}, more than the whole population",
                                                     a.name, share_text(sum)),
            "shares add up to 1 (100%)");
      return std::nullopt;
    }
    if (!rest_at && sum != kShareScale) {
      error("population.shares-under", v,
            fmt::format("the shares of `{}` add up to {}, not 1", a.name, share_text(sum)),
            fmt::format("add `unknown: {}` for the share not known, or write `rest` as one value's share",
                        share_text(kShareScale - sum)));
      return std::nullopt;
    }
    std::vector<std::uint64_t> w(a.values.size(), 0);
    for (const auto& [index, s] : listed) w[index] = s.rest ? kShareScale - sum : s.weight;
    return w;
  }

  // A fact or trait described as one value, as shares, or as `default:` and `when:`.
  void read_distribution(NodeId key, NodeId v, const dsl::FactType* type, Population& p, Attribute& a) {
    std::optional<NodeId> def, when;
    if (tree_.kind(v) == Kind::Map) {
      // A key written twice (`default:` twice, say) is refused here, before the mapping is read
      // as shares or as branches: counting entries below assumes each key appears once.
      if (!tree_.duplicate_keys(v).empty()) {
        duplicates(v);
        return;
      }
      for (std::size_t i = 0; i < tree_.entries(v); ++i) {
        NodeId k = tree_.key(v, i);
        if (is_plain(k, "default")) def = tree_.value(v, i);
        else if (is_plain(k, "when")) when = tree_.value(v, i);
      }
      if ((def || when) && tree_.entries(v) != static_cast<std::size_t>(def.has_value()) + when.has_value()) {
        for (std::size_t i = 0; i < tree_.entries(v); ++i) {
          NodeId k = tree_.key(v, i);
          if (is_plain(k, "default") || is_plain(k, "when")) continue;
          error("population.mixed-shares", k,
                fmt::format("a share for `{}` beside `default:`/`when:`", shown(tree_.scalar(k))),
                "with `when:`, write the shares for everyone else under `default:`");
        }
        return;
      }
    }
    if (!def && !when) {
      auto w = shares(key, v, type, a);
      if (!w) return;
      Attribute::Branch b;
      b.loc = place(v);
      b.weights = std::move(*w);
      a.branches.push_back(std::move(b));
      return;
    }
    if (!def) {
      error("population.missing-default", key, fmt::format("`{}` has `when:` but no `default:`", a.name),
            "add `default:` with the shares for the cases no `when:` branch matches");
      return;
    }
    NodeId def_key = key;
    for (std::size_t i = 0; i < tree_.entries(v); ++i)
      if (is_plain(tree_.key(v, i), "default")) def_key = tree_.key(v, i);
    auto base = shares(def_key, *def, type, a);
    if (!base) return;
    Attribute::Branch fallback;
    fallback.loc = place(*def);
    fallback.weights = *base;
    if (when) read_branches(*when, type, p, a, fallback.weights);
    a.branches.push_back(std::move(fallback));
  }

  void read_branches(NodeId list, const dsl::FactType* type, Population& p, Attribute& a, const std::vector<std::uint64_t>& base) {
    if (tree_.kind(list) != Kind::Sequence) {
      error("population.expected-list", list,
            fmt::format("`when:` should be a list of branches (`- if: {{...}}` then `then:` or `times:`), found {}", found(list)));
      return;
    }
    auto items = tree_.children(list);
    if (items.size() > limits_.max_branches) {
      error("population.too-many-branches", items[limits_.max_branches],
            fmt::format("`{}` has more than {} `when:` branches, the limit for one fact or trait", a.name, limits_.max_branches));
      return;
    }
    for (NodeId item : items) {
      if (tree_.kind(item) != Kind::Map) {
        error("population.expected-map", item, fmt::format("a `when:` branch is a mapping with `if:` and `then:` or `times:`, found {}",
                                                           found(item)));
        continue;
      }
      duplicates(item);
      std::optional<NodeId> if_node, then_node, times_node, then_key, times_key;
      NodeId if_key = item;
      for (std::size_t i = 0; i < tree_.entries(item); ++i) {
        NodeId k = tree_.key(item, i);
        std::string_view name = tree_.scalar(k);
        if (name == "if") {
          if_node = tree_.value(item, i);
          if_key = k;
        } else if (name == "then") {
          then_node = tree_.value(item, i);
          then_key = k;
        } else if (name == "times") {
          times_node = tree_.value(item, i);
          times_key = k;
        } else {
          error("population.unknown-key", k, fmt::format("unknown key `{}` in a `when:` branch", shown(name)),
                fmt::format("{}a branch has: if, and then or times", did_you_mean(name, kBranchKeys)));
        }
      }
      if (!if_node) {
        error("population.missing-if", item, "this `when:` branch has no `if:`",
              "say whom it is for, e.g. `if: {removed_from_post: true}`");
        continue;
      }
      if (then_node.has_value() == times_node.has_value()) {
        error("population.then-or-times", item,
              then_node ? "a `when:` branch has `then:` or `times:`, not both" : "this `when:` branch has neither `then:` nor `times:`",
              "`then:` gives the shares for these cases; `times:` multiplies the default's, e.g. `times: {true: 2}`");
        continue;
      }
      Attribute::Branch b;
      b.loc = place(item);
      if (!tests(if_key, *if_node, p, a, b.tests)) continue;
      if (then_node) {
        auto w = shares(*then_key, *then_node, type, a);
        if (!w) continue;
        b.weights = std::move(*w);
      } else {
        auto w = multiplied(*times_node, type, a, base);
        if (!w) continue;
        b.weights = std::move(*w);
      }
      a.branches.push_back(std::move(b));
    }
  }

  bool tests(NodeId key, NodeId map, Population& p, Attribute& a, std::vector<Attribute::Test>& out) {
    if (tree_.kind(map) != Kind::Map || tree_.entries(map) == 0) {
      error("population.expected-map", tree_.kind(map) == Kind::Null ? key : map,
            fmt::format("`if:` should map what was drawn before to a value, like {{removed_from_post: true}}; found {}", found(map)));
      return false;
    }
    duplicates(map);
    bool ok = true;
    for (std::size_t i = 0; i < tree_.entries(map); ++i) {
      NodeId k = tree_.key(map, i);
      NodeId v = tree_.value(map, i);
      std::string_view name = tree_.kind(k) == Kind::Scalar ? tree_.scalar(k) : std::string_view();
      std::optional<Index> at;
      for (std::size_t j = 0; j < p.attributes.size(); ++j)
        if (p.attributes[j].name == name) at = static_cast<Index>(j);
      if (!at) {
        ok = false;
        if (name == a.name) {
          error("population.self-test", k, fmt::format("`{}` cannot depend on itself", a.name));
        } else if (std::find(failed_.begin(), failed_.end(), name) != failed_.end()) {
          // already reported where it is described
        } else if (facts_.facts.contains(name)) {
          error("population.drawn-later", k,
                fmt::format("`{}` is not drawn before `{}`, so `{}` cannot depend on it", shown(name), a.name, a.name),
                "traits are drawn first, then facts, each in the order written: move it above, or make it a trait; "
                "a fact the population does not describe is unknown in every case");
        } else {
          std::vector<std::string> known;
          for (const auto& x : p.attributes) known.push_back(x.name);
          error("population.unknown-name", k, fmt::format("`{}` is neither a trait nor a fact described above", shown(name)),
                did_you_mean(name, known) + "a condition tests a trait, or a fact described before this one");
        }
        continue;
      }
      Attribute& other = p.attributes[*at];
      const dsl::FactType* type = nullptr;
      if (other.is_fact) type = &facts_.facts.find(other.name)->second;
      Attribute::Test t;
      t.attribute = *at;
      std::vector<NodeId> values;
      if (tree_.kind(v) == Kind::Sequence) values.assign(tree_.children(v).begin(), tree_.children(v).end());
      else values.push_back(v);
      if (values.empty()) {
        error("population.expected-value", v, fmt::format("`{}:` in `if:` lists no value", name));
        ok = false;
        continue;
      }
      const auto saved = trait_bool_;
      for (NodeId x : values) {
        auto index = value_of(x, type, other, false);
        if (!index) {
          ok = false;
          continue;
        }
        t.values.push_back(*index);
      }
      trait_bool_ = saved;
      out.push_back(std::move(t));
    }
    return ok;
  }

  // `times: {true: 2}`: the default's shares with these values' multiplied, and the others
  // scaled together to make up the rest (rounded to the billionth, the last one taking the odd
  // billionths).
  std::optional<std::vector<std::uint64_t>> multiplied(NodeId map, const dsl::FactType* type, Attribute& a,
                                                       std::vector<std::uint64_t> base) {
    if (tree_.kind(map) != Kind::Map || tree_.entries(map) == 0) {
      error("population.expected-map", map,
            fmt::format("`times:` should map values to factors, like {{true: 2}} (twice as likely); found {}", found(map)));
      return std::nullopt;
    }
    duplicates(map);
    std::vector<std::pair<Index, std::uint64_t>> factors;
    bool ok = true;
    for (std::size_t i = 0; i < tree_.entries(map); ++i) {
      NodeId k = tree_.key(map, i);
      NodeId v = tree_.value(map, i);
      auto index = value_of(k, type, a, false);
      if (!index) {
        ok = false;
        continue;
      }
      bool too_precise = false;
      std::optional<std::uint64_t> f;
      if (tree_.kind(v) == Kind::Scalar && tree_.node(v).plain) f = fixed_point(tree_.scalar(v), 6, too_precise);
      if (!f || *f > kMaxFactor * kFactorScale) {
        error("population.bad-factor", v,
              too_precise ? fmt::format("`{}` has more than 6 decimals", shown(tree_.scalar(v)))
                          : fmt::format("expected a factor from 0 to {} (2 for twice as likely), found {}", kMaxFactor, found(v)));
        ok = false;
        continue;
      }
      if (*index >= base.size() || base[*index] == 0) {
        error("population.nothing-to-multiply", k,
              fmt::format("`{}` has no share under `default:`, so there is nothing to multiply", a.value_names[*index]),
              "give it a share under `default:`, or use `then:` with the shares for these cases");
        ok = false;
        continue;
      }
      factors.emplace_back(*index, *f);
    }
    if (!ok) return std::nullopt;
    base.resize(a.values.size(), 0);
    std::vector<std::uint64_t> w(base.size(), 0);
    std::vector<bool> scaled(base.size(), false);
    std::uint64_t scaled_sum = 0;
    for (auto [index, f] : factors) {
      w[index] = base[index] * f / kFactorScale;  // at most 10^9 * 10^9: fits in 64 bits
      scaled[index] = true;
      scaled_sum += w[index];
    }
    if (scaled_sum > kShareScale) {
      error("population.times-over", map,
            fmt::format("multiplied, these shares of `{}` come to {}, more than the whole population", a.name,
                        share_text(scaled_sum)),
            "use a smaller factor, or `then:` with the shares for these cases");
      return std::nullopt;
    }
    const std::uint64_t rest = kShareScale - scaled_sum;
    std::uint64_t others = 0;
    std::optional<std::size_t> last;
    for (std::size_t i = 0; i < base.size(); ++i)
      if (!scaled[i] && base[i] > 0) {
        others += base[i];
        last = i;
      }
    if (others == 0) {
      if (rest != 0) {
        error("population.times-nothing-left", map,
              fmt::format("multiplied, these shares of `{}` come to {}, and no other value has a share to make up the rest",
                          a.name, share_text(scaled_sum)),
              "use `then:` with the shares for these cases");
        return std::nullopt;
      }
      return w;
    }
    std::uint64_t given = 0;
    for (std::size_t i = 0; i < base.size(); ++i)
      if (!scaled[i] && base[i] > 0) {
        w[i] = base[i] * rest / others;  // at most 10^9 * 10^9
        given += w[i];
      }
    w[*last] += rest - given;
    return w;
  }

  const SourceFile& file_;
  const yaml::Tree& tree_;
  const FactIndex& facts_;
  const PopulationLimits& limits_;
  std::vector<Diagnostic>& diagnostics_;
  std::size_t errors_ = 0;
  std::optional<bool> trait_bool_;  // the trait being read: true/false values (true) or names (false)
  std::vector<std::string> failed_;  // attributes not kept because of their errors
};

PopulationLoadResult load_text(std::string text, const std::string& name, const ast::Policy& policy, SourceSet& sources,
                               const PopulationLimits& limits) {
  PopulationLoadResult result;
  auto file = std::make_shared<const SourceFile>(name, std::move(text));
  sources.add(file);
  yaml::Limits yl;
  yl.max_file_bytes = limits.max_file_bytes;
  yl.max_depth = limits.max_depth;
  yl.max_alias_nodes = 100'000;
  auto read = yaml::read_yaml(*file, yl);
  result.diagnostics = std::move(read.diagnostics);
  if (read.empty && !has_errors(result.diagnostics)) {
    SourceLoc loc;
    loc.file = name;
    result.diagnostics.push_back(make_error("population.empty-file", loc, "the file holds nothing",
                                            "a population file starts with `population:` (see docs/counterfactuals.md)"));
  }
  if (read.tree) {
    FactIndex index = index_facts(policy);
    result.population = Loader(*file, *read.tree, index, limits, result.diagnostics).load();
  }
  if (has_errors(result.diagnostics)) result.population.reset();
  sort_by_place(result.diagnostics);
  return result;
}

// The branch of `a` that decides for a case whose earlier draws are `drawn`.
const Attribute::Branch& branch_for(const Attribute& a, const std::vector<Index>& drawn) {
  for (const auto& b : a.branches) {
    bool holds = true;
    for (const auto& t : b.tests)
      if (std::find(t.values.begin(), t.values.end(), drawn[t.attribute]) == t.values.end()) {
        holds = false;
        break;
      }
    if (holds) return b;
  }
  return a.branches.back();  // unreachable: the last branch has no tests
}

Index pick(const Population& p, const Attribute& a, const Attribute::Branch& b, std::uint64_t n) {
  // One value takes everything: nothing to draw.
  Index only = kNone;
  for (std::size_t i = 0; i < b.weights.size(); ++i)
    if (b.weights[i] == kShareScale) only = static_cast<Index>(i);
  if (only != kNone) return only;
  random::Xoshiro256 rng(random::stream_seed(p.seed, a.name, n));
  std::uint64_t u = rng.below(kShareScale);
  for (std::size_t i = 0; i < b.weights.size(); ++i) {
    if (u < b.weights[i]) return static_cast<Index>(i);
    u -= b.weights[i];
  }
  return static_cast<Index>(b.weights.size() - 1);  // unreachable: weights sum to kShareScale
}

}  // namespace

PopulationLoadResult load_population(const std::string& path, const ast::Policy& policy, SourceSet& sources,
                                     const PopulationLimits& limits) {
  auto read = dsl::read_source_file(path, limits.max_file_bytes, "population");
  if (!read.text) {
    PopulationLoadResult r;
    r.diagnostics = std::move(read.diagnostics);
    return r;
  }
  auto r = load_text(std::move(*read.text), dsl::shown_name(path), policy, sources, limits);
  r.diagnostics.insert(r.diagnostics.begin(), read.diagnostics.begin(), read.diagnostics.end());
  return r;
}

PopulationLoadResult load_population(std::string_view text, const std::string& file, const ast::Policy& policy,
                                     SourceSet& sources, const PopulationLimits& limits) {
  if (text.size() > limits.max_file_bytes) {
    PopulationLoadResult r;
    SourceLoc loc;
    loc.file = file;
    r.diagnostics.push_back(make_error("population.too-large", loc,
                                       fmt::format("the file is {} bytes, more than the {} a population file may hold",
                                                   text.size(), limits.max_file_bytes)));
    return r;
  }
  return load_text(std::string(text), file, policy, sources, limits);
}

bool is_population_file(const std::string& path) {
  auto head = dsl::peek_input(path, kSniffBytes);
  if (!head) return false;
  std::string_view text(*head);
  for (std::size_t at = 0; at < text.size();) {
    if (text.compare(at, 11, "population:") == 0) return true;
    std::size_t end = text.find('\n', at);
    if (end == std::string_view::npos) break;
    at = end + 1;
  }
  return false;
}

void draw(const Population& p, std::uint64_t n, std::vector<Index>& out) {
  out.resize(p.attributes.size());
  for (std::size_t i = 0; i < p.attributes.size(); ++i) {
    const Attribute& a = p.attributes[i];
    out[i] = pick(p, a, branch_for(a, out), n);
  }
}

std::string case_id(const Population& p, std::uint64_t n) {
  const std::size_t width = std::to_string(p.size).size();
  return fmt::format("{}-{:0{}}", p.id_prefix, n + 1, width);
}

Case make_case(const Population& p, std::uint64_t n) {
  Case c;
  c.id = case_id(p, n);
  c.title = fmt::format("{}, case {} of {}", p.title.empty() ? p.name : p.title, n + 1, p.size);
  c.source = fmt::format("population {} (seed {})", p.name, p.seed);
  c.loc = p.loc;
  std::vector<Index> drawn(p.attributes.size());
  for (std::size_t i = 0; i < p.attributes.size(); ++i) {
    const Attribute& a = p.attributes[i];
    const Attribute::Branch& b = branch_for(a, drawn);
    drawn[i] = pick(p, a, b, n);
    if (!a.is_fact) continue;
    FactValue f;
    f.value = a.values[drawn[i]];
    f.loc = b.loc;
    f.source = fmt::format("population {}", p.name);
    c.facts.emplace(a.name, std::move(f));
  }
  return c;
}

PopulationBinder::PopulationBinder(const CompiledPolicy& policy, const Population& population)
    : slots_(policy.facts.size()) {
  for (std::size_t i = 0; i < population.attributes.size(); ++i) {
    const Attribute& a = population.attributes[i];
    if (!a.is_fact) continue;
    Slot s;
    s.attribute = static_cast<Index>(i);
    s.slot = policy.find_fact(a.name);
    if (s.slot == kNone) continue;
    const dsl::FactType& type = policy.facts[s.slot].type;
    for (const Value& v : a.values) s.values.push_back(bind_value(type, v));
    bound_.push_back(std::move(s));
  }
}

void PopulationBinder::fill(const std::vector<Index>& drawn, std::vector<Value>& facts) const {
  if (facts.size() != slots_) facts.assign(slots_, Value::unknown());
  else
    for (auto& v : facts) v = Value::unknown();
  for (const auto& s : bound_) facts[s.slot] = s.values[drawn[s.attribute]];
}

}  // namespace decree::engine
