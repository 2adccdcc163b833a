// Fuzz target: the case files read a case at a time (engine::stream_cases: YAML as libyaml
// events a list item at a time, CSV a record at a time, JSON Lines a line at a time), on any
// bytes written to a file of each kind, against the telegram policy and the golden tests' small
// policy. Beyond "no crash": when the file loaded whole has no problem at all, the stream must
// hand on the same cases (as a multiset; a household member may come after its head), each with
// the same facts, values and places (line, column and length: a record of the plain shape is
// read without the tree the whole load walks), and report nothing.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include <unistd.h>

#include "engine/case_load.hpp"
#include "engine/case_stream.hpp"
#include "fuzz_policy.hpp"

namespace {

// A case as the comparison sees it: its id and place, and each fact's value and place.
std::string described(const decree::engine::Case& c) {
  std::string out = c.id + "@" + std::to_string(c.loc.line) + ":" + std::to_string(c.loc.column);
  for (const auto& [name, fact] : c.facts) {
    out += " " + name + "=" + std::to_string(static_cast<int>(fact.value.kind)) + "," + std::to_string(fact.value.boolean) +
           "," + std::to_string(fact.value.integer) + "," + fact.value.text + "@" + std::to_string(fact.loc.line) + ":" +
           std::to_string(fact.loc.column) + "+" + std::to_string(fact.loc.length) + "<" + fact.household_of;
  }
  return out;
}

std::string scratch_file(const char* extension) {
  static const std::string dir = [] {
    std::string d = "/tmp/decree-case-stream-fuzz-" + std::to_string(::getpid());
    std::string mk = "mkdir -p " + d;
    if (std::system(mk.c_str()) != 0) std::abort();
    return d;
  }();
  return dir + "/cases" + extension;
}

void write_file(const std::string& path, std::string_view text) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) std::abort();
  std::fwrite(text.data(), 1, text.size(), f);
  std::fclose(f);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace decree;
  if (size == 0) return 0;
  // The first byte picks the kind of file; the rest is its text.
  static const char* const kExtensions[] = {".yaml", ".jsonl", ".csv"};
  const std::string path = scratch_file(kExtensions[data[0] % 3]);
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  write_file(path, text);
  for (const ast::Policy* policy : fuzz::case_policies()) {
    std::vector<std::string> streamed;
    std::size_t problems = 0;
    engine::SeenIds ids;
    engine::stream_cases(
        path, *policy, ids, [&](const engine::Case& c) { streamed.push_back(described(c)); },
        [&](const std::vector<Diagnostic>& ds, const SourceSet&) { problems += ds.size(); });
    SourceSet sources;
    const auto whole = engine::load_cases(path, *policy, sources);
    if (!whole.diagnostics.empty()) continue;
    std::vector<std::string> loaded;
    for (const auto& c : whole.cases) loaded.push_back(described(c));
    std::sort(streamed.begin(), streamed.end());
    std::sort(loaded.begin(), loaded.end());
    if (problems != 0 || streamed != loaded) {
      std::fprintf(stderr, "case_stream_fuzz: a clean file read a case at a time gave %zu problems and %zu cases; "
                   "loaded whole, %zu cases\n", problems, streamed.size(), loaded.size());
      for (std::size_t i = 0; i < std::min(streamed.size(), loaded.size()); ++i)
        if (streamed[i] != loaded[i]) {
          std::fprintf(stderr, "  streamed: %s\n  whole:    %s\n", streamed[i].c_str(), loaded[i].c_str());
          break;
        }
      std::abort();
    }
  }
  return 0;
}
