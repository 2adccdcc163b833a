#include "engine/space_render.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "dsl/source.hpp"
#include "engine/words.hpp"

namespace decree::engine {

namespace {

using json = nlohmann::ordered_json;

std::string count_text(std::uint64_t n) { return with_commas(n); }

std::string plural(std::uint64_t n, const char* one, const char* many) {
  return count_text(n) + " " + (n == 1 ? one : many);
}

std::string rules_text(const Verdict& v) {
  std::vector<std::string> parts;
  for (const auto& s : v.rules) parts.push_back(v.status == Status::Conflict ? fmt::format("{} ({})", s.rule, s.value) : s.rule);
  return join(parts, v.status == Status::Conflict ? " vs " : ", ");
}

std::string raised_text(const Raised& r, bool flag) {
  const char* word = flag ? "raised" : "owed";
  switch (r.state) {
    case Standing::No: return fmt::format("not {}", word);
    case Standing::Yes: return word;
    case Standing::Perhaps: return fmt::format("perhaps {}", word);
  }
  return "?";
}

// One line of a table: its cells, then what it comes to (one or more outcome columns).
struct Line {
  std::vector<std::string> cells;
  std::vector<std::string> outcomes;
};

// A grid when it fits in kSpaceGridWidth, else a block per row. In blocks, `sides` puts each
// outcome on its own line after its header ("A: ..."); otherwise they read "outcome — rules".
std::string render_lines(const std::vector<SpaceColumn>& columns, const SpaceTable& t, const std::vector<Line>& lines,
                         const std::vector<std::string>& headers, bool sides = false, const std::string& margin = "  ") {
  std::string out;
  if (lines.empty()) return out;
  const std::size_t number_w = std::to_string(lines.size()).size();
  std::vector<std::size_t> w;
  for (Index c : t.columns) w.push_back(utf8_length(columns[c].fact));
  std::vector<std::size_t> ow;
  for (const auto& h : headers) ow.push_back(utf8_length(h));
  for (const auto& l : lines) {
    for (std::size_t k = 0; k < l.cells.size(); ++k) w[k] = std::max(w[k], utf8_length(l.cells[k]));
    for (std::size_t k = 0; k < l.outcomes.size(); ++k) ow[k] = std::max(ow[k], utf8_length(l.outcomes[k]));
  }
  std::size_t total = margin.size() + number_w;
  for (std::size_t x : w) total += 2 + x;
  for (std::size_t x : ow) total += 2 + x;

  if (total <= kSpaceGridWidth) {
    std::string head = margin + pad("#", number_w);
    for (std::size_t k = 0; k < t.columns.size(); ++k) head += "  " + pad(columns[t.columns[k]].fact, w[k]);
    for (std::size_t k = 0; k < headers.size(); ++k) head += "  " + pad(headers[k], ow[k]);
    while (!head.empty() && head.back() == ' ') head.pop_back();
    out += head + "\n";
    for (std::size_t i = 0; i < lines.size(); ++i) {
      std::string row = margin + pad(std::to_string(i + 1), number_w);
      for (std::size_t k = 0; k < lines[i].cells.size(); ++k) row += "  " + pad(lines[i].cells[k], w[k]);
      for (std::size_t k = 0; k < lines[i].outcomes.size(); ++k) row += "  " + pad(lines[i].outcomes[k], ow[k]);
      while (!row.empty() && row.back() == ' ') row.pop_back();
      out += row + "\n";
    }
    return out;
  }

  // Too wide for a grid: a block per row, naming only the facts that are not "any".
  const std::string indent(margin.size() + number_w + 2, ' ');
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const Line& l = lines[i];
    const std::string number = margin + pad(std::to_string(i + 1), number_w) + "  ";
    std::string line = indent + "  ";
    if (sides) {
      for (std::size_t k = 0; k < l.outcomes.size(); ++k) out += (k == 0 ? number : indent) + headers[k] + ": " + l.outcomes[k] + "\n";
    } else {
      std::string text;
      for (const auto& o : l.outcomes)
        if (!o.empty()) text += (text.empty() ? "" : " — ") + o;
      if (text.empty()) line = number;  // cells only: on the number's line
      else out += number + text + "\n";
    }
    std::vector<std::string> parts;
    for (std::size_t k = 0; k < l.cells.size(); ++k)
      if (l.cells[k] != "any") parts.push_back(columns[t.columns[k]].fact + ": " + l.cells[k]);
    if (parts.empty()) parts.push_back("(every combination)");
    const std::size_t start = utf8_length(line);
    for (std::size_t k = 0; k < parts.size(); ++k) {
      const std::string piece = parts[k] + (k + 1 < parts.size() ? "," : "");
      if (utf8_length(line) > start && utf8_length(line) + 1 + utf8_length(piece) > kSpaceGridWidth) {
        out += line + "\n";
        line = indent + "  ";
      }
      line += (utf8_length(line) > start ? " " : "") + piece;
    }
    out += line + "\n";
  }
  return out;
}

std::vector<std::string> cells_of(const std::vector<SpaceColumn>& columns, const SpaceTable& t, const SpaceRow& r) {
  std::vector<std::string> cells;
  for (std::size_t k = 0; k < t.columns.size(); ++k) cells.push_back(cell_text(columns[t.columns[k]], r.cells[k]));
  return cells;
}

std::string truncated_note(const SpaceTable& t) {
  if (!t.truncated) return "";
  return fmt::format("  (only the first {} rows are listed: explore less with --decision or --set FACT=VALUE)\n",
                     count_text(t.rows.size()));
}

std::string columns_text(const std::vector<SpaceColumn>& columns, const std::vector<FixedFact>& fixed,
                         const std::vector<std::string>& unused, std::uint64_t evaluated) {
  std::string out;
  if (!columns.empty()) {
    std::size_t w = 0;
    for (const auto& c : columns) w = std::max(w, utf8_length(c.fact));
    out += "facts explored, and the values tried for each:\n";
    for (const auto& c : columns) {
      std::vector<std::string> labels;
      for (const auto& v : c.values) labels.push_back(v.label);
      out += fmt::format("  {}  {}{}\n", pad(c.fact, w), join(labels, ", "),
                         c.approximate ? "  (approximate: compared with another fact or by order of text)" : "");
    }
  }
  if (!fixed.empty()) {
    std::vector<std::string> parts;
    for (const auto& f : fixed) parts.push_back(f.fact + " = " + f.value);
    out += "fixed with --set: " + join(parts) + "\n";
  }
  if (!unused.empty()) out += "left out, read by no rule or definition: " + join(unused) + "\n";
  out += fmt::format("evaluated {}\n", plural(evaluated, "combination", "combinations"));
  return out;
}

json cell_json(const SpaceColumn& c, space::Mask m) {
  if (m == space::full_mask(static_cast<std::uint32_t>(c.values.size()))) return "any";
  json values = json::array();
  for (std::size_t k = 0; k < c.values.size(); ++k)
    if ((m >> k) & 1) values.push_back(c.values[k].label);
  return values;
}

json cells_json(const std::vector<SpaceColumn>& columns, const SpaceTable& t, const SpaceRow& r) {
  json cells = json::object();
  for (std::size_t k = 0; k < t.columns.size(); ++k) cells[columns[t.columns[k]].fact] = cell_json(columns[t.columns[k]], r.cells[k]);
  return cells;
}

json verdict_json(const Verdict& v) {
  json j{{"status", to_string(v.status)}};
  j["value"] = v.value.empty() ? json(nullptr) : json(v.value);
  j["by"] = v.by.empty() ? json(nullptr) : json(v.by);
  json rules = json::array();
  for (const auto& s : v.rules) rules.push_back({{"rule", s.rule}, {"value", s.value}});
  j["rules"] = rules;
  if (v.status == Status::Undetermined) j["possible"] = v.possible;
  return j;
}

json raised_json(const Raised& r) { return {{"state", to_string(r.state)}, {"rules", r.rules}}; }

json table_head_json(const std::vector<SpaceColumn>& columns, const SpaceTable& t) {
  json cols = json::array();
  for (Index c : t.columns) cols.push_back(columns[c].fact);
  return {{"columns", cols}, {"inert", t.inert}, {"combinations", t.combinations}, {"truncated", t.truncated}};
}

json columns_json(const std::vector<SpaceColumn>& columns) {
  json out = json::array();
  for (const auto& c : columns) {
    json values = json::array();
    for (const auto& v : c.values) values.push_back(v.label);
    out.push_back({{"fact", c.fact}, {"values", values}, {"approximate", c.approximate}});
  }
  return out;
}

json fixed_json(const std::vector<FixedFact>& fixed) {
  json out = json::array();
  for (const auto& f : fixed) out.push_back({{"fact", f.fact}, {"value", f.value}});
  return out;
}

}  // namespace

