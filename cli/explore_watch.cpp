#include "cli/explore_watch.hpp"

#include <csignal>
#include <cstdio>

#include <unistd.h>

#include <fmt/format.h>

#include "engine/words.hpp"

namespace decree::cli {

namespace {

volatile std::sig_atomic_t interrupt_requested = 0;

extern "C" void on_interrupt(int) {
  interrupt_requested = 1;
  std::signal(SIGINT, SIG_DFL);  // a second Ctrl-C ends the program at once
}

}  // namespace

ExploreWatch::ExploreWatch(engine::SpaceOptions& options)
    : terminal_(::isatty(STDERR_FILENO) == 1), start_(std::chrono::steady_clock::now()), last_(start_) {
  interrupt_requested = 0;
  std::signal(SIGINT, on_interrupt);
  options.progress = [this](std::uint64_t done, std::uint64_t total) { return tell(done, total); };
}

ExploreWatch::~ExploreWatch() { std::signal(SIGINT, SIG_DFL); }

bool ExploreWatch::tell(std::uint64_t done, std::uint64_t total) {
  if (interrupt_requested) return false;
  if (!terminal_) return true;
  const auto now = std::chrono::steady_clock::now();
  if (now - start_ < std::chrono::seconds(1) || now - last_ < std::chrono::milliseconds(200)) return true;
  last_ = now;
  const double seconds = std::chrono::duration<double>(now - start_).count();
  const double share = total == 0 ? 0.0 : 100.0 * static_cast<double>(done) / static_cast<double>(total);
  fmt::print(stderr, "\rexploring: {:.0f}% ({} of {} combinations), {:.0f} s; Ctrl-C stops and prints what was found\x1b[K",
             share, engine::with_commas(done), engine::with_commas(total), seconds);
  std::fflush(stderr);
  shown_ = true;
  return true;
}

void ExploreWatch::finish(bool interrupted) {
  if (shown_) fmt::print(stderr, "\r\x1b[K");
  shown_ = false;
  if (interrupted)
    fmt::print(stderr, "explore: interrupted (Ctrl-C); the tables printed are those finished before it, the others are "
                       "named as not explored\n");
}

}  // namespace decree::cli
