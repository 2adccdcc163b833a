// Comparing two policies case by case: which decisions, obligations and flags come out
// differently, and, for each difference, the part of the two traces that says why (the rule
// that decided under each policy and its conditions, the exception that defeated it, or the
// default). The two policies are compiled separately, so everything is compared by name.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "dsl/ast.hpp"
#include "engine/case.hpp"
#include "engine/compile.hpp"
#include "engine/evaluate.hpp"
#include "engine/trace.hpp"

namespace decree::engine {

// `base` with the fact declarations of `other` that it lacks (their types written out in full),
// so that a case file naming a fact only `other` declares still loads against `base`. Such a
// fact is simply absent when `base` is evaluated: bind() reads only `base`'s own facts.
ast::Policy with_facts_of(const ast::Policy& base, const ast::Policy& other);

// ---- why one decision came out as it did, under one policy --------------------------------

// A condition as a trace line: "misdemeanor  true  ly-kim.yaml:50".
struct ConditionLine {
  std::string text;
  Tri value = Tri::Unknown;
  std::string where;  // the case file and line, "not in the case", "define covered", or the facts it reads
};

// A rule that could set the decision, and what became of it.
struct RuleLine {
  std::string rule;
  std::string title;
  std::string sets;                        // "granted by embassy"
  RuleState state = RuleState::NotApplied;
  std::string defeated_by;                 // Defeated, MaybeDefeated: the exception
  std::vector<ConditionLine> conditions;   // Applies: all; Unknown: the open ones; NotApplied: the one that failed
  std::vector<ConditionLine> defeater_conditions;  // MaybeDefeated: the exception's open conditions
  std::vector<std::string> cites;          // "telegram s1"
};

// What a set of unknown facts would settle an undetermined decision to.
struct Branch {
  std::vector<std::pair<std::string, std::string>> facts;  // (fact, value)
  std::string result;                                      // "GRANTED by embassy (grant_return)"
};

struct Ground {
  bool present = true;        // the policy has this decision
  std::string outcome;        // outcome_word(), or "absent"
  std::string status;         // to_string(Status), or "absent"
  std::string by;             // who decides, or ""
  std::string described;      // describe_result(): "REFUSED by embassy"
  std::string rule;           // the deciding rule (decided), or ""
  std::string default_value;  // default: the value taken
  std::vector<ConditionLine> applies;  // not applicable, or unknown whether it applies: the open `applies when` conditions
  std::vector<RuleLine> rules;         // the rules that explain it (see ground())
  std::vector<std::string> needs;      // undetermined: the facts that would settle it
  std::vector<Branch> branches;        // undetermined: the smallest combinations that settle it
  std::size_t more_branches = 0;       // undetermined: combinations not listed
};

// Why `decision` came out as it did. Needs an evaluation made with a trace (and exploration, for
// the branches of an undetermined decision). Decided: the deciding rule with its conditions,
// then the rules it (or another exception) defeated. Default or no decision: every rule that
// could have set it and what stopped it. Undetermined: the rules that might set it, with their
// open conditions, and what would settle it. Conflict: the two rules. Not applicable: the
// `applies when` condition that failed.
Ground ground(const CompiledPolicy& policy, const CaseEvaluation& ev, Index decision);

// ---- one case under two policies ----------------------------------------------------------

struct DecisionDiff {
  std::string decision;
  std::string title;
  Ground a, b;
  bool outcome_differs = true;  // false: the same outcome, on other grounds
};

// An obligation or flag owed (raised) under one policy only.
struct RaisedDiff {
  std::string name;
  bool in_a = false;
  bool in_b = false;
  std::vector<std::string> rules;  // the rules that owe (raise) it, under the policy where it is
};

struct CaseDiff {
  std::string id;
  std::string title;
  SourceLoc loc;
  std::vector<DecisionDiff> decisions;  // those that differ, in decision order (A's, then B's own)
  std::vector<RaisedDiff> obligations;
  std::vector<RaisedDiff> flags;

