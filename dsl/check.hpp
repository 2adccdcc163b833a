// The checker: everything wrong with a parsed policy that the grammar cannot see, reported all
// at once. Also resolves what each name in an expression refers to (ast::Expr::ref).
#pragma once

#include <vector>

#include "dsl/amend.hpp"
#include "dsl/ast.hpp"
#include "dsl/diagnostic.hpp"

namespace decree::dsl {

struct CheckOptions {
  // Items an amendment dropped: a name still used after its item was dropped is reported as
  // such ("… but the amendment drops it"), with a note at the `drop`, not as a plain typo.
  std::vector<DroppedItem> dropped;
};

// Checks a complete (effective) policy: names, types, values, exceptions, cycles, unused facts.
// Annotates `policy` in place. Errors make the policy unusable; warnings do not.
// Diagnostics come sorted by place.
std::vector<Diagnostic> check(ast::Policy& policy, const CheckOptions& options = {});

}  // namespace decree::dsl
