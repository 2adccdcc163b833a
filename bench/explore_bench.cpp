// The whole space of cases: `decree explore` on a generated policy whose one decision reads 24
// boolean facts, all known (2^24 = 16,777,216 combinations: the decision table, its gaps,
// an obligation, a flag and every rule's liveness, from one enumeration), on the telegram
// policy with unknown as a value, and evaluate() alone over the same 2^24 for comparison.
// Run: build-*/bench/decree_bench --benchmark_filter=Explore (see docs/explore.md).
#include <stdexcept>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include "dsl/check.hpp"
#include "dsl/load.hpp"
#include "dsl/parse.hpp"
#include "engine/compile.hpp"
#include "engine/evaluate.hpp"
#include "engine/space.hpp"

namespace {

using namespace decree;

// A grant with refusals as a rule, exceptions to them, a referral and a security refusal that
// defeat them, in chains — and no conflict: every one of the 24 facts reaches the decision.
std::string policy24() {
  std::string text = "policy bench24 \"Generated: one decision reading 24 boolean facts\"\n\n";
  for (int i = 1; i <= 24; ++i) text += fmt::format("fact f{:02}: bool\n", i);
  text += R"(
decision outcome "Outcome": granted | refused | referred
  default refused

obligation report "A report on each grant"
flag check "A case to look at"

define eligible = f01 and f02 and f03
define asks = f04 and not f24
define friends = f05 or f06

rule grant:
  when eligible and asks and f07 and friends
  then outcome = granted, owe report

rule misconduct:
  exception to grant
  when eligible and asks and (f08 or f09)
  then outcome = refused

rule pardon:
  exception to misconduct
  when eligible and asks and f10 and f11 and f07 and friends and not f22
  then outcome = granted, owe report

rule refer:
  exception to grant, misconduct, pardon
  when eligible and asks and f12 and not f13 and (f19 or f20)
  then outcome = referred

rule urgent:
  exception to refer, misconduct
  when eligible and asks and f14 and (f15 or f16) and f07 and friends and f23
  then outcome = granted, owe report

rule security:
  exception to grant, pardon, urgent
  when eligible and asks and f17 and not f18 and f21
  then outcome = refused

rule security_refer:
  exception to security, grant, pardon, urgent, misconduct
  when eligible and asks and f17 and not f18 and f21 and f12 and not f13 and (f19 or f20)
  then outcome = referred

rule look:
  when f19 and (f20 or f21)
  then flag check
)";
  return text;
}

engine::CompiledPolicy compile_text(const std::string& text) {
  auto parsed = dsl::parse(text, "bench24.decree");
  if (!parsed.ok()) throw std::runtime_error("the generated policy does not parse");
  for (const auto& d : dsl::check(*parsed.policy))
    if (d.severity == Severity::Error) throw std::runtime_error("the generated policy does not check: " + d.message);
  auto compiled = engine::compile(*parsed.policy);
  if (!compiled.policy) throw std::runtime_error("the generated policy does not compile");
  return std::move(*compiled.policy);
}

const engine::CompiledPolicy& bench24() {
  static const engine::CompiledPolicy p = compile_text(policy24());
  return p;
}

void BM_Explore24Bools(benchmark::State& state) {
  const auto& p = bench24();
  engine::SpaceOptions options;
  options.all_known = true;
  std::uint64_t combinations = 0;
  std::size_t rows = 0;
  for (auto _ : state) {
    auto result = engine::explore_space(p, options);
    if (!result.space) throw std::runtime_error(result.error->message);
    combinations = result.space->evaluated;
    rows = result.space->decisions.front().table.rows.size();
    benchmark::DoNotOptimize(result);
  }
  state.counters["combinations"] = static_cast<double>(combinations);
  state.counters["rows"] = static_cast<double>(rows);
  state.counters["combinations/s"] =
      benchmark::Counter(static_cast<double>(combinations) * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Explore24Bools)->Unit(benchmark::kMillisecond)->Iterations(1)->Repetitions(3)->ReportAggregatesOnly(false);

// evaluate() alone over the same 2^24 combinations, in odometer order: what explore adds.
void BM_Explore24BoolsEvaluateOnly(benchmark::State& state) {
  const auto& p = bench24();
  std::vector<engine::PackedValue> facts(p.facts.size());
  const std::vector<std::string> texts;
  engine::Outcome out;
  for (auto _ : state) {
    std::uint64_t granted = 0;
    for (std::uint32_t x = 0; x < (1u << 24); ++x) {
      for (std::size_t f = 0; f < 24; ++f) {
        facts[f].kind = engine::Value::Kind::Bool;
        facts[f].number = (x >> f) & 1;
      }
      engine::evaluate(p, facts, texts, out);
      granted += out.decisions[0].value == 0;
    }
    benchmark::DoNotOptimize(granted);
  }
  state.counters["combinations/s"] = benchmark::Counter(double(1u << 24) * double(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Explore24BoolsEvaluateOnly)->Unit(benchmark::kMillisecond)->Iterations(1);

// The telegram as sent, with unknown as a value (21,210 combinations over its three decisions,
// obligations and flag).
void BM_ExploreTelegram(benchmark::State& state) {
  SourceSet sources;
  auto loaded = dsl::load_policy(std::string(DECREE_SOURCE_DIR) + "/policies/telegram-1956.decree", sources);
  if (!loaded.effective || has_errors(loaded.diagnostics)) {
    state.SkipWithError("policies/telegram-1956.decree does not check");
    return;
  }
  auto compiled = engine::compile(*loaded.effective);
  if (!compiled.policy) {
    state.SkipWithError("policies/telegram-1956.decree does not compile");
    return;
  }
  std::uint64_t combinations = 0;
  for (auto _ : state) {
    auto result = engine::explore_space(*compiled.policy);
    if (!result.space) throw std::runtime_error(result.error->message);
    combinations = result.space->evaluated;
    benchmark::DoNotOptimize(result);
  }
  state.counters["combinations"] = static_cast<double>(combinations);
}
BENCHMARK(BM_ExploreTelegram)->Unit(benchmark::kMillisecond);

}  // namespace
