#include "engine/yaml_tree.hpp"

#include <algorithm>
#include <istream>
#include <streambuf>
#include <tuple>
#include <unordered_map>

#include <fmt/format.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

namespace decree::engine::yaml {

namespace {

// Stops yaml-cpp at once: thrown from an event, caught around the parser.
struct Refusal {
  Diagnostic diagnostic;
};

// Lets yaml-cpp read the file's text in place (a 64 MiB file is not copied again).
class TextBuf : public std::streambuf {
 public:
  explicit TextBuf(std::string_view text) {
    char* p = const_cast<char*>(text.data());
    setg(p, p, p + text.size());
  }
};

std::string with_commas(std::uint64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string mib(std::size_t bytes) {
  if (bytes % (1u << 20) == 0) return fmt::format("{} MiB", bytes >> 20);
  return fmt::format("{} bytes", with_commas(bytes));
}

bool is_blank(char c) { return c == ' ' || c == '\t'; }

// yaml-cpp places a node at its first token, which may be an anchor or a tag: where the value
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
// npos when the file ends first. `limit` stops the search (a quoted text on one line).
std::size_t quote_end(std::string_view t, std::size_t off, std::size_t limit) {
  const char q = t[off];
  std::size_t j = off + 1;
  while (j < limit) {
    if (q == '"' && t[j] == '\\') j += 2;
    else if (q == '\'' && t[j] == '\'' && j + 1 < limit && t[j + 1] == '\'') j += 2;
    else if (t[j] == q) return j + 1;
    else ++j;
  }
  return std::string_view::npos;
}

// `!!int` as written, not yaml-cpp's `tag:yaml.org,2002:int`.
std::string tag_as_written(const std::string& tag) {
  constexpr std::string_view core = "tag:yaml.org,2002:";
  if (tag.rfind(core, 0) == 0) return "!!" + tag.substr(core.size());
  return tag;
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
  const Node& n = nodes_[id];
  std::string_view t = file.text();
  std::size_t off = value_start(t, n.offset);
  std::size_t length = 1;
  if (n.kind == Node::Kind::Scalar && off < t.size()) {
    auto line_end = t.find('\n', off);
    if (line_end == std::string_view::npos) line_end = t.size();
    char c = t[off];
    if (c == '"' || c == '\'') {
      std::size_t end = quote_end(t, off, line_end);
      length = (end == std::string_view::npos ? line_end : end) - off;  // on several lines: to this one's end
    } else if (c != '|' && c != '>') {
      std::string_view value = scalar(id);
      if (!value.empty() && t.substr(off, value.size()) == value) length = value.size();
    }
    if (length > 0 && off + length > line_end) length = std::max<std::size_t>(1, line_end - off);
    if (length > 1 && t[off + length - 1] == '\r') --length;
  }
  return file.locate(off, length);
}

std::vector<std::pair<NodeId, NodeId>> Tree::duplicate_keys(NodeId map) const {
  std::vector<std::pair<NodeId, NodeId>> out;
  if (kind(map) != Node::Kind::Map) return out;
  std::size_t n = entries(map);
  if (n < 2) return out;
  if (n <= 16) {
    for (std::size_t i = 1; i < n; ++i) {
      NodeId k = key(map, i);
      if (kind(k) != Node::Kind::Scalar) continue;
      for (std::size_t j = 0; j < i; ++j) {
        NodeId earlier = key(map, j);
        if (kind(earlier) == Node::Kind::Scalar && scalar(earlier) == scalar(k)) {
          out.emplace_back(earlier, k);
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

// ---------------------------------------------------------------------------------------------
// Checks on the raw text

std::vector<Diagnostic> check_text(const SourceFile& file, const Limits& limits) {
  std::vector<Diagnostic> out;
  const std::string& text = file.text();
  SourceLoc whole;
  whole.file = file.name();
  if (text.size() > limits.max_file_bytes) {
    out.push_back(make_error("case.too-large", whole,
                             fmt::format("the file is {} bytes, more than the {} a case file may hold",
                                         with_commas(text.size()), mib(limits.max_file_bytes)),
                             "split the cases into several files, or load a directory of them"));
    return out;
  }
  auto starts = [&](std::string_view prefix) { return std::string_view(text).substr(0, prefix.size()) == prefix; };
  if (starts("\xFF\xFE") || starts("\xFE\xFF")) {
    out.push_back(make_error("case.not-utf8", whole, "the file is UTF-16 text; case files are UTF-8",
                             "save the file as UTF-8"));
    return out;
  }
  if (auto nul = text.find('\0'); nul != std::string::npos) {
    out.push_back(make_error("case.binary", file.locate(nul),
                             "the file holds a NUL byte: it looks like a binary file, not YAML text",
                             "a case file is YAML text in UTF-8"));
    return out;
  }
  if (auto bad = first_invalid_utf8(text); bad != std::string_view::npos) {
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
// Building the tree from yaml-cpp's events

class Builder final : public YAML::EventHandler {
 public:
  Builder(Tree& tree, const SourceFile& file, std::size_t base, const Limits& limits)
      : tree_(tree), file_(file), base_(base), limits_(limits) {
    tree_.source_ = file.text();
    tree_.nodes_.reserve(file.text().size() / 8 + 16);  // about two nodes per line of a case file
    tree_.children_.reserve(file.text().size() / 8 + 16);
  }

  std::size_t documents() const { return documents_; }

  // Where the innermost collection still open starts, or npos (after yaml-cpp gave up mid-way).
  std::size_t innermost_open(Node::Kind kind) const {
    for (auto it = open_.rbegin(); it != open_.rend(); ++it)
      if (tree_.nodes_[it->id].kind == kind) return tree_.nodes_[it->id].offset;
    return std::string_view::npos;
  }

  void OnDocumentStart(const YAML::Mark& mark) override {
    if (documents_++ > 0)
      throw Refusal{make_error("case.second-document", at(mark),
                               "a second YAML document (after `---`): a case file holds one document",
                               "put several cases in one `cases:` list")};
  }
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    NodeId id = make(Node::Kind::Null, mark);
    remember(anchor, id, 1, true);
    attach(id, 1);
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    if (anchor == 0 || anchor >= anchors_.size()) return;  // yaml-cpp reports unknown anchors itself
    const Anchor& a = anchors_[anchor];
    if (!a.complete)
      throw Refusal{make_error("case.alias-cycle", at(mark),
                               fmt::format("the alias `*{}` is inside the node it names, so it would never end", a.name),
                               "an alias may only name a node written completely before it")};
    alias_nodes_ += a.expanded;
    if (alias_nodes_ > limits_.max_alias_nodes)
      throw Refusal{make_error(
          "case.alias-limit", at(mark),
          fmt::format("aliases up to here repeat more than {} nodes, the limit for a case file",
                      with_commas(limits_.max_alias_nodes)),
          "each alias (`*name`) repeats everything its anchor (`&name`) holds, so aliases of aliases "
          "multiply (a \"billion laughs\"); write the values out, or use fewer aliases")};
    attach(a.id, a.expanded);
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor, const std::string& value) override {
    check_tag(mark, tag, "tag:yaml.org,2002:str");
    NodeId id = make(Node::Kind::Scalar, mark);
    if (tag != "?") check_closed(tree_.nodes_[id].offset);
    Node& n = tree_.nodes_[id];
    n.plain = tag == "?";
    n.count = static_cast<std::uint32_t>(value.size());
    std::string_view text = file_.text();
    if (n.plain && text.substr(n.offset, value.size()) == value) {
      n.first = n.offset;  // written as it reads: no copy
    } else {
      n.pooled = true;
      n.first = static_cast<std::uint32_t>(tree_.pool_.size());
      tree_.pool_ += value;
    }
    remember(anchor, id, 1, true);
    attach(id, 1);
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    check_tag(mark, tag, "tag:yaml.org,2002:seq");
    open(Node::Kind::Sequence, mark, anchor);
  }
  void OnSequenceEnd() override { close(); }

  void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    check_tag(mark, tag, "tag:yaml.org,2002:map");
    open(Node::Kind::Map, mark, anchor);
  }
  void OnMapEnd() override { close(); }

  void OnAnchor(const YAML::Mark&, const std::string& name) override { pending_anchor_name_ = name; }

 private:
  struct Open {
    NodeId id;
    std::size_t first_pending;  // where this collection's children start in pending_
    std::uint64_t expanded;     // nodes it holds, aliases counted at their full size
    YAML::anchor_t anchor;
  };
  struct Anchor {
    std::string name;
    NodeId id = 0;
    std::uint64_t expanded = 0;
    bool complete = false;  // false while the anchored collection is still being read
  };

  SourceLoc at(const YAML::Mark& mark) const {
    if (mark.pos < 0) {
      SourceLoc loc;
      loc.file = file_.name();
      return loc;
    }
    return file_.locate(base_ + static_cast<std::size_t>(mark.pos));
  }

  NodeId make(Node::Kind kind, const YAML::Mark& mark) {
    Node n;
    n.kind = kind;
    n.offset = static_cast<std::uint32_t>(base_ + static_cast<std::size_t>(std::max(0, mark.pos)));
    tree_.nodes_.push_back(n);
    return static_cast<NodeId>(tree_.nodes_.size() - 1);
  }

  void remember(YAML::anchor_t anchor, NodeId id, std::uint64_t expanded, bool complete) {
    if (anchor == 0) return;
    if (anchors_.size() <= anchor) anchors_.resize(anchor + 1);
    anchors_[anchor] = Anchor{std::move(pending_anchor_name_), id, expanded, complete};
    pending_anchor_name_.clear();
  }

  void attach(NodeId id, std::uint64_t expanded) {
    if (open_.empty()) {
      tree_.root_ = id;
      return;
    }
    pending_.push_back(id);
    open_.back().expanded += expanded;
  }

  void open(Node::Kind kind, const YAML::Mark& mark, YAML::anchor_t anchor) {
    if (open_.size() >= limits_.max_depth)
      throw Refusal{make_error("case.too-deep", at(mark),
                               fmt::format("lists and mappings nest more than {} levels deep here, the limit for a case file",
                                           limits_.max_depth),
                               "a case needs six levels at most (cases, a case, facts, a fact, ...)")};
    NodeId id = make(kind, mark);
    remember(anchor, id, 0, false);
    open_.push_back(Open{id, pending_.size(), 1, anchor});
  }

  void close() {
    Open o = open_.back();
    open_.pop_back();
    Node& n = tree_.nodes_[o.id];
    n.first = static_cast<std::uint32_t>(tree_.children_.size());
    n.count = static_cast<std::uint32_t>(pending_.size() - o.first_pending);
    tree_.children_.insert(tree_.children_.end(), pending_.begin() + static_cast<std::ptrdiff_t>(o.first_pending),
                           pending_.end());
    pending_.resize(o.first_pending);
    if (o.anchor != 0 && o.anchor < anchors_.size()) {
      anchors_[o.anchor].expanded = o.expanded;
      anchors_[o.anchor].complete = true;
    }
    attach(o.id, o.expanded);
  }

  // yaml-cpp takes a quoted text that the file ends inside as if it were closed there.
  void check_closed(std::size_t offset) {
    std::string_view t = file_.text();
    std::size_t start = value_start(t, offset);
    if (start >= t.size() || (t[start] != '"' && t[start] != '\'')) return;
    if (quote_end(t, start, t.size()) != std::string_view::npos) return;
    throw Refusal{make_error("case.yaml-syntax", file_.locate(start),
                             fmt::format("invalid YAML: the quoted text that starts here is not closed: the file ends before its `{}`", t[start]),
                             "close the quotes")};
  }

  void check_tag(const YAML::Mark& mark, const std::string& tag, const char* allowed) {
    if (tag == "?" || tag == "!" || tag == allowed) return;
    throw Refusal{make_error("case.yaml-tag", at(mark),
                             fmt::format("the YAML tag `{}` has no meaning in a case file", tag_as_written(tag)),
                             "remove it: write the value plainly, or in quotes for text")};
  }

  Tree& tree_;
  const SourceFile& file_;
  std::size_t base_;  // bytes before what yaml-cpp reads (a UTF-8 byte-order mark)
  const Limits& limits_;
  std::vector<Open> open_;
  std::vector<NodeId> pending_;
  std::vector<Anchor> anchors_;  // by yaml-cpp's anchor number (from 1)
  std::string pending_anchor_name_;
  std::uint64_t alias_nodes_ = 0;
  std::size_t documents_ = 0;
};

namespace {

// yaml-cpp's messages are terse; say what is wrong in a reader's words, and how to fix it.
std::pair<std::string, std::string> explain_yaml_error(const std::string& msg) {
  using namespace YAML::ErrorMsg;
  struct Known {
    const char* yaml;
    const char* message;
    const char* hint;
  };
  static const Known known[] = {
      {MAP_VALUE, "a `key: value` is not allowed here",
       "check this line's indentation against the lines above; a value that holds `: ` must be in quotes"},
      {MAP_KEY, "a `? key` is not allowed here", "check the indentation of this line"},
      {BLOCK_ENTRY, "a list item `- ` is not allowed here",
       "check the indentation: list items line up under each other, below the key that holds them"},
      {END_OF_MAP, "this mapping is not closed properly", "check the indentation of this line"},
      {END_OF_SEQ, "this list is not closed properly", "check the indentation of this line"},
      {END_OF_MAP_FLOW, "a `{` is not closed by a `}`", "close the mapping, or check the commas inside it"},
      {END_OF_SEQ_FLOW, "a `[` is not closed by a `]`", "close the list, or check the commas inside it"},
      {FLOW_END, "a `]` or `}` closes nothing", "remove it, or open the list or mapping it closes"},
      {EOF_IN_SCALAR, "a quoted text is not closed before the end of the file", "close the quotes"},
      {DOC_IN_SCALAR, "a `---` or `...` inside a quoted text", "close the quotes before it"},
      {UNKNOWN_ANCHOR, "an alias names an anchor that is not defined", "write `&name` on a value before `*name` repeats it"},
      {TAB_IN_INDENTATION, "a tab in the indentation: YAML forbids tabs for indentation", "indent with spaces"},
      {CHAR_IN_SCALAR, "a character that is not allowed here in a plain value", "put the value in quotes"},
      {INVALID_ESCAPE, "an unknown escape after a backslash in double quotes",
       "write `\\\\` for a backslash, or use single quotes, where a backslash is just a backslash"},
      {MULTIPLE_ANCHORS, "two anchors on one value", "keep one `&name`"},
      {MULTIPLE_TAGS, "two tags on one value", "remove them"},
  };
  for (const auto& k : known) {
    if (msg.rfind(k.yaml, 0) == 0) {
      std::string message = k.message;
      if (msg.size() > std::char_traits<char>::length(k.yaml) && k.yaml == std::string_view(INVALID_ESCAPE))
        message += fmt::format(" (`\\{}`)", msg.substr(std::char_traits<char>::length(k.yaml)));
      return {"invalid YAML: " + message, k.hint};
    }
  }
  return {"invalid YAML: " + msg, {}};
}

// Where to point for yaml-cpp's error at `offset`: yaml-cpp notices some mistakes a little
// after them (past an unknown escape; at the colon of a key indented wrongly).
std::size_t error_offset(std::string_view t, std::size_t offset, const std::string& msg) {
  offset = std::min(offset, t.size());
  std::size_t line_start = t.rfind('\n', offset == 0 ? 0 : offset - 1);
  line_start = line_start == std::string_view::npos || offset == 0 ? 0 : line_start + 1;
  if (msg.rfind(YAML::ErrorMsg::INVALID_ESCAPE, 0) == 0) {
    std::size_t slash = t.rfind('\\', offset == 0 ? 0 : offset - 1);
    if (slash != std::string_view::npos && slash >= line_start) return slash;
  }
  if (msg == YAML::ErrorMsg::MAP_VALUE && offset < t.size() && t[offset] == ':') {
    std::size_t key = line_start;
    while (key < offset && is_blank(t[key])) ++key;
    std::string_view before = t.substr(key, offset - key);
    if (key < offset && before.find(": ") == std::string_view::npos && before[0] != '-' && before[0] != '#') return key;
  }
  return offset;
}

// Lines up to `last_line` whose indentation holds a tab, with the tab's offset.
std::vector<std::size_t> tab_indents(const SourceFile& file, std::uint32_t last_line) {
  std::vector<std::size_t> out;
  const std::string& t = file.text();
  std::size_t start = 0;
  for (std::uint32_t line = 1; start < t.size() && line <= last_line; ++line) {
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

}  // namespace

ReadResult read_yaml(const SourceFile& file, const Limits& limits) {
  ReadResult result;
  result.diagnostics = check_text(file, limits);
  if (has_errors(result.diagnostics)) return result;

  std::string_view text = file.text();
  std::size_t base = 0;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") base = 3;  // yaml-cpp skips the mark and counts from after it
  TextBuf buf(text.substr(base));
  std::istream in(&buf);

  Tree tree;
  Builder builder(tree, file, base, limits);
  try {
    YAML::Parser parser(in);
    if (!parser.HandleNextDocument(builder)) {
      result.empty = true;
      return result;
    }
    parser.HandleNextDocument(builder);  // a second document is refused as it starts
  } catch (const Refusal& r) {
    result.diagnostics.push_back(r.diagnostic);
    return result;
  } catch (const YAML::Exception& e) {
    SourceLoc loc;
    loc.file = file.name();
    if (e.mark.pos >= 0) loc = file.locate(error_offset(file.text(), base + static_cast<std::size_t>(e.mark.pos), e.msg));
    // YAML forbids tabs for indentation; yaml-cpp stumbles over them with various messages.
    auto tabs = tab_indents(file, loc.known() ? loc.line : file.line_count());
    bool tab_on_error_line = false;
    for (std::size_t offset : tabs) {
      SourceLoc tab = file.locate(offset);
      tab_on_error_line = tab_on_error_line || tab.line == loc.line;
      result.diagnostics.push_back(make_error("case.tab-indent", tab,
                                              "a tab in the indentation: YAML forbids tabs for indentation",
                                              "indent with spaces"));
    }
    if (!tab_on_error_line) {
      auto [message, hint] = explain_yaml_error(e.msg);
      Diagnostic d = make_error("case.yaml-syntax", loc, message, hint);
      // An unclosed `[` or `{` is noticed far from where it opened: show both places.
      for (auto [yaml_msg, kind, opener] : {std::tuple{YAML::ErrorMsg::END_OF_SEQ_FLOW, Node::Kind::Sequence, '['},
                                            std::tuple{YAML::ErrorMsg::END_OF_MAP_FLOW, Node::Kind::Map, '{'}}) {
        if (e.msg != yaml_msg) continue;
        std::size_t open = builder.innermost_open(kind);
        if (open != std::string_view::npos) open = value_start(file.text(), open);
        if (open < file.text().size() && file.text()[open] == opener)
          d.notes.push_back({file.locate(open), fmt::format("the `{}` opened here", opener)});
      }
      result.diagnostics.push_back(std::move(d));
    }
    return result;
  }
  if (builder.documents() == 0 || tree.kind(tree.root()) == Node::Kind::Null) {
    result.empty = true;
    return result;
  }
  result.tree = std::move(tree);
  return result;
}

}  // namespace decree::engine::yaml
