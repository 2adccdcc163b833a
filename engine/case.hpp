// A case as loaded from a YAML case file: its facts with their provenance, its expectations,
// and (for historical cases) what actually happened.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "dsl/ast.hpp"
#include "dsl/source.hpp"
#include "engine/case_date.hpp"
#include "engine/value.hpp"

namespace decree::engine {

enum class Certainty { Documented, Inferred, Contested, Unstated };
const char* to_string(Certainty c);  // "documented", "inferred", "contested", "unstated"

struct Case;
// The date that picks a case's version: the decision's when the case gives it, else the
// request's; null when it gives neither. `which` says which ("decided", "date", "requested").
struct CaseDateUsed {
  const struct CaseDate* date = nullptr;
  const char* which = "";
};
CaseDateUsed date_for_versions(const Case& c);

// One fact of a case and where it came from.
struct FactValue {
  Value value;
  SourceLoc loc;          // where in the case file the value is written
  std::string source;     // the document and paragraph it rests on, e.g. "memo p4"
  Certainty certainty = Certainty::Unstated;
  std::string note;       // the source sentence, or why it is inferred or contested
  bool for_household = false;  // `for: household`: stated once for the household; its members take it
  std::string household_of;    // taken from the household's head: the head's case id (else empty)
};

// `household: {head: pak-gil-ryong, relation: wife and children}`: this case belongs to the
// household whose head's case is named; facts the head states `for: household` are this case's
// too, unless it states them itself.
struct Household {
  SourceLoc loc;
  std::string head;      // the head's case id
  SourceLoc head_loc;
  std::string relation;  // in words: "wife and children"
};

// The expected outcome of one decision under one policy.
struct ExpectedDecision {
  SourceLoc loc;
  std::string value;             // a decision value, or "undetermined", "conflict", "not_applicable"
  std::optional<std::string> by; // who decides, when the expectation says
};

// An `expect:` block for one policy. Obligations and flags are compared only when listed.
struct Expectation {
  std::string policy;
  SourceLoc loc;
  std::map<std::string, ExpectedDecision> decisions;
  std::optional<std::set<std::string>> obligations;
  std::optional<std::set<std::string>> flags;
  std::string comment;  // why this outcome follows (shown when it fails)
};

// What actually happened to the person, for replaying history against the written rules.
struct History {
  SourceLoc loc;
  std::string summary;                          // "returned to the USSR in 1957"
  std::map<std::string, std::string> decisions; // decision -> value that history records
  std::string source;
};

struct Case {
  std::string id;
  std::string title;
  std::optional<CaseDate> date;               // when the request was decided, as exactly as the sources give it (`date:` or `decided:`)
  std::optional<CaseDate> requested;          // when the request was made (`requested:`)
  bool decided_written = false;               // the decision date was written `decided:` (not `date:`)
  std::optional<Household> household;
  std::string source;
  SourceLoc loc;                              // the case's first line
  std::map<std::string, FactValue> facts;     // absent: unknown
  std::vector<Expectation> expect;
  std::optional<History> history;
};

}  // namespace decree::engine
