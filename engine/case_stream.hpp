// Case files read a case at a time, for commands whose memory must not grow with the number of
// cases: each case is checked by the same loader as engine/case_load, with the same messages at
// the same file:line:col, and handed on before the next is read. What is kept from case to case
// is each id (its bytes and its place), to refuse an id used twice, and the facts a household's
// head states for its members. Implemented in engine/case_load.cpp, beside the loader it shares.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dsl/ast.hpp"
#include "dsl/diagnostic.hpp"
#include "engine/case.hpp"
#include "engine/case_load.hpp"

namespace decree::engine {

// The ids of the cases read so far, each with the place of its first use: the ids' bytes one
// after another and an open-addressing table of 4-byte indices, about 30 bytes an id.
class SeenIds {
 public:
  SeenIds();
  ~SeenIds();
  SeenIds(const SeenIds&) = delete;
  SeenIds& operator=(const SeenIds&) = delete;

  // The place where `id` was first used, or nullopt when it is new (it is then remembered at `at`).
  std::optional<SourceLoc> first_or_add(std::string_view id, const SourceLoc& at);
  // The place where `id` was first used, or nullopt; nothing is remembered.
  std::optional<SourceLoc> find(std::string_view id) const;
  std::size_t size() const;

  // What the readers keep of households across files (engine/case_load.cpp).
  struct Households;
  Households& households();
  // Whether more files are to be read after the one about to be (false until said): a member of a
  // household read before its head is then held past the end of its file, for the files still to
  // come, and refused at the end of the last one read without it.
  void set_more_files(bool more);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

struct StreamedFile {
  std::size_t cases = 0;     // valid cases handed on
  std::size_t rejected = 0;  // cases refused for their errors (an id used again included)
  bool errors = false;       // any error, in a case or in the file itself
  // Members of households read from earlier files and refused at the end of this one, the last,
  // because their head never came: counted in `rejected`, but their errors are their own
  // files' (`errors` is not set for them). The names of those files, as places show them.
  std::vector<std::string> errors_in_earlier_files;
};

// Reads the JSON Lines case file `path` a line at a time: `on_case` receives each valid case in
// file order (the case lives until it returns), `on_problems` each line's diagnostics (and the
// file's own: missing, a folder, empty) with the text they point into. A case whose id was used
// before, in this file or an earlier one given the same `ids`, is refused at its place with a
// note at the first use; the first stays as it was handed on. Each line is held to
// limits.max_file_bytes; the file as a whole is not, nor held in memory.
// Reads any case file a case at a time, as stream_jsonl_cases does: a JSON Lines file (*.jsonl)
// line by line; others (YAML, CSV, standard input) by the reader of their format. Cases are
// handed on in file order, each file's problems with the text they point into, as they are met.
// Households: a member's case takes the facts its head states `for: household` when the head
// was handed on before it (in this file or an earlier one given the same `ids`); a member read
// before its head is held until the head comes, and refused when the file ends without it (the
// last file, when `ids` says more follow).
StreamedFile stream_cases(const std::string& path, const ast::Policy& policy, SeenIds& ids,
                          const std::function<void(const Case&)>& on_case,
                          const std::function<void(const std::vector<Diagnostic>&, const SourceSet&)>& on_problems,
                          const CaseLimits& limits = {});

StreamedFile stream_jsonl_cases(const std::string& path, const ast::Policy& policy, SeenIds& ids,
                                const std::function<void(const Case&)>& on_case,
                                const std::function<void(const std::vector<Diagnostic>&, const SourceSet&)>& on_problems,
                                const CaseLimits& limits = {});

}  // namespace decree::engine
