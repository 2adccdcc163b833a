// A fact's value in a case: one of the declared types, or unknown.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace decree::engine {

struct Value {
  enum class Kind : std::uint8_t { Unknown, Bool, Int, Date, Text, Enum, Set };
  Kind kind = Kind::Unknown;
  bool boolean = false;
  std::int64_t integer = 0;  // Int: the number; Date: days since 1970-01-01; Enum: index into the type's values;
                             // Set: bits of the values known present (low 32) and known absent (high 32)
  std::string text;          // Text: the text; Enum: the value's name (for display); Set: see set_parts

  static Value unknown() { return {}; }
  static Value of_bool(bool b) { Value v; v.kind = Kind::Bool; v.boolean = b; return v; }
  static Value of_int(std::int64_t i) { Value v; v.kind = Kind::Int; v.integer = i; return v; }
  static Value of_date(std::int32_t days) { Value v; v.kind = Kind::Date; v.integer = days; return v; }
  static Value of_text(std::string t) { Value v; v.kind = Kind::Text; v.text = std::move(t); return v; }
  static Value of_enum(std::uint32_t index, std::string name) {
    Value v; v.kind = Kind::Enum; v.integer = index; v.text = std::move(name); return v;
  }

  // A set of an enumeration's values (`values`, in declared order), partly known: `members` are
  // known to be in it, `absent` known not to be; with `complete`, every value not a member is absent.
  static Value of_set(const std::vector<std::string>& members, const std::vector<std::string>& absent, bool complete,
                      const std::vector<std::string>& values);

  bool known() const { return kind != Kind::Unknown; }
  friend bool operator==(const Value&, const Value&) = default;
};

// "true", "42", "1956-02-10", "\"illness\"", "return_to_ussr", "unknown", a set "[illness, family]"
// (known whole), "[illness, …]" (those known in it, others unknown; "without misdemeanors" when
// some are known absent)
std::string to_string(const Value& v);

// A set value's parts by name: the members, the values known absent, and whether it is whole
// (every other value absent). Names travel with the value so that a case can be bound to a policy
// that lists the values in another order.
struct SetParts {
  std::vector<std::string> members;
  std::vector<std::string> absent;
  bool complete = false;
};
SetParts set_parts(const Value& v);

}  // namespace decree::engine