// ---- one policy -----------------------------------------------------------------------------

// What an exploration stopped before its end (Ctrl-C) leaves out.
static std::string interrupted_note(bool interrupted, std::uint64_t evaluated, std::uint64_t planned,
                             const std::vector<std::string>& not_explored) {
  if (!interrupted) return {};
  return fmt::format("INTERRUPTED after {} of {} combinations: only the tables above were finished; not explored: {}\n",
                     with_commas(evaluated), with_commas(planned), join(not_explored));
}

std::string render_space_text(const Space& s) {
  std::string out = fmt::format("explore {} ({})\n", s.policy, s.file);
  out += columns_text(s.columns, s.fixed, s.unused_facts, s.evaluated);

  std::size_t conflicts = 0, gaps = 0;
  for (const auto& d : s.decisions) {
    const SpaceTable& t = d.table;
    out += fmt::format("\ndecision {}{}: {} in {}\n", d.name, d.title.empty() ? "" : " \"" + d.title + "\"",
                       plural(t.combinations, "combination", "combinations"), plural(t.rows.size(), "row", "rows"));
    if (!t.inert.empty()) out += "  read, but never change it: " + join(t.inert) + "\n";
    std::vector<Line> lines;
    std::vector<std::string> conflict_rows, undetermined_rows;
    std::uint64_t conflict_n = 0, undetermined_n = 0;
    for (std::size_t i = 0; i < t.rows.size(); ++i) {
      const Verdict& v = d.verdicts[t.rows[i].verdict];
      lines.push_back({cells_of(s.columns, t, t.rows[i]), {verdict_text(v), rules_text(v)}});
      if (v.status == Status::Conflict) {
        conflict_rows.push_back(std::to_string(i + 1));
        conflict_n += t.rows[i].combinations;
      }
      if (v.status == Status::Undetermined) {
        undetermined_rows.push_back(std::to_string(i + 1));
        undetermined_n += t.rows[i].combinations;
      }
    }
    out += render_lines(s.columns, t, lines, {"outcome", "rules"});
    out += truncated_note(t);
    conflicts += conflict_rows.size();
    if (conflict_rows.empty()) out += "  conflicts: none\n";
    else
      out += fmt::format("  CONFLICTS: {} ({}): {}\n", plural(conflict_rows.size(), "row", "rows"),
                         plural(conflict_n, "combination", "combinations"), join(conflict_rows));
    if (undetermined_rows.empty()) out += "  undetermined: none\n";
    else
      out += fmt::format("  undetermined: {} ({}): {}\n", plural(undetermined_rows.size(), "row", "rows"),
                         plural(undetermined_n, "combination", "combinations"), join(undetermined_rows));
    if (d.gaps.empty()) {
      out += "  gaps: none\n";
    } else {
      out += fmt::format("  gaps: where it falls to {} although a rule that would decide otherwise fails on one "
                         "condition only:\n",
                         d.gaps.front().fallback.status == Status::NoDecision ? "no decision" : "its default");
      for (const auto& g : d.gaps) {
        gaps += g.table.rows.size();
        std::uint64_t n = 0;
        for (const auto& r : g.table.rows) n += r.combinations;
        out += fmt::format("    {} fails only on `{}` ({}), {}: {} in {}\n", g.near.rule, g.near.condition,
                           to_string(g.near.loc), verdict_text(g.fallback), plural(n, "combination", "combinations"),
                           plural(g.table.rows.size(), "row", "rows"));
        std::vector<Line> gap_lines;
        for (const auto& r : g.table.rows) gap_lines.push_back({cells_of(s.columns, g.table, r), {}});
        out += render_lines(s.columns, g.table, gap_lines, {}, false, "      ");
        out += truncated_note(g.table);
      }
    }
    const auto& c = d.counts;
    static_assert(std::tuple_size_v<std::decay_t<decltype(c)>> == 7, "a count for each Status");
    out += fmt::format("  combinations: decided {}, default {}, no decision {}, undetermined {}, conflict {}, not applicable {}{}\n",
                       count_text(c[0]), count_text(c[1]), count_text(c[2]), count_text(c[3]), count_text(c[4]),
                       count_text(c[5]), c[6] > 0 ? ", outside the policy " + count_text(c[6]) : "");
  }

  for (int flags = 0; flags < 2; ++flags) {
    for (const auto& r : flags ? s.flags : s.obligations) {
      const SpaceTable& t = r.table;
      out += fmt::format("\n{} {}: {} in {}\n", flags ? "flag" : "obligation", r.name,
                         plural(t.combinations, "combination", "combinations"), plural(t.rows.size(), "row", "rows"));
      if (!t.inert.empty()) out += "  read, but never change it: " + join(t.inert) + "\n";
      std::vector<Line> lines;
      for (const auto& row : t.rows) {
        const Raised& v = r.verdicts[row.verdict];
        lines.push_back({cells_of(s.columns, t, row), {raised_text(v, flags == 1), join(v.rules)}});
      }
      out += render_lines(s.columns, t, lines, {flags ? "raised" : "owed", "rules"});
      out += truncated_note(t);
    }
  }

  out += "\n";
  if (s.dead_rules.empty()) {
    // Stopped early, the rules not explored are not known to apply: say "none" of those explored.
    out += s.not_explored.empty() ? "rules that can never apply: none\n"
                                  : "rules that can never apply: none among the rules explored\n";
  } else {
    out += "rules that can never apply:\n";
    for (const auto& d : s.dead_rules) {
      std::string why;
      switch (d.why) {
        case DeadRule::Why::NeverHolds: why = "its condition is never true"; break;
        case DeadRule::Why::AlwaysDefeated: why = "whenever its condition holds, it is defeated by " + join(d.defeated_by); break;
        case DeadRule::Why::NeverInEffect: why = "it holds only where the decisions it sets do not apply"; break;
      }
      out += fmt::format("  {}: rule {}: {}\n", to_string(d.loc), d.rule, why);
    }
  }
  if (!s.unchecked_rules.empty())
    out += "not checked (each needs more combinations than the limit): " + join(s.unchecked_rules) + "\n";
  if (s.approximate)
    out += "note: some facts are compared with other facts or by the order of texts; their values are samples, so "
           "the tables may miss regions\n";
  out += interrupted_note(s.interrupted, s.evaluated, s.planned, s.not_explored);
  out += fmt::format("summary: {}, {}, {}, {} that can never apply\n", plural(s.decisions.size(), "decision", "decisions"),
                     plural(conflicts, "conflict row", "conflict rows"), plural(gaps, "gap region", "gap regions"),
                     plural(s.dead_rules.size(), "rule", "rules"));
  return out;
}

