// The trace of one case as a collapsible tree, with the structure of the terminal trace
// (`decree run`): each decision's outcome, the rule that decided it with its conditions, the
// rules it defeated and by which exception, the rules that did not apply and the first condition
// that failed, values with their provenance and certainty, and `←` definitions. Everything shown
// comes from the JSON trace (decree.trace/1); nothing is decided here.
import {h, citation, value, outcomeText} from "./dom.js";

const MARK = {applies: "✔", defeated: "✘", maybe_defeated: "?", did_not_apply: "·", unknown: "?"};

function shortPlace(at) {
  if (!at) return null;
  const slash = at.lastIndexOf("/");
  return slash >= 0 ? at.slice(slash + 1) : at;
}

function factLine(f) {
  if (f.at === "page" || (f.at && f.at.startsWith("page:"))) return h("span", {class: "prov page"}, "set in the page");
  if (!f.at) return h("span", {class: "prov absent"}, "not in the case");
  return h("span", {class: "prov", title: f.note || ""},
    h("span", {class: "at"}, shortPlace(f.at)),
    f.certainty ? h("span", {class: `certainty c-${f.certainty}`}, f.certainty) : null,
    f.source ? h("span", {class: "source"}, f.source) : null);
}

// One condition: its text and value, then where the value came from: the case's facts, or
// `←` the definitions that derived it, each with its own conditions beneath.
function condition(c, depth = 0) {
  const li = h("li", {class: "cond", "data-value": c.value},
    h("span", {class: "cond-text"}, c.text), " ", value(c.value));
  const facts = c.facts || [];
  const defs = c.definitions || [];
  if (facts.length === 1 && defs.length === 0) {
    li.appendChild(document.createTextNode(" "));
    if (facts[0].fact !== c.text) li.appendChild(h("span", {class: "fact-name"}, `${facts[0].fact} = ${JSON.stringify(facts[0].value)} `));
    li.appendChild(factLine(facts[0]));
  } else if (facts.length > 1) {
    li.appendChild(h("ul", {class: "facts"}, facts.map((f) =>
      h("li", {class: "fact"}, h("span", {class: "fact-name"}, f.fact), " ", value(f.value), " ", factLine(f)))));
  }
  for (const d of defs) {
    const cites = (d.citations || []).map(citation);
    const inner = h("details", {class: "definition", open: depth < 1 ? true : null},
      h("summary", {}, h("span", {class: "arrow"}, "← define "), h("span", {class: "def-name"}, d.definition), " ",
        value(d.value), " ", cites),
      d.conditions ? h("ul", {class: "conds"}, d.conditions.map((x) => condition(x, depth + 1))) : null);
    li.appendChild(inner);
  }
  for (const d of c.decisions || [])
    li.appendChild(h("div", {class: "reads-decision"}, `reads ${d.decision}: ${d.outcome}${d.rule ? " (" + d.rule + ")" : ""}`));
  return li;
}

function ruleBlock(r, decision) {
  const deciding = decision.status === "decided" && decision.rule === r.rule && r.state === "applies";
  let say;
  if (r.state === "applies") say = deciding ? `applies, and sets ${decision.decision} = ${r.sets}${r.by ? " by " + r.by : ""}, since:` : `applies (it would set ${r.sets}), since:`;
  else if (r.state === "defeated") say = `defeated by the exception ${r.defeated_by}; it would have set ${decision.decision} = ${r.sets}${r.by ? " by " + r.by : ""}, since:`;
  else if (r.state === "maybe_defeated") say = `might be defeated by the exception ${r.defeated_by} (it would set ${r.sets}):`;
  else if (r.state === "did_not_apply") say = `did not apply (it would set ${decision.decision} = ${r.sets}${r.by ? " by " + r.by : ""}):`;
  else say = `might apply (it would set ${r.sets}); it depends on:`;
  // A rule that did not apply shows its first failing condition (why not); the others, all conditions.
  let conds = r.conditions || [];
  if (r.state === "did_not_apply" && r.failed) conds = conds.filter((c) => c.text === r.failed).slice(0, 1);
  if (r.state === "unknown" && r.failed) conds = conds.filter((c) => c.value !== "true");
  const cls = `rule state-${r.state}${deciding ? " deciding" : ""}`;
  return h("details", {class: cls, "data-rule": r.rule, "data-state": r.state, open: deciding || r.state === "defeated" ? true : null},
    h("summary", {},
      h("span", {class: "mark", "aria-hidden": "true"}, MARK[r.state] || "·"), " ",
      h("span", {class: "rule-name"}, r.rule), " ", h("span", {class: "rule-title"}, `“${r.title}”`), " ",
      (r.citations || []).map(citation),
      deciding ? h("span", {class: "badge"}, "decides") : null),
    h("div", {class: "rule-say"}, say),
    h("ul", {class: "conds"}, conds.map((c) => condition(c))),
    r.exception_to && r.exception_to.length ? h("div", {class: "exception-to"}, `an exception to ${r.exception_to.join(", ")}`) : null);
}

