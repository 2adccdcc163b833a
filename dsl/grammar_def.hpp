// The Decree grammar's rule definitions. Included by exactly one translation unit
// (grammar.cpp). Semantic actions build the plain AST of dsl/ast.hpp directly, so no X3 type
// survives parsing; each rule's name is the phrase a student reads in "expected …".
#pragma once

#include <charconv>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "dsl/grammar.hpp"
#include "dsl/keywords.hpp"

namespace decree::dsl::grammar {

using x3::_attr;
using x3::_pass;
using x3::_val;
using x3::_where;
using x3::lexeme;
using x3::lit;
using x3::raw;

// ---------------------------------------------------------------------------------------
// Places

template <typename Context>
ParseState& state(Context const& ctx) {
  return x3::get<state_tag>(ctx);
}

// `located[p]` notes where `p` starts (after blanks), so the actions inside can give their
// node a place. (In Boost 1.74, `_where` in an action is the range from the end of the match
// to the end of the input, so it cannot say where the match began.)
template <typename Subject>
struct located_directive : x3::unary_parser<Subject, located_directive<Subject>> {
  using base_type = x3::unary_parser<Subject, located_directive<Subject>>;
  static bool const is_pass_through_unary = true;
  static bool const handles_container = Subject::handles_container;
  constexpr explicit located_directive(Subject const& subject) : base_type(subject) {}

