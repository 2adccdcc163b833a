// A long exploration watched: its progress on stderr when stderr is a terminal (from the first
// second on), and Ctrl-C (SIGINT) stopping it cleanly, so that what was found so far is printed.
#pragma once

#include <chrono>

#include "engine/space.hpp"

namespace decree::cli {

// The exit status of an exploration stopped by Ctrl-C, as a shell reports a program that SIGINT ended.
inline constexpr int kExitInterrupted = 130;

class ExploreWatch {
 public:
  // Sets `options.progress` and takes SIGINT until destroyed; a second Ctrl-C ends the program.
  explicit ExploreWatch(engine::SpaceOptions& options);
  ~ExploreWatch();
  ExploreWatch(const ExploreWatch&) = delete;
  ExploreWatch& operator=(const ExploreWatch&) = delete;

  // Clears the progress line; after an interruption, says on stderr what was printed.
  void finish(bool interrupted);

 private:
  bool tell(std::uint64_t done, std::uint64_t total);

  bool terminal_ = false;
  bool shown_ = false;  // a progress line is on the screen
  std::chrono::steady_clock::time_point start_, last_;
};

}  // namespace decree::cli
