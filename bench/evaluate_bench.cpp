// Evaluator throughput on a synthetic population of the telegram policy, in memory: decisions
// only (the fast path), with traces, and the exploration of undetermined decisions.
// Run: build-bench/bench/decree_bench --benchmark_filter=Evaluate (see README, "Speed").
#include <cstdio>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "dsl/check.hpp"
#include "dsl/load.hpp"
#include "dsl/parse.hpp"
#include "engine/compile.hpp"
#include "engine/evaluate.hpp"
#include "engine/trace.hpp"

namespace {

using namespace decree;
using namespace decree::engine;

// Used only if policies/telegram-1956.decree cannot be loaded: the same facts, definitions,
// decisions and rules (base_1956 with the telegram's amendment applied), citations shortened.
constexpr const char* kEmbeddedTelegram = R"(
policy telegram_1956 "The telegram to the Soviet ambassador in Pyongyang, as sent"
  in force from 1956-02-02 .. 1956-02-10
  source memo "CPSU CC memorandum No. 25-S-207"
  source telegram "Telegram to the Soviet ambassador"
type reason: illness | family | schooling | misdemeanors | political_criticism | other_reasons
fact soviet_citizen: bool
fact ethnicity: korean | other
fact left_for_permanent_work: bool
fact request: return_to_ussr | convert_to_dprk | dual_citizenship | none
fact friends_position: agree | do_not_object | object
fact misdemeanor: bool
fact fears_difficulties: bool
fact justified: bool
fact stated_reason: reason
fact recorded_reason: reason
fact named_request: bool
fact exceptional_misdemeanant: bool
define covered = soviet_citizen and ethnicity is korean and left_for_permanent_work cites memo p1
define friends_agree = friends_position is agree or friends_position is do_not_object cites memo p2
define reasons_differ = stated_reason is known and recorded_reason is known and stated_reason != recorded_reason cites memo p4
define justified_case = justified cites telegram s1
decision return: granted | refused | referred_to_moscow
  default refused
  applies when request is return_to_ussr
decision conversion: permitted | not_permitted
  default not_permitted
  applies when request is convert_to_dprk
decision dual: permitted | not_permitted
  default not_permitted
  applies when request is dual_citizenship
authority embassy "The Soviet Embassy in the DPRK"
authority presidium "The Presidium of the USSR Supreme Soviet"
obligation report_to_moscow "A report to Moscow"
obligation decide_named_request "Decide the named request"
flag reason_mismatch "Stated and recorded reasons differ"
rule permit_conversion "Conversion is permitted":
  when covered and request is convert_to_dprk
  then conversion = permitted by presidium
  cites memo p1
rule permit_dual "Dual citizenship is permitted":
  when covered and request is dual_citizenship
  then dual = permitted by presidium
  cites memo p1
rule review_reason_mismatch "Stated and recorded reasons differ":
  when covered and request is return_to_ussr and reasons_differ
  then flag reason_mismatch "reasons differ"
  cites memo p4
rule grant_return "The embassy grants the return":
  when covered and request is return_to_ussr and justified_case and friends_agree
  then return = granted by embassy, owe report_to_moscow "the reasons for leaving the DPRK"
  cites telegram s1
rule misdemeanants_answer_locally "Misdemeanants answer locally, as a rule":
  exception to grant_return
  when covered and request is return_to_ussr and misdemeanor
  then return = refused by embassy
  cites telegram s3
rule misdemeanant_exception "An exception to the rule":
  exception to misdemeanants_answer_locally
  when covered and request is return_to_ussr and misdemeanor
       and exceptional_misdemeanant is known and exceptional_misdemeanant
       and justified_case and friends_agree
  then return = granted by embassy, owe report_to_moscow "the reasons for leaving the DPRK"
  cites telegram s3
rule decide_named_requests "The three named requests are to be decided":
  when named_request and request is return_to_ussr
  then owe decide_named_request "decide it locally"
  cites telegram s4
)";

CompiledPolicy load_telegram() {
  SourceSet sources;
  auto loaded = dsl::load_policy(DECREE_SOURCE_DIR "/policies/telegram-1956.decree", sources);
  if (loaded.effective) {
    auto compiled = compile(*loaded.effective);
    if (compiled.policy) return std::move(*compiled.policy);
  }
  std::fprintf(stderr, "evaluate_bench: policies/telegram-1956.decree did not load; using the embedded copy\n");
  auto parsed = dsl::parse(kEmbeddedTelegram, "embedded-telegram.decree");
  if (!parsed.ok()) throw std::runtime_error("the embedded policy does not parse");
  auto diagnostics = dsl::check(*parsed.policy);
  if (has_errors(diagnostics)) throw std::runtime_error("the embedded policy does not check");
  auto compiled = compile(*parsed.policy);
  if (!compiled.policy) throw std::runtime_error("the embedded policy does not compile");
  return std::move(*compiled.policy);
}

const CompiledPolicy& telegram() {
  static const CompiledPolicy policy = load_telegram();
  return policy;
}

