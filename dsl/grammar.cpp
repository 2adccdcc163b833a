// Instantiates the Decree grammar's entry rules for the one iterator and context the parser
// uses. The only translation unit that includes grammar_def.hpp.
#include "dsl/grammar_def.hpp"

namespace decree::dsl::grammar {

BOOST_SPIRIT_INSTANTIATE(header_type, iterator_type, context_type)
BOOST_SPIRIT_INSTANTIATE(item_type, iterator_type, context_type)

header_type const& header_rule() { return header; }
item_type const& item_rule() { return item; }

}  // namespace decree::dsl::grammar
