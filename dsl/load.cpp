// Loading a policy from disk: read with limits, parse, follow `extends`, amend, check.
#include "dsl/load.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <set>

#include <fmt/format.h>

#include "dsl/amend.hpp"
#include "dsl/check.hpp"
#include "dsl/input_file.hpp"

namespace decree::dsl {

namespace {

namespace fs = std::filesystem;

constexpr std::size_t kMaxExtendsChain = 16;

std::string size_in_words(std::size_t bytes) {
  if (bytes >= (1u << 20) && bytes % (1u << 20) == 0) return fmt::format("{} MiB", bytes >> 20);
  if (bytes >= (1u << 20)) return fmt::format("{:.1f} MiB", static_cast<double>(bytes) / (1u << 20));
  if (bytes >= 1024 && bytes % 1024 == 0) return fmt::format("{} KiB", bytes >> 10);
  return fmt::format("{} bytes", bytes);
}

// The place of byte `offset` in `text`, counting columns in code points up to it.
SourceLoc place_of(const std::string& path, const std::string& text, std::size_t offset) {
  SourceLoc loc;
  loc.file = path;
  loc.offset = static_cast<std::uint32_t>(offset);
  loc.line = 1;
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < offset; ++i)
    if (text[i] == '\n') {
      ++loc.line;
      line_start = i + 1;
    }
  loc.column = static_cast<std::uint32_t>(utf8_length(std::string_view(text).substr(line_start, offset - line_start)) + 1);
  return loc;
}

Diagnostic file_error(const std::string& code, const std::string& path, std::string message, std::string hint = {}) {
  SourceLoc loc;
  loc.file = path;
  return make_error(code, loc, std::move(message), std::move(hint));
}

// The texts of files that could not be read, made printable, so a diagnostic can show the line.
std::string printable(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t bad = first_invalid_utf8(std::string_view(text).substr(i));
    if (bad == std::string::npos) {
      out += text.substr(i);
      break;
    }
    out += text.substr(i, bad);
    out += "\xEF\xBF\xBD";  // U+FFFD, one column like the byte it stands for
    i += bad + 1;
  }
  return out;
}

struct Loader {
  SourceSet& sources;
  const ParseLimits& limits;
  std::vector<std::string> reading;  // the files being loaded, outermost first, for cycles

  struct Level {
    std::optional<ast::Policy> effective;
    std::optional<ast::Policy> as_written;
    std::vector<std::string> chain;
    std::vector<Diagnostic> diagnostics;  // what to report for this file
    std::vector<Diagnostic> warnings;     // every warning of the effective policy (to not repeat them)
  };

  Level load(const std::string& path, const ast::Extends* named_by) {
    Level level;
    auto read = read_source_file(path, limits.max_file_bytes);
    if (!read.text) {
      for (auto& d : read.diagnostics) {
        // A base that cannot be found is the `extends` line's problem: point at its path.
        if (named_by != nullptr && !d.loc.known()) {
          d.loc = named_by->path_loc;
          d.message = fmt::format("cannot use \"{}\" as the base policy: {}", named_by->path, d.message);
          // The path is resolved against the amendment's folder, not the folder decree runs in.
          if (d.code == "load.missing-file")
            d.hint = fmt::format(
                "the path after `in` is relative to the folder of the policy that names it; here it leads to {}, "
                "which does not exist",
                path);
        } else if (named_by != nullptr) {
          d.notes.push_back({named_by->path_loc, "named as the base policy here"});
        }
        level.diagnostics.push_back(std::move(d));
      }
      // Show the offending line of a file that is not UTF-8 (the bad bytes made printable).
      if (read.shown && named_by == nullptr) sources.add(std::make_shared<SourceFile>(shown_name(path), *read.shown));
      return level;
    }
    sources.add(std::make_shared<SourceFile>(shown_name(path), *read.text));
    level.chain.push_back(shown_name(path));
    auto parsed = parse(*read.text, shown_name(path), limits);
    level.diagnostics = parsed.diagnostics;
    if (!parsed.ok()) return level;
    ast::Policy policy = std::move(*parsed.policy);
    level.as_written = policy;

    // A common base declares facts for the versions that extend it; that it does not use them
    // itself is no mistake. (Its versions are warned about the facts none of their rules use.)
    const bool common = policy.header.status && policy.header.status->text == "common";
    auto reported = [common](const Diagnostic& d) { return !(common && d.code == "check.unused-fact"); };

    if (!policy.header.extends) {
      auto found = check(policy);
      for (const auto& d : found) {
        if (d.severity != Severity::Error) level.warnings.push_back(d);
        if (reported(d)) level.diagnostics.push_back(d);
      }
      if (!has_errors(level.diagnostics)) level.effective = std::move(policy);
      return level;
    }

    const ast::Extends& extends = *policy.header.extends;
    fs::path base_path = (fs::path(path).parent_path() / extends.path).lexically_normal();
    std::string base_file = base_path.string();
    std::error_code ec;
    fs::path canonical = fs::weakly_canonical(base_path, ec);
    std::string key = ec ? base_file : canonical.string();
    if (std::find(reading.begin(), reading.end(), key) != reading.end()) {
      std::string circle;
      for (auto it = std::find(reading.begin(), reading.end(), key); it != reading.end(); ++it)
        circle += fs::path(*it).filename().string() + " → ";
      circle += fs::path(key).filename().string();
      level.diagnostics.push_back(make_error("load.extends-cycle", extends.path_loc,
                                             fmt::format("policies extend each other in a circle: {}", circle),
                                             "a base policy must not extend, directly or not, the policy built on it"));
      return level;
    }
    if (reading.size() >= kMaxExtendsChain) {
      level.diagnostics.push_back(make_error(
          "load.extends-too-deep", extends.path_loc,
          fmt::format("this chain of `extends` is longer than {} files, the limit", kMaxExtendsChain),
          "amend a policy nearer the end of the chain, or write a new base"));
      return level;
    }
    reading.push_back(key);
    Level base = load(base_file, &extends);
    reading.pop_back();
    level.chain.insert(level.chain.begin(), base.chain.begin(), base.chain.end());
    // The base's errors stop here; its warnings belong to the base file and are not repeated.
    for (auto& d : base.diagnostics)
      if (d.severity == Severity::Error) level.diagnostics.push_back(std::move(d));
    if (!base.effective) {
      if (!has_errors(level.diagnostics))  // defensive: a base without a policy always has an error
        level.diagnostics.push_back(make_error("load.base-unusable", extends.path_loc, "the base policy cannot be used"));
      return level;
    }
    if (base.effective->header.name.text != extends.base.text) {
      auto d = make_error("load.wrong-base", extends.base.loc,
                          fmt::format("\"{}\" holds policy `{}`, not `{}`", extends.path,
                                      base.effective->header.name.text, extends.base.text),
                          fmt::format("write `extends {} in \"{}\"`, or name the file that holds `{}`",
                                      base.effective->header.name.text, extends.path, extends.base.text));
      d.notes.push_back({base.effective->header.name.loc, "the base policy is named here"});
      level.diagnostics.push_back(std::move(d));
      return level;
    }
    auto amended = amend(*base.effective, policy);
    level.diagnostics.insert(level.diagnostics.end(), amended.diagnostics.begin(), amended.diagnostics.end());
    CheckOptions options;
    options.dropped = amended.dropped;
    auto found = check(amended.effective, options);
    for (const auto& d : found) {
      if (d.severity == Severity::Error) {
        level.diagnostics.push_back(d);
        continue;
      }
      level.warnings.push_back(d);
      // A warning the base already had (an unused fact, an uncited rule) is the base's to fix.
      bool repeated = std::any_of(base.warnings.begin(), base.warnings.end(), [&](const Diagnostic& b) {
        return b.code == d.code && b.loc == d.loc && b.message == d.message;
      });
      if (!repeated && reported(d)) level.diagnostics.push_back(d);
    }
    if (!has_errors(level.diagnostics)) level.effective = std::move(amended.effective);
    return level;
  }
};

}  // namespace

