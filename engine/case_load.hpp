// Loading case files: YAML in, validated against a policy's declarations, Cases with the
// provenance of every fact out. Every problem is reported with its place; a case with errors
// is dropped, never evaluated with guessed values. The format is docs/case-files.md.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "dsl/ast.hpp"
#include "dsl/diagnostic.hpp"
#include "engine/case.hpp"

namespace decree::engine {

// Limits on case files; each has its own message naming it (see docs/case-files.md).
struct CaseLimits {
  std::size_t max_file_bytes = 64u << 20;   // 64 MiB
  std::size_t max_depth = 64;               // lists and mappings inside one another
  std::size_t max_alias_nodes = 1'000'000;  // nodes that YAML aliases may add by repetition, per file
  std::size_t max_cases_per_file = 1'000'000;
  std::size_t max_errors_per_file = 1'000;  // past this, the file's remaining problems are not listed
};

struct CaseLoadResult {
  std::vector<Case> cases;              // the valid cases, in file order (files in sorted order)
  std::vector<Diagnostic> diagnostics;  // sorted by place
  std::size_t rejected = 0;             // cases dropped because of their errors
};

// Loads one case file (`path` names it in every diagnostic). `sources` receives its text.
CaseLoadResult load_cases(const std::string& path, const ast::Policy& policy, SourceSet& sources,
                          const CaseLimits& limits = {});

// Loads case-file text already in memory, naming it `file` in every place.
CaseLoadResult load_cases(std::string_view text, const std::string& file, const ast::Policy& policy,
                          SourceSet& sources, const CaseLimits& limits = {});

// Loads files and directories: a directory is searched recursively for *.yaml, *.yml, *.jsonl
// and *.csv files, taken in sorted order, so the result is the same on every machine. A file
// named directly is loaded whatever its extension (as YAML unless it ends in .jsonl or .csv). Case ids must be unique across everything loaded.
CaseLoadResult load_case_paths(const std::vector<std::string>& paths, const ast::Policy& policy, SourceSet& sources,
                               const CaseLimits& limits = {});

// The case files `paths` stand for, in the order load_case_paths reads them; a path that does
// not exist is kept (loading it reports it).
std::vector<std::string> case_files(const std::vector<std::string>& paths);

}  // namespace decree::engine
