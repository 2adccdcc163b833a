// The compiler: turns a checked policy (ast::Policy after dsl::check) into a flat, indexed
// CompiledPolicy that the evaluator walks with no string look-ups and no allocation.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dsl/ast.hpp"
#include "dsl/diagnostic.hpp"
#include "dsl/types.hpp"
#include "engine/logic.hpp"
#include "engine/value.hpp"

namespace decree::engine {

// Indices into the arrays of a CompiledPolicy. `kNone` means "none" wherever an index is optional.
using Index = std::uint32_t;
inline constexpr Index kNone = 0xFFFF'FFFFu;

// A half-open range [begin, end) into one of the policy's flat arrays.
struct Range {
  Index begin = 0;
  Index end = 0;
  Index size() const { return end - begin; }
  bool empty() const { return begin == end; }
};

// One node of a condition. Conditions are stored in prefix order in CompiledPolicy::nodes: a
// node's operands follow it, and `end` is one past its whole subtree, so an `and` skips an
// operand's subtree in one step and no node points at another by address.
enum class NodeKind : std::uint8_t {
  Const,       // `constant`
  Fact,        // a bool fact: facts[a]
  Definition,  // a definition's truth: definitions[a]
  Not,         // the one operand that follows
  And,         // the operands that follow, up to `end`
  Or,
  IsKnown,     // facts[a] has a value (a == fact slot); for a definition: `definition` is set
  IsUnknown,
  IsValue,     // facts[a] is value `b` (enum index, or 0/1 for bool)
  IsNotValue,
  Compare,     // operand a `op` operand b (see Operand)
  DecisionIs,  // decision a's outcome is value b (only in the `when` of a rule that follows from decisions)
  DecisionIsNot,
  SetHas,       // set fact a holds value b (known present: true; known absent: false; else unknown)
  SetHasFact,   // set fact a holds the value of enumeration fact b
  SetEmpty,     // set fact a holds nothing; b is the mask of all its values
  SetNotEmpty,
};

// A comparison operand, packed in 32 bits: the top two bits say what the rest indexes.
struct Operand {
  enum Kind : std::uint32_t { Fact = 0, Constant = 1, Definition = 2 };
  static constexpr std::uint32_t make(Kind k, Index i) { return (static_cast<std::uint32_t>(k) << 30) | i; }
  static constexpr Kind kind(std::uint32_t op) { return static_cast<Kind>(op >> 30); }
  static constexpr Index index(std::uint32_t op) { return op & 0x3FFF'FFFFu; }
};

struct Node {
  NodeKind kind = NodeKind::Const;
  ast::CompareOp op = ast::CompareOp::Eq;  // Compare
  Tri constant = Tri::False;               // Const
  bool definition = false;                 // IsKnown/IsUnknown/IsValue/IsNotValue: `a` is a definition slot
  Index end = 0;                           // one past this node's subtree
  Index a = 0;
  Index b = 0;
};

// A condition a trace shows on its own line: a top-level conjunct of a rule's `when`, a
// definition's body or conjunct, or an `applies when`. Each remembers its text and what it reads.
struct Condition {
  Index node = 0;       // root of its subtree in `nodes`
  std::string text;     // as a reader would write it: "request is return_to_ussr"
  SourceLoc loc;
  Range facts;          // into `reads`: fact slots read directly
  Range definitions;    // into `reads`: definition slots read directly
  Range decisions;      // into `reads`: decisions read directly (`return is granted`)
  Range all_facts;      // into `reads`: fact slots read, through definitions and decisions too (sorted)
};

struct CompiledCitation {
  std::string source;    // the document key: "telegram"
  std::string section;   // "s3", or ""
  std::string quote;     // the clause, or ""
  SourceLoc loc;
};

struct CompiledFact {
  std::string name;
  std::string description;
  dsl::FactType type;
  SourceLoc loc;
  // Values tried when an undetermined decision is explored: every bool or enum value; for int
  // and date the boundaries the policy compares with (c-1, c, c+1); for text the literals and
  // one other text. Empty when the fact cannot be explored (compared only with other facts).
  std::vector<Value> probes;
};

struct CompiledDefinition {
  std::string name;
  std::string title;
  SourceLoc loc;
  Index body = 0;                  // root node
  Range conditions;                // into `conditions`: its conjuncts (or its whole body)
  Range all_facts;                 // into `reads`: every fact slot it reads, through other definitions
  std::vector<CompiledCitation> cites;
};

// `then return = granted by embassy`
struct Setting {
  Index rule = 0;
  Index decision = 0;
  Index value = 0;       // into the decision's values
  Index by = kNone;      // into `authorities`
  SourceLoc loc;
};

// `owe report_to_moscow "detail"` or `flag reason_mismatch "detail"`
struct Raising {
  Index rule = 0;
  Index what = 0;        // into `obligations` or `flags`
  std::string detail;
  SourceLoc loc;
};

struct CompiledDecision {
  std::string name;
  std::string title;
  SourceLoc loc;
  std::vector<std::string> values;
  Index default_value = kNone;     // into `values`
  Index applies = kNone;           // root node of `applies when`, or kNone (always applies)
  Range applies_conditions;        // into `conditions`: its conjuncts
  std::vector<Index> settings;     // into `settings`, by rule order: every rule that may set it
  std::vector<Index> depends_on;   // fact slots that can change its outcome (sorted)
  std::vector<CompiledCitation> cites;
};

struct CompiledRule {
  std::string name;
  std::string title;
  SourceLoc loc;
  Index when = kNone;              // root node, or kNone (always applies)
  Range conditions;                // into `conditions`: the when's top-level conjuncts
  std::vector<Index> exception_to; // rules this one defeats when it is in force
  Range defeaters;                 // into `defeaters`: rules that defeat this one
  Range settings;                  // into `settings`
  Range owes;                      // into `owes`
  Range raises;                    // into `raises`
  std::vector<CompiledCitation> cites;
  bool follows_decisions = false;  // its `when` reads a decision: evaluated after the decisions (owes and flags only)
};

struct Declaration {  // an authority, obligation or flag
  std::string name;
  std::string description;
  SourceLoc loc;
};

struct CompiledSource {
  std::string key;
  std::string description;
};

// What evaluate() reads, packed together apart from the names, texts and places a trace
// needs, so that one case touches a few cache lines of the policy. Derived by compile().
struct EvalPlan {
  struct Rule {
    Index when = kNone;   // root node, or kNone (always applies)
    Range defeaters;      // into CompiledPolicy::defeaters
    Range decisions;      // into `rule_decisions`: the decisions it sets
    bool after_decisions = false;  // reads decisions: its `when` is evaluated once they are settled
  };
  struct Decision {
    Index applies = kNone;        // root node, or kNone
    Index default_value = kNone;
    Range sets;                   // into `sets`, in rule order
    Range rules;                  // into `decision_rules`: the rules its outcome can turn on
  };
  struct Set {                    // one setting: CompiledPolicy::settings[id]
    Index id = 0;
    Index rule = 0;
    Index value = 0;
    Index by = kNone;
  };
  std::vector<Rule> rules;               // by rule index
  std::vector<Decision> decisions;       // by decision index
  std::vector<Set> sets;
  std::vector<Index> rule_decisions;
  // By decision, the rules that may set it and the exceptions that could defeat them,
  // transitively, in rule_order: all that evaluate_decision() evaluates. (Rules that read
  // decisions are never among them: they neither set decisions nor take part in exceptions.)
  std::vector<Index> decision_rules;
  std::vector<Index> definitions;        // by definition slot: its body's root node
  std::vector<Index> owes;               // by CompiledPolicy::owes index: the rule
  std::vector<Index> raises;             // by CompiledPolicy::raises index: the rule
  std::vector<Index> followers;          // rules that read decisions (after_decisions), in rule order
  std::vector<Index> facts_by_name;      // fact slots in the order of their names (a Case's facts' order)
  Index scope = kNone;                   // root node of the header's `scope`, or kNone
};

struct CompiledPolicy {
  std::string name;
  std::string title;
  std::string file;
  std::string status;              // enacted | draft | counterfactual | common
  std::optional<ast::DateRange> in_force_from;
  std::optional<ast::DateRange> in_force_until;
  std::vector<CompiledSource> sources;
  // The header's `scope`: whom the policy addresses. A case for which it is false is outside
  // the policy: no decision of it is taken. kNone: the policy claims every case.
  Index scope = kNone;             // root node
  Range scope_conditions;          // into `conditions`: its conjuncts
  std::string scope_text;          // "covered"

