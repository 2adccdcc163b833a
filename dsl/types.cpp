#include "dsl/types.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace decree::dsl {

const char* kind_name(FactType::Kind k) {
  switch (k) {
    case FactType::Kind::Bool: return "bool";
    case FactType::Kind::Int: return "int";
    case FactType::Kind::Date: return "date";
    case FactType::Kind::Text: return "text";
    case FactType::Kind::Enum: return "enum";
    case FactType::Kind::Set: return "set";
  }
  return "text";
}

std::string describe(const FactType& t) {
  switch (t.kind) {
    case FactType::Kind::Bool: return "bool (true or false)";
    case FactType::Kind::Int: return "int (a whole number)";
    case FactType::Kind::Date: return "date (YYYY-MM-DD)";
    case FactType::Kind::Text: return "text (a quoted string)";
    case FactType::Kind::Enum: return fmt::format("one of {}", fmt::join(t.values, " | "));
    case FactType::Kind::Set: return fmt::format("a set of {}", fmt::join(t.values, " | "));
  }
  return "?";
}

std::optional<FactType> resolve_element(const ast::Policy& policy, const ast::TypeRef& type);

std::optional<FactType> resolve_type(const ast::Policy& policy, const ast::TypeRef& type) {
  auto t = resolve_element(policy, type);
  if (t && type.is_set) {
    if (t->kind != FactType::Kind::Enum) return std::nullopt;  // a set of bool, int, ...: the checker says why
    t->kind = FactType::Kind::Set;
  }
  return t;
}

std::optional<FactType> resolve_element(const ast::Policy& policy, const ast::TypeRef& type) {
  FactType t;
  if (!type.values.empty()) {
    t.kind = FactType::Kind::Enum;
    for (const auto& v : type.values) t.values.push_back(v.text);
    return t;
  }
  t.name = type.name.text;
  if (t.name == "bool") t.kind = FactType::Kind::Bool;
  else if (t.name == "int") t.kind = FactType::Kind::Int;
  else if (t.name == "date") t.kind = FactType::Kind::Date;
  else if (t.name == "text") t.kind = FactType::Kind::Text;
  else {
    for (const auto& item : policy.items) {
      if (item.op == ast::Item::Op::Drop || item.kind != ast::ItemKind::Type) continue;
      const auto& decl = std::get<ast::TypeDecl>(item.body);
      if (decl.name.text != t.name) continue;
      t.kind = FactType::Kind::Enum;
      for (const auto& v : decl.values) t.values.push_back(v.text);
      return t;
    }
    return std::nullopt;
  }
  return t;
}

}  // namespace decree::dsl
