// decree: the command-line program. Parses arguments with CLI11 and runs the chosen subcommand.
#include <exception>
#include <vector>

#include <fmt/format.h>

#include "cli/commands.hpp"

int main(int argc, char** argv) {
  using namespace decree::cli;
  CLI::App app{"decree: the 1956 policy on Soviet Koreans in the DPRK, as rules you can run", "decree"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "decree 0.1.0");

  const std::vector<Subcommand> commands = {
      add_check(app),
      add_explain_code(app),
      add_fmt(app),
      add_validate(app),
      add_run(app),
      add_explain(app),
      add_test(app),
      add_show(app),
      add_diff(app),
      add_what_if(app),
      add_explore(app),
      add_report(app),
  };

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? kExitOk : kExitBadInput;
  }
  try {
    for (const auto& command : commands)
      if (command.app->parsed()) return command.run();
  } catch (const std::exception& e) {
    fmt::print(stderr, "decree: error: {}\n", e.what());
    return kExitBadInput;
  }
  return kExitBadInput;
}