  std::vector<CompiledFact> facts;               // slot = index
  std::vector<CompiledDefinition> definitions;   // in dependency order: each after all it reads
  std::vector<CompiledDecision> decisions;
  std::vector<CompiledRule> rules;               // in the policy's order
  std::vector<Declaration> authorities;
  std::vector<Declaration> obligations;
  std::vector<Declaration> flags;

  std::vector<Node> nodes;
  std::vector<Value> constants;
  std::vector<Condition> conditions;
  std::vector<Index> reads;        // slots referenced by Condition ranges
  std::vector<Setting> settings;
  std::vector<Raising> owes;
  std::vector<Raising> raises;
  std::vector<Index> defeaters;    // rule indices, referenced by CompiledRule::defeaters
  std::vector<Index> rule_order;   // every rule after all the exceptions that could defeat it
  // Definitions are derived when a condition first reads them (memoised), unless a chain of
  // definitions reading definitions is deeper than the evaluator's recursion allows; then all
  // are derived up front, in order.
  bool lazy_definitions = true;
  EvalPlan plan;

  Index find_fact(std::string_view name) const;
  Index find_definition(std::string_view name) const;
  Index find_decision(std::string_view name) const;
  Index find_rule(std::string_view name) const;
  Index find_value(Index decision, std::string_view value) const;
  const CompiledSource* find_source(std::string_view key) const;
};

struct CompileResult {
  std::optional<CompiledPolicy> policy;  // present when there are no errors
  std::vector<Diagnostic> diagnostics;
};

// Compiles a policy that dsl::check accepted (every name resolved). Anything the checker
// should have caught is still reported here, as an error, rather than trusted.
CompileResult compile(const ast::Policy& policy);

// The text of a condition as a reader would write it, with parentheses only where needed.
std::string condition_text(const ast::Expr& e);

}  // namespace decree::engine
