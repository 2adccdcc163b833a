// Which version of a policy was in force on a date (one day, or every day of a month, a year or a
// range): the policy headers' status and `in force` ranges read as the sources allow, saying so
// when the sources leave the answer open.
#pragma once

#include <string>
#include <vector>

#include "dsl/ast.hpp"
#include "engine/case_date.hpp"

namespace decree::engine {

// Whether a policy was in force on a day, as far as its header can tell.
enum class InForce { No, Yes, Perhaps };
InForce in_force_on(const ast::Header& header, const ast::Date& day);
// Over the days `first` to `last` (both included): Yes when surely in force on every one of them,
// No when surely not in force on any of them, Perhaps otherwise.
InForce in_force_during(const ast::Header& header, const ast::Date& first, const ast::Date& last);

struct VersionChoice {
  enum class Kind {
    Picked,      // exactly one version was in force
    Open,        // the sources leave open which (or whether one) was in force: see `candidates`
    None,        // no version was in force on that day
  };
  Kind kind = Kind::None;
  std::size_t picked = 0;               // Picked: index into the headers given
  std::vector<std::size_t> candidates;  // Open: the versions that may have been in force
  std::string reason;                   // one sentence a historian can check against the headers
};

// Picks among `headers` the version in force on `day`. A `draft` is considered only when
// `include_drafts`; `common` bases and `counterfactual`s are never picked by date.
VersionChoice choose_version(const std::vector<const ast::Header*>& headers, const ast::Date& day,
                             bool include_drafts = false);

// The same for a date known only to lie within a span (a month, a year, a range): a version is
// picked only when it was surely in force on every day of the span and no other version may have
// been in force on any; a span that straddles a version's start or end is open, naming it.
VersionChoice choose_version(const std::vector<const ast::Header*>& headers, const CaseDate& when,
                             bool include_drafts = false);

// "from 1956-02-02 .. 1956-02-10 until open" — the header's dates in words.
std::string describe_in_force(const ast::Header& header);

}  // namespace decree::engine
