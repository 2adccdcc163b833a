// Formatter tests: the canonical layout, comments kept in place, idempotence, and the round trip
// parse → format → parse over every policy in the repository.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dsl/format.hpp"
#include "dsl/parse.hpp"

namespace decree::dsl {
namespace {

namespace fs = std::filesystem;

ast::Policy parse_ok(const std::string& text, const std::string& file = "t.decree") {
  auto result = parse(text, file);
  for (const auto& d : result.diagnostics) ADD_FAILURE() << to_string(d.loc) << ": " << d.message;
  return result.policy.value_or(ast::Policy{});
}


// Formats `text`, checks that the result parses to the same policy and formats to itself.
std::string fmt_checked(const std::string& text, const std::string& file = "t.decree") {
  auto before = parse_ok(text, file);
  std::string once = format(before, text);
  auto after = parse(once, file);
  EXPECT_TRUE(after.ok()) << "formatted text does not parse:\n" << once;
  if (!after.policy) return once;
  EXPECT_EQ(ast_difference(before, *after.policy), "") << once;
  EXPECT_EQ(format(*after.policy, once), once) << "not idempotent";
  return once;
}

TEST(Format, CanonicalLayout) {
  std::string messy =
      "policy   p   \"P\"   source memo \"M\"   status draft\n"
      "fact a : bool   \"A\"   fact b: x|y\n"
      "decision d \"D\" : yes | no   applies when a   default no\n"
      "authority e \"E\"\n"
      "rule r \"R\" : exception to q , s when a and b is x then d = yes by e , owe o \"why\" , flag f cites memo p1 \"q\"\n";
  EXPECT_EQ(fmt_checked(messy),
            "policy p \"P\"\n"
            "  status draft\n"
            "  source memo \"M\"\n"
            "\n"
            "fact a: bool \"A\"\n"
            "fact b: x | y\n"
            "\n"
            "decision d \"D\": yes | no\n"
            "  default no\n"
            "  applies when a\n"
            "\n"
            "authority e \"E\"\n"
            "\n"
            "rule r \"R\":\n"
            "  exception to q, s\n"
            "  when a and b is x\n"
            "  then d = yes by e,\n"
            "       owe o \"why\",\n"
            "       flag f\n"
            "  cites memo p1 \"q\"\n");
}

TEST(Format, HeaderClausesInCanonicalOrder) {
  EXPECT_EQ(fmt_checked("policy p source a \"A\" until 1957-01-01 in force from 1956-02-02 .. 1956-02-10 status draft "
                        "extends b in \"b.decree\"\n"),
            "policy p\n"
            "  extends b in \"b.decree\"\n"
            "  status draft\n"
            "  in force from 1956-02-02 .. 1956-02-10\n"
            "  until 1957-01-01\n"
            "  source a \"A\"\n");
}

// A source's description is not optional: written empty, it is kept, or the result would not parse.
TEST(Format, AnEmptySourceDescriptionIsKept) {
  EXPECT_EQ(fmt_checked("policy p \"P\"\n  source memo \"\"\n  source tel \"\" in \"tel.txt\"\n"),
            "policy p \"P\"\n  source memo \"\"\n  source tel \"\" in \"tel.txt\"\n");
}

TEST(Format, AmendmentItems) {
  EXPECT_EQ(fmt_checked("policy p extends b in \"b.decree\"\n"
                        "drop   rule x\n"
                        "replace define c = a\n"
                        "replace fact f: bool\n"),
            "policy p\n"
            "  extends b in \"b.decree\"\n"
            "\n"
            "drop rule x\n"
            "replace define c = a\n"
            "replace fact f: bool\n");
}

TEST(Format, LongConditionsBreakBeforeAndOr) {
  std::string text =
      "policy p\n"
      "rule r:\n"
      "  when covered and request is return_to_ussr and justified_case and friends_agree and not misdemeanor and x\n"
      "  then d = v\n";
  EXPECT_EQ(fmt_checked(text),
            "policy p\n"
            "\n"
            "rule r:\n"
            "  when covered\n"
            "       and request is return_to_ussr\n"
            "       and justified_case\n"
            "       and friends_agree\n"
            "       and not misdemeanor\n"
            "       and x\n"
            "  then d = v\n");
}

TEST(Format, NestedGroupsBreakFurtherIn) {
  std::string text =
      "policy p\n"
      "rule r:\n"
      "  when aaaaaaaaaaaaaaaaaaaa and (bbbbbbbbbbbbbbbbbbbbbbbbbbbbbb or cccccccccccccccccccccccccccccc or "
      "dddddddddddddddddddddddddddddd or eeeeeeeeeeeeeeeeeeee)\n"
      "  then d = v\n";
  EXPECT_EQ(fmt_checked(text),
            "policy p\n"
            "\n"
            "rule r:\n"
            "  when aaaaaaaaaaaaaaaaaaaa\n"
            "       and (bbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\n"
            "         or cccccccccccccccccccccccccccccc\n"
            "         or dddddddddddddddddddddddddddddd\n"
            "         or eeeeeeeeeeeeeeeeeeee)\n"
            "  then d = v\n");
}

TEST(Format, LongDefinitionBodyGoesBelow) {
  std::string text = "policy p\ndefine covered \"A rather long title for a definition\" = soviet_citizen and ethnicity is korean "
                     "and left_for_permanent_work cites memo p1\n";
  EXPECT_EQ(fmt_checked(text),
            "policy p\n"
            "\n"
            "define covered \"A rather long title for a definition\" =\n"
            "  soviet_citizen and ethnicity is korean and left_for_permanent_work\n"
            "  cites memo p1\n");
  EXPECT_EQ(fmt_checked("policy p\ndefine c = a\n"), "policy p\n\ndefine c = a\n");
}

TEST(Format, LongDescriptionGoesBelow) {
  std::string desc(95, 'x');
  EXPECT_EQ(fmt_checked("policy p\nfact f: bool \"" + desc + "\"\n"), "policy p\n\nfact f: bool\n  \"" + desc + "\"\n");
}

TEST(Format, ParenthesesAsWrittenAndNoMore) {
  EXPECT_EQ(fmt_checked("policy p\ndefine c = ((a)) or (b and c) or not (d or e) or f = 1\n"),
            "policy p\n\ndefine c = (a) or (b and c) or not (d or e) or f = 1\n");
}

TEST(Format, ParenthesesAddedWhereABuiltTreeNeedsThem) {
  // A tree built by a program (nothing marked parenthesized): (a or b) and not (c and d).
  auto name = [](const char* n) {
    ast::Expr e;
    e.kind = ast::Expr::Kind::Name;
    e.name.text = n;
    return e;
  };
  ast::Expr either;
  either.kind = ast::Expr::Kind::Or;
  either.operands = {name("a"), name("b")};
  ast::Expr both;
  both.kind = ast::Expr::Kind::And;
  both.operands = {name("c"), name("d")};
  ast::Expr negated;
  negated.kind = ast::Expr::Kind::Not;
  negated.operands = {both};
  ast::Expr top;
  top.kind = ast::Expr::Kind::And;
  top.operands = {either, negated};
  ast::Policy policy;
  policy.header.name.text = "p";
  ast::Item item;
  item.kind = ast::ItemKind::Definition;
  ast::Definition def;
  def.name.text = "x";
  def.body = top;
  item.body = def;
  policy.items.push_back(item);
  EXPECT_EQ(format(policy, ""), "policy p\n\ndefine x = (a or b) and not (c and d)\n");
}

TEST(Format, LiteralsAndStrings) {
  EXPECT_EQ(fmt_checked("policy p \"say \\\"hi\\\" \\\\ bye\"\ndefine c = n >= -3 and d < 1956-02-10 and t != \"x\\\"y\" and b = true\n"),
            "policy p \"say \\\"hi\\\" \\\\ bye\"\n\ndefine c = n >= -3 and d < 1956-02-10 and t != \"x\\\"y\" and b = true\n");
}

TEST(Format, CommentsStayWithTheirLines) {
  std::string text =
      "# top\n"
      "\n"
      "policy p \"T\"   # after the title\n"
      "  # before the status\n"
      "  status draft\n"
      "\n"
      "# facts\n"
      "fact a: bool  # about a\n"
      "fact b: bool\n"
      "rule r:\n"
      "  # before when\n"
      "  when a   # short condition\n"
      "  then d = yes,  # first\n"
      "       d = no # second\n"
      "# the end\n";
  EXPECT_EQ(fmt_checked(text),
            "# top\n"
            "\n"
            "policy p \"T\"  # after the title\n"
            "  # before the status\n"
            "  status draft\n"
            "\n"
            "# facts\n"
            "fact a: bool  # about a\n"
            "fact b: bool\n"
            "\n"
            "rule r:\n"
            "  # before when\n"
            "  when a  # short condition\n"
            "  then d = yes,  # first\n"
            "       d = no  # second\n"
            "# the end\n");
}

TEST(Format, CommentInsideAConditionKeepsItBroken) {
  std::string text =
      "policy p\n"
      "rule r:\n"
      "  when a and  # why a\n"
      "    # before b\n"
      "    b\n"
      "  then d = v\n";
  EXPECT_EQ(fmt_checked(text),
            "policy p\n"
            "\n"
            "rule r:\n"
            "  when a  # why a\n"
            "       # before b\n"
            "       and b\n"
            "  then d = v\n");
}

// A comment in each place around an obligation's declaration: before it, between its keyword and
// its name, after its name, on a line between its name and its description, after the
// description, before `indicating`, among the facts it indicates, after them, and after it. Each
// stays where it was written; the text, already canonical, formats to itself.
TEST(Format, CommentsAroundAnObligationStayInPlace) {
  const std::string text =
      "policy p\n"
      "\n"
      "fact a: bool\n"
      "fact b: bool\n"
      "\n"
      "# 1 before the obligation\n"
      "obligation report  # 2 after the name\n"
      "  # 3 between the name and the description\n"
      "  \"A report to Moscow\"  # 4 after the description\n"
      "  # 5 before indicating\n"
      "  indicating a,  # 6 after the first fact\n"
      "    # 7 between the facts\n"
      "    b  # 8 after the last fact\n"
      "# 9 after the obligation\n"
      "\n"
      "obligation\n"
      "  # 10 between the keyword and the name\n"
      "  other \"Other\"\n";
  EXPECT_EQ(fmt_checked(text), text);
}

TEST(Format, ACommentBeforeADescriptionKeepsItOnItsOwnLine) {
  // Each of these would fit on one line; joined, the comment would follow the description.
  EXPECT_EQ(fmt_checked("policy p\nobligation report # after the name\n \"A report\"\n"),
            "policy p\n\nobligation report  # after the name\n  \"A report\"\n");
  EXPECT_EQ(fmt_checked("policy p\nobligation report\n# own line\n\"A report\" indicating a, b\n"),
            "policy p\n\nobligation report\n  # own line\n  \"A report\"\n  indicating a, b\n");
  EXPECT_EQ(fmt_checked("policy p\nauthority embassy # who\n \"The embassy\"\nflag review # why\n \"Review\"\n"),
            "policy p\n\nauthority embassy  # who\n  \"The embassy\"\nflag review  # why\n  \"Review\"\n");
  EXPECT_EQ(fmt_checked("policy p\nfact a: bool # the type\n \"A\"\ntype t: x | y # the values\n \"T\"\n"),
            "policy p\n\nfact a: bool  # the type\n  \"A\"\ntype t: x | y  # the values\n  \"T\"\n");
  // Without a comment in between, a description that fits stays on the line.
  EXPECT_EQ(fmt_checked("policy p\nobligation report\n  \"A report\"  # after\n"),
            "policy p\n\nobligation report \"A report\"  # after\n");
}

TEST(Format, ACommentAmongNamesKeepsOneNameALine) {
  EXPECT_EQ(fmt_checked("policy p\ndecision d: yes # the first\n | no\n  default no\n"),
            "policy p\n\ndecision d: yes  # the first\n    | no\n  default no\n");
  EXPECT_EQ(fmt_checked("policy p\ntype t: x\n  # before y\n  | y | z\n"),
            "policy p\n\ntype t: x\n    # before y\n    | y\n    | z\n");
}

TEST(Format, ACommentBetweenAnOwedObligationAndItsDetailStaysBeforeTheDetail) {
  const std::string text =
      "policy p\n"
      "\n"
      "rule r:\n"
      "  when a\n"
      "  then d = yes,\n"
      "       owe report  # the obligation\n"
      "         # its detail\n"
      "         \"the reasons\",\n"
      "       flag review  # the flag\n"
      "         \"why\"\n";
  EXPECT_EQ(fmt_checked(text), text);
  EXPECT_EQ(fmt_checked("policy p\nrule r:\n  when a\n  then owe report # the obligation\n \"the reasons\"\n"),
            "policy p\n\nrule r:\n  when a\n  then owe report  # the obligation\n         \"the reasons\"\n");
}

// A comment between any two tokens of a header clause: the clause is broken there, the rest of
// it four spaces in (a condition after `scope` lines up under the condition's place).
TEST(Format, CommentsInsideHeaderClausesStayInPlace) {
  const std::string text =
      "policy  # 1 between policy and the name\n"
      "    p  # 2 between the name and the title\n"
      "    \"P\"\n"
      "  extends  # 3 between extends and the base\n"
      "    b in  # 4 between in and the path\n"
      "    \"b.decree\"\n"
      "  status\n"
      "    # 5 on a line between status and its value\n"
      "    draft\n"
      "  in  # 6 between in and force\n"
      "    force from  # 7 between from and the date\n"
      "    1956-02-02  # 8 between the first date and ..\n"
      "    .. 1956-02-10\n"
      "  until  # 9 between until and the date\n"
      "    1957-01-01\n"
      "  scope  # 10 between scope and its condition\n"
      "        covered\n"
      "  source memo  # 11 between the key and the description\n"
      "    \"M\" in  # 12 between in and the file\n"
      "    \"m.txt\"\n";
  EXPECT_EQ(fmt_checked(text), text);
  // Written on one line each, the clauses stay whole; the comment still parts the same tokens.
  EXPECT_EQ(fmt_checked("policy p status # s\n draft in force # f\n from 1956-02-10 until 1957-01-01 # u\n"
                        " .. 1957-12-31 scope # c\n covered source m # k\n \"M\"\n"),
            "policy p\n"
            "  status  # s\n"
            "    draft\n"
            "  in force  # f\n"
            "    from 1956-02-10\n"
            "  until 1957-01-01  # u\n"
            "    .. 1957-12-31\n"
            "  scope  # c\n"
            "        covered\n"
            "  source m  # k\n"
            "    \"M\"\n");
}

// A comment inside a condition that is one test (a `when`, a definition's body, `applies when`,
// `scope`, the last operand of a chain, the operand of `not`): the test is broken where the
// comment was written, the rest of it where the condition's operators go (two spaces further in
// for an operand of a chain).
TEST(Format, CommentsInsideASingleTestStayInPlace) {
  const std::string text =
      "policy p\n"
      "  scope request  # in the scope\n"
      "        is not other\n"
      "\n"
      "fact request: return_to_ussr | other\n"
      "fact n: int\n"
      "\n"
      "decision d: yes | no\n"
      "  applies when request\n"
      "               # on a line of its own\n"
      "               is return_to_ussr\n"
      "\n"
      "define c =\n"
      "  request is  # before the value\n"
      "    return_to_ussr\n"
      "\n"
      "rule r:\n"
      "  when request  # between the fact and is\n"
      "       is return_to_ussr\n"
      "  then d = yes\n"
      "\n"
      "rule s:\n"
      "  when c\n"
      "       and n  # inside the last operand\n"
      "         >= 3\n"
      "       and not  # between not and its operand\n"
      "         c\n"
      "       and (request  # inside parentheses\n"
      "         is known)\n"
      "  then d = no\n";
  EXPECT_EQ(fmt_checked(text), text);
  // The brief's example, as a student might write it: the comment stays between `request` and `is`.
  EXPECT_EQ(fmt_checked("policy p\nrule r:\n  when request # why\n is return_to_ussr then d = yes\n"),
            "policy p\n\nrule r:\n  when request  # why\n       is return_to_ussr\n  then d = yes\n");
  // A comment inside a chain's last operand breaks the chain too (it used to end up after it).
  EXPECT_EQ(fmt_checked("policy p\nrule r:\n  when a and b # why\n is x\n  then d = yes\n"),
            "policy p\n\nrule r:\n  when a\n       and b  # why\n         is x\n  then d = yes\n");
  EXPECT_EQ(fmt_checked("policy p\nrule r:\n  when not (a and # why\n b)\n  then d = yes\n"),
            "policy p\n\nrule r:\n  when not (a  # why\n         and b)\n  then d = yes\n");
}

// A comment between the keyword that introduces a condition and the condition: the keyword alone
// on its line, the condition on the next, where its operators line up.
TEST(Format, ACommentAfterAConditionsKeywordLeavesTheKeywordAlone) {
  const std::string text =
      "policy p\n"
      "\n"
      "decision d: yes | no\n"
      "  applies  # between applies and when\n"
      "    when  # between when and the condition\n"
      "               a and b\n"
      "\n"
      "define  # between define and the name\n"
      "  c \"C\" =  # between = and the body\n"
      "  a\n"
      "\n"
      "rule r:\n"
      "  when\n"
      "       # between when and the condition\n"
      "       a\n"
      "  then d = yes\n";
  EXPECT_EQ(fmt_checked(text), text);
}

// Between `owe` (or `flag`) and the obligation's name, between `then` and the first conclusion, and
// between the tokens of `DECISION = VALUE by AUTHORITY`: the conclusion is broken there.
TEST(Format, CommentsInsideConclusionsStayInPlace) {
  const std::string text =
      "policy p\n"
      "\n"
      "rule r:\n"
      "  when a\n"
      "  then  # between then and the first conclusion\n"
      "       d =  # between = and the value\n"
      "         yes by\n"
      "         # between by and the authority\n"
      "         embassy,\n"
      "       owe  # between owe and the obligation\n"
      "         report  # between the obligation and its detail\n"
      "         \"the reasons\",\n"
      "       flag\n"
      "         # between flag and its name\n"
      "         review\n"
      "  cites memo  # between the source and the section\n"
      "    p4\n";
  EXPECT_EQ(fmt_checked(text), text);
  EXPECT_EQ(fmt_checked("policy p\nrule r:\n  when a\n  then owe # the obligation\n report \"the reasons\"\n"),
            "policy p\n\nrule r:\n  when a\n  then owe  # the obligation\n         report \"the reasons\"\n");
}

// Between the tokens of a declaration's head (`drop KIND NAME`, `replace KEYWORD NAME`, `NAME:`,
// `set of`, a decision's name, title and colon) and of `exception to` and `indicating`: the head is
// broken there; what follows the last keyword goes on a line of its own when the comment is
// before it.
TEST(Format, CommentsInsideDeclarationHeadsStayInPlace) {
  const std::string text =
      "policy p\n"
      "  extends b in \"b.decree\"\n"
      "\n"
      "drop  # between drop and the kind\n"
      "  rule\n"
      "  # between the kind and the name\n"
      "  old\n"
      "\n"
      "replace  # between replace and the keyword\n"
      "  fact\n"
      "  # between the keyword and the name\n"
      "  a: bool\n"
      "\n"
      "fact reasons:  # between the colon and set\n"
      "  set  # between set and of\n"
      "  of  # between of and the type\n"
      "  reason\n"
      "\n"
      "type reason:  # between the colon and the values\n"
      "  x | y\n"
      "\n"
      "decision  # between the keyword and the name\n"
      "  d  # between the name and the title\n"
      "  \"D\":  # between the colon and the values\n"
      "    yes | no\n"
      "\n"
      "obligation report\n"
      "  indicating  # between indicating and the facts\n"
      "    a\n"
      "\n"
      "rule r:\n"
      "  exception  # between exception and to\n"
      "    to  # between to and the rules\n"
      "    q, s\n"
      "  when a\n"
      "  then d = yes\n";
  EXPECT_EQ(fmt_checked(text), text);
  EXPECT_EQ(fmt_checked("policy p\nfact a # c\n : bool\nrule r: exception # e\n to q when a then d = yes\n"),
            "policy p\n\nfact a:  # c\n  bool\n\nrule r:\n  exception  # e\n    to q\n  when a\n  then d = yes\n");
}

TEST(Format, TwoTrailingCommentsOnOneJoinedLine) {
  // Both comments follow `a`'s line once `a` and `b` share it; the second moves above the next line.
  std::string text = "policy p\nfact a: bool # one\n  # two\n\"desc\" # three\nfact b: bool\n";
  fmt_checked(text);
}

TEST(Format, AtMostOneBlankLineBetweenItems) {
  EXPECT_EQ(fmt_checked("policy p\n\n\n\nfact a: bool\n\n\n\nfact b: bool\nfact c: bool\n\n\n"),
            "policy p\n\nfact a: bool\n\nfact b: bool\nfact c: bool\n");
}

TEST(Format, CrLfLineEndingsBecomeLf) {
  EXPECT_EQ(fmt_checked("policy p\r\n\r\nfact a: bool # c\r\n"), "policy p\n\nfact a: bool  # c\n");
}

std::vector<fs::path> repository_policies() {
  std::vector<fs::path> out;
  for (const char* dir : {"policies", "scenarios"}) {
    fs::path root = fs::path(DECREE_SOURCE_DIR) / dir;
    if (!fs::exists(root)) continue;
    for (const auto& entry : fs::recursive_directory_iterator(root))
      if (entry.is_regular_file() && entry.path().extension() == ".decree") out.push_back(entry.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(Format, RoundTripEveryRepositoryPolicy) {
  auto files = repository_policies();
  EXPECT_FALSE(files.empty());
  for (const auto& path : files) {
    SCOPED_TRACE(path.string());
    std::string text = read(path);
    auto before = parse(text, path.string());
    ASSERT_TRUE(before.ok()) << "does not parse";
    std::string once = format(*before.policy, text);
    auto after = parse(once, path.string());
    ASSERT_TRUE(after.ok()) << "formatted text does not parse:\n" << once;
    EXPECT_EQ(ast_difference(*before.policy, *after.policy), "");
    EXPECT_EQ(format(*after.policy, once), once) << "formatting is not idempotent";
  }
}

TEST(Format, CommentsAnywhereSurviveAndSettle) {
  // Every repository policy with comments sprinkled over it (a fixed seed): at the ends of lines
  // and on lines of their own. Formatting keeps them all and settles at once.
  std::mt19937 random(1956);
  for (const auto& path : repository_policies()) {
    SCOPED_TRACE(path.string());
    std::istringstream lines(read(path));
    std::string text;
    std::string line;
    int n = 0;
    while (std::getline(lines, line)) {
      if (random() % 4 == 0) text += "  # above " + std::to_string(++n) + "\n";
      text += line;
      if (random() % 3 == 0) text += "  # after " + std::to_string(++n);
      text += "\n";
      if (random() % 6 == 0) text += "\n";
    }
    auto before = parse(text, path.string());
    ASSERT_TRUE(before.ok()) << text;
    std::string once = format(*before.policy, text);
    auto after = parse(once, path.string());
    ASSERT_TRUE(after.ok()) << once;
    EXPECT_EQ(ast_difference(*before.policy, *after.policy), "") << once;
    EXPECT_EQ(format(*after.policy, once), once) << "formatting is not idempotent";
  }
}

// The code tokens of a policy text and, for each comment `# C<n>`, how many tokens precede it.
struct Tokens {
  std::vector<std::string> code;
  std::map<std::string, std::size_t> comment_at;
};
Tokens tokens_of(const std::string& text) {
  static const std::regex token(R"re("(?:\\.|[^"\\\n])*"|#[^\n]*|[A-Za-z0-9_\-]+|\.\.|[=!<>]=?|\S)re");
  Tokens out;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), token); it != std::sregex_iterator(); ++it) {
    std::string t = it->str();
    if (t[0] != '#') out.code.push_back(t);
    else if (t.rfind("# C", 0) == 0) out.comment_at[t] = out.code.size();
  }
  return out;
}

// A comment after every token of every repository policy, at the end of the line and on a line of
// its own: each stays between the same two tokens, but where the canonical layout has no place
// for it (docs/language.md, "Comments"): one written after `and`, `or`, `|` or `(`, which start a
// line, goes before them; one written before `,`, `:` or `)`, which end one, goes after them.
TEST(Format, ACommentAfterAnyTokenStaysThere) {
  const std::set<std::string> starts_a_line{"and", "or", "|", "("};
  const std::set<std::string> ends_a_line{",", ":", ")"};
  for (const auto& path : repository_policies()) {
    for (const char* layout : {"  # C%\n", "\n# C%\n"}) {
      SCOPED_TRACE(path.string() + (layout[0] == ' ' ? " (at line ends)" : " (on lines of their own)"));
      const std::string original = read(path);
      const Tokens plain = tokens_of(original);
      // The text with a comment after each token: tokens are found in order, so as not to split a string.
      std::string text;
      std::size_t from = 0;
      std::size_t n = 0;
      for (const auto& t : plain.code) {
        std::size_t at = original.find(t, from);
        ASSERT_NE(at, std::string::npos) << t;
        // Skip comments the policy already has.
        for (std::size_t hash = original.find('#', from); hash != std::string::npos && hash < at;
             hash = original.find('#', from)) {
          from = original.find('\n', hash);
          at = original.find(t, from);
        }
        text += original.substr(from, at + t.size() - from);
        std::string comment = layout;
        comment.replace(comment.find('%'), 1, std::to_string(++n));
        text += comment;
        from = at + t.size();
      }
      text += original.substr(from);
      const Tokens written = tokens_of(text);
      ASSERT_EQ(written.code, plain.code);
      const std::string once = fmt_checked(text, path.string());
      const Tokens formatted = tokens_of(once);
      ASSERT_EQ(formatted.code, plain.code);
      for (const auto& [comment, at] : written.comment_at) {
        SCOPED_TRACE(comment);
        const std::size_t now = formatted.comment_at.at(comment);
        const std::string before = at > 0 ? plain.code[at - 1] : "";
        const std::string after = at < plain.code.size() ? plain.code[at] : "";
        if (now == at) continue;
        if (ends_a_line.count(after) != 0 && now == at + 1) continue;
        // After `(`, which follows an operator: before both.
        if (starts_a_line.count(before) != 0 && now < at && now + 2 >= at) continue;
        ADD_FAILURE() << "between `" << before << "` and `" << after << "`, moved to after token " << now
                      << " (`" << (now > 0 ? plain.code[now - 1] : "") << "`)";
      }
    }
  }
}

TEST(Format, AstDifferenceIgnoresPlacesButNotContent) {
  auto a = parse_ok("policy p\nfact a: bool\nrule r:\n  when a\n  then d = v\n");
  auto b = parse_ok("policy p\n\n\nfact a: bool\nrule r: when a then d = v\n");
  EXPECT_EQ(ast_difference(a, b), "");
  auto c = parse_ok("policy p\nfact a: bool\nrule r:\n  when not a\n  then d = v\n");
  EXPECT_NE(ast_difference(a, c), "");
  auto d = parse_ok("policy p\nfact a: bool\nrule r:\n  when a\n  then d = w\n");
  EXPECT_NE(ast_difference(a, d), "");
}

}  // namespace
}  // namespace decree::dsl

namespace decree::dsl {
namespace {

// `decree fmt` end to end: exit codes, --check, and in-place rewriting that never loses a file.
class FmtCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("decree-fmt-" + std::to_string(::getpid()) + "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name, std::ios::binary) << text;
    return (dir_ / name).string();
  }

  // Runs decree with `args`; returns the exit status, with stdout in `out`.
  int run(const std::string& args, std::string* out = nullptr) {
    std::string out_file = (dir_ / "stdout.txt").string();
    std::string command = std::string(DECREE_BINARY) + " " + args + " > " + out_file + " 2> " + (dir_ / "stderr.txt").string();
    int status = std::system(command.c_str());
    if (out != nullptr) *out = read(out_file);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  fs::path dir_;
};

const char* kMessy = "policy p \"P\"\nfact a : bool\nrule r : when a then d = v\n";
const char* kTidy = "policy p \"P\"\n\nfact a: bool\n\nrule r:\n  when a\n  then d = v\n";

TEST_F(FmtCommand, PrintsToStandardOutput) {
  auto path = write("p.decree", kMessy);
  std::string out;
  EXPECT_EQ(run("fmt " + path, &out), 0);
  EXPECT_EQ(out, kTidy);
  EXPECT_EQ(read(path), kMessy);
}

TEST_F(FmtCommand, CheckListsUnformattedFiles) {
  auto messy = write("messy.decree", kMessy);
  auto tidy = write("tidy.decree", kTidy);
  std::string out;
  EXPECT_EQ(run("fmt --check " + messy + " " + tidy, &out), 1);
  EXPECT_EQ(out, messy + "\n");
  EXPECT_EQ(run("fmt --check " + tidy), 0);
  EXPECT_EQ(read(messy), kMessy);
}

TEST_F(FmtCommand, InPlaceRewritesAndLeavesNoTemporaryFile) {
  auto path = write("p.decree", kMessy);
  fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
  EXPECT_EQ(run("fmt -i " + path), 0);
  EXPECT_EQ(read(path), kTidy);
  EXPECT_EQ(fs::status(path).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
  std::size_t files = 0;
  for (const auto& entry : fs::directory_iterator(dir_))
    if (entry.path().extension() == ".decree" || entry.path().filename().string().find(".fmt-") != std::string::npos) ++files;
  EXPECT_EQ(files, 1u);
}

TEST_F(FmtCommand, NeverFormatsAFileThatDoesNotParse) {
  std::string broken = "policy p\nrule r:\n  when a and\n  then d = v\n";
  auto path = write("broken.decree", broken);
  EXPECT_EQ(run("fmt -i " + path), 2);
  EXPECT_EQ(read(path), broken);
  EXPECT_EQ(run("fmt --check " + path), 2);
  EXPECT_EQ(run("fmt " + (dir_ / "missing.decree").string()), 2);
}

TEST_F(FmtCommand, CheckAndInPlaceTogetherIsAUsageError) {
  auto path = write("p.decree", kMessy);
  EXPECT_EQ(run("fmt --check -i " + path), 2);
  EXPECT_EQ(read(path), kMessy);
}

// A `fmt -i` killed while writing leaves its hidden, locked temporary file behind; the next run
// removes such files, and only those: not one still locked by a run that is writing it, not
// another file's, not one whose name only resembles the pattern.
TEST_F(FmtCommand, InPlaceRemovesStaleTemporaryFiles) {
  auto path = write("p.decree", kTidy);
  write(".p.decree.fmt-Ab12Cd", "policy half writ");
  write(".p.decree.fmt-Zz99Yy", "policy half writ");
  write(".p.decree.fmt-short", "kept: not mkstemp's six characters");
  write(".q.decree.fmt-Ab12Cd", "kept: another file's");
  write("p.decree.fmt-Ab12Cd", "kept: not hidden, so not ours");
  auto held = write(".p.decree.fmt-Lock99", "kept: a run still writing it holds the lock");
  int fd = ::open(held.c_str(), O_RDONLY);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::flock(fd, LOCK_EX), 0);
  EXPECT_EQ(run("fmt -i " + path), 0);  // already formatted: nothing written, still cleaned
  ::close(fd);
  std::vector<std::string> left;
  for (const auto& entry : fs::directory_iterator(dir_))
    if (entry.path().filename().string().find("decree") != std::string::npos) left.push_back(entry.path().filename().string());
  std::sort(left.begin(), left.end());
  EXPECT_EQ(left, (std::vector<std::string>{".p.decree.fmt-Lock99", ".p.decree.fmt-short", ".q.decree.fmt-Ab12Cd", "p.decree",
                                            "p.decree.fmt-Ab12Cd"}));
  EXPECT_EQ(read(path), kTidy);
}

TEST_F(FmtCommand, StandardInput) {
  auto path = write("p.decree", kMessy);
  std::string out;
  EXPECT_EQ(run("fmt - < " + path, &out), 0);
  EXPECT_EQ(out, kTidy);
  EXPECT_EQ(run("fmt -i - < " + path), 2);
  EXPECT_NE(read((dir_ / "stderr.txt").string()).find("<stdin>: error: standard input cannot be rewritten in place"),
            std::string::npos);
  EXPECT_FALSE(fs::exists(dir_ / "-"));
}

TEST_F(FmtCommand, CheckCommandExitCodes) {
  auto ok = write("ok.decree", "policy p\n  source m \"M\"\nfact a: bool\ndecision d: v | w\nrule r:\n  when a\n  then d = v\n  cites m\n");
  auto warn = write("warn.decree", "policy p\nfact a: bool\ndecision d: v | w\nrule r:\n  when a\n  then d = v\n");
  auto bad = write("bad.decree", "policy p\nrule r:\n  when a\n  then d = v\n");
  std::string out;
  EXPECT_EQ(run("check " + ok, &out), 0);
  EXPECT_EQ(out, ok + ": ok\n");
  EXPECT_EQ(run("check " + warn), 0);
  EXPECT_EQ(run("check --strict " + warn), 1);  // warnings fail under --strict, errors alone exit 2
  EXPECT_EQ(run("check " + ok + " " + bad), 2);
}

}  // namespace
}  // namespace decree::dsl
