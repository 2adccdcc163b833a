// What `run`, `explain` and `test` share: a policy loaded, checked and compiled, and its case
// files loaded and validated, with every problem printed and the exit status it calls for.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "dsl/ast.hpp"
#include "dsl/diagnostic.hpp"
#include "engine/case.hpp"
#include "engine/compile.hpp"
#include "engine/source_text.hpp"

namespace decree::cli {

struct Prepared {
  SourceSet sources;
  std::optional<ast::Policy> checked;            // the effective policy, as dsl::load_policy gives it
  std::optional<engine::CompiledPolicy> policy;  // compiled from `checked`
  std::vector<engine::Case> cases;
  // With CaseOptions::keep_going: what was left out because of errors.
  std::size_t rejected_files = 0;  // files with at least one error
  std::size_t rejected_cases = 0;  // cases dropped for their errors (a file that is not YAML has none)
  engine::SourceLibrary library;  // the texts the policy's sources name, for showing what is cited
};

struct CaseOptions {
  // Evaluate the valid cases even when some file has errors (they are printed; the caller
  // exits 2 at the end, saying how many were left out). Otherwise nothing is evaluated.
  bool keep_going = false;
  bool print = true;     // print the problems (false for the second and later versions of a run)
  bool verbose = false;  // list the files in the folders given that are not case files
};

// Loads, checks (quotes against the source texts too) and compiles the policy. On errors prints them and returns false (exit 2).
bool prepare_policy(const std::string& path, Prepared& out);

// Loads the case files (folders searched for *.yaml, sorted). Prints every problem; returns
// false (exit 2) when any case has an error (unless options.keep_going), or when there is no
// case at all: a case with errors is never evaluated.
bool prepare_cases(const std::vector<std::string>& paths, Prepared& out, const CaseOptions& options = {});

// "1 file rejected, 6 cases evaluated" (or with the cases rejected, when a file was read).
std::string rejected_summary(const Prepared& prep, std::size_t evaluated);

}  // namespace decree::cli
