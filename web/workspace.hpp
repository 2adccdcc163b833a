// What `decree serve` serves: the policies, case files and populations of its folders, read once
// at start and held in memory, and policies edited in the page, loaded from their text without
// touching the disk. An edited policy's `extends` resolves only among the served policies.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "dsl/ast.hpp"
#include "dsl/diagnostic.hpp"
#include "engine/case.hpp"
#include "engine/compile.hpp"
#include "engine/population.hpp"
#include "engine/source_text.hpp"

namespace decree::web {

// Limits on what a page may ask of the server; each refusal names the limit.
struct Limits {
  std::size_t max_body_bytes = 512u << 10;       // one request
  std::size_t max_policy_bytes = 256u << 10;     // an edited policy's text
  std::uint64_t max_population = 200'000;        // cases in a population compared by diff
  std::uint64_t max_space = 1u << 20;            // combinations one explore table may need
  double max_seconds = 5.0;                      // a diff over a population stops past this
  std::size_t max_set = 200;                     // facts one request may set
};

// A policy loaded, checked and compiled (or the diagnostics that stopped it).
struct Loaded {
  std::string path;                                // as served, or the name an edited text is given
  std::shared_ptr<const ast::Policy> checked;      // the effective policy; null on errors
  std::shared_ptr<const engine::CompiledPolicy> compiled;
  std::vector<Diagnostic> diagnostics;
  std::shared_ptr<SourceSet> sources;
  bool ok() const { return compiled != nullptr; }
};

struct CaseFile {
  std::string path;
  std::string text;
};

class Workspace {
 public:
  // Reads every *.decree, case file and population under `roots` (folders or files).
  // Problems with the files themselves go to `warnings` (one line each).
  Workspace(const std::vector<std::string>& roots, Limits limits, std::vector<std::string>& warnings);

  const Limits& limits() const { return limits_; }
  const std::vector<std::string>& policy_paths() const { return policy_paths_; }
  const std::vector<CaseFile>& case_files() const { return case_files_; }
  const std::vector<CaseFile>& populations() const { return populations_; }

  // A served policy (null when `path` is not one).
  const Loaded* served(const std::string& path) const;
  // The source texts the served policies name (their quotes checked when served), by source key:
  // what a citation in the page shows on hover. An edited text reaches only these, never a file
  // of its own naming.
  const engine::SourceLibrary& library() const { return library_; }
  // The file text of a served policy (null when `path` is not one).
  const std::string* text(const std::string& path) const;

  // An edited policy: `text` named `path` (never opened). `extends` resolves, relative to
  // `path`, only to a served policy.
  Loaded load_text(const std::string& path, const std::string& text) const;

  // The cases of every case file, validated against `policy` (errors dropped with their case).
  std::vector<engine::Case> cases_for(const ast::Policy& policy, std::vector<Diagnostic>* diagnostics = nullptr) const;
  // The same for a served policy, loaded once at start (null when `path` is not served or has errors).
  const std::vector<engine::Case>* served_cases(const std::string& path) const;

 private:
  Limits limits_;
  std::vector<std::string> policy_paths_;
  std::map<std::string, std::string> texts_;
  std::map<std::string, Loaded> served_;
  std::vector<CaseFile> case_files_;
  std::vector<CaseFile> populations_;
  std::map<std::string, std::vector<engine::Case>> served_cases_;
  engine::SourceLibrary library_;
};

}  // namespace decree::web
