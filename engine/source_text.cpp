#include "engine/source_text.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <memory>
#include <set>

#include <fmt/format.h>

#include "dsl/load.hpp"
#include "engine/words.hpp"
#include "engine/yaml_tree.hpp"

namespace decree::engine {

namespace {

namespace fs = std::filesystem;
using yaml::NodeId;
using Kind = yaml::Node::Kind;

constexpr std::size_t kMaxSourceTextBytes = 4u << 20;  // a document's text, not a library

const std::vector<std::string> kTopKeys = {"document", "title", "date", "date_note", "number", "provenance", "sections", "other"};
const std::vector<std::string> kSectionKeys = {"key", "where", "text"};

std::string ticked(std::string_view s) { return fmt::format("`{}`", s); }

// "`a`, `b` and `c`"
std::string list_in_words(const std::vector<std::string>& names) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += i + 1 == names.size() ? " and " : ", ";
    out += ticked(names[i]);
  }
  return out;
}

// Reads one file's tree into a SourceText, reporting every shape it does not expect.
class Reader {
 public:
  Reader(const SourceFile& file, const yaml::Tree& tree, std::vector<Diagnostic>& out)
      : file_(file), tree_(tree), out_(out) {}

  std::optional<SourceText> read() {
    SourceText text;
    text.file = file_.name();
    const NodeId root = tree_.root();
    if (tree_.kind(root) != Kind::Map) {
      error(root, fmt::format("a source text is a mapping (`title:`, `provenance:`, `sections:`), found {}",
                              yaml::found_text(tree_, root)));
      return std::nullopt;
    }
    duplicates(root);
    bool has_sections = false;
    for (std::size_t i = 0; i < tree_.entries(root); ++i) {
      const NodeId k = tree_.key(root, i);
      const NodeId v = tree_.value(root, i);
      const std::string name(tree_.kind(k) == Kind::Scalar ? tree_.scalar(k) : std::string_view());
      if (name == "document") scalar(v, "document", text.document);
      else if (name == "title") scalar(v, "title", text.title);
      else if (name == "date") scalar(v, "date", text.date);
      else if (name == "date_note") scalar(v, "date_note", text.date_note);
      else if (name == "number") scalar(v, "number", text.number);
      else if (name == "provenance") provenance(v, text);
      else if (name == "sections") has_sections = sections(v, text);
      else if (name == "other") other(v);
      else unknown(k, name, kTopKeys, "a source text");
    }
    if (!has_sections && errors_ == 0)
      error(root, "the source text has no `sections:`",
            "list the document's citable parts: `sections:` with items `- key: p1` and `text: ...`");
    if (errors_ > 0) return std::nullopt;
    return text;
  }

 private:
  const SourceFile& file_;
  const yaml::Tree& tree_;
  std::vector<Diagnostic>& out_;
  std::size_t errors_ = 0;

  SourceLoc place(NodeId id) const { return tree_.place(id, file_); }

  void error(NodeId id, std::string message, std::string hint = {}) {
    ++errors_;
    out_.push_back(make_error("source-text.format", place(id), std::move(message), std::move(hint)));
  }

  void duplicates(NodeId map) {
    for (auto [first, again] : tree_.duplicate_keys(map)) {
      ++errors_;
      auto d = make_error("source-text.format", place(again),
                          fmt::format("{} is written twice in this mapping", ticked(tree_.scalar(again))), "keep one");
      d.notes.push_back({place(first), "first written here"});
      out_.push_back(std::move(d));
    }
  }

  void unknown(NodeId key, const std::string& name, const std::vector<std::string>& keys, const char* where) {
    std::string near = nearest_name(name, keys);
    error(key, fmt::format("{} is not a key of {}", ticked(shown(name)), where),
          (near.empty() ? std::string() : fmt::format("did you mean `{}`? ", near)) +
              fmt::format("the keys are {}", list_in_words(keys)));
  }

  bool scalar(NodeId v, const char* what, std::string& into) {
    if (tree_.kind(v) != Kind::Scalar) {
      error(v, fmt::format("`{}` should be text, found {}", what, yaml::found_text(tree_, v)));
      return false;
    }
    into = std::string(tree_.scalar(v));
    while (!into.empty() && (into.back() == '\n' || into.back() == ' ')) into.pop_back();
    return true;
  }

