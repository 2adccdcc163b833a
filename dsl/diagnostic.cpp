#include "dsl/diagnostic.hpp"

#include <algorithm>
#include <string_view>
#include <vector>

#include <fmt/format.h>

namespace decree {

Diagnostic make_error(std::string code, SourceLoc loc, std::string message, std::string hint) {
  return Diagnostic{Severity::Error, std::move(code), std::move(loc), std::move(message), std::move(hint), {}};
}

Diagnostic make_warning(std::string code, SourceLoc loc, std::string message, std::string hint) {
  return Diagnostic{Severity::Warning, std::move(code), std::move(loc), std::move(message), std::move(hint), {}};
}

bool has_errors(const std::vector<Diagnostic>& diagnostics) {
  return std::any_of(diagnostics.begin(), diagnostics.end(),
                     [](const Diagnostic& d) { return d.severity == Severity::Error; });
}

void SourceSet::add(std::shared_ptr<const SourceFile> file) {
  auto name = file->name();
  files_[name] = std::move(file);
}

const SourceFile* SourceSet::find(const std::string& name) const {
  auto it = files_.find(name);
  return it == files_.end() ? nullptr : it->second.get();
}

namespace {

const char* severity_word(Severity s) {
  switch (s) {
    case Severity::Error: return "error";
    case Severity::Warning: return "warning";
    case Severity::Note: return "note";
  }
  return "error";
}

const char* severity_color(Severity s) {
  switch (s) {
    case Severity::Error: return "\x1b[1;31m";
    case Severity::Warning: return "\x1b[1;35m";
    case Severity::Note: return "\x1b[1;36m";
  }
  return "";
}

// Lines longer than this are shown cut around the caret, so a 1 MB line prints a window.
constexpr std::size_t kShownLineChars = 120;

// Splits a line into code points so the excerpt and caret agree on columns.
std::vector<std::string_view> code_points(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < line.size()) {
    std::size_t n = 1;
    while (i + n < line.size() && (static_cast<unsigned char>(line[i + n]) & 0xC0) == 0x80) ++n;
    out.push_back(line.substr(i, n));
    i += n;
  }
  return out;
}

void render_excerpt(std::string& out, const SourceLoc& loc, const SourceFile& file, const RenderOptions& options) {
  auto line = file.line_text(loc.line);
  auto cps = code_points(line);
  std::size_t caret = loc.column == 0 ? 0 : loc.column - 1;
  std::size_t first = 0;
  std::size_t last = cps.size();
  if (cps.size() > kShownLineChars) {
    first = caret > kShownLineChars / 2 ? caret - kShownLineChars / 2 : 0;
    last = std::min(cps.size(), first + kShownLineChars);
  }
  std::string shown;
  std::string marker;
  if (first > 0) {
    shown += "...";
    marker += "   ";
  }
  for (std::size_t i = first; i < last; ++i) {
    // Tabs become one space so the caret lines up; control bytes are shown as '?'.
    std::string_view cp = cps[i];
    if (cp == "\t") shown += ' ';
    else if (cp.size() == 1 && static_cast<unsigned char>(cp[0]) < 0x20) shown += '?';
    else shown += cp;
    if (i < caret) marker += ' ';
  }
  if (last < cps.size()) shown += "...";
  if (caret >= last) marker.append(caret - std::max(first, std::min(caret, last)), ' ');
  std::size_t underline = std::max<std::uint32_t>(loc.length, 1);
  if (caret < last) underline = std::min(underline, std::max<std::size_t>(1, last - caret));
  else underline = 1;
  std::string gutter = fmt::format("{:>5}", loc.line);
  out += fmt::format("{} | {}\n", gutter, shown);
  std::string caret_text = "^" + std::string(underline - 1, '~');
  if (options.color) caret_text = "\x1b[1;32m" + caret_text + "\x1b[0m";
  out += fmt::format("{} | {}{}\n", std::string(gutter.size(), ' '), marker, caret_text);
}

// `file:line:col: error[code]: message`; notes have no code of their own.
void render_head(std::string& out, const SourceLoc& loc, Severity severity, const std::string& code,
                 const std::string& message, const RenderOptions& options) {
  std::string place = to_string(loc);
  if (place.empty()) place = "decree";
  std::string label = severity_word(severity);
  if (!code.empty()) label += "[" + code + "]";
  if (options.color)
    out += fmt::format("\x1b[1m{}:\x1b[0m {}{}:\x1b[0m {}\n", place, severity_color(severity), label, message);
  else
    out += fmt::format("{}: {}: {}\n", place, label, message);
}

}  // namespace

