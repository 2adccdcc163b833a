#include "engine/yaml_tree.hpp"

#include <algorithm>
#include <cstring>
#include <unordered_set>
#include <memory>
#include <unordered_map>

#include <fmt/format.h>
#include <yaml.h>

#include "dsl/input_file.hpp"
#include "engine/words.hpp"

namespace decree::engine::yaml {

namespace {

// Stops the reading at once: thrown while an event is handled, caught around the parser.
struct Refusal {
  Diagnostic diagnostic;
};

std::string mib(std::size_t bytes) {
  if (bytes % (1u << 20) == 0) return fmt::format("{} MiB", bytes >> 20);
  return fmt::format("{} bytes", with_commas(bytes));
}

bool is_blank(char c) { return c == ' ' || c == '\t'; }

// The parser places a node at its first token, which may be an anchor or a tag: where the value
// itself starts.
std::size_t value_start(std::string_view t, std::size_t off) {
  off = std::min(off, t.size());
  while (off < t.size() && (t[off] == '&' || t[off] == '!')) {
    while (off < t.size() && !is_blank(t[off]) && t[off] != '\n' && t[off] != '\r') ++off;
    while (off < t.size()) {
      if (is_blank(t[off]) || t[off] == '\n' || t[off] == '\r') ++off;
      else if (t[off] == '#') while (off < t.size() && t[off] != '\n') ++off;
      else break;
    }
  }
  return off;
}

// Where the quoted text starting at `off` (on its quote) ends: one past its closing quote, or
// npos when the file ends first. `limit` stops the search (a quoted text on one line). A quote
// is escaped by a backslash in YAML's and JSON's double quotes, doubled in YAML's single quotes
// and in CSV.
std::size_t quote_end(std::string_view t, std::size_t off, std::size_t limit, bool doubled = false) {
  const char q = t[off];
  doubled = doubled || q == '\'';
  std::size_t j = off + 1;
  while (j < limit) {
    if (!doubled && t[j] == '\\') j += 2;
    else if (doubled && t[j] == q && j + 1 < limit && t[j + 1] == q) j += 2;
    else if (t[j] == q) return j + 1;
    else ++j;
  }
  return std::string_view::npos;
}

// `!!int` as written, not the resolved `tag:yaml.org,2002:int`.
std::string tag_as_written(std::string_view tag) {
  constexpr std::string_view core = "tag:yaml.org,2002:";
  if (tag.substr(0, core.size()) == core) return "!!" + std::string(tag.substr(core.size()));
  return std::string(tag);
}

std::string_view text_of(const yaml_char_t* s) {
  return s == nullptr ? std::string_view() : std::string_view(reinterpret_cast<const char*>(s));
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// The tree

std::string_view Tree::scalar(NodeId id) const {
  const Node& n = nodes_[id];
  if (n.kind != Node::Kind::Scalar) return {};
  return (n.pooled ? std::string_view(pool_) : source_).substr(n.first, n.count);
}

std::span<const NodeId> Tree::children(NodeId id) const {
  const Node& n = nodes_[id];
  if (n.kind != Node::Kind::Sequence && n.kind != Node::Kind::Map) return {};
  return std::span<const NodeId>(children_.data() + n.first, n.count);
}

SourceLoc Tree::place(NodeId id, const SourceFile& file) const {
  auto [off, length] = span(id, file.text());
  return file.locate(off, length);
}

void Tree::place(NodeId id, const SourceFile& file, SourceLoc& into) const {
  auto [off, length] = span(id, file.text());
  file.locate(into, off, length);
}

std::pair<std::size_t, std::size_t> Tree::span(NodeId id, std::string_view t) const {
  const Node& n = nodes_[id];
  const bool yaml = syntax_ == Syntax::Yaml;
  std::size_t off = yaml ? value_start(t, n.offset) : std::min<std::size_t>(n.offset, t.size());
  std::size_t length = 1;
  if (n.kind == Node::Kind::Scalar && off < t.size()) {
    // The end of the line is looked for only within the scalar as written (a JSON Lines record
    // is one long line): the first line break at or after `off`, if it comes before `to`.
    auto break_before = [&](std::size_t to) -> std::size_t {
      const void* nl = std::memchr(t.data() + off, '\n', std::min(to, t.size()) - off);
      return nl == nullptr ? std::string_view::npos : static_cast<std::size_t>(static_cast<const char*>(nl) - t.data());
    };
    char c = t[off];
    const bool doubled = syntax_ == Syntax::Csv;
    if (c == '"' || (yaml && c == '\'')) {
      std::size_t end = quote_end(t, off, std::min(t.size(), off + (std::size_t{1} << 16)), doubled);
      if (end != std::string_view::npos && break_before(end) == std::string_view::npos) {
        length = end - off;
      } else {  // on several lines: to this one's end
        std::size_t line_end = t.find('\n', off);
        if (line_end == std::string_view::npos) line_end = t.size();
        end = quote_end(t, off, line_end, doubled);
        length = std::max<std::size_t>(1, (end == std::string_view::npos ? line_end : end) - off);
      }
    } else if (!yaml || (c != '|' && c != '>')) {
      std::string_view value = scalar(id);
      if (!value.empty() && t.substr(off, value.size()) == value) length = value.size();
      if (std::size_t nl = break_before(off + length); nl != std::string_view::npos)
        length = std::max<std::size_t>(1, nl - off);
    }
    if (length > 1 && t[off + length - 1] == '\r') --length;
  }
  return {off, length};
}

std::vector<std::pair<NodeId, NodeId>> Tree::duplicate_keys(NodeId map) const {
  std::vector<std::pair<NodeId, NodeId>> out;
  if (kind(map) != Node::Kind::Map) return out;
  std::size_t n = entries(map);
  if (n < 2) return out;
  if (n <= 16) {
    // Each key's text once (a null view for a key that is not a scalar), then compared by size
    // and first byte before their bytes.
    std::string_view texts[16];
    bool scalar_key[16];
    for (std::size_t i = 0; i < n; ++i) {
      const NodeId k = key(map, i);
      scalar_key[i] = kind(k) == Node::Kind::Scalar;
      if (scalar_key[i]) texts[i] = scalar(k);
    }
    for (std::size_t i = 1; i < n; ++i) {
      if (!scalar_key[i]) continue;
      const std::string_view t = texts[i];
      for (std::size_t j = 0; j < i; ++j) {
        if (!scalar_key[j] || texts[j].size() != t.size()) continue;
        if (!t.empty() && texts[j][0] != t[0]) continue;
        if (texts[j] == t) {
          out.emplace_back(key(map, j), key(map, i));
          break;
        }
      }
    }
    return out;
  }
  std::unordered_map<std::string_view, NodeId> seen;
  seen.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    NodeId k = key(map, i);
    if (kind(k) != Node::Kind::Scalar) continue;
    auto [it, inserted] = seen.emplace(scalar(k), k);
    if (!inserted) out.emplace_back(it->second, k);
  }
  return out;
}

TreeMaker::TreeMaker(std::string_view source) { tree_.source_ = source; }

TreeMaker::TreeMaker(std::string_view source, Tree&& recycled) : tree_(std::move(recycled)) {
  tree_.nodes_.clear();
  tree_.children_.clear();
  tree_.pool_.clear();
  tree_.root_ = 0;
  tree_.syntax_ = Tree::Syntax::Yaml;
  tree_.source_ = source;
}

NodeId TreeMaker::make(Node::Kind kind, std::size_t offset) {
  Node n;
  n.kind = kind;
  n.offset = static_cast<std::uint32_t>(offset);
  tree_.nodes_.push_back(n);
  return static_cast<NodeId>(tree_.nodes_.size() - 1);
}

NodeId TreeMaker::null(std::size_t offset) { return make(Node::Kind::Null, offset); }

NodeId TreeMaker::scalar_view(std::size_t offset, std::size_t at, std::size_t length, bool plain) {
  NodeId id = make(Node::Kind::Scalar, offset);
  Node& n = tree_.nodes_[id];
  n.plain = plain;
  n.first = static_cast<std::uint32_t>(at);
  n.count = static_cast<std::uint32_t>(length);
  return id;
}

NodeId TreeMaker::scalar_text(std::size_t offset, std::string_view text, bool plain) {
  NodeId id = make(Node::Kind::Scalar, offset);
  Node& n = tree_.nodes_[id];
  n.plain = plain;
  n.pooled = true;
  n.first = static_cast<std::uint32_t>(tree_.pool_.size());
  n.count = static_cast<std::uint32_t>(text.size());
  tree_.pool_ += text;
  return id;
}

NodeId TreeMaker::collection(Node::Kind kind, std::size_t offset, std::span<const NodeId> children) {
  NodeId id = make(kind, offset);
  Node& n = tree_.nodes_[id];
  n.first = static_cast<std::uint32_t>(tree_.children_.size());
  n.count = static_cast<std::uint32_t>(children.size());
  tree_.children_.insert(tree_.children_.end(), children.begin(), children.end());
  return id;
}

Tree TreeMaker::finish(NodeId root, Tree::Syntax syntax) {
  tree_.root_ = root;
  tree_.syntax_ = syntax;
  return std::move(tree_);
}

std::string found_text(const Tree& tree, NodeId id) {
  switch (tree.kind(id)) {
    case Node::Kind::Null: return "nothing";
    case Node::Kind::Sequence: return "a list";
    case Node::Kind::Map: return "a mapping";
    case Node::Kind::Scalar: break;
  }
  std::string_view s = tree.scalar(id);
  if (tree.node(id).plain) return fmt::format("`{}`", shown(s));
  return fmt::format("\"{}\" (in quotes)", shown(s));
}

// ---------------------------------------------------------------------------------------------
// Checks on the raw text

std::vector<Diagnostic> check_text(const SourceFile& file, const Limits& limits) {
  std::vector<Diagnostic> out;
  const std::string& text = file.text();
  const auto whole = [&] {  // made only for a message: a file checked a line at a time is checked often
    SourceLoc loc;
    loc.file = file.name();
    return loc;
  };
  if (text.size() > limits.max_file_bytes) {
    out.push_back(make_error("case.too-large", whole(),
                             fmt::format("the file is {} bytes, more than the {} a case file may hold",
                                         with_commas(text.size()), mib(limits.max_file_bytes)),
                             "split the cases into several files, or load a directory of them"));
    return out;
  }
  auto starts = [&](std::string_view prefix) { return std::string_view(text).substr(0, prefix.size()) == prefix; };
  if (starts("\xFF\xFE") || starts("\xFE\xFF")) {
    out.push_back(make_error("case.not-utf8", whole(), "the file is UTF-16 text; case files are UTF-8",
                             "save the file as UTF-8"));
    return out;
  }
  if (auto nul = text.find('\0'); nul != std::string::npos) {
    out.push_back(make_error("case.binary", file.locate(nul),
                             "the file holds a NUL byte: it looks like a binary file, not YAML text",
                             "a case file is YAML text in UTF-8"));
    return out;
  }
  if (auto bad = file.ascii() ? std::string_view::npos : first_invalid_utf8(text); bad != std::string_view::npos) {
    out.push_back(make_error(
        "case.not-utf8", file.locate(bad),
        fmt::format("the file is not UTF-8 text: byte 0x{:02x} here does not belong to a UTF-8 character",
                    static_cast<unsigned char>(text[bad])),
        "save the file as UTF-8"));
    return out;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Building the tree from libyaml's events

namespace {

// libyaml counts places in characters, after a byte-order mark; the tree and the diagnostics
// count bytes from the start of the file. A file in ASCII needs no walking; otherwise a cursor
// walks the UTF-8 text from the last place asked, forwards or backwards (the parser's places
// mostly grow, so the walks are short).
class ByteOffsets {
 public:
  ByteOffsets(std::string_view text, std::size_t base)
      : text_(text), base_(base),
        ascii_(std::none_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; })),
        byte_(base) {}

  std::size_t operator()(std::size_t index) {
    if (ascii_) return std::min(base_ + index, text_.size());
    while (index_ < index && byte_ < text_.size()) {
      ++byte_;
      while (byte_ < text_.size() && continuation(text_[byte_])) ++byte_;
      ++index_;
    }
    while (index_ > index && byte_ > base_) {
      --byte_;
      while (byte_ > base_ && continuation(text_[byte_])) --byte_;
      --index_;
    }
    return byte_;
  }

 private:
  static bool continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

  std::string_view text_;
  std::size_t base_;
  bool ascii_;
  std::size_t index_ = 0;  // the character the cursor is on
  std::size_t byte_;       // and its first byte
};

// A YAML plain word that means "no value", as YAML's core schema reads it.
bool is_null_word(std::string_view v) { return v.empty() || v == "~" || v == "null" || v == "Null" || v == "NULL"; }

}  // namespace

class Builder {
 public:
  Builder(Tree& tree, const SourceFile& file, const Limits& limits) : tree_(tree), file_(file), limits_(limits) {
    tree_.source_ = file.text();
    tree_.nodes_.reserve(file.text().size() / 8 + 16);  // about two nodes per line of a case file
    tree_.children_.reserve(file.text().size() / 8 + 16);
  }

