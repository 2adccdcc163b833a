// Which version of a policy was in force on a date: the policy headers' status and `in force`
// ranges read as the sources allow, saying so when the sources leave the answer open.
#pragma once

#include <string>
#include <vector>

#include "dsl/ast.hpp"

namespace decree::engine {

// Whether a policy was in force on a day, as far as its header can tell.
enum class InForce { No, Yes, Perhaps };
InForce in_force_on(const ast::Header& header, const ast::Date& day);

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

// "from 1956-02-02 .. 1956-02-10 until open" — the header's dates in words.
std::string describe_in_force(const ast::Header& header);

}  // namespace decree::engine
