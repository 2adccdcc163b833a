// Fuzz target: the case loader (libyaml through engine/yaml_tree, then validation against a
// policy's facts), on any bytes, against the telegram policy and the golden tests' small policy.
#include <cstddef>
#include <cstdint>

#include "fuzz_policy.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return decree::fuzz::load_case_file(data, size, "fuzz.yaml");
}