  std::size_t documents() const { return documents_; }
  bool knows_anchor(std::string_view name) const { return anchors_.find(name) != anchors_.end(); }

  void document_start(std::size_t offset) {
    if (documents_++ > 0)
      throw Refusal{make_error("case.second-document", file_.locate(offset),
                               "a second YAML document (after `---`): a case file holds one document",
                               "put several cases in one `cases:` list")};
  }

  void alias(std::size_t offset, std::string_view name) {
    auto it = anchors_.find(name);
    if (it == anchors_.end())
      throw Refusal{make_error("case.yaml-syntax", file_.locate(offset, 1 + name.size()),
                               fmt::format("invalid YAML: the alias `*{}` names no anchor written before it", name),
                               fmt::format("write `&{}` on a value before `*{}` repeats it", name, name))};
    const Anchor& a = it->second;
    if (!a.complete)
      throw Refusal{make_error("case.alias-cycle", file_.locate(offset),
                               fmt::format("the alias `*{}` is inside the node it names, so it would never end", name),
                               "an alias may only name a node written completely before it")};
    alias_nodes_ += a.expanded;
    if (alias_nodes_ > limits_.max_alias_nodes)
      throw Refusal{make_error(
          "case.alias-limit", file_.locate(offset),
          fmt::format("aliases up to here repeat more than {} nodes, the limit for a case file",
                      with_commas(limits_.max_alias_nodes)),
          "each alias (`*name`) repeats everything its anchor (`&name`) holds, so aliases of aliases "
          "multiply (a \"billion laughs\"); write the values out, or use fewer aliases")};
    attach(a.id, a.expanded);
  }

  void scalar(std::size_t offset, const yaml_event_t& e) {
    const auto& s = e.data.scalar;
    check_tag(offset, s.tag, "tag:yaml.org,2002:str");
    std::string_view value(reinterpret_cast<const char*>(s.value), s.length);
    const bool plain = s.style == YAML_PLAIN_SCALAR_STYLE && s.tag == nullptr;
    if (plain && is_null_word(value)) {
      NodeId id = make(Node::Kind::Null, offset);
      remember(s.anchor, id, 1, true);
      attach(id, 1);
      return;
    }
    NodeId id = make(Node::Kind::Scalar, offset);
    Node& n = tree_.nodes_[id];
    n.plain = plain;
    n.count = static_cast<std::uint32_t>(value.size());
    // Written as it reads (a plain word, or quoted text without escapes on one line): a view of
    // the file's text, no copy.
    std::string_view text = file_.text();
    std::size_t start = value_start(text, offset);
    if (s.style == YAML_SINGLE_QUOTED_SCALAR_STYLE || s.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE) ++start;
    if (s.style != YAML_LITERAL_SCALAR_STYLE && s.style != YAML_FOLDED_SCALAR_STYLE &&
        text.substr(start, value.size()) == value) {
      n.first = static_cast<std::uint32_t>(start);
    } else {
      n.pooled = true;
      n.first = static_cast<std::uint32_t>(tree_.pool_.size());
      tree_.pool_ += value;
    }
    remember(s.anchor, id, 1, true);
    attach(id, 1);
  }

