// Fuzz target: the formatter. For every input that parses and checks without errors: the
// formatted text must parse under the same limits (unless canonical spacing takes it past the
// file limit, which `decree fmt` reports), mean the same policy (dsl::ast_difference), and be
// its own format. Anything else aborts, which libFuzzer reports as a finding.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "dsl/check.hpp"
#include "dsl/format.hpp"
#include "dsl/parse.hpp"

namespace {

[[noreturn]] void fail(const char* what, const std::string& detail, const std::string& formatted) {
  std::fprintf(stderr, "format_fuzz: %s: %s\n--- formatted ---\n%s\n", what, detail.c_str(), formatted.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace decree;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = dsl::parse(text, "fuzz.decree");
  if (!parsed.ok()) return 0;
  ast::Policy checked = *parsed.policy;
  if (has_errors(dsl::check(checked))) return 0;
  std::string formatted = dsl::format(*parsed.policy, text);
  if (formatted.size() > dsl::ParseLimits{}.max_file_bytes) return 0;
  auto again = dsl::parse(formatted, "formatted.decree");
  if (!again.ok()) fail("the formatted policy does not parse", again.diagnostics.empty() ? "" : again.diagnostics[0].message, formatted);
  std::string difference = dsl::ast_difference(*parsed.policy, *again.policy);
  if (!difference.empty()) fail("the formatted policy means something else", difference, formatted);
  std::string twice = dsl::format(*again.policy, formatted);
  if (twice != formatted) fail("formatting the formatted policy changes it", "", twice);
  return 0;
}