  template <typename Iterator, typename Context, typename RContext, typename Attribute>
  bool parse(Iterator& first, Iterator const& last, Context const& context, RContext& rcontext,
             Attribute& attr) const {
    x3::skip_over(first, last, context);
    auto& starts = x3::get<state_tag>(context).starts;
    starts.push_back(first);
    struct pop_on_exit {
      std::vector<const char*>& starts;
      ~pop_on_exit() { starts.pop_back(); }
    } guard{starts};
    return this->subject.parse(first, last, context, rcontext, attr);
  }
};
struct located_gen {
  template <typename Subject>
  constexpr located_directive<typename x3::extension::as_parser<Subject>::value_type> operator[](
      Subject const& subject) const {
    return located_directive<typename x3::extension::as_parser<Subject>::value_type>(x3::as_parser(subject));
  }
};
inline constexpr located_gen located{};

// The place of what the current action matched: from the start noted by the nearest
// enclosing `located[]` to where the match ends.
template <typename Context>
SourceLoc where(Context const& ctx) {
  auto& st = state(ctx);
  const char* first = st.starts.back();
  const char* last = _where(ctx).begin();
  return st.file->locate(static_cast<std::size_t>(first - st.begin), static_cast<std::size_t>(last - first));
}

template <typename Context>
SourceLoc place_of(Context const& ctx, const char* first, const char* last) {
  auto& st = state(ctx);
  return st.file->locate(static_cast<std::size_t>(first - st.begin), static_cast<std::size_t>(last - first));
}

template <typename Context>
void report(Context const& ctx, Diagnostic d) {
  state(ctx).diagnostics->push_back(std::move(d));
}

// X3 builds boost::optional; the AST holds std::optional.
template <typename T>
std::optional<T> to_std(boost::optional<T>& o) {
  return o ? std::optional<T>(std::move(*o)) : std::nullopt;
}
inline std::string optional_text(boost::optional<std::string>& o) { return o ? std::move(*o) : std::string(); }

// ---------------------------------------------------------------------------------------
// Tokens

inline auto const ident_start = x3::char_("a-zA-Z_");
inline auto const ident_char = x3::char_("a-zA-Z0-9_");
// Not x3::digit: the character classes call std::isdigit, undefined for bytes above 0x7F.
inline auto const digit = x3::char_("0-9");

// Keywords are whole words: `whenever` is a name, not `when` followed by `ever`.
#define DECREE_KEYWORD(word)                                         \
  struct kw_##word##_class;                                          \
  x3::rule<kw_##word##_class> const kw_##word = "`" #word "`";       \
  auto const kw_##word##_def = lexeme[lit(#word) >> !ident_char];    \
  BOOST_SPIRIT_DEFINE(kw_##word)

DECREE_KEYWORD(policy)
DECREE_KEYWORD(extends)
DECREE_KEYWORD(in)
DECREE_KEYWORD(status)
DECREE_KEYWORD(force)
DECREE_KEYWORD(from)
DECREE_KEYWORD(until)
DECREE_KEYWORD(scope)
DECREE_KEYWORD(source)
DECREE_KEYWORD(type)
DECREE_KEYWORD(fact)
DECREE_KEYWORD(define)
DECREE_KEYWORD(decision)
DECREE_KEYWORD(default)
DECREE_KEYWORD(applies)
DECREE_KEYWORD(authority)
DECREE_KEYWORD(obligation)
DECREE_KEYWORD(flag)
DECREE_KEYWORD(indicating)
DECREE_KEYWORD(rule)
DECREE_KEYWORD(exception)
DECREE_KEYWORD(to)
DECREE_KEYWORD(when)
DECREE_KEYWORD(then)
DECREE_KEYWORD(by)
DECREE_KEYWORD(owe)
DECREE_KEYWORD(cites)
DECREE_KEYWORD(drop)
DECREE_KEYWORD(replace)
DECREE_KEYWORD(and)
DECREE_KEYWORD(or)
DECREE_KEYWORD(not)
DECREE_KEYWORD(is)
DECREE_KEYWORD(has)
DECREE_KEYWORD(empty)
DECREE_KEYWORD(set)
DECREE_KEYWORD(of)
DECREE_KEYWORD(known)
DECREE_KEYWORD(unknown)
DECREE_KEYWORD(true)
DECREE_KEYWORD(false)
#undef DECREE_KEYWORD

#define DECREE_PUNCT(name, text)                       \
  struct name##_class;                                 \
  x3::rule<name##_class> const name = "`" text "`";    \
  auto const name##_def = lit(text);                   \
  BOOST_SPIRIT_DEFINE(name)

DECREE_PUNCT(colon, ":")
DECREE_PUNCT(equals, "=")
DECREE_PUNCT(bar, "|")
DECREE_PUNCT(comma, ",")
DECREE_PUNCT(open_paren, "(")
DECREE_PUNCT(close_paren, ")")
DECREE_PUNCT(dots, "..")
#undef DECREE_PUNCT

// A name: not a keyword, at most `max_name_chars` long (a longer one is reported, and kept).
struct name_class;
x3::rule<name_class, ast::Name> const name = "a name";
auto const name_action = [](auto& ctx) {
  auto range = _attr(ctx);
  std::string text(range.begin(), range.end());
  if (is_keyword(text)) {
    _pass(ctx) = false;
    return;
  }
  auto loc = place_of(ctx, range.begin(), range.end());
  auto& st = state(ctx);
  if (text.size() > st.limits->max_name_chars) {
    report(ctx, make_error("parse.name-too-long", loc,
                           fmt::format("this name is {} characters long; names are limited to {} characters",
                                       text.size(), st.limits->max_name_chars),
                           "use a shorter name and put the full wording in the description string"));
    loc.length = 1;
  }
  _val(ctx) = ast::Name{std::move(text), std::move(loc)};
};
auto const name_def = lexeme[raw[ident_start >> *ident_char]][name_action];
BOOST_SPIRIT_DEFINE(name)

// The value in `x is v`, `d = v`, `default v`: a name, or `true` / `false`.
struct value_name_class;
x3::rule<value_name_class, ast::Name> const value_name = "a value";
auto const bool_word_action = [](auto& ctx) {
  auto range = _attr(ctx);
  _val(ctx) = ast::Name{std::string(range.begin(), range.end()), place_of(ctx, range.begin(), range.end())};
};
// Every alternative assigns explicitly: a rule whose definition holds an action does not
// pass its alternatives' attributes on by itself.
auto const assign = [](auto& ctx) { _val(ctx) = std::move(_attr(ctx)); };
auto const value_name_def = name[assign] | raw[kw_true | kw_false][bool_word_action];
BOOST_SPIRIT_DEFINE(value_name)

// "…": escapes \" and \\ only; a string ends on the line it starts.
struct string_class;
struct string_body_class;
struct escape_class;
struct string_end_class;
x3::rule<string_class, std::string> const string = "a quoted string";
x3::rule<escape_class, char> const escape = "`\"` or `\\` (the only escapes)";
x3::rule<string_end_class> const string_end = "a closing `\"` (a string ends on the line it starts)";
auto const escape_def = x3::char_("\"\\");
auto const string_end_def = lit('"');
BOOST_SPIRIT_DEFINE(escape, string_end)
auto const string_action = [](auto& ctx) {
  auto& text = _attr(ctx);
  auto& st = state(ctx);
  auto chars = utf8_length(text);
  if (chars > st.limits->max_string_chars)
    report(ctx, make_error("parse.string-too-long", where(ctx),
                           fmt::format("this string is {} characters long; strings are limited to {} characters",
                                       chars, st.limits->max_string_chars)));
  _val(ctx) = std::move(text);
};
struct string_char_class;
x3::rule<string_char_class, char> const string_char = "a character";
auto const string_char_def = ('\\' > escape) | (x3::char_ - '"' - '\\' - x3::eol);
BOOST_SPIRIT_DEFINE(string_char)
auto const string_def = located[lexeme['"' > *string_char > string_end][string_action]];
BOOST_SPIRIT_DEFINE(string)

// A string with its place, for what errors point at: the path in `extends` and in `source`, and a
// citation's quoted clause.
struct located_string {
  std::string text;
  SourceLoc loc;
};
struct located_string_class;
x3::rule<located_string_class, located_string> const path_string = "the base file's path, as a quoted string";
auto const located_string_action = [](auto& ctx) {
  auto range = _attr(ctx);
  std::string raw_text(range.begin(), range.end());
  // The raw range holds the quotes and escapes; keep the string's value.
  std::string value;
  for (std::size_t i = 1; i + 1 < raw_text.size(); ++i) {
    if (raw_text[i] == '\\' && i + 2 < raw_text.size()) ++i;
    value += raw_text[i];
  }
  _val(ctx) = located_string{std::move(value), place_of(ctx, range.begin(), range.end())};
};
auto const path_string_def = raw[string][located_string_action];
BOOST_SPIRIT_DEFINE(path_string)
struct quote_string_class;
x3::rule<quote_string_class, located_string> const quote_string = "a quoted clause";
auto const quote_string_def = raw[string][located_string_action];
BOOST_SPIRIT_DEFINE(quote_string)

// Integers and dates; a date must be a calendar day.
struct integer_class;
struct date_class;
x3::rule<integer_class, std::int64_t> const integer = "a whole number";
x3::rule<date_class, ast::Date> const date = "a date (YYYY-MM-DD)";
auto const integer_action = [](auto& ctx) {
  auto range = _attr(ctx);
  std::int64_t value = 0;
  auto [ptr, ec] = std::from_chars(range.begin(), range.end(), value);
  if (ec != std::errc() || ptr != range.end())
    report(ctx, make_error("parse.integer-too-large", place_of(ctx, range.begin(), range.end()),
                           "this number is too large; whole numbers go up to 9223372036854775807"));
  _val(ctx) = value;
};
auto const integer_def = lexeme[raw[-lit('-') >> +digit] >> !ident_char >> !lit('-')][integer_action];
auto const date_action = [](auto& ctx) {
  auto range = _attr(ctx);
  std::string_view text(range.begin(), static_cast<std::size_t>(range.end() - range.begin()));
  ast::Date d;
  std::from_chars(text.data(), text.data() + 4, d.year);
  std::from_chars(text.data() + 5, text.data() + 7, d.month);
  std::from_chars(text.data() + 8, text.data() + 10, d.day);
  if (!ast::is_valid(d))
    report(ctx, make_error("parse.bad-date", place_of(ctx, range.begin(), range.end()),
                           fmt::format("{} is not a day of the calendar", text),
                           "dates are written YYYY-MM-DD, with a month from 01 to 12 and a day that month has"));
  _val(ctx) = d;
};
auto const date_def =
    lexeme[raw[digit >> digit >> digit >> digit >> '-' >> digit >> digit >> '-' >> digit >> digit] >> !ident_char]
          [date_action];
BOOST_SPIRIT_DEFINE(integer, date)

// ---------------------------------------------------------------------------------------
// Conditions

struct expr_class;
struct disjunction_class;
struct conjunction_class;
struct negation_class;
struct test_class;
struct operand_class;
struct compare_op_class;
x3::rule<expr_class, ast::Expr> const expr = "a condition";
x3::rule<disjunction_class, ast::Expr> const disjunction = "a condition";
x3::rule<conjunction_class, ast::Expr> const conjunction = "a condition";
x3::rule<negation_class, ast::Expr> const negation = "a condition";
x3::rule<test_class, ast::Expr> const test = "a condition";
x3::rule<operand_class, ast::Expr> const operand = "a value or a fact";
x3::rule<compare_op_class, ast::CompareOp> const compare_op = "a comparison (=, !=, <, <=, >, >=)";

template <ast::Expr::Kind kind>
struct make_chain {
  template <typename Context>
  void operator()(Context& ctx) const {
    auto& attr = _attr(ctx);
    auto& first = boost::fusion::at_c<0>(attr);
    auto& rest = boost::fusion::at_c<1>(attr);
    if (rest.empty()) {
      _val(ctx) = std::move(first);
      return;
    }
    ast::Expr node;
    node.kind = kind;
    node.loc = where(ctx);
    node.operands.reserve(rest.size() + 1);
    node.operands.push_back(std::move(first));
    for (auto& e : rest) node.operands.push_back(std::move(e));
    _val(ctx) = std::move(node);
  }
};

auto const not_action = [](auto& ctx) {
  ast::Expr node;
  node.kind = ast::Expr::Kind::Not;
  node.loc = where(ctx);
  node.operands.push_back(std::move(_attr(ctx)));
  _val(ctx) = std::move(node);
};

auto const paren_action = [](auto& ctx) {
  _val(ctx) = std::move(_attr(ctx));
  _val(ctx).parenthesized = true;
};

// `x is known`, `x is unknown`, `x is v`, `x is not v`. The tail is parsed after `is`.
struct is_tail {
  ast::Expr::Kind kind = ast::Expr::Kind::Is;
  ast::Name value;
};
struct is_tail_class;
x3::rule<is_tail_class, is_tail> const is_tail_rule = "`known`, `unknown`, `not`, or a value";
auto const is_kind = [](ast::Expr::Kind kind) {
  return [kind](auto& ctx) { _val(ctx).kind = kind; };
};
auto const is_value = [](ast::Expr::Kind kind) {
  return [kind](auto& ctx) {
    _val(ctx).kind = kind;
    _val(ctx).value = std::move(_attr(ctx));
  };
};
auto const is_tail_rule_def = kw_known[is_kind(ast::Expr::Kind::IsKnown)] |
                              kw_unknown[is_kind(ast::Expr::Kind::IsUnknown)] |
                              kw_empty[is_kind(ast::Expr::Kind::IsEmpty)] |
                              (kw_not >> kw_empty)[is_kind(ast::Expr::Kind::IsNotEmpty)] |
                              (kw_not > value_name)[is_value(ast::Expr::Kind::IsNot)] |
                              value_name[is_value(ast::Expr::Kind::Is)];
BOOST_SPIRIT_DEFINE(is_tail_rule)

auto const is_action = [](auto& ctx) {
  auto& attr = _attr(ctx);
  ast::Expr node;
  node.loc = where(ctx);
  node.name = std::move(boost::fusion::at_c<0>(attr));
  auto& tail = boost::fusion::at_c<1>(attr);
  node.kind = tail.kind;
  node.value = std::move(tail.value);
  _val(ctx) = std::move(node);
};

// `x has v`: v is a value of the set's enumeration, or an enumeration fact (the checker says which).
auto const has_action = [](auto& ctx) {
  auto& attr = _attr(ctx);
  ast::Expr node;
  node.kind = ast::Expr::Kind::Has;
  node.loc = where(ctx);
  node.name = std::move(boost::fusion::at_c<0>(attr));
  node.value = std::move(boost::fusion::at_c<1>(attr));
  _val(ctx) = std::move(node);
};

auto const compare_action = [](auto& ctx) {
  auto& attr = _attr(ctx);
  ast::Expr node;
  node.kind = ast::Expr::Kind::Compare;
  node.loc = where(ctx);
  node.op = boost::fusion::at_c<1>(attr);
  node.operands.push_back(std::move(boost::fusion::at_c<0>(attr)));
  node.operands.push_back(std::move(boost::fusion::at_c<2>(attr)));
  _val(ctx) = std::move(node);
};

auto const name_expr_action = [](auto& ctx) {
  ast::Expr node;
  node.kind = ast::Expr::Kind::Name;
  node.loc = _attr(ctx).loc;
  node.name = std::move(_attr(ctx));
  _val(ctx) = std::move(node);
};

template <typename F>
auto literal_action(F fill) {
  return [fill](auto& ctx) {
    ast::Expr node;
    node.kind = ast::Expr::Kind::Literal;
    node.loc = where(ctx);
    fill(node.literal, ctx);
    _val(ctx) = std::move(node);
  };
}
auto const bool_literal = [](bool b) {
  return literal_action([b](ast::Literal& lit, auto&) {
    lit.kind = ast::Literal::Kind::Bool;
    lit.boolean = b;
  });
};
auto const date_literal = literal_action([](ast::Literal& lit, auto& ctx) {
  lit.kind = ast::Literal::Kind::Date;
  lit.date = _attr(ctx);
});
auto const integer_literal = literal_action([](ast::Literal& lit, auto& ctx) {
  lit.kind = ast::Literal::Kind::Int;
  lit.integer = _attr(ctx);
});
auto const text_literal = literal_action([](ast::Literal& lit, auto& ctx) {
  lit.kind = ast::Literal::Kind::Text;
  lit.text = std::move(_attr(ctx));
});

struct compare_symbols : x3::symbols<ast::CompareOp> {
  compare_symbols() {
    add("=", ast::CompareOp::Eq)("!=", ast::CompareOp::Ne)("<", ast::CompareOp::Lt)("<=", ast::CompareOp::Le)(
        ">", ast::CompareOp::Gt)(">=", ast::CompareOp::Ge);
  }
};
inline compare_symbols const compare_ops;

auto const expr_def = disjunction;
auto const disjunction_def = located[(conjunction >> *(kw_or > conjunction))[make_chain<ast::Expr::Kind::Or>{}]];
auto const conjunction_def = located[(negation >> *(kw_and > negation))[make_chain<ast::Expr::Kind::And>{}]];
auto const negation_def = located[(kw_not > negation)[not_action] | test[assign]];
auto const operand_def = located[date[date_literal] | integer[integer_literal] | string[text_literal] |
                         kw_true[bool_literal(true)] | kw_false[bool_literal(false)] | name[name_expr_action]];
auto const compare_op_def = compare_ops;
auto const test_def = located[(open_paren > expr > close_paren)[paren_action] |
                      (name >> kw_is > is_tail_rule)[is_action] |
                      (name >> kw_has > value_name)[has_action] |
                      (operand >> compare_op > operand)[compare_action] |
                      kw_true[bool_literal(true)] | kw_false[bool_literal(false)] | name[name_expr_action]];
BOOST_SPIRIT_DEFINE(expr, disjunction, conjunction, negation, test, operand, compare_op)

// ---------------------------------------------------------------------------------------
// Citations

struct citation_class;
x3::rule<citation_class, ast::Citation> const citation = "a citation";
auto const citation_action = [](auto& ctx) {
  auto& attr = _attr(ctx);
  ast::Citation c;
  c.loc = where(ctx);
  c.source = std::move(boost::fusion::at_c<0>(attr));
  c.section = to_std(boost::fusion::at_c<1>(attr));
  if (auto& quote = boost::fusion::at_c<2>(attr)) {
    c.quote = std::move(quote->text);
    c.quote_loc = std::move(quote->loc);
  }
  _val(ctx) = std::move(c);
};
auto const citation_def = located[(kw_cites > name > -name > -quote_string)[citation_action]];
BOOST_SPIRIT_DEFINE(citation)

// ---------------------------------------------------------------------------------------
// Header

struct date_range_class;
x3::rule<date_range_class, ast::DateRange> const date_range = "a date (YYYY-MM-DD), or a range `A .. B`";
auto const date_range_action = [](auto& ctx) {
  auto& attr = _attr(ctx);
  ast::DateRange r;
  r.loc = where(ctx);
  r.first = boost::fusion::at_c<0>(attr);
  r.last = boost::fusion::at_c<1>(attr) ? *boost::fusion::at_c<1>(attr) : r.first;
  _val(ctx) = r;
};
auto const date_range_def = located[(date >> -(dots > date))[date_range_action]];
BOOST_SPIRIT_DEFINE(date_range)

struct header_clause_class;
x3::rule<header_clause_class, ast::Header> const header_clause = "a header line";


auto const extends_action = [](auto& ctx) {
  auto& attr = _attr(ctx);
  ast::Extends e;
  e.loc = where(ctx);
  e.base = std::move(boost::fusion::at_c<0>(attr));
  auto& path = boost::fusion::at_c<1>(attr);
  e.path = std::move(path.text);
  e.path_loc = std::move(path.loc);
  _val(ctx).extends = std::move(e);
};
auto const status_action = [](auto& ctx) { _val(ctx).status = std::move(_attr(ctx)); };
auto const from_action = [](auto& ctx) { _val(ctx).in_force_from = std::move(_attr(ctx)); };
auto const until_action = [](auto& ctx) { _val(ctx).in_force_until = std::move(_attr(ctx)); };
auto const scope_action = [](auto& ctx) { _val(ctx).scope = ast::Scope{where(ctx), std::move(_attr(ctx))}; };
auto const source_action = [](auto& ctx) {
  auto& attr = _attr(ctx);
  ast::SourceDecl s;
  s.loc = where(ctx);
  s.key = std::move(boost::fusion::at_c<0>(attr));
  s.description = std::move(boost::fusion::at_c<1>(attr));
  if (auto& text = boost::fusion::at_c<2>(attr)) {
    s.text = std::move(text->text);
    s.text_loc = std::move(text->loc);
  }
  _val(ctx).sources.push_back(std::move(s));
};

// The clauses write into the header they belong to: header_clause's attribute is the whole
// header, passed down by reference from `header`.
auto const header_clause_def = located[(kw_extends > name > kw_in > path_string)[extends_action] |
                               (kw_status > name)[status_action] |
                               (kw_in > kw_force > kw_from > date_range)[from_action] |
                               (kw_until > date_range)[until_action] |
                               (kw_scope > expr)[scope_action] |
                               (kw_source > name > string > -(kw_in >> path_string))[source_action]];
BOOST_SPIRIT_DEFINE(header_clause)

struct header_class;
x3::rule<header_class, ast::Header> const header = "a policy header";

// Each clause fills one member of a partial header; the header merges them, and says so when
// a clause is given twice.
template <typename Context, typename T>
void merge_once(Context const& ctx, std::optional<T>& into, std::optional<T>& from, const char* what) {
  if (!from) return;
  if (into) {
    report(ctx, make_error("parse.duplicate-clause", from->loc,
                           fmt::format("the header gives `{}` twice; keep one", what)));
    return;
  }
  into = std::move(from);
}
auto const header_action = [](auto& ctx) {
  auto& attr = _attr(ctx);
  ast::Header h;
  h.loc = where(ctx);
  h.name = std::move(boost::fusion::at_c<0>(attr));
  h.title = optional_text(boost::fusion::at_c<1>(attr));
  for (auto& clause : boost::fusion::at_c<2>(attr)) {
    merge_once(ctx, h.extends, clause.extends, "extends");
    merge_once(ctx, h.status, clause.status, "status");
    merge_once(ctx, h.in_force_from, clause.in_force_from, "in force from");
    merge_once(ctx, h.in_force_until, clause.in_force_until, "until");
    merge_once(ctx, h.scope, clause.scope, "scope");
    for (auto& source : clause.sources) h.sources.push_back(std::move(source));
  }
  _val(ctx) = std::move(h);
};
auto const header_def = located[(kw_policy > name > -string > *header_clause)[header_action]];

// ---------------------------------------------------------------------------------------
// Items

struct enum_values_class;
x3::rule<enum_values_class, std::vector<ast::Name>> const enum_values = "values separated by `|`";
auto const enum_values_def = value_name >> +(bar > value_name);
BOOST_SPIRIT_DEFINE(enum_values)

// The values of a `type` or a decision: one is accepted here, so that the checker can say
// that two or more are needed (in a fact's type, one name is a type's name).
struct value_list_class;
x3::rule<value_list_class, std::vector<ast::Name>> const value_list = "values separated by `|`";
auto const value_list_def = value_name >> *(bar > value_name);
BOOST_SPIRIT_DEFINE(value_list)

struct type_ref_class;
x3::rule<type_ref_class, ast::TypeRef> const type_ref =
    "a type (bool, int, date, text, a declared type, or values `a | b`)";
auto const enum_type_action = [](auto& ctx) {
  _val(ctx).loc = where(ctx);
  _val(ctx).values = std::move(_attr(ctx));
};
auto const named_type_action = [](auto& ctx) {
  _val(ctx).loc = where(ctx);
  _val(ctx).name = std::move(_attr(ctx));
};
struct plain_type_ref_class;
x3::rule<plain_type_ref_class, ast::TypeRef> const plain_type_ref =
    "a type (bool, int, date, text, a declared type, or values `a | b`)";
auto const plain_type_ref_def = enum_values[enum_type_action] | name[named_type_action];
BOOST_SPIRIT_DEFINE(plain_type_ref)
// `set of reason`, `set of a | b`: a set of an enumeration's values.
auto const set_type_action = [](auto& ctx) {
  _val(ctx) = std::move(_attr(ctx));
  _val(ctx).is_set = true;
};
struct set_element_class;
x3::rule<set_element_class, ast::TypeRef> const set_element = "an enumeration after `set of` (a declared type, or values `a | b`)";
auto const set_element_def = plain_type_ref[assign];
BOOST_SPIRIT_DEFINE(set_element)
auto const type_ref_def = (kw_set > kw_of > set_element)[set_type_action] | plain_type_ref[assign];
BOOST_SPIRIT_DEFINE(type_ref)

struct type_decl_class;
struct fact_decl_class;
struct definition_class;
struct decision_decl_class;
struct declared_class;
struct conclusion_class;
struct rule_decl_class;
x3::rule<type_decl_class, ast::TypeDecl> const type_decl = "a type declaration";
x3::rule<fact_decl_class, ast::FactDecl> const fact_decl = "a fact declaration";
x3::rule<definition_class, ast::Definition> const definition = "a definition";
x3::rule<decision_decl_class, ast::DecisionDecl> const decision_decl = "a decision";
x3::rule<declared_class, ast::Declared> const declared = "a declaration";
x3::rule<conclusion_class, ast::Conclusion> const conclusion =
    "a conclusion (`DECISION = VALUE`, `owe OBLIGATION` or `flag FLAG`)";
x3::rule<rule_decl_class, ast::Rule> const rule_decl = "a rule";


auto const type_decl_action = [](auto& ctx) {
  auto& attr = _attr(ctx);
  ast::TypeDecl d;
  d.loc = where(ctx);
  d.name = std::move(boost::fusion::at_c<0>(attr));
  d.values = std::move(boost::fusion::at_c<1>(attr));
  d.description = optional_text(boost::fusion::at_c<2>(attr));
  _val(ctx) = std::move(d);
};
auto const type_decl_def = located[(kw_type > name > colon > value_list > -string)[type_decl_action]];

auto const fact_decl_action = [](auto& ctx) {
  auto& attr = _attr(ctx);
  ast::FactDecl d;
  d.loc = where(ctx);
  d.name = std::move(boost::fusion::at_c<0>(attr));
  d.type = std::move(boost::fusion::at_c<1>(attr));
  d.description = optional_text(boost::fusion::at_c<2>(attr));
  _val(ctx) = std::move(d);
};
auto const fact_decl_def = located[(kw_fact > name > colon > type_ref > -string)[fact_decl_action]];

auto const definition_action = [](auto& ctx) {
  auto& attr = _attr(ctx);
  ast::Definition d;
  d.loc = where(ctx);
  d.name = std::move(boost::fusion::at_c<0>(attr));
  d.title = optional_text(boost::fusion::at_c<1>(attr));
  d.body = std::move(boost::fusion::at_c<2>(attr));
  d.cites = std::move(boost::fusion::at_c<3>(attr));
  _val(ctx) = std::move(d);
};
auto const definition_def = located[(kw_define > name > -string > equals > expr > *citation)[definition_action]];

// Decision clauses, in any order, write into the decision being built.
struct decision_clause_class;
x3::rule<decision_clause_class, ast::DecisionDecl> const decision_clause = "`default`, `applies when` or `cites`";
auto const default_action = [](auto& ctx) { _val(ctx).default_value = std::move(_attr(ctx)); };
auto const applies_action = [](auto& ctx) { _val(ctx).applies_when = std::move(_attr(ctx)); };
auto const decision_cite_action = [](auto& ctx) { _val(ctx).cites.push_back(std::move(_attr(ctx))); };
auto const decision_clause_def = located[(kw_default > value_name)[default_action] |
                                 (kw_applies > kw_when > expr)[applies_action] | citation[decision_cite_action]];
BOOST_SPIRIT_DEFINE(decision_clause)

auto const decision_action = [](auto& ctx) {
  auto& attr = _attr(ctx);
  ast::DecisionDecl d;
  d.loc = where(ctx);
  d.name = std::move(boost::fusion::at_c<0>(attr));
  d.title = optional_text(boost::fusion::at_c<1>(attr));
  d.values = std::move(boost::fusion::at_c<2>(attr));
  for (auto& clause : boost::fusion::at_c<3>(attr)) {
    if (clause.default_value) {
      if (d.default_value)
        report(ctx, make_error("parse.duplicate-clause", clause.default_value->loc,
                               fmt::format("decision `{}` has two defaults; keep one", d.name.text)));
      else
        d.default_value = std::move(clause.default_value);
    }
    if (clause.applies_when) {
      if (d.applies_when)
        report(ctx, make_error("parse.duplicate-clause", clause.applies_when->loc,
                               fmt::format("decision `{}` has two `applies when` conditions; join them with `and`",
                                           d.name.text)));
      else
        d.applies_when = std::move(clause.applies_when);
    }
    for (auto& c : clause.cites) d.cites.push_back(std::move(c));
  }
  _val(ctx) = std::move(d);
};
auto const decision_decl_def = located[(kw_decision > name > -string > colon > value_list > *decision_clause)[decision_action]];

auto const declared_action = [](ast::Declared::Kind kind) {
  return [kind](auto& ctx) {
    auto& attr = _attr(ctx);
    ast::Declared d;
    d.kind = kind;
    d.loc = where(ctx);
    d.name = std::move(boost::fusion::at_c<0>(attr));
    d.description = optional_text(boost::fusion::at_c<1>(attr));
    _val(ctx) = std::move(d);
  };
};
auto const obligation_action = [](auto& ctx) {
  auto& attr = _attr(ctx);
  ast::Declared d;
  d.kind = ast::Declared::Kind::Obligation;
  d.loc = where(ctx);
  d.name = std::move(boost::fusion::at_c<0>(attr));
  d.description = optional_text(boost::fusion::at_c<1>(attr));
  if (boost::fusion::at_c<2>(attr)) d.indicating = std::move(*boost::fusion::at_c<2>(attr));
  _val(ctx) = std::move(d);
};
// The comma-separated lists read an element after a comma with a rule of its own, so that a
// comma with no element after it is reported for the list it belongs to (see dsl/parse.cpp).
struct fact_list_class;
struct listed_fact_class;
x3::rule<fact_list_class, std::vector<ast::Name>> const fact_list = "the facts the report indicates";
x3::rule<listed_fact_class, ast::Name> const listed_fact = "a fact's name";
auto const listed_fact_def = name;
auto const fact_list_def = listed_fact >> *(comma > listed_fact);
BOOST_SPIRIT_DEFINE(fact_list, listed_fact)
auto const declared_def = located[(kw_authority > name > -string)[declared_action(ast::Declared::Kind::Authority)] |
                          (kw_obligation > name > -string > -(kw_indicating > fact_list))[obligation_action] |
                          (kw_flag > name > -string)[declared_action(ast::Declared::Kind::Flag)]];

auto const set_action = [](auto& ctx) {
  auto& attr = _attr(ctx);
  ast::Conclusion c;
  c.kind = ast::Conclusion::Kind::Set;
  c.loc = where(ctx);
  c.target = std::move(boost::fusion::at_c<0>(attr));
  c.value = std::move(boost::fusion::at_c<1>(attr));
  c.by = to_std(boost::fusion::at_c<2>(attr));
  _val(ctx) = std::move(c);
};
auto const owe_or_flag_action = [](ast::Conclusion::Kind kind) {
  return [kind](auto& ctx) {
    auto& attr = _attr(ctx);
    ast::Conclusion c;
    c.kind = kind;
    c.loc = where(ctx);
    c.target = std::move(boost::fusion::at_c<0>(attr));
    c.detail = optional_text(boost::fusion::at_c<1>(attr));
    _val(ctx) = std::move(c);
  };
};
auto const conclusion_def = located[(kw_owe > name > -string)[owe_or_flag_action(ast::Conclusion::Kind::Owe)] |
                            (kw_flag > name > -string)[owe_or_flag_action(ast::Conclusion::Kind::Flag)] |
                            (name >> equals > value_name > -(kw_by > name))[set_action]];

auto const rule_action = [](auto& ctx) {
  auto& attr = _attr(ctx);
  ast::Rule r;
  r.loc = where(ctx);
  r.name = std::move(boost::fusion::at_c<0>(attr));
  r.title = optional_text(boost::fusion::at_c<1>(attr));
  if (boost::fusion::at_c<2>(attr)) r.exception_to = std::move(*boost::fusion::at_c<2>(attr));
  r.when = to_std(boost::fusion::at_c<3>(attr));
  r.then = std::move(boost::fusion::at_c<4>(attr));
  r.cites = std::move(boost::fusion::at_c<5>(attr));
  _val(ctx) = std::move(r);
};
// After a comma another element must follow (`name % comma` would leave a trailing comma
// behind and report it as the start of the next item or clause).
struct exception_list_class;
struct listed_rule_class;
x3::rule<exception_list_class, std::vector<ast::Name>> const exception_list = "the rules this one is an exception to";
x3::rule<listed_rule_class, ast::Name> const listed_rule = "a rule's name";
auto const listed_rule_def = name;
auto const exception_list_def = listed_rule >> *(comma > listed_rule);
BOOST_SPIRIT_DEFINE(exception_list, listed_rule)
struct conclusions_class;
x3::rule<conclusions_class, std::vector<ast::Conclusion>> const conclusions = "conclusions";
auto const conclusions_def = conclusion >> *(comma > conclusion);
BOOST_SPIRIT_DEFINE(conclusions)
auto const rule_decl_def = located[(kw_rule > name > -string > colon > -(kw_exception > kw_to > exception_list) >
                            -(kw_when > expr) > kw_then > conclusions > *citation)[rule_action]];

BOOST_SPIRIT_DEFINE(type_decl, fact_decl, definition, decision_decl, declared, conclusion, rule_decl)

// ---------------------------------------------------------------------------------------
// Top-level items: plain (added), `replace ITEM`, `drop KIND NAME`.

template <ast::ItemKind kind>
struct make_item {
  template <typename Context>
  void operator()(Context& ctx) const {
    ast::Item item;
    item.op = ast::Item::Op::Add;
    item.kind = kind;
    item.loc = where(ctx);
    item.end_offset = static_cast<std::uint32_t>(_where(ctx).begin() - state(ctx).begin);
    item.body = std::move(_attr(ctx));
    _val(ctx) = std::move(item);
  }
};
auto const declared_item_action = [](auto& ctx) {
  ast::Item item;
  item.op = ast::Item::Op::Add;
  auto& d = _attr(ctx);
  item.kind = d.kind == ast::Declared::Kind::Authority    ? ast::ItemKind::Authority
              : d.kind == ast::Declared::Kind::Obligation ? ast::ItemKind::Obligation
                                                          : ast::ItemKind::Flag;
  item.loc = where(ctx);
  item.end_offset = static_cast<std::uint32_t>(_where(ctx).begin() - state(ctx).begin);
  item.body = std::move(d);
  _val(ctx) = std::move(item);
};

struct plain_item_class;
x3::rule<plain_item_class, ast::Item> const plain_item =
    "an item (`fact`, `define`, `decision`, `rule`, `type`, `authority`, `obligation` or `flag`)";
auto const plain_item_def = located[rule_decl[make_item<ast::ItemKind::Rule>{}] |
                            fact_decl[make_item<ast::ItemKind::Fact>{}] |
                            definition[make_item<ast::ItemKind::Definition>{}] |
                            decision_decl[make_item<ast::ItemKind::Decision>{}] |
                            type_decl[make_item<ast::ItemKind::Type>{}] | declared[declared_item_action]];
BOOST_SPIRIT_DEFINE(plain_item)

struct item_kind_symbols : x3::symbols<ast::ItemKind> {
  item_kind_symbols() {
    add("rule", ast::ItemKind::Rule)("fact", ast::ItemKind::Fact)("define", ast::ItemKind::Definition)(
        "decision", ast::ItemKind::Decision)("type", ast::ItemKind::Type)("authority", ast::ItemKind::Authority)(
        "obligation", ast::ItemKind::Obligation)("flag", ast::ItemKind::Flag);
  }
};
inline item_kind_symbols const item_kinds;
struct item_kind_word_class;
x3::rule<item_kind_word_class, ast::ItemKind> const item_kind_word =
    "what to drop (`rule`, `define`, `fact`, `decision`, `type`, `authority`, `obligation` or `flag`)";
auto const item_kind_word_def = lexeme[item_kinds >> !ident_char];
BOOST_SPIRIT_DEFINE(item_kind_word)

auto const replace_action = [](auto& ctx) {
  _val(ctx) = std::move(_attr(ctx));
  _val(ctx).op = ast::Item::Op::Replace;
  _val(ctx).loc = where(ctx);
};
auto const drop_action = [](auto& ctx) {
  auto& attr = _attr(ctx);
  ast::Item item;
  item.op = ast::Item::Op::Drop;
  item.kind = boost::fusion::at_c<0>(attr);
  item.dropped = std::move(boost::fusion::at_c<1>(attr));
  item.loc = where(ctx);
  item.end_offset = static_cast<std::uint32_t>(_where(ctx).begin() - state(ctx).begin);
  _val(ctx) = std::move(item);
};

struct item_class;
x3::rule<item_class, ast::Item> const item = "an item";
auto const item_def = located[(kw_replace > plain_item)[replace_action] | (kw_drop > item_kind_word > name)[drop_action] |
                      plain_item[assign]];

BOOST_SPIRIT_DEFINE(header, item)

}  // namespace decree::dsl::grammar
