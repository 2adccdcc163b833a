// Checker tests: each mistake the checker knows, with its code, place and hint; name resolution.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "dsl/check.hpp"
#include "dsl/parse.hpp"

namespace decree::dsl {
namespace {

const std::string kHeader =
    "policy p \"P\"\n"
    "  source memo \"The memo\"\n";

const std::string kFacts =
    "fact citizen: bool \"Holds citizenship\"\n"
    "fact agree: bool\n"
    "fact ethnicity: korean | other\n"
    "fact years: int\n"
    "fact on: date\n"
    "fact post: text\n"
    "decision ret: granted | refused\n"
    "  default refused\n"
    "authority embassy\n"
    "obligation report\n"
    "flag mismatch\n";

struct Checked {
  ast::Policy policy;
  std::vector<Diagnostic> diagnostics;
};

Checked check_text(const std::string& text) {
  auto parsed = parse(text, "t.decree");
  for (const auto& d : parsed.diagnostics) ADD_FAILURE() << to_string(d.loc) << ": " << d.message;
  Checked out;
  if (!parsed.policy) return out;
  out.policy = std::move(*parsed.policy);
  out.diagnostics = check(out.policy);
  return out;
}

// The diagnostics of a policy made of the common header and facts plus `items`.
std::vector<Diagnostic> problems(const std::string& items) { return check_text(kHeader + kFacts + items).diagnostics; }

std::vector<Diagnostic> errors_only(std::vector<Diagnostic> ds) {
  ds.erase(std::remove_if(ds.begin(), ds.end(), [](const Diagnostic& d) { return d.severity != Severity::Error; }),
           ds.end());
  return ds;
}

std::vector<std::string> codes(const std::vector<Diagnostic>& ds) {
  std::vector<std::string> out;
  for (const auto& d : ds) out.push_back(d.code);
  return out;
}

// The one error in `items` (warnings ignored), which must have `code`.
Diagnostic only_error(const std::string& items, const std::string& code) {
  auto ds = errors_only(problems(items));
  EXPECT_EQ(ds.size(), 1u) << ::testing::PrintToString(codes(ds));
  if (ds.empty()) return {};
  EXPECT_EQ(ds[0].code, code);
  return ds[0];
}

// A rule that uses every fact, so that unused-fact warnings stay out of the way.
const std::string kUseAll =
    "rule all:\n"
    "  when citizen and agree and ethnicity is korean and years > 1 and on < 1956-01-01 and post = \"x\"\n"
    "  then ret = granted by embassy, owe report, flag mismatch\n"
    "  cites memo p1\n";

TEST(Check, CleanPolicyHasNoDiagnostics) {
  auto ds = problems(kUseAll);
  EXPECT_TRUE(ds.empty()) << ::testing::PrintToString(codes(ds));
}

TEST(Check, UndeclaredNameSuggestsTheNearest) {
  auto d = only_error(kUseAll + "rule r:\n  when citzen\n  then ret = granted\n  cites memo p1\n", "check.undeclared-name");
  EXPECT_EQ(d.loc.line, 19u);
  EXPECT_EQ(d.loc.column, 8u);
  EXPECT_EQ(d.loc.length, 6u);
  EXPECT_EQ(d.message, "`citzen` is not declared: expected a bool fact or a definition");
  EXPECT_EQ(d.hint, "did you mean `citizen`?");
}

TEST(Check, BareEnumValueSuggestsTheTest) {
  auto d = only_error(kUseAll + "rule r:\n  when korean\n  then ret = granted\n  cites memo p1\n", "check.undeclared-name");
  EXPECT_EQ(d.hint, "`korean` is a value of fact `ethnicity`: write `ethnicity is korean`");
}

TEST(Check, ValueNotInEnumerationListsTheValues) {
  auto d = only_error(kUseAll + "rule r:\n  when ethnicity is russian\n  then ret = granted\n  cites memo p1\n",
                      "check.not-a-value");
  EXPECT_EQ(d.message, "fact `ethnicity` has no value `russian`");
  EXPECT_EQ(d.hint, "`ethnicity` is one of korean | other");
  d = only_error(kUseAll + "rule r:\n  when ethnicity is korea\n  then ret = granted\n  cites memo p1\n", "check.not-a-value");
  EXPECT_EQ(d.hint, "did you mean `korean`? `ethnicity` is one of korean | other");
}

TEST(Check, ComparisonWithBareNameResolvesToEnumValue) {
  auto c = check_text(kHeader + kFacts + kUseAll + "rule r:\n  when ethnicity = korean and other != ethnicity\n  then ret = granted\n  cites memo p1\n");
  EXPECT_TRUE(errors_only(c.diagnostics).empty()) << ::testing::PrintToString(codes(c.diagnostics));
  const auto& rule = std::get<ast::Rule>(c.policy.items.back().body);
  const auto& first = rule.when->operands[0];
  EXPECT_EQ(first.operands[0].ref, ast::Ref::Fact);
  EXPECT_EQ(first.operands[1].ref, ast::Ref::EnumValue);
  const auto& second = rule.when->operands[1];
  EXPECT_EQ(second.operands[0].ref, ast::Ref::EnumValue);
  EXPECT_EQ(second.operands[1].ref, ast::Ref::Fact);
}

TEST(Check, ComparisonWithAValueItDoesNotHave) {
  auto d = only_error(kUseAll + "rule r:\n  when ethnicity = russian\n  then ret = granted\n  cites memo p1\n",
                      "check.not-a-value");
  EXPECT_EQ(d.loc.column, 20u);
}

TEST(Check, NamesResolveToFactsAndDefinitions) {
  auto c = check_text(kHeader + kFacts + kUseAll +
                      "define covered = citizen and agree\n"
                      "rule r:\n  when covered and citizen is known and ethnicity is not other\n  then ret = granted\n  cites memo p1\n");
  EXPECT_TRUE(c.diagnostics.empty()) << ::testing::PrintToString(codes(c.diagnostics));
  const auto& def = std::get<ast::Definition>(c.policy.items[c.policy.items.size() - 2].body);
  EXPECT_EQ(def.body.operands[0].ref, ast::Ref::Fact);
  const auto& rule = std::get<ast::Rule>(c.policy.items.back().body);
  EXPECT_EQ(rule.when->operands[0].ref, ast::Ref::Definition);
  EXPECT_EQ(rule.when->operands[1].ref, ast::Ref::Fact);
  EXPECT_EQ(rule.when->operands[2].ref, ast::Ref::Fact);
}

TEST(Check, BoolComparedWithNumber) {
  auto d = only_error(kUseAll + "rule r:\n  when agree = 1\n  then ret = granted\n  cites memo p1\n", "check.type-mismatch");
  EXPECT_EQ(d.message, "cannot compare fact `agree` (true or false) with the number 1");
  EXPECT_EQ(d.loc.column, 16u);
  EXPECT_FALSE(d.hint.empty());
}

TEST(Check, EnumComparedWithQuotedValue) {
  auto d = only_error(kUseAll + "rule r:\n  when ethnicity = \"korean\"\n  then ret = granted\n  cites memo p1\n",
                      "check.type-mismatch");
  EXPECT_EQ(d.hint, "write the value without quotes: `korean`");
}

TEST(Check, OrderingNeedsNumbersOrDates) {
  for (const char* cond : {"agree < true", "ethnicity > korean", "post >= \"a\""}) {
    auto d = only_error(kUseAll + "rule r:\n  when " + cond + "\n  then ret = granted\n  cites memo p1\n", "check.not-ordered");
    EXPECT_NE(d.message.find("compares numbers or dates"), std::string::npos) << d.message;
  }
  EXPECT_TRUE(errors_only(problems(kUseAll + "rule r:\n  when years <= 3 and on > 1956-02-02\n  then ret = granted\n  cites memo p1\n")).empty());
}

TEST(Check, DateAndIntMismatch) {
  only_error(kUseAll + "rule r:\n  when on = 3\n  then ret = granted\n  cites memo p1\n", "check.type-mismatch");
}

TEST(Check, IsKnownOnADefinition) {
  auto d = only_error(kUseAll + "define covered = citizen\nrule r:\n  when covered is known\n  then ret = granted\n  cites memo p1\n",
                      "check.known-on-definition");
  EXPECT_EQ(d.message, "`is known` asks whether the case gives a fact, but `covered` is a definition, derived from facts");
}

TEST(Check, NonBoolFactAsCondition) {
  auto d = only_error(kUseAll + "rule r:\n  when ethnicity\n  then ret = granted\n  cites memo p1\n", "check.not-a-condition");
  EXPECT_EQ(d.hint, "test one of its values, e.g. `ethnicity is korean`; its values are korean | other");
  only_error(kUseAll + "rule r:\n  when years\n  then ret = granted\n  cites memo p1\n", "check.not-a-condition");
}

TEST(Check, IsOnABoolOrANumber) {
  only_error(kUseAll + "rule r:\n  when agree is yes\n  then ret = granted\n  cites memo p1\n", "check.not-a-value");
  EXPECT_TRUE(errors_only(problems(kUseAll + "rule r:\n  when agree is true\n  then ret = granted\n  cites memo p1\n")).empty());
  only_error(kUseAll + "rule r:\n  when years is three\n  then ret = granted\n  cites memo p1\n", "check.is-needs-enumeration");
}

TEST(Check, DuplicateNamesPointAtTheFirst) {
  auto d = only_error(kUseAll + "fact agree: bool\n", "check.duplicate-name");
  EXPECT_EQ(d.message, "`agree` is declared twice: there is already a fact named `agree`");
  ASSERT_EQ(d.notes.size(), 1u);
  EXPECT_EQ(d.notes[0].loc.line, 4u);
  d = only_error(kUseAll + "define agree = citizen\n", "check.duplicate-name");
  EXPECT_EQ(d.message, "`agree` is declared twice: there is already a fact named `agree`");
  d = only_error(kUseAll + "rule all:\n  then ret = refused\n  cites memo p1\n", "check.duplicate-name");
  EXPECT_EQ(d.message, "`all` is declared twice: there is already a rule named `all`");
  // Different kinds of item may share a name, except facts and definitions.
  EXPECT_TRUE(errors_only(problems(kUseAll + "flag all\n")).empty());
}

TEST(Check, DecisionWithOneValue) {
  auto d = only_error(kUseAll + "decision d: only\n", "check.too-few-values");
  EXPECT_EQ(d.message, "decision `d` has only one value; it needs two or more");
}

TEST(Check, DuplicateValues) {
  only_error(kUseAll + "decision d: a | b | a\n", "check.duplicate-value");
}

TEST(Check, SetToAValueTheDecisionDoesNotHave) {
  auto d = only_error(kUseAll + "rule r:\n  then ret = grantd\n  cites memo p1\n", "check.not-a-value");
  EXPECT_EQ(d.message, "decision `ret` has no value `grantd`");
  EXPECT_EQ(d.hint, "did you mean `granted`? its values are granted | refused");
}

TEST(Check, ConclusionsNameDeclaredThings) {
  auto d = only_error(kUseAll + "rule r:\n  then rett = granted\n  cites memo p1\n", "check.undeclared-decision");
  EXPECT_EQ(d.hint, "did you mean `ret`?");
  d = only_error(kUseAll + "rule r:\n  then report = granted\n  cites memo p1\n", "check.undeclared-decision");
  EXPECT_EQ(d.hint, "`report` is an obligation: write `owe report`");
  d = only_error(kUseAll + "rule r:\n  then ret = granted by embasy\n  cites memo p1\n", "check.undeclared-authority");
  EXPECT_EQ(d.hint, "did you mean `embassy`?");
  d = only_error(kUseAll + "rule r:\n  then owe reprt\n  cites memo p1\n", "check.undeclared-obligation");
  EXPECT_EQ(d.hint, "did you mean `report`?");
  d = only_error(kUseAll + "rule r:\n  then flag report\n  cites memo p1\n", "check.undeclared-flag");
  EXPECT_EQ(d.hint, "`report` is an obligation: write `owe report`");
}

TEST(Check, DecisionSetTwiceInOneRule) {
  only_error(kUseAll + "rule r:\n  then ret = granted, ret = refused\n  cites memo p1\n", "check.decision-set-twice");
}

TEST(Check, DefaultMustBeAValue) {
  auto d = only_error(kUseAll + "decision d: yes | no\n  default maybe\n", "check.default-not-a-value");
  EXPECT_EQ(d.message, "the default `maybe` is not one of the values of decision `d`");
  EXPECT_EQ(d.hint, "its values are yes | no");
}

TEST(Check, ExceptionToAMissingRule) {
  auto d = only_error(kUseAll + "rule r:\n  exception to al\n  then ret = refused\n  cites memo p1\n", "check.exception-to-missing");
  EXPECT_EQ(d.message, "rule `r` is an exception to `al`, but there is no rule named `al`");
  EXPECT_EQ(d.hint, "did you mean `all`?");
}

TEST(Check, ExceptionMustShareADecision) {
  auto d = only_error(kUseAll + "decision other: x | y\nrule r:\n  exception to all\n  then other = x\n  cites memo p1\n",
                      "check.exception-unrelated");
  EXPECT_EQ(d.message, "rule `r` cannot be an exception to `all`: `r` sets decision `other`, but `all` sets decision `ret`");
  d = only_error(kUseAll + "rule r:\n  exception to all\n  then owe report\n  cites memo p1\n", "check.exception-unrelated");
  EXPECT_NE(d.message.find("`r` sets no decision"), std::string::npos);
}

TEST(Check, RuleListedTwiceAfterExceptionTo) {
  only_error(kUseAll + "rule r:\n  exception to all, all\n  then ret = refused\n  cites memo p1\n", "check.exception-listed-twice");
}

TEST(Check, DefinitionCycleNamesTheWholeCircle) {
  auto d = only_error(kUseAll + "define a = b and citizen\ndefine b = c\ndefine c = a\nrule r:\n  when a\n  then ret = granted\n  cites memo p1\n",
                      "check.definition-cycle");
  EXPECT_EQ(d.message, "definitions use each other in a circle: a → b → c → a");
  EXPECT_EQ(d.loc.line, 18u);
  EXPECT_EQ(d.loc.column, 12u);
  EXPECT_EQ(d.notes.size(), 2u);
  d = only_error(kUseAll + "define a = a\n", "check.definition-cycle");
  EXPECT_EQ(d.message, "definition `a` uses itself: a → a");
}

TEST(Check, ExceptionCycle) {
  auto d = only_error(kUseAll +
                          "rule a:\n  exception to b\n  then ret = granted\n  cites memo p1\n"
                          "rule b:\n  exception to a\n  then ret = refused\n  cites memo p1\n",
                      "check.exception-cycle");
  EXPECT_EQ(d.message, "rules are exceptions to each other in a circle: a → b → a");
  d = only_error(kUseAll + "rule a:\n  exception to a\n  then ret = granted\n  cites memo p1\n", "check.exception-cycle");
  EXPECT_EQ(d.message, "rule `a` is an exception to itself: a → a");
}

TEST(Check, UnusedFactIsAWarning) {
  auto ds = problems(kUseAll + "fact spare: bool\n");
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(ds[0].severity, Severity::Warning);
  EXPECT_EQ(ds[0].code, "check.unused-fact");
}

TEST(Check, UncitedRuleIsAWarning) {
  auto ds = problems(kUseAll + "rule r:\n  then ret = refused\n");
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(ds[0].severity, Severity::Warning);
  EXPECT_EQ(ds[0].code, "check.uncited-rule");
}

TEST(Check, CitationOfAnUndeclaredSource) {
  auto d = only_error(kUseAll + "rule r:\n  then ret = refused\n  cites mem p1\n", "check.undeclared-source");
  EXPECT_EQ(d.hint, "did you mean `memo`?");
}

TEST(Check, HeaderStatusAndDates) {
  auto c = check_text("policy p \"P\"\n  status enactd\n  in force from 1956-02-10 .. 1956-02-02\n" + kFacts + kUseAll);
  auto ds = errors_only(c.diagnostics);
  // The citation of `memo` fails too: this header declares no source.
  EXPECT_EQ(codes(ds), (std::vector<std::string>{"check.unknown-status", "check.date-range-reversed", "check.undeclared-source"}));
  EXPECT_EQ(ds[0].hint, "did you mean `enacted`? a status is enacted, draft, counterfactual or common");
  c = check_text(kHeader + "  in force from 1956-02-10\n  until 1956-01-01\n" + kFacts + kUseAll);
  EXPECT_EQ(codes(errors_only(c.diagnostics)), std::vector<std::string>{"check.until-before-from"});
}

TEST(Check, BuiltinTypeDeclaredAgain) {
  auto d = only_error(kUseAll + "type bool: yes | no\n", "check.builtin-type");
  EXPECT_EQ(d.message, "`bool` is a built-in type and cannot be declared again");
}

TEST(Check, SourceDeclaredTwice) {
  auto c = check_text(kHeader + "  source memo \"Again\"\n" + kFacts + kUseAll);
  EXPECT_EQ(codes(c.diagnostics), std::vector<std::string>{"check.duplicate-source"});
}

TEST(Check, DeclaredTypesAreEnumerations) {
  auto c = check_text(kHeader + "type reason: illness | other \"Why\"\nfact stated: reason\nfact recorded: reason\n" + kFacts +
                      kUseAll + "rule r:\n  when stated is illness and stated != recorded and recorded = other\n  then ret = granted\n  cites memo p1\n");
  EXPECT_TRUE(c.diagnostics.empty()) << ::testing::PrintToString(codes(c.diagnostics));
  auto d = only_error(kUseAll + "type reason: illness | other\nfact stated: reason\nrule r:\n  when stated is ill\n  then ret = granted\n  cites memo p1\n",
                      "check.not-a-value");
  EXPECT_EQ(d.hint, "`stated` is one of illness | other");
}

TEST(Check, EnumerationsOfDifferentTypesDoNotCompare) {
  only_error(kUseAll + "fact other_kind: x | y\nrule r:\n  when ethnicity = other_kind\n  then ret = granted\n  cites memo p1\n",
             "check.type-mismatch");
}

TEST(Check, DecisionConditionsAreChecked) {
  auto d = only_error(kUseAll + "decision d: a | b\n  applies when citizn\n", "check.undeclared-name");
  EXPECT_EQ(d.hint, "did you mean `citizen`?");
}

TEST(Check, UnknownTypeOfAFact) {
  auto d = only_error(kUseAll + "fact f: boll\nrule r:\n  when f\n  then ret = granted\n  cites memo p1\n", "check.unknown-type");
  EXPECT_EQ(d.hint, "did you mean `bool`?");
}

TEST(Check, ReplaceOutsideAnAmendment) {
  only_error(kUseAll + "drop rule all\n", "check.not-an-amendment");
}

TEST(Check, EveryProblemIsReportedInOrder) {
  auto ds = errors_only(problems(kUseAll +
                                 "rule r1:\n  when citzen\n  then ret = grantd\n  cites memo p1\n"
                                 "rule r2:\n  exception to nothing\n  when ethnicity is russian\n  then owe nothing\n  cites nobody\n"));
  EXPECT_EQ(codes(ds), (std::vector<std::string>{"check.undeclared-name", "check.not-a-value", "check.exception-to-missing",
                                                 "check.not-a-value", "check.undeclared-obligation", "check.undeclared-source"}));
  for (std::size_t i = 1; i < ds.size(); ++i) EXPECT_LE(ds[i - 1].loc.line, ds[i].loc.line);
}

TEST(Check, UseOfADroppedItemMentionsTheDrop) {
  auto parsed = parse(kHeader + kFacts + "rule r:\n  exception to gone\n  when vanished\n  then ret = granted\n  cites memo p1\n",
                      "t.decree");
  ASSERT_TRUE(parsed.ok());
  CheckOptions options;
  SourceLoc drop_loc;
  drop_loc.file = "amendment.decree";
  drop_loc.line = 7;
  drop_loc.column = 1;
  options.dropped.push_back({ast::ItemKind::Rule, "gone", drop_loc, {}});
  options.dropped.push_back({ast::ItemKind::Fact, "vanished", drop_loc, {}});
  auto ds = errors_only(check(*parsed.policy, options));
  ASSERT_EQ(codes(ds), (std::vector<std::string>{"check.exception-to-dropped", "check.uses-dropped"}));
  EXPECT_EQ(ds[0].message, "rule `r` is an exception to `gone`, but the amendment drops rule `gone`");
  ASSERT_EQ(ds[0].notes.size(), 1u);
  EXPECT_EQ(ds[0].notes[0].loc.file, "amendment.decree");
  EXPECT_EQ(ds[1].message, "`vanished` is used in this condition, but the amendment drops fact `vanished`");
}

TEST(Check, Deterministic) {
  auto a = problems(kUseAll + "rule r1:\n  when citzen or korean\n  then ret = grantd\n  cites memo p1\n");
  auto b = problems(kUseAll + "rule r1:\n  when citzen or korean\n  then ret = grantd\n  cites memo p1\n");
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].message, b[i].message);
    EXPECT_EQ(a[i].loc, b[i].loc);
  }
}

