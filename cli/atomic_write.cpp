#include "cli/atomic_write.hpp"

#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

namespace decree::cli {

namespace {

std::string temp_prefix(const std::filesystem::path& target, std::string_view tag) {
  return "." + target.filename().string() + "." + std::string(tag) + "-";
}

bool is_our_temp(const std::string& name, const std::string& prefix) {
  if (name.size() != prefix.size() + 6 || name.compare(0, prefix.size(), prefix) != 0) return false;
  for (std::size_t i = prefix.size(); i < name.size(); ++i)
    if (!std::isalnum(static_cast<unsigned char>(name[i]))) return false;
  return true;
}

}  // namespace

std::size_t remove_stale_temps(const std::string& path, std::string_view tag) {
  namespace fs = std::filesystem;
  fs::path target(path);
  fs::path dir = target.parent_path().empty() ? fs::path(".") : target.parent_path();
  const std::string prefix = temp_prefix(target, tag);
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

std::string write_atomically(const std::string& path, std::string_view text, std::string_view tag) {
  remove_stale_temps(path, tag);
  namespace fs = std::filesystem;
  fs::path target(path);
  fs::path dir = target.parent_path();
  std::string pattern = (dir / (temp_prefix(target, tag) + "XXXXXX")).string();
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
  // The file's permissions when it exists; a new file is readable by all, as editors make them.
  struct stat st {};
  const mode_t mode = ::stat(path.c_str(), &st) == 0 ? (st.st_mode & 07777) : 0644;
  if (::fchmod(fd, mode) != 0) return fail("cannot set the file's permissions");
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

}  // namespace decree::cli
