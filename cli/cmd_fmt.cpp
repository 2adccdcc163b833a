// `decree fmt FILE...`: prints each policy in the canonical layout, rewrites it in place
// (atomically), or only checks that it already is. A file that does not parse is never formatted.
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "cli/installed/search_path.hpp"
#include "cli/common.hpp"
#include "dsl/format.hpp"
#include "dsl/input_file.hpp"
#include "dsl/load.hpp"
#include "dsl/parse.hpp"

namespace decree::cli {

namespace {

struct FmtArgs {
  std::vector<std::string> files;
  bool in_place = false;
  bool check = false;
};

// The temporary files of `fmt -i` sit beside the file they replace, named `.NAME.fmt-XXXXXX`
// (hidden, with mkstemp's six characters), and are locked (flock) while written: a file of that
// pattern that nobody holds was left by a run that was killed, and the next run removes it.
std::string temp_prefix(const std::filesystem::path& target) { return "." + target.filename().string() + ".fmt-"; }

bool is_our_temp(const std::string& name, const std::string& prefix) {
  if (name.size() != prefix.size() + 6 || name.compare(0, prefix.size(), prefix) != 0) return false;
  for (std::size_t i = prefix.size(); i < name.size(); ++i)
    if (!std::isalnum(static_cast<unsigned char>(name[i]))) return false;
  return true;
}

// Removes the temporary files a killed `fmt -i` of `path` left beside it: ours by name, owned by
// this user, regular files, and not locked by a run still writing them. Returns how many.
std::size_t remove_stale_temps(const std::string& path) {
  namespace fs = std::filesystem;
  fs::path target(path);
  fs::path dir = target.parent_path().empty() ? fs::path(".") : target.parent_path();
  const std::string prefix = temp_prefix(target);
  std::size_t removed = 0;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (!is_our_temp(name, prefix)) continue;
    int fd = ::open(it->path().c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) continue;
    struct stat st {};
    if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == ::geteuid() && ::flock(fd, LOCK_EX | LOCK_NB) == 0 &&
        ::unlink(it->path().c_str()) == 0)
      ++removed;
    ::close(fd);
  }
  return removed;
}

// Writes `text` to `path` so that the file is either untouched or wholly replaced: a temporary
// file in the same folder, flushed to disk, then renamed over the original. Returns "" or why not.
std::string write_atomically(const std::string& path, const std::string& text) {
  namespace fs = std::filesystem;
  fs::path target(path);
  fs::path dir = target.parent_path();
  std::string pattern = (dir / (temp_prefix(target) + "XXXXXX")).string();
  int fd = -1;
  std::string temp;
  for (int attempt = 0; fd < 0 && attempt < 8; ++attempt) {
    std::vector<char> name(pattern.begin(), pattern.end());
    name.push_back('\0');
    fd = ::mkstemp(name.data());
    if (fd < 0) return fmt::format("cannot create a temporary file beside it: {}", std::strerror(errno));
    temp = name.data();
    // Locked, it is ours; if another run's clean-up removed it before the lock, make another.
    struct stat locked {};
    if (::flock(fd, LOCK_EX) != 0 || ::fstat(fd, &locked) != 0 || locked.st_nlink == 0) {
      if (locked.st_nlink != 0) ::unlink(temp.c_str());
      ::close(fd);
      fd = -1;
    }
  }
  if (fd < 0) return "cannot create a temporary file beside it that stays in place";
  auto fail = [&](const char* what) {
    std::string why = fmt::format("{}: {}", what, std::strerror(errno));
    ::close(fd);
    ::unlink(temp.c_str());
    return why;
  };
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && ::fchmod(fd, st.st_mode & 07777) != 0) return fail("cannot copy its permissions");
  std::size_t written = 0;
  while (written < text.size()) {
    ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail("cannot write the temporary file");
    }
    written += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) return fail("cannot flush the temporary file to disk");
  if (::close(fd) != 0) {
    std::string why = fmt::format("cannot close the temporary file: {}", std::strerror(errno));
    ::unlink(temp.c_str());
    return why;
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    std::string why = fmt::format("cannot replace the file: {}", std::strerror(errno));
    ::unlink(temp.c_str());
    return why;
  }
  // Make the rename itself durable; failing here does not endanger the file, so it is not an error.
  int dir_fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (dir_fd >= 0) {
    ::fsync(dir_fd);
    ::close(dir_fd);
  }
  return {};
}

