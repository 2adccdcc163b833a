// What `decree check` adds once a policy has no errors: the explored space of its cases
// (engine/space), read for conflicts between rules and rules that can never apply, each
// turned into a warning with a witness, so that a class finds them before its cases do.
#pragma once

#include <cstdint>
#include <vector>

#include "dsl/diagnostic.hpp"
#include "engine/compile.hpp"

namespace decree::cli {

// Combinations check explores before it says the space is too large (2^20, about a million:
// well under a second). `decree explore` goes further, and can fix facts to split the space.
inline constexpr std::uint64_t kCheckSpaceLimit = std::uint64_t{1} << 20;

// check.conflict and check.dead-rule warnings, or one check.space-too-large note.
std::vector<Diagnostic> space_warnings(const engine::CompiledPolicy& policy, const std::string& file,
                                       std::uint64_t limit = kCheckSpaceLimit);

}  // namespace decree::cli
