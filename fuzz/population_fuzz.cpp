// Fuzz target: the population loader, on any bytes, against the telegram policy and the golden
// tests' small policy; a population that loads has its first cases drawn, as `run --summary`
// and `diff` would.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "engine/population.hpp"
#include "fuzz_policy.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace decree;
  static const ast::Policy telegram = fuzz::policy_from_tree("policies/telegram-1956.decree");
  static const ast::Policy golden = fuzz::policy_from_tree("tests/golden/diff/base/base.decree");
  std::string_view text(reinterpret_cast<const char*>(data), size);
  for (const ast::Policy* policy : {&telegram, &golden}) {
    SourceSet sources;
    auto loaded = engine::load_population(text, "fuzz.yaml", *policy, sources);
    if (!loaded.population) continue;
    const auto& p = *loaded.population;
    std::vector<engine::Index> drawn;
    for (std::uint64_t n = 0; n < std::min<std::uint64_t>(p.size, 8); ++n) {
      engine::draw(p, n, drawn);
      auto c = engine::make_case(p, n);
      (void)c;
    }
  }
  return 0;
}
