#include "engine/compile.hpp"

#include <algorithm>
#include <functional>
#include <queue>
#include <set>
#include <unordered_map>

#include <fmt/format.h>

namespace decree::engine {

namespace {

// Conditions nest only where the reader wrote parentheses or `not`; the parser caps that at
// 64 levels. This bound keeps the evaluator's recursion shallow even if that cap changes.
constexpr std::size_t kMaxConditionDepth = 256;
// Deriving a definition on demand recurses once per definition in a chain; past this depth
// the compiled policy derives them all up front instead.
constexpr std::size_t kMaxLazyDefinitionChain = 32;

std::string literal_text(const ast::Literal& l) {
  switch (l.kind) {
    case ast::Literal::Kind::Bool: return l.boolean ? "true" : "false";
    case ast::Literal::Kind::Int: return std::to_string(l.integer);
    case ast::Literal::Kind::Date: return ast::to_string(l.date);
    case ast::Literal::Kind::Text: {
      std::string out = "\"";
      for (char c : l.text) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
      }
      return out + "\"";
    }
  }
  return "?";
}

int precedence(const ast::Expr& e) {
  switch (e.kind) {
    case ast::Expr::Kind::Or: return 1;
    case ast::Expr::Kind::And: return 2;
    case ast::Expr::Kind::Not: return 3;
    default: return 4;
  }
}

void write_condition(const ast::Expr& e, std::string& out, std::size_t depth) {
  if (depth > kMaxConditionDepth) {
    out += "…";
    return;
  }
  auto child = [&](const ast::Expr& c, int needed) {
    if (precedence(c) < needed) {
      out += '(';
      write_condition(c, out, depth + 1);
      out += ')';
    } else {
      write_condition(c, out, depth + 1);
    }
  };
  switch (e.kind) {
    case ast::Expr::Kind::Literal: out += literal_text(e.literal); break;
    case ast::Expr::Kind::Name: out += e.name.text; break;
    case ast::Expr::Kind::Not:
      out += "not ";
      if (!e.operands.empty()) child(e.operands[0], 3);
      break;
    case ast::Expr::Kind::And:
    case ast::Expr::Kind::Or: {
      const bool is_and = e.kind == ast::Expr::Kind::And;
      for (std::size_t i = 0; i < e.operands.size(); ++i) {
        if (i > 0) out += is_and ? " and " : " or ";
        // `a and (b and c)` keeps its parentheses only where they matter: an `or` inside `and`.
        child(e.operands[i], is_and ? 3 : 2);
      }
      break;
    }
    case ast::Expr::Kind::Compare:
      if (e.operands.size() == 2) {
        child(e.operands[0], 4);
        out += fmt::format(" {} ", ast::to_string(e.op));
        child(e.operands[1], 4);
      }
      break;
    case ast::Expr::Kind::Has: out += e.name.text + " has " + e.value.text; break;
    case ast::Expr::Kind::IsEmpty: out += e.name.text + " is empty"; break;
    case ast::Expr::Kind::IsNotEmpty: out += e.name.text + " is not empty"; break;
    case ast::Expr::Kind::IsKnown: out += e.name.text + " is known"; break;
    case ast::Expr::Kind::IsUnknown: out += e.name.text + " is unknown"; break;
    case ast::Expr::Kind::Is: out += e.name.text + " is " + e.value.text; break;
    case ast::Expr::Kind::IsNot: out += e.name.text + " is not " + e.value.text; break;
  }
}

CompiledCitation compile_citation(const ast::Citation& c) {
  CompiledCitation out;
  out.source = c.source.text;
  if (c.section) out.section = c.section->text;
  if (c.quote) out.quote = *c.quote;
  out.loc = c.loc;
  return out;
}

std::vector<CompiledCitation> compile_citations(const std::vector<ast::Citation>& cs) {
  std::vector<CompiledCitation> out;
  out.reserve(cs.size());
  for (const auto& c : cs) out.push_back(compile_citation(c));
  return out;
}

// Sorted, without duplicates.
void normalise(std::vector<Index>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

class Compiler {
 public:
  explicit Compiler(const ast::Policy& policy) : ast_(policy) {}

  CompileResult run() {
    header();
    collect();
    declare_facts();
    declare_simple();
    order_definitions();
    declare_decisions_and_rules();
    if (has_errors(diagnostics_)) return finish();
    compile_definitions();
    compile_decisions();
    compile_scope();
    compile_rules();
    link_exceptions();
    compute_dependencies();
    compute_probes();
    make_plan();
    return finish();
  }

 private:
  const ast::Policy& ast_;
  CompiledPolicy p_;
  std::vector<Diagnostic> diagnostics_;

  std::vector<const ast::FactDecl*> facts_;
  std::vector<const ast::Definition*> definitions_;  // as declared
  std::vector<const ast::DecisionDecl*> decisions_;
  std::vector<const ast::Rule*> rules_;
  std::unordered_map<std::string, Index> fact_slot_, def_slot_, decision_index_, rule_index_;
  std::unordered_map<std::string, Index> authority_, obligation_, flag_;
  std::vector<std::vector<Index>> def_closure_;  // by definition slot: fact slots read, transitively

  CompileResult finish() {
    CompileResult r;
    r.diagnostics = std::move(diagnostics_);
    if (!has_errors(r.diagnostics)) r.policy = std::move(p_);
    return r;
  }

  void error(std::string code, const SourceLoc& loc, std::string message) {
    diagnostics_.push_back(make_error("compile." + code, loc, std::move(message)));
  }

  void header() {
    p_.name = ast_.header.name.text;
    p_.title = ast_.header.title;
    p_.file = ast_.file;
    p_.status = ast_.header.status ? ast_.header.status->text : "enacted";
    p_.in_force_from = ast_.header.in_force_from;
    p_.in_force_until = ast_.header.in_force_until;
    for (const auto& s : ast_.header.sources) p_.sources.push_back({s.key.text, s.description});
  }

  void collect() {
    for (const auto& item : ast_.items) {
      if (item.op == ast::Item::Op::Drop) continue;
      switch (item.kind) {
        case ast::ItemKind::Fact: facts_.push_back(&std::get<ast::FactDecl>(item.body)); break;
        case ast::ItemKind::Definition: definitions_.push_back(&std::get<ast::Definition>(item.body)); break;
        case ast::ItemKind::Decision: decisions_.push_back(&std::get<ast::DecisionDecl>(item.body)); break;
        case ast::ItemKind::Rule: rules_.push_back(&std::get<ast::Rule>(item.body)); break;
        case ast::ItemKind::Authority:
        case ast::ItemKind::Obligation:
        case ast::ItemKind::Flag: {
          const auto& d = std::get<ast::Declared>(item.body);
          auto& list = item.kind == ast::ItemKind::Authority ? p_.authorities
                       : item.kind == ast::ItemKind::Obligation ? p_.obligations
                                                                 : p_.flags;
          auto& index = item.kind == ast::ItemKind::Authority ? authority_
                        : item.kind == ast::ItemKind::Obligation ? obligation_
                                                                  : flag_;
          index.emplace(d.name.text, static_cast<Index>(list.size()));
          list.push_back({d.name.text, d.description, d.loc});
          break;
        }
        case ast::ItemKind::Type: break;
      }
    }
  }

  void declare_facts() {
    for (const auto* f : facts_) {
      auto type = dsl::resolve_type(ast_, f->type);
      if (!type) {
        error("unknown-type", f->type.loc, fmt::format("fact `{}` has a type that names nothing", f->name.text));
        continue;
      }
      fact_slot_.emplace(f->name.text, static_cast<Index>(p_.facts.size()));
      CompiledFact cf;
      cf.name = f->name.text;
      cf.description = f->description;
      cf.type = std::move(*type);
      cf.loc = f->name.loc;
      p_.facts.push_back(std::move(cf));
    }
  }

  void declare_simple() {
    for (const auto* d : decisions_) decision_index_.emplace(d->name.text, static_cast<Index>(decision_index_.size()));
    for (const auto* r : rules_) rule_index_.emplace(r->name.text, static_cast<Index>(rule_index_.size()));
  }

  // Names of definitions an expression reads, found without recursion on the C++ stack.
  void definition_refs(const ast::Expr& root, std::vector<std::string>& out) {
    std::vector<const ast::Expr*> stack{&root};
    while (!stack.empty()) {
      const ast::Expr* e = stack.back();
      stack.pop_back();
      if (e->ref == ast::Ref::Definition) out.push_back(e->name.text);
      for (const auto& o : e->operands) stack.push_back(&o);
    }
  }

  // Each definition after every definition it reads; ties keep the order of declaration.
  void order_definitions() {
    const std::size_t n = definitions_.size();
    std::unordered_map<std::string, Index> declared;
    for (std::size_t i = 0; i < n; ++i) declared.emplace(definitions_[i]->name.text, static_cast<Index>(i));
    std::vector<std::vector<Index>> readers(n);
    std::vector<std::size_t> pending(n, 0);
    for (std::size_t i = 0; i < n; ++i) {
      std::vector<std::string> refs;
      definition_refs(definitions_[i]->body, refs);
      std::set<Index> deps;
      for (const auto& r : refs) {
        auto it = declared.find(r);
        if (it == declared.end()) {
          error("unresolved", definitions_[i]->loc, fmt::format("definition `{}` reads `{}`, which is not defined", definitions_[i]->name.text, r));
          continue;
        }
        deps.insert(it->second);
      }
      pending[i] = deps.size();
      for (Index d : deps) readers[d].push_back(static_cast<Index>(i));
    }
    std::priority_queue<Index, std::vector<Index>, std::greater<>> ready;
    for (std::size_t i = 0; i < n; ++i)
      if (pending[i] == 0) ready.push(static_cast<Index>(i));
    std::vector<const ast::Definition*> ordered;
    while (!ready.empty()) {
      Index i = ready.top();
      ready.pop();
      ordered.push_back(definitions_[i]);
      for (Index r : readers[i])
        if (--pending[r] == 0) ready.push(r);
    }
    if (ordered.size() != n) {
      for (std::size_t i = 0; i < n; ++i)
        if (pending[i] != 0)
          error("definition-cycle", definitions_[i]->loc,
                fmt::format("definition `{}` depends on itself through other definitions", definitions_[i]->name.text));
      return;
    }
    definitions_ = std::move(ordered);
    for (std::size_t i = 0; i < n; ++i) def_slot_.emplace(definitions_[i]->name.text, static_cast<Index>(i));
  }

  void declare_decisions_and_rules() {
    for (const auto* d : decisions_) {
      CompiledDecision cd;
      cd.name = d->name.text;
      cd.title = d->title;
      cd.loc = d->name.loc;
      for (const auto& v : d->values) cd.values.push_back(v.text);
      if (d->default_value) {
        auto it = std::find(cd.values.begin(), cd.values.end(), d->default_value->text);
        if (it == cd.values.end())
          error("unknown-value", d->default_value->loc, fmt::format("`{}` is not a value of decision `{}`", d->default_value->text, cd.name));
        else
          cd.default_value = static_cast<Index>(it - cd.values.begin());
      }
      cd.cites = compile_citations(d->cites);
      p_.decisions.push_back(std::move(cd));
    }
    for (const auto* r : rules_) {
      CompiledRule cr;
      cr.name = r->name.text;
      cr.title = r->title;
      cr.loc = r->name.loc;
      cr.cites = compile_citations(r->cites);
      for (const auto& e : r->exception_to) {
        auto it = rule_index_.find(e.text);
        if (it == rule_index_.end())
          error("unresolved", e.loc, fmt::format("rule `{}` is an exception to `{}`, which is not a rule", cr.name, e.text));
        else
          cr.exception_to.push_back(it->second);
      }
      p_.rules.push_back(std::move(cr));
    }
  }

  // ---- conditions -------------------------------------------------------------------------

  Index add_constant(Value v) {
    p_.constants.push_back(std::move(v));
    return static_cast<Index>(p_.constants.size() - 1);
  }

  Index push(Node n) {
    p_.nodes.push_back(n);
    return static_cast<Index>(p_.nodes.size() - 1);
  }

  Value literal_value(const ast::Literal& l) {
    switch (l.kind) {
      case ast::Literal::Kind::Bool: return Value::of_bool(l.boolean);
      case ast::Literal::Kind::Int: return Value::of_int(l.integer);
      case ast::Literal::Kind::Date: return Value::of_date(ast::days_since_epoch(l.date));
      case ast::Literal::Kind::Text: return Value::of_text(l.text);
    }
    return Value::unknown();
  }

  const CompiledFact* fact_of(const ast::Expr& e) {
    if (e.kind != ast::Expr::Kind::Name || e.ref != ast::Ref::Fact) return nullptr;
    auto it = fact_slot_.find(e.name.text);
    return it == fact_slot_.end() ? nullptr : &p_.facts[it->second];
  }

  // A comparison operand; `other` is the opposite side, which gives an enumeration value its type.
  std::optional<std::uint32_t> operand(const ast::Expr& e, const ast::Expr& other) {
    if (e.kind == ast::Expr::Kind::Literal) return Operand::make(Operand::Constant, add_constant(literal_value(e.literal)));
    if (e.kind == ast::Expr::Kind::Name) {
      switch (e.ref) {
        case ast::Ref::Fact: {
          auto it = fact_slot_.find(e.name.text);
          if (it != fact_slot_.end()) return Operand::make(Operand::Fact, it->second);
          break;
        }
        case ast::Ref::Definition: {
          auto it = def_slot_.find(e.name.text);
          if (it != def_slot_.end()) return Operand::make(Operand::Definition, it->second);
          break;
        }
        case ast::Ref::EnumValue: {
          const CompiledFact* f = fact_of(other);
          if (f != nullptr && f->type.kind == dsl::FactType::Kind::Enum) {
            auto it = std::find(f->type.values.begin(), f->type.values.end(), e.name.text);
            if (it != f->type.values.end())
              return Operand::make(Operand::Constant,
                                   add_constant(Value::of_enum(static_cast<std::uint32_t>(it - f->type.values.begin()), e.name.text)));
          }
          error("unknown-value", e.loc, fmt::format("`{}` is not a value of the fact it is compared with", e.name.text));
          return std::nullopt;
        }
        case ast::Ref::Decision:  // the checker allows a decision only in `is` and `is not`
        case ast::Ref::Unresolved: break;
      }
    }
    error("unsupported", e.loc, "a comparison compares facts and literals; this operand is neither");
    return std::nullopt;
  }

  // Operands of a chain of the same connective (`a and b and c`, however the parser nested it),
  // gathered without recursion.
  static void flatten(const ast::Expr& e, std::vector<const ast::Expr*>& out) {
    std::vector<const ast::Expr*> stack{&e};
    while (!stack.empty()) {
      const ast::Expr* x = stack.back();
      stack.pop_back();
      if (x->kind == e.kind) {
        for (auto it = x->operands.rbegin(); it != x->operands.rend(); ++it) stack.push_back(&*it);
      } else {
        out.push_back(x);
      }
    }
  }

  Index compile_expr(const ast::Expr& e, std::size_t depth = 0) {
    if (depth > kMaxConditionDepth) {
      error("too-deep", e.loc, fmt::format("this condition nests more than {} levels deep", kMaxConditionDepth));
      return push(Node{});
    }
    Node n;
    const Index at = push(n);
    switch (e.kind) {
      case ast::Expr::Kind::Literal:
        n.kind = NodeKind::Const;
        if (e.literal.kind != ast::Literal::Kind::Bool)
          error("not-a-condition", e.loc, "a literal used as a condition must be `true` or `false`");
        n.constant = tri(e.literal.boolean);
        break;
      case ast::Expr::Kind::Name:
        if (e.ref == ast::Ref::Definition && def_slot_.count(e.name.text)) {
          n.kind = NodeKind::Definition;
          n.a = def_slot_.at(e.name.text);
        } else if (const CompiledFact* f = fact_of(e); f != nullptr && f->type.kind == dsl::FactType::Kind::Bool) {
          n.kind = NodeKind::Fact;
          n.a = fact_slot_.at(e.name.text);
        } else {
          error("not-a-condition", e.loc, fmt::format("`{}` is not a bool fact or a definition, so it cannot stand as a condition", e.name.text));
        }
        break;
      case ast::Expr::Kind::Not:
        n.kind = NodeKind::Not;
        if (e.operands.size() != 1) error("malformed", e.loc, "`not` takes one condition");
        else compile_expr(e.operands[0], depth + 1);
        break;
      case ast::Expr::Kind::And:
      case ast::Expr::Kind::Or: {
        n.kind = e.kind == ast::Expr::Kind::And ? NodeKind::And : NodeKind::Or;
        std::vector<const ast::Expr*> parts;
        flatten(e, parts);
        for (const auto* part : parts) compile_expr(*part, depth + 1);
        break;
      }
      case ast::Expr::Kind::Compare: {
        n.kind = NodeKind::Compare;
        n.op = e.op;
        if (e.operands.size() != 2) {
          error("malformed", e.loc, "a comparison takes two operands");
          break;
        }
        auto l = operand(e.operands[0], e.operands[1]);
        auto r = operand(e.operands[1], e.operands[0]);
        if (l && r) {
          n.a = *l;
          n.b = *r;
        }
        break;
      }
      case ast::Expr::Kind::Has:
      case ast::Expr::Kind::IsEmpty:
      case ast::Expr::Kind::IsNotEmpty: {
        auto it = fact_slot_.find(e.name.text);
        if (it == fact_slot_.end() || p_.facts[it->second].type.kind != dsl::FactType::Kind::Set) {
          error("unresolved", e.name.loc, fmt::format("`{}` is not a set fact", e.name.text));
          break;
        }
        const dsl::FactType& type = p_.facts[it->second].type;
        n.a = it->second;
        if (e.kind != ast::Expr::Kind::Has) {
          n.kind = e.kind == ast::Expr::Kind::IsEmpty ? NodeKind::SetEmpty : NodeKind::SetNotEmpty;
          n.b = type.values.size() >= 32 ? 0xFFFF'FFFFu : (Index{1} << type.values.size()) - 1;
          break;
        }
        if (e.value_is_fact) {
          auto f = fact_slot_.find(e.value.text);
          if (f == fact_slot_.end()) {
            error("unresolved", e.value.loc, fmt::format("`{}` is not a fact", e.value.text));
            break;
          }
          n.kind = NodeKind::SetHasFact;
          n.b = f->second;
          break;
        }
        n.kind = NodeKind::SetHas;
        auto v = std::find(type.values.begin(), type.values.end(), e.value.text);
        if (v == type.values.end()) error("unknown-value", e.value.loc, fmt::format("`{}` is not a value of `{}`", e.value.text, e.name.text));
        else n.b = static_cast<Index>(v - type.values.begin());
        break;
      }
      case ast::Expr::Kind::IsKnown:
      case ast::Expr::Kind::IsUnknown:
      case ast::Expr::Kind::Is:
      case ast::Expr::Kind::IsNot: {
        const bool test = e.kind == ast::Expr::Kind::Is || e.kind == ast::Expr::Kind::IsNot;
        n.kind = e.kind == ast::Expr::Kind::IsKnown     ? NodeKind::IsKnown
                 : e.kind == ast::Expr::Kind::IsUnknown ? NodeKind::IsUnknown
                 : e.kind == ast::Expr::Kind::Is        ? NodeKind::IsValue
                                                        : NodeKind::IsNotValue;
        if (e.ref == ast::Ref::Decision && test) {
          n.kind = e.kind == ast::Expr::Kind::Is ? NodeKind::DecisionIs : NodeKind::DecisionIsNot;
          n.a = lookup(decision_index_, e.name, "decision");
          if (n.a == kNone) break;
          n.b = p_.find_value(n.a, e.value.text);
          if (n.b == kNone)
            error("unknown-value", e.value.loc, fmt::format("`{}` is not a value of decision `{}`", e.value.text, e.name.text));
          break;
        }
        const dsl::FactType* type = nullptr;
        static const dsl::FactType kBool{};
        if (e.ref == ast::Ref::Definition && def_slot_.count(e.name.text)) {
          n.definition = true;
          n.a = def_slot_.at(e.name.text);
          type = &kBool;
        } else if (auto it = fact_slot_.find(e.name.text); it != fact_slot_.end()) {
          n.a = it->second;
          type = &p_.facts[it->second].type;
        } else {
          error("unresolved", e.name.loc, fmt::format("`{}` is not a fact or a definition", e.name.text));
          break;
        }
        if (!test) break;
        if (type->kind == dsl::FactType::Kind::Bool && (e.value.text == "true" || e.value.text == "false")) {
          n.b = e.value.text == "true" ? 1 : 0;
        } else if (type->kind == dsl::FactType::Kind::Enum) {
          auto it = std::find(type->values.begin(), type->values.end(), e.value.text);
          if (it == type->values.end())
            error("unknown-value", e.value.loc, fmt::format("`{}` is not a value of `{}`", e.value.text, e.name.text));
          else
            n.b = static_cast<Index>(it - type->values.begin());
        } else {
          error("unsupported", e.value.loc, fmt::format("`{} is {}` needs an enumeration or bool fact", e.name.text, e.value.text));
        }
        break;
      }
    }
    n.end = static_cast<Index>(p_.nodes.size());
    p_.nodes[at] = n;
    return at;
  }

  // Fact and definition slots a subtree reads directly (and the decisions, when asked).
  void reads_of(Index root, std::vector<Index>& facts, std::vector<Index>& defs, std::vector<Index>* decisions = nullptr) {
    for (Index i = root; i < p_.nodes[root].end; ++i) {
      const Node& n = p_.nodes[i];
      switch (n.kind) {
        case NodeKind::DecisionIs:
        case NodeKind::DecisionIsNot:
          if (decisions != nullptr) decisions->push_back(n.a);
          break;
        case NodeKind::Fact: facts.push_back(n.a); break;
        case NodeKind::Definition: defs.push_back(n.a); break;
        case NodeKind::IsKnown:
        case NodeKind::IsUnknown:
        case NodeKind::IsValue:
        case NodeKind::IsNotValue: (n.definition ? defs : facts).push_back(n.a); break;
        case NodeKind::SetHas:
        case NodeKind::SetEmpty:
        case NodeKind::SetNotEmpty: facts.push_back(n.a); break;
        case NodeKind::SetHasFact:
          facts.push_back(n.a);
          facts.push_back(n.b);
          break;
        case NodeKind::Compare:
          for (std::uint32_t o : {n.a, n.b}) {
            if (Operand::kind(o) == Operand::Fact) facts.push_back(Operand::index(o));
            if (Operand::kind(o) == Operand::Definition) defs.push_back(Operand::index(o));
          }
          break;
        default: break;
      }
    }
    normalise(facts);
    normalise(defs);
  }

  Range append_reads(const std::vector<Index>& v) {
    Range r{static_cast<Index>(p_.reads.size()), 0};
    p_.reads.insert(p_.reads.end(), v.begin(), v.end());
    r.end = static_cast<Index>(p_.reads.size());
    return r;
  }

  Index add_condition(const ast::Expr& e, Index node) {
    Condition c;
    c.node = node;
    c.text = condition_text(e);
    c.loc = e.loc;
    std::vector<Index> facts, defs, decisions;
    reads_of(node, facts, defs, &decisions);
    normalise(decisions);
    std::vector<Index> all = facts;
    for (Index d : defs)
      if (d < def_closure_.size()) all.insert(all.end(), def_closure_[d].begin(), def_closure_[d].end());
    normalise(all);
    c.facts = append_reads(facts);
    c.definitions = append_reads(defs);
    c.decisions = append_reads(decisions);
    c.all_facts = append_reads(all);  // the decisions' facts are added once they are known (compute_dependencies)
    p_.conditions.push_back(std::move(c));
    return static_cast<Index>(p_.conditions.size() - 1);
  }

  // Compiles a `when` (or a definition's body, or an `applies when`) and records its top-level
  // conjuncts as the conditions a trace lists one per line.
  std::pair<Index, Range> compile_condition(const ast::Expr& e) {
    const Index root = compile_expr(e);
    Range r{static_cast<Index>(p_.conditions.size()), 0};
    if (p_.nodes[root].kind == NodeKind::And) {
      std::vector<const ast::Expr*> parts;
      flatten(e, parts);
      Index child = root + 1;
      for (const auto* part : parts) {
        add_condition(*part, child);
        child = p_.nodes[child].end;
      }
    } else {
      add_condition(e, root);
    }
    r.end = static_cast<Index>(p_.conditions.size());
    return {root, r};
  }

  std::vector<Index> closure_of(Range conditions) {
    std::vector<Index> all;
    for (Index c = conditions.begin; c < conditions.end; ++c) {
      const Range r = p_.conditions[c].all_facts;
      all.insert(all.end(), p_.reads.begin() + r.begin, p_.reads.begin() + r.end);
    }
    normalise(all);
    return all;
  }

  void compile_definitions() {
    std::vector<std::size_t> chain;  // by slot: definitions in the longest chain it starts
    for (const auto* d : definitions_) {
      CompiledDefinition cd;
      cd.name = d->name.text;
      cd.title = d->title;
      cd.loc = d->name.loc;
      cd.cites = compile_citations(d->cites);
      auto [root, conds] = compile_condition(d->body);
      cd.body = root;
      cd.conditions = conds;
      def_closure_.push_back(closure_of(conds));
      cd.all_facts = append_reads(def_closure_.back());
      std::vector<Index> facts, defs;
      reads_of(root, facts, defs);
      std::size_t longest = 1;
      for (Index r : defs) longest = std::max(longest, chain[r] + 1);
      chain.push_back(longest);
      if (longest > kMaxLazyDefinitionChain) p_.lazy_definitions = false;
      p_.definitions.push_back(std::move(cd));
    }
  }

  void compile_decisions() {
    for (std::size_t i = 0; i < decisions_.size(); ++i) {
      if (!decisions_[i]->applies_when) continue;
      auto [root, conds] = compile_condition(*decisions_[i]->applies_when);
      p_.decisions[i].applies = root;
      p_.decisions[i].applies_conditions = conds;
    }
  }

  void compile_scope() {
    if (!ast_.header.scope) return;
    auto [root, conds] = compile_condition(ast_.header.scope->condition);
    p_.scope = root;
    p_.scope_conditions = conds;
    p_.scope_text = condition_text(ast_.header.scope->condition);
  }

  Index lookup(const std::unordered_map<std::string, Index>& m, const ast::Name& n, const char* what) {
    auto it = m.find(n.text);
    if (it != m.end()) return it->second;
    error("unresolved", n.loc, fmt::format("`{}` is not a declared {}", n.text, what));
    return kNone;
  }

  void compile_rules() {
    for (std::size_t i = 0; i < rules_.size(); ++i) {
      const ast::Rule& r = *rules_[i];
      CompiledRule& cr = p_.rules[i];
      if (r.when) {
        auto [root, conds] = compile_condition(*r.when);
        cr.when = root;
        cr.conditions = conds;
        for (Index n = root; n < p_.nodes[root].end; ++n)
          cr.follows_decisions = cr.follows_decisions || p_.nodes[n].kind == NodeKind::DecisionIs ||
                                 p_.nodes[n].kind == NodeKind::DecisionIsNot;
      } else {
        cr.conditions = {static_cast<Index>(p_.conditions.size()), static_cast<Index>(p_.conditions.size())};
      }
      cr.settings.begin = static_cast<Index>(p_.settings.size());
      cr.owes.begin = static_cast<Index>(p_.owes.size());
      cr.raises.begin = static_cast<Index>(p_.raises.size());
      for (const auto& c : r.then) {
        switch (c.kind) {
          case ast::Conclusion::Kind::Set: {
            Setting s;
            s.rule = static_cast<Index>(i);
            s.loc = c.loc;
            s.decision = lookup(decision_index_, c.target, "decision");
            if (s.decision == kNone) break;
            s.value = p_.find_value(s.decision, c.value.text);
            if (s.value == kNone) {
              error("unknown-value", c.value.loc, fmt::format("`{}` is not a value of decision `{}`", c.value.text, c.target.text));
              break;
            }
            if (c.by) s.by = lookup(authority_, *c.by, "authority");
            p_.decisions[s.decision].settings.push_back(static_cast<Index>(p_.settings.size()));
            p_.settings.push_back(s);
            break;
          }
          case ast::Conclusion::Kind::Owe:
          case ast::Conclusion::Kind::Flag: {
            const bool owe = c.kind == ast::Conclusion::Kind::Owe;
            Raising x;
            x.rule = static_cast<Index>(i);
            x.detail = c.detail;
            x.loc = c.loc;
            x.what = lookup(owe ? obligation_ : flag_, c.target, owe ? "obligation" : "flag");
            if (x.what != kNone) (owe ? p_.owes : p_.raises).push_back(std::move(x));
            break;
          }
        }
      }
      cr.settings.end = static_cast<Index>(p_.settings.size());
      cr.owes.end = static_cast<Index>(p_.owes.size());
      cr.raises.end = static_cast<Index>(p_.raises.size());
    }
  }

  // Exceptions as edges: each rule learns who defeats it, and rule_order puts every rule after
  // all of its defeaters so that one pass settles chains of exceptions.
  void link_exceptions() {
    const std::size_t n = p_.rules.size();
    std::vector<std::vector<Index>> defeaters(n);
    for (std::size_t e = 0; e < n; ++e)
      for (Index r : p_.rules[e].exception_to) defeaters[r].push_back(static_cast<Index>(e));
    std::vector<std::size_t> pending(n);
    std::vector<std::vector<Index>> defeats(n);
    for (std::size_t r = 0; r < n; ++r) {
      normalise(defeaters[r]);
      pending[r] = defeaters[r].size();
      p_.rules[r].defeaters.begin = static_cast<Index>(p_.defeaters.size());
      p_.defeaters.insert(p_.defeaters.end(), defeaters[r].begin(), defeaters[r].end());
      p_.rules[r].defeaters.end = static_cast<Index>(p_.defeaters.size());
      for (Index e : defeaters[r]) defeats[e].push_back(static_cast<Index>(r));
    }
    std::priority_queue<Index, std::vector<Index>, std::greater<>> ready;
    for (std::size_t r = 0; r < n; ++r)
      if (pending[r] == 0) ready.push(static_cast<Index>(r));
    while (!ready.empty()) {
      Index r = ready.top();
      ready.pop();
      p_.rule_order.push_back(r);
      for (Index d : defeats[r])
        if (--pending[d] == 0) ready.push(d);
    }
    if (p_.rule_order.size() != n)
      for (std::size_t r = 0; r < n; ++r)
        if (pending[r] != 0)
          error("exception-cycle", p_.rules[r].loc,
                fmt::format("rule `{}` is, through a chain of exceptions, an exception to itself", p_.rules[r].name));
  }

  // The facts that can change a decision: those its `applies when` reads, those of every rule
  // that may set it, and those of every exception that could defeat such a rule, transitively.
  // The rules a decision's outcome can turn on (by rule index): those that may set it, and every
  // exception that could defeat one of them, transitively.
  std::vector<bool> rules_deciding(const CompiledDecision& d) const {
    std::vector<Index> rules;
    for (Index s : d.settings) rules.push_back(p_.settings[s].rule);
    std::vector<bool> seen(p_.rules.size(), false);
    for (std::size_t k = 0; k < rules.size(); ++k) {
      const Index r = rules[k];
      if (seen[r]) continue;
      seen[r] = true;
      const Range def = p_.rules[r].defeaters;
      for (Index i = def.begin; i < def.end; ++i) rules.push_back(p_.defeaters[i]);
    }
    return seen;
  }

  void compute_dependencies() {
    for (auto& d : p_.decisions) {
      const std::vector<bool> seen = rules_deciding(d);
      std::vector<Index> facts;
      if (d.applies != kNone) facts = closure_of(d.applies_conditions);
      if (p_.scope != kNone) {  // outside the scope no decision is taken
        auto more = closure_of(p_.scope_conditions);
        facts.insert(facts.end(), more.begin(), more.end());
      }
      for (std::size_t r = 0; r < seen.size(); ++r) {
        if (!seen[r]) continue;
        auto more = closure_of(p_.rules[r].conditions);
        facts.insert(facts.end(), more.begin(), more.end());
      }
      normalise(facts);
      d.depends_on = std::move(facts);
    }
    // A condition that reads a decision depends on every fact the decision does.
    for (auto& c : p_.conditions) {
      if (c.decisions.empty()) continue;
      std::vector<Index> all(p_.reads.begin() + c.all_facts.begin, p_.reads.begin() + c.all_facts.end);
      for (Index i = c.decisions.begin; i < c.decisions.end; ++i) {
        const auto& more = p_.decisions[p_.reads[i]].depends_on;
        all.insert(all.end(), more.begin(), more.end());
      }
      normalise(all);
      c.all_facts = append_reads(all);
    }
  }

  void make_plan() {
    EvalPlan& plan = p_.plan;
    plan.facts_by_name.clear();
    for (std::size_t f = 0; f < p_.facts.size(); ++f) plan.facts_by_name.push_back(static_cast<Index>(f));
    std::sort(plan.facts_by_name.begin(), plan.facts_by_name.end(),
              [&](Index a, Index b) { return p_.facts[a].name < p_.facts[b].name; });
    for (const auto& r : p_.rules) {
      EvalPlan::Rule pr;
      pr.when = r.when;
      pr.defeaters = r.defeaters;
      pr.after_decisions = r.follows_decisions;
      if (r.follows_decisions) plan.followers.push_back(static_cast<Index>(plan.rules.size()));
      std::vector<Index> decisions;
      for (Index s = r.settings.begin; s < r.settings.end; ++s) decisions.push_back(p_.settings[s].decision);
      normalise(decisions);
      pr.decisions.begin = static_cast<Index>(plan.rule_decisions.size());
      plan.rule_decisions.insert(plan.rule_decisions.end(), decisions.begin(), decisions.end());
      pr.decisions.end = static_cast<Index>(plan.rule_decisions.size());
      plan.rules.push_back(pr);
    }
    for (const auto& d : p_.decisions) {
      EvalPlan::Decision pd;
      pd.applies = d.applies;
      pd.default_value = d.default_value;
      pd.sets.begin = static_cast<Index>(plan.sets.size());
      for (Index s : d.settings) {
        const Setting& st = p_.settings[s];
        plan.sets.push_back({s, st.rule, st.value, st.by});
      }
      pd.sets.end = static_cast<Index>(plan.sets.size());
      const std::vector<bool> deciding = rules_deciding(d);
      pd.rules.begin = static_cast<Index>(plan.decision_rules.size());
      for (Index r : p_.rule_order)
        if (deciding[r]) plan.decision_rules.push_back(r);
      pd.rules.end = static_cast<Index>(plan.decision_rules.size());
      plan.decisions.push_back(pd);
    }
    for (const auto& d : p_.definitions) plan.definitions.push_back(d.body);
    plan.scope = p_.scope;
    for (const auto& o : p_.owes) plan.owes.push_back(o.rule);
    for (const auto& r : p_.raises) plan.raises.push_back(r.rule);
  }

  void compute_probes() {
    std::vector<std::vector<Value>> literals(p_.facts.size());
    for (const Node& n : p_.nodes) {
      if (n.kind != NodeKind::Compare) continue;
      if (Operand::kind(n.a) == Operand::Fact && Operand::kind(n.b) == Operand::Constant)
        literals[Operand::index(n.a)].push_back(p_.constants[Operand::index(n.b)]);
      if (Operand::kind(n.b) == Operand::Fact && Operand::kind(n.a) == Operand::Constant)
        literals[Operand::index(n.b)].push_back(p_.constants[Operand::index(n.a)]);
    }
    for (std::size_t f = 0; f < p_.facts.size(); ++f) {
      auto& fact = p_.facts[f];
      switch (fact.type.kind) {
        case dsl::FactType::Kind::Bool:
          fact.probes = {Value::of_bool(false), Value::of_bool(true)};
          break;
        case dsl::FactType::Kind::Enum:
          for (std::size_t i = 0; i < fact.type.values.size(); ++i)
            fact.probes.push_back(Value::of_enum(static_cast<std::uint32_t>(i), fact.type.values[i]));
          break;
        case dsl::FactType::Kind::Int:
        case dsl::FactType::Kind::Date: {
          std::set<std::int64_t> points;
          for (const auto& v : literals[f])
            for (std::int64_t d : {-1, 0, 1}) points.insert(v.integer + d);
          for (std::int64_t x : points)
            fact.probes.push_back(fact.type.kind == dsl::FactType::Kind::Int ? Value::of_int(x)
                                                                              : Value::of_date(static_cast<std::int32_t>(x)));
          break;
        }
        case dsl::FactType::Kind::Set: break;  // a set's values are not explored (2^n of them, partly known too)
        case dsl::FactType::Kind::Text: {
          std::set<std::string> texts;
          for (const auto& v : literals[f]) texts.insert(v.text);
          for (const auto& t : texts) fact.probes.push_back(Value::of_text(t));
          if (!texts.empty()) {
            // One text unlike every literal stands for "anything else".
            std::string other = "(other)";
            while (texts.count(other)) other += "'";
            fact.probes.push_back(Value::of_text(other));
          }
          break;
        }
      }
    }
  }
};

template <typename T>
Index find_by_name(const std::vector<T>& v, std::string_view name) {
  for (std::size_t i = 0; i < v.size(); ++i)
    if (v[i].name == name) return static_cast<Index>(i);
  return kNone;
}

}  // namespace

std::string condition_text(const ast::Expr& e) {
  std::string out;
  write_condition(e, out, 0);
  return out;
}

Index CompiledPolicy::find_fact(std::string_view n) const { return find_by_name(facts, n); }
Index CompiledPolicy::find_definition(std::string_view n) const { return find_by_name(definitions, n); }
Index CompiledPolicy::find_decision(std::string_view n) const { return find_by_name(decisions, n); }
Index CompiledPolicy::find_rule(std::string_view n) const { return find_by_name(rules, n); }

Index CompiledPolicy::find_value(Index decision, std::string_view value) const {
  if (decision >= decisions.size()) return kNone;
  const auto& vs = decisions[decision].values;
  for (std::size_t i = 0; i < vs.size(); ++i)
    if (vs[i] == value) return static_cast<Index>(i);
  return kNone;
}

const CompiledSource* CompiledPolicy::find_source(std::string_view key) const {
  for (const auto& s : sources)
    if (s.key == key) return &s;
  return nullptr;
}

CompileResult compile(const ast::Policy& policy) { return Compiler(policy).run(); }

}  // namespace decree::engine
