// The rules graph: which rule is an exception to which, drawn as SVG by the server (no Graphviz).
// Rules that are exceptions to none stand in the first column; an exception stands one column
// right of the rightmost rule it defeats, on the row below it, with an arrow "defeats" to each.
#pragma once

#include <string>

#include "engine/compile.hpp"

namespace decree::web {

std::string rules_graph_svg(const engine::CompiledPolicy& policy);

}  // namespace decree::web
