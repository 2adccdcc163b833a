// Fuzz target: the checker (dsl::check) on every input that parses.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "dsl/check.hpp"
#include "dsl/parse.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = decree::dsl::parse(text, "fuzz.decree");
  if (!parsed.ok()) return 0;
  auto found = decree::dsl::check(*parsed.policy);
  (void)found;
  return 0;
}