  void open(Node::Kind kind, std::size_t offset, const yaml_char_t* tag, const yaml_char_t* anchor) {
    check_tag(offset, tag, kind == Node::Kind::Map ? "tag:yaml.org,2002:map" : "tag:yaml.org,2002:seq");
    if (open_.size() >= limits_.max_depth)
      throw Refusal{make_error("case.too-deep", file_.locate(offset),
                               fmt::format("lists and mappings nest more than {} levels deep here, the limit for a case file",
                                           limits_.max_depth),
                               "a case needs six levels at most (cases, a case, facts, a fact, ...)")};
    NodeId id = make(kind, offset);
    remember(anchor, id, 0, false);
    open_.push_back(Open{id, pending_.size(), 1, anchor == nullptr ? std::string() : std::string(text_of(anchor))});
  }

  void close() {
    Open o = std::move(open_.back());
    open_.pop_back();
    Node& n = tree_.nodes_[o.id];
    n.first = static_cast<std::uint32_t>(tree_.children_.size());
    n.count = static_cast<std::uint32_t>(pending_.size() - o.first_pending);
    tree_.children_.insert(tree_.children_.end(), pending_.begin() + static_cast<std::ptrdiff_t>(o.first_pending),
                           pending_.end());
    pending_.resize(o.first_pending);
    if (!o.anchor.empty()) {
      auto it = anchors_.find(o.anchor);
      if (it != anchors_.end() && it->second.id == o.id) {
        it->second.expanded = o.expanded;
        it->second.complete = true;
      }
    }
    attach(o.id, o.expanded);
  }

 private:
  struct Open {
    NodeId id;
    std::size_t first_pending;  // where this collection's children start in pending_
    std::uint64_t expanded;     // nodes it holds, aliases counted at their full size
    std::string anchor;         // its anchor's name, or empty
  };
  struct Anchor {
    NodeId id = 0;
    std::uint64_t expanded = 0;
    bool complete = false;  // false while the anchored collection is still being read
  };
  struct NameHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

  NodeId make(Node::Kind kind, std::size_t offset) {
    Node n;
    n.kind = kind;
    n.offset = static_cast<std::uint32_t>(offset);
    tree_.nodes_.push_back(n);
    return static_cast<NodeId>(tree_.nodes_.size() - 1);
  }

  // YAML lets a later anchor of the same name take the name over: aliases after it mean the new node.
  void remember(const yaml_char_t* anchor, NodeId id, std::uint64_t expanded, bool complete) {
    if (anchor == nullptr) return;
    anchors_.insert_or_assign(std::string(text_of(anchor)), Anchor{id, expanded, complete});
  }

  void attach(NodeId id, std::uint64_t expanded) {
    if (open_.empty()) {
      tree_.root_ = id;
      return;
    }
    pending_.push_back(id);
    open_.back().expanded += expanded;
  }

  void check_tag(std::size_t offset, const yaml_char_t* tag, std::string_view allowed) {
    std::string_view t = text_of(tag);
    if (tag == nullptr || t == "!" || t == allowed) return;
    throw Refusal{make_error("case.yaml-tag", file_.locate(offset),
                             fmt::format("the YAML tag `{}` has no meaning in a case file", tag_as_written(t)),
                             "remove it: write the value plainly, or in quotes for text")};
  }

