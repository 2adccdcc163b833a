// Reading a user's file with a bound, standard input and pipes once.
#include "dsl/input_file.hpp"

#include <cerrno>
#include <cstring>
#include <map>
#include <mutex>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

namespace decree::dsl {

namespace {

constexpr std::size_t kPiece = std::size_t{1} << 16;

// Reads from `fd` into `text` until it holds `want` bytes or the input ends. Returns errno, or 0.
int read_into(int fd, std::string& text, std::size_t want, bool& ended) {
  while (text.size() < want) {
    const std::size_t at = text.size();
    const std::size_t n = std::min(kPiece, want - at);
    text.resize(at + n);
    ssize_t got = ::read(fd, text.data() + at, n);
    if (got < 0) {
      text.resize(at);
      if (errno == EINTR) continue;
      return errno;
    }
    text.resize(at + static_cast<std::size_t>(got));
    if (got == 0) {
      ended = true;
      break;
    }
  }
  return 0;
}

// An input that can be read only once (standard input, a pipe, a socket): what has been read of
// it so far, kept for the life of the process so that every later look sees the same bytes.
struct Stream {
  int fd = -1;  // open while not ended; 0 is never closed
  std::string text;
  bool ended = false;
  bool too_large = false;  // passed a limit: what was read is let go, and the writer stopped
  int error = 0;

  void refuse() {
    too_large = true;
    std::string().swap(text);
    if (fd > 0) ::close(fd);
    fd = -1;
  }

  void fill(std::size_t want) {
    if (ended || too_large || error != 0 || text.size() >= want) return;
    text.reserve(want);  // address space only: pages are taken as the bytes arrive
    error = read_into(fd, text, want, ended);
    if ((ended || error != 0) && fd > 0) {
      ::close(fd);
      fd = -1;
    }
  }
};

std::mutex streams_mutex;
std::map<std::string, Stream>& streams() {
  static std::map<std::string, Stream> kept;
  return kept;
}

bool is_stream(const struct stat& st) { return S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode); }

// Standard input, whether named `-`, /dev/stdin or /dev/fd/0, is one stream; another pipe is
// known by its path (an inode number may be used again once a named pipe is removed).
std::string stream_key(const std::string& path, const struct stat* st) {
  struct stat in {};
  const bool standard = is_standard_input(path) ||
                        (::fstat(0, &in) == 0 && in.st_dev == st->st_dev && in.st_ino == st->st_ino);
  return standard ? std::string("<stdin>") : fmt::format("{}:{}:{}", st->st_dev, st->st_ino, path);
}

// The stream `path` names, opened on first use; nullptr with `problem` set when it cannot be.
Stream* open_stream(const std::string& path, const struct stat* st, InputFile& problem) {
  const std::string key = stream_key(path, st);
  auto [it, fresh] = streams().try_emplace(key);
  if (!fresh) return &it->second;
  if (key == "<stdin>") {
    it->second.fd = 0;
  } else {
    it->second.fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (it->second.fd < 0) {
      problem.problem = InputFile::Problem::Unreadable;
      problem.reason = std::strerror(errno);
      streams().erase(it);
      return nullptr;
    }
  }
  return &it->second;
}

// `path` looked up: a stream (kept), a problem, or a file to open afresh (`st` filled).
enum class Kind { Stream, File, Problem };
Kind classify(const std::string& path, struct stat& st, InputFile& out) {
  if (is_standard_input(path)) return Kind::Stream;
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) {
      out.problem = InputFile::Problem::Missing;
    } else {
      out.problem = InputFile::Problem::Unreadable;
      out.reason = std::strerror(errno);
    }
    return Kind::Problem;
  }
  if (S_ISDIR(st.st_mode)) {
    out.problem = InputFile::Problem::Directory;
    return Kind::Problem;
  }
  return is_stream(st) ? Kind::Stream : Kind::File;
}

}  // namespace

bool is_standard_input(const std::string& path) { return path == "-"; }

std::string shown_name(const std::string& path) { return is_standard_input(path) ? "<stdin>" : path; }

InputFile read_input(const std::string& path, std::size_t max_bytes) {
  InputFile out;
  struct stat st {};
  Kind kind = classify(path, st, out);
  if (kind == Kind::Problem) return out;
  const std::size_t want = max_bytes + 1;  // one past the limit: enough to know a file is too large

  if (kind == Kind::Stream) {
    std::lock_guard lock(streams_mutex);
    Stream* s = open_stream(path, &st, out);
    if (s == nullptr) return out;
    s->fill(want);
    if (s->too_large || s->text.size() > max_bytes) {
      out.problem = InputFile::Problem::TooLarge;
      s->refuse();
    } else if (s->error != 0) {
      out.problem = InputFile::Problem::Unreadable;
      out.reason = std::strerror(s->error);
    } else {
      out.text = s->text;
    }
    return out;
  }

  if (S_ISREG(st.st_mode) && static_cast<std::uint64_t>(st.st_size) > max_bytes) {
    out.problem = InputFile::Problem::TooLarge;
    out.size = static_cast<std::uint64_t>(st.st_size);
    return out;
  }
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    out.problem = InputFile::Problem::Unreadable;
    out.reason = std::strerror(errno);
    return out;
  }
  std::string text;
  // A regular file takes its size; a device is given room for the limit, taken as it is read.
  text.reserve(S_ISREG(st.st_mode) ? static_cast<std::size_t>(st.st_size) + 1 : want);
  bool ended = false;
  int error = read_into(fd, text, want, ended);
  ::close(fd);
  if (text.size() > max_bytes) {  // grew while read, or a device without end
    out.problem = InputFile::Problem::TooLarge;
  } else if (error != 0) {
    out.problem = InputFile::Problem::Unreadable;
    out.reason = std::strerror(error);
  } else {
    out.text = std::move(text);
  }
  return out;
}

std::optional<std::string> peek_input(const std::string& path, std::size_t max_bytes) {
  InputFile problem;
  struct stat st {};
  Kind kind = classify(path, st, problem);
  if (kind == Kind::Problem) return std::nullopt;
  if (kind == Kind::Stream) {
    std::lock_guard lock(streams_mutex);
    Stream* s = open_stream(path, &st, problem);
    if (s == nullptr) return std::nullopt;
    s->fill(max_bytes);
    if (s->too_large) return std::string();
    return s->text.substr(0, std::min(max_bytes, s->text.size()));
  }
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  std::string text;
  text.reserve(max_bytes);
  bool ended = false;
  int error = read_into(fd, text, max_bytes, ended);
  ::close(fd);
  if (error != 0) return std::nullopt;
  return text;
}

bool read_more(std::FILE* f, std::string& buffer, std::size_t most) {
  const std::size_t old = buffer.size();
  buffer.resize(old + most);
  const std::size_t n = std::fread(buffer.data() + old, 1, most, f);
  buffer.resize(old + n);
  return n != 0;
}

}  // namespace decree::dsl
