// What the subcommands share: colour and JSON layout, printing diagnostics, loading policies.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "dsl/diagnostic.hpp"

namespace decree::cli {

// How every command colours its output (`--color auto|always|never`, before or after the command).
enum class ColorChoice { Auto, Always, Never };
void set_color_choice(ColorChoice choice);

// Whether to colour what goes to `stream`: always or never when asked; with `auto`, only on a
// terminal, and not when NO_COLOR is set or TERM is `dumb`.
bool use_color(std::FILE* stream);

// `--pretty`: JSON indented by two spaces. Without it, JSON is indented on a terminal and
// compact (one line) when written to a file or a pipe.
void set_pretty_json(bool pretty);
int json_indent();  // for nlohmann::json::dump: 2, or -1 for compact

// Prints diagnostics to stderr, errors first, then warnings, each by place; colour where allowed.
void print_diagnostics(std::vector<Diagnostic> diagnostics, const SourceSet& sources);

// "3 errors, 1 warning" (or "" when there are none).
std::string count_summary(const std::vector<Diagnostic>& diagnostics);

}  // namespace decree::cli
