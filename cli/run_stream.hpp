// `decree run` over JSON Lines case files, read, evaluated and written a case at a time
// (cli/run_stream.cpp).
#pragma once

#include <string>
#include <vector>

#include "cli/evaluation.hpp"

namespace decree::cli {

struct StreamArgs {
  std::vector<std::string> cases;  // files and folders
  std::string format;              // text or jsonl are streamed
  bool brief = false;
  std::string explain;
};

// Runs the cases a case at a time when every case file they name is JSON Lines (*.jsonl) and
// the format is text or jsonl; returns the exit status, or -1 when the cases are to be loaded
// whole instead (other files, standard input, other formats). `prep` holds the policy.
int run_streamed(const Prepared& prep, const StreamArgs& args);

}  // namespace decree::cli
