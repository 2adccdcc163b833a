#include "engine/formats/json_record.hpp"

#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include <fmt/format.h>
#include <simdjson.h>

namespace decree::engine::formats {

namespace od = simdjson::ondemand;
using yaml::NodeId;
using Kind = yaml::Node::Kind;

struct JsonRecordReader::Impl {
  od::parser parser;
  std::string buffer;  // the record, then simdjson's padding
  yaml::Tree spare;    // a tree given back, built into again
  std::vector<NodeId> children;  // the children of the collections being read, innermost last
};

namespace {

// Stops the reading at the first problem: thrown while the record is walked.
struct Stop {
  Diagnostic diagnostic;
};

class Walker {
 public:
  Walker(const SourceFile& file, const std::string& buffer, std::size_t begin, std::size_t size, std::size_t max_depth,
         yaml::Tree&& spare, std::vector<NodeId>& children)
      : file_(file),
        buffer_(buffer),
        begin_(begin),
        record_size_(size),
        max_depth_(max_depth),
        children_(children),
        maker_(file.text(), std::move(spare)) {
    children_.clear();
  }

  yaml::Tree walk(od::document& doc) {
    od::json_type type{};
    check(doc.type().get(type), 0);
    const std::size_t at = offset(doc.current_location(), begin_);
    NodeId root = 0;
    switch (type) {
      case od::json_type::object: {
        od::object object;
        check(doc.get_object().get(object), at);
        root = object_node(object, at, 1);
        break;
      }
      case od::json_type::array:  // not a case: the loader says so, naming what it found
        root = maker_.collection(Kind::Sequence, at, {});
        break;
      default: {
        std::string_view token;
        check(doc.raw_json_token().get(token), at);
        root = token_node(trim(token), at, type);
        break;
      }
    }
    if (type == od::json_type::object) {
      const char* where = nullptr;
      if (doc.current_location().get(where) == simdjson::SUCCESS && where != nullptr &&
          offset(where) < begin_ + record_size_) {
        stop(offset(where), "invalid JSON: more after the case's closing `}` on this line",
             "each line of a JSON Lines case file holds one case, one JSON object");
      }
    }
    return maker_.finish(root, yaml::Tree::Syntax::Json);
  }

 private:
  std::size_t offset(const char* p) const { return begin_ + static_cast<std::size_t>(p - buffer_.data()); }
  std::size_t offset(simdjson::simdjson_result<const char*> r, std::size_t fallback) const {
    const char* p = nullptr;
    if (std::move(r).get(p) != simdjson::SUCCESS || p == nullptr) return fallback;
    return offset(p);
  }

  static std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) s.remove_suffix(1);
    return s;
  }

  [[noreturn]] void stop(std::size_t at, std::string message, std::string hint = {}) {
    throw Stop{make_error("case.json-syntax", file_.locate(at), std::move(message), std::move(hint))};
  }

  void check(simdjson::error_code e, std::size_t at) {
    if (e == simdjson::SUCCESS) return;
    stop(at, fmt::format("invalid JSON: {}", simdjson::error_message(e)),
         "each line of a JSON Lines case file holds one case, one JSON object: {\"id\": \"...\", \"facts\": {...}}");
  }

  void enter(std::size_t depth, std::size_t at) {
    if (depth > max_depth_)
      throw Stop{make_error("case.too-deep", file_.locate(at),
                            fmt::format("lists and mappings nest more than {} levels deep here, the limit for a case file",
                                        max_depth_),
                            "a case needs six levels at most (cases, a case, facts, a fact, ...)")};
  }

  // A string's node: a view of the text when it has no escapes, else its unescaped text.
  NodeId string_node(std::string_view token, std::string_view unescaped, std::size_t at) {
    if (token.size() >= unescaped.size() + 2 && token.substr(1, unescaped.size()) == unescaped &&
        token[unescaped.size() + 1] == '"')
      return maker_.scalar_view(at, at + 1, unescaped.size(), false);
    return maker_.scalar_text(at, unescaped, false);
  }

  // true, false, null or a number: a plain word, as YAML writes them, checked by the loader.
  NodeId token_node(std::string_view token, std::size_t at, od::json_type type) {
    if (type == od::json_type::null) {
      if (token != "null") stop(at, fmt::format("invalid JSON: `{}` is not a JSON value", token));
      return maker_.null(at);
    }
    if (type == od::json_type::boolean && token != "true" && token != "false")
      stop(at, fmt::format("invalid JSON: `{}` is not a JSON value", token), "write true or false");
    if (type == od::json_type::string) {
      // A root string: its text as written is enough to say what was found.
      return maker_.scalar_text(at, token, false);
    }
    return maker_.scalar_view(at, at, token.size(), true);
  }

