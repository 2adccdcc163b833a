// The texts the policies cite (the YAML files in `sources/`): reading one, finding a section by
// its citation key, and checking every `cites KEY SECTION "quoted clause"` of a policy against
// the text its `source KEY "..." in "FILE"` names. The format is described in sources/README.md.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dsl/ast.hpp"
#include "dsl/diagnostic.hpp"

namespace decree::engine {

// One citable part of a document: a paragraph of the memo (`p4`), a sentence of the telegram.
struct SourceSection {
  std::string key;
  std::string where;  // where on the document the text stands, when the file says (may be empty)
  std::string text;   // the words, lines folded into one
  SourceLoc loc;      // the section's `key:` in the file
};

struct SourceText {
  std::string file;       // the path it was read from, normalised
  std::string document;   // the document's usual key (`memo`), as the file gives it
  std::string title;
  std::string date;       // as written: a day or a range
  std::string date_note;
  std::string number;
  std::vector<std::pair<std::string, std::string>> provenance;  // archive, record, translation, rights, ...
  std::vector<SourceSection> sections;                          // in the document's order

  const SourceSection* section(std::string_view key) const;
  std::vector<std::string> section_keys() const;
};

struct SourceTextRead {
  std::optional<SourceText> text;  // absent when the file has errors
  std::vector<Diagnostic> diagnostics;
};

// Reads a source text; every problem is a diagnostic with its place in the file.
SourceTextRead read_source_text(const std::string& path, SourceSet& sources);

// The texts a policy's sources name, by the policy's source key.
struct SourceLibrary {
  std::map<std::string, SourceText> texts;

  const SourceText* text(std::string_view source) const;
  const SourceSection* section(std::string_view source, std::string_view section) const;
};

struct CitationCheck {
  SourceLibrary library;
  std::vector<Diagnostic> diagnostics;  // source-text.*, check.unknown-section, check.misquote
};

// Reads the text of every source the policy's header names one for (the path relative to the
// file that declares the source), and checks each citation of a rule, definition or decision
// that points into such a source: the section exists, and the quoted clause is in it.
CitationCheck check_citations(const ast::Policy& policy, SourceSet& sources);

// Quotes are compared with the text after folding: runs of white space become one space, and
// typographic quotes and apostrophes become plain ones. An ellipsis (`...` or `…`) in a quote
// stands for words left out: the parts around it must appear in the text in that order.
std::string fold_quote(std::string_view text);
bool quote_in(std::string_view quote, std::string_view text);

// The passage of `text` that shares the most words with `quote`, about as long as the quote,
// with `…` where it starts or ends inside the text.
std::string nearest_passage(std::string_view quote, std::string_view text);

}  // namespace decree::engine
