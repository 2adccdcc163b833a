// Reading a case file's YAML into a small tree with places, refusing what is unsafe before and
// while libyaml reads it: size, binary or non-UTF-8 text, tabs in indentation, nesting depth,
// aliases that expand without end, YAML tags. The case loader walks the tree (and asks it for
// duplicate keys); no libyaml type crosses this header (docs/case-files.md says why libyaml).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dsl/diagnostic.hpp"
#include "dsl/source.hpp"

namespace decree::engine::yaml {

// Limits on one YAML text; each has its own message naming it (see docs/case-files.md).
struct Limits {
  std::size_t max_file_bytes = 64u << 20;       // 64 MiB
  std::size_t max_depth = 64;                   // lists and mappings inside one another
  std::size_t max_alias_nodes = 1'000'000;      // nodes that aliases add by repeating what they name
};

using NodeId = std::uint32_t;

struct Node {
  enum class Kind : std::uint8_t { Null, Scalar, Sequence, Map };
  Kind kind = Kind::Null;
  bool plain = false;        // Scalar: written without quotes or tag, so `true`, `42`, `unknown` are words, not text
  bool pooled = false;       // Scalar: its text is in the tree's pool (unquoted, unfolded), not the file's text as is
  std::uint32_t offset = 0;  // where the node starts, at its anchor or tag if any (bytes from the start of the file)
  std::uint32_t first = 0;   // Scalar: where its text starts (in the pool or the file); Sequence and Map: first child
  std::uint32_t count = 0;   // Scalar: bytes; Sequence: items; Map: keys and values alternating, two per entry
};

// A document as nodes in one array. An alias is the very node it names (the tree is a DAG), so
// walking it repeats that node; the reader has bounded how much such repetition can add.
// Scalars written as they read (most of them) are views of the file's text: a tree must not
// outlive the SourceFile it was read from.
class Tree {
 public:
  NodeId root() const { return root_; }
  const Node& node(NodeId id) const { return nodes_[id]; }
  Node::Kind kind(NodeId id) const { return nodes_[id].kind; }
  std::string_view scalar(NodeId id) const;
  std::span<const NodeId> children(NodeId id) const;  // Map: key, value, key, value, ...
  std::size_t entries(NodeId id) const { return nodes_[id].count / 2; }  // Map
  NodeId key(NodeId map, std::size_t i) const { return children_[nodes_[map].first + 2 * i]; }
  NodeId value(NodeId map, std::size_t i) const { return children_[nodes_[map].first + 2 * i + 1]; }

  // Keys written twice in a mapping, as (first, again) pairs; only scalar keys are compared.
  std::vector<std::pair<NodeId, NodeId>> duplicate_keys(NodeId map) const;

  // The node's place in `file`, underlining a scalar as written (quotes included).
  SourceLoc place(NodeId id, const SourceFile& file) const;
  // The same place written into `into`, whose storage is kept.
  void place(NodeId id, const SourceFile& file, SourceLoc& into) const;
  // The bytes `place` underlines: their offset in `file`'s text and how many.
  std::pair<std::size_t, std::size_t> written(NodeId id, const SourceFile& file) const { return span(id, file.text()); }

  // The format the tree was read from. Places are found in its text by its rules: only YAML has
  // anchors and tags before a value, single quotes and block scalars; a JSON string escapes a
  // quote with a backslash, a CSV cell by doubling it.
  enum class Syntax { Yaml, Json, Csv };
  Syntax syntax() const { return syntax_; }

  // True for a tree read from JSON, where `null` is how a fact is written unknown (JSON has no
  // bare words); in YAML a key with nothing after it has no value.
  bool null_is_unknown() const { return syntax_ == Syntax::Json; }

