// `decree diff --explore A B` and `decree explore --against B A`: the regions of the whole case
// space where two policies decide differently, as compressed rows. Owned by cmd_explore.cpp;
// the diff command calls it for `--explore`.
#pragma once

#include <string>

#include "engine/space.hpp"

namespace decree::cli {

// Loads, checks and compiles both policies, explores the space of the facts their decisions
// read, and prints where they differ (`format`: "text" or "json"). Returns the exit status:
// 0 when they never differ, 1 when they do, 2 on bad input.
int run_diff_explore(const std::string& a, const std::string& b, const std::string& format);
int run_diff_explore(const std::string& a, const std::string& b, const std::string& format,
                     const engine::SpaceOptions& options);

}  // namespace decree::cli