  Tree& tree_;
  const SourceFile& file_;
  const Limits& limits_;
  std::vector<Open> open_;
  std::vector<NodeId> pending_;
  std::unordered_map<std::string, Anchor, NameHash, std::equal_to<>> anchors_;
  std::uint64_t alias_nodes_ = 0;
  std::size_t documents_ = 0;
};

namespace {

// Lines up to `last_line` whose indentation holds a tab, with the tab's offset.
std::vector<std::size_t> tab_indents(const SourceFile& file, std::uint32_t last_line) {
  std::vector<std::size_t> out;
  const std::string& t = file.text();
  std::size_t start = 0;
  for (std::uint32_t line = file.locate(0).line; start < t.size() && line <= last_line; ++line) {
    std::size_t end = t.find('\n', start);
    if (end == std::string::npos) end = t.size();
    std::size_t i = start;
    std::size_t tab = std::string::npos;
    while (i < end && is_blank(t[i])) {
      if (t[i] == '\t' && tab == std::string::npos) tab = i;
      ++i;
    }
    bool content = i < end && t[i] != '#' && t[i] != '\r';
    if (tab != std::string::npos && content) out.push_back(tab);
    start = end + 1;
  }
  return out;
}

// libyaml's report of where it stopped, with its places in bytes.
struct Stop {
  yaml_error_type_t type = YAML_NO_ERROR;
  std::string_view problem;
  std::string_view context;        // "while parsing a flow sequence", or empty
  std::size_t at = 0;              // where it stopped
  std::size_t context_at = 0;      // where what it was reading started (with a context)
  bool context_shown = true;       // false when that place is not in the text at hand (a piece of the file)
  int value = -1;                  // the offending character (reader errors)
};

// The UTF-8 character at `at`.
std::string_view char_at(std::string_view t, std::size_t at) {
  if (at >= t.size()) return {};
  unsigned char c = static_cast<unsigned char>(t[at]);
  std::size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
  return t.substr(at, n);
}

// What is written at `at`, for "found X": the word there (up to a blank), or the end of the
// line or file.
std::string found_at(std::string_view t, std::size_t at) {
  if (at >= t.size()) return "the end of the file";
  if (t[at] == '\n' || t[at] == '\r') return "the end of the line";
  std::size_t end = t.find_first_of(" \t\r\n", at);
  std::string_view word = t.substr(at, (end == std::string_view::npos ? t.size() : end) - at);
  if (word.size() > 30) {
    std::size_t cut = 30;
    while (cut > 0 && (static_cast<unsigned char>(word[cut]) & 0xC0) == 0x80) --cut;  // not inside a character
    return fmt::format("`{}...`", word.substr(0, cut));
  }
  return fmt::format("`{}`", word);
}

// The column (1-based) where the first key of the line holding `at` starts, after any `- `.
std::uint32_t key_column(std::string_view t, std::size_t line_start) {
  std::size_t i = line_start;
  while (i < t.size() && (t[i] == ' ' || (t[i] == '-' && i + 1 < t.size() && t[i + 1] == ' '))) ++i;
  return static_cast<std::uint32_t>(i - line_start + 1);
}

// Where the last line before the one holding `at` that holds anything but blanks and a comment
// starts, or npos.
std::size_t previous_content_line(std::string_view t, std::size_t at) {
  std::size_t line_start = t.rfind('\n', at == 0 ? 0 : at - 1);
  while (line_start != std::string_view::npos && line_start > 0) {
    std::size_t prev = t.rfind('\n', line_start - 1);
    prev = prev == std::string_view::npos ? 0 : prev + 1;
    std::size_t first = t.find_first_not_of(" \t\r", prev);
    if (first < line_start && t[first] != '#') return prev;
    line_start = prev == 0 ? std::string_view::npos : prev - 1;
  }
  return std::string_view::npos;
}

// The `[` or `{` still open at `end`, the innermost, or npos: a scan of what YAML reads as flow
// indicators, skipping quoted texts and comments. A `[` counts where a value may start (after
// `: `, `- `, a comma or another opener), not inside a plain value such as `a[1]`.
std::size_t unclosed_flow(std::string_view t, std::size_t end) {
  std::vector<std::size_t> open;
  bool start = true;  // a value may start here
  for (std::size_t i = 0; i < end && i < t.size(); ++i) {
    const char c = t[i];
    if (c == '\n') {
      if (open.empty()) start = true;
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\r') continue;
    if (c == '#' && (i == 0 || t[i - 1] == ' ' || t[i - 1] == '\t' || t[i - 1] == '\n')) {
      i = std::min(t.find('\n', i), end) - 1;
      continue;
    }
    if (start && (c == '"' || c == '\'')) {
      for (++i; i < end && t[i] != c; ++i)
        if (c == '"' && t[i] == '\\') ++i;
        else if (c == '\'' && t[i] == '\'' && i + 1 < end && t[i + 1] == '\'') ++i;
      start = false;
      continue;
    }
    if ((c == '[' || c == '{') && (start || !open.empty())) {
      open.push_back(i);
      start = true;
    } else if ((c == ']' || c == '}') && !open.empty()) {
      open.pop_back();
      start = false;
    } else if (c == ',' && !open.empty()) {
      start = true;
    } else if ((c == ':' || c == '-' || c == '?') && (i + 1 >= t.size() || t[i + 1] == ' ' || t[i + 1] == '\n')) {
      start = true;
    } else {
      start = false;
    }
  }
  return open.empty() ? std::string_view::npos : open.back();
}

// libyaml's messages name its own grammar; say what is wrong in a reader's words, where the
// mistake is, and how to fix it.
Diagnostic explain(const Stop& stop, const SourceFile& file) {
  std::string_view t = file.text();
  const std::string_view p = stop.problem;
  std::size_t at = std::min(stop.at, t.size());
  std::string message;
  std::string hint;
  std::vector<DiagnosticNote> notes;
  auto note_at_context = [&](std::string what) {
    if (!stop.context.empty() && stop.context_shown) notes.push_back({file.locate(stop.context_at), std::move(what)});
  };
  // Only blanks follow: the file ends here.
  auto at_end = [&](std::size_t from) {
    return t.find_first_not_of(" \t\r\n", std::min(from, t.size())) == std::string_view::npos;
  };
  // Just after the last thing written before `from`, so the caret follows it on its line.
  auto last_token_end = [&](std::size_t from) {
    std::size_t end = t.find_last_not_of(" \t\r\n", from == 0 ? 0 : from - 1);
    return end == std::string_view::npos ? from : end + 1;
  };
  constexpr std::string_view backslash_hint =
      "write `\\\\` for a backslash, or use single quotes, where a backslash is just a backslash";

  if (p == "mapping values are not allowed in this context") {
    message = "a `key: value` is not allowed here";
    hint = "check this line's indentation against the lines above; a value that holds `: ` must be in quotes";
    // Point at the key rather than its colon when the key is all this line holds before it.
    std::size_t line_start = t.rfind('\n', at == 0 ? 0 : at - 1);
    line_start = line_start == std::string_view::npos || at == 0 ? 0 : line_start + 1;
    std::size_t key = line_start;
    while (key < at && is_blank(t[key])) ++key;
    std::string_view before = t.substr(key, at - key);
    if (key < at && before.find(": ") == std::string_view::npos && before[0] != '-' && before[0] != '#') at = key;
  } else if (p == "mapping keys are not allowed in this context") {
    message = "a `? key` is not allowed here";
    hint = "check the indentation of this line";
  } else if (p == "block sequence entries are not allowed in this context") {
    message = "a list item `- ` is not allowed here";
    hint = "check the indentation: list items line up under each other, below the key that holds them";
  } else if (p == "did not find expected key") {
    // Often a key meant for the mapping just above, one column off: say between which two.
    const SourceLoc here = file.locate(at);
    const std::uint32_t outer = stop.context.empty() ? 0 : file.locate(stop.context_at).column;
    const std::size_t prev = previous_content_line(t, at);
    const std::uint32_t above = prev == std::string_view::npos ? 0 : key_column(t, prev);
    if (outer != 0 && outer < here.column && here.column < above) {
      message = fmt::format("this key is in column {}, between the keys above it (column {}) and those of the "
                            "mapping around them (column {})", here.column, above, outer);
      hint = "line it up with the keys of the mapping it belongs to";
      notes.push_back({file.locate(prev + above - 1), "the keys above it start here"});
      note_at_context("the mapping around them starts here");
    } else {
      message = "this line does not line up with the keys of the mapping it is in";
      hint = "the keys of one mapping start in the same column; indent a value that runs over lines further than its key";
      note_at_context("the mapping starts here");
    }
  } else if (p == "did not find expected '-' indicator") {
    message = "this line does not continue the list above it";
    hint = "list items start with `- ` in the same column; check this line's indentation";
    note_at_context("the list starts here");
  } else if (p == "did not find expected ',' or ']'" || p == "did not find expected ',' or '}'") {
    const bool list = p.back() == '\'' && p[p.size() - 2] == ']';
    const char opener = list ? '[' : '{';
    const char closer = list ? ']' : '}';
    const char other = list ? '}' : ']';
    std::size_t line_start = t.rfind('\n', at == 0 ? 0 : at - 1);
    line_start = line_start == std::string_view::npos || at == 0 ? 0 : line_start + 1;
    const bool first_on_line = t.find_first_not_of(" \t", line_start) == at;
    if (at < t.size() && t[at] == other) {
      message = fmt::format("a `{}` closes the `{}` opened before it; it takes a `{}`", other, opener, closer);
      hint = fmt::format("write `{}` here", closer);
    } else if (!list && at < t.size() && t[at] == ':' && first_on_line) {
      // Valid YAML 1.2 (a JSON-like key may have its `:` on the next line), which libyaml refuses.
      message = "this `:` is on the line after its key; the YAML reader of decree (libyaml) needs a key and its `:` on one line";
      hint = "move the `:` up, to just after the key";
    } else {
      message = fmt::format("a `{}` is not closed by a `{}`", opener, closer);
      hint = list ? "close the list, or check the commas inside it" : "close the mapping, or check the commas inside it";
    }
    note_at_context(fmt::format("the `{}` opened here", opener));
  } else if (p == "did not find expected node content") {
    const std::size_t opener = at_end(at) ? unclosed_flow(t, at) : std::string_view::npos;
    if (at < t.size() && (t[at] == ']' || t[at] == '}')) {
      message = fmt::format("a `{}` closes nothing", t[at]);
      hint = "remove it, or open the list or mapping it closes";
    } else if (opener != std::string_view::npos) {
      const bool list = t[opener] == '[';
      message = fmt::format("the file ends inside a `{}`, before a value and its closing `{}`", t[opener], list ? ']' : '}');
      hint = list ? "write the list's values and close it with `]`" : "write the mapping's keys and values and close it with `}`";
      notes.push_back({file.locate(opener), fmt::format("the `{}` opened here", t[opener])});
    } else {
      message = fmt::format("expected a value here, found {}", found_at(t, at));
      hint = "write the value, or put it in quotes";
    }
  } else if (p == "found unexpected end of stream" && stop.context == "while scanning a quoted scalar") {
    at = std::min(stop.context_at, t.size());
    message = fmt::format("the quoted text that starts here is not closed: the file ends before its `{}`",
                          at < t.size() ? t[at] : '"');
    hint = "close the quotes";
  } else if (p == "found unexpected end of stream") {
    message = "the file ends in the middle of a value";
    hint = "finish the value, or remove what was begun";
    note_at_context("the value starts here");
  } else if (p == "found unexpected document indicator") {
    message = "a `---` or `...` at the start of a line inside a quoted text";
    hint = "close the quotes before it";
    note_at_context("the quoted text starts here");
  } else if (p == "found unknown escape character") {
    message = fmt::format("an unknown escape after a backslash in double quotes (`\\{}`)",
                          char_at(t, at + 1));
    hint = backslash_hint;
  } else if (p == "did not find expected hexdecimal number") {
    message = "a `\\x`, `\\u` or `\\U` escape takes 2, 4 or 8 hexadecimal digits";
    hint = backslash_hint;
  } else if (p == "found invalid Unicode character escape code") {
    message = "this escape names no Unicode character";
    hint = backslash_hint;
  } else if (p == "found character that cannot start any token" && at < t.size() && (t[at] == '@' || t[at] == '`')) {
    message = fmt::format("a value cannot start with {}: YAML keeps it for later use",
                          t[at] == '@' ? "`@`" : "a backquote");
    hint = "put the value in quotes";
  } else if (p == "found character that cannot start any token") {
    message = fmt::format("`{}` cannot start a value here", char_at(t, at));
    hint = "put the value in quotes";
  } else if (p == "could not find expected ':'") {
    if (!stop.context.empty()) at = std::min(stop.context_at, t.size());
    message = "this key has no `:` on its line";
    hint = "write `key: value` on one line (a key is at most 1,024 characters); a text that runs over lines goes in quotes";
  } else if (p == "found unexpected ':'") {
    message = "a `:` inside a plain value in a `[...]` or `{...}`";
    hint = "put the value in quotes";
  } else if (p == "did not find expected alphabetic or numeric character") {
    message = stop.context == "while scanning an alias" ? "a `*` with no anchor name after it"
                                                          : "a `&` with no anchor name after it";
    hint = "an anchor is `&name` and an alias `*name`; put a value that starts with `&` or `*` in quotes";
  } else if (p == "found undefined tag handle") {
    message = "a tag whose handle no `%TAG` line declares";
    hint = "remove it: tags have no meaning in a case file";
  } else if (p == "found incompatible YAML document") {
    message = "the `%YAML` line names a version of YAML other than 1.x";
    hint = "remove the `%YAML` line";
  } else if (p == "did not find expected <document start>") {
    message = fmt::format("found {} after the end of the document", found_at(t, at));
    hint = "a case file holds one document: remove the `...` line or what follows it";
  } else if (p == "control characters are not allowed") {
    message = fmt::format("the control character U+{:04X} is not allowed in YAML text", std::max(0, stop.value));
    hint = "remove it; in double quotes an escape such as `\\t` can stand for one";
  } else {
    message = std::string(p);
    if (!stop.context.empty()) message += fmt::format(" ({})", stop.context);
  }
  if (at_end(at)) at = last_token_end(at);  // not on the blank line after the text
  Diagnostic d = make_error("case.yaml-syntax", file.locate(at), "invalid YAML: " + message, hint);
  d.notes = std::move(notes);
  return d;
}

bool is_tab_problem(const Stop& stop, std::string_view t) {
  return stop.problem == "found a tab character that violates indentation" ||
         stop.problem == "found a tab character where an indentation space is expected" ||
         (stop.problem == "found character that cannot start any token" && stop.at < t.size() && t[stop.at] == '\t');
}

// What libyaml's stop says, in a reader's words, at its place in `file` (tabs in the
// indentation up to it first).
std::vector<Diagnostic> stop_diagnostics(const Stop& stop, const SourceFile& file) {
  std::vector<Diagnostic> out;
  SourceLoc loc = file.locate(stop.at);
  // YAML forbids tabs for indentation; libyaml stumbles over them with various messages.
  auto tabs = tab_indents(file, loc.line);
  bool tab_on_error_line = false;
  for (std::size_t offset : tabs) {
    SourceLoc tab = file.locate(offset);
    tab_on_error_line = tab_on_error_line || tab.line == loc.line;
    out.push_back(make_error("case.tab-indent", tab, "a tab in the indentation: YAML forbids tabs for indentation",
                             "indent with spaces"));
  }
  if (is_tab_problem(stop, file.text()) && !tab_on_error_line)
    out.push_back(make_error("case.tab-indent", loc,
                             "a tab where YAML expects indentation: YAML forbids tabs for indentation",
                             "indent with spaces"));
  else if (!tab_on_error_line)
    out.push_back(explain(stop, file));
  return out;
}

// The parser and its current event, released however the reading ends.
struct Parser {
  yaml_parser_t parser;
  bool ready;
  Parser() { ready = yaml_parser_initialize(&parser) != 0; }
  ~Parser() {
    if (ready) yaml_parser_delete(&parser);
  }
  Parser(const Parser&) = delete;
  Parser& operator=(const Parser&) = delete;
};

struct Event {
  yaml_event_t event{};
  ~Event() { yaml_event_delete(&event); }
};

}  // namespace

ReadResult read_yaml(const SourceFile& file, const Limits& limits) {
  ReadResult result;
  result.diagnostics = check_text(file, limits);
  if (has_errors(result.diagnostics)) return result;

  std::string_view text = file.text();
  std::size_t base = text.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;  // libyaml skips the mark and counts from after it
  ByteOffsets bytes(text, base);

  Parser p;
  if (!p.ready) {
    result.diagnostics.push_back(make_error("case.yaml-syntax", file.locate(0), "the YAML parser could not start (out of memory)"));
    return result;
  }
  yaml_parser_set_input_string(&p.parser, reinterpret_cast<const unsigned char*>(text.data()), text.size());

  Tree tree;
  Builder builder(tree, file, limits);
  try {
    for (bool done = false; !done;) {
      Event e;
      if (!yaml_parser_parse(&p.parser, &e.event)) {
        const yaml_parser_t& y = p.parser;
        Stop stop;
        stop.type = y.error;
        stop.problem = y.problem == nullptr ? std::string_view("unreadable YAML") : std::string_view(y.problem);
        stop.context = y.context == nullptr ? std::string_view() : std::string_view(y.context);
        stop.at = y.error == YAML_READER_ERROR ? std::min(base + y.problem_offset, text.size())
                                               : bytes(y.problem_mark.index);
        stop.context_at = stop.context.empty() ? stop.at : bytes(y.context_mark.index);
        stop.value = y.problem_value;
        auto problems = stop_diagnostics(stop, file);
        result.diagnostics.insert(result.diagnostics.end(), problems.begin(), problems.end());
        return result;
      }
      const yaml_event_t& ev = e.event;
      std::size_t at = bytes(ev.start_mark.index);
      switch (ev.type) {
        case YAML_STREAM_END_EVENT: done = true; break;
        case YAML_DOCUMENT_START_EVENT: builder.document_start(at); break;
        case YAML_ALIAS_EVENT: builder.alias(at, text_of(ev.data.alias.anchor)); break;
        case YAML_SCALAR_EVENT: builder.scalar(at, ev); break;
        case YAML_SEQUENCE_START_EVENT:
          builder.open(Node::Kind::Sequence, at, ev.data.sequence_start.tag, ev.data.sequence_start.anchor);
          break;
        case YAML_MAPPING_START_EVENT:
          builder.open(Node::Kind::Map, at, ev.data.mapping_start.tag, ev.data.mapping_start.anchor);
          break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT: builder.close(); break;
        default: break;  // stream start, document end
      }
    }
  } catch (const Refusal& r) {
    result.diagnostics.push_back(r.diagnostic);
    return result;
  }
  if (builder.documents() == 0 || tree.kind(tree.root()) == Node::Kind::Null) {
    result.empty = true;
    return result;
  }
  result.tree = std::move(tree);
  return result;
}

// ---------------------------------------------------------------------------------------------
// A `cases:` list read a case at a time

namespace {

// `&name` or `*name` at text[i] where YAML could read an anchor or an alias: at the start of a
// node (first on its line, or after `: `, `- `, `? `, `[`, `{`, `,`, or a tag such as `!!map`),
// followed by a name. Text such as "R&D", "see *note*" or "a * b" is not; a comment may be taken
// for one (the guess errs on the side of reading the file whole).
bool anchor_at(std::string_view text, std::size_t i) {
  if (i + 1 >= text.size()) return false;
  const char after = text[i + 1];
  if (after == ' ' || after == '\t' || after == '\r' || after == '\n' || after == ',' || after == ']' || after == '}')
    return false;
  std::size_t j = i;
  while (j > 0 && (text[j - 1] == ' ' || text[j - 1] == '\t')) --j;
  if (j == 0 || text[j - 1] == '\n') return true;  // first on its line
  const char before = text[j - 1];
  if (before == '[' || before == '{' || before == ',' || before == ':' || before == '-' || before == '?') return true;
  if (j == i) return false;  // written against the word before it, as in R&D
  std::size_t word = j - 1;
  while (word > 0 && text[word - 1] != ' ' && text[word - 1] != '\t' && text[word - 1] != '\n') --word;
  return text[word] == '!';  // after a tag
}


// True when a byte of `v` is past 0x7F, looked at eight bytes at a time.
bool any_non_ascii(std::string_view v) {
  std::size_t i = 0;
  for (std::uint64_t w = 0; i + 8 <= v.size(); i += 8) {
    std::memcpy(&w, v.data() + i, 8);
    if ((w & 0x8080808080808080ull) != 0) return true;
  }
  for (; i < v.size(); ++i)
    if (static_cast<unsigned char>(v[i]) >= 0x80) return true;
  return false;
}

// How many line breaks `v` holds.
std::uint64_t line_breaks(std::string_view v) {
  std::uint64_t n = 0;
  for (const char* p = static_cast<const char*>(std::memchr(v.data(), '\n', v.size())); p != nullptr;
       p = static_cast<const char*>(std::memchr(p + 1, '\n', v.size() - static_cast<std::size_t>(p + 1 - v.data()))))
    ++n;
  return n;
}

}  // namespace

FileScan scan_file(std::FILE* f, const std::string& name) {
  FileScan out;
  constexpr std::size_t kChunk = 1u << 20;
  std::string buf;          // whole lines (a line begun in the last chunk is carried to the next)
  std::uint64_t lines = 0;  // line breaks before buf
  bool first = true;
  // Refuses the line holding buf[at], as check_text refuses a whole file at that byte.
  auto refuse = [&](std::size_t at) {
    const std::size_t nl = at == 0 ? std::string::npos : buf.rfind('\n', at - 1);
    const std::size_t from = nl == std::string::npos ? 0 : nl + 1;
    const std::size_t to = std::min(buf.find('\n', at), buf.size());
    const auto line_no = static_cast<std::uint32_t>(lines + std::count(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(from), '\n') + 1);
    std::string_view line = std::string_view(buf).substr(from, to - from);
    SourceFile piece(name, std::string(line), line_no);
    out.problems = check_text(piece, Limits{});
    out.problem_line = std::make_shared<const SourceFile>(name, printable_line(line), line_no);
  };
  // Looks over buf[0, end), whole lines; false when its bytes are refused.
  auto look = [&](std::size_t end) {
    std::string_view v = std::string_view(buf).substr(0, end);
    std::size_t skip = 0;
    if (first) {
      first = false;
      if (v.substr(0, 2) == "\xFF\xFE" || v.substr(0, 2) == "\xFE\xFF") {
        refuse(0);
        return false;
      }
      if (v.substr(0, 3) == "\xEF\xBB\xBF") skip = 3;  // libyaml does not count a byte-order mark
    }
    if (const void* nul = std::memchr(v.data(), 0, v.size())) {
      refuse(static_cast<std::size_t>(static_cast<const char*>(nul) - v.data()));
      return false;
    }
    if (any_non_ascii(v.substr(skip))) {
      out.ascii = false;
      if (std::size_t bad = first_invalid_utf8(v); bad != std::string_view::npos) {
        refuse(bad);
        return false;
      }
    }
    for (char c : {'&', '*'}) {
      for (const char* p = static_cast<const char*>(std::memchr(v.data(), c, v.size())); p != nullptr && !out.anchors;) {
        const auto i = static_cast<std::size_t>(p - v.data());
        out.anchors = anchor_at(v, i);
        p = static_cast<const char*>(std::memchr(p + 1, c, v.size() - i - 1));
      }
    }
    lines += line_breaks(v);
    return true;
  };
  for (;;) {
    const std::size_t old = buf.size();
    buf.resize(old + kChunk);
    const std::size_t n = std::fread(buf.data() + old, 1, kChunk, f);
    buf.resize(old + n);
    out.size += n;
    if (n == 0) break;
    std::size_t end = buf.rfind('\n');
    if (end != std::string::npos) {
      ++end;
    } else if (buf.size() > 64 * kChunk) {  // a line of more than 64 MiB: looked over in pieces
      end = buf.size();
      std::size_t k = end;
      while (k > 0 && end - k < 3 && (static_cast<unsigned char>(buf[k - 1]) & 0xC0) == 0x80) --k;
      if (k > 0 && static_cast<unsigned char>(buf[k - 1]) >= 0xC0) end = k - 1;  // not inside a character
    } else {
      continue;
    }
    if (!look(end)) return out;
    buf.erase(0, end);
  }
  out.unreadable = std::ferror(f) != 0;
  if (!buf.empty()) look(buf.size());
  return out;
}

namespace {

constexpr std::size_t kPiece = 64u << 10;

// The bytes of the file from the first line still needed on, read in pieces of 64 KiB: libyaml
// is fed from them, and the pieces handed on are cut from them. Places are bytes from the start
// of the file.
class Window {
 public:
  Window(std::FILE* f, bool ascii) : f_(f), ascii_(ascii) {
    more();
    bom_ = view(0, std::min<std::size_t>(3, end())) == "\xEF\xBB\xBF" ? 3 : 0;
    origin_ = byte_ = bom_;
  }

