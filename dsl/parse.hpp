// The parser's front door: Decree source text in, AST and diagnostics out. No parser type
// crosses this header; the Spirit X3 grammar lives in grammar*.{hpp,cpp}.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dsl/ast.hpp"
#include "dsl/diagnostic.hpp"

namespace decree::dsl {

// Limits on policy source; each has its own error message naming it (see docs/language.md).
struct ParseLimits {
  std::size_t max_file_bytes = 1 << 20;    // 1 MiB
  std::size_t max_line_chars = 10'000;
  std::size_t max_name_chars = 200;
  std::size_t max_nesting = 64;            // parentheses and `not`s around one condition
  std::size_t max_string_chars = 2'000;
};

struct ParseResult {
  std::optional<ast::Policy> policy;  // present unless the header could not be read
  std::vector<Diagnostic> diagnostics;
  bool ok() const { return policy.has_value() && !has_errors(diagnostics); }
};

// Parses `source`, naming it `file` in every place. Continues past errors where it can
// (at the next top-level item), so one run reports every broken item.
ParseResult parse(std::string_view source, const std::string& file, const ParseLimits& limits = {});

}  // namespace decree::dsl
