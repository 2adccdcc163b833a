// Amendment tests: adding, replacing in place and dropping items, and each mistake with both places.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "dsl/amend.hpp"
#include "dsl/check.hpp"
#include "dsl/parse.hpp"

namespace decree::dsl {
namespace {

const std::string kBase =
    "policy base \"Base\"\n"
    "  status common\n"
    "  source memo \"The memo\"\n"
    "fact citizen: bool\n"
    "fact agree: bool\n"
    "decision ret: granted | refused\n"
    "decision other: x | y\n"
    "define covered = citizen\n"
    "rule grant:\n"
    "  when covered and agree\n"
    "  then ret = granted\n"
    "  cites memo p1\n"
    "rule refuse:\n"
    "  exception to grant\n"
    "  when not agree\n"
    "  then ret = refused\n"
    "  cites memo p2\n";

ast::Policy parse_ok(const std::string& text, const std::string& file) {
  auto result = parse(text, file);
  for (const auto& d : result.diagnostics) ADD_FAILURE() << to_string(d.loc) << ": " << d.message;
  return result.policy.value_or(ast::Policy{});
}

AmendResult apply(const std::string& amendment_items, const std::string& header_extra = "") {
  auto base = parse_ok(kBase, "base.decree");
  auto amendment = parse_ok("policy cf \"What if\"\n  extends base in \"base.decree\"\n  status counterfactual\n" +
                                header_extra + amendment_items,
                            "cf.decree");
  return amend(base, amendment);
}

std::vector<std::string> names(const ast::Policy& p) {
  std::vector<std::string> out;
  for (const auto& item : p.items) out.push_back(ast::item_name(item).text);
  return out;
}

std::vector<std::string> codes(const std::vector<Diagnostic>& ds) {
  std::vector<std::string> out;
  for (const auto& d : ds) out.push_back(d.code);
  return out;
}

TEST(Amend, AddsReplacesInPlaceAndDrops) {
  auto r = apply(
      "fact ill: bool\n"
      "replace define covered = citizen and agree\n"
      "drop rule refuse\n"
      "rule grant_ill:\n  exception to grant\n  when ill\n  then ret = granted\n  cites memo p4\n");
  EXPECT_TRUE(r.diagnostics.empty()) << ::testing::PrintToString(codes(r.diagnostics));
  EXPECT_EQ(names(r.effective),
            (std::vector<std::string>{"citizen", "agree", "ret", "other", "covered", "grant", "ill", "grant_ill"}));
  // The replaced definition sits in the base's place but keeps the amendment's own place.
  EXPECT_EQ(r.effective.items[4].loc.file, "cf.decree");
  EXPECT_EQ(r.effective.items[0].loc.file, "base.decree");
  for (const auto& item : r.effective.items) EXPECT_EQ(item.op, ast::Item::Op::Add);
  ASSERT_EQ(r.dropped.size(), 1u);
  EXPECT_EQ(r.dropped[0].name, "refuse");
  EXPECT_EQ(r.dropped[0].dropped_at.file, "cf.decree");
  EXPECT_EQ(r.dropped[0].declared_at.file, "base.decree");
  ASSERT_EQ(r.changes.size(), 4u);
  EXPECT_EQ(r.changes[1].op, ast::Item::Op::Replace);
  EXPECT_EQ(r.changes[1].base_loc.line, 8u);
  // The header is the amendment's; the sources accumulate.
  EXPECT_EQ(r.effective.header.name.text, "cf");
  EXPECT_EQ(r.effective.file, "cf.decree");
  EXPECT_EQ(r.effective.header.sources.size(), 1u);
  EXPECT_TRUE(check(r.effective).empty());
}

TEST(Amend, SourcesAccumulate) {
  auto r = apply("", "  source memo \"The memo\"\n  source telegram \"The telegram\"\n");
  EXPECT_TRUE(r.diagnostics.empty());
  ASSERT_EQ(r.effective.header.sources.size(), 2u);
  EXPECT_EQ(r.effective.header.sources[1].key.text, "telegram");
  r = apply("", "  source memo \"Another memo\"\n");
  EXPECT_EQ(codes(r.diagnostics), std::vector<std::string>{"amend.source-redeclared"});
}

TEST(Amend, AddingANameTheBaseHas) {
  auto r = apply("rule grant:\n  then ret = granted\n  cites memo p1\n");
  ASSERT_EQ(codes(r.diagnostics), std::vector<std::string>{"amend.already-in-base"});
  const auto& d = r.diagnostics[0];
  EXPECT_EQ(d.message, "base policy `base` already has a rule `grant`");
  EXPECT_EQ(d.hint, "to change it, write `replace rule grant`; to add another, give it a new name");
  EXPECT_EQ(d.loc.file, "cf.decree");
  ASSERT_EQ(d.notes.size(), 1u);
  EXPECT_EQ(d.notes[0].loc.file, "base.decree");
  EXPECT_EQ(d.notes[0].loc.line, 9u);
}

TEST(Amend, ReplacingWhatIsNotThere) {
  auto r = apply("replace rule grnt:\n  then ret = granted\n  cites memo p1\n");
  ASSERT_EQ(codes(r.diagnostics), std::vector<std::string>{"amend.replace-missing"});
  EXPECT_EQ(r.diagnostics[0].message, "there is no rule `grnt` in base policy `base` to replace");
  EXPECT_EQ(r.diagnostics[0].hint, "did you mean `grant`?");
  r = apply("replace fact covered: bool\n");
  ASSERT_EQ(codes(r.diagnostics), std::vector<std::string>{"amend.replace-missing"});
  EXPECT_EQ(r.diagnostics[0].hint, "`covered` is a define in the base: write `replace define covered`");
}

TEST(Amend, ReplacedRuleMustSetTheSameDecisions) {
  auto r = apply("replace rule grant:\n  when covered\n  then other = x\n  cites memo p1\n");
  ASSERT_EQ(codes(r.diagnostics), std::vector<std::string>{"amend.replace-changes-decision"});
  const auto& d = r.diagnostics[0];
  EXPECT_EQ(d.message, "the new rule `grant` sets decision `other`, but the rule it replaces sets decision `ret`");
  EXPECT_EQ(d.loc.file, "cf.decree");
  ASSERT_EQ(d.notes.size(), 1u);
  EXPECT_EQ(d.notes[0].loc.file, "base.decree");
}

TEST(Amend, DroppingWhatIsNotThere) {
  auto r = apply("drop rule refuse\ndrop rule refuse\ndrop rule nothing\n");
  ASSERT_EQ(codes(r.diagnostics), (std::vector<std::string>{"amend.drop-missing", "amend.drop-missing"}));
  EXPECT_EQ(r.diagnostics[0].notes.size(), 1u);  // already dropped here
  EXPECT_EQ(r.diagnostics[1].message, "there is no rule `nothing` in base policy `base` to drop");
}

TEST(Amend, AnExceptionLeftPointingAtADroppedRule) {
  auto r = apply("drop rule grant\n");
  EXPECT_TRUE(r.diagnostics.empty());
  CheckOptions options;
  options.dropped = r.dropped;
  auto ds = check(r.effective, options);
  ASSERT_EQ(codes(ds), std::vector<std::string>{"check.exception-to-dropped"});
  EXPECT_EQ(ds[0].loc.file, "base.decree");
  ASSERT_EQ(ds[0].notes.size(), 1u);
  EXPECT_EQ(ds[0].notes[0].loc.file, "cf.decree");
}

TEST(Amend, AFactStillUsedAfterItsDrop) {
  auto r = apply("drop fact agree\n");
  CheckOptions options;
  options.dropped = r.dropped;
  auto ds = check(r.effective, options);
  ASSERT_EQ(codes(ds), (std::vector<std::string>{"check.uses-dropped", "check.uses-dropped"}));
  EXPECT_EQ(ds[0].message, "`agree` is used in this condition, but the amendment drops fact `agree`");
}

}  // namespace
}  // namespace decree::dsl