  NodeId value_node(od::value value, std::size_t depth) {
    const std::size_t at = offset(value.current_location(), last_);
    last_ = at;
    od::json_type type{};
    check(value.type().get(type), at);
    switch (type) {
      case od::json_type::object: {
        od::object object;
        check(value.get_object().get(object), at);
        return object_node(object, at, depth + 1);
      }
      case od::json_type::array: {
        enter(depth + 1, at);
        od::array array;
        check(value.get_array().get(array), at);
        const std::size_t mark = children_.size();
        for (auto item : array) {
          od::value v;
          check(std::move(item).get(v), last_);
          const NodeId node = value_node(std::move(v), depth + 1);
          children_.push_back(node);
        }
        return collection(Kind::Sequence, at, mark);
      }
      case od::json_type::string: {
        std::string_view token = value.raw_json_token();
        std::string_view text;
        check(value.get_string().get(text), at);
        return string_node(token, text, at);
      }
      default: {
        std::string_view token = value.raw_json_token();
        return token_node(trim(token), at, type);
      }
    }
  }

  NodeId object_node(od::object& object, std::size_t at, std::size_t depth) {
    enter(depth, at);
    const std::size_t mark = children_.size();
    for (auto field_result : object) {
      od::field field;
      check(std::move(field_result).get(field), last_);
      const char* raw = field.key().raw();
      const std::size_t key_at = offset(raw) - 1;  // at its opening quote
      last_ = key_at;
      std::string_view key;
      check(field.unescaped_key().get(key), key_at);
      std::string_view as_written(raw, key.size());
      NodeId k = (as_written == key && raw[key.size()] == '"') ? maker_.scalar_view(key_at, key_at + 1, key.size(), false)
                                                                 : maker_.scalar_text(key_at, key, false);
      NodeId v = value_node(field.value(), depth);
      children_.push_back(k);
      children_.push_back(v);
    }
    return collection(Kind::Map, at, mark);
  }

  // The collection of the children pushed since `mark`, which are then taken off.
  NodeId collection(Kind kind, std::size_t at, std::size_t mark) {
    const NodeId id = maker_.collection(kind, at, std::span<const NodeId>(children_).subspan(mark));
    children_.resize(mark);
    return id;
  }

  const SourceFile& file_;
  const std::string& buffer_;
  std::size_t begin_;
  std::size_t record_size_;
  std::size_t max_depth_;
  std::size_t last_ = 0;  // where the value or key last begun starts: a problem is placed there
  std::vector<NodeId>& children_;
  yaml::TreeMaker maker_;
};

}  // namespace

JsonRecordReader::JsonRecordReader() : impl_(std::make_unique<Impl>()) {}
JsonRecordReader::~JsonRecordReader() = default;

namespace {

// The record's bytes copied into `buffer`, with the padding simdjson reads past the end.
simdjson::padded_string_view padded(std::string& buffer, std::string_view record) {
  buffer.assign(record);
  buffer.append(simdjson::SIMDJSON_PADDING, ' ');
  return simdjson::padded_string_view(buffer.data(), record.size(), buffer.size());
}

// Reads a plain record (see read_plain); every `return false` leaves the record to the tree.
class PlainReader {
 public:
  PlainReader(const SourceFile& file, const std::string& buffer, std::size_t begin, std::size_t size, PlainRecord& out)
      : text_(file.text()), buffer_(buffer), begin_(begin), size_(size), out_(out) {}

  bool read(od::document& doc) {
    const char* start = nullptr;
    if (doc.current_location().get(start) != simdjson::SUCCESS || start == nullptr || *start != '{') return false;
    out_.at = offset(start);
    od::object root;
    if (doc.get_object().get(root) != simdjson::SUCCESS) return false;
    bool has_id = false, has_facts = false;
    for (auto field_result : root) {
      od::field field;
      std::string_view key;
      if (std::move(field_result).get(field) != simdjson::SUCCESS || !plain_key(field, key)) return false;
      if (key == "id" && !has_id) {
        has_id = true;
        std::string_view text;
        const char* at = nullptr;
        if (!string(field.value(), text, at) || text.empty()) return false;
        out_.id = text;
        out_.id_at = offset(at);
        out_.id_length = text.size() + 2;
      } else if (key == "facts" && !has_facts) {
        has_facts = true;
        od::object facts;
        if (field.value().get_object().get(facts) != simdjson::SUCCESS || !read_facts(facts)) return false;
      } else {
        return false;
      }
    }
    if (!has_id) return false;
    // Nothing after the closing `}` (the tree's reader names what is).
    const char* where = nullptr;
    return !(doc.current_location().get(where) == simdjson::SUCCESS && where != nullptr &&
             static_cast<std::size_t>(where - buffer_.data()) < size_);
  }

 private:
  // Longer strings are placed by the tree's reader, which looks for their closing quote only so far.
  static constexpr std::size_t kLongest = 60'000;

  std::size_t offset(const char* p) const { return begin_ + static_cast<std::size_t>(p - buffer_.data()); }
  std::string_view in_text(const char* p, std::size_t n) const { return std::string_view(text_).substr(offset(p), n); }