  bool outcome_differs() const;
};

// What compare() found.
struct CaseVerdict {
  bool outcome_differs = false;  // a decision's outcome or who decides, an obligation or a flag
  bool grounds_differ = false;   // every outcome the same, but some decision rests on other rules or facts
};

// ---- over many cases ----------------------------------------------------------------------

// For one decision, how many cases came out as each (A, B) pair of outcomes.
struct DiffMatrix {
  std::string decision;
  std::vector<std::string> rows;                   // A's outcomes that occur
  std::vector<std::string> columns;                // B's outcomes that occur
  std::vector<std::vector<std::uint64_t>> counts;  // [row][column]
  std::uint64_t differing = 0;                     // cases where this decision's outcome differs
};

// How many cases owe an obligation (raise a flag) under A, under B, and under one only.
struct RaisedCount {
  std::string name;
  std::uint64_t a = 0, b = 0, only_a = 0, only_b = 0;
};

struct DiffSummary {
  std::uint64_t cases = 0;
  std::uint64_t differing = 0;     // cases whose outcome differs
  std::uint64_t grounds_only = 0;  // cases with the same outcomes on other grounds
  std::vector<DiffMatrix> decisions;
  std::vector<RaisedCount> obligations;
  std::vector<RaisedCount> flags;
};

// Two compiled policies matched by name. compare() is the fast path over slot vectors (one
// evaluate() each, no trace); explain() evaluates a Case with traces to say why.
class PolicyPair {
 public:
  PolicyPair(const CompiledPolicy& a, const CompiledPolicy& b);

  const CompiledPolicy& a() const { return a_; }
  const CompiledPolicy& b() const { return b_; }

  // Compares two outcomes of the same case (`a_facts`, `b_facts` are what each was evaluated on)
  // and adds them to `summary`.
  CaseVerdict compare(std::span<const Value> a_facts, const Outcome& a, std::span<const Value> b_facts, const Outcome& b,
                  DiffSummary* summary = nullptr);

  // The differences of one case, with the grounds of each. `grounds` also lists the decisions
  // whose outcome is the same but whose grounds differ.
  CaseDiff explain(const Case& c, bool grounds = false) const;
  // The same for two versions of one case (a what-if): `a_case` under A, `b_case` under B.
  CaseDiff explain(const Case& a_case, const Case& b_case, bool grounds = false) const;

  // The summary's matrices in their final order (declared values, then undetermined, conflict,
  // no_decision, not_applicable, absent). Call once, after the last compare().
  void finish(DiffSummary& summary) const;

 private:
  struct Key {  // a decision's outcome as names, comparable across the policies
    std::string outcome, status, by;
    friend bool operator==(const Key&, const Key&) = default;
  };
  Key key(const CompiledPolicy& p, Index d, const Outcome& o) const;
  std::string grounds_signature(const CompiledPolicy& p, std::span<const Value> facts, Index d, const Outcome& o) const;
  void raised_names(const CompiledPolicy& p, const Outcome& o, bool obligations, std::vector<std::uint8_t>& out) const;

  const CompiledPolicy& a_;
  const CompiledPolicy& b_;
  struct Decision {
    std::string name;
    std::string title;
    Index a = kNone;
    Index b = kNone;
  };
  std::vector<Decision> decisions_;
  std::vector<std::string> obligations_;                // union, sorted
  std::vector<std::string> flags_;                      // union, sorted
  std::vector<Index> a_obligation_, b_obligation_;      // policy obligation index -> union index
  std::vector<Index> a_flag_, b_flag_;
  // Per summary matrix: counts by (A outcome, B outcome).
  std::vector<std::vector<std::pair<std::pair<std::string, std::string>, std::uint64_t>>> tallies_;
  std::vector<std::uint8_t> raised_a_, raised_b_;  // scratch
};

}  // namespace decree::engine
