// Why each decision came out as it did, in sentences a student can read aloud, generated from
// the trace and the policy's own titles, descriptions and citations (never a template per
// policy); and which conditions of the deciding rule actually decided it (the decisive ones:
// those whose change would change the outcome, found by the what-if search for flips).
#pragma once

#include <string>
#include <vector>

#include "engine/compile.hpp"
#include "engine/trace.hpp"
#include "engine/whatif.hpp"

namespace decree::engine {

struct DecisionExplanation {
  Index decision = kNone;
  // "Return to the USSR: REFUSED by embassy, because …"; "It defeats …"; "If justified is true …"
  std::vector<std::string> because;
  // Facts (by slot) that, given another known value with everything else as it is, change the
  // outcome to another value or leave it undetermined. A change that only makes the decision
  // not apply is not counted: the `applies when` says so already. Empty for not applicable.
  std::vector<Index> decisive_facts;
  // Into CompiledPolicy::conditions: the conditions of the rules that may set the decision
  // (and of the definitions they open) that read a decisive fact.
  std::vector<Index> decisive;

  bool is_decisive(Index condition) const;
};

// One per decision, by decision order. Needs an evaluation made with options.trace (and with
// options.explore, for what would settle an undetermined decision).
std::vector<DecisionExplanation> explain_case(const CompiledPolicy& policy, const CaseEvaluation& ev);

// explain_case for case after case of one policy, with its buffers kept from one case to the
// next (the what-if search's, and the explanations' own vectors): what a writer of many traces
// uses.
class CaseExplainer {
 public:
  explicit CaseExplainer(const CompiledPolicy& policy);
  CaseExplainer(const CaseExplainer&) = delete;
  CaseExplainer& operator=(const CaseExplainer&) = delete;

  // What explain_case(policy, ev) gives, valid until the next call.
  const std::vector<DecisionExplanation>& explain(const CaseEvaluation& ev);

 private:
  const CompiledPolicy& policy_;
  SingleFlips flips_;
  std::vector<DecisionExplanation> explanations_;
  std::vector<std::string> spare_;       // the room of sentences written before, for the next ones
  std::vector<std::string> rule_names_;  // how the sentences name each rule, made once
};

// The explanations a trace writer shows for `ev`: none when it was evaluated without a trace;
// else explainer->explain(ev) when an explainer is given, or explain_case(policy, ev) kept in
// `own`. Valid while `own` and the explainer are, until the explainer's next case.
const std::vector<DecisionExplanation>& explanations_for(const CompiledPolicy& policy, const CaseEvaluation& ev,
                                                         CaseExplainer* explainer, std::vector<DecisionExplanation>& own);

DecisionExplanation explain_decision(const CompiledPolicy& policy, const CaseEvaluation& ev, Index decision);

// A fact's value and where it came from, as a sentence puts it: "documented, memo p4",
// "not given in the case", "set on the command line", "from the case".
std::string provenance_words(const CaseEvaluation& ev, Index slot);

}  // namespace decree::engine
