#include "cli/check_space.hpp"

#include <algorithm>
#include <map>
#include <string>

#include <fmt/format.h>

#include "engine/space.hpp"

namespace decree::cli {

namespace {

// The smallest combination a row stands for: each fact the row constrains, with one of its
// values (a known one where the row allows it); facts the row leaves open are left out.
struct Witness {
  std::size_t facts = 0;
  std::string text;
};

Witness witness_of(const engine::Space& space, const engine::SpaceTable& table, const engine::SpaceRow& row) {
  Witness w;
  std::string text;
  for (std::size_t c = 0; c < table.columns.size(); ++c) {
    const engine::SpaceColumn& column = space.columns[table.columns[c]];
    const auto n = static_cast<std::uint32_t>(column.values.size());
    const engine::space::Mask cell = row.cells[c];
    if (cell == engine::space::full_mask(n)) continue;
    std::size_t pick = n;
    for (std::uint32_t v = 0; v < n; ++v) {
      if (!(cell >> v & 1u)) continue;
      if (pick == n) pick = v;
      if (column.values[v].label != "unknown") {
        pick = v;
        break;
      }
    }
    if (pick == n) continue;
    w.text += fmt::format("{}{}: {}", w.facts == 0 ? "" : ", ", column.fact, column.values[pick].label);
    ++w.facts;
  }
  if (w.text.empty()) w.text = "in every case";
  return w;
}

const engine::CompiledRule* rule_named(const engine::CompiledPolicy& policy, const std::string& name,
                                       std::size_t* index = nullptr) {
  for (std::size_t i = 0; i < policy.rules.size(); ++i)
    if (policy.rules[i].name == name) {
      if (index) *index = i;
      return &policy.rules[i];
    }
  return nullptr;
}

std::string quoted_list(const std::vector<std::string>& names) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i)
    out += fmt::format("{}`{}`", i == 0 ? "" : i + 1 == names.size() ? " and " : ", ", names[i]);
  return out;
}

// One warning per decision and set of clashing rules, at the rule written last.
void conflicts(const engine::CompiledPolicy& policy, const engine::Space& space, std::vector<Diagnostic>& out) {
  for (const auto& decision : space.decisions) {
    struct Clash {
      std::vector<engine::Setter> setters;
      Witness witness;
      std::uint64_t combinations = 0;
    };
    std::map<std::vector<std::string>, Clash> clashes;  // by the rules' names
    std::vector<std::vector<std::string>> order;
    for (const auto& row : decision.table.rows) {
      const auto& verdict = decision.verdicts[row.verdict];
      if (verdict.status != engine::Status::Conflict) continue;
      std::vector<std::string> names;
      for (const auto& s : verdict.rules) names.push_back(s.rule);
      std::sort(names.begin(), names.end());
      Witness w = witness_of(space, decision.table, row);
      auto [it, fresh] = clashes.try_emplace(names);
      if (fresh) {
        order.push_back(names);
        it->second.setters = verdict.rules;
        it->second.witness = w;
      } else if (w.facts < it->second.witness.facts) {
        it->second.witness = w;
      }
      it->second.combinations += row.combinations;
    }
    for (const auto& names : order) {
      const Clash& clash = clashes[names];
      // The rule written last is most likely the one just added: the warning points at it.
      std::vector<std::pair<std::size_t, const engine::CompiledRule*>> rules;
      for (const auto& s : clash.setters) {
        std::size_t index = 0;
        if (const auto* r = rule_named(policy, s.rule, &index)) rules.emplace_back(index, r);
      }
      std::sort(rules.begin(), rules.end());
      if (rules.size() < 2) continue;
      const engine::CompiledRule* last = rules.back().second;
      std::vector<std::string> settings;
      std::vector<std::string> in_order;
      for (const auto& [index, r] : rules) {
        in_order.push_back(r->name);
        for (const auto& s : clash.setters)
          if (s.rule == r->name) settings.push_back(fmt::format("`{}` sets {}", r->name, s.value));
      }
      std::string setting_text;
      for (std::size_t i = 0; i < settings.size(); ++i) setting_text += (i == 0 ? "" : ", ") + settings[i];
      auto d = make_warning(
          "check.conflict", last->loc,
          fmt::format("rules {} can both apply and decide `{}` differently ({}): a CONFLICT in {} of the "
                      "{} combinations explored; for example {}",
                      quoted_list(in_order), decision.name, setting_text, clash.combinations,
                      decision.table.combinations, clash.witness.text));
      const engine::CompiledRule* first = rules.front().second;
      if (rules.size() == 2)
        d.hint = fmt::format(
            "say which one wins: add `exception to {}` to rule `{}` for it to win, or `exception to {}` to rule `{}`",
            first->name, last->name, last->name, first->name);
      else
        d.hint = "say which rule wins: the winner lists the others after `exception to`";
      for (const auto& [index, r] : rules)
        if (r != last) d.notes.push_back({r->loc, fmt::format("rule `{}` is here", r->name)});
      out.push_back(std::move(d));
    }
  }
}

void dead_rules(const engine::Space& space, std::vector<Diagnostic>& out) {
  for (const auto& dead : space.dead_rules) {
    std::string why, hint;
    switch (dead.why) {
      case engine::DeadRule::Why::NeverHolds:
        why = "its condition is never true, whatever the facts";
        hint = "two of its conditions contradict each other; `decree explore` shows the cases";
        break;
      case engine::DeadRule::Why::AlwaysDefeated:
        why = fmt::format("whenever its condition holds, {} defeats it", quoted_list(dead.defeated_by));
        hint = "if that is meant (an amendment overriding it), drop the rule instead: `drop rule NAME`";
        break;
      case engine::DeadRule::Why::NeverInEffect:
        why = "it holds only where the decisions it sets do not apply";
        hint = "compare its condition with the decision's `applies when`";
        break;
    }
    out.push_back(make_warning("check.dead-rule", dead.loc,
                               fmt::format("rule `{}` can never decide anything: {}", dead.rule, why), hint));
  }
}

}  // namespace

std::vector<Diagnostic> space_warnings(const engine::CompiledPolicy& policy, const std::string& file,
                                       std::uint64_t limit) {
  std::vector<Diagnostic> out;
  engine::SpaceOptions options;
  options.limit = limit;
  auto result = engine::explore_space(policy, options);
  SourceLoc whole;
  whole.file = file;
  if (!result.space) {
    Diagnostic d;
    d.severity = Severity::Note;
    d.code = "check.space-too-large";
    d.loc = whole;
    d.message = fmt::format("conflicts and dead rules were not looked for: {}", result.error->message);
    d.hint = fmt::format(
        "explore the space in parts, one decision at a time or with some facts fixed: `decree explore {} "
        "--decision NAME --set FACT=VALUE` (docs/explore.md)",
        file);
    out.push_back(std::move(d));
    return out;
  }
  conflicts(policy, *result.space, out);
  dead_rules(*result.space, out);
  for (const auto& rule : result.space->unchecked_rules) {
    Diagnostic d;
    d.severity = Severity::Note;
    d.code = "check.space-too-large";
    d.loc = whole;
    if (const auto* r = rule_named(policy, rule)) d.loc = r->loc;
    d.message = fmt::format("rule `{}` was not checked for being dead: its space of cases is too large", rule);
    d.hint = fmt::format("`decree explore {} --set FACT=VALUE` explores part of it", file);
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace decree::cli
