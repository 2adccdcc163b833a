// What a decision came to, in words: one vocabulary for every command and format. A value a
// rule or default gave is written in capitals with who decides ("REFUSED by embassy",
// "REFERRED TO MOSCOW by moscow", "REFUSED (default)"); a decision that did not come to a value
// says so in lower case ("not applicable", "undetermined", "conflict", "no decision").
#pragma once

#include <string>
#include <string_view>

#include "engine/compile.hpp"
#include "engine/evaluate.hpp"

namespace decree::engine {

// From names: `status` as to_string(Status) writes it ("decided", "default", "undetermined",
// "conflict", "not_applicable", "no_decision"; also "absent", a decision the policy lacks);
// `value` and `by` may be empty.
std::string outcome_text(std::string_view status, std::string_view value, std::string_view by = {});

// From a result of `decision` in `policy`. A conflict names the rules that clash:
// "conflict (grant_return says granted, refer says referred_to_moscow)".
std::string outcome_text(const CompiledPolicy& policy, Index decision, const DecisionResult& r);

}  // namespace decree::engine
