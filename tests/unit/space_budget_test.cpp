// Explore's total work: a bound on the combinations of all tables together (refused up front
// with a message naming it), progress reported while it runs, and a clean stop when the
// progress callback says so (Ctrl-C), keeping the tables finished and naming the rest.
#include <algorithm>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "dsl/check.hpp"
#include "dsl/parse.hpp"
#include "engine/compile.hpp"
#include "engine/space.hpp"
#include "engine/space_render.hpp"

namespace decree::engine {
namespace {

CompiledPolicy compile_text(const std::string& text) {
  auto parsed = dsl::parse(text, "test.decree");
  EXPECT_TRUE(parsed.ok()) << (parsed.diagnostics.empty() ? "" : parsed.diagnostics[0].message);
  if (!parsed.policy) return {};
  auto diagnostics = dsl::check(*parsed.policy);
  for (const auto& d : diagnostics) EXPECT_NE(d.severity, Severity::Error) << d.message;
  auto compiled = compile(*parsed.policy);
  EXPECT_TRUE(compiled.policy.has_value());
  return compiled.policy ? std::move(*compiled.policy) : CompiledPolicy{};
}

// `decisions` decisions, each reading its own `facts` booleans (3 values each with unknown).
std::string policy_text(std::size_t decisions, std::size_t facts) {
  std::string s = "policy wide \"Wide\"\n  source m \"M\"\n";
  for (std::size_t d = 0; d < decisions; ++d) {
    for (std::size_t f = 0; f < facts; ++f) s += fmt::format("fact f{}_{}: bool \"F\"\n", d, f);
    s += fmt::format("decision d{} \"D\": yes | no\n  default no\n", d);
    s += fmt::format("rule r{}:\n  when f{}_0", d, d);
    for (std::size_t f = 1; f < facts; ++f) s += fmt::format(" and f{}_{}", d, f);
    s += fmt::format("\n  then d{} = yes\n  cites m\n", d);
  }
  return s;
}

TEST(SpaceBudget, TotalLimitRefusesUpFrontNamingIt) {
  // 20 decisions of 3^8 = 6,561 combinations each: each table is under the per-table limit,
  // all of them together (with the rules' own checks) are not under a total of 100,000.
  auto p = compile_text(policy_text(20, 8));
  SpaceOptions o;
  o.total_limit = 100'000;
  auto r = explore_space(p, o);
  ASSERT_FALSE(r.space);
  ASSERT_TRUE(r.error);
  EXPECT_NE(r.error->message.find("more than the total limit of 100,000 combinations"), std::string::npos) << r.error->message;
  EXPECT_NE(r.error->message.find("the largest 6,561"), std::string::npos) << r.error->message;
  EXPECT_NE(r.error->hint.find("--total-limit"), std::string::npos);
  o.total_limit = kDefaultTotalSpaceLimit;
  auto fine = explore_space(p, o);
  ASSERT_TRUE(fine.space);
  EXPECT_FALSE(fine.space->interrupted);
  EXPECT_EQ(fine.space->decisions.size(), 20u);
  EXPECT_EQ(fine.space->evaluated, fine.space->planned);
}

TEST(SpaceBudget, ProgressIsReportedAndCanStop) {
  // 4 decisions of 3^11 = 177,147 combinations: progress is called every 65,536.
  auto p = compile_text(policy_text(4, 11));
  std::vector<std::uint64_t> seen;
  SpaceOptions o;
  o.progress = [&](std::uint64_t done, std::uint64_t total) {
    seen.push_back(done);
    EXPECT_LE(done, total);
    return true;
  };
  auto all = explore_space(p, o);
  ASSERT_TRUE(all.space);
  EXPECT_FALSE(all.space->interrupted);
  ASSERT_FALSE(seen.empty());
  EXPECT_EQ(seen.front(), 65'536u);

  // Stopped in the second table (each is enumerated on its own: their facts are apart): the
  // first is kept whole, the others are named as not explored, and no rule is called dead.
  o.progress = [&](std::uint64_t done, std::uint64_t) { return done < 3 * 65'536; };
  auto part = explore_space(p, o);
  ASSERT_TRUE(part.space);
  const Space& s = *part.space;
  EXPECT_TRUE(s.interrupted);
  EXPECT_EQ(s.evaluated, 3u * 65'536);
  EXPECT_EQ(s.planned, 4u * 177'147);
  ASSERT_EQ(s.decisions.size(), 1u);
  EXPECT_EQ(s.decisions[0].name, "d0");
  EXPECT_EQ(s.decisions[0].table.combinations, 177'147u);
  EXPECT_TRUE(s.dead_rules.empty());
  for (const char* name : {"decision d1", "decision d3", "rule r1", "rule r3"})
    EXPECT_NE(std::find(s.not_explored.begin(), s.not_explored.end(), name), s.not_explored.end()) << name;
  const std::string text = render_space_text(s);
  EXPECT_NE(text.find("INTERRUPTED after"), std::string::npos) << text;
  EXPECT_NE(text.find("not explored: decision d"), std::string::npos) << text;
  // No rule is called dead, but the rules not explored are not known to apply either.
  EXPECT_NE(text.find("rules that can never apply: none among the rules explored"), std::string::npos) << text;
  EXPECT_EQ(text.find("rules that can never apply: none\n"), std::string::npos) << text;
  EXPECT_TRUE(space_json(s).value("interrupted", false));
}

}  // namespace
}  // namespace decree::engine
