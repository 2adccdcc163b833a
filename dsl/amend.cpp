// Applying an amendment to its base: add, replace in place, drop; each mistake with both places.
#include "dsl/amend.hpp"

#include <algorithm>
#include <optional>
#include <string>

#include <fmt/format.h>

namespace decree::dsl {

namespace {

std::string quoted(const std::string& name) { return "`" + name + "`"; }

// How an item's kind is written after `replace` / `drop` (and before a new item).
const char* keyword(ast::ItemKind k) { return ast::to_string(k); }

// The decisions a rule sets, in the order it sets them (each once).
std::vector<std::string> decisions_set(const ast::Rule& r) {
  std::vector<std::string> out;
  for (const auto& c : r.then)
    if (c.kind == ast::Conclusion::Kind::Set && std::find(out.begin(), out.end(), c.target.text) == out.end())
      out.push_back(c.target.text);
  return out;
}

std::string decisions_in_words(const std::vector<std::string>& ds) {
  if (ds.empty()) return "no decision";
  std::string out = ds.size() == 1 ? "decision " : "decisions ";
  for (std::size_t i = 0; i < ds.size(); ++i) {
    if (i > 0) out += i + 1 == ds.size() ? " and " : ", ";
    out += quoted(ds[i]);
  }
  return out;
}

class Amender {
 public:
  Amender(const ast::Policy& base, const ast::Policy& amendment) : base_(base), amendment_(amendment) {}

  AmendResult run() {
    result_.effective.file = amendment_.file;
    result_.effective.header = amendment_.header;
    if (!result_.effective.header.scope) result_.effective.header.scope = base_.header.scope;
    merge_sources();
    items_ = base_.items;
    from_base_.assign(items_.size(), true);
    for (const auto& item : amendment_.items) apply(item);
    result_.effective.items = std::move(items_);
    for (auto& item : result_.effective.items) item.op = ast::Item::Op::Add;
    sort_by_place(result_.diagnostics);
    return std::move(result_);
  }

 private:
  const ast::Policy& base_;
  const ast::Policy& amendment_;
  AmendResult result_;
  std::vector<ast::Item> items_;
  std::vector<bool> from_base_;  // parallel to items_: the item came from the base (not added here)

  std::string base_name() const { return quoted(base_.header.name.text); }

  void merge_sources() {
    auto& sources = result_.effective.header.sources;
    sources = base_.header.sources;
    for (const auto& s : amendment_.header.sources) {
      auto it = std::find_if(sources.begin(), sources.end(), [&](const ast::SourceDecl& b) { return b.key.text == s.key.text; });
      if (it == sources.end()) {
        sources.push_back(s);
        continue;
      }
      if (it->description == s.description) continue;  // declared again, the same: harmless
      auto d = make_error("amend.source-redeclared", s.key.loc,
                          fmt::format("source {} is already declared by base policy {}, with another description",
                                      quoted(s.key.text), base_name()),
                          "sources carry over from the base; remove this line, or give this source another key");
      d.notes.push_back({it->key.loc, "declared here in the base"});
      result_.diagnostics.push_back(std::move(d));
    }
  }

  // The index of the base item of this kind and name still in the policy, if any.
  std::optional<std::size_t> find(ast::ItemKind kind, const std::string& name, bool base_only) const {
    for (std::size_t i = 0; i < items_.size(); ++i)
      if (items_[i].kind == kind && ast::item_name(items_[i]).text == name && (!base_only || from_base_[i])) return i;
    return std::nullopt;
  }

  // A hint for a name that is not in the base as the kind given.
  std::string missing_hint(ast::ItemKind kind, const std::string& name, const char* op) const {
    for (const auto& item : items_)
      if (item.kind != kind && ast::item_name(item).text == name)
        return fmt::format("{} is {} {} in the base: write `{} {} {}`", quoted(name),
                           std::string_view("aeiou").find(keyword(item.kind)[0]) != std::string_view::npos ? "an" : "a",
                           keyword(item.kind), op, keyword(item.kind), name);
    std::vector<std::string> candidates;
    for (const auto& item : items_)
      if (item.kind == kind) candidates.push_back(ast::item_name(item).text);
    std::string near = nearest_name(name, candidates);
    if (!near.empty()) return fmt::format("did you mean {}?", quoted(near));
    return {};
  }