  void provenance(NodeId v, SourceText& text) {
    if (tree_.kind(v) != Kind::Map) {
      error(v, fmt::format("`provenance` should be a mapping (`archive:`, `record:`, `translation:`, `rights:`), found {}",
                           yaml::found_text(tree_, v)));
      return;
    }
    duplicates(v);
    for (std::size_t i = 0; i < tree_.entries(v); ++i) {
      const NodeId k = tree_.key(v, i);
      std::string name, value;
      if (!scalar(k, "provenance", name) || !scalar(tree_.value(v, i), name.c_str(), value)) continue;
      text.provenance.emplace_back(std::move(name), std::move(value));
    }
  }

  // A list of mappings with `text:` (and `key:` for sections); returns whether it was a list.
  template <typename Each>
  bool items(NodeId v, const char* what, Each each) {
    if (tree_.kind(v) != Kind::Sequence) {
      error(v, fmt::format("`{}` should be a list (items starting with `- `), found {}", what, yaml::found_text(tree_, v)));
      return false;
    }
    for (NodeId item : tree_.children(v)) {
      if (tree_.kind(item) != Kind::Map) {
        error(item, fmt::format("an item of `{}` should be a mapping (`key:`, `where:`, `text:`), found {}", what,
                                yaml::found_text(tree_, item)));
        continue;
      }
      duplicates(item);
      each(item);
    }
    return true;
  }

  bool sections(NodeId v, SourceText& text) {
    std::map<std::string, NodeId> seen;
    return items(v, "sections", [&](NodeId item) {
      SourceSection s;
      NodeId key_node = item;
      bool has_text = false;
      for (std::size_t i = 0; i < tree_.entries(item); ++i) {
        const NodeId k = tree_.key(item, i);
        const NodeId val = tree_.value(item, i);
        const std::string name(tree_.kind(k) == Kind::Scalar ? tree_.scalar(k) : std::string_view());
        if (name == "key") {
          if (scalar(val, "key", s.key)) key_node = val;
        } else if (name == "where") {
          scalar(val, "where", s.where);
        } else if (name == "text") {
          has_text = scalar(val, "text", s.text);
        } else {
          unknown(k, name, kSectionKeys, "a section");
        }
      }
      if (s.key.empty()) return error(item, "this section has no `key:`", "write the key a citation uses, e.g. `key: p4`");
      if (!has_text) return error(item, fmt::format("section {} has no `text:`", ticked(s.key)));
      auto [it, fresh] = seen.emplace(s.key, key_node);
      if (!fresh) {
        ++errors_;
        auto d = make_error("source-text.format", place(key_node), fmt::format("section {} is listed twice", ticked(s.key)),
                            "each citation key names one section");
        d.notes.push_back({place(it->second), "first listed here"});
        out_.push_back(std::move(d));
        return;
      }
      s.loc = place(key_node);
      text.sections.push_back(std::move(s));
    });
  }

  void other(NodeId v) {
    items(v, "other", [&](NodeId item) {
      for (std::size_t i = 0; i < tree_.entries(item); ++i) {
        const NodeId k = tree_.key(item, i);
        const std::string name(tree_.kind(k) == Kind::Scalar ? tree_.scalar(k) : std::string_view());
        std::string ignored;
        if (name == "where" || name == "text") scalar(tree_.value(item, i), name.c_str(), ignored);
        else unknown(k, name, {"where", "text"}, "an item of `other`");
      }
    });
  }
};

// The words of a folded text, each with where it starts and ends in it.
struct Word {
  std::size_t begin;
  std::size_t end;
  std::string key;  // lower case, letters and digits only: what two words are compared by
};

std::vector<Word> words_of(std::string_view text) {
  std::vector<Word> out;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && text[i] == ' ') ++i;
    if (i >= text.size()) break;
    Word w{i, i, {}};
    while (i < text.size() && text[i] != ' ') {
      const unsigned char c = static_cast<unsigned char>(text[i]);
      if (c >= 0x80 || std::isalnum(c)) w.key += static_cast<char>(c < 0x80 ? std::tolower(c) : c);
      ++i;
    }
    w.end = i;
    out.push_back(std::move(w));
  }
  return out;
}

