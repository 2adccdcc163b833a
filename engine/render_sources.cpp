#include "engine/render_sources.hpp"

#include <algorithm>
#include <cctype>
#include <set>

#include <fmt/format.h>

#include "engine/case.hpp"
#include "engine/words.hpp"

namespace decree::engine {

namespace {

// "memo p2, p3; telegram s4" -> (memo, p2), (memo, p3), (telegram, s4): a word that names a
// source starts its citations; the section keys of that source that follow belong to it.
void cited_in_text(std::string_view text, const SourceLibrary& library, std::set<CitedSection>& into) {
  const SourceText* current = nullptr;
  std::string current_key;
  std::size_t i = 0;
  while (i < text.size()) {
    auto is_word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
    while (i < text.size() && !is_word(text[i])) ++i;
    std::size_t start = i;
    while (i < text.size() && is_word(text[i])) ++i;
    if (start == i) break;
    std::string word(text.substr(start, i - start));
    if (const SourceText* t = library.text(word)) {
      current = t;
      current_key = word;
    } else if (current != nullptr && current->section(word) != nullptr) {
      into.emplace(current_key, word);
    } else {
      current = nullptr;
    }
  }
}

void add(const std::vector<CompiledCitation>& cites, const SourceLibrary& library, std::set<CitedSection>& into) {
  for (const auto& c : cites)
    if (!c.section.empty() && library.section(c.source, c.section) != nullptr) into.emplace(c.source, c.section);
}

}  // namespace

void CaseCitations::add(const Case& c) {
  for (const auto& [name, fact] : c.facts)
    if (!fact.source.empty()) cited_in_text(fact.source, library_, found_);
}

std::vector<CitedSection> cited_sections(const CompiledPolicy& policy, const SourceLibrary& library,
                                         const CaseCitations& in_cases) {
  std::set<CitedSection> found = in_cases.found();
  for (const auto& d : policy.definitions) add(d.cites, library, found);
  for (const auto& d : policy.decisions) add(d.cites, library, found);
  for (const auto& r : policy.rules) add(r.cites, library, found);
  // In the order of the documents (as the policy declares them), then of their sections.
  std::vector<CitedSection> out;
  for (const auto& [source, text] : library.texts)
    for (const auto& s : text.sections)
      if (found.count({source, s.key}) != 0) out.emplace_back(source, s.key);
  std::stable_sort(out.begin(), out.end(), [&](const CitedSection& a, const CitedSection& b) {
    auto rank = [&](const std::string& key) {
      for (std::size_t i = 0; i < policy.sources.size(); ++i)
        if (policy.sources[i].key == key) return i;
      return policy.sources.size();
    };
    return rank(a.first) < rank(b.first);
  });
  return out;
}

std::vector<CitedSection> cited_sections(const CompiledPolicy& policy, const SourceLibrary& library,
                                         const std::vector<const Case*>& cases) {
  CaseCitations in_cases(library);
  for (const Case* c : cases) in_cases.add(*c);
  return cited_sections(policy, library, in_cases);
}

nlohmann::ordered_json sources_json(const SourceLibrary& library, const std::vector<CitedSection>& cited) {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  for (const auto& [source, key] : cited) {
    const SourceSection* s = library.section(source, key);
    if (s == nullptr) continue;
    nlohmann::ordered_json entry = {{"source", source}, {"section", key}};
    if (!s->where.empty()) entry["where"] = s->where;
    entry["text"] = s->text;
    out[source + " " + key] = std::move(entry);
  }
  return out;
}

nlohmann::ordered_json documents_json(const SourceLibrary& library, const std::vector<CitedSection>& cited) {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  for (const auto& [source, key] : cited) {
    if (out.contains(source)) continue;
    const SourceText* t = library.text(source);
    if (t == nullptr) continue;
    nlohmann::ordered_json doc = {{"title", t->title}, {"date", t->date}};
    if (!t->date_note.empty()) doc["date_note"] = t->date_note;
    if (!t->number.empty()) doc["number"] = t->number;
    doc["file"] = t->file;
    nlohmann::ordered_json provenance = nlohmann::ordered_json::object();
    for (const auto& [k, v] : t->provenance) provenance[k] = v;
    doc["provenance"] = std::move(provenance);
    out[source] = std::move(doc);
  }
  return out;
}

std::string wrap(std::string_view text, std::size_t indent, std::size_t width) {
  std::string out, line;
  const std::size_t room = width > indent + 20 ? width - indent : 20;
  auto flush = [&] {
    if (line.empty()) return;
    out += std::string(indent, ' ') + line + "\n";
    line.clear();
  };
  std::size_t i = 0, line_chars = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\n')) ++i;
    std::size_t start = i;
    while (i < text.size() && text[i] != ' ' && text[i] != '\n') ++i;
    if (start == i) break;
    std::string_view word = text.substr(start, i - start);
    const std::size_t chars = utf8_length(word);
    if (!line.empty() && line_chars + 1 + chars > room) {
      flush();
      line_chars = 0;
    }
    if (!line.empty()) {
      line += ' ';
      ++line_chars;
    }
    line += word;
    line_chars += chars;
  }
  flush();
  return out;
}

std::string render_source_section(const std::string& source, const SourceText& text, const SourceSection& section) {
  std::string out = fmt::format("{} {} — {}", source, section.key, text.title);
  if (!text.date.empty()) out += fmt::format(", {}", text.date);
  if (!text.number.empty()) out += fmt::format(", {}", text.number);
  out += "\n";
  if (!section.where.empty()) out += fmt::format("  ({})\n", section.where);
  out += "\n" + wrap(section.text, 2) + "\n";
  for (const auto& [k, v] : text.provenance) out += wrap(fmt::format("{}: {}", k, v), 2);
  if (!text.date_note.empty()) out += wrap(fmt::format("date: {}", text.date_note), 2);
  out += fmt::format("  text: {} (section `{}`)\n", text.file, section.key);
  return out;
}

std::string render_cited_sections(const SourceLibrary& library, const std::vector<CitedSection>& cited) {
  if (cited.empty()) return {};
  std::string out = "sources cited:\n";
  std::string last_source;
  for (const auto& [source, key] : cited) {
    const SourceText* t = library.text(source);
    const SourceSection* s = library.section(source, key);
    if (t == nullptr || s == nullptr) continue;
    if (source != last_source) {
      out += fmt::format("  {}: {}{} ({})\n", source, t->title, t->date.empty() ? "" : ", " + t->date, t->file);
      last_source = source;
    }
    std::string body = wrap(s->text, 10);
    body.replace(4, 6, pad(key, 6));  // the key in the margin of the paragraph's first line
    out += body;
  }
  return out;
}

}  // namespace decree::engine
