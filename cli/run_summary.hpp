// `decree run --summary`: the outcomes of many cases counted, not traced one by one. Takes case
// files, folders and population files alike (engine/inputs.hpp).
#pragma once

#include <string>
#include <vector>

namespace decree::cli {

// Loads the policy and the inputs, counts each decision's outcomes, obligations and flags, and
// prints the counts as text or JSON (schema decree.summary/1). Returns the exit status: 0, or 2
// on bad input.
int run_summary(const std::string& policy, const std::vector<std::string>& inputs, const std::string& format);

}  // namespace decree::cli
