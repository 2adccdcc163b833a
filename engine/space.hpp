// The whole space of cases: every combination of the facts a policy's decisions depend on,
// evaluated with the fast evaluate() and compressed into decision tables, with the conflicts,
// gaps, undetermined regions and rules that can never apply; and the regions where two
// policies decide differently. See docs/explore.md for what is guaranteed and how it scales.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "dsl/source.hpp"
#include "engine/compile.hpp"
#include "engine/evaluate.hpp"
#include "engine/space_compress.hpp"
#include "engine/value.hpp"

namespace decree::engine {

// Combinations one table may need before explore refuses (2^26, about 67 million).
inline constexpr std::uint64_t kDefaultSpaceLimit = std::uint64_t{1} << 26;
// Rows a table may have before it is cut short (the rest are counted, not listed).
inline constexpr std::size_t kMaxSpaceRows = 5000;
// Combinations all the tables together may need before explore refuses (2^28, about 268
// million: a minute or two on one core).
inline constexpr std::uint64_t kDefaultTotalSpaceLimit = std::uint64_t{1} << 28;

struct SpaceOptions {
  std::string decision;  // explore only this decision ("" = every decision, obligation and flag)
  // Facts fixed to one value for the whole space, as written on the command line
  // (`justified=true`, `request=return_to_ussr`, `years=3`, `post=unknown`).
  std::vector<std::pair<std::string, std::string>> set;
  bool all_known = false;          // leave `unknown` out of every fact's values
  std::vector<std::string> known;  // leave `unknown` out of these facts' values
  std::uint64_t limit = kDefaultSpaceLimit;  // combinations one table may need
  std::uint64_t total_limit = kDefaultTotalSpaceLimit;  // combinations all tables together may need
  std::size_t max_rows = kMaxSpaceRows;
  // Called about every 65,536 combinations with those evaluated so far and the total planned;
  // returning false stops the exploration (Ctrl-C): the result then holds the tables finished,
  // and names the others as not explored.
  std::function<bool(std::uint64_t done, std::uint64_t total)> progress;
};

// One value of an explored fact: a representative that stands for a region of the values the
// fact can take, all of which every condition of the policy treats alike.
struct SpaceValue {
  std::string label;     // "true", "korean", "< 1956-02-02", "3..9", "other", "unknown"
  Value value;           // the representative evaluated (for enumerations, in the first policy's numbering)
  bool ordered = false;  // int and date regions: [lo, hi], the ends open at the int64 limits
  std::int64_t lo = 0;
  std::int64_t hi = 0;
};

// A fact explored: its values, in order (unknown last, when it is a value).
struct SpaceColumn {
  std::string fact;
  dsl::FactType::Kind kind = dsl::FactType::Kind::Bool;
  std::vector<SpaceValue> values;
  bool has_unknown = true;
  // Compared with another fact (`x < y`) or ordered texts: the values are samples chosen from
  // the constants, not regions every condition treats alike.
  bool approximate = false;
};

// A row of a table: a cell per column (a set of that column's values; every value = "any")
// and what every combination in it comes to.
struct SpaceRow {
  std::vector<space::Mask> cells;  // by table column
  std::uint32_t verdict = 0;       // into the table's verdicts (gaps, raisings, diffs alike)
  std::uint64_t combinations = 0;  // how many combinations of the table's columns it stands for
};

struct SpaceTable {
  std::vector<Index> columns;       // into Space::columns: the facts shown, in declaration order
  std::vector<std::string> inert;   // facts it reads that never change its outcome
  std::uint64_t combinations = 0;   // product of the shown and inert columns' value counts
  std::vector<SpaceRow> rows;       // disjoint; together they cover every combination
  bool truncated = false;           // too many rows: `rows` is incomplete (see kMaxSpaceRows)
};

// A rule a verdict names, and the value it sets.
struct Setter {
  std::string rule;
  std::string value;
  friend bool operator==(const Setter&, const Setter&) = default;
};

// What a decision comes to in a region of the space.
struct Verdict {
  Status status = Status::NoDecision;
  std::string value;            // Decided, Defaulted: the value
  std::string by;               // Decided: who decides, when the rule says
  std::vector<Setter> rules;    // Decided: the standing rules that set it; Conflict: the clashing rules
  // Undetermined: what settling the unknown facts could lead to: "granted by embassy",
  // "refused (default)", "no decision", "not applicable" (a conflict is not foreseen here).
  std::vector<std::string> possible;
  friend bool operator==(const Verdict&, const Verdict&) = default;
};

// A rule that nearly applies where a decision falls to its default: every top-level
// conjunct of its `when` holds but one, which is false.
struct NearMiss {
  std::string rule;
  std::string condition;  // the conjunct that fails, as written
  SourceLoc loc;          // where that conjunct is written
};

// The regions where a decision falls to its default (or to none) while one rule fails on
// one condition only.
struct Gap {
  Verdict fallback;  // Defaulted or NoDecision
  NearMiss near;
  SpaceTable table;  // its rows' verdicts mean nothing
};

enum class Standing : std::uint8_t { No, Yes, Perhaps };
const char* to_string(Standing s);  // "no", "yes", "perhaps"

// Whether an obligation is owed (a flag raised) in a region, and by which rules.
struct Raised {
  Standing state = Standing::No;
  std::vector<std::string> rules;  // Yes: the rules that owe (raise) it
  friend bool operator==(const Raised&, const Raised&) = default;
};

struct DecisionSpace {
  std::string name;
  std::string title;
  SpaceTable table;               // rows' verdicts index `verdicts`
  std::vector<Verdict> verdicts;
  std::vector<Gap> gaps;          // by rule (in policy order), then by condition
  std::array<std::uint64_t, static_cast<std::size_t>(Status::Outside) + 1> counts{};  // combinations by Status
};

struct RaisedSpace {  // an obligation or a flag
  std::string name;
  std::string description;
  SpaceTable table;               // rows' verdicts index `verdicts`
  std::vector<Raised> verdicts;
};

struct DeadRule {
  enum class Why : std::uint8_t {
    NeverHolds,      // its `when` is never true
    AlwaysDefeated,  // whenever its `when` is true, an exception to it stands
    NeverInEffect,   // it stands only where the decisions it sets do not apply
  };
  std::string rule;
  SourceLoc loc;
  Why why = Why::NeverHolds;
  std::vector<std::string> defeated_by;  // AlwaysDefeated: the exceptions that stood
};
const char* to_string(DeadRule::Why w);  // "never_holds", "always_defeated", "never_in_effect"

struct FixedFact {
  std::string fact;
  std::string value;  // as shown: "true", "return_to_ussr", "unknown"
};

struct Space {
  std::string policy;
  std::string file;
  std::vector<SpaceColumn> columns;          // every fact explored, by slot
  std::vector<FixedFact> fixed;              // --set
  std::vector<std::string> unused_facts;     // read by no condition: left out of the space
  std::vector<DecisionSpace> decisions;
  std::vector<RaisedSpace> obligations;
  std::vector<RaisedSpace> flags;
  std::vector<DeadRule> dead_rules;
  std::vector<std::string> unchecked_rules;  // their own space exceeds the limit: not checked
  std::uint64_t evaluated = 0;               // combinations evaluated in all
  std::uint64_t planned = 0;                 // combinations the exploration needed in all
  bool approximate = false;                  // some column is approximate
  // Stopped before the end (SpaceOptions::progress): what was not explored ("decision return",
  // "rule grant_return"); the rest of the result holds only what was finished.
  bool interrupted = false;
  std::vector<std::string> not_explored;

