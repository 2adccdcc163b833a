// Shell completion generated from the program's own commands: describe() walks the CLI11 app
// (every visible subcommand, its options and positionals, the values an option accepts, and which
// positionals take policy or case names), and the scripts are written from that description.
// A new subcommand or option appears in completion, and in the man pages, without editing this.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/installed/search_path.hpp"

namespace decree::cli {

struct OptionInfo {
  std::vector<std::string> names;    // "-i", "--in-place"
  std::string description;           // its first line
  bool takes_value = false;
  bool repeatable = false;
  std::vector<std::string> choices;  // the values it accepts, when it names them ({text,json})
  std::optional<NameKind> kind;      // when its values are policy or case names
};

struct PositionalInfo {
  std::string name;
  std::optional<NameKind> kind;
  bool repeating = false;  // takes every argument left
};

struct CommandInfo {
  std::string name;
  std::string description;
  std::vector<OptionInfo> options;
  std::vector<PositionalInfo> positionals;
};

struct ProgramInfo {
  std::string name;
  std::vector<OptionInfo> options;
  std::vector<CommandInfo> commands;  // visible subcommands, in the order they were added
};

// Subcommands in the group "" (hidden from --help) are left out.
ProgramInfo describe(CLI::App& root);

// The scripts. They complete subcommands and options from the description, and policy and case
// names by asking the program (`decree completion names KIND`), which reads the search path.
std::string bash_script(const ProgramInfo& program);
std::string zsh_script(const ProgramInfo& program);

}  // namespace decree::cli
