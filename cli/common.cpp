#include "cli/common.hpp"

#include <cstdlib>
#include <string_view>
#include <unistd.h>

#include <fmt/format.h>

namespace decree::cli {

namespace {
ColorChoice color_choice = ColorChoice::Auto;
bool pretty_json = false;
}  // namespace

void set_color_choice(ColorChoice choice) { color_choice = choice; }

bool use_color(std::FILE* stream) {
  if (color_choice != ColorChoice::Auto) return color_choice == ColorChoice::Always;
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color != nullptr && no_color[0] != '\0') return false;
  const char* term = std::getenv("TERM");
  if (term != nullptr && std::string_view(term) == "dumb") return false;
  return ::isatty(::fileno(stream)) == 1;
}

void set_pretty_json(bool pretty) { pretty_json = pretty; }

int json_indent() { return pretty_json || ::isatty(::fileno(stdout)) == 1 ? 2 : -1; }

void print_diagnostics(std::vector<Diagnostic> diagnostics, const SourceSet& sources) {
  sort_for_reading(diagnostics);
  RenderOptions options;
  options.color = use_color(stderr);
  std::fputs(render_all(diagnostics, sources, options).c_str(), stderr);
}

std::string count_summary(const std::vector<Diagnostic>& diagnostics) {
  std::size_t errors = 0;
  std::size_t warnings = 0;
  for (const auto& d : diagnostics) {
    if (d.severity == Severity::Error) ++errors;
    else if (d.severity == Severity::Warning) ++warnings;
  }
  std::string out;
  if (errors > 0) out += fmt::format("{} error{}", errors, errors == 1 ? "" : "s");
  if (warnings > 0) out += fmt::format("{}{} warning{}", out.empty() ? "" : ", ", warnings, warnings == 1 ? "" : "s");
  return out;
}

}  // namespace decree::cli
