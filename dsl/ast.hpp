// The Decree language's syntax tree: plain C++ structs (no parser types), every node with its
// place in the source. The parser builds it, the checker annotates it, the formatter prints it,
// and the engine compiles it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "dsl/source.hpp"

namespace decree::ast {

// A name as written, with its place.
struct Name {
  std::string text;
  SourceLoc loc;
};

struct Date {
  int year = 0;
  int month = 0;
  int day = 0;
  friend auto operator<=>(const Date&, const Date&) = default;
};
std::string to_string(const Date& d);  // "1956-02-10"
bool is_valid(const Date& d);          // a real calendar day, years 1..9999
std::int32_t days_since_epoch(const Date& d);  // 1970-01-01 is 0; for ordering and arithmetic

// A literal value in an expression.
struct Literal {
  enum class Kind { Bool, Int, Date, Text };
  Kind kind = Kind::Bool;
  bool boolean = false;
  std::int64_t integer = 0;
  Date date;
  std::string text;
};

enum class CompareOp { Eq, Ne, Lt, Le, Gt, Ge };
const char* to_string(CompareOp op);

// What a name in an expression turned out to mean; filled in by the checker.
enum class Ref { Unresolved, Fact, Definition, EnumValue, Decision };  // Decision: `return is granted` in a rule's `when`

// An expression. One struct with a kind keeps the tree easy to walk for the checker, the
// formatter and the compiler alike; which members are meaningful depends on `kind`.
struct Expr {
  enum class Kind {
    Literal,    // literal
    Name,       // name (a bool fact or definition; or, as a comparison operand, any fact or an enum value)
    Not,        // operands[0]
    And,        // operands (two or more)
    Or,         // operands (two or more)
    Compare,    // operands[0] op operands[1]
    IsKnown,    // name is known
    IsUnknown,  // name is unknown
    Is,         // name is value        (enumeration or bool test)
    IsNot,      // name is not value
    Has,        // name has value       (a set fact holds a value; `value` may name an enumeration fact)
    IsEmpty,    // name is empty        (a set fact holds no value)
    IsNotEmpty, // name is not empty
  };
  Kind kind = Kind::Literal;
  SourceLoc loc;
  Literal literal;
  Name name;
  Name value;  // Is / IsNot: the value named
  CompareOp op = CompareOp::Eq;
  std::vector<Expr> operands;
  bool parenthesized = false;  // written inside ( ); kept so the formatter can keep the reader's grouping
  Ref ref = Ref::Unresolved;   // for Name, and for the subject of IsKnown/IsUnknown/Is/IsNot/Has/IsEmpty
  bool value_is_fact = false;  // Has: `value` names an enumeration fact (`stated_reasons has recorded_reason`)
};

// `cites memo p4 "quoted clause"`: the document key, an optional section, an optional quote.
struct Citation {
  SourceLoc loc;
  Name source;
  std::optional<Name> section;
  std::optional<std::string> quote;
  SourceLoc quote_loc;  // the quoted clause as written, quotes included (when there is one)
};

// A fact's type: a builtin (bool, int, date, text), a declared `type`, or an inline enumeration.
struct TypeRef {
  SourceLoc loc;
  Name name;                 // when `values` is empty
  std::vector<Name> values;  // an inline enumeration `a | b | c`
  bool is_set = false;       // `set of TYPE`: a set of the enumeration's values
};

struct TypeDecl {  // type reason: illness | other_reasons "description"
  SourceLoc loc;
  Name name;
  std::vector<Name> values;
  std::string description;
};

struct FactDecl {  // fact friends_agree: bool "The competent Korean bodies agree"
  SourceLoc loc;
  Name name;
  TypeRef type;
  std::string description;
};

struct Definition {  // define covered "title" = expr  cites ...
  SourceLoc loc;
  Name name;
  std::string title;
  Expr body;
  std::vector<Citation> cites;
};

struct DecisionDecl {  // decision return "Return to the USSR": granted | refused  default refused  applies when expr
  SourceLoc loc;
  Name name;
  std::string title;
  std::vector<Name> values;
  std::optional<Name> default_value;
  std::optional<Expr> applies_when;
  std::vector<Citation> cites;
};

// authority / obligation / flag declarations: a name and what it means. An obligation may
// name the facts its report must indicate (`indicating stated_reason, recorded_reason`).
struct Declared {
  enum class Kind { Authority, Obligation, Flag };
  Kind kind = Kind::Authority;
  SourceLoc loc;
  Name name;
  std::string description;
  std::vector<Name> indicating;  // Obligation only: facts the report gives for each person
};

struct Conclusion {
  enum class Kind {
    Set,   // decision = value [by authority]
    Owe,   // owe obligation ["detail"]
    Flag,  // flag flag ["detail"]
  };
  Kind kind = Kind::Set;
  SourceLoc loc;
  Name target;               // the decision, obligation or flag
  Name value;                // Set: the decision's value
  std::optional<Name> by;    // Set: who decides
  std::string detail;        // Owe / Flag: what is owed or why to review
};

struct Rule {
  SourceLoc loc;
  Name name;
  std::string title;
  std::vector<Name> exception_to;  // the rules this one defeats when it applies
  std::optional<Expr> when;        // absent: the rule always applies
  std::vector<Conclusion> then;
  std::vector<Citation> cites;
};

enum class ItemKind { Type, Fact, Definition, Decision, Authority, Obligation, Flag, Rule };
const char* to_string(ItemKind k);  // "type", "fact", "define", "decision", ...

using ItemBody = std::variant<TypeDecl, FactDecl, Definition, DecisionDecl, Declared, Rule>;

// A top-level item. In a policy that extends another, `replace` and `drop` change the base's items.
struct Item {
  enum class Op { Add, Replace, Drop };
  Op op = Op::Add;
  ItemKind kind = ItemKind::Rule;
  SourceLoc loc;        // the first token (`replace`, `drop`, or the item's keyword)
  std::uint32_t end_offset = 0;  // one past the item's last character, for the formatter
  Name dropped;         // Drop: the name of the item removed
  ItemBody body;        // Add / Replace
};

const Name& item_name(const Item& item);

// `in force from 1956-02-02 .. 1956-02-10`: a date known exactly (first == last) or only
// to lie within a range, as the sources allow.
struct DateRange {
  SourceLoc loc;
  Date first;
  Date last;
};

// source memo "CPSU CC memorandum No. 25-S-207, 2 Feb 1956" in "../sources/memo-1956-02-02.yaml"
struct SourceDecl {
  SourceLoc loc;
  Name key;
  std::string description;
  std::optional<std::string> text;  // the file holding the document's text, relative to the declaring file
  SourceLoc text_loc;
};

struct Extends {  // extends telegram_1956 in "telegram-1956.decree"
  SourceLoc loc;
  Name base;
  std::string path;  // as written, relative to the extending file
  SourceLoc path_loc;
};

// `scope covered`: whom the policy addresses. A case for which the condition is false is
// outside the policy (not decided by it); an amendment without a scope keeps its base's.
struct Scope {
  SourceLoc loc;  // the `scope` keyword
  Expr condition;
};

struct Header {
  SourceLoc loc;
  Name name;
  std::string title;
  std::optional<Extends> extends;
  std::optional<Name> status;  // enacted | draft | counterfactual | common
  std::optional<DateRange> in_force_from;
  std::optional<DateRange> in_force_until;
  std::optional<Scope> scope;
  std::vector<SourceDecl> sources;
};

// A comment, kept so that the formatter can put it back.
struct Comment {
  SourceLoc loc;
  std::string text;     // including the leading '#'
  bool trailing = false;  // code precedes it on its line
};

struct Policy {
  std::string file;
  Header header;
  std::vector<Item> items;
  std::vector<Comment> comments;
};

}  // namespace decree::ast
