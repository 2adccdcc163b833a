// Fuzz target: the parser (dsl::parse) on any bytes. It must refuse bad input with diagnostics,
// never crash, hang or read out of bounds.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "dsl/parse.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto result = decree::dsl::parse(text, "fuzz.decree");
  (void)result;
  return 0;
}