ReadResult read_source_file(const std::string& path, std::size_t max_bytes, const std::string& what) {
  ReadResult result;
  const std::string name = shown_name(path);
  InputFile read = read_input(path, max_bytes);
  switch (read.problem) {
    case InputFile::Problem::None: break;
    case InputFile::Problem::Missing:
      result.diagnostics.push_back(file_error("load.missing-file", name, fmt::format("cannot read {}: there is no such file", what),
                                              "check the spelling of the path and the folder you run decree from"));
      return result;
    case InputFile::Problem::Directory:
      result.diagnostics.push_back(file_error("load.directory", name, fmt::format("this is a folder, not a {} file", what),
                                              "name a file inside it"));
      return result;
    case InputFile::Problem::Unreadable:
      result.diagnostics.push_back(file_error("load.unreadable", name, fmt::format("cannot read {}: {}", what, read.reason)));
      return result;
    case InputFile::Problem::TooLarge: {
      std::string limit = fmt::format("{} ({} bytes)", size_in_words(max_bytes), max_bytes);
      result.diagnostics.push_back(file_error(
          "load.too-large", name,
          read.size ? fmt::format("this {} file is {}; the limit for a {} file is {}", what, size_in_words(*read.size), what, limit)
                    : fmt::format("this {} file holds more than {}, the limit for a {} file", what, limit, what),
          "split it into smaller files (a policy can extend another)"));
      return result;
    }
  }
  std::string& text = *read.text;
  if (auto nul = text.find('\0'); nul != std::string::npos) {
    auto d = make_error("load.binary", place_of(name, text, nul),
                        fmt::format("this is a binary file, not a {} text: it holds a NUL byte", what),
                        fmt::format("a {} file is plain text in UTF-8", what));
    result.diagnostics.push_back(std::move(d));
    return result;
  }
  if (auto bad = first_invalid_utf8(text); bad != std::string::npos) {
    auto d = make_error(
        "load.not-utf8", place_of(name, text, bad),
        fmt::format("this {} file is not UTF-8 text: the byte 0x{:02X} here does not belong to a UTF-8 character", what,
                    static_cast<unsigned char>(text[bad])),
        "save the file as UTF-8 (most editors offer it under \"Save as\" or \"Encoding\")");
    result.diagnostics.push_back(std::move(d));
    result.shown = printable(text);
    return result;
  }
  // A byte-order mark is valid UTF-8 but no part of the policy.
  if (text.rfind("\xEF\xBB\xBF", 0) == 0) text.erase(0, 3);
  result.text = std::move(text);
  return result;
}

LoadedPolicy load_policy(const std::string& path, SourceSet& sources, const ParseLimits& limits) {
  Loader loader{sources, limits, {}};
  std::error_code ec;
  fs::path canonical = fs::weakly_canonical(fs::path(path), ec);
  loader.reading.push_back(ec ? path : canonical.string());
  auto level = loader.load(path, nullptr);
  LoadedPolicy out;
  out.effective = std::move(level.effective);
  out.as_written = std::move(level.as_written);
  out.chain = std::move(level.chain);
  out.diagnostics = std::move(level.diagnostics);
  sort_by_place(out.diagnostics);
  return out;
}

}  // namespace decree::dsl
