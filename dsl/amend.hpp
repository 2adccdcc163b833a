// Amendments: applying a policy that `extends` another to its (effective) base, item by item,
// so that a counterfactual is a small file. The result is checked like any policy.
#pragma once

#include <string>
#include <vector>

#include "dsl/ast.hpp"
#include "dsl/diagnostic.hpp"

namespace decree::dsl {

// An item the amendment removed with `drop`; the checker uses these to explain a name that is
// still used after its declaration was dropped.
struct DroppedItem {
  ast::ItemKind kind = ast::ItemKind::Rule;
  std::string name;
  SourceLoc dropped_at;   // the `drop` in the amendment
  SourceLoc declared_at;  // the declaration in the base
};

// What the amendment did to one base item, for `decree show` and for traces.
struct AmendChange {
  ast::Item::Op op = ast::Item::Op::Add;  // Add (new item), Replace, Drop
  ast::ItemKind kind = ast::ItemKind::Rule;
  std::string name;
  SourceLoc loc;       // in the amendment
  SourceLoc base_loc;  // Replace / Drop: the base item's declaration
};

struct AmendResult {
  // The base's items with the amendment applied: added items at the end, replaced items in the
  // place of the base item, dropped items gone. Every item keeps its own SourceLoc (so its file
  // says where it came from) and every item's op is Add. The header is the amendment's, with
  // the base's sources first; `comments` is empty (comments belong to the files, not to this).
  ast::Policy effective;
  std::vector<DroppedItem> dropped;
  std::vector<AmendChange> changes;  // in the amendment's order
  std::vector<Diagnostic> diagnostics;
};

// Applies `amendment` (a parsed policy with `header.extends`) to `base` (an effective, checked
// policy). Reports an added name the base already has, a replace or drop of something missing,
// and a replaced rule that sets other decisions than the original: each with both places.
AmendResult amend(const ast::Policy& base, const ast::Policy& amendment);

}  // namespace decree::dsl