  void apply(const ast::Item& item) {
    switch (item.op) {
      case ast::Item::Op::Add: add(item); return;
      case ast::Item::Op::Replace: replace(item); return;
      case ast::Item::Op::Drop: drop(item); return;
    }
  }

  void add(const ast::Item& item) {
    const auto& name = ast::item_name(item);
    if (auto i = find(item.kind, name.text, true)) {
      auto d = make_error("amend.already-in-base", name.loc,
                          fmt::format("base policy {} already has {} {} {}", base_name(),
                                      std::string_view("aeiou").find(keyword(item.kind)[0]) != std::string_view::npos ? "an" : "a",
                                      keyword(item.kind), quoted(name.text)),
                          fmt::format("to change it, write `replace {} {}`; to add another, give it a new name",
                                      keyword(item.kind), name.text));
      d.notes.push_back({ast::item_name(items_[*i]).loc, "declared here in the base"});
      result_.diagnostics.push_back(std::move(d));
      return;
    }
    items_.push_back(item);
    from_base_.push_back(false);
    result_.changes.push_back({ast::Item::Op::Add, item.kind, name.text, item.loc, {}});
  }

  void replace(const ast::Item& item) {
    const auto& name = ast::item_name(item);
    auto i = find(item.kind, name.text, true);
    if (!i) {
      std::string hint = missing_hint(item.kind, name.text, "replace");
      if (hint.empty()) hint = fmt::format("to add a new {}, write it without `replace`", keyword(item.kind));
      result_.diagnostics.push_back(make_error(
          "amend.replace-missing", name.loc,
          fmt::format("there is no {} {} in base policy {} to replace", keyword(item.kind), quoted(name.text), base_name()),
          hint));
      return;
    }
    const ast::Item& old = items_[*i];
    if (item.kind == ast::ItemKind::Rule) {
      auto before = decisions_set(std::get<ast::Rule>(old.body));
      auto after = decisions_set(std::get<ast::Rule>(item.body));
      std::vector<std::string> sorted_before = before, sorted_after = after;
      std::sort(sorted_before.begin(), sorted_before.end());
      std::sort(sorted_after.begin(), sorted_after.end());
      if (sorted_before != sorted_after) {
        auto d = make_error("amend.replace-changes-decision", name.loc,
                            fmt::format("the new rule {} sets {}, but the rule it replaces sets {}", quoted(name.text),
                                        decisions_in_words(after), decisions_in_words(before)),
                            "a replacement must decide the same thing; to decide something else, "
                            "drop the old rule and add a new one with its own name");
        d.notes.push_back({ast::item_name(old).loc, "the rule being replaced, in the base"});
        result_.diagnostics.push_back(std::move(d));
        return;
      }
    }
    result_.changes.push_back({ast::Item::Op::Replace, item.kind, name.text, item.loc, ast::item_name(old).loc});
    items_[*i] = item;
  }

  void drop(const ast::Item& item) {
    const auto& name = item.dropped;
    auto i = find(item.kind, name.text, false);
    if (!i) {
      auto d = make_error("amend.drop-missing", name.loc,
                          fmt::format("there is no {} {} in base policy {} to drop", keyword(item.kind),
                                      quoted(name.text), base_name()),
                          missing_hint(item.kind, name.text, "drop"));
      for (const auto& earlier : result_.dropped)
        if (earlier.kind == item.kind && earlier.name == name.text) d.notes.push_back({earlier.dropped_at, "it is already dropped here"});
      result_.diagnostics.push_back(std::move(d));
      return;
    }
    const SourceLoc declared = ast::item_name(items_[*i]).loc;
    result_.dropped.push_back({item.kind, name.text, item.loc, declared});
    result_.changes.push_back({ast::Item::Op::Drop, item.kind, name.text, item.loc, declared});
    items_.erase(items_.begin() + static_cast<std::ptrdiff_t>(*i));
    from_base_.erase(from_base_.begin() + static_cast<std::ptrdiff_t>(*i));
  }
};

}  // namespace

AmendResult amend(const ast::Policy& base, const ast::Policy& amendment) { return Amender(base, amendment).run(); }

}  // namespace decree::dsl
