// A fact's value in a case: one of the declared types, or unknown.
#pragma once

#include <cstdint>
#include <string>

namespace decree::engine {

struct Value {
  enum class Kind : std::uint8_t { Unknown, Bool, Int, Date, Text, Enum };
  Kind kind = Kind::Unknown;
  bool boolean = false;
  std::int64_t integer = 0;  // Int: the number; Date: days since 1970-01-01; Enum: index into the type's values
  std::string text;          // Text: the text; Enum: the value's name (for display)

  static Value unknown() { return {}; }
  static Value of_bool(bool b) { Value v; v.kind = Kind::Bool; v.boolean = b; return v; }
  static Value of_int(std::int64_t i) { Value v; v.kind = Kind::Int; v.integer = i; return v; }
  static Value of_date(std::int32_t days) { Value v; v.kind = Kind::Date; v.integer = days; return v; }
  static Value of_text(std::string t) { Value v; v.kind = Kind::Text; v.text = std::move(t); return v; }
  static Value of_enum(std::uint32_t index, std::string name) {
    Value v; v.kind = Kind::Enum; v.integer = index; v.text = std::move(name); return v;
  }

  bool known() const { return kind != Kind::Unknown; }
  friend bool operator==(const Value&, const Value&) = default;
};

// "true", "42", "1956-02-10", "\"illness\"", "return_to_ussr", "unknown"
std::string to_string(const Value& v);

}  // namespace decree::engine
