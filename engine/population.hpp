// Synthetic populations: a YAML file that describes many cases at once (a size, a seed, and for
// each fact the share of each value, with simple dependencies), validated against a policy with
// file:line:col errors, and the generator that draws its cases. The same file and seed give
// the same cases bit for bit on every machine: shares are integers and the generator is ours
// (engine/random.hpp). The format is in docs/counterfactuals.md, "Populations".
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dsl/ast.hpp"
#include "dsl/diagnostic.hpp"
#include "engine/case.hpp"
#include "engine/compile.hpp"
#include "engine/value.hpp"

namespace decree::engine {

// Shares are counted in billionths of the population: `0.25`, `25%` and `250000000` billionths
// are the same share, and drawing is integer arithmetic.
inline constexpr std::uint64_t kShareScale = 1'000'000'000;

// Limits on population files; each has its own message naming it.
struct PopulationLimits {
  std::size_t max_file_bytes = 1u << 20;  // 1 MiB
  std::uint64_t max_size = 10'000'000;    // cases in one population
  std::size_t max_values = 1'000;         // values one fact or trait may take
  std::size_t max_branches = 256;         // `when:` branches of one fact or trait
  std::size_t max_depth = 16;             // mappings and lists inside one another
};

// Something drawn for every case: a fact of the policy, or a trait that only the population
// knows (`removed_from_post`), which facts may depend on but which no case carries.
struct Attribute {
  // `if: {removed_from_post: true}`: the attribute drawn earlier took one of these values.
  struct Test {
    Index attribute = 0;          // into Population::attributes; always drawn before this one
    std::vector<Index> values;    // into that attribute's `values`
  };
  // One way the attribute is shared out: under `when:` for those that pass its tests, or (with no
  // tests) the `default:` for everyone else.
  struct Branch {
    SourceLoc loc;
    std::vector<Test> tests;             // all must hold; empty for the default
    std::vector<std::uint64_t> weights;  // by value; sums to kShareScale
  };

  std::string name;
  bool is_fact = true;
  SourceLoc loc;                 // where the population describes it
  std::vector<Value> values;     // what it may take, in the order first written; may hold Value::unknown()
  std::vector<std::string> value_names;  // as written: "true", "return_to_ussr", "unknown"
  std::vector<Branch> branches;  // the first branch whose tests hold decides; the last is the default
};

struct Population {
  std::string name;
  std::string title;
  std::string file;
  SourceLoc loc;                     // the `population:` key
  std::uint64_t size = 0;
  std::uint64_t seed = 0;
  std::string id_prefix;             // case n is `<prefix>-<n>`, numbered from 1, zero-padded
  std::vector<Attribute> attributes; // in drawing order: traits, then facts, each as written
  std::size_t traits = 0;            // how many of `attributes` (the first) are traits
};

struct PopulationLoadResult {
  std::optional<Population> population;  // present when there are no errors
  std::vector<Diagnostic> diagnostics;   // sorted by place
};

// Loads a population file and validates it against `policy`'s facts (`sources` receives the text).
PopulationLoadResult load_population(const std::string& path, const ast::Policy& policy, SourceSet& sources,
                                     const PopulationLimits& limits = {});
PopulationLoadResult load_population(std::string_view text, const std::string& file, const ast::Policy& policy,
                                     SourceSet& sources, const PopulationLimits& limits = {});

// Whether the file at `path` is a population rather than a case file: it has a `population:`
// key at the top level (a line that starts with it). Reads at most the first MiB.
bool is_population_file(const std::string& path);

// ---- drawing --------------------------------------------------------------------------------

// Draws case number `n` (0-based): the index into each attribute's `values`, by attribute.
// Depends on the seed, n and the attributes' descriptions only, never on the machine.
void draw(const Population& population, std::uint64_t n, std::vector<Index>& out);

// "soviet-koreans-0042" for n = 41 (the number is 1-based, padded to the width of the size).
std::string case_id(const Population& population, std::uint64_t n);

// Case number `n` as a Case, for traces: each fact's value points at the line of the population
// file that describes it. Traits are not facts, so no case carries them.
Case make_case(const Population& population, std::uint64_t n);

// Fills a policy's fact slots from drawn values without building a Case: the fast path for
// summaries and diffs over many cases. Facts are matched by name, enumeration values by name.
class PopulationBinder {
 public:
  PopulationBinder(const CompiledPolicy& policy, const Population& population);
  // `facts` is resized to the policy's facts; slots the population does not describe are unknown.
  void fill(const std::vector<Index>& drawn, std::vector<Value>& facts) const;

 private:
  std::size_t slots_ = 0;
  // For each fact attribute: its slot (kNone when the policy lacks it) and each value as the policy holds it.
  struct Slot {
    Index attribute = 0;
    Index slot = kNone;
    std::vector<Value> values;
  };
  std::vector<Slot> bound_;
};

}  // namespace decree::engine