// The quote's parts between ellipses, folded and trimmed; empty parts dropped.
std::vector<std::string> quote_parts(std::string_view quote) {
  std::string folded = fold_quote(quote);
  std::vector<std::string> parts;
  std::size_t start = 0;
  auto push = [&](std::size_t end) {
    std::string part = folded.substr(start, end - start);
    while (!part.empty() && part.front() == ' ') part.erase(part.begin());
    while (!part.empty() && part.back() == ' ') part.pop_back();
    if (!part.empty()) parts.push_back(std::move(part));
  };
  for (std::size_t i = 0; i < folded.size();) {
    std::size_t len = folded.compare(i, 3, "...") == 0 ? 3 : folded.compare(i, 3, "\xE2\x80\xA6") == 0 ? 3 : 0;
    if (len == 0) {
      ++i;
      continue;
    }
    push(i);
    i += len;
    while (i < folded.size() && folded[i] == '.') ++i;  // "...." ends a sentence after the cut
    start = i;
  }
  push(folded.size());
  return parts;
}

fs::path text_path(const ast::SourceDecl& s) {
  return (fs::path(s.loc.file).parent_path() / *s.text).lexically_normal();
}

}  // namespace

const SourceSection* SourceText::section(std::string_view key) const {
  for (const auto& s : sections)
    if (s.key == key) return &s;
  return nullptr;
}

std::vector<std::string> SourceText::section_keys() const {
  std::vector<std::string> keys;
  for (const auto& s : sections) keys.push_back(s.key);
  return keys;
}

const SourceText* SourceLibrary::text(std::string_view source) const {
  auto it = texts.find(std::string(source));
  return it == texts.end() ? nullptr : &it->second;
}

const SourceSection* SourceLibrary::section(std::string_view source, std::string_view key) const {
  const SourceText* t = text(source);
  return t == nullptr ? nullptr : t->section(key);
}

SourceTextRead read_source_text(const std::string& path, SourceSet& sources) {
  SourceTextRead result;
  auto read = dsl::read_source_file(path, kMaxSourceTextBytes, "source text");
  if (!read.text) {
    result.diagnostics = std::move(read.diagnostics);
    return result;
  }
  auto file = std::make_shared<const SourceFile>(path, std::move(*read.text));
  sources.add(file);
  auto tree = yaml::read_yaml(*file);
  result.diagnostics = std::move(tree.diagnostics);
  if (tree.empty && !has_errors(result.diagnostics)) {
    SourceLoc loc;
    loc.file = path;
    result.diagnostics.push_back(make_error("source-text.format", loc, "the file holds no source text",
                                            "a source text has `title:`, `provenance:` and `sections:` (sources/README.md)"));
  }
  if (!tree.tree || has_errors(result.diagnostics)) return result;
  result.text = Reader(*file, *tree.tree, result.diagnostics).read();
  return result;
}

std::string fold_quote(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool space = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    // U+2018 U+2019 U+201B (single quotes, apostrophe) and U+201C U+201D U+201E U+201F (double)
    if (c == 0xE2 && i + 2 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0x80) {
      const unsigned char d = static_cast<unsigned char>(text[i + 2]);
      if (d == 0x98 || d == 0x99 || d == 0x9B) {
        out += '\'';
        i += 2;
        continue;
      }
      if (d >= 0x9C && d <= 0x9F) {
        out += '"';
        i += 2;
        continue;
      }
    }
    out += static_cast<char>(c);
  }
  return out;
}

bool quote_in(std::string_view quote, std::string_view text) {
  const std::string folded = fold_quote(text);
  std::size_t from = 0;
  for (const auto& part : quote_parts(quote)) {
    auto at = folded.find(part, from);
    if (at == std::string::npos) return false;
    from = at + part.size();
  }
  return true;
}