  // libyaml reads on from `offset`, a line start, its places counted from there.
  void restart(std::size_t offset) {
    fed_ = origin_ = byte_ = offset;
    index_ = 0;
  }

  std::size_t base() const { return base_; }
  std::size_t end() const { return base_ + (buf_.size() - start_); }
  std::size_t origin() const { return origin_; }
  bool eof() const { return eof_; }

  bool more() {
    if (eof_) return false;
    eof_ = !dsl::read_more(f_, buf_, kPiece);
    return !eof_;
  }

  std::string_view view(std::size_t from, std::size_t to) const {
    return std::string_view(buf_).substr(start_ + (from - base_), to - from);
  }

  // Forgets what is before `offset`, the start of a line.
  void drop_to(std::size_t offset) {
    if (offset <= base_) return;
    line_of(offset);  // the line count moves past what is dropped
    start_ += offset - base_;
    base_ = offset;
    if (start_ >= (1u << 20) && start_ * 2 >= buf_.size()) {
      buf_.erase(0, start_);
      start_ = 0;
    }
  }

  std::size_t line_start(std::size_t offset) const {
    offset = std::clamp(offset, base_, end());
    std::string_view before = view(base_, offset);
    std::size_t nl = before.rfind('\n');
    return nl == std::string_view::npos ? base_ : base_ + nl + 1;
  }

