// decree: the command-line program. Parses arguments with CLI11 and runs the chosen subcommand.
#include <algorithm>
#include <exception>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "engine/version.hpp"
#include "dsl/diagnostic.hpp"

namespace {

// `decree chek`: CLI11 would take the word for an argument and say only that a command is
// required. Say what was typed, and the nearest command.
int refuse_unknown_command(const CLI::App& app, int argc, char** argv) {
  std::vector<std::string> names;
  for (const CLI::App* sub : app.get_subcommands({}))
    if (!sub->get_group().empty()) names.push_back(sub->get_name());  // not the hidden ones
  std::string list;
  for (const auto& name : names) list += (list.empty() ? "" : ", ") + name;
  if (argc < 2) {
    fmt::print(stderr, "decree: error: no command given\n  hint: the commands are {}; `decree --help` says what each does\n", list);
    return decree::cli::kExitBadInput;
  }
  // The first word that is not an option (or the value of --color) names the command.
  for (int i = 1; i < argc; ++i) {
    std::string word = argv[i];
    if (word == "--color") {
      ++i;
      continue;
    }
    if (!word.empty() && word[0] == '-') continue;
    if (!app.get_subcommands([&](const CLI::App* sub) { return sub->get_name() == word; }).empty()) return -1;  // hidden ones too
    std::string near = decree::nearest_name(word, names);
    fmt::print(stderr, "decree: error: `{}` is not a command of decree\n", word);
    if (!near.empty()) fmt::print(stderr, "  hint: did you mean `{}`? The commands are {}\n", near, list);
    else fmt::print(stderr, "  hint: the commands are {}\n", list);
    return decree::cli::kExitBadInput;
  }
  return -1;
}

// `decree run --frobnicate POLICY`: CLI11 leaves the unknown option aside and first says that a
// required argument is missing. Name the option instead, with the nearest one the command has.
// Returns the exit status, or -1 when every option is known.
int refuse_unknown_option(const CLI::App& app, int argc, char** argv) {
  const CLI::App* command = nullptr;
  for (int i = 1; i < argc && command == nullptr; ++i) {
    const std::string word = argv[i];
    for (const CLI::App* sub : app.get_subcommands({}))
      if (sub->get_name() == word) command = sub;
  }
  if (command == nullptr) return -1;
  for (int i = 1; i < argc; ++i) {
    std::string word = argv[i];
    if (word == "--") break;
    if (word.size() < 2 || word[0] != '-' || (word[1] >= '0' && word[1] <= '9')) continue;
    const std::string name = word.substr(0, word.find('='));
    if (command->get_option_no_throw(name) != nullptr || app.get_option_no_throw(name) != nullptr) continue;
    std::vector<std::string> options;
    for (const CLI::Option* o : command->get_options())
      for (const auto& n : o->get_lnames()) options.push_back("--" + n);
    const std::string near = decree::nearest_name(name, options);
    fmt::print(stderr, "decree {}: error: `{}` is not an option of `decree {}`\n", command->get_name(), name,
               command->get_name());
    if (!near.empty()) fmt::print(stderr, "  hint: did you mean `{}`? `decree {} --help` lists them\n", near, command->get_name());
    else fmt::print(stderr, "  hint: `decree {} --help` lists its options\n", command->get_name());
    return decree::cli::kExitBadInput;
  }
  return -1;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace decree::cli;
  CLI::App app{"decree: the 1956 policy on Soviet Koreans in the DPRK, as rules you can run", "decree"};
  app.require_subcommand(1);
  app.set_version_flag("--version", decree::engine::generator());
  // Options every command takes, before or after its name (subcommands inherit fallthrough).
  app.fallthrough();
  std::string color = "auto";
  app.add_option("--color", color, "Colour the output: auto (on a terminal, unless NO_COLOR is set or TERM=dumb), always, never")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->capture_default_str();
  bool pretty = false;
  app.add_flag("--pretty", pretty, "Indent JSON output (it is compact when not written to a terminal)");
  app.footer(kExitRule);

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
      add_serve(app),
      add_completion(app),  // hidden: scripts and names for shell completion, man pages
      add_interview(app),
      add_convert(app),
  };

  // Each command's help ends with its own exit statuses and then the rule they follow.
  for (CLI::App* sub : app.get_subcommands({}))
    if (!sub->get_group().empty()) sub->footer(sub->get_footer() + "\n" + kExitRule);

  if (int status = refuse_unknown_command(app, argc, argv); status >= 0) return status;
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (dynamic_cast<const CLI::RequiredError*>(&e) != nullptr)
      if (int status = refuse_unknown_option(app, argc, argv); status >= 0) return status;
    int code = app.exit(e);
    return code == 0 ? kExitOk : kExitBadInput;
  }
  set_color_choice(color == "always" ? ColorChoice::Always : color == "never" ? ColorChoice::Never : ColorChoice::Auto);
  set_pretty_json(pretty);
  try {
    for (const auto& command : commands)
      if (command.app->parsed()) return command.run();
  } catch (const std::exception& e) {
    fmt::print(stderr, "decree: error: {}\n", e.what());
    return kExitBadInput;
  }
  return kExitBadInput;
}
