// The justification trace, as data: for a case and a compiled policy, the value of every
// condition, what became of every rule (applied, defeated and by whom, or the first condition
// that failed), and for each decision the uncertain facts it rests on. Indices point into the
// CompiledPolicy; the renderers (render_text, render_json) turn them into words.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "engine/case.hpp"
#include "engine/compile.hpp"
#include "engine/evaluate.hpp"

namespace decree::engine {

enum class RuleState : std::uint8_t {
  Applies,        // its conditions hold and nothing defeats it
  Defeated,       // an exception to it stands (defeated_by)
  MaybeDefeated,  // its conditions hold, but an exception to it might stand (unknown)
  NotApplied,     // a condition is false (failed)
  Unknown,        // no condition is false, but one is unknown (failed)
};
// "applies", "defeated", "maybe_defeated", "did_not_apply", "unknown"
const char* to_string(RuleState s);

struct RuleTrace {
  RuleState state = RuleState::NotApplied;
  Index failed = kNone;       // into CompiledPolicy::conditions: the first false condition, or the first unknown one
  Index defeated_by = kNone;  // the rule (exception) that defeated it, or might
};

struct DecisionTrace {
  Index failed_applies = kNone;  // into conditions: the first false (or unknown) `applies when` condition
  Range rests_on;                // into Trace::rests_on: inferred or contested facts it rests on
};

struct Trace {
  std::vector<Tri> conditions;          // by CompiledPolicy condition index: its value for this case
  std::vector<Tri> definitions;         // by definition slot: every definition's value
  std::vector<RuleTrace> rules;         // by rule index
  std::vector<DecisionTrace> decisions; // by decision index
  std::vector<Index> rests_on;          // fact slots, grouped by DecisionTrace::rests_on

  std::vector<std::uint8_t> scratch;    // working marks, kept to avoid allocating per case
};

// Builds the trace of an evaluate() of the same facts. `provenance` is by fact slot and may be
// empty (a synthetic case has none; nothing then rests on uncertain facts). Reuse one Trace
// across cases: after the first, this does not allocate.
void build_trace(const CompiledPolicy& policy, std::span<const Value> facts,
                 std::span<const FactValue* const> provenance, const Outcome& outcome, Trace& out);

// ---- one case, evaluated with everything a reader needs ------------------------------------

struct EvalOptions {
  bool trace = true;    // build the Trace
  bool explore = true;  // explore each undetermined decision (see explore())
};

struct CaseEvaluation {
  const Case* source = nullptr;          // the case, which must outlive this
  Binding binding;
  Outcome outcome;
  Trace trace;                           // empty unless options.trace
  std::vector<Exploration> explorations; // one per undetermined decision, by decision order

  const Exploration* exploration(Index decision) const;
};

CaseEvaluation evaluate_case(const CompiledPolicy& policy, const Case& c, const EvalOptions& options = {});
// The same into `into`, whose buffers are reused from one case to the next.
void evaluate_case(const CompiledPolicy& policy, const Case& c, const EvalOptions& options, CaseEvaluation& into);

// ---- why not? -----------------------------------------------------------------------------

// Why `decision` did not come out as `value`: every rule that could have set that value and
// what stopped it (the rule's RuleTrace says: defeated by whom, or which condition failed).
struct WhyNot {
  Index decision = kNone;
  Index value = kNone;
  DecisionResult actual;
  bool is_outcome = false;      // it did come out so
  bool is_default = false;      // `value` is the decision's default
  std::vector<Index> settings;  // into CompiledPolicy::settings: every rule that sets decision = value
};
WhyNot why_not(const CompiledPolicy& policy, const CaseEvaluation& ev, Index decision, Index value);

// ---- outside the policy --------------------------------------------------------------------

// Why a case is, or may be, outside the policy: the facts behind its `scope` that are false
// (or, when the scope is unknown, unknown), found by descending from the scope's conjuncts into
// the definitions they read. When the policy has no scope, or the case is within it, but no
// decision applies, the facts of the `applies when` conditions that failed. Slots, sorted.
struct OutsideReason {
  bool outside = false;          // the case is outside the policy (scope false, or no decision applies)
  bool maybe = false;            // the scope is unknown: the case may be outside
  bool by_scope = false;         // the scope decides it (else: no decision applies)
  std::vector<Index> conditions; // the scope's conjuncts that are not true (into CompiledPolicy::conditions)
  std::vector<Index> facts;      // the facts behind them, by slot
};
OutsideReason outside_reason(const CompiledPolicy& policy, const CaseEvaluation& ev);

// ---- outcomes in words, for comparing across policies and with expectations ----------------

// What a decision came to, as a case file's `expect:` writes it: the value (decided or by
// default), or "undetermined", "conflict", "not_applicable", "no_decision".
std::string outcome_word(const CompiledPolicy& policy, Index decision, const DecisionResult& r);

struct NamedDecision {
  std::string decision;
  std::string outcome;  // outcome_word
  std::string status;   // to_string(Status)
  std::string by;       // who decides, or ""
  std::string rule;     // the deciding rule, or ""
  friend bool operator==(const NamedDecision&, const NamedDecision&) = default;
};

struct NamedOutcome {
  std::vector<NamedDecision> decisions;  // by decision order
  std::vector<std::string> obligations;  // names, sorted, unique
  std::vector<std::string> flags;        // names, sorted, unique
};

NamedOutcome name_outcome(const CompiledPolicy& policy, const Outcome& outcome);

}  // namespace decree::engine
