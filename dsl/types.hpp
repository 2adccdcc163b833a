// What a fact's declared type resolves to, for the checker, the case loader and the compiler.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "dsl/ast.hpp"

namespace decree::dsl {

struct FactType {
  enum class Kind { Bool, Int, Date, Text, Enum, Set };  // Set: a set of the enumeration `values`
  Kind kind = Kind::Bool;
  std::string name;                 // "bool", "int", "date", "text", a declared type's name, or "" for inline
  std::vector<std::string> values;  // Enum, Set: the values in declared order
};

// A set holds at most this many values (one bit each, known present and known absent).
inline constexpr std::size_t kMaxSetValues = 32;

std::string describe(const FactType& t);

// "bool", "int", "date", "text", "enum" or "set": a fact's type as the JSON outputs name it.
const char* kind_name(FactType::Kind k);  // "bool", "an enumeration (korean | other)", ...

// Resolves `type` against the policy's `type` declarations; nullopt when it names nothing.
std::optional<FactType> resolve_type(const ast::Policy& policy, const ast::TypeRef& type);

}  // namespace decree::dsl
