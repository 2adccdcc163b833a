// The search path: how a policy or case named without a path (`decree run telegram-1956 ly-kim`)
// is found among the shipped ones. Every subcommand that takes policies or cases attaches
// `names(kind)` to those options, so they all resolve names the same way (docs/install.md).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace decree::cli {

// A folder laid out like the installed share folder: policies/, scenarios/ (and sources/).
struct SearchRoot {
  std::filesystem::path dir;
  std::string origin;  // "DECREE_PATH", or "installed with decree"
};

// The folders of DECREE_PATH (separated by ':', empty entries ignored), then the share folder
// installed with the program, found from the executable: <bin>/../share/decree. Folders that do
// not exist are kept (an error lists where it looked) but never searched.
std::vector<SearchRoot> search_roots();

// What an argument may name.
enum class NameKind {
  policy,  // a policy: NAME.decree under policies/ or scenarios/counterfactual/
  cases,   // a case file NAME.yaml (or .yml) anywhere under scenarios/, or a folder of them there
  any,     // either (`decree run`'s cases, among which more policies may follow)
};

struct Resolved {
  std::string path;   // what to open: the argument itself when it is a path
  std::string error;  // set when the name is missing or ambiguous: what was looked for, and where
};

// Resolves one argument. It is used as given when it is `-`, holds a '/', or names a file or
// folder that exists from the current folder. Otherwise it is a name: NAME (or NAME.decree,
// NAME.yaml, NAME.yml, which narrow the search) looked up in each root in turn; the first root
// holding a match decides, and two matches in that root are an error (ambiguous).
Resolved resolve(const std::string& argument, NameKind kind, const std::vector<SearchRoot>& roots);

// The names found under the roots (file names without their extension, and folder names), sorted
// and without duplicates: what completion offers.
std::vector<std::string> shipped_names(NameKind kind, const std::vector<SearchRoot>& roots);

// A CLI11 transform resolving each value of an option with resolve() over search_roots(); a
// missing or ambiguous name is a usage error (exit 2) naming where it looked. Its name marks the
// kind, so completion offers the right names: name_kind() reads it back.
CLI::Validator names(NameKind kind);
std::optional<NameKind> name_kind(CLI::Option& option);
const char* kind_word(NameKind kind);  // "policy", "cases", "any"

}  // namespace decree::cli
