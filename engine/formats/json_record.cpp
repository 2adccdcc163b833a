#include "engine/formats/json_record.hpp"

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
    return maker_.finish(root, true);
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

RecordTree JsonRecordReader::read(const SourceFile& file, std::size_t begin, std::size_t end, std::size_t max_depth) {
  RecordTree out;
  std::string& buffer = impl_->buffer;
  const std::string_view record = std::string_view(file.text()).substr(begin, end - begin);
  buffer.assign(record);
  buffer.append(simdjson::SIMDJSON_PADDING, ' ');
  od::document doc;
  simdjson::padded_string_view input(buffer.data(), record.size(), buffer.size());
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
