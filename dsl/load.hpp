// Loading a policy from disk: read with limits, parse, follow `extends` to the base, apply the
// amendment, check. The result is the effective policy the engine compiles.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "dsl/ast.hpp"
#include "dsl/diagnostic.hpp"
#include "dsl/parse.hpp"

namespace decree::dsl {

// Reads a file for parsing (`-` is standard input, shown as `<stdin>`; dsl/input_file.hpp):
// refuses directories, missing files, files over the size limit, binary files (a NUL byte) and
// text that is not UTF-8, each with its own message.
struct ReadResult {
  std::optional<std::string> text;
  std::vector<Diagnostic> diagnostics;
  std::optional<std::string> shown;  // text that is not UTF-8, its bad bytes made printable, to show the line
};
ReadResult read_source_file(const std::string& path, std::size_t max_bytes, const std::string& what = "policy");

struct LoadedPolicy {
  std::optional<ast::Policy> effective;  // present when there are no errors
  std::optional<ast::Policy> as_written; // the file itself, before its base was applied
  std::vector<std::string> chain;        // the files read, the base first
  std::vector<Diagnostic> diagnostics;
};

// `sources` receives every file read, for rendering diagnostics.
LoadedPolicy load_policy(const std::string& path, SourceSet& sources, const ParseLimits& limits = {});

}  // namespace decree::dsl
