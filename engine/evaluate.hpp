// The evaluator: a compiled policy applied to one case's facts gives an Outcome per decision
// (value, default, undetermined, conflict or not applicable), with the obligations owed and the
// flags raised. Kleene logic throughout; exceptions defeat the rules they name, in chains.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "engine/case.hpp"
#include "engine/compile.hpp"
#include "engine/logic.hpp"
#include "engine/value.hpp"

namespace decree::engine {

enum class Status : std::uint8_t {
  Decided,        // an applying, undefeated rule set it
  Defaulted,      // no rule set it; the decision's declared default
  NoDecision,     // no rule set it and it has no default
  Undetermined,   // depends on unknown facts (see explore())
  Conflict,       // two undefeated rules set different values
  NotApplicable,  // its `applies when` is false for this case
  Outside,        // the case is outside the policy's `scope`: the policy does not decide it
};
// "decided", "default", "no_decision", "undetermined", "conflict", "not_applicable", "outside"
const char* to_string(Status s);

// The outcome of one decision. Indices are into the CompiledPolicy that produced it.
struct DecisionResult {
  Status status = Status::NoDecision;
  Tri applies = Tri::True;  // the `applies when`, true when there is none
  Index value = kNone;      // Decided / Defaulted: into the decision's values
  Index by = kNone;         // Decided: into authorities, when the rule says who decides
  Index setting = kNone;    // Decided / Conflict: the winning setting (into settings); it names the rule
  Index other = kNone;      // Conflict: a setting that clashes with `setting`
  friend bool operator==(const DecisionResult&, const DecisionResult&) = default;
};

// The outcome of a case: one DecisionResult per decision (by decision index), the obligations
// owed and flags raised. Also holds the evaluator's working values (definitions, rules), which
// the trace reads. Reuse one Outcome across evaluations: after the first, evaluate() does not
// allocate.
struct Outcome {
  std::vector<DecisionResult> decisions;  // by decision index
  std::vector<Index> owed;                // into CompiledPolicy::owes, in policy order
  std::vector<Index> raised;              // into CompiledPolicy::raises, in policy order
  Tri in_scope = Tri::True;               // the policy's `scope` for this case (true when it has none)

  std::vector<Tri> definitions;           // by definition slot; kNotDerived where no condition read it
  std::vector<Tri> when;                  // by rule: its `when`
  std::vector<Tri> effective;             // by rule: `when` and not defeated by an effective exception
};

// In Outcome::definitions: a definition no evaluated condition needed (build_trace derives it).
inline constexpr Tri kNotDerived = static_cast<Tri>(3);

// Decisions only: the fast path. `facts` is indexed by fact slot (CompiledPolicy::facts) and
// must hold exactly one Value per fact; a value of the wrong kind counts as unknown.
void evaluate(const CompiledPolicy& policy, std::span<const Value> facts, Outcome& out);

// One decision alone: the same as evaluate()'s result for it, from only the rules that may set it
// and the exceptions that could defeat them (EvalPlan::decision_rules), for searches that ask
// one decision many times. `scratch` holds working values afterwards, not an Outcome.
DecisionResult evaluate_decision(const CompiledPolicy& policy, std::span<const Value> facts, Index decision,
                                 Outcome& scratch);

// A fact's value packed in 16 bytes, for evaluating large populations: what the evaluator
// reads of a Value, without the text. A text fact's `number` indexes a table of texts kept
// beside the population (see pack()); an enumeration's is the value's index, as in Value.
struct PackedValue {
  std::int64_t number = 0;  // Bool: 0 or 1; Int; Date: days since 1970-01-01; Enum: index; Text: index into texts
  Value::Kind kind = Value::Kind::Unknown;
};

// Decisions only, from packed facts (by slot) and the texts they index. Same results as the
// Value overload; about a third of the memory per case, which counts over a population.
void evaluate(const CompiledPolicy& policy, std::span<const PackedValue> facts, std::span<const std::string> texts,
              Outcome& out);

// Packs a value; a text is added to `texts` unless it is there already.
PackedValue pack(const Value& v, std::vector<std::string>& texts);

// The value of one condition (a node of CompiledPolicy::nodes) for these facts. `definitions`
// (by slot) holds what is derived so far, kNotDerived elsewhere; it is completed as needed.
// `settled`, when given, is an evaluate() of the same facts: what conditions that read a
// decision see; without it such a condition is unknown.
Tri eval_condition(const CompiledPolicy& policy, std::span<const Value> facts, std::span<Tri> definitions, Index node,
                   const Outcome* settled = nullptr);
// The same, reading the definitions an evaluate() of the same facts left in `outcome`
// (deriving, on the side, any it did not need).
Tri eval_condition(const CompiledPolicy& policy, std::span<const Value> facts, const Outcome& outcome, Index node);

// A case's facts bound to the policy's slots, once, by name. Keeps the provenance for traces.
struct Binding {
  std::vector<Value> values;                  // by fact slot
  std::vector<const FactValue*> provenance;   // by fact slot; null where the case is silent
  const Case* source = nullptr;               // must outlive the binding
};
Binding bind(const CompiledPolicy& policy, const Case& c);
// The same into `into`, whose buffers are reused (for a case at a time: no allocation after the first).
void bind(const CompiledPolicy& policy, const Case& c, Binding& into);

// A value read for a fact of `type`: as it is when its kind fits, an enumeration value
// re-indexed by this declaration (found by name: a case may be run under a policy that lists the
// values otherwise), and unknown when it does not fit.
Value bind_value(const dsl::FactType& type, const Value& v);

// ---- exploring an undetermined decision ----------------------------------------------------

inline constexpr std::size_t kMaxExploredUnknowns = 12;
inline constexpr std::size_t kMaxCombinations = std::size_t{1} << 20;  // partial assignments tried
inline constexpr std::size_t kMaxSettlementsListed = 24;

struct Assignment {
  Index fact = 0;
  Value value;
};

// "if justified = true and friends_agree = true -> granted by embassy"
struct Settlement {
  std::vector<Assignment> facts;
  DecisionResult result;  // Undetermined when these facts alone do not settle it
  // Into CompiledPolicy::owes: what the deciding rule, and every rule that follows from this
  // decision (`when return is granted`), owe with these facts.
  std::vector<Index> owed;
};

struct Exploration {
  Index decision = kNone;
  std::vector<Index> unknowns;       // unknown facts it depends on, by slot
  std::vector<Index> unexplorable;   // among them, facts with no values to try (see CompiledFact::probes)
  bool too_many = false;             // more than kMaxExploredUnknowns: nothing explored
  bool single_only = false;          // too many combinations (kMaxCombinations): only single facts
  std::vector<Index> needs;          // facts that appear in the smallest settling combinations
  std::vector<Settlement> single;    // each unknown fact alone, each of its values
  std::vector<Settlement> minimal;   // smallest combinations that settle it (at most kMaxSettlementsListed)
  std::size_t minimal_total = 0;     // how many there are in all
};

// Which unknown facts would settle `decision`, and what each value leads to. Deterministic:
// facts by slot, values in declared order.
Exploration explore(const CompiledPolicy& policy, std::span<const Value> facts, Index decision);

// Two results mean the same thing, whichever rule produced them (compares status, value, who
// decides). For comparing outcomes of one policy; across policies compare by name.
bool same_decision(const DecisionResult& a, const DecisionResult& b);

}  // namespace decree::engine
