#include "web/graph.hpp"

#include <algorithm>
#include <functional>

#include <fmt/format.h>

#include "web/html.hpp"

namespace decree::web {

namespace {

// What a rule does, in a few words: "return = granted", "owes report_to_moscow".
std::string effect(const engine::CompiledPolicy& p, const engine::CompiledRule& r) {
  std::vector<std::string> parts;
  for (auto i = r.settings.begin; i < r.settings.end; ++i) {
    const auto& s = p.settings[i];
    parts.push_back(fmt::format("{} = {}", p.decisions[s.decision].name, p.decisions[s.decision].values[s.value]));
  }
  for (auto i = r.owes.begin; i < r.owes.end; ++i) parts.push_back("owes " + p.obligations[p.owes[i].what].name);
  for (auto i = r.raises.begin; i < r.raises.end; ++i) parts.push_back("flags " + p.flags[p.raises[i].what].name);
  std::string out;
  for (const auto& part : parts) out += (out.empty() ? "" : ", ") + part;
  return out;
}

}  // namespace

std::string rules_graph_svg(const engine::CompiledPolicy& p) {
  const std::size_t n = p.rules.size();
  // Column: 0 for rules that are exceptions to none, else one right of the deepest rule defeated.
  std::vector<int> column(n, -1);
  std::function<int(std::size_t, std::size_t)> depth = [&](std::size_t r, std::size_t guard) -> int {
    if (column[r] >= 0) return column[r];
    int c = 0;
    if (guard <= n)
      for (auto t : p.rules[r].exception_to) c = std::max(c, depth(t, guard + 1) + 1);
    return column[r] = c;
  };
  for (std::size_t r = 0; r < n; ++r) depth(r, 0);
  // Rows: rules in policy order, each exception placed after the first rule it defeats.
  std::vector<std::vector<std::size_t>> children(n);
  for (std::size_t r = 0; r < n; ++r)
    if (!p.rules[r].exception_to.empty()) children[p.rules[r].exception_to.front()].push_back(r);
  std::vector<int> row(n, -1);
  int next = 0;
  std::function<void(std::size_t)> place = [&](std::size_t r) {
    if (row[r] >= 0) return;
    row[r] = next++;
    for (auto c : children[r]) place(c);
  };
  for (std::size_t r = 0; r < n; ++r)
    if (p.rules[r].exception_to.empty()) place(r);
  for (std::size_t r = 0; r < n; ++r) place(r);

  constexpr int kW = 300, kH = 46, kGapX = 70, kGapY = 16, kPad = 12;
  int columns = 1;
  for (auto c : column) columns = std::max(columns, c + 1);
  const int width = kPad * 2 + columns * kW + (columns - 1) * kGapX;
  const int height = kPad * 2 + std::max(next, 1) * (kH + kGapY) - kGapY;
  auto x_of = [&](std::size_t r) { return kPad + column[r] * (kW + kGapX); };
  auto y_of = [&](std::size_t r) { return kPad + row[r] * (kH + kGapY); };

  std::string svg = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"rules-graph\" viewBox=\"0 0 {0} {1}\" width=\"{0}\" "
      "height=\"{1}\" role=\"img\" aria-label=\"Rules of {2} and the exceptions that defeat them\">\n"
      "<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"8\" markerHeight=\"8\" "
      "orient=\"auto-start-reverse\"><path d=\"M 0 0 L 10 5 L 0 10 z\" class=\"edge-head\"/></marker></defs>\n",
      width, height, escape_html(p.name));
  // Edges first, under the boxes: from the exception's left side to the defeated rule's right side.
  for (std::size_t r = 0; r < n; ++r)
    for (auto t : p.rules[r].exception_to) {
      const int x1 = x_of(r), y1 = y_of(r) + kH / 2;
      const int x2 = x_of(t) + kW, y2 = y_of(t) + kH / 2;
      const int mid = (x1 + x2) / 2;
      svg += fmt::format(
          "<path class=\"edge\" data-from=\"{}\" data-to=\"{}\" d=\"M {} {} C {} {}, {} {}, {} {}\" "
          "marker-end=\"url(#arrow)\"><title>{} is an exception to {}: when it stands, {} does not</title></path>\n",
          escape_html(p.rules[r].name), escape_html(p.rules[t].name), x1, y1, mid, y1, mid, y2, x2, y2, escape_html(p.rules[r].name),
          escape_html(p.rules[t].name), escape_html(p.rules[t].name));
    }
  for (std::size_t r = 0; r < n; ++r) {
    const auto& rule = p.rules[r];
    const bool exception = !rule.exception_to.empty();
    svg += fmt::format(
        "<g class=\"node{}\" data-rule=\"{}\"><title>{}</title>"
        "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"6\"/>"
        "<text x=\"{}\" y=\"{}\" class=\"name\">{}</text><text x=\"{}\" y=\"{}\" class=\"effect\">{}</text></g>\n",
        exception ? " exception" : "", escape_html(rule.name), escape_html(rule.title), x_of(r), y_of(r), kW, kH, x_of(r) + 10,
        y_of(r) + 19, escape_html(rule.name), x_of(r) + 10, y_of(r) + 37, escape_html(effect(p, rule)));
  }
  svg += "</svg>\n";
  return svg;
}

}  // namespace decree::web
