// Fuzz target: the case loader on CSV case files (libcsv, a header row of fact names, one case a
// row, made into the same tree as YAML by engine/yaml_tree), then validation against a policy's
// facts, on any bytes, against the telegram policy and the golden tests' small policy. The name
// picks the format.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "engine/case_load.hpp"
#include "fuzz_policy.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace decree;
  static const ast::Policy telegram = fuzz::policy_from_tree("policies/telegram-1956.decree");
  static const ast::Policy golden = fuzz::policy_from_tree("tests/golden/cases/policy.decree");
  std::string_view text(reinterpret_cast<const char*>(data), size);
  for (const ast::Policy* policy : {&telegram, &golden}) {
    SourceSet sources;
    auto loaded = engine::load_cases(text, "fuzz.csv", *policy, sources);
    (void)loaded;
  }
  return 0;
}