std::string render(const Diagnostic& d, const SourceSet& sources, const RenderOptions& options) {
  std::string out;
  render_head(out, d.loc, d.severity, d.code, d.message, options);
  if (d.loc.known())
    if (const SourceFile* file = sources.find(d.loc.file); file && file->has_line(d.loc.line))
      render_excerpt(out, d.loc, *file, options);
  if (!d.hint.empty()) out += fmt::format("  hint: {}\n", d.hint);
  for (const auto& note : d.notes) {
    render_head(out, note.loc, Severity::Note, {}, note.message, options);
    if (note.loc.known())
      if (const SourceFile* file = sources.find(note.loc.file); file && file->has_line(note.loc.line))
        render_excerpt(out, note.loc, *file, options);
  }
  return out;
}

std::string render_all(const std::vector<Diagnostic>& ds, const SourceSet& sources, const RenderOptions& options) {
  std::string out;
  for (const auto& d : ds) out += render(d, sources, options);
  return out;
}

void sort_by_place(std::vector<Diagnostic>& ds) {
  std::stable_sort(ds.begin(), ds.end(), [](const Diagnostic& a, const Diagnostic& b) {
    if (a.loc.file != b.loc.file) return a.loc.file < b.loc.file;
    if (a.loc.line != b.loc.line) return a.loc.line < b.loc.line;
    return a.loc.column < b.loc.column;
  });
}

void sort_for_reading(std::vector<Diagnostic>& ds) {
  sort_by_place(ds);
  std::stable_sort(ds.begin(), ds.end(),
                   [](const Diagnostic& a, const Diagnostic& b) { return a.severity < b.severity; });
}

namespace {

// The `_`-separated parts of a name ("soviet_citizen" → soviet, citizen).
std::vector<std::string_view> name_parts(std::string_view name) {
  std::vector<std::string_view> parts;
  std::size_t from = 0;
  while (true) {
    const std::size_t cut = name.find('_', from);
    parts.push_back(name.substr(from, cut == std::string_view::npos ? std::string_view::npos : cut - from));
    if (cut == std::string_view::npos) return parts;
    from = cut + 1;
  }
}

// The one candidate that holds `wrong` as whole `_`-separated parts (`citizen` in soviet_citizen,
// `friends` in friends_agree, `permanent_work` in left_for_permanent_work); empty when none or
// several do, or when `wrong` is too short to say much (`to`, `for`).
std::string part_match(const std::string& wrong, const std::vector<std::string>& candidates) {
  constexpr std::size_t kShortest = 4;
  if (wrong.size() < kShortest) return {};
  const auto want = name_parts(wrong);
  if (std::any_of(want.begin(), want.end(), [](std::string_view p) { return p.empty(); })) return {};
  std::string found;
  for (const auto& c : candidates) {
    if (c == wrong || c.size() <= wrong.size() || c.size() > 256) continue;
    const auto parts = name_parts(c);
    bool holds = false;
    for (std::size_t i = 0; !holds && i + want.size() <= parts.size(); ++i)
      holds = std::equal(want.begin(), want.end(), parts.begin() + static_cast<std::ptrdiff_t>(i));
    if (!holds || c == found) continue;
    if (!found.empty()) return {};  // two names hold it: no guess
    found = c;
  }
  return found;
}

}  // namespace

std::string nearest_name(const std::string& wrong, const std::vector<std::string>& candidates) {
  // Levenshtein distance; a candidate is offered when it is within a third of the name's length.
  // Failing that, the one name that holds the wrong one as whole parts (`citizen` → soviet_citizen).
  auto distance = [](const std::string& a, const std::string& b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
      std::size_t diag = row[0];
      row[0] = i;
      for (std::size_t j = 1; j <= b.size(); ++j) {
        std::size_t up = row[j];
        row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
        diag = up;
      }
    }
    return row[b.size()];
  };
  if (wrong.size() > 256) return {};
  std::string best;
  std::size_t best_distance = std::max<std::size_t>(2, wrong.size() / 3) + 1;
  for (const auto& c : candidates) {
    if (c.size() > 256) continue;
    std::size_t d = distance(wrong, c);
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  return best.empty() ? part_match(wrong, candidates) : best;
}

}  // namespace decree