  // How many bytes of text follow `p` (just past an opening quote) up to the closing quote, when
  // nothing in them is escaped or a control character; npos otherwise.
  std::size_t plain_length(const char* p) const {
    const char* last = buffer_.data() + size_;
    const char* end = p;
    // Eight bytes at a time: the lowest byte that is a quote, a backslash or below 0x20 ends the
    // text (each test is exact for the lowest byte it flags; bytes above it may be flagged wrongly).
    constexpr std::uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
    while (last - end >= 8) {
      std::uint64_t w;
      std::memcpy(&w, end, 8);
      const std::uint64_t quote = w ^ (ones * '"'), backslash = w ^ (ones * '\\');
      const std::uint64_t stops = ((quote - ones) & ~quote) | ((backslash - ones) & ~backslash) | ((w - ones * 0x20) & ~w);
      if (const std::uint64_t flagged = stops & highs) {
        end += std::countr_zero(flagged) / 8;
        break;
      }
      end += 8;
    }
    while (end < last && *end != '"' && *end != '\\' && static_cast<unsigned char>(*end) >= 0x20) ++end;
    if (end == last || *end != '"') return std::string_view::npos;
    return static_cast<std::size_t>(end - p);
  }

  // The key's text, when written without escapes.
  bool plain_key(od::field& field, std::string_view& key) {
    const char* raw = field.key().raw();
    const std::size_t n = plain_length(raw);
    if (n > kLongest) return false;
    key = in_text(raw, n);
    return true;
  }

  // A string written without escapes: its text (a view of the file's) and its opening quote.
  bool string(od::value value, std::string_view& text, const char*& at) {
    std::string_view token = value.raw_json_token();
    if (token.empty() || token[0] != '"') return false;
    const std::size_t n = plain_length(token.data() + 1);
    if (n > kLongest) return false;
    at = token.data();
    text = in_text(at + 1, n);
    return true;
  }

  static std::string_view trimmed(std::string_view s) {
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) s.remove_suffix(1);
    return s;
  }

  bool read_facts(od::object& facts) {
    for (auto field_result : facts) {
      od::field field;
      PlainFact fact;
      if (std::move(field_result).get(field) != simdjson::SUCCESS || !plain_key(field, fact.name)) return false;
      od::value value = field.value();
      const std::string_view token = trimmed(value.raw_json_token());
      if (token.empty()) return false;
      if (token[0] == '"') {
        const char* at = nullptr;
        if (!string(value, fact.text, at)) return false;
        fact.kind = PlainFact::Kind::Quoted;
        fact.at = offset(at);
        fact.length = fact.text.size() + 2;
      } else if (token == "true" || token == "false") {
        fact.kind = PlainFact::Kind::Word;
        fact.at = offset(token.data());
        fact.text = in_text(token.data(), token.size());
        fact.length = token.size();
      } else if (token == "null") {
        fact.kind = PlainFact::Kind::Null;
        fact.at = offset(token.data());
        fact.text = in_text(token.data(), token.size());
        fact.length = 1;  // as the tree places a null: at its first letter
      } else {
        return false;
      }
      out_.facts.push_back(fact);
    }
    return true;
  }

  const std::string& text_;
  const std::string& buffer_;
  std::size_t begin_;
  std::size_t size_;
  PlainRecord& out_;
};

}  // namespace

bool JsonRecordReader::read_plain(const SourceFile& file, std::size_t begin, std::size_t end, std::size_t max_depth,
                                  PlainRecord& out) {
  out.clear();
  if (max_depth < 2) return false;  // the facts' mapping is the second level
  auto input = padded(impl_->buffer, std::string_view(file.text()).substr(begin, end - begin));
  od::document doc;
  if (impl_->parser.iterate(input).get(doc) != simdjson::SUCCESS) return false;
  return PlainReader(file, impl_->buffer, begin, end - begin, out).read(doc);
}

RecordTree JsonRecordReader::read(const SourceFile& file, std::size_t begin, std::size_t end, std::size_t max_depth) {
  RecordTree out;
  std::string& buffer = impl_->buffer;
  const std::string_view record = std::string_view(file.text()).substr(begin, end - begin);
  auto input = padded(buffer, record);
  od::document doc;
  auto error = impl_->parser.iterate(input).get(doc);
  Walker walker(file, buffer, begin, record.size(), max_depth, std::move(impl_->spare), impl_->children);
  try {
    if (error != simdjson::SUCCESS) {
      out.diagnostics.push_back(make_error("case.json-syntax", file.locate(begin),
                                           fmt::format("invalid JSON: {}", simdjson::error_message(error))));
      return out;
    }
    out.tree = walker.walk(doc);
  } catch (const Stop& s) {
    out.diagnostics.push_back(s.diagnostic);
  }
  return out;
}

void JsonRecordReader::recycle(yaml::Tree&& tree) { impl_->spare = std::move(tree); }

}  // namespace decree::engine::formats