 private:
  friend class Builder;
  friend class TreeMaker;
  std::pair<std::size_t, std::size_t> span(NodeId id, std::string_view text) const;  // place's offset and length
  Syntax syntax_ = Syntax::Yaml;
  std::vector<Node> nodes_;
  std::vector<NodeId> children_;
  std::string pool_;           // scalars whose value differs from how they are written
  std::string_view source_;    // the file's text
  NodeId root_ = 0;
};

// Builds a Tree from another format's reader (a JSON Lines record, a CSV row), children before
// the collection that holds them. Offsets are bytes in `source`, the text the tree's places and
// views refer to.
class TreeMaker {
 public:
  explicit TreeMaker(std::string_view source);
  // The same, building into the storage of a tree no longer needed (its nodes are dropped, its
  // buffers kept), so that records read one after another allocate nothing once warm.
  TreeMaker(std::string_view source, Tree&& recycled);
  NodeId null(std::size_t offset);
  // A scalar whose text is `length` bytes of the source at `at` (a view, no copy).
  NodeId scalar_view(std::size_t offset, std::size_t at, std::size_t length, bool plain);
  // A scalar whose text differs from how it is written (unescaped): kept in the tree's pool.
  NodeId scalar_text(std::size_t offset, std::string_view text, bool plain);
  // A list or a mapping (keys and values alternating) of nodes already made.
  NodeId collection(Node::Kind kind, std::size_t offset, std::span<const NodeId> children);
  Tree finish(NodeId root, Tree::Syntax syntax);

 private:
  NodeId make(Node::Kind kind, std::size_t offset);
  Tree tree_;
};

// A node as a message says what was found: "a list", "a mapping", "nothing", "`yes`",
// "\"yes\" (in quotes)".
std::string found_text(const Tree& tree, NodeId id);

struct ReadResult {
  std::optional<Tree> tree;  // absent when the text could not be read as YAML, or holds no document
  bool empty = false;        // the text holds no YAML document at all (only blanks and comments)
  std::vector<Diagnostic> diagnostics;
};

// Reads `file`'s text. Errors name the limit or the YAML rule broken, in words, at its place.
ReadResult read_yaml(const SourceFile& file, const Limits& limits = {});

// Checks done on the raw text before any YAML is read: size, binary, UTF-8. Empty when fine.
std::vector<Diagnostic> check_text(const SourceFile& file, const Limits& limits);

// --- A `cases:` list read a case at a time --------------------------------------------------

// What a first look at a file finds, reading it once in pieces, without YAML.
struct FileScan {
  std::uint64_t size = 0;
  bool ascii = true;     // no byte past 0x7F, so libyaml's character counts are byte counts
  bool anchors = false;  // may hold an anchor or an alias (`&name`, `*name`): a guess on the safe side
  bool unreadable = false;
  std::vector<Diagnostic> problems;                // check_text's, for the first line whose bytes it refuses
  std::shared_ptr<const SourceFile> problem_line;  // that line, its bad bytes made printable, for the excerpt
};
FileScan scan_file(std::FILE* f, const std::string& name);

// `text` with every byte that is not part of valid UTF-8 replaced by '?', byte for byte (so a
// place in it is a place in the original), for showing a line that holds such bytes.
std::string printable_line(std::string_view text);

// Where read_case_list hands what it reads. Each tree lives only during the call, over `file`,
// the piece of the file (whole lines) it is written on.
struct ListSink {
  std::function<bool()> build_next;  // false: the next item is counted and passed over, not built
  std::function<void(const std::shared_ptr<const SourceFile>& file, const Tree& tree, NodeId item)> item;
  std::function<void()> passed_over;
  // Entries written at the top of the file after the list, and where the first `cases:` key is.
  std::function<void(const std::shared_ptr<const SourceFile>& file, const Tree& tree, NodeId map,
                     const SourceLoc& cases_key)> beside;
  // Problems in the YAML; `item` when they refuse an item of the list (a case).
  std::function<void(const std::vector<Diagnostic>&, const std::shared_ptr<const SourceFile>& file, bool item)> problems;
};

enum class ListRead { Streamed, NotAList };

// Reads `f` from its start when its YAML is a mapping whose first key is `cases:` holding a
// block list (`- id: ...`): each item is read into a tree of its own and handed on before the
// next is read, so what is held is one item's lines and events. The checks and messages are
// read_yaml's, at the same places; an item is held to limits.max_file_bytes; an error in the
// YAML ends the reading there (said in a note), after the items before it. NotAList, with
// nothing handed on, for any other file (it is to be read whole), and when the YAML cannot be
// read up to the list's first item. `ascii` is scan_file's.
ListRead read_case_list(std::FILE* f, const std::string& name, const Limits& limits, bool ascii, const ListSink& to);

}  // namespace decree::engine::yaml
