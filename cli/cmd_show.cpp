// `decree show POLICY`: the effective policy after its amendments, in the canonical layout, each
// item preceded by a comment saying where it comes from (the base, or which amendment added or
// replaced it, with file:line), and the items amendments dropped listed at the end. The output is
// itself a valid policy: the chain of `extends` flattened into one file.
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "cli/installed/search_path.hpp"
#include "cli/common.hpp"
#include "dsl/amend.hpp"
#include "dsl/format.hpp"
#include "dsl/load.hpp"

namespace decree::cli {

namespace {

struct ShowArgs {
  std::string policy;
};

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
  app->add_option("policy", args->policy, "The policy (.decree); an amendment is shown with its bases applied")->required()->transform(names(NameKind::policy));
  app->footer(
      "Each item is preceded by a comment: `from` the base (or an intermediate version), `added by` or\n"
      "`replaced by` an amendment, with file:line (and, for a replacement, where the replaced item was).\n"
      "Items dropped by amendments are listed at the end. The output is a valid policy on its own.\n"
      "Exit status: 0, or 2 when the policy has errors.");
  return {app, [args] { return run_show(*args); }};
}

}  // namespace decree::cli
