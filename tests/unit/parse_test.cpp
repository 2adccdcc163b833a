// Parser tests: every construct of the language, places, and the messages for broken input.
#include <gtest/gtest.h>

#include <string>

#include "dsl/parse.hpp"

namespace decree::dsl {
namespace {

const char* kHeader = "policy p \"P\"\n";

ast::Policy parse_ok(const std::string& text) {
  auto result = parse(text, "t.decree");
  for (const auto& d : result.diagnostics) ADD_FAILURE() << to_string(d.loc) << ": " << d.message;
  EXPECT_TRUE(result.policy.has_value());
  return result.policy.value_or(ast::Policy{});
}

std::vector<Diagnostic> parse_errors(const std::string& text, const ParseLimits& limits = {}) {
  auto result = parse(text, "t.decree", limits);
  EXPECT_TRUE(has_errors(result.diagnostics)) << text;
  return result.diagnostics;
}

TEST(Parse, Header) {
  auto p = parse_ok(
      "policy telegram_1956 \"Telegram\"\n"
      "  extends base_1956 in \"base-1956.decree\"\n"
      "  status enacted\n"
      "  in force from 1956-02-02 .. 1956-02-10\n"
      "  until 1957-01-01\n"
      "  source memo \"Memorandum\"\n"
      "  source telegram \"Telegram\"\n");
  EXPECT_EQ(p.header.name.text, "telegram_1956");
  EXPECT_EQ(p.header.title, "Telegram");
  ASSERT_TRUE(p.header.extends);
  EXPECT_EQ(p.header.extends->base.text, "base_1956");
  EXPECT_EQ(p.header.extends->path, "base-1956.decree");
  ASSERT_TRUE(p.header.status);
  EXPECT_EQ(p.header.status->text, "enacted");
  ASSERT_TRUE(p.header.in_force_from);
  EXPECT_EQ(ast::to_string(p.header.in_force_from->first), "1956-02-02");
  EXPECT_EQ(ast::to_string(p.header.in_force_from->last), "1956-02-10");
  ASSERT_TRUE(p.header.in_force_until);
  EXPECT_EQ(p.header.in_force_until->first, p.header.in_force_until->last);
  ASSERT_EQ(p.header.sources.size(), 2u);
  EXPECT_EQ(p.header.sources[1].key.text, "telegram");
  EXPECT_EQ(p.header.name.loc.line, 1u);
  EXPECT_EQ(p.header.name.loc.column, 8u);
}

TEST(Parse, Facts) {
  auto p = parse_ok(std::string(kHeader) +
                    "type reason: illness | other_reasons \"Why\"\n"
                    "fact a: bool \"A\"\n"
                    "fact b: korean | other\n"
                    "fact c: int\n"
                    "fact d: reason \"D\"\n");
  ASSERT_EQ(p.items.size(), 5u);
  const auto& type = std::get<ast::TypeDecl>(p.items[0].body);
  EXPECT_EQ(type.values.size(), 2u);
  EXPECT_EQ(type.description, "Why");
  const auto& a = std::get<ast::FactDecl>(p.items[1].body);
  EXPECT_EQ(a.type.name.text, "bool");
  EXPECT_TRUE(a.type.values.empty());
  const auto& b = std::get<ast::FactDecl>(p.items[2].body);
  ASSERT_EQ(b.type.values.size(), 2u);
  EXPECT_EQ(b.type.values[1].text, "other");
  EXPECT_EQ(p.items[3].kind, ast::ItemKind::Fact);
  EXPECT_EQ(p.items[1].loc.line, 3u);
  EXPECT_EQ(p.items[1].loc.column, 1u);
}

TEST(Parse, DefinitionWithCitation) {
  auto p = parse_ok(std::string(kHeader) +
                    "define covered \"Covered\" = a and b is korean\n"
                    "  cites memo p1 \"for permanent work\"\n");
  const auto& d = std::get<ast::Definition>(p.items[0].body);
  EXPECT_EQ(d.title, "Covered");
  EXPECT_EQ(d.body.kind, ast::Expr::Kind::And);
  ASSERT_EQ(d.cites.size(), 1u);
  EXPECT_EQ(d.cites[0].source.text, "memo");
  ASSERT_TRUE(d.cites[0].section);
  EXPECT_EQ(d.cites[0].section->text, "p1");
  ASSERT_TRUE(d.cites[0].quote);
  EXPECT_EQ(*d.cites[0].quote, "for permanent work");
}

TEST(Parse, Decision) {
  auto p = parse_ok(std::string(kHeader) +
                    "decision return \"Return\": granted | refused | referred_to_moscow\n"
                    "  default refused\n"
                    "  applies when request is return_to_ussr\n");
  const auto& d = std::get<ast::DecisionDecl>(p.items[0].body);
  EXPECT_EQ(d.values.size(), 3u);
  ASSERT_TRUE(d.default_value);
  EXPECT_EQ(d.default_value->text, "refused");
  ASSERT_TRUE(d.applies_when);
  EXPECT_EQ(d.applies_when->kind, ast::Expr::Kind::Is);
}

TEST(Parse, Declared) {
  auto p = parse_ok(std::string(kHeader) +
                    "authority embassy \"The embassy\"\nobligation report \"A report\"\nflag review\n");
  EXPECT_EQ(p.items[0].kind, ast::ItemKind::Authority);
  EXPECT_EQ(p.items[1].kind, ast::ItemKind::Obligation);
  EXPECT_EQ(p.items[2].kind, ast::ItemKind::Flag);
  EXPECT_EQ(std::get<ast::Declared>(p.items[2].body).description, "");
}

TEST(Parse, Rule) {
  auto p = parse_ok(std::string(kHeader) +
                    "rule answer_locally \"Misdemeanants answer locally\":\n"
                    "  exception to grant_return, other\n"
                    "  when covered and misdemeanor\n"
                    "  then return = refused by embassy,\n"
                    "       owe report \"reasons\",\n"
                    "       flag review\n"
                    "  cites telegram s3 \"As a rule\"\n"
                    "  cites memo p4\n");
  const auto& r = std::get<ast::Rule>(p.items[0].body);
  EXPECT_EQ(r.name.text, "answer_locally");
  ASSERT_EQ(r.exception_to.size(), 2u);
  EXPECT_EQ(r.exception_to[1].text, "other");
  ASSERT_TRUE(r.when);
  ASSERT_EQ(r.then.size(), 3u);
  EXPECT_EQ(r.then[0].kind, ast::Conclusion::Kind::Set);
  EXPECT_EQ(r.then[0].target.text, "return");
  EXPECT_EQ(r.then[0].value.text, "refused");
  ASSERT_TRUE(r.then[0].by);
  EXPECT_EQ(r.then[0].by->text, "embassy");
  EXPECT_EQ(r.then[1].kind, ast::Conclusion::Kind::Owe);
  EXPECT_EQ(r.then[1].detail, "reasons");
  EXPECT_EQ(r.then[2].kind, ast::Conclusion::Kind::Flag);
  ASSERT_EQ(r.cites.size(), 2u);
  EXPECT_FALSE(r.cites[1].quote);
}

TEST(Parse, RuleWithoutWhen) {
  auto p = parse_ok(std::string(kHeader) + "rule always: then x = y\n");
  EXPECT_FALSE(std::get<ast::Rule>(p.items[0].body).when);
}

TEST(Parse, ExpressionPrecedence) {
  auto p = parse_ok(std::string(kHeader) + "define d = a or b and not c\n");
  const auto& e = std::get<ast::Definition>(p.items[0].body).body;
  ASSERT_EQ(e.kind, ast::Expr::Kind::Or);
  ASSERT_EQ(e.operands.size(), 2u);
  EXPECT_EQ(e.operands[0].kind, ast::Expr::Kind::Name);
  ASSERT_EQ(e.operands[1].kind, ast::Expr::Kind::And);
  EXPECT_EQ(e.operands[1].operands[1].kind, ast::Expr::Kind::Not);
}

TEST(Parse, ChainsAreFlat) {
  auto p = parse_ok(std::string(kHeader) + "define d = a and b and c\n");
  const auto& e = std::get<ast::Definition>(p.items[0].body).body;
  ASSERT_EQ(e.kind, ast::Expr::Kind::And);
  EXPECT_EQ(e.operands.size(), 3u);
}

TEST(Parse, Parentheses) {
  auto p = parse_ok(std::string(kHeader) + "define d = (a or b) and c\n");
  const auto& e = std::get<ast::Definition>(p.items[0].body).body;
  ASSERT_EQ(e.kind, ast::Expr::Kind::And);
  EXPECT_EQ(e.operands[0].kind, ast::Expr::Kind::Or);
  EXPECT_TRUE(e.operands[0].parenthesized);
}

TEST(Parse, Tests) {
  auto p = parse_ok(std::string(kHeader) +
                    "define d1 = x is known\n"
                    "define d2 = x is unknown\n"
                    "define d3 = x is not korean\n"
                    "define d4 = x is true\n"
                    "define d5 = age >= 18\n"
                    "define d6 = when_ > 1956-02-10\n"
                    "define d7 = reason != \"illness\"\n"
                    "define d8 = a = b\n"
                    "define d9 = true\n"
                    "define d10 = n < -3\n");
  auto body = [&](std::size_t i) -> const ast::Expr& { return std::get<ast::Definition>(p.items[i].body).body; };
  EXPECT_EQ(body(0).kind, ast::Expr::Kind::IsKnown);
  EXPECT_EQ(body(1).kind, ast::Expr::Kind::IsUnknown);
  EXPECT_EQ(body(2).kind, ast::Expr::Kind::IsNot);
  EXPECT_EQ(body(2).value.text, "korean");
  EXPECT_EQ(body(3).kind, ast::Expr::Kind::Is);
  EXPECT_EQ(body(3).value.text, "true");
  EXPECT_EQ(body(4).kind, ast::Expr::Kind::Compare);
  EXPECT_EQ(body(4).op, ast::CompareOp::Ge);
  EXPECT_EQ(body(4).operands[1].literal.integer, 18);
  EXPECT_EQ(body(5).operands[1].literal.kind, ast::Literal::Kind::Date);
  EXPECT_EQ(body(5).operands[0].name.text, "when_");
  EXPECT_EQ(body(6).operands[1].literal.text, "illness");
  EXPECT_EQ(body(7).operands[1].kind, ast::Expr::Kind::Name);
  EXPECT_EQ(body(8).kind, ast::Expr::Kind::Literal);
  EXPECT_EQ(body(9).operands[1].literal.integer, -3);
}

TEST(Parse, KeywordPrefixIsAName) {
  auto p = parse_ok(std::string(kHeader) + "fact whenever: bool\nfact notable: bool\ndefine d = notable and whenever\n");
  EXPECT_EQ(std::get<ast::FactDecl>(p.items[0].body).name.text, "whenever");
}

TEST(Parse, Amendments) {
  auto p = parse_ok(std::string(kHeader) +
                    "drop rule old\n"
                    "replace rule r: when a then x = y\n"
                    "replace fact f: bool\n"
                    "drop define d\n");
  ASSERT_EQ(p.items.size(), 4u);
  EXPECT_EQ(p.items[0].op, ast::Item::Op::Drop);
  EXPECT_EQ(p.items[0].kind, ast::ItemKind::Rule);
  EXPECT_EQ(p.items[0].dropped.text, "old");
  EXPECT_EQ(p.items[1].op, ast::Item::Op::Replace);
  EXPECT_EQ(p.items[1].kind, ast::ItemKind::Rule);
  EXPECT_EQ(p.items[1].loc.column, 1u);
  EXPECT_EQ(p.items[3].kind, ast::ItemKind::Definition);
}

TEST(Parse, CommentsAreKept) {
  auto p = parse_ok("# lead\npolicy p \"P\" # trailing\n\n# before fact\nfact a: bool\n");
  ASSERT_EQ(p.comments.size(), 3u);
  EXPECT_FALSE(p.comments[0].trailing);
  EXPECT_TRUE(p.comments[1].trailing);
  EXPECT_EQ(p.comments[1].text, "# trailing");
  EXPECT_EQ(p.comments[2].loc.line, 4u);
}

TEST(Parse, StringsWithEscapesAndUtf8) {
  auto p = parse_ok(std::string(kHeader) + "fact a: bool \"Chŏng \\\"Jeong\\\" \\\\ Ryul\"\n");
  EXPECT_EQ(std::get<ast::FactDecl>(p.items[0].body).description, "Chŏng \"Jeong\" \\ Ryul");
}

TEST(Parse, ColumnsCountCharacters) {
  auto p = parse_ok("policy p \"Чŏ\" source x \"y\"\n");
  EXPECT_EQ(p.header.sources[0].key.loc.column, 22u);
}

TEST(ParseErrors, ExpectedConditionAfterAnd) {
  auto ds = parse_errors(std::string(kHeader) + "rule r: when a and then x = y\n");
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(ds[0].message, "expected a condition after `and`, found the keyword `then`");
  EXPECT_EQ(ds[0].loc.line, 2u);
  EXPECT_EQ(ds[0].loc.column, 20u);
}

TEST(ParseErrors, ContinuesAfterAnError) {
  auto ds = parse_errors(std::string(kHeader) +
                         "fact a bool\n"
                         "fact b: bool\n"
                         "rule r: when then x = y\n"
                         "rule s: when a then x = y\n");
  ASSERT_EQ(ds.size(), 2u);
  EXPECT_EQ(ds[0].loc.line, 2u);
  EXPECT_EQ(ds[1].loc.line, 4u);
}

TEST(ParseErrors, BadDateIsReportedAndParsingGoesOn) {
  auto ds = parse_errors(std::string(kHeader) + "define d = x < 1956-02-30\nfact y bool\n");
  ASSERT_EQ(ds.size(), 2u);
  EXPECT_EQ(ds[0].code, "parse.bad-date");
  EXPECT_EQ(ds[1].code, "parse.expected");
}

TEST(ParseErrors, EmptyFile) {
  auto ds = parse_errors("");
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(ds[0].code, "parse.empty");
}

TEST(ParseErrors, DeepNestingIsRefusedBeforeParsing) {
  std::string text = std::string(kHeader) + "define d = " + std::string(10000, '(') + "a" + std::string(10000, ')') + "\n";
  auto ds = parse_errors(text, ParseLimits{.max_line_chars = 100'000});
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(ds[0].code, "parse.nesting-too-deep");
}

TEST(ParseErrors, LongNotChainIsRefused) {
  std::string text = std::string(kHeader) + "define d = ";
  for (int i = 0; i < 100000; ++i) text += "not ";
  text += "a\n";
  auto result = parse(text, "t.decree", ParseLimits{.max_line_chars = 1'000'000});
  ASSERT_FALSE(result.diagnostics.empty());
  EXPECT_EQ(result.diagnostics[0].code, "parse.nesting-too-deep");
}

TEST(ParseErrors, LongName) {
  std::string text = std::string(kHeader) + "fact " + std::string(100000, 'a') + ": bool\n";
  auto ds = parse_errors(text, ParseLimits{.max_line_chars = 200'000});
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(ds[0].code, "parse.name-too-long");
}

TEST(ParseErrors, LongLine) {
  std::string text = std::string(kHeader) + "# " + std::string(1 << 20, 'x') + "\n";
  auto ds = parse_errors(text, ParseLimits{.max_file_bytes = 4 << 20});
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(ds[0].code, "parse.line-too-long");
  EXPECT_EQ(ds[0].loc.line, 2u);
}

TEST(ParseErrors, BinaryAndNotUtf8) {
  EXPECT_EQ(parse_errors(std::string("policy p\0", 9))[0].code, "parse.binary");
  auto ds = parse_errors(std::string(kHeader) + "fact a: bool \"\xff\"\n");
  EXPECT_EQ(ds[0].code, "parse.not-utf8");
  EXPECT_EQ(ds[0].loc.line, 2u);
  EXPECT_EQ(ds[0].loc.column, 15u);
}

TEST(ParseErrors, KeywordAsName) {
  auto ds = parse_errors(std::string(kHeader) + "fact when: bool\n");
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(ds[0].message, "expected a name after `fact`, found the keyword `when`");
  EXPECT_NE(ds[0].hint.find("reserved"), std::string::npos);
}

TEST(ParseErrors, MisspelledItemKeyword) {
  auto ds = parse_errors(std::string(kHeader) + "rul r: then x = y\n");
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(ds[0].hint, "did you mean `rule`?");
}

TEST(ParseErrors, UnterminatedStringPointsAtItsOpeningQuote) {
  auto ds = parse_errors(std::string(kHeader) + "fact a: bool \"no end \nfact b: bool\n");
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(ds[0].code, "parse.unclosed-string");
  EXPECT_EQ(ds[0].message, "this string is not closed: there is no closing `\"` before the end of the line");
  EXPECT_EQ(ds[0].loc.line, 2u);
  EXPECT_EQ(ds[0].loc.column, 14u);
  EXPECT_EQ(ds[0].loc.length, 7u);
}

TEST(ParseErrors, UnterminatedStringAtTheEndOfTheFileOrAfterABackslash) {
  auto ds = parse_errors("policy p \"P");
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(ds[0].code, "parse.unclosed-string");
  EXPECT_EQ(ds[0].loc.column, 10u);
  ds = parse_errors(std::string(kHeader) + "fact a: bool \"dir\\\r\nfact b: bool\n");
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(ds[0].code, "parse.unclosed-string");
  EXPECT_EQ(ds[0].loc.line, 2u);
  EXPECT_EQ(ds[0].loc.column, 14u);
  EXPECT_NE(ds[0].hint.find("escape"), std::string::npos);
}

TEST(ParseErrors, ClosingParenthesisThatClosesNothing) {
  auto ds = parse_errors(std::string(kHeader) + "rule r: when a and b) then x = y\n");
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(ds[0].code, "parse.unmatched-paren");
  EXPECT_EQ(ds[0].message, "this `)` closes nothing: there is no `(` open before it");
  EXPECT_EQ(ds[0].hint, "remove the `)`, or add the `(` it was meant to close");
  EXPECT_EQ(ds[0].loc.column, 21u);
  ds = parse_errors(std::string(kHeader) + "define d = (a and b)) or c\n");
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(ds[0].code, "parse.unmatched-paren");
  EXPECT_EQ(ds[0].loc.column, 21u);
}

TEST(ParseErrors, ClosingParenthesisWhereAConditionIsMissing) {
  auto ds = parse_errors(std::string(kHeader) + "rule r: when (a and ) then x = y\n");
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(ds[0].message, "expected a condition after `and`, found `)`");
}

TEST(ParseErrors, TrailingCommaAfterTheLastConclusion) {
  auto ds = parse_errors(std::string(kHeader) + "rule r: then x = y,\n\nrule s: then x = z\n");
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(ds[0].code, "parse.trailing-comma");
  EXPECT_EQ(ds[0].message,
            "a comma must be followed by another conclusion, but this one is followed by the keyword `rule`");
  EXPECT_EQ(ds[0].hint, "remove the comma after the rule's last conclusion");
  EXPECT_EQ(ds[0].loc.line, 2u);
  EXPECT_EQ(ds[0].loc.column, 19u);
}

TEST(ParseErrors, TrailingCommaAfterTheLastException) {
  auto ds = parse_errors(std::string(kHeader) + "rule r: then x = y\nrule s:\n  exception to r, q,\n  then x = z\n");
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(ds[0].code, "parse.trailing-comma");
  EXPECT_EQ(ds[0].message,
            "a comma must be followed by another rule name, but this one is followed by the keyword `then`");
  EXPECT_EQ(ds[0].hint, "remove the comma after the last rule in `exception to`");
  EXPECT_EQ(ds[0].loc.line, 4u);
  EXPECT_EQ(ds[0].loc.column, 20u);
}

TEST(ParseErrors, TrailingCommaAfterTheLastIndicatedFact) {
  auto ds = parse_errors(std::string(kHeader) + "obligation o \"O\" indicating a, b,");
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(ds[0].code, "parse.trailing-comma");
  EXPECT_EQ(ds[0].message, "a comma must be followed by another fact, but this one is followed by the end of the file");
  EXPECT_EQ(ds[0].hint, "remove the comma after the last fact in `indicating`");
  EXPECT_EQ(ds[0].loc.line, 2u);
  EXPECT_EQ(ds[0].loc.column, 33u);
}

TEST(ParseErrors, CommaFollowedByWhatCannotBeAnElement) {
  // The list has not visibly ended, so removing the comma is not suggested.
  auto ds = parse_errors(std::string(kHeader) + "obligation o indicating a, 5\n");
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(ds[0].code, "parse.trailing-comma");
  EXPECT_EQ(ds[0].message, "a comma must be followed by another fact, but this one is followed by `5`");
  EXPECT_EQ(ds[0].hint, "");
  EXPECT_EQ(ds[0].loc.column, 26u);
}

TEST(ParseErrors, CommaAtTheStartOfAList) {
  auto ds = parse_errors(std::string(kHeader) + "rule s: exception to , r then x = z\n");
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(ds[0].code, "parse.leading-comma");
  EXPECT_EQ(ds[0].message, "`exception to` must be followed by a rule name, but it is followed by a comma");
  EXPECT_EQ(ds[0].hint, "remove the comma before `r`");
  EXPECT_EQ(ds[0].loc.line, 2u);
  EXPECT_EQ(ds[0].loc.column, 22u);

  ds = parse_errors(std::string(kHeader) + "obligation o indicating , a\n");
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(ds[0].code, "parse.leading-comma");
  EXPECT_EQ(ds[0].message, "`indicating` must be followed by a fact, but it is followed by a comma");
  EXPECT_EQ(ds[0].hint, "remove the comma before `a`");
  EXPECT_EQ(ds[0].loc.line, 2u);
  EXPECT_EQ(ds[0].loc.column, 25u);

  ds = parse_errors(std::string(kHeader) + "rule r: then , x = y\n");
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(ds[0].code, "parse.leading-comma");
  EXPECT_EQ(ds[0].message, "`then` must be followed by a conclusion, but it is followed by a comma");
  EXPECT_EQ(ds[0].hint, "remove the comma before `x`");
  EXPECT_EQ(ds[0].loc.line, 2u);
  EXPECT_EQ(ds[0].loc.column, 14u);
}

TEST(ParseErrors, TwoCommasInARow) {
  auto ds = parse_errors(std::string(kHeader) + "rule s: exception to r,, q then x = z\n");
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(ds[0].code, "parse.doubled-comma");
  EXPECT_EQ(ds[0].message, "two commas in a row: a comma must be followed by another rule name");
  EXPECT_EQ(ds[0].hint, "remove one of the commas");
  EXPECT_EQ(ds[0].loc.line, 2u);
  EXPECT_EQ(ds[0].loc.column, 23u);
  EXPECT_EQ(ds[0].loc.length, 2u);

  ds = parse_errors(std::string(kHeader) + "obligation o indicating a,, b\n");
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(ds[0].code, "parse.doubled-comma");
  EXPECT_EQ(ds[0].message, "two commas in a row: a comma must be followed by another fact");
  EXPECT_EQ(ds[0].loc.column, 26u);
  EXPECT_EQ(ds[0].loc.length, 2u);

  ds = parse_errors(std::string(kHeader) + "rule r: then x = y,, owe o\n");
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(ds[0].code, "parse.doubled-comma");
  EXPECT_EQ(ds[0].message, "two commas in a row: a comma must be followed by another conclusion");
  EXPECT_EQ(ds[0].loc.column, 19u);
  EXPECT_EQ(ds[0].loc.length, 2u);
}

TEST(ParseErrors, CommaBetweenCitations) {
  auto ds = parse_errors(std::string(kHeader) + "rule r: then x = y\n  cites t s1, m s2\n");
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(ds[0].code, "parse.comma-between-citations");
  EXPECT_EQ(ds[0].message, "citations are not separated by commas: each citation starts with its own `cites`");
  EXPECT_EQ(ds[0].hint, "remove the comma and write `cites m s2` on a line of its own");
  EXPECT_EQ(ds[0].loc.line, 3u);
  EXPECT_EQ(ds[0].loc.column, 13u);
}

TEST(Parse, CommaSeparatedLists) {
  auto p = parse_ok(std::string(kHeader) + "obligation o indicating a, b\nrule s: exception to q, r then x = z, owe o\n");
  ASSERT_EQ(p.items.size(), 2u);
  const auto& o = std::get<ast::Declared>(p.items[0].body);
  ASSERT_EQ(o.indicating.size(), 2u);
  EXPECT_EQ(o.indicating[1].text, "b");
  const auto& r = std::get<ast::Rule>(p.items[1].body);
  ASSERT_EQ(r.exception_to.size(), 2u);
  EXPECT_EQ(r.exception_to[1].text, "r");
  EXPECT_EQ(r.then.size(), 2u);
}

TEST(ParseErrors, QuotedEnumerationValuesShowTheBareNames) {
  auto ds = parse_errors(std::string(kHeader) + "fact request: \"return\" | \"stay\" \"What was asked\"\n");
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(ds[0].code, "parse.quoted-values");
  EXPECT_EQ(ds[0].message, "enumeration values are bare names, not strings: write them without quotes");
  EXPECT_EQ(ds[0].hint, "write `fact request: return | stay`");
  EXPECT_EQ(ds[0].loc.column, 15u);
  EXPECT_EQ(ds[0].loc.length, 17u);
}

TEST(ParseErrors, DateWithOneDigitMonth) {
  auto ds = parse_errors("policy p \"P\" in force from 1956-2-10\n");
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(ds[0].code, "parse.date-format");
  EXPECT_EQ(ds[0].message,
            "`1956-2-10` is not written as a date: dates are written YYYY-MM-DD, with a two-digit month and day");
  EXPECT_EQ(ds[0].hint, "write `1956-02-10`");
  EXPECT_EQ(ds[0].loc.length, 9u);
  ds = parse_errors(std::string(kHeader) + "define d = on < 10-2-1956\n");
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(ds[0].hint, "write `1956-02-10`");
}

TEST(ParseErrors, MissingCommaBetweenConclusions) {
  auto ds = parse_errors(std::string(kHeader) + "rule r: then x = y owe report\n");
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_NE(ds[0].hint.find("commas"), std::string::npos);
}

}  // namespace
}  // namespace decree::dsl

namespace decree::dsl {
namespace {

TEST(Parse, DecisionWithOneValueIsLeftToTheChecker) {
  auto p = parse_ok(std::string(kHeader) + "decision d: only\ntype t: one \"One\"\n");
  EXPECT_EQ(std::get<ast::DecisionDecl>(p.items[0].body).values.size(), 1u);
  EXPECT_EQ(std::get<ast::TypeDecl>(p.items[1].body).values.size(), 1u);
}

TEST(Parse, ObligationIndicating) {
  auto p = parse_ok(std::string(kHeader) +
                    "obligation report \"A report\" indicating stated_reason, recorded_reason\nobligation other\n");
  const auto& d = std::get<ast::Declared>(p.items[0].body);
  ASSERT_EQ(d.indicating.size(), 2u);
  EXPECT_EQ(d.indicating[1].text, "recorded_reason");
  EXPECT_TRUE(std::get<ast::Declared>(p.items[1].body).indicating.empty());
}

}  // namespace
}  // namespace decree::dsl

namespace decree::dsl {
namespace {

TEST(ParseErrors, AtTheEndOfTheFileTheCaretFollowsTheLastToken) {
  auto ds = parse_errors(std::string(kHeader) + "define d = a and  # nothing follows\n\n");
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(ds[0].message, "expected a condition after `and`, found the end of the file");
  EXPECT_EQ(ds[0].loc.line, 2u);
  EXPECT_EQ(ds[0].loc.column, 17u);
}

}  // namespace
}  // namespace decree::dsl
