// The Decree grammar's entry rules, declared (BOOST_SPIRIT_DECLARE) so that including this
// header does not pull in the rule definitions (grammar_def.hpp, compiled once in grammar.cpp).
#pragma once

#include "dsl/ast.hpp"
#include "dsl/grammar_config.hpp"

namespace decree::dsl::grammar {

struct header_class;
struct item_class;
using header_type = x3::rule<header_class, ast::Header>;
using item_type = x3::rule<item_class, ast::Item>;
BOOST_SPIRIT_DECLARE(header_type, item_type)

header_type const& header_rule();
item_type const& item_rule();

}  // namespace decree::dsl::grammar
