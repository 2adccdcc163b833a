// `decree run --as-of DATE POLICIES... CASES...`: for each case, the policy version in force on
// its date (or the date given), said plainly, and open where the sources leave it open.
#pragma once

#include <string>
#include <vector>

namespace decree::cli {

struct VersionRunArgs {
  std::vector<std::string> policies;
  std::vector<std::string> cases;
  std::string as_of;  // YYYY-MM-DD, or "" to use each case's own date
  bool drafts = false;
  bool brief = false;
  std::string format = "text";
  std::string explain = "short";  // --explain: because | short | full
  bool verbose = false;  // list the files in the folders given that are not case files
};

int run_versions(const VersionRunArgs& args);

}  // namespace decree::cli
