// What-if: one case re-evaluated with some of its facts changed, and, for a decision, the
// smallest sets of fact changes that would flip it ("L. Yu. Kim would have been granted return
// had misdemeanor been false and justified been true"), found by exhaustive search.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/case.hpp"
#include "engine/compile.hpp"
#include "engine/evaluate.hpp"
#include "engine/value.hpp"

namespace decree::engine {

// One fact given another value (Value::unknown() makes it unknown).
struct FactChange {
  Index fact = 0;  // slot in the policy
  Value value;
};

// Reads `fact=value` (as `--set` gives it) against the policy's facts: `true`, `42`,
// `1956-02-10`, an enumeration value, any text for a text fact, or `unknown`. On a mistake,
// returns nullopt and says what was expected in `error` (and `hint`).
std::optional<FactChange> parse_change(const CompiledPolicy& policy, std::string_view text, std::string& error,
                                       std::string& hint);

// The case with the changes made: each changed fact's provenance says it was set on the command
// line (`--set`), not read from the case file.
Case apply_changes(const CompiledPolicy& policy, const Case& c, const std::vector<FactChange>& changes);

// ---- flipping a decision ------------------------------------------------------------------

inline constexpr std::size_t kMaxFlipChanges = 3;                 // facts changed at once, at most
inline constexpr std::uint64_t kMaxFlipEvaluations = 4'000'000;  // past this, larger sets are not searched

// A set of fact changes and what the decision becomes with them.
struct Flip {
  std::vector<FactChange> changes;  // by fact slot
  DecisionResult result;
};

// The minimal flips that lead to one outcome: no listed set holds another set that leads to the
// same outcome. (A superset may be listed under another outcome: with misdemeanor = false the
// return is undetermined; with justified = true besides, it is granted.)
struct FlipGroup {
  std::string outcome;      // outcome_word() of the results
  std::vector<Flip> flips;  // smallest first, then by fact slot and value order
};

struct FlipSearch {
  Index decision = kNone;
  DecisionResult original;
  std::vector<Index> facts;       // the facts searched: those the decision depends on
  std::size_t searched = 0;       // sets of up to this many changes were searched in full
  std::uint64_t evaluated = 0;    // evaluations made
  bool limited = false;           // searched < max_changes because of kMaxFlipEvaluations
  std::vector<FlipGroup> groups;  // by outcome: declared values, then undetermined, conflict, no_decision, not_applicable
};

// Every minimal set of at most `max_changes` changes to the facts `decision` depends on that
// changes its outcome (its value, or undetermined/conflict/not applicable). Each fact is tried
// with each of its probe values (every bool and enumeration value; ints and dates at the
// boundaries the policy compares them with) and unknown, except the value it has.
FlipSearch find_flips(const CompiledPolicy& policy, std::span<const Value> facts, Index decision,
                      std::size_t max_changes = kMaxFlipChanges);

// The single changes of one fact to another known value that change a decision's outcome, for
// one case and any of its decisions: what find_flips(policy, facts, decision, 1) finds among
// known values, in its search order (facts as the decision depends on them, then values in probe
// order). Cheaper, for a trace that asks it of every decision of every case: unknown is not
// tried (for a yes/no fact, half of find_flips' evaluations), each evaluation is of the one
// decision alone (evaluate_decision), and the buffers are kept from one call to the next and,
// through reset(), from one case to the next.
class SingleFlips {
 public:
  // One change: the fact, its new value as an index into the fact's probes, and the result.
  struct Change {
    Index fact = kNone;
    std::uint32_t probe = 0;
    DecisionResult result;
  };

  // `facts` must outlive this (or the next reset).
  SingleFlips(const CompiledPolicy& policy, std::span<const Value> facts);
  // Without facts: reset() gives them.
  explicit SingleFlips(const CompiledPolicy& policy);

  // Another case. `facts` must outlive the calls that follow; `outcome`, when given, is what
  // evaluate() gives for them (else it is evaluated here).
  void reset(std::span<const Value> facts, const Outcome* outcome = nullptr);

  std::vector<Flip> to_known_values(Index decision);

  // The same changes, in the same order, without copying their values: valid until the next
  // call or reset. With `applying`, those after which the decision does not apply (status
  // NotApplicable) are left out, and where that is clear beforehand not evaluated: outside the
  // scope, a fact that the scope does not read can only leave the decision outside or make it
  // not apply.
  //
  // `explored`, when given, is explore() of the same facts and decision: the results of its
  // single changes (each value of each unknown fact it tries) are taken from it, not evaluated
  // again.
  const std::vector<Change>& changes_to_known_values(Index decision, bool applying = false,
                                                     const Exploration* explored = nullptr);

 private:
  // The known probes the fact does not have, by index into its probes.
  std::span<const std::uint32_t> values(Index fact);
  // Fills gates_.
  void find_gates();

  const CompiledPolicy& p_;
  std::span<const Value> facts_;
  std::vector<Value> work_;
  Outcome original_, scratch_;
  const Outcome* outcome_ = nullptr;  // the case's outcome: &original_ or the caller's
  // values(f), found at the first call for the fact in this case: tried_[tried_at_[f]..] holds
  // tried_count_[f] indices (tried_at_[f] == kNone until then).
  std::vector<std::uint32_t> tried_;
  std::vector<Index> tried_at_, tried_count_;
  std::vector<Index> searched_;
  std::vector<Change> changes_;
  // By decision, then by fact slot: 1 when the policy's scope reads the fact, 2 when the
  // decision's `applies when` does and the scope does not, 0 when neither (through definitions
  // too). A decision outside the scope stays outside, and so unchanged, whatever a fact of 0
  // becomes; a fact of 2 can only make it not apply. Those changes are not evaluated.
  std::vector<char> gates_;
  // Outside the scope, what the scope comes to after each change tried (parallel to tried_:
  // 0 not yet known, else 1 + the Tri): the same for every decision of the case, and a change
  // that leaves it false leaves each decision outside or not applying.
  std::vector<std::uint8_t> scope_after_;
  std::vector<Tri> definitions_;  // eval_condition's, for the scope
};

}  // namespace decree::engine
