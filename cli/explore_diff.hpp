// The options that shape a case space (`--decision`, `--set`, `--known`, `--known-fact`), shared
// by `decree explore` and `decree diff --explore`, and the comparison of two policies over the
// whole space: the regions where they decide differently, as compressed rows. Owned by
// cmd_explore.cpp; the diff command calls it for `--explore`.
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "engine/space.hpp"

namespace decree::cli {

struct SpaceArgs {
  std::string decision;
  std::vector<std::string> set;
  std::vector<std::string> known_facts;
  bool known = false;
  std::uint64_t limit = engine::kDefaultSpaceLimit;
  std::uint64_t total_limit = engine::kDefaultTotalSpaceLimit;
};

// Adds the space options to `app`, writing into `args` (which must outlive the parse).
// `limit_flag` names the option for the combination limit (`--limit` for explore; diff, whose
// `--limit` counts listed cases, calls it `--space-limit`); the total limit is `--total-limit`
// (`--space-total-limit` for diff).
void add_space_options(CLI::App* app, SpaceArgs& args, const std::string& limit_flag);

// `args` as SpaceOptions; false (after saying why on stderr) when a `--set` is not FACT=VALUE.
bool space_options(const SpaceArgs& args, engine::SpaceOptions& options);

// True when any space option was given (for commands where they need `--explore`).
bool any_space_option(const SpaceArgs& args);

// Loads, checks and compiles both policies, explores the space of the facts their decisions
// read, and prints where they differ (`format`: "text" or "json"). Returns the exit status:
// 0 when they never differ, 1 when they do, 2 on bad input.
int run_diff_explore(const std::string& a, const std::string& b, const std::string& format,
                     const engine::SpaceOptions& options);

}  // namespace decree::cli
