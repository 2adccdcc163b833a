// One record of a JSON Lines case file (one JSON object on one line), read with simdjson into
// the tree the case loader checks. No simdjson type crosses this header.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <vector>

#include "dsl/diagnostic.hpp"
#include "dsl/source.hpp"
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
  // Gives back a tree read before, once done with, for its buffers to be used again.
  void recycle(yaml::Tree&& tree);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace decree::engine::formats
