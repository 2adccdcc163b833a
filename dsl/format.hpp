// The canonical formatter behind `decree fmt`: one layout for every policy, comments kept.
// Formatting formatted text gives the same text (see docs/language.md, "Formatting").
#pragma once

#include <string>
#include <string_view>

#include "dsl/ast.hpp"

namespace decree::dsl {

// The widest line the formatter aims for; longer conditions are broken before `and`/`or`.
inline constexpr std::size_t kFormatWidth = 100;

// Prints `policy` in the canonical layout. `original_source` is the text it was parsed from:
// the formatter reads only where the author left blank lines between items.
std::string format(const ast::Policy& policy, std::string_view original_source);

// The first difference between two policies, ignoring places and comment placement (comment
// texts are compared in order); empty when they are the same. For round-trip tests and for
// `decree fmt`'s own safety check before it writes a file.
std::string ast_difference(const ast::Policy& a, const ast::Policy& b);

}  // namespace decree::dsl
