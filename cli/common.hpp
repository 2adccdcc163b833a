// What the subcommands share: colour on terminals only, printing diagnostics, loading policies.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "dsl/diagnostic.hpp"

namespace decree::cli {

// True when `stream` is a terminal and NO_COLOR is not set.
bool use_color(std::FILE* stream);

// Prints diagnostics to stderr, sorted by place, with colour where allowed.
void print_diagnostics(std::vector<Diagnostic> diagnostics, const SourceSet& sources);

// "3 errors, 1 warning" (or "" when there are none).
std::string count_summary(const std::vector<Diagnostic>& diagnostics);

}  // namespace decree::cli