  // Where the line holding `offset` ends (at its line break, or the end of the file), read on as needed.
  std::size_t line_end(std::size_t offset) {
    offset = std::max(offset, base_);
    for (;;) {
      if (offset < end()) {
        std::string_view rest = view(offset, end());
        std::size_t nl = rest.find('\n');
        if (nl != std::string_view::npos) return offset + nl;
        offset = end();
      }
      if (!more()) return end();
    }
  }

  // The line (1-based) that `offset` is on.
  std::uint32_t line_of(std::size_t offset) {
    offset = std::clamp(offset, base_, end());
    if (offset >= counted_) {
      std::string_view v = view(counted_, offset);
      line_ += static_cast<std::uint32_t>(std::count(v.begin(), v.end(), '\n'));
    } else {
      std::string_view v = view(offset, counted_);
      line_ -= static_cast<std::uint32_t>(std::count(v.begin(), v.end(), '\n'));
    }
    counted_ = offset;
    return line_;
  }

  // The byte where libyaml's character `index` (counted after a byte-order mark) starts.
  std::size_t byte_of(std::size_t index) {
    if (ascii_) return origin_ + index;
    while (index_ < index) {
      if (byte_ >= end() && !more()) return byte_;
      ++byte_;
      while ((byte_ < end() || more()) && continuation(view(byte_, byte_ + 1)[0])) ++byte_;
      ++index_;
    }
    while (index_ > index && byte_ > base_) {
      --byte_;
      while (byte_ > base_ && continuation(view(byte_, byte_ + 1)[0])) --byte_;
      --index_;
    }
    return byte_;
  }

  static int feed(void* data, unsigned char* buffer, std::size_t size, std::size_t* size_read) {
    auto* w = static_cast<Window*>(data);
    if (w->fed_ >= w->end() && !w->more()) {
      *size_read = 0;
      return std::ferror(w->f_) ? 0 : 1;
    }
    const std::size_t n = std::min(size, w->end() - w->fed_);
    std::memcpy(buffer, w->view(w->fed_, w->fed_ + n).data(), n);
    w->fed_ += n;
    *size_read = n;
    return 1;
  }

