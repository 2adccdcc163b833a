// One record of a JSON Lines case file (one JSON object on one line), read with simdjson into
// the tree the case loader checks. No simdjson type crosses this header.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <vector>

#include "dsl/diagnostic.hpp"
#include "dsl/source.hpp"
#include "engine/formats/plain_record.hpp"
#include "engine/yaml_tree.hpp"

namespace decree::engine::formats {

struct RecordTree {
  std::optional<yaml::Tree> tree;       // absent when the record could not be read
  std::vector<Diagnostic> diagnostics;  // why not, at its place
};

// Reads JSON records; keeps simdjson's buffers from one record to the next.
class JsonRecordReader {
 public:
  JsonRecordReader();
  ~JsonRecordReader();
  JsonRecordReader(const JsonRecordReader&) = delete;
  JsonRecordReader& operator=(const JsonRecordReader&) = delete;

  // Reads the record in bytes [begin, end) of `file` (one line, without its line break).
  RecordTree read(const SourceFile& file, std::size_t begin, std::size_t end, std::size_t max_depth);
  // Reads the record into `out` when it is plain (formats/plain_record.hpp): one object of `id`
  // and `facts` and nothing after it, every key and string written without escapes, every fact's
  // value true, false, null or a string. False for any other record, and for any record that is
  // not valid JSON: `read` then gives its tree, or what is wrong with it. `out`'s views are of
  // `file`'s text.
  bool read_plain(const SourceFile& file, std::size_t begin, std::size_t end, std::size_t max_depth, PlainRecord& out);
  // Gives back a tree read before, once done with, for its buffers to be used again.
  void recycle(yaml::Tree&& tree);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace decree::engine::formats
