// The checker: everything wrong with a parsed policy that the grammar cannot see, reported all
// at once. Also resolves what each name in an expression refers to (ast::Expr::ref).
#pragma once

#include <vector>

#include "dsl/ast.hpp"
#include "dsl/diagnostic.hpp"

namespace decree::dsl {

// Checks a complete (effective) policy: names, types, values, exceptions, cycles, unused facts.
// Annotates `policy` in place. Errors make the policy unusable; warnings do not.
std::vector<Diagnostic> check(ast::Policy& policy);

}  // namespace decree::dsl