 private:
  static bool continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

  std::FILE* f_;
  bool ascii_;
  bool eof_ = false;
  std::string buf_;
  std::size_t start_ = 0;  // where byte `base_` of the file is in buf_
  std::size_t base_ = 0;
  std::size_t fed_ = 0;    // what libyaml has been given
  std::size_t bom_ = 0;
  std::size_t origin_ = 0;               // where libyaml's count of characters starts
  std::size_t index_ = 0, byte_ = 0;     // a character and its first byte
  std::size_t counted_ = 0;              // lines are counted up to here
  std::uint32_t line_ = 1;
};

// libyaml's events, owned until they are cleared.
struct Held {
  yaml_event_t event;
  std::size_t at;  // its start, in bytes from the start of the file
};
class HeldEvents {
 public:
  ~HeldEvents() { clear(); }
  void push(const yaml_event_t& e, std::size_t at) { held_.push_back(Held{e, at}); }
  void clear() {
    for (auto& h : held_) yaml_event_delete(&h.event);
    held_.clear();
  }
  bool empty() const { return held_.empty(); }
  const std::vector<Held>& all() const { return held_; }

 private:
  std::vector<Held> held_;
};

}  // namespace

// Gives the builder the events held, their places counted from `from`, the piece's first byte.
// An alias of an anchor written in an earlier item is refused by name (`earlier`).
static void replay(Builder& b, const HeldEvents& held, std::size_t from, const SourceFile& piece,
                   const std::unordered_set<std::string>& earlier) {
  for (const auto& h : held.all()) {
    const std::size_t at = h.at - std::min(h.at, from);
    const yaml_event_t& ev = h.event;
    switch (ev.type) {
      case YAML_DOCUMENT_START_EVENT: b.document_start(at); break;
      case YAML_ALIAS_EVENT: {
        std::string_view name = text_of(ev.data.alias.anchor);
        if (!b.knows_anchor(name) && earlier.contains(std::string(name)))
          throw Refusal{make_error(
              "case.alias-across-cases", piece.locate(at, 1 + name.size()),
              fmt::format("the alias `*{}` repeats an anchor written in an earlier case; in a case file over the "
                          "size it is read whole at, each case is read on its own, so an alias repeats only an "
                          "anchor of its own case",
                          name),
              "write the values out in this case, or split the file into files small enough to be read whole")};
        b.alias(at, name);
        break;
      }
      case YAML_SCALAR_EVENT: b.scalar(at, ev); break;
      case YAML_SEQUENCE_START_EVENT:
        b.open(Node::Kind::Sequence, at, ev.data.sequence_start.tag, ev.data.sequence_start.anchor);
        break;
      case YAML_MAPPING_START_EVENT:
        b.open(Node::Kind::Map, at, ev.data.mapping_start.tag, ev.data.mapping_start.anchor);
        break;
      case YAML_SEQUENCE_END_EVENT:
      case YAML_MAPPING_END_EVENT: b.close(); break;
      default: break;
    }
  }
}

ListRead read_case_list(std::FILE* f, const std::string& name, const Limits& limits, bool ascii, const ListSink& to) {
  Window w(f, ascii);
  auto p = std::make_unique<Parser>();
  if (!p->ready) return ListRead::NotAList;
  yaml_parser_set_input(&p->parser, &Window::feed, &w);
  HeldEvents held;

  // The head: the stream, its document, the file's mapping, `cases` as its first key, a block list.
  constexpr yaml_event_type_t kHead[] = {YAML_STREAM_START_EVENT, YAML_DOCUMENT_START_EVENT, YAML_MAPPING_START_EVENT,
                                         YAML_SCALAR_EVENT, YAML_SEQUENCE_START_EVENT};
  for (yaml_event_type_t type : kHead) {
    yaml_event_t e;
    if (!yaml_parser_parse(&p->parser, &e)) return ListRead::NotAList;
    held.push(e, w.byte_of(e.start_mark.index));
    if (e.type != type) return ListRead::NotAList;
  }
  {
    const auto& key = held.all()[3].event.data.scalar;
    if (std::string_view(reinterpret_cast<const char*>(key.value), key.length) != "cases" ||
        held.all()[4].event.data.sequence_start.style != YAML_BLOCK_SEQUENCE_STYLE)
      return ListRead::NotAList;
  }
  SourceLoc cases_key;
  {
    auto head = std::make_shared<const SourceFile>(name, std::string(w.view(0, w.line_end(held.all()[3].at))));
    Tree tree;
    try {
      Builder b(tree, *head, limits);
      replay(b, held, 0, *head, {});
      b.close();
      b.close();
    } catch (const Refusal&) {
      return ListRead::NotAList;  // read whole, the problem is said as it is then
    }
    cases_key = tree.place(tree.key(tree.root(), 0), *head);
  }
  // The items' `-` are this far from the start of their lines.
  const std::size_t dash = held.all()[4].at - w.line_start(held.all()[4].at);
  held.clear();

  std::unordered_set<std::string> earlier;  // anchors written in the items read
  std::size_t done = 0;                     // items read to their end
  // Resume: a new parser reads on from the next item after an error, as a list of its own.
  enum class Phase { List, Tail, After, Resume } phase = Phase::List;
  bool collecting = false, build = false, refused = false, resumed = false;
  std::size_t resumed_at = 0;  // where the last new parser began
  std::size_t item_start = 0, content_end = 0;
  std::vector<bool> flow;  // each collection open in the item: written in flow style

  // One piece of the file: whole lines from `from`'s to `last`'s.
  auto piece_of = [&](std::size_t from, std::size_t last) {
    from = w.line_start(from);
    const std::size_t end = w.line_end(std::max(last, from));
    return std::make_shared<const SourceFile>(name, std::string(w.view(from, end)), w.line_of(from));
  };
  auto remember_anchors = [&] {
    for (const auto& h : held.all()) {
      const yaml_char_t* anchor = h.event.type == YAML_SCALAR_EVENT           ? h.event.data.scalar.anchor
                                  : h.event.type == YAML_SEQUENCE_START_EVENT ? h.event.data.sequence_start.anchor
                                  : h.event.type == YAML_MAPPING_START_EVENT  ? h.event.data.mapping_start.anchor
                                                                              : nullptr;
      if (anchor != nullptr) earlier.emplace(text_of(anchor));
    }
  };
  // The item (or the entries after the list) held, built and handed on.
  auto finish_item = [&] {
    const std::size_t from = w.line_start(item_start);
    auto piece = piece_of(item_start, content_end > item_start ? content_end - 1 : item_start);
    Tree tree;
    try {
      Builder b(tree, *piece, limits);
      if (phase == Phase::List) {
        b.open(Node::Kind::Sequence, 0, nullptr, nullptr);  // as deep as the file's mapping and its list
        b.open(Node::Kind::Sequence, 0, nullptr, nullptr);
      } else {
        b.open(Node::Kind::Map, 0, nullptr, nullptr);  // the file's mapping, holding the entries after the list
      }
      replay(b, held, from, *piece, earlier);
      b.close();
      if (phase == Phase::List) b.close();
    } catch (const Refusal& r) {
      remember_anchors();
      held.clear();
      to.problems({r.diagnostic}, piece, phase == Phase::List);
      return;
    }
    remember_anchors();
    held.clear();
    if (phase == Phase::List) {
      NodeId list = tree.children(tree.root())[0];
      to.item(piece, tree, tree.children(list)[0]);
    } else {
      to.beside(piece, tree, tree.root(), cases_key);
    }
  };
  auto too_large = [&] {
    auto piece = piece_of(item_start, item_start);
    const std::string what = phase == Phase::List ? "this case" : "what follows the `cases:` list";
    to.problems({make_error("case.too-large", piece->locate(item_start - w.line_start(item_start)),
                            fmt::format("{} is more than the {} a case may hold in a case file read a case at a time",
                                        what, mib(limits.max_file_bytes)),
                            "split the case, or write less in it")},
                piece, phase == Phase::List);
  };

  for (;;) {
    yaml_event_t e;
    if (!yaml_parser_parse(&p->parser, &e)) {
      const yaml_parser_t& y = p->parser;
      Stop stop;
      stop.type = y.error;
      stop.problem = y.problem == nullptr ? std::string_view("unreadable YAML") : std::string_view(y.problem);
      stop.context = y.context == nullptr ? std::string_view() : std::string_view(y.context);
      const std::size_t at = y.error == YAML_READER_ERROR ? w.origin() + y.problem_offset : w.byte_of(y.problem_mark.index);
      const std::size_t context_at = stop.context.empty() ? at : w.byte_of(y.context_mark.index);
      // From the first line of what was being read to the ends of lines well past the error.
      const std::size_t from = collecting ? w.line_start(std::min(item_start, at)) : w.base();
      w.line_end(at);
      w.more();
      std::size_t end = w.end();
      if (!w.eof()) end = std::max(w.line_start(end), w.line_end(at));
      auto piece = std::make_shared<const SourceFile>(name, std::string(w.view(from, end)), w.line_of(from));
      stop.at = std::min(at - std::min(at, from), end - from);
      stop.context_shown = context_at >= from;
      stop.context_at = stop.context_shown ? std::min(context_at - from, end - from) : stop.at;
      stop.value = y.problem_value;
      auto ds = stop_diagnostics(stop, *piece);
      // libyaml cannot read on past an error: a new parser reads on from the next line that starts
      // an item of the list (`- ` as far in as the items' are), if any.
      std::optional<std::size_t> resume;
      auto starts_item = [&](std::size_t start, std::size_t end) {
        std::string_view line = w.view(start, end);
        return line.size() > dash && line.find_first_not_of(' ') == dash && line[dash] == '-' &&
               (line.size() == dash + 1 || line[dash + 1] == ' ' || line[dash + 1] == '\r');
      };
      if (phase == Phase::List || phase == Phase::Resume) {
        // Inside an item: the next item after that one's first line (an open quote or `[` may
        // have run on into the items after it, which are read again); between items, the error's
        // own line when libyaml stopped at its `-`, else the lines after it. Always past where
        // the last parser began, so reading ends.
        std::size_t pos = w.line_end(at);
        const std::size_t own = w.line_start(at);
        if (collecting) pos = w.line_end(item_start);
        else if (at == own + dash && own > resumed_at && starts_item(own, w.line_end(own))) resume = own;
        while (!resume && (pos < w.end() || w.more())) {
          const std::size_t start = pos + 1;
          if (start >= w.end() && !w.more()) break;
          const std::size_t end = w.line_end(start);
          if (start > resumed_at && starts_item(start, end)) {
            resume = start;
            break;
          }
          if (start > at) w.drop_to(start);
          pos = end;
        }
      }
      if (!ds.empty() && resume) {
        const std::uint32_t here = ds.back().loc.line, next = w.line_of(*resume);
        std::string where = next == here ? fmt::format("at the item of the `cases:` list that starts here (line {})", next)
                            : next < here
                                ? fmt::format("at line {}, with the item of the `cases:` list after the one being read "
                                              "(read again from there: it was taken as part of the one before)",
                                              next)
                                : fmt::format("at line {}, with the next item of the `cases:` list", next);
        if (next > here + 1)
          where += next == here + 2 ? fmt::format("; line {} is not read", here + 1)
                                    : fmt::format("; lines {} to {} are not read", here + 1, next - 1);
        ds.back().notes.push_back({ds.back().loc, "YAML cannot be read on from here: reading resumes " + where});
      }
      else if (!ds.empty())
        ds.back().notes.push_back(
            {ds.back().loc, fmt::format("the file is read no further: YAML cannot be read on past this error; {} "
                                        "case{} before it {} read",
                                        done, done == 1 ? "" : "s", done == 1 ? "was" : "were")});
      to.problems(ds, piece, collecting);
      if (!resume) return ListRead::Streamed;
      p = std::make_unique<Parser>();
      if (!p->ready) return ListRead::Streamed;
      w.restart(*resume);
      resumed_at = *resume;
      yaml_parser_set_input(&p->parser, &Window::feed, &w);
      held.clear();
      flow.clear();
      collecting = false;
      phase = Phase::Resume;
      continue;
    }
    const std::size_t at = w.byte_of(e.start_mark.index);
    const yaml_event_type_t type = e.type;
    const bool opens = type == YAML_MAPPING_START_EVENT || type == YAML_SEQUENCE_START_EVENT;
    const bool closes = type == YAML_MAPPING_END_EVENT || type == YAML_SEQUENCE_END_EVENT;

    if (phase == Phase::Resume) {  // the new parser's stream, document and list
      yaml_event_delete(&e);
      if (type == YAML_SEQUENCE_START_EVENT) {
        phase = Phase::List;
        resumed = true;
      } else if (type != YAML_STREAM_START_EVENT && type != YAML_DOCUMENT_START_EVENT) {
        return ListRead::Streamed;
      }
      continue;
    }
    if (phase == Phase::After) {
      if (type == YAML_DOCUMENT_START_EVENT) {
        yaml_event_delete(&e);
        auto piece = piece_of(at, at);
        const std::size_t from = w.line_start(at);
        try {
          Tree tree;
          Builder b(tree, *piece, limits);
          b.document_start(0);
          b.document_start(at - from);
        } catch (const Refusal& r) {
          to.problems({r.diagnostic}, piece, false);
        }
        return ListRead::Streamed;
      }
      yaml_event_delete(&e);
      if (type == YAML_STREAM_END_EVENT) return ListRead::Streamed;
      continue;
    }

    if (!collecting) {
      if (closes && phase == Phase::List) {  // the end of the list (read on after an error: of the file)
        yaml_event_delete(&e);
        phase = resumed ? Phase::After : Phase::Tail;
        continue;
      }
      if (closes) {  // the end of the file's mapping, nothing after the list
        yaml_event_delete(&e);
        phase = Phase::After;
        continue;
      }
      // An item of the list begins (or the first entry after it).
      collecting = true;
      refused = false;
      w.drop_to(w.line_start(at));
      item_start = at;
      content_end = at;
      build = phase == Phase::Tail || !to.build_next || to.build_next();
      flow.clear();
    }
    // In the entries after the list, the end of the file's mapping ends them.
    const bool tail_ends = phase == Phase::Tail && closes && flow.empty();
    if (opens) {
      flow.push_back(type == YAML_MAPPING_START_EVENT ? e.data.mapping_start.style == YAML_FLOW_MAPPING_STYLE
                                                       : e.data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE);
    } else if (closes && !tail_ends) {
      if (!flow.empty() && flow.back()) content_end = std::max(content_end, w.byte_of(e.end_mark.index));
      if (!flow.empty()) flow.pop_back();
    } else if (type == YAML_SCALAR_EVENT || type == YAML_ALIAS_EVENT) {
      content_end = std::max(content_end, w.byte_of(e.end_mark.index));
    }
    if (tail_ends) {
      yaml_event_delete(&e);
      collecting = false;
      if (build) finish_item();
      held.clear();
      phase = Phase::After;
      continue;
    }
    const std::size_t depth = (phase == Phase::List ? 2 : 1) + flow.size();
    if (build) {
      held.push(e, at);
      if (depth > limits.max_depth) {  // the builder refuses it at this event, as when read whole
        finish_item();
        build = false;
        refused = true;
      } else if (at - item_start > limits.max_file_bytes) {
        held.clear();
        too_large();
        build = false;
        refused = true;
      }
    } else {
      yaml_event_delete(&e);
      w.drop_to(w.line_start(at));
    }
    if (phase == Phase::List && flow.empty()) {  // the item ends
      collecting = false;
      ++done;
      if (build) finish_item();
      else if (!refused && to.passed_over) to.passed_over();
      held.clear();
    }
  }
}

std::string printable_line(std::string_view line) {
  std::string out(line);
  std::size_t from = 0;
  while (from < out.size()) {
    std::size_t bad = first_invalid_utf8(std::string_view(out).substr(from));
    if (bad == std::string_view::npos) break;
    out[from + bad] = '?';
    from += bad + 1;
  }
  return out;
}

}  // namespace decree::engine::yaml
