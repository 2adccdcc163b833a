// The cited texts themselves beside a trace: which sections of the source texts a policy and its
// cases cite, as text for a terminal (`decree show --source`, `decree run --sources`) and as
// JSON (the `sources` and `documents` of a run's trace, docs/trace-schema.md).
#pragma once

#include <set>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/compile.hpp"
#include "engine/source_text.hpp"
#include "engine/trace.hpp"

namespace decree::engine {

// A citation as a pair (source key, section key): ("memo", "p4").
using CitedSection = std::pair<std::string, std::string>;

// The sections of the library's texts that cases' facts name in their `source:` ("memo p2, p3"),
// gathered a case at a time: what a run written a case at a time keeps (a few pairs, not cases).
class CaseCitations {
 public:
  explicit CaseCitations(const SourceLibrary& library) : library_(library) {}
  void add(const Case& c);
  const std::set<CitedSection>& found() const { return found_; }

 private:
  const SourceLibrary& library_;
  std::set<CitedSection> found_;
};

// Every section the library holds a text for that the policy's rules, definitions and decisions
// cite, or that the cases' facts name in their `source:` ("memo p2, p3"), once each, in the order
// of the documents' sections.
std::vector<CitedSection> cited_sections(const CompiledPolicy& policy, const SourceLibrary& library,
                                         const std::vector<const Case*>& cases = {});
std::vector<CitedSection> cited_sections(const CompiledPolicy& policy, const SourceLibrary& library,
                                         const CaseCitations& in_cases);

// {"memo p4": {"source": "memo", "section": "p4", "where": ..., "text": "..."}, ...}
nlohmann::ordered_json sources_json(const SourceLibrary& library, const std::vector<CitedSection>& cited);

// {"memo": {"title": ..., "date": ..., "number": ..., "file": ..., "provenance": {...}}, ...}:
// the documents the cited sections come from.
nlohmann::ordered_json documents_json(const SourceLibrary& library, const std::vector<CitedSection>& cited);

// `text` broken into lines of at most `width` characters, each after `indent` spaces.
std::string wrap(std::string_view text, std::size_t indent, std::size_t width = 100);

// One section with where it comes from: the document, its date, archive, translation, rights.
std::string render_source_section(const std::string& source, const SourceText& text, const SourceSection& section);

// The cited sections, one after another (for the foot of a trace).
std::string render_cited_sections(const SourceLibrary& library, const std::vector<CitedSection>& cited);

}  // namespace decree::engine
