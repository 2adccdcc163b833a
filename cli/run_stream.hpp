// `decree run`'s output written a case at a time (cli/run_stream.cpp): each case is evaluated
// and written whole before the next, in every format but html, whether the cases were loaded
// whole or are read a case at a time from their files.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "cli/evaluation.hpp"
#include "engine/case.hpp"

namespace decree::cli {

struct StreamArgs {
  std::vector<std::string> cases;  // files and folders
  std::string format;              // text, json or jsonl
  bool brief = false;
  std::string explain;
  bool sources = false;  // --sources: the cited paragraphs after the traces (text)
};

// The output of a run: begin(), add() for each case in order, end(). Only what the end needs
// is kept from case to case (the sections the cases cite), never the cases.
class RunWriter {
 public:
  RunWriter(const Prepared& prep, const StreamArgs& args);
  ~RunWriter();
  RunWriter(const RunWriter&) = delete;
  RunWriter& operator=(const RunWriter&) = delete;

  void begin();
  void add(const engine::Case& c);
  void end();
  std::size_t written() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Runs the cases a case at a time, reading each file a case at a time when it can (JSON Lines);
// returns the exit status, or -1 when the cases are to be loaded whole instead (other files,
// standard input, html). `prep` holds the policy.
int run_streamed(const Prepared& prep, const StreamArgs& args);

}  // namespace decree::cli