json space_json(const Space& s) {
  json j{{"schema", kSpaceSchema},
         {"policy", s.policy}, {"file", s.file}, {"columns", columns_json(s.columns)}, {"fixed", fixed_json(s.fixed)},
         {"unused_facts", s.unused_facts}, {"evaluated", s.evaluated}, {"approximate", s.approximate}};
  if (s.interrupted) j.update({{"interrupted", true}, {"planned", s.planned}, {"not_explored", s.not_explored}});
  json decisions = json::array();
  for (const auto& d : s.decisions) {
    json dj{{"name", d.name}, {"title", d.title}};
    dj.update(table_head_json(s.columns, d.table));
    json counts = json::object();
    for (std::size_t k = 0; k < d.counts.size(); ++k) counts[to_string(static_cast<Status>(k))] = d.counts[k];
    dj["counts"] = counts;
    json rows = json::array();
    json conflicts = json::array();
    for (std::size_t i = 0; i < d.table.rows.size(); ++i) {
      const auto& r = d.table.rows[i];
      rows.push_back({{"cells", cells_json(s.columns, d.table, r)},
                      {"outcome", verdict_json(d.verdicts[r.verdict])},
                      {"combinations", r.combinations}});
      if (d.verdicts[r.verdict].status == Status::Conflict) conflicts.push_back(i + 1);
    }
    dj["rows"] = rows;
    dj["conflict_rows"] = conflicts;
    json gaps = json::array();
    for (const auto& g : d.gaps) {
      json rows = json::array();
      for (const auto& r : g.table.rows)
        rows.push_back({{"cells", cells_json(s.columns, g.table, r)}, {"combinations", r.combinations}});
      gaps.push_back({{"rule", g.near.rule},
                      {"fails_only_on", g.near.condition},
                      {"at", to_string(g.near.loc)},
                      {"fallback", verdict_json(g.fallback)},
                      {"columns", table_head_json(s.columns, g.table)["columns"]},
                      {"rows", rows}});
    }
    dj["gaps"] = gaps;
    decisions.push_back(std::move(dj));
  }
  j["decisions"] = decisions;
  for (int flags = 0; flags < 2; ++flags) {
    json list = json::array();
    for (const auto& r : flags ? s.flags : s.obligations) {
      json rj{{"name", r.name}};
      rj.update(table_head_json(s.columns, r.table));
      json rows = json::array();
      for (const auto& row : r.table.rows)
        rows.push_back({{"cells", cells_json(s.columns, r.table, row)},
                        {"outcome", raised_json(r.verdicts[row.verdict])},
                        {"combinations", row.combinations}});
      rj["rows"] = rows;
      list.push_back(std::move(rj));
    }
    j[flags ? "flags" : "obligations"] = list;
  }
  json dead = json::array();
  for (const auto& d : s.dead_rules)
    dead.push_back({{"rule", d.rule}, {"at", to_string(d.loc)}, {"why", to_string(d.why)}, {"defeated_by", d.defeated_by}});
  j["dead_rules"] = dead;
  j["unchecked_rules"] = s.unchecked_rules;
  return j;
}

