#include "web/api.hpp"

#include <chrono>
#include <map>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "engine/diff.hpp"
#include "engine/population.hpp"
#include "engine/render_diff.hpp"
#include "engine/render_json.hpp"
#include "engine/render_sources.hpp"
#include "engine/space.hpp"
#include "engine/space_render.hpp"
#include "engine/trace.hpp"
#include "engine/version.hpp"
#include "engine/whatif.hpp"
#include "web/graph.hpp"
#include "web/save.hpp"

namespace decree::web {

ApiResponse api_error(int status, std::string message, std::string hint) {
  nlohmann::ordered_json body;
  body["error"] = std::move(message);
  body["hint"] = hint.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(std::move(hint));
  return {status, std::move(body)};
}

namespace {

using json = nlohmann::json;
using ojson = nlohmann::ordered_json;

ApiResponse error(int status, std::string message, std::string hint = {}) {
  return api_error(status, std::move(message), std::move(hint));
}

std::string string_field(const json& request, const char* key) {
  auto it = request.find(key);
  if (it == request.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

// The policy a request names: {"policy": {"path": ..., "text": ...}}; with a text, the edited
// policy (named by the path, never opened), else the served file.
struct PolicyRef {
  Loaded edited;
  const Loaded* loaded = nullptr;
  std::optional<ApiResponse> failure;
};

PolicyRef resolve(const Workspace& ws, const json& request, const char* key = "policy", bool need_ok = true) {
  PolicyRef ref;
  auto it = request.find(key);
  if (it == request.end() || !it->is_object()) {
    ref.failure = error(400, fmt::format("the request names no `{}`", key),
                        "send {\"path\": \"policies/telegram-1956.decree\"}, with \"text\" for an edited policy");
    return ref;
  }
  const std::string path = string_field(*it, "path");
  if (auto text = it->find("text"); text != it->end() && text->is_string()) {
    ref.edited = ws.load_text(path.empty() ? "edited.decree" : path, text->get<std::string>());
    ref.loaded = &ref.edited;
  } else {
    ref.loaded = ws.served(path);
    if (ref.loaded == nullptr) {
      ref.failure = error(404, fmt::format("\"{}\" is not one of the policies this server serves", path),
                          "GET /api/policies lists them");
      return ref;
    }
  }
  if (need_ok && !ref.loaded->ok()) {
    std::string first;
    for (const auto& d : ref.loaded->diagnostics)
      if (d.severity == Severity::Error) {
        first = fmt::format("{}: {}", to_string(d.loc), d.message);
        break;
      }
    ref.failure = error(422, fmt::format("the policy has errors; nothing was evaluated ({})", first),
                        "POST /api/check lists every diagnostic");
    ref.failure->body["diagnostics"] = diagnostics_json(ref.loaded->diagnostics);
  }
  return ref;
}

// A value as the fact form shows it and as "set" takes it back: a set known whole is its values
// separated by commas ("(empty)" for none); a set known in part is shown as the trace writes it.
std::string value_text(const engine::Value& v) {
  if (v.kind == engine::Value::Kind::Set) {
    const engine::SetParts parts = engine::set_parts(v);
    if (!parts.complete) return engine::to_string(v);
    if (parts.members.empty()) return "(empty)";
    std::string out;
    for (const auto& m : parts.members) out += (out.empty() ? "" : ",") + m;
    return out;
  }
  return v.kind == engine::Value::Kind::Text ? v.text : engine::to_string(v);
}

// The case a request describes: a served case by id (or a new, empty case), with the facts
// in "set" changed ({"fact": "value"}, values as `--set` takes them; "unknown" clears one).
struct CaseRef {
  engine::Case c;
  std::vector<std::string> changed;
  std::optional<ApiResponse> failure;
};

CaseRef make_case(const Workspace& ws, const Loaded& loaded, const json& request) {
  CaseRef ref;
  const auto& policy = *loaded.compiled;
  const std::string id = string_field(request, "case");
  if (!id.empty()) {
    const std::vector<engine::Case>* cases = ws.served(loaded.path) == &loaded ? ws.served_cases(loaded.path) : nullptr;
    std::vector<engine::Case> own;
    if (cases == nullptr) {
      own = ws.cases_for(*loaded.checked);
      cases = &own;
    }
    auto it = std::find_if(cases->begin(), cases->end(), [&](const engine::Case& c) { return c.id == id; });
    if (it == cases->end()) {
      ref.failure = error(404, fmt::format("no served case has the id `{}` (or it does not load under {})", id, policy.name),
                          "GET /api/cases lists them");
      return ref;
    }
    ref.c = *it;
  } else {
    ref.c.id = "new-case";
    ref.c.title = "A case made in the page";
  }
  auto set = request.find("set");
  if (set == request.end() || set->is_null()) return ref;
  if (!set->is_object()) {
    ref.failure = error(400, "`set` must be an object of facts and values", "{\"misdemeanor\": \"false\"}");
    return ref;
  }
  if (set->size() > ws.limits().max_set) {
    ref.failure = error(413, fmt::format("`set` changes {} facts; the limit is {}", set->size(), ws.limits().max_set));
    return ref;
  }
  std::vector<engine::FactChange> changes;
  for (auto it = set->begin(); it != set->end(); ++it) {
    std::string value;
    if (it->is_string()) value = it->get<std::string>();
    else if (it->is_boolean()) value = it->get<bool>() ? "true" : "false";
    else if (it->is_number_integer()) value = std::to_string(it->get<long long>());
    else {
      ref.failure = error(400, fmt::format("the value of `{}` must be a string", it.key()));
      return ref;
    }
    std::string message, hint;
    auto change = engine::parse_change(policy, it.key() + "=" + value, message, hint);
    if (!change) {
      ref.failure = error(422, message, hint);
      return ref;
    }
    changes.push_back(*change);
    ref.changed.push_back(it.key());
  }
  ref.c = engine::apply_changes(policy, ref.c, changes);
  for (const auto& name : ref.changed) {
    auto& f = ref.c.facts[name];
    f.loc.file = "page";
    f.source = "set in the page";
  }
  return ref;
}

ojson facts_json(const engine::CompiledPolicy& policy, const engine::Case* c, const std::vector<std::string>& changed) {
  ojson out = ojson::array();
  for (const auto& f : policy.facts) {
    ojson j;
    j["name"] = f.name;
    j["description"] = f.description;
    j["kind"] = dsl::kind_name(f.type.kind);
    j["type"] = f.type.name;
    j["values"] = f.type.values;
    const engine::FactValue* v = nullptr;
    if (c != nullptr)
      if (auto it = c->facts.find(f.name); it != c->facts.end()) v = &it->second;
    j["value"] = v ? value_text(v->value) : "unknown";
    j["at"] = v && v->loc.known() ? ojson(fmt::format("{}:{}", v->loc.file, v->loc.line)) : ojson(nullptr);
    j["certainty"] = v && v->loc.file != "page" ? ojson(engine::to_string(v->certainty)) : ojson(nullptr);
    j["source"] = v ? ojson(v->source) : ojson(nullptr);
    j["changed"] = std::find(changed.begin(), changed.end(), f.name) != changed.end();
    out.push_back(std::move(j));
  }
  return out;
}

ojson policy_entry(const Workspace& ws, const std::string& path) {
  const Loaded* l = ws.served(path);
  ojson j;
  j["path"] = path;
  j["ok"] = l->ok();
  j["name"] = l->ok() ? ojson(l->compiled->name) : ojson(nullptr);
  j["title"] = l->ok() ? ojson(l->compiled->title) : ojson(nullptr);
  j["status"] = l->ok() ? ojson(l->compiled->status) : ojson(nullptr);
  j["extends"] = l->ok() && l->checked->header.extends ? ojson(l->checked->header.extends->base.text) : ojson(nullptr);
  return j;
}

}  // namespace

nlohmann::ordered_json diagnostics_json(const std::vector<Diagnostic>& diagnostics) {
  ojson out = ojson::array();
  auto severity = [](Severity s) { return s == Severity::Error ? "error" : s == Severity::Warning ? "warning" : "note"; };
  for (const auto& d : diagnostics) {
    ojson notes = ojson::array();
    for (const auto& n : d.notes)
      notes.push_back({{"file", n.loc.file}, {"line", n.loc.line}, {"column", n.loc.column}, {"message", n.message}});
    out.push_back({{"severity", severity(d.severity)},
                   {"code", d.code},
                   {"file", d.loc.file},
                   {"line", d.loc.line},
                   {"column", d.loc.column},
                   {"length", d.loc.length},
                   {"message", d.message},
                   {"hint", d.hint.empty() ? ojson(nullptr) : ojson(d.hint)},
                   {"notes", notes}});
  }
  return out;
}

ApiResponse Api::handle(const std::string& endpoint, const std::string& body) const {
  if (body.size() > ws_.limits().max_body_bytes)
    return error(413, fmt::format("the request is {} bytes; the server takes at most {}", body.size(), ws_.limits().max_body_bytes));
  if (endpoint == "policies") return policies();
  json request = json::object();
  if (!body.empty()) {
    request = json::parse(body, nullptr, false);
    if (request.is_discarded() || !request.is_object())
      return error(400, "the request is not a JSON object", "send Content-Type: application/json with an object");
  }
  try {
    if (endpoint == "policy") return policy_text(request);
    if (endpoint == "check") return check(request);
    if (endpoint == "facts") return facts(request);
    if (endpoint == "evaluate") return evaluate(request);
    if (endpoint == "why-not") return why_not(request);
    if (endpoint == "diff") return diff(request);
    if (endpoint == "explore") return explore(request);
    if (endpoint == "graph") return graph(request);
  } catch (const std::exception& e) {
    return error(500, fmt::format("the server could not answer: {}", e.what()));
  }
  return error(404, fmt::format("there is no /api/{}", endpoint),
               "the API has policies, policy, check, facts, evaluate, why-not, diff, explore, graph");
}

ApiResponse Api::policies() const {
  ojson list = ojson::array();
  for (const auto& p : ws_.policy_paths()) list.push_back(policy_entry(ws_, p));
  ojson cases = ojson::array();
  // Cases as the first policy that loads them sees them (ids and titles do not depend on it).
  for (const auto& p : ws_.policy_paths()) {
    const Loaded* l = ws_.served(p);
    if (!l->ok()) continue;
    for (const auto& c : ws_.cases_for(*l->checked))
      cases.push_back({{"id", c.id}, {"title", c.title}, {"file", c.loc.file}});
    break;
  }
  ojson populations = ojson::array();
  for (const auto& p : ws_.populations()) populations.push_back(p.path);
  ojson limits = {{"body_bytes", ws_.limits().max_body_bytes},
                  {"policy_bytes", ws_.limits().max_policy_bytes},
                  {"population", ws_.limits().max_population},
                  {"space", ws_.limits().max_space},
                  {"seconds", ws_.limits().max_seconds}};
  return {200, {{"policies", list}, {"cases", cases}, {"populations", populations}, {"limits", limits}}};
}

ApiResponse Api::policy_text(const json& request) const {
  const std::string path = string_field(request, "path");
  const std::string* text = ws_.text(path);
  if (text == nullptr) return error(404, fmt::format("\"{}\" is not one of the policies this server serves", path));
  return {200, {{"path", path}, {"text", *text}, {"version", text_version(*text)}}};
}

ApiResponse Api::check(const json& request) const {
  auto ref = resolve(ws_, request, "policy", false);
  if (ref.failure) return *ref.failure;
  const auto& l = *ref.loaded;
  ojson out;
  out["ok"] = l.ok();
  out["file"] = l.path;
  out["diagnostics"] = diagnostics_json(l.diagnostics);
  return {200, out};
}

ApiResponse Api::facts(const json& request) const {
  auto ref = resolve(ws_, request);
  if (ref.failure) return *ref.failure;
  const auto& policy = *ref.loaded->compiled;
  ojson decisions = ojson::array();
  for (const auto& d : policy.decisions) decisions.push_back({{"name", d.name}, {"title", d.title}, {"values", d.values}});
  return {200, {{"policy", engine::policy_json(policy)}, {"facts", facts_json(policy, nullptr, {})}, {"decisions", decisions}}};
}

ApiResponse Api::evaluate(const json& request) const {
  auto ref = resolve(ws_, request);
  if (ref.failure) return *ref.failure;
  const auto& policy = *ref.loaded->compiled;
  auto c = make_case(ws_, *ref.loaded, request);
  if (c.failure) return *c.failure;
  auto ev = engine::evaluate_case(policy, c.c, {});
  ojson out;
  out["schema"] = engine::kTraceSchema;
  out["generator"] = engine::generator();
  out["policy"] = engine::policy_json(policy);
  out["case"] = engine::case_json(policy, ev);
  out["facts"] = facts_json(policy, &c.c, c.changed);
  out["sources"] = engine::sources_json(ws_.library(), engine::cited_sections(policy, ws_.library()));
  return {200, out};
}

ApiResponse Api::why_not(const json& request) const {
  auto ref = resolve(ws_, request);
  if (ref.failure) return *ref.failure;
  const auto& policy = *ref.loaded->compiled;
  const std::string dname = string_field(request, "decision"), vname = string_field(request, "value");
  const auto decision = policy.find_decision(dname);
  if (decision == engine::kNone) {
    std::vector<std::string> names;
    for (const auto& d : policy.decisions) names.push_back(d.name);
    return error(422, fmt::format("policy {} has no decision `{}`", policy.name, dname),
                 fmt::format("its decisions are: {}", fmt::format("{}", fmt::join(names, ", "))));
  }
  const auto value = policy.find_value(decision, vname);
  if (value == engine::kNone)
    return error(422, fmt::format("decision `{}` has no value `{}`", dname, vname),
                 fmt::format("its values are: {}", fmt::join(policy.decisions[decision].values, " | ")));
  auto c = make_case(ws_, *ref.loaded, request);
  if (c.failure) return *c.failure;
  auto ev = engine::evaluate_case(policy, c.c, {});
  return {200, engine::why_not_json(policy, ev, engine::why_not(policy, ev, decision, value))};
}

ApiResponse Api::diff(const json& request) const {
  auto ra = resolve(ws_, request, "policy");
  if (ra.failure) return *ra.failure;
  auto rb = resolve(ws_, request, "other");
  if (rb.failure) return *rb.failure;
  const auto& pa = *ra.loaded->compiled;
  const auto& pb = *rb.loaded->compiled;
  const ast::Policy for_a = engine::with_facts_of(*ra.loaded->checked, *rb.loaded->checked);
  const ast::Policy for_b = engine::with_facts_of(*rb.loaded->checked, *ra.loaded->checked);
  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                            std::chrono::duration<double>(ws_.limits().max_seconds));

  // The historical cases, as `decree diff --format json` shows them.
  auto cases_a = ws_.cases_for(for_a);
  auto cases_b = ws_.cases_for(for_b);
  engine::PolicyPair pair(pa, pb);
  engine::DiffReport report;
  report.a = &pa;
  report.b = &pb;
  for (const auto& f : ws_.case_files()) report.inputs.push_back(f.path);
  engine::Outcome oa, ob;
  for (const auto& c : cases_a) {
    auto other = std::find_if(cases_b.begin(), cases_b.end(), [&](const engine::Case& x) { return x.id == c.id; });
    if (other == cases_b.end()) continue;
    const auto ba = engine::bind(pa, c);
    const auto bb = engine::bind(pb, *other);
    engine::evaluate(pa, ba.values, oa);
    engine::evaluate(pb, bb.values, ob);
    if (pair.compare(ba.values, oa, bb.values, ob, &report.summary).outcome_differs) report.differences.push_back(pair.explain(c));
  }
  pair.finish(report.summary);
  ojson out;
  out["cases"] = engine::diff_json(report);
  out["population"] = nullptr;

  // A population: counts of outcome → outcome, and a few cases that moved for each bar.
  const std::string population_path = string_field(request, "population");
  if (population_path.empty()) return {200, out};
  auto file = std::find_if(ws_.populations().begin(), ws_.populations().end(),
                           [&](const CaseFile& f) { return f.path == population_path; });
  if (file == ws_.populations().end())
    return error(404, fmt::format("\"{}\" is not one of the populations this server serves", population_path));
  SourceSet sources;
  auto loaded = engine::load_population(file->text, file->path, for_a, sources);
  if (!loaded.population) {
    std::string first = loaded.diagnostics.empty() ? "" : loaded.diagnostics.front().message;
    return error(422, fmt::format("the population {} does not load under {}: {}", file->path, pa.name, first));
  }
  const auto& population = *loaded.population;
  if (population.size > ws_.limits().max_population)
    return error(413,
                 fmt::format("the population {} has {} cases; the server compares at most {}", file->path, population.size,
                             ws_.limits().max_population),
                 "run `decree diff` on the command line for larger populations");
  engine::PolicyPair ppair(pa, pb);
  engine::DiffReport preport;
  preport.a = &pa;
  preport.b = &pb;
  preport.inputs = {file->path};
  engine::PopulationBinder bind_a(pa, population), bind_b(pb, population);
  std::vector<engine::Index> drawn;
  std::vector<engine::Value> fa, fb;
  // Per decision (by name) and bar (a → b): up to three sample case numbers.
  constexpr std::size_t kSamples = 3;
  std::map<std::string, std::map<std::pair<std::string, std::string>, std::vector<std::uint64_t>>> samples;
  for (std::uint64_t n = 0; n < population.size; ++n) {
    if ((n & 1023) == 1023 && std::chrono::steady_clock::now() > deadline)
      return error(503,
                   fmt::format("the comparison took longer than {} s, the server's time bound, after {} of {} cases",
                               ws_.limits().max_seconds, n, population.size),
                   "compare a smaller population, or run `decree diff` on the command line");
    engine::draw(population, n, drawn);
    bind_a.fill(drawn, fa);
    bind_b.fill(drawn, fb);
    engine::evaluate(pa, fa, oa);
    engine::evaluate(pb, fb, ob);
    if (!ppair.compare(fa, oa, fb, ob, &preport.summary).outcome_differs) continue;
    for (std::size_t d = 0; d < pa.decisions.size(); ++d) {
      const auto db = pb.find_decision(pa.decisions[d].name);
      if (db == engine::kNone) continue;
      auto a_word = engine::outcome_word(pa, static_cast<engine::Index>(d), oa.decisions[d]);
      auto b_word = engine::outcome_word(pb, db, ob.decisions[db]);
      if (a_word == b_word) continue;
      auto& list = samples[pa.decisions[d].name][{a_word, b_word}];
      if (list.size() < kSamples) list.push_back(n);
    }
  }
  ppair.finish(preport.summary);
  ojson pj = engine::diff_json(preport);
  ojson bars = ojson::array();
  for (const auto& [decision, by_bar] : samples)
    for (const auto& [bar, numbers] : by_bar) {
      ojson list = ojson::array();
      for (auto n : numbers) list.push_back(engine::case_diff_json(ppair.explain(engine::make_case(population, n))));
      bars.push_back({{"decision", decision}, {"a", bar.first}, {"b", bar.second}, {"cases", list}});
    }
  pj["samples"] = bars;
  pj["population"] = {{"name", population.name}, {"title", population.title}, {"size", population.size}};
  out["population"] = pj;
  return {200, out};
}

ApiResponse Api::explore(const json& request) const {
  auto ref = resolve(ws_, request);
  if (ref.failure) return *ref.failure;
  engine::SpaceOptions options;
  options.decision = string_field(request, "decision");
  options.limit = ws_.limits().max_space;
  auto result = engine::explore_space(*ref.loaded->compiled, options);
  if (!result.space)
    return error(413, result.error ? result.error->message : "the space could not be explored",
                 result.error ? result.error->hint : "");
  return {200, engine::space_json(*result.space)};
}

ApiResponse Api::graph(const json& request) const {
  auto ref = resolve(ws_, request);
  if (ref.failure) return *ref.failure;
  return {200, {{"svg", rules_graph_svg(*ref.loaded->compiled)}}};
}

}  // namespace decree::web
