// Two policies compared (decree.diff/1): a chart of how each decision's outcomes move from A to
// B (an SVG of bars, one per outcome → outcome, with counts; a bar opens sample cases that
// moved), then the cases that differ, each with the part of both traces that says why.
import {h} from "./dom.js";

const SVG = "http://www.w3.org/2000/svg";

function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) if (v !== null && v !== undefined) el.setAttribute(k, String(v));
  for (const c of children.flat()) if (c !== null && c !== undefined) el.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

function groundBlock(g, label) {
  return h("div", {class: "ground"},
    h("div", {class: "ground-head"}, h("span", {class: "side"}, label), " ", h("strong", {}, g.described)),
    h("ul", {class: "ground-rules"}, (g.rules || []).map((r) =>
      h("li", {class: `state-${r.state}`}, h("span", {class: "rule-name"}, r.rule), ` ${r.state.replace(/_/g, " ")}`,
        r.defeated_by ? ` by ${r.defeated_by}` : "",
        h("ul", {class: "conds"}, (r.conditions || []).map((c) => h("li", {}, `${c.condition} `, h("span", {class: `val val-${c.value}`}, c.value), ` ${c.where || ""}`)))))),
    (g.branches || []).length ? h("ul", {class: "branches"}, g.branches.map((b) =>
      h("li", {}, `if ${Object.entries(b.if).map(([k, v]) => `${k} = ${v}`).join(" and ")} → ${b.then}`))) : null);
}

export function renderCaseDiff(d, names) {
  return h("details", {class: "case-diff", "data-case": d.id, open: true},
    h("summary", {}, h("strong", {}, d.title), " ", h("span", {class: "case-id"}, d.id)),
    d.decisions.map((x) => h("div", {class: "decision-diff", "data-decision": x.decision},
      h("div", {class: "move"}, `${x.decision}: `, h("strong", {}, x.a.described), " → ", h("strong", {}, x.b.described)),
      h("div", {class: "grounds"}, groundBlock(x.a, names.a), groundBlock(x.b, names.b)))),
    [...(d.obligations || []), ...(d.flags || [])].map((o) => h("div", {class: "raised-diff"}, `${o.name}: only under ${o.under === "a" ? names.a : names.b} (${(o.rules || []).join(", ")})`)));
}

// The cases behind one bar: those the server sampled, else those listed among the differences.
function casesFor(doc, decision, a, b) {
  const sampled = (doc.samples || []).find((x) => x.decision === decision && x.a === a && x.b === b);
  if (sampled) return sampled.cases;
  return (doc.differences || []).filter((d) => d.decisions.some((x) => x.decision === decision && x.a.outcome === a && x.b.outcome === b));
}

function chart(doc, m, onBar) {
  const moved = m.counts.filter((c) => c.a !== c.b);
  const same = m.counts.filter((c) => c.a === c.b);
  const rows = [...moved, ...same];
  const max = Math.max(1, ...rows.map((c) => c.count));
  const W = 640, rowH = 30, labelW = 260, barW = W - labelW - 70;
  const svg = s("svg", {class: "diff-chart", viewBox: `0 0 ${W} ${rows.length * rowH + 8}`, width: W, height: rows.length * rowH + 8,
    role: "group", "aria-label": `${m.decision}: outcomes under A and B`});
  rows.forEach((c, i) => {
    const y = 4 + i * rowH;
    const w = Math.max(2, Math.round((c.count / max) * barW));
    const movedBar = c.a !== c.b;
    const g = s("g", {class: `bar${movedBar ? " moved" : " same"}`, "data-decision": m.decision, "data-a": c.a, "data-b": c.b,
      "data-count": c.count, tabindex: movedBar ? 0 : null, role: movedBar ? "button" : null,
      "aria-label": `${c.a} to ${c.b}: ${c.count} cases`},
      s("title", {}, movedBar ? `${c.count} cases: ${c.a} under A, ${c.b} under B (click for sample cases)` : `${c.count} cases: ${c.a} under both`),
      s("text", {x: labelW - 8, y: y + 19, "text-anchor": "end", class: "bar-label"}, movedBar ? `${c.a} → ${c.b}` : `${c.a} (unchanged)`),
      s("rect", {x: labelW, y: y + 4, width: w, height: rowH - 8, rx: 3}),
      s("text", {x: labelW + w + 6, y: y + 19, class: "bar-count"}, String(c.count)));
    if (movedBar) {
      g.addEventListener("click", () => onBar(m.decision, c.a, c.b));
      g.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); onBar(m.decision, c.a, c.b); } });
    }
    svg.appendChild(g);
  });
  return svg;
}

// A whole decree.diff/1 document. `title` names what was compared ("historical cases", a population).
export function renderDiff(doc, title) {
  const names = {a: `A ${doc.a.name}`, b: `B ${doc.b.name}`};
  const samples = h("div", {class: "samples", "aria-live": "polite"});
  const onBar = (decision, a, b) => {
    samples.replaceChildren(
      h("h4", {}, `${decision}: ${a} → ${b}`),
      ...casesFor(doc, decision, a, b).map((d) => renderCaseDiff(d, names)));
    samples.scrollIntoView({block: "nearest"});
  };
  const decisions = doc.summary.decisions.filter((m) => m.counts.length);
  const raised = [...(doc.summary.obligations || []), ...(doc.summary.flags || [])].filter((o) => o.only_a || o.only_b);
  return h("section", {class: "diff", "data-cases": doc.cases, "data-differing": doc.differing},
    h("h3", {}, title || "Cases compared"),
    h("p", {class: "diff-head"}, `${names.a} → ${names.b}: `, h("strong", {class: "differing"}, String(doc.differing)),
      ` of `, h("span", {class: "total"}, String(doc.cases)), ` cases come out differently.`),
    decisions.map((m) => h("div", {class: "matrix", "data-decision": m.decision},
      h("h4", {}, `${m.decision}: `, h("span", {class: "moved-count"}, String(m.differing)), " moved"), chart(doc, m, onBar))),
    raised.length ? h("ul", {class: "raised-counts"}, raised.map((o) => h("li", {}, `${o.name}: ${o.a} under A, ${o.b} under B (${o.only_a} only under A, ${o.only_b} only under B)`))) : null,
    samples,
    (doc.differences || []).length && !(doc.samples) ? h("div", {class: "differences"}, h("h4", {}, "The cases that differ"),
      doc.differences.map((d) => renderCaseDiff(d, names))) : null);
}
