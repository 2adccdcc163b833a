// What the fuzz targets share: the policies that case files and populations are loaded against,
// read once from the source tree (DECREE_SOURCE_DIR) when the target starts.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "dsl/ast.hpp"
#include "dsl/diagnostic.hpp"
#include "dsl/load.hpp"

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

}  // namespace decree::fuzz
