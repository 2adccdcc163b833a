// Renders an explored space (decision tables, conflicts, gaps, rules that never apply) and a
// diff of two spaces, as text for a person and as JSON for programs.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "engine/space.hpp"

namespace decree::engine {

// A table is drawn as a grid when it fits in this many characters, else one row per block.
inline constexpr std::size_t kSpaceGridWidth = 100;

// The JSON documents' "schema" fields (see docs/explore.md).
inline constexpr const char* kSpaceSchema = "decree.explore/1";
inline constexpr const char* kSpaceDiffSchema = "decree.explore-diff/1";

std::string render_space_text(const Space& space);
nlohmann::ordered_json space_json(const Space& space);

std::string render_space_diff_text(const SpaceDiff& diff);
nlohmann::ordered_json space_diff_json(const SpaceDiff& diff);

}  // namespace decree::engine