// ---- two policies ---------------------------------------------------------------------------

std::string render_space_diff_text(const SpaceDiff& d) {
  std::string out = fmt::format("explore diff: A = {} ({}), B = {} ({})\n", d.policy_a, d.file_a, d.policy_b, d.file_b);
  out += columns_text(d.columns, d.fixed, {}, d.evaluated);
  if (!d.only_in_a.empty()) out += "only in A: " + join(d.only_in_a) + "\n";
  if (!d.only_in_b.empty()) out += "only in B: " + join(d.only_in_b) + "\n";
  std::size_t differing_targets = 0;
  for (const auto& t : d.targets) {
    const bool decision = t.kind == TargetDiff::Kind::Decision;
    if (t.differing == 0) {
      out += fmt::format("\n{} {}: the same in all {}\n", to_string(t.kind), t.name,
                         plural(t.table.combinations, "combination", "combinations"));
      continue;
    }
    ++differing_targets;
    out += fmt::format("\n{} {}: differs in {} of {}, {}\n", to_string(t.kind), t.name, count_text(t.differing),
                       plural(t.table.combinations, "combination", "combinations"), plural(t.table.rows.size(), "row", "rows"));
    std::vector<Line> lines;
    for (const auto& r : t.table.rows) {
      const DiffVerdict& v = t.verdicts[r.verdict];
      auto side = [&](const Verdict& x, const Raised& y) {
        if (!decision) {
          std::string s = raised_text(y, t.kind == TargetDiff::Kind::Flag);
          return y.rules.empty() ? s : s + " (" + join(y.rules) + ")";
        }
        const std::string rules = rules_text(x);
        return rules.empty() ? verdict_text(x) : verdict_text(x) + " (" + rules + ")";
      };
      lines.push_back({cells_of(d.columns, t.table, r), {side(v.a, v.raised_a), side(v.b, v.raised_b)}});
    }
    out += render_lines(d.columns, t.table, lines, {"A", "B"}, true);
    out += truncated_note(t.table);
  }
  out += interrupted_note(d.interrupted, d.evaluated, d.planned, d.not_explored);
  out += fmt::format("\nsummary: {} of {} differ{}\n", differing_targets,
                     plural(d.targets.size(), "decision, obligation or flag", "decisions, obligations and flags"),
                     d.only_in_a.empty() && d.only_in_b.empty() ? "" : "; some exist in only one policy");
  return out;
}