// Buttons for the facts that would settle an undetermined decision: "if justified = true → GRANTED".
function settling(d, onSettle) {
  const s = d.settling;
  if (!s) return null;
  const list = (s.minimal && s.minimal.length ? s.minimal : s.one_at_a_time || []).filter((x) => x.status !== "undetermined");
  const box = h("div", {class: "settling"},
    h("div", {class: "settling-head"}, s.needs && s.needs.length ? `It depends on ${s.needs.join(", ")}. What would settle it:` : "What would settle it:"));
  if (s.too_many) box.appendChild(h("div", {}, `more than ${s.limit} unknown facts: not explored`));
  for (const x of list) {
    const facts = Object.entries(x.if || {});
    const label = `if ${facts.map(([k, v]) => `${k} = ${typeof v === "string" ? v : JSON.stringify(v)}`).join(" and ")} → ${outcomeText(x)}`;
    box.appendChild(h("button", {type: "button", class: "settle", "data-outcome": x.outcome,
      onclick: () => onSettle && onSettle(Object.fromEntries(facts.map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)])))}, label));
  }
  return box;
}

export function renderDecision(d, opts = {}) {
  const rules = d.rules || [];
  const ordered = [
    ...rules.filter((r) => d.status === "decided" && r.rule === d.rule && r.state === "applies"),
    ...rules.filter((r) => !(d.status === "decided" && r.rule === d.rule && r.state === "applies")),
  ];
  const applies = d.applies_conditions && d.applies_conditions.length
    ? h("div", {class: "applies"}, h("span", {class: "label"}, "applies: "), h("ul", {class: "conds"}, d.applies_conditions.map((c) => condition(c))))
    : null;
  const because = Array.isArray(d.because) && d.because.length
    ? h("ul", {class: "because"}, d.because.map((s) => h("li", {}, s))) : null;
  const body = d.status === "not_applicable" ? [applies] : [
    applies,
    d.status === "default" ? h("div", {class: "default-note"}, `no rule set it: the default, ${d.default}`) : null,
    d.status === "conflict" && d.conflict ? h("div", {class: "conflict-note"}, `conflict between ${d.conflict.join(" and ")}`) : null,
    ordered.map((r) => ruleBlock(r, d)),
    settling(d, opts.onSettle),
    d.rests_on && d.rests_on.length ? h("div", {class: "rests-on"}, "rests on facts not documented: ",
      d.rests_on.map((f) => h("span", {class: "rest"}, `${f.fact} (${f.certainty})`))) : null,
  ];
  return h("details", {class: `decision status-${d.status}`, "data-decision": d.decision, "data-status": d.status,
      "data-outcome": d.outcome, open: d.status === "not_applicable" ? null : true},
    h("summary", {},
      h("span", {class: "decision-name"}, d.decision), " ", h("span", {class: "decision-title"}, `(${d.title})`), ": ",
      h("strong", {class: "outcome", "data-outcome": d.outcome}, outcomeText(d)),
      d.rule ? h("span", {class: "by-rule"}, " — ", h("span", {class: "deciding-rule"}, d.rule)) : null),
    because, body);
}

function raised(list, key, label) {
  if (!list || !list.length) return h("div", {class: `raised ${label}`}, `${label}: none`);
  return h("div", {class: `raised ${label}`}, `${label}:`, h("ul", {}, list.map((o) =>
    h("li", {"data-name": o[key]}, h("strong", {}, o[key]), " ", o.detail ? `“${o.detail}”` : (o.description || ""),
      ` — from ${o.rule} `, (o.citations || []).map(citation)))));
}

// One case of a decree.trace/1 document.
export function renderCase(c, opts = {}) {
  return h("section", {class: "case trace", "data-case": c.id},
    h("h2", {class: "case-title"}, c.title, " ", h("span", {class: "case-id"}, c.id)),
    h("div", {class: "decisions"}, (c.decisions || []).map((d) => renderDecision(d, opts))),
    raised(c.obligations, "obligation", "obligations"),
    raised(c.flags, "flag", "flags"));
}

export function renderPolicyLine(p) {
  const from = p.in_force_from ? (p.in_force_from.first === p.in_force_from.last ? p.in_force_from.first : `${p.in_force_from.first} .. ${p.in_force_from.last}`) : null;
  return h("div", {class: "policy-line"}, h("strong", {}, p.name), ` “${p.title}” (${p.status}${from ? ", in force from " + from : ""})`);
}

// `decree explain --why-not`: every rule that could have set the value, and what stopped it.
export function renderWhyNot(doc) {
  const w = doc.why_not;
  const head = w.is_outcome ? `It did come out ${w.value}.` :
    w.not_applicable ? `${w.decision} does not apply to this case.` :
    `Why not ${w.decision} = ${w.value}? It came out ${outcomeText(w.actual)}.`;
  const d = {decision: w.decision, status: "why_not"};
  return h("section", {class: "why-not"},
    h("p", {class: "why-head"}, head),
    w.is_default ? h("p", {}, `${w.value} is the default: it is the outcome when no rule sets another value.`) : null,
    w.applies_failed ? h("ul", {class: "conds"}, condition(w.applies_failed)) : null,
    (w.rules || []).length ? (w.rules || []).map((r) => ruleBlock(r, d)) : h("p", {}, "No rule sets this value."));
}
