// Case loading speed: a generated in-memory file of many cases, loaded and validated against a
// policy (items/s is cases/s). BM_ReadYaml is libyaml's reading into the tree alone, and
// BM_LibyamlEvents libyaml's parsing into events and nothing else: the floor under any reading
// of YAML with libyaml, for comparison.
//   build-*/bench/decree_bench --benchmark_filter='CaseLoad|ReadYaml|LibyamlEvents'
#include <string>

#include <benchmark/benchmark.h>
#include <fmt/format.h>
#include <yaml.h>

#include "dsl/parse.hpp"
#include "engine/case_load.hpp"
#include "engine/yaml_tree.hpp"

namespace {

using namespace decree;

constexpr const char* kPolicy = R"(policy bench_cases "The facts of the telegram policy"
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
decision return: granted | refused | referred_to_moscow
)";

const ast::Policy& policy() {
  static const ast::Policy p = *dsl::parse(kPolicy, "bench.decree").policy;
  return p;
}

// A synthetic population as a person would write it: every case with an id, a title and a
// date, eight to eleven facts, some unknown, and every fourth with one fact's provenance.
std::string population(int n) {
  static const char* requests[] = {"return_to_ussr", "convert_to_dprk", "dual_citizenship", "none"};
  static const char* positions[] = {"agree", "do_not_object", "object"};
  static const char* reasons[] = {"illness", "family", "schooling", "misdemeanors", "other_reasons"};
  static const char* bools[] = {"true", "false", "unknown"};
  std::string out = "cases:\n";
  for (int i = 0; i < n; ++i) {
    out += fmt::format("  - id: person-{}\n", i);
    out += fmt::format("    title: \"Synthetic person {}\"\n", i);
    out += fmt::format("    date: 1956-{:02}-{:02}\n", 1 + i % 12, 1 + i % 28);
    out += "    facts:\n";
    out += fmt::format("      soviet_citizen: {}\n", bools[i % 2]);
    out += fmt::format("      ethnicity: {}\n", i % 7 == 0 ? "other" : "korean");
    out += "      left_for_permanent_work: true\n";
    out += fmt::format("      request: {}\n", requests[i % 4]);
    out += fmt::format("      friends_position: {}\n", positions[i % 3]);
    out += fmt::format("      justified: {}\n", bools[i % 3]);
    out += fmt::format("      stated_reason: {}\n", reasons[i % 5]);
    if (i % 4 == 0) {
      out += "      misdemeanor:\n";
      out += fmt::format("        value: {}\n", bools[(i / 4) % 2]);
      out += "        source: memo p4\n";
      out += "        certainty: documented\n";
    } else {
      out += fmt::format("      misdemeanor: {}\n", bools[i % 2]);
    }
    if (i % 3 == 0) out += fmt::format("      recorded_reason: {}\n", reasons[(i + 1) % 5]);
  }
  return out;
}

void BM_CaseLoad(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const std::string text = population(n);
  for (auto _ : state) {
    SourceSet sources;
    auto result = engine::load_cases(text, "population.yaml", policy(), sources);
    if (result.cases.size() != static_cast<std::size_t>(n)) state.SkipWithError("cases were rejected");
    benchmark::DoNotOptimize(result.cases.data());
  }
  state.SetItemsProcessed(state.iterations() * n);
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(text.size()));
  state.counters["bytes_per_case"] = static_cast<double>(text.size()) / n;
}
BENCHMARK(BM_CaseLoad)->Arg(10'000)->Unit(benchmark::kMillisecond);

void BM_ReadYaml(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const SourceFile file("population.yaml", population(n));
  for (auto _ : state) {
    auto read = engine::yaml::read_yaml(file);
    benchmark::DoNotOptimize(read.tree);
  }
  state.SetItemsProcessed(state.iterations() * n);
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(file.text().size()));
}
BENCHMARK(BM_ReadYaml)->Arg(10'000)->Unit(benchmark::kMillisecond);

void BM_LibyamlEvents(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const std::string text = population(n);
  for (auto _ : state) {
    yaml_parser_t parser;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_string(&parser, reinterpret_cast<const unsigned char*>(text.data()), text.size());
    std::size_t events = 0;
    for (bool done = false; !done; ++events) {
      yaml_event_t event;
      if (!yaml_parser_parse(&parser, &event)) {
        state.SkipWithError("libyaml refused the text");
        break;
      }
      done = event.type == YAML_STREAM_END_EVENT;
      yaml_event_delete(&event);
    }
    yaml_parser_delete(&parser);
    benchmark::DoNotOptimize(events);
  }
  state.SetItemsProcessed(state.iterations() * n);
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(text.size()));
}
BENCHMARK(BM_LibyamlEvents)->Arg(10'000)->Unit(benchmark::kMillisecond);

}  // namespace
