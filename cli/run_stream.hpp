// `decree run`'s output written a case at a time (cli/run_stream.cpp): each case is evaluated
// and written whole before the next, in every format but html, whether the cases were loaded
// whole or are read a case at a time from their files.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
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

// The output of a run: begin(), add() for each case in order, end() (which writes nothing when
// the output never began). Only what the end needs
// is kept from case to case (the sections the cases cite), never the cases.
class RunWriter {
 public:
  RunWriter(const Prepared& prep, const StreamArgs& args);
  ~RunWriter();
  RunWriter(const RunWriter&) = delete;
  RunWriter& operator=(const RunWriter&) = delete;

  void begin();                     // the policy's line, the JSON Lines header, the document's opening
  void add(const engine::Case& c);  // begins the output first, if not yet begun
  void end();
  std::size_t written() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// What reading case files a case at a time met: the cases handed on and those refused.
struct StreamTotals {
  std::size_t cases = 0;           // valid cases handed on
  std::size_t rejected_files = 0;  // files with an error (in a case or in the file itself)
  std::size_t rejected_cases = 0;  // cases refused for their errors
  std::size_t errors = 0;          // the problems printed
  std::size_t warnings = 0;
};

// The case files and the population files among `paths` (folders searched, as load_inputs does):
// populations are a few lines each and are loaded; case files are read a case at a time. A path
// that is neither (missing, an empty folder) goes with the case files, whose reading reports it.
struct SplitInputs {
  std::vector<std::string> case_paths;
  std::vector<std::string> population_paths;
};
SplitInputs split_inputs(const std::vector<std::string>& paths);

// The case files `paths` stand for (engine::case_files), or nullopt when a folder among them
// holds none (loading it whole says so).
std::optional<std::vector<std::string>> streamable_files(const std::vector<std::string>& paths);

// Hands each valid case of the case files `files` (as engine::case_files lists them) to
// `on_case`, in order, and prints each problem at its place as it is met, between the cases
// written around it; ids must be unique across all the files (engine::stream_cases).
// With `print` false the problems are counted, not printed (they were printed once before).
StreamTotals stream_case_files(const std::vector<std::string>& files, const ast::Policy& policy,
                               const std::function<void(const engine::Case&)>& on_case, bool print = true);

// "2 errors, 1 warning": the problems printed.
std::string problem_counts(const StreamTotals& totals);

// "1 file rejected (2 cases with errors), 5 cases evaluated": the last line of a run that
// refused something, `done` naming what was done with the others ("evaluated", "counted").
std::string rejected_line(const StreamTotals& totals, std::size_t done, const char* done_word);

// Runs the cases a case at a time; returns the exit status, or -1 when the cases are to be
// loaded whole instead (html, or a folder without case files, which loading reports). `prep`
// holds the policy.
int run_streamed(const Prepared& prep, const StreamArgs& args);

}  // namespace decree::cli