// ---- rules that follow from a decision ----------------------------------------------------

TEST(Check, ARuleMayOweWhatFollowsFromADecision) {
  auto ds = problems(kUseAll + "rule follow:\n  when ret is granted and citizen\n  then owe report\n  cites memo p2\n");
  EXPECT_TRUE(errors_only(ds).empty()) << ::testing::PrintToString(codes(ds));
  auto checked = check_text(kHeader + kFacts + kUseAll + "rule follow:\n  when ret is not refused\n  then flag mismatch\n  cites memo p2\n");
  EXPECT_TRUE(errors_only(checked.diagnostics).empty()) << ::testing::PrintToString(codes(checked.diagnostics));
}

TEST(Check, ADecisionReadHasItsValuesChecked) {
  auto d = only_error(kUseAll + "rule follow:\n  when ret is grantd\n  then owe report\n  cites memo p2\n", "check.not-a-value");
  EXPECT_EQ(d.message, "decision `ret` has no value `grantd`");
  EXPECT_NE(d.hint.find("did you mean `granted`?"), std::string::npos) << d.hint;
}

TEST(Check, ARuleThatReadsADecisionMayNotSetOne) {
  auto d = only_error(kUseAll + "rule follow:\n  when ret is granted\n  then ret = refused, owe report\n  cites memo p2\n",
                      "check.reads-decision-and-sets");
  EXPECT_EQ(d.message, "rule `follow` reads a decision and sets decision `ret`: a rule that follows from a decision may "
                       "only owe and flag");
  ASSERT_EQ(d.notes.size(), 1u);
  EXPECT_EQ(d.notes[0].message, "it reads decision `ret` here");
}

