// `decree show POLICY`: the effective policy after its amendments, in the canonical layout, each
// item preceded by a comment saying where it comes from (the base, or which amendment added or
// replaced it, with file:line), and the items amendments dropped listed at the end. The output is
// itself a valid policy: the chain of `extends` flattened into one file.
// `decree show --source memo p4 [POLICY]`: one section of a source text, with its provenance.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cli/commands.hpp"
#include "cli/installed/search_path.hpp"
#include "cli/common.hpp"
#include "dsl/amend.hpp"
#include "dsl/format.hpp"
#include "dsl/load.hpp"
#include "engine/render_sources.hpp"
#include "engine/source_text.hpp"

namespace decree::cli {

namespace {

struct ShowArgs {
  std::string policy;
  std::vector<std::string> source;  // --source KEY [SECTION]
  std::string sources_dir = "sources";
};

// `--source KEY [SECTION]`: the texts come from the policy's `source ... in "FILE"` lines when a
// policy is given, else from the source texts in `--sources-dir` whose `document:` is KEY.
int run_show_source(const ShowArgs& args) {
  namespace fs = std::filesystem;
  const std::string& key = args.source[0];
  SourceSet sources;
  engine::SourceLibrary library;
  std::vector<Diagnostic> problems;
  std::string looked;
  if (!args.policy.empty()) {
    auto loaded = dsl::load_policy(args.policy, sources);
    if (!loaded.effective || has_errors(loaded.diagnostics)) {
      print_diagnostics(loaded.diagnostics, sources);
      fmt::print(stderr, "{}: {}\n", args.policy, count_summary(loaded.diagnostics));
      return kExitBadInput;
    }
    auto cited = engine::check_citations(*loaded.effective, sources);
    problems = std::move(cited.diagnostics);
    library = std::move(cited.library);
    looked = fmt::format("policy {} ({})", loaded.effective->header.name.text, args.policy);
  } else {
    std::error_code ec;
    std::vector<std::string> files;
    for (fs::directory_iterator it(args.sources_dir, ec), end; !ec && it != end; it.increment(ec))
      if (it->path().extension() == ".yaml") files.push_back(it->path().string());
    std::sort(files.begin(), files.end());
    for (const auto& file : files) {
      auto read = engine::read_source_text(file, sources);
      if (!read.text) {
        problems.insert(problems.end(), read.diagnostics.begin(), read.diagnostics.end());
        continue;
      }
      if (read.text->document == key) library.texts.emplace(key, std::move(*read.text));
    }
    looked = fmt::format("the source texts in {}/", args.sources_dir);
  }
  if (has_errors(problems)) {
    print_diagnostics(problems, sources);
    return kExitBadInput;
  }
  const engine::SourceText* text = library.text(key);
  if (text == nullptr) {
    std::vector<std::string> known;
    for (const auto& [k, t] : library.texts) known.push_back("`" + k + "`");
    fmt::print(stderr, "error: no text of source `{}` in {}{}\n", key, looked,
               known.empty() ? std::string() : fmt::format("; those with a text: {}", fmt::join(known, ", ")));
    fmt::print(stderr, "hint: a policy names the text of a source with `source {} \"...\" in \"FILE\"`; "
                       "`decree show --source KEY SECTION POLICY` reads the texts it names\n", key);
    return kExitBadInput;
  }
  std::vector<const engine::SourceSection*> shown;
  if (args.source.size() > 1) {
    const engine::SourceSection* s = text->section(args.source[1]);
    if (s == nullptr) {
      fmt::print(stderr, "error: source `{}` has no section `{}`; its sections are {} ({})\n", key, args.source[1],
                 fmt::join(text->section_keys(), ", "), text->file);
      return kExitBadInput;
    }
    shown.push_back(s);
  } else {
    for (const auto& s : text->sections) shown.push_back(&s);
  }
  std::string out;
  for (std::size_t i = 0; i < shown.size(); ++i)
    out += (i > 0 ? "\n" : "") + engine::render_source_section(key, *text, *shown[i]);
  std::fwrite(out.data(), 1, out.size(), stdout);
  return kExitOk;
}

std::string place(const SourceLoc& loc) { return loc.known() ? fmt::format("{}:{}", loc.file, loc.line) : loc.file; }

// One item alone, in the canonical layout: the formatter prints a policy, so print a policy
// that holds only this item and keep what follows its header.
std::string format_item(const ast::Header& header, const ast::Item& item) {
  ast::Policy one;
  one.header.name = header.name;
  one.items.push_back(item);
  std::string text = dsl::format(one, "");
  auto blank = text.find("\n\n");
  return blank == std::string::npos ? text : text.substr(blank + 2);
}

// What each file of the chain is: its policy's name, and what its amendment changed.
struct Level {
  std::string file;
  std::string name;
  std::vector<dsl::AmendChange> changes;
  std::vector<dsl::DroppedItem> dropped;
};

int run_show(const ShowArgs& args) {
  if (!args.source.empty()) return run_show_source(args);
  if (args.policy.empty()) {
    fmt::print(stderr, "error: show needs a policy (.decree), or `--source KEY [SECTION]`\n");
    return kExitBadInput;
  }
  SourceSet sources;
  auto loaded = dsl::load_policy(args.policy, sources);
  if (!loaded.effective || has_errors(loaded.diagnostics)) {
    print_diagnostics(loaded.diagnostics, sources);
    fmt::print(stderr, "{}: {}\n", args.policy, count_summary(loaded.diagnostics));
    return kExitBadInput;
  }
  const ast::Policy& effective = *loaded.effective;

  // Each level of the chain loaded on its own, to learn its name and what it changed in its base.
  std::vector<Level> levels;
  std::optional<ast::Policy> previous;
  for (std::size_t i = 0; i < loaded.chain.size(); ++i) {
    Level level;
    level.file = loaded.chain[i];
    SourceSet scratch;
    auto here = dsl::load_policy(level.file, scratch);
    if (here.as_written) level.name = here.as_written->header.name.text;
    if (previous && here.as_written && here.as_written->header.extends) {
      auto amended = dsl::amend(*previous, *here.as_written);
      level.changes = std::move(amended.changes);
      level.dropped = std::move(amended.dropped);
    }
    previous = std::move(here.effective);
    levels.push_back(std::move(level));
  }

  // Where each item of the effective policy was last written, and how.
  std::map<std::tuple<ast::ItemKind, std::string>, std::pair<const Level*, const dsl::AmendChange*>> how;
  for (const auto& level : levels)
    for (const auto& c : level.changes) how[{c.kind, c.name}] = {&level, &c};
  auto level_of = [&](const std::string& file) -> const Level* {
    for (const auto& l : levels)
      if (l.file == file) return &l;
    return nullptr;
  };

  std::string out;
  ast::Policy header_only;
  header_only.header = effective.header;
  header_only.header.extends.reset();
  // A source's text is named relative to the file that declares it; the flattened policy is read
  // from the shown policy's folder.
  for (auto& s : header_only.header.sources)
    if (s.text) {
      namespace fs = std::filesystem;
      fs::path target = (fs::path(s.loc.file).parent_path() / *s.text).lexically_normal();
      fs::path from = fs::path(args.policy).parent_path();
      s.text = target.lexically_relative(from.empty() ? fs::path(".") : from).generic_string();
    }
  out += fmt::format("# The effective policy `{}` ({}), with every amendment applied.\n", effective.header.name.text, args.policy);
  if (levels.size() > 1) {
    std::string chain;
    for (std::size_t i = levels.size(); i-- > 0;)
      chain += fmt::format("{}{} ({})", i + 1 == levels.size() ? "" : " extends ", levels[i].name, levels[i].file);
    out += fmt::format("# {}\n", chain);
  }
  std::size_t from_base = 0, added = 0, replaced = 0;
  for (const auto& item : effective.items) {
    const Level* l = level_of(item.loc.file);
    auto it = how.find({item.kind, ast::item_name(item).text});
    const bool changed = it != how.end() && it->second.first == l;
    if (l == &levels.front() || !changed) ++from_base;
    else if (it->second.second->op == ast::Item::Op::Replace) ++replaced;
    else ++added;
  }
  std::size_t dropped = 0;
  for (const auto& l : levels) dropped += l.dropped.size();
  out += fmt::format("# {} items: {} as in the base{}, {} added, {} replaced; {} dropped\n", effective.items.size(), from_base,
                     levels.size() > 1 ? fmt::format(" ({})", levels.front().name) : std::string(), added, replaced, dropped);
  out += "\n";
  std::string head = dsl::format(header_only, "");
  while (!head.empty() && head.back() == '\n') head.pop_back();
  out += head + "\n";

  for (const auto& item : effective.items) {
    const Level* l = level_of(item.loc.file);
    const std::string who = l != nullptr ? l->name : item.loc.file;
    auto it = how.find({item.kind, ast::item_name(item).text});
    std::string mark;
    if (it != how.end() && it->second.first == l && l != &levels.front()) {
      const dsl::AmendChange& c = *it->second.second;
      if (c.op == ast::Item::Op::Replace) {
        const Level* was = level_of(c.base_loc.file);
        mark = fmt::format("# replaced by {} ({}); was in {} ({})", who, place(item.loc), was != nullptr ? was->name : "the base",
                           place(c.base_loc));
      } else {
        mark = fmt::format("# added by {} ({})", who, place(item.loc));
      }
    } else {
      mark = fmt::format("# from {}{} ({})", l == &levels.front() && levels.size() > 1 ? "the base " : "", who, place(item.loc));
    }
    out += "\n" + mark + "\n" + format_item(effective.header, item);
  }

  if (dropped > 0) {
    out += "\n# Dropped by amendments (not in the effective policy):\n";
    for (const auto& l : levels)
      for (const auto& d : l.dropped) {
        const Level* was = level_of(d.declared_at.file);
        out += fmt::format("#   {} {}: declared in {} ({}), dropped by {} ({})\n", ast::to_string(d.kind), d.name,
                           was != nullptr ? was->name : "the base", place(d.declared_at), l.name, place(d.dropped_at));
      }
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return kExitOk;
}

}  // namespace

Subcommand add_show(CLI::App& root) {
  auto args = std::make_shared<ShowArgs>();
  CLI::App* app = root.add_subcommand("show", "Print a policy as it stands after its amendments, each item marked with where it comes from");
  app->add_option("policy", args->policy, "The policy (.decree); an amendment is shown with its bases applied")
      ->transform(names(NameKind::policy));
  app->add_option("--source", args->source,
                  "Print a cited text instead: KEY [SECTION], e.g. `--source memo p4` (all sections when none is named), "
                  "with where it comes from; from the policy's sources when one is given")
      ->expected(1, 2);
  app->add_option("--sources-dir", args->sources_dir, "Where --source looks without a policy (default: sources)");
  app->footer(
      "Each item is preceded by a comment: `from` the base (or an intermediate version), `added by` or\n"
      "`replaced by` an amendment, with file:line (and, for a replacement, where the replaced item was).\n"
      "Items dropped by amendments are listed at the end. The output is a valid policy on its own.\n"
      "With --source, prints a section of a source text (sources/README.md) and its provenance.\n"
      "Exit status: 0, or 2 when the policy has errors.");
  return {app, [args] { return run_show(*args); }};
}

}  // namespace decree::cli
