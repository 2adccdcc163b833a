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
  engine::SourceLibrary library;  // the texts the policy's sources name, for showing what is cited
};

// Loads, checks (quotes against the source texts too) and compiles the policy. On errors prints them and returns false (exit 2).
bool prepare_policy(const std::string& path, Prepared& out);

// Loads the case files (folders searched for *.yaml, sorted). Prints every problem; returns
// false (exit 2) when any case has an error, or when there is no case at all: a case with
// errors is never evaluated.
bool prepare_cases(const std::vector<std::string>& paths, Prepared& out);

}  // namespace decree::cli