TEST(Check, ARuleThatReadsADecisionTakesNoPartInExceptions) {
  auto as_exception = only_error(kUseAll + "rule follow:\n  exception to all\n  when ret is granted\n  then owe report\n  cites memo p2\n",
                                 "check.reads-decision-exception");
  EXPECT_EQ(as_exception.message, "rule `follow` reads a decision, so it cannot be an exception to another rule");
  auto defeated = only_error(kUseAll +
                                 "rule follow:\n  when ret is granted\n  then owe report\n  cites memo p2\n"
                                 "rule stop:\n  exception to follow\n  when agree\n  then flag mismatch\n  cites memo p3\n",
                             "check.reads-decision-exception");
  EXPECT_NE(defeated.message.find("no rule may be an exception to a rule that follows from a decision"), std::string::npos);
}

TEST(Check, OnlyARulesWhenMayReadADecision) {
  auto in_definition = only_error(kUseAll + "define done = ret is granted\n  cites memo p2\nrule r:\n  when done\n  then owe report\n  cites memo p2\n",
                                  "check.decision-read-here");
  EXPECT_EQ(in_definition.message, "decision `ret` is read here, but only a rule's `when` may read a decision");
  auto in_applies = problems(kUseAll + "decision other: yes | no\n  applies when ret is granted\n");
  EXPECT_EQ(codes(errors_only(in_applies)), (std::vector<std::string>{"check.decision-read-here"}));
}

TEST(Check, ADecisionAloneAsAConditionSuggestsTestingItsOutcome) {
  auto d = only_error(kUseAll + "rule r:\n  when ret\n  then owe report\n  cites memo p1\n", "check.undeclared-name");
  EXPECT_EQ(d.hint, "`ret` is a decision: a rule's `when` may test its outcome, e.g. `ret is granted`");
}

}  // namespace
}  // namespace decree::dsl