  std::size_t conflict_rows() const;
  std::size_t gap_rows() const;
};

// Why explore refused: the message names the limit or the name at fault; the hint says what
// to do instead.
struct SpaceError {
  std::string message;
  std::string hint;
};

struct SpaceResult {
  std::optional<Space> space;
  std::optional<SpaceError> error;
};

SpaceResult explore_space(const CompiledPolicy& policy, const SpaceOptions& options = {});

// ---- two policies ---------------------------------------------------------------------------

// Where A and B differ about one decision (obligation, flag): each verdict names both sides.
struct DiffVerdict {
  Verdict a, b;            // for a decision
  Raised raised_a, raised_b;  // for an obligation or a flag
};

struct TargetDiff {
  enum class Kind : std::uint8_t { Decision, Obligation, Flag };
  Kind kind = Kind::Decision;
  std::string name;
  SpaceTable table;                  // only the rows where they differ
  std::vector<DiffVerdict> verdicts;
  std::uint64_t differing = 0;       // combinations where they differ
};
const char* to_string(TargetDiff::Kind k);  // "decision", "obligation", "flag"

struct SpaceDiff {
  std::string policy_a, policy_b;
  std::string file_a, file_b;
  std::vector<SpaceColumn> columns;
  std::vector<FixedFact> fixed;
  std::vector<TargetDiff> targets;           // those in both, A's order
  std::vector<std::string> only_in_a;        // "decision x", "obligation y"
  std::vector<std::string> only_in_b;
  std::uint64_t evaluated = 0;
  std::uint64_t planned = 0;
  bool approximate = false;
  bool interrupted = false;                  // as in Space
  std::vector<std::string> not_explored;

  bool differs() const;
};

struct SpaceDiffResult {
  std::optional<SpaceDiff> diff;
  std::optional<SpaceError> error;
};

// Decisions, obligations and flags are matched by name; facts by name (an enumeration value
// the other policy lacks is unknown to it, as when a case is run under it).
SpaceDiffResult diff_space(const CompiledPolicy& a, const CompiledPolicy& b, const SpaceOptions& options = {});

// ---- showing cells --------------------------------------------------------------------------

// A cell as a reader writes it: "any", "true", "known", "return_to_ussr|none",
// "any but return_to_ussr", "<= 5", "1956-02-03..1956-02-09|unknown".
std::string cell_text(const SpaceColumn& column, space::Mask cell);

// "granted by embassy", "refused (default)", "no decision", "not applicable",
// "undetermined: granted or refused", "CONFLICT".
std::string verdict_text(const Verdict& v);

}  // namespace decree::engine
