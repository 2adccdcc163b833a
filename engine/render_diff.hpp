// Policy diffs and what-ifs for readers: text for a terminal (each differing case with the part
// of the two traces that says why, then a summary table per decision) and JSON for programs,
// in the schema "decree.diff/1" that docs/counterfactuals.md documents.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/compile.hpp"
#include "engine/diff.hpp"
#include "engine/whatif.hpp"

namespace decree::engine {

inline constexpr const char* kDiffSchema = "decree.diff/1";

// A whole `decree diff` run.
struct DiffReport {
  const CompiledPolicy* a = nullptr;
  const CompiledPolicy* b = nullptr;
  std::vector<std::string> inputs;    // the case files and populations compared, as named
  std::vector<CaseDiff> differences;  // cases whose outcome differs, in input order (up to the limit)
  std::uint64_t unlisted = 0;         // differing cases past the limit
  bool grounds_listed = false;        // `grounds` holds the cases with the same outcomes on other grounds
  std::vector<CaseDiff> grounds;
  DiffSummary summary;
};

struct DiffTextOptions {
  bool color = false;
  std::size_t max_branches = 6;  // settling combinations shown per undetermined decision
  // How the two sides are named in headings: "A telegram_1956" and "B no_friends_veto" for a diff;
  // "as recorded" and "with the changes" for a what-if.
  std::string a_label = "A";
  std::string b_label = "B";
};

std::string render_diff(const DiffReport& report, const DiffTextOptions& options = {});

// One case's differences (the block render_diff prints for each case), without the case heading
// when `heading` is false.
std::string render_case_diff(const CaseDiff& diff, const std::string& a_name, const std::string& b_name,
                             const DiffTextOptions& options = {}, bool heading = true);

// The summary table alone.
std::string render_diff_summary(const DiffReport& report, const DiffTextOptions& options = {});

// What would flip one decision of a case (`who` names the case in the headline): each outcome
// it could flip to, with the minimal sets of changes that lead there (at most `max_listed` each).
std::string render_flips(const CompiledPolicy& policy, const FlipSearch& search, const std::string& who,
                         const DiffTextOptions& options = {}, std::size_t max_listed = 12);

// "had misdemeanor been false and justified been true"
std::string changes_text(const CompiledPolicy& policy, const std::vector<FactChange>& changes);

nlohmann::ordered_json diff_json(const DiffReport& report);
nlohmann::ordered_json flips_json(const CompiledPolicy& policy, const FlipSearch& search);
nlohmann::ordered_json case_diff_json(const CaseDiff& diff);
nlohmann::ordered_json ground_json(const Ground& g);

}  // namespace decree::engine