// A synthetic population, the same on every run (fixed seed): Soviet Koreans in DPRK service,
// most asking to return; each fact unknown with probability 0.15, otherwise drawn uniformly.
struct Population {
  std::size_t facts = 0;
  std::vector<Value> values;  // case i's facts at [i * facts, (i + 1) * facts)
  std::span<const Value> at(std::size_t i) const { return {values.data() + i * facts, facts}; }
  std::size_t size() const { return facts == 0 ? 0 : values.size() / facts; }
};

Population make_population(const CompiledPolicy& p, std::size_t n) {
  Population pop;
  pop.facts = p.facts.size();
  pop.values.reserve(n * pop.facts);
  std::mt19937_64 rng(1956);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  for (std::size_t i = 0; i < n; ++i) {
    for (const auto& f : p.facts) {
      if (unit(rng) < 0.15 || f.probes.empty()) {
        pop.values.push_back(Value::unknown());
        continue;
      }
      if (f.name == "request" && unit(rng) < 0.7) {  // most ask to return
        pop.values.push_back(f.probes[0]);
        continue;
      }
      pop.values.push_back(f.probes[std::uniform_int_distribution<std::size_t>(0, f.probes.size() - 1)(rng)]);
    }
  }
  return pop;
}

// 10,000 cases (6 MB of facts: memory traffic counts, as for a real population), or a small
// population that stays in the cache (the evaluator alone).
const Population& population(std::size_t n = 10'000) {
  static const Population big = make_population(telegram(), 10'000);
  static const Population small = make_population(telegram(), 64);
  static const Population one = make_population(telegram(), 1);
  return n <= 1 ? one : n <= small.size() ? small : big;
}

// Provenance shared by every synthetic case: some facts inferred, one contested, so that the
// trace's "rests on" is computed as for a real case.
std::vector<FactValue> synthetic_provenance(const CompiledPolicy& p) {
  std::vector<FactValue> out(p.facts.size());
  for (std::size_t f = 0; f < out.size(); ++f) {
    out[f].certainty = f % 3 == 0 ? Certainty::Inferred : (f % 5 == 0 ? Certainty::Contested : Certainty::Documented);
    out[f].source = "memo p4";
    out[f].value = Value::of_bool(true);
  }
  return out;
}

void BM_EvaluateDecisionsOnly(benchmark::State& state) {
  const auto& p = telegram();
  const auto& pop = population(static_cast<std::size_t>(state.range(0)));
  Outcome out;
  std::size_t i = 0, decided = 0;
  for (auto _ : state) {
    evaluate(p, pop.at(i), out);
    decided += out.decisions[0].status == Status::Decided;
    benchmark::DoNotOptimize(out.decisions.data());
    if (++i == pop.size()) i = 0;
  }
  benchmark::DoNotOptimize(decided);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_EvaluateDecisionsOnly)->Arg(10'000)->Arg(64)->Arg(1);

// The same population packed (16 bytes a fact instead of a Value's 48): the fast path for
// populations.
void BM_EvaluateDecisionsOnlyPacked(benchmark::State& state) {
  const auto& p = telegram();
  const auto& pop = population(static_cast<std::size_t>(state.range(0)));
  std::vector<std::string> texts;
  std::vector<PackedValue> packed;
  packed.reserve(pop.values.size());
  for (const auto& v : pop.values) packed.push_back(pack(v, texts));
  Outcome out;
  std::size_t i = 0, decided = 0;
  for (auto _ : state) {
    evaluate(p, std::span<const PackedValue>(packed.data() + i * pop.facts, pop.facts), texts, out);
    decided += out.decisions[0].status == Status::Decided;
    benchmark::DoNotOptimize(out.decisions.data());
    if (++i == pop.size()) i = 0;
  }
  benchmark::DoNotOptimize(decided);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_EvaluateDecisionsOnlyPacked)->Arg(10'000)->Arg(64);

void BM_EvaluateWithTrace(benchmark::State& state) {
  const auto& p = telegram();
  const auto& pop = population(static_cast<std::size_t>(state.range(0)));
  const auto facts = synthetic_provenance(p);
  std::vector<const FactValue*> provenance;
  for (const auto& f : facts) provenance.push_back(&f);
  Outcome out;
  Trace trace;
  std::size_t i = 0;
  for (auto _ : state) {
    evaluate(p, pop.at(i), out);
    build_trace(p, pop.at(i), provenance, out, trace);
    benchmark::DoNotOptimize(trace.rules.data());
    if (++i == pop.size()) i = 0;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_EvaluateWithTrace)->Arg(10'000)->Arg(64);

// What `decree run` adds for an undetermined decision: trying the unknown facts' values.
void BM_EvaluateExploreUndetermined(benchmark::State& state) {
  const auto& p = telegram();
  const auto& pop = population();
  Outcome out;
  std::vector<std::size_t> undetermined;
  for (std::size_t i = 0; i < pop.size() && undetermined.size() < 1000; ++i) {
    evaluate(p, pop.at(i), out);
    if (out.decisions[0].status == Status::Undetermined) undetermined.push_back(i);
  }
  std::size_t k = 0;
  for (auto _ : state) {
    auto ex = explore(p, pop.at(undetermined[k]), 0);
    benchmark::DoNotOptimize(ex.minimal.data());
    if (++k == undetermined.size()) k = 0;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_EvaluateExploreUndetermined);

}  // namespace
