// The entry of a self-contained page (`decree run|diff|explore|report --format html`): reads the
// embedded JSON and draws it with the playground's views. Bundled inline by web/html.cpp.
import {h, setupToggles} from "./dom.js";
import {renderCase, renderPolicyLine} from "./trace.js";
import {renderDiff} from "./diff.js";
import {renderExplore} from "./explore.js";

function renderReport(doc) {
  return h("section", {class: "report"},
    h("p", {}, h("strong", {}, doc.policy.name), ` “${doc.policy.title}”`),
    (doc.reports || []).map((r) => h("section", {class: "report-obligation", "data-obligation": r.obligation.name},
      h("h2", {}, r.obligation.name), h("p", {}, r.obligation.description),
      h("table", {class: "report-table"},
        h("thead", {}, h("tr", {}, h("th", {}, "case"), h("th", {}, "owed"), h("th", {}, "decisions"), h("th", {}, "facts"), h("th", {}, "required by"))),
        h("tbody", {}, r.people.map((p) => h("tr", {"data-case": p.case.id},
          h("td", {}, p.case.title, " ", h("span", {class: "case-id"}, p.case.id)),
          h("td", {}, p.owed === "owed" ? "owed" : "if unknowns hold"),
          h("td", {}, p.decisions.map((d) => `${d.decision}: ${d.outcome}${d.by ? " by " + d.by : ""}`).join("; ")),
          h("td", {}, p.indicating.map((f) => `${f.fact} = ${typeof f.value === "string" ? f.value : JSON.stringify(f.value)}`).join("; ")),
          h("td", {}, `${p.required_by.rule}`, p.required_by.detail ? ` “${p.required_by.detail}”` : ""))))))));
}

function main() {
  const view = document.getElementById("view");
  const doc = JSON.parse(document.getElementById("decree-data").textContent);
  setupToggles(document);
  const kind = view.dataset.view;
  if (kind === "run") {
    view.append(renderPolicyLine(doc.policy), ...doc.cases.map((c) => renderCase(c)));
  } else if (kind === "diff") {
    view.append(renderDiff(doc, `Compared on ${(doc.inputs || []).join(", ")}`));
  } else if (kind === "explore") {
    view.append(renderExplore(doc));
  } else if (kind === "report") {
    view.append(renderReport(doc));
  }
  document.body.dataset.ready = "true";
}

main();
