// Which version of a policy was in force on a date (one day, or every day of a month, a year or a
// range): the policy headers' status and `in force` ranges read as the sources allow, saying so
// when the sources leave the answer open.
#pragma once

#include <optional>
#include <string>
#include <string_view>
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

// The header's dates as what they are: "came into force on a day between 2 and 10 Feb 1956; no
// end is known; assumed still in force", "came into force on 29 Nov 1955; ended on a day between
// 2 and 10 Feb 1956", "a draft, never in force". Where the sources give no end, it says the
// version is assumed to be still in force.
std::string describe_in_force(const ast::Header& header);
std::string in_force_words(std::string_view status, const std::optional<ast::DateRange>& from,
                           const std::optional<ast::DateRange>& until);

// Whether the version's end is an assumption: in force (not a draft) and no `until` given.
bool end_assumed(std::string_view status, const std::optional<ast::DateRange>& until);

// "2 Feb 1956"
std::string day_words(const ast::Date& day);

}  // namespace decree::engine
