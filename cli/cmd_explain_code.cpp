// `decree explain-code CODE...`: what a diagnostic code means, in the words of the
// documentation (docs/language.md, docs/case-files.md, docs/counterfactuals.md).
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "dsl/diagnostic.hpp"
#include "dsl/diagnostic_codes.hpp"

namespace decree::cli {

namespace {

struct ExplainCodeArgs {
  std::vector<std::string> codes;
};

int run_explain_code(const ExplainCodeArgs& args) {
  int status = kExitOk;
  bool first = true;
  for (const auto& code : args.codes) {
    if (auto doc = describe_code(code)) {
      if (!first) fmt::print("\n");
      fmt::print("{}", render_code_doc(*doc));
      first = false;
      continue;
    }
    status = kExitBadInput;
    std::string near = nearest_name(code, documented_codes());
    fmt::print(stderr, "decree: error: `{}` is not a diagnostic code{}\n", code,
               code.find('.') == std::string::npos ? " (codes are written `stage.name`, as in `parse.expected`)" : "");
    if (!near.empty()) fmt::print(stderr, "  hint: did you mean `{}`?\n", near);
  }
  return status;
}

}  // namespace

Subcommand add_explain_code(CLI::App& root) {
  auto args = std::make_shared<ExplainCodeArgs>();
  CLI::App* app = root.add_subcommand("explain-code", "Say what a diagnostic code (error[parse.expected]) means");
  app->add_option("codes", args->codes, "Codes, as printed in brackets after `error` or `warning`")->required();
  app->footer("Exit status: 0 when every code is documented, 2 when one is not.");
  return {app, [args] { return run_explain_code(*args); }};
}

}  // namespace decree::cli
