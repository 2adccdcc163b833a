// `decree completion bash|zsh|commands|names KIND`: hidden from --help. Prints a shell's completion
// script, written from the program's own subcommands and options (cli/installed/completion.cpp);
// the visible subcommands, one `NAME<TAB>DESCRIPTION` a line (what the man pages are made from);
// or the policy and case names found on the search path (what completion offers for them).
#include <cstdio>
#include <memory>
#include <string>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "cli/installed/completion.hpp"
#include "cli/installed/search_path.hpp"

namespace decree::cli {

namespace {

struct CompletionArgs {
  std::string what;
  std::string kind = "any";
};

int run_completion(CLI::App& root, const CompletionArgs& args) {
  std::string out;
  if (args.what == "bash") {
    out = bash_script(describe(root));
  } else if (args.what == "zsh") {
    out = zsh_script(describe(root));
  } else if (args.what == "commands") {
    for (const auto& c : describe(root).commands) out += c.name + "\t" + c.description + "\n";
  } else {
    const NameKind kind = args.kind == "policy" ? NameKind::policy : args.kind == "cases" ? NameKind::cases : NameKind::any;
    for (const auto& name : shipped_names(kind, search_roots())) out += name + "\n";
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return kExitOk;
}

}  // namespace

Subcommand add_completion(CLI::App& root) {
  auto args = std::make_shared<CompletionArgs>();
  CLI::App* app = root.add_subcommand("completion", "Print a shell completion script, the subcommands, or the shipped names");
  app->group("");  // hidden: used by the build and by the completion scripts
  app->add_option("what", args->what, "bash or zsh (a completion script), commands (NAME<TAB>DESCRIPTION), names")
      ->required()
      ->check(CLI::IsMember({"bash", "zsh", "commands", "names"}));
  app->add_option("kind", args->kind, "With names: policy, cases or any (default)")
      ->check(CLI::IsMember({"policy", "cases", "any"}));
  return {app, [args, &root] { return run_completion(root, *args); }};
}

}  // namespace decree::cli
