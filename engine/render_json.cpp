#include "engine/render_json.hpp"

#include "engine/render_jsonl.hpp"

namespace decree::engine {

using json = nlohmann::ordered_json;

json policy_json(const CompiledPolicy& p) { return json::parse(policy_json_text(p)); }

json case_json(const CompiledPolicy& p, const CaseEvaluation& ev) { return json::parse(case_json_text(p, ev, false)); }

json brief_case_json(const CompiledPolicy& p, const CaseEvaluation& ev) {
  return json::parse(case_json_text(p, ev, true));
}

json run_json(const CompiledPolicy& p, const std::vector<const CaseEvaluation*>& cases) {
  TraceWriter writer(p, false, false);
  std::string text(writer.open());
  for (const auto* ev : cases) text += writer.next(*ev);
  text += writer.close();
  return json::parse(text);
}

json why_not_json(const CompiledPolicy& p, const CaseEvaluation& ev, const WhyNot& w) {
  return json::parse(why_not_json_text(p, ev, w));
}

}  // namespace decree::engine
