// The Spirit X3 configuration of the Decree grammar: iterator, skipper and context types.
// Included only by the grammar's own translation units and dsl/parse.cpp.
#pragma once

#include <vector>

#include <boost/spirit/home/x3.hpp>

#include "dsl/diagnostic.hpp"
#include "dsl/parse.hpp"
#include "dsl/source.hpp"

namespace decree::dsl::grammar {

namespace x3 = boost::spirit::x3;

using iterator_type = const char*;

// What semantic actions need to turn positions into places and to report problems that do
// not stop parsing (a date that is no calendar day, a name over the limit).
struct ParseState {
  const char* begin = nullptr;
  const char* end = nullptr;
  const SourceFile* file = nullptr;
  const ParseLimits* limits = nullptr;
  std::vector<Diagnostic>* diagnostics = nullptr;
  std::vector<const char*> starts;  // where each enclosing `located[]` match began
};
struct state_tag;

// First character at or after `p` that is not whitespace or inside a comment.
inline const char* skip_blank(const char* p, const char* end) {
  while (p < end) {
    if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n' || *p == '\f' || *p == '\v') {
      ++p;
    } else if (*p == '#') {
      while (p < end && *p != '\n') ++p;
    } else {
      break;
    }
  }
  return p;
}

// Whitespace and `#` comments; comments end at a line break or the end of the input.
struct skipper_class;
using skipper_type = x3::rule<skipper_class> const;
skipper_type skipper = "whitespace";
inline auto const skipper_def = x3::char_(" \t\r\n\f\v") | x3::lexeme['#' >> *(x3::char_ - x3::eol) >> (x3::eol | x3::eoi)];
BOOST_SPIRIT_DEFINE(skipper)

using phrase_context_type = x3::phrase_parse_context<skipper_type>::type;
using context_type = x3::context<state_tag, ParseState, phrase_context_type>;

}  // namespace decree::dsl::grammar
