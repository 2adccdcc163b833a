// Diagnostics: errors and warnings as data with a place, shared by the parser, the checker
// and the case loader, and the one renderer that prints them for a person.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "dsl/source.hpp"

namespace decree {

enum class Severity { Error, Warning, Note };

// A secondary place that helps explain a diagnostic ("first declared here").
struct DiagnosticNote {
  SourceLoc loc;
  std::string message;
};

struct Diagnostic {
  Severity severity = Severity::Error;
  std::string code;     // stable identifier, e.g. "parse.expected", "check.undeclared-name"
  SourceLoc loc;
  std::string message;  // what was wrong and what was expected, in a student's words
  std::string hint;     // optional: "did you mean `friends_agree`?"
  std::vector<DiagnosticNote> notes;
};

Diagnostic make_error(std::string code, SourceLoc loc, std::string message, std::string hint = {});
Diagnostic make_warning(std::string code, SourceLoc loc, std::string message, std::string hint = {});

bool has_errors(const std::vector<Diagnostic>& diagnostics);

// The texts of the files diagnostics point into, so the renderer can show the line.
class SourceSet {
 public:
  void add(std::shared_ptr<const SourceFile> file);
  const SourceFile* find(const std::string& name) const;

 private:
  std::map<std::string, std::shared_ptr<const SourceFile>> files_;
};

struct RenderOptions {
  bool color = false;
};

// Renders as
//   file:line:col: error[code]: message
//      12 |   when covered and
//         |                ^~~
//   hint: ...
//   file:line:col: note: ...
std::string render(const Diagnostic& d, const SourceSet& sources, const RenderOptions& options = {});
std::string render_all(const std::vector<Diagnostic>& ds, const SourceSet& sources, const RenderOptions& options = {});

// Sorts by file, line, column (stable), so output is deterministic.
void sort_by_place(std::vector<Diagnostic>& ds);

// The order a person reads them in: errors, then warnings, then notes, each group by place.
void sort_for_reading(std::vector<Diagnostic>& ds);

// Nearest name for "did you mean" hints: by edit distance, or else the only candidate that holds
// the wrong name as whole `_`-separated parts (`citizen` → soviet_citizen; at least 4 characters);
// empty when none is close enough.
std::string nearest_name(const std::string& wrong, const std::vector<std::string>& candidates);

}  // namespace decree
