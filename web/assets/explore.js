// The case space of a policy (decree.explore/1) as decision tables: one row per region of
// cases with the same outcome, conflicts and gaps highlighted, rules that never apply named.
// A row can be picked (click, or Enter) to fill the case panel with that combination.
import {h} from "./dom.js";

function outcomeLabel(o) {
  if (o.state) return o.state === "yes" ? `yes (${(o.rules || []).join(", ")})` : o.state;
  if (o.status === "decided") return `${o.value}${o.by ? " by " + o.by : ""}`;
  if (o.status === "default") return `${o.value} (default)`;
  return String(o.status).replace(/_/g, " ");
}

function cellText(cell) {
  return cell === "any" ? "any" : cell.join(" | ");
}

// The facts of a row as the case panel takes them: the first value of each cell ("any" leaves
// the fact as it is; a range such as "< 1956-02-02" cannot be one value and is left too).
export function rowFacts(cells) {
  const out = {};
  for (const [fact, cell] of Object.entries(cells)) {
    if (cell === "any" || !cell.length) continue;
    const v = cell[0];
    if (/^[<>≤≥]|\.\.|^other$/.test(v)) continue;
    out[fact] = v;
  }
  return out;
}

function table(columns, rows, opts, extraClass, conflictRows) {
  const conflicts = new Set((conflictRows || []).map(Number));
  return h("table", {class: `space-table ${extraClass || ""}`},
    h("thead", {}, h("tr", {}, h("th", {}, "#"), columns.map((c) => h("th", {scope: "col"}, c)), h("th", {}, "outcome"), h("th", {}, "cases"))),
    h("tbody", {}, rows.map((r, i) => {
      const status = r.outcome ? (r.outcome.status || r.outcome.state) : "gap";
      const cls = `row status-${status}${conflicts.has(i + 1) ? " conflict" : ""}`;
      const tr = h("tr", {class: cls, tabindex: opts.onRow ? 0 : null, "data-row": i + 1},
        h("td", {}, String(i + 1)),
        columns.map((c) => h("td", {class: r.cells[c] === "any" ? "any" : null}, cellText(r.cells[c] ?? "any"))),
        h("td", {class: "outcome"}, r.outcome ? outcomeLabel(r.outcome) : "gap"),
        h("td", {class: "num"}, String(r.combinations)));
      if (opts.onRow) {
        tr.addEventListener("click", () => opts.onRow(rowFacts(r.cells)));
        tr.addEventListener("keydown", (e) => { if (e.key === "Enter") opts.onRow(rowFacts(r.cells)); });
        tr.title = "Fill the case panel with this combination";
      }
      return tr;
    })));
}

export function renderExplore(doc, opts = {}) {
  const dead = doc.dead_rules || [];
  return h("section", {class: "explore"},
    h("p", {class: "explore-head"}, `${doc.policy}: ${doc.evaluated} combinations evaluated`,
      doc.approximate ? " (some values are samples, not regions)" : ""),
    dead.length ? h("div", {class: "dead-rules alert"}, h("strong", {}, "Rules that never take effect: "),
      h("ul", {}, dead.map((d) => h("li", {"data-rule": d.rule}, `${d.rule} (${d.at}): ${d.why.replace(/_/g, " ")}`,
        d.defeated_by && d.defeated_by.length ? ` by ${d.defeated_by.join(", ")}` : "")))) : null,
    (doc.unused_facts || []).length ? h("p", {class: "unused"}, `Facts no rule reads: ${doc.unused_facts.join(", ")}`) : null,
    (doc.decisions || []).map((d) => h("details", {class: "space-decision", "data-decision": d.name, open: true},
      h("summary", {}, h("strong", {}, d.name), ` (${d.title}): ${d.rows.length} rows`,
        d.conflict_rows.length ? h("span", {class: "alert-badge conflict"}, ` ${d.conflict_rows.length} conflicting`) : "",
        d.gaps.length ? h("span", {class: "alert-badge gap"}, ` ${d.gaps.length} gaps`) : "",
        d.truncated ? " (cut short)" : ""),
      table(d.columns, d.rows, opts, "", d.conflict_rows),
      d.gaps.map((g) => h("div", {class: "gap"},
        h("p", {}, h("strong", {}, "Gap: "), `${g.rule} fails only on “${g.fails_only_on}” (${g.at}); these cases fall to ${outcomeLabel(g.fallback)}:`),
        table(g.columns, g.rows, opts, "gap-table"))))),
    [...(doc.obligations || []), ...(doc.flags || [])].map((o) => h("details", {class: "space-raised", "data-name": o.name},
      h("summary", {}, h("strong", {}, o.name), ` : ${o.rows.length} rows`),
      table(o.columns, o.rows, opts, "raised-table"))));
}