json space_diff_json(const SpaceDiff& d) {
  json j{{"schema", kSpaceDiffSchema},
         {"a", {{"policy", d.policy_a}, {"file", d.file_a}}},
         {"b", {{"policy", d.policy_b}, {"file", d.file_b}}},
         {"columns", columns_json(d.columns)},
         {"fixed", fixed_json(d.fixed)},
         {"only_in_a", d.only_in_a},
         {"only_in_b", d.only_in_b},
         {"evaluated", d.evaluated},
         {"approximate", d.approximate},
         {"differs", d.differs()}};
  if (d.interrupted) j.update({{"interrupted", true}, {"planned", d.planned}, {"not_explored", d.not_explored}});
  json targets = json::array();
  for (const auto& t : d.targets) {
    json tj{{"kind", to_string(t.kind)}, {"name", t.name}, {"differing", t.differing}};
    tj.update(table_head_json(d.columns, t.table));
    json rows = json::array();
    for (const auto& r : t.table.rows) {
      const DiffVerdict& v = t.verdicts[r.verdict];
      const bool decision = t.kind == TargetDiff::Kind::Decision;
      rows.push_back({{"cells", cells_json(d.columns, t.table, r)},
                      {"a", decision ? verdict_json(v.a) : raised_json(v.raised_a)},
                      {"b", decision ? verdict_json(v.b) : raised_json(v.raised_b)},
                      {"combinations", r.combinations}});
    }
    tj["rows"] = rows;
    targets.push_back(std::move(tj));
  }
  j["targets"] = targets;
  return j;
}

}  // namespace decree::engine