int run_fmt(const FmtArgs& args) {
  bool bad_input = false;
  std::vector<std::string> unformatted;
  for (const auto& path : args.files) {
    if (args.in_place && dsl::is_standard_input(path)) {
      fmt::print(stderr, "<stdin>: error: standard input cannot be rewritten in place; leave out -i to print it formatted\n");
      bad_input = true;
      continue;
    }
    const std::string file = dsl::shown_name(path);
    SourceSet sources;
    dsl::ParseLimits limits;
    auto read = dsl::read_source_file(path, limits.max_file_bytes);
    if (!read.text) {
      print_diagnostics(read.diagnostics, sources);
      bad_input = true;
      continue;
    }
    sources.add(std::make_shared<SourceFile>(file, *read.text));
    auto parsed = dsl::parse(*read.text, file, limits);
    if (!parsed.ok()) {
      print_diagnostics(parsed.diagnostics, sources);
      fmt::print(stderr, "{}: not formatted: {}\n", file, count_summary(parsed.diagnostics));
      bad_input = true;
      continue;
    }
    std::string formatted = dsl::format(*parsed.policy, *read.text);
    // Canonical spacing may make a policy written without any grow past the limit of a file.
    if (formatted.size() > limits.max_file_bytes) {
      fmt::print(stderr, "{}: error: formatted, this policy would be {} bytes, more than the {} bytes ({} MiB) a policy "
                         "file may hold; the file is left as it is (split it: a policy can extend another)\n",
                 file, formatted.size(), limits.max_file_bytes, limits.max_file_bytes >> 20);
      bad_input = true;
      continue;
    }
    // The formatter must not change what the policy says; if it would, refuse rather than write.
    auto again = dsl::parse(formatted, file, limits);
    std::string difference = again.ok() ? dsl::ast_difference(*parsed.policy, *again.policy) : "the result does not parse";
    if (!difference.empty()) {
      fmt::print(stderr, "{}: error: the formatter would change the policy ({}); the file is left as it is. "
                         "Please report this as a bug.\n", file, difference);
      bad_input = true;
      continue;
    }
    if (args.check) {
      if (formatted != *read.text) unformatted.push_back(file);
    } else if (args.in_place) {
      remove_stale_temps(path);
      if (formatted == *read.text) continue;
      std::string why = write_atomically(path, formatted);
      if (!why.empty()) {
        fmt::print(stderr, "{}: error: {}; the file is left as it is\n", file, why);
        bad_input = true;
      }
    } else {
      fmt::print("{}", formatted);
    }
  }
  if (!unformatted.empty()) {
    for (const auto& file : unformatted) fmt::print("{}\n", file);
    fmt::print(stderr, "{} file{} not formatted; run `decree fmt -i` on {} to fix\n", unformatted.size(),
               unformatted.size() == 1 ? " is" : "s are", unformatted.size() == 1 ? "it" : "them");
  }
  if (bad_input) return kExitBadInput;
  return unformatted.empty() ? kExitOk : kExitFailed;
}

}  // namespace

Subcommand add_fmt(CLI::App& root) {
  auto args = std::make_shared<FmtArgs>();
  CLI::App* app = root.add_subcommand("fmt", "Print policies in the canonical layout (comments kept)");
  app->add_option("files", args->files, "Policy files (.decree) to format")->required()->transform(names(NameKind::policy));
  auto* in_place = app->add_flag("-i,--in-place", args->in_place, "Rewrite each file in place (atomically)");
  app->add_flag("--check", args->check, "Change nothing; list the files that are not formatted and exit 1")
      ->excludes(in_place);
  app->footer("Exit status: 0 ok, 1 when --check finds an unformatted file, 2 when a file cannot be read or parsed.");
  return {app, [args] { return run_fmt(*args); }};
}

}  // namespace decree::cli
