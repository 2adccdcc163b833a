// Fuzz target: the case loader on CSV case files (libcsv, a header row of fact names, one case a
// row, made into the same tree as YAML by engine/yaml_tree), then validation against a policy's
// facts, on any bytes, against the telegram policy and the golden tests' small policy. The name
// picks the format.
#include <cstddef>
#include <cstdint>

#include "fuzz_policy.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return decree::fuzz::load_case_file(data, size, "fuzz.csv");
}
