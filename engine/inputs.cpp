#include "engine/inputs.hpp"

#include <algorithm>
#include <filesystem>

#include <fmt/format.h>

#include "engine/case_load.hpp"

namespace decree::engine {

std::uint64_t Inputs::count() const {
  std::uint64_t n = cases.size();
  for (const auto& p : populations) n += p.size;
  return n;
}

Inputs load_inputs(const std::vector<std::string>& paths, const ast::Policy& policy, SourceSet& sources) {
  namespace fs = std::filesystem;
  Inputs in;
  std::vector<std::string> case_paths;
  std::vector<std::string> population_paths;
  for (const auto& path : paths) {
    std::error_code ec;
    if (!fs::is_directory(path, ec)) {
      (is_population_file(path) ? population_paths : case_paths).push_back(path);
      continue;
    }
    auto files = case_files({path});
    if (files.empty()) {
      case_paths.push_back(path);  // the case loader reports the empty folder
      continue;
    }
    for (const auto& f : files) (is_population_file(f) ? population_paths : case_paths).push_back(f);
  }
  if (!case_paths.empty()) {
    auto loaded = load_case_paths(case_paths, policy, sources);
    in.cases = std::move(loaded.cases);
    in.rejected = loaded.rejected;
    in.diagnostics = std::move(loaded.diagnostics);
  }
  std::vector<std::string> seen;
  for (const auto& path : population_paths) {
    const std::string normal = fs::path(path).lexically_normal().generic_string();
    if (std::find(seen.begin(), seen.end(), normal) != seen.end()) continue;
    seen.push_back(normal);
    auto loaded = load_population(path, policy, sources);
    in.diagnostics.insert(in.diagnostics.end(), loaded.diagnostics.begin(), loaded.diagnostics.end());
    if (!loaded.population) continue;
    for (const auto& other : in.populations)
      if (other.id_prefix == loaded.population->id_prefix) {
        Diagnostic d = make_error("population.duplicate-id", loaded.population->loc,
                                  fmt::format("two populations number their cases `{}-…`", other.id_prefix),
                                  "give one of them another `name:` or `id:`, so that case ids stay unique");
        d.notes.push_back({other.loc, "the other population"});
        in.diagnostics.push_back(std::move(d));
      }
    in.populations.push_back(std::move(*loaded.population));
  }
  sort_by_place(in.diagnostics);
  return in;
}

}  // namespace decree::engine
