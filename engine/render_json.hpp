// The trace as JSON values for programs that build on them (the web API, explain, what-if), in
// the versioned schema "decree.trace/1" that docs/trace-schema.md documents. Self-contained:
// names, not indices. Each is read back from the text engine/render_jsonl.hpp writes, which is
// the one writer of every field; `decree run` streams that text itself.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/compile.hpp"
#include "engine/render_jsonl.hpp"
#include "engine/trace.hpp"

namespace decree::engine {

nlohmann::ordered_json policy_json(const CompiledPolicy& policy);

// One case: its decisions with their rules, conditions and provenance, obligations and flags,
// and its history when it has one. Needs an evaluation made with options.trace.
nlohmann::ordered_json case_json(const CompiledPolicy& policy, const CaseEvaluation& ev);

// One case in brief (`decree run --brief --format json`): each decision's status, outcome, who
// decides and the rule, with the obligations and flags; no conditions.
nlohmann::ordered_json brief_case_json(const CompiledPolicy& policy, const CaseEvaluation& ev);

// {"schema": "decree.trace/1", "policy": {...}, "cases": [...]}
nlohmann::ordered_json run_json(const CompiledPolicy& policy, const std::vector<const CaseEvaluation*>& cases);

// {"schema": "decree.trace/1", "policy": {...}, "case": {...}, "why_not": {...}}
nlohmann::ordered_json why_not_json(const CompiledPolicy& policy, const CaseEvaluation& ev, const WhyNot& why);

}  // namespace decree::engine
