// The subcommands of `decree`. Each file cli/cmd_*.cpp adds one to the program and returns
// what runs when the user picks it.
#pragma once

#include <functional>

#include <CLI/CLI.hpp>

namespace decree::cli {

// Exit codes, the same for every subcommand.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;    // a test or expectation failed, or decisions differ where asked
inline constexpr int kExitBadInput = 2;  // bad input or usage

// The rule, as every command's --help ends with it.
inline constexpr const char* kExitRule =
    "Exit status, by one rule for every command: 0 when the command did everything asked and found\n"
    "nothing wrong; 1 when it ran but a result is not what was asked for (a test failed, a case got no\n"
    "version, a check warning under --strict, policies that differ for diff); 2 when an input was\n"
    "refused (a file that does not parse or load, a wrong option), after doing what the rest of the\n"
    "input allowed.";

using Runner = std::function<int()>;

// A subcommand added to the program, and what runs when the user picks it.
struct Subcommand {
  CLI::App* app = nullptr;
  Runner run;
};

Subcommand add_check(CLI::App& root);
Subcommand add_explain_code(CLI::App& root);
Subcommand add_fmt(CLI::App& root);
Subcommand add_validate(CLI::App& root);
Subcommand add_run(CLI::App& root);
Subcommand add_explain(CLI::App& root);
Subcommand add_test(CLI::App& root);
Subcommand add_show(CLI::App& root);
Subcommand add_diff(CLI::App& root);
Subcommand add_what_if(CLI::App& root);
Subcommand add_explore(CLI::App& root);
Subcommand add_report(CLI::App& root);
Subcommand add_serve(CLI::App& root);  // cli/cmd_serve.cpp, on web/
Subcommand add_completion(CLI::App& root);  // hidden: walks every subcommand of root when it runs
Subcommand add_interview(CLI::App& root);
Subcommand add_convert(CLI::App& root);

}  // namespace decree::cli
