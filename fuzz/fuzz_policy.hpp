// What the fuzz targets share: the policies that case files and populations are loaded against,
// read once from the source tree (DECREE_SOURCE_DIR) when the target starts, and the loading of
// a case file of each format.
#pragma once

#include <cstdio>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <string>
#include <vector>

#include "dsl/ast.hpp"
#include "dsl/diagnostic.hpp"
#include "dsl/load.hpp"
#include "engine/case_load.hpp"

namespace decree::fuzz {

// The effective policy in `relative` (a path under the source tree); the target stops at once
// if it does not load, since every input would then be tested against nothing.
inline ast::Policy policy_from_tree(const std::string& relative) {
  SourceSet sources;
  auto loaded = dsl::load_policy(std::string(DECREE_SOURCE_DIR) + "/" + relative, sources);
  if (!loaded.effective) {
    std::fprintf(stderr, "fuzz: cannot load %s\n", relative.c_str());
    std::abort();
  }
  return *loaded.effective;
}

// The two policies case files are loaded against: the telegram, and the golden tests' small one.
inline const std::vector<const ast::Policy*>& case_policies() {
  static const ast::Policy telegram = policy_from_tree("policies/telegram-1956.decree");
  static const ast::Policy golden = policy_from_tree("tests/golden/cases/policy.decree");
  static const std::vector<const ast::Policy*> both{&telegram, &golden};
  return both;
}

// What the case-loading targets share: `data` loaded whole as a case file named `name` (whose
// extension picks the format), against each of case_policies().
inline int load_case_file(const std::uint8_t* data, std::size_t size, const char* name) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  for (const ast::Policy* policy : case_policies()) {
    SourceSet sources;
    auto loaded = engine::load_cases(text, name, *policy, sources);
    (void)loaded;
  }
  return 0;
}

}  // namespace decree::fuzz
