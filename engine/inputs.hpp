// What commands that read many cases take as input: case files, folders of them, and population
// files (told apart by their top-level `population:` key), loaded and validated together.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "dsl/ast.hpp"
#include "dsl/diagnostic.hpp"
#include "engine/case.hpp"
#include "engine/population.hpp"

namespace decree::engine {

struct Inputs {
  std::vector<Case> cases;              // from the case files, in the order load_case_paths reads them
  std::vector<Population> populations;  // in the order named (a folder's in sorted order)
  std::vector<Diagnostic> diagnostics;  // sorted by place
  std::size_t rejected = 0;             // cases of case files dropped for their errors

  // Every case: those of the case files, then each population's.
  std::uint64_t count() const;
};

// Loads `paths` against `policy`: each file named directly, or found in a folder (searched for
// *.yaml, *.yml, *.jsonl and *.csv, sorted), is a population when it has a top-level
// `population:`, else a case file. Case ids must be unique across the case files; populations' id prefixes across populations.
Inputs load_inputs(const std::vector<std::string>& paths, const ast::Policy& policy, SourceSet& sources);

}  // namespace decree::engine