std::string nearest_passage(std::string_view quote, std::string_view text) {
  const std::string folded = fold_quote(text);
  const auto words = words_of(folded);
  if (words.empty()) return {};
  std::vector<std::string> wanted;
  for (const auto& part : quote_parts(quote))
    for (auto& w : words_of(part))
      if (!w.key.empty()) wanted.push_back(std::move(w.key));
  const std::size_t span = std::clamp<std::size_t>(wanted.size(), 1, words.size());
  std::size_t best = 0, best_score = 0;
  for (std::size_t start = 0; start + span <= words.size(); ++start) {
    std::multiset<std::string> window;
    for (std::size_t j = start; j < start + span; ++j) window.insert(words[j].key);
    std::size_t score = 0;
    for (const auto& w : wanted) {
      auto it = window.find(w);
      if (it == window.end()) continue;
      ++score;
      window.erase(it);
    }
    if (score > best_score) {
      best_score = score;
      best = start;
    }
  }
  const std::size_t last = best + span - 1;
  std::string out = best > 0 ? "…" : "";
  out += folded.substr(words[best].begin, words[last].end - words[best].begin);
  if (last + 1 < words.size()) out += "…";
  return out;
}

CitationCheck check_citations(const ast::Policy& policy, SourceSet& sources) {
  CitationCheck result;
  auto& out = result.diagnostics;
  std::map<std::string, std::string> file_of;  // source key -> the file it names, for hints
  for (const auto& s : policy.header.sources) {
    if (!s.text) continue;
    const std::string path = text_path(s).string();
    auto read = read_source_text(path, sources);
    for (auto& d : read.diagnostics) {
      // A file that cannot be read at all is the `source` line's problem: point at its path.
      if (!d.loc.known()) {
        d.loc = s.text_loc;
        d.message = fmt::format("cannot read the text of source {} (\"{}\"): {}", ticked(s.key.text), path, d.message);
        if (d.hint.empty()) d.hint = "the path is relative to the folder of the policy that declares the source";
      } else {
        d.notes.push_back({s.text_loc, fmt::format("named as the text of source {} here", ticked(s.key.text))});
      }
      out.push_back(std::move(d));
    }
    if (!read.text) continue;
    file_of[s.key.text] = path;
    result.library.texts.emplace(s.key.text, std::move(*read.text));
  }

  auto check = [&](const ast::Citation& c) {
    const SourceText* text = result.library.text(c.source.text);
    if (text == nullptr) return;  // no text to check against (or an undeclared source: the checker's error)
    const SourceSection* section = nullptr;
    if (c.section) {
      section = text->section(c.section->text);
      if (section == nullptr) {
        // No "did you mean": keys such as `s7` are one letter from every other.
        out.push_back(make_error(
            "check.unknown-section", c.section->loc,
            fmt::format("source {} has no section {}", ticked(c.source.text), ticked(c.section->text)),
            fmt::format("its sections are {} ({})", list_in_words(text->section_keys()), file_of[c.source.text])));
        return;
      }
    }
    if (!c.quote) return;
    if (section != nullptr ? quote_in(*c.quote, section->text)
                           : std::any_of(text->sections.begin(), text->sections.end(),
                                         [&](const SourceSection& s) { return quote_in(*c.quote, s.text); }))
      return;
    // Where the words are, when they are in another section; else the nearest passage.
    std::string hint;
    for (const auto& other : text->sections)
      if (&other != section && quote_in(*c.quote, other.text)) {
        hint = fmt::format("the words are in {} {}, not in {} {}", c.source.text, other.key, c.source.text,
                           section != nullptr ? section->key : "");
        break;
      }
    if (hint.empty() && section != nullptr) {
      hint = fmt::format("the nearest passage of {} {} reads \"{}\"", c.source.text, section->key,
                         nearest_passage(*c.quote, section->text));
    } else if (hint.empty()) {
      hint = fmt::format("name the section the words are from (`cites {} SECTION \"...\"`); its sections are {}",
                         c.source.text, list_in_words(text->section_keys()));
    }
    hint += "; a quote must give the source's words (spacing, typographic quotes and apostrophes aside; `...` marks words left out)";
    SourceLoc loc = c.quote_loc.known() ? c.quote_loc : c.loc;
    out.push_back(make_error("check.misquote", loc,
                             section != nullptr
                                 ? fmt::format("this quote is not in {} {}", c.source.text, section->key)
                                 : fmt::format("this quote is not in {}", c.source.text),
                             std::move(hint)));
  };

  for (const auto& item : policy.items) {
    if (item.op == ast::Item::Op::Drop) continue;
    std::visit(
        [&](const auto& body) {
          if constexpr (requires { body.cites; })
            for (const auto& c : body.cites) check(c);
        },
        item.body);
  }
  return result;
}

}  // namespace decree::engine
