// The playground: the policy editor, the case panel, and the views (trace, why not, diff,
// explore, rules graph), with the page's state in the URL fragment for share links, and saving
// the edited policy over its file (save.js). Every answer comes from the server's engine through
// /api/; this file only asks and draws.
import {api} from "./api.js";
import {h, clear, setupToggles, setParagraphs} from "./dom.js";
import {renderCase, renderPolicyLine, renderWhyNot} from "./trace.js";
import {renderDiff} from "./diff.js";
import {renderExplore} from "./explore.js";
import {defineDecreeMode} from "./mode.js";
import {setupSaving} from "./save.js";

const $ = (id) => document.getElementById(id);
const VIEWS = ["trace", "why-not", "diff", "explore", "graph"];

// What a share link carries.
const state = {
  policy: "",      // served path of the policy opened
  text: null,      // the edited text, or null when it is the served text
  name: null,      // the path an edited text is named by (an amendment's own name)
  case: "",        // a served case id, or "" for a case made in the page
  set: {},         // facts changed in the page
  view: "trace",
  other: "",       // diff: the policy compared with ("" = the edited text)
  population: "",
  whyDecision: "", whyValue: "",
};

let served = {policies: [], cases: [], populations: []};
let servedText = "";
let servedVersion = "";  // the served file's version as the page loaded (or saved) it
let saver = null;
let editor = null;
let policyOk = false;
let facts = [];        // the last evaluation's facts (for the form)
let decisions = [];    // the policy's decisions (for why-not)
const seq = {};        // latest request number per kind: older answers are dropped

function policyRef() {
  return state.text === null ? {path: state.policy} : {path: state.name || state.policy, text: state.text};
}

async function ask(kind, endpoint, body) {
  const n = (seq[kind] = (seq[kind] || 0) + 1);
  document.body.dataset.busy = String(Number(document.body.dataset.busy || 0) + 1);
  const r = await api(endpoint, body);
  document.body.dataset.busy = String(Number(document.body.dataset.busy) - 1);
  if (n !== seq[kind]) return null;
  return r;
}

function showError(json) {
  const box = $("error");
  if (!json) { box.hidden = true; clear(box); return; }
  box.replaceChildren(h("strong", {}, json.error), json.hint ? h("div", {class: "hint"}, json.hint) : null);
  box.hidden = false;
}

// ---- the share link --------------------------------------------------------------------------

function encodeState() {
  const bytes = new TextEncoder().encode(JSON.stringify(state));
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function decodeState(s) {
  try {
    const bin = atob(s.replace(/-/g, "+").replace(/_/g, "/"));
    const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch (e) {
    return null;
  }
}

function shareUrl() {
  return `${location.origin}${location.pathname}#s=${encodeState()}`;
}

// ---- the editor and its diagnostics ----------------------------------------------------------

let marks = [];
let checkTimer = null;

function showDiagnostics(list, file) {
  for (const m of marks) m.clear();
  marks = [];
  editor.clearGutter("diagnostics");
  const ul = clear($("diagnostics"));
  for (const d of list) {
    const here = d.file === file && d.line > 0;
    const cls = `diag ${d.severity}`;
    if (here) {
      const from = {line: d.line - 1, ch: Math.max(0, d.column - 1)};
      const to = {line: d.line - 1, ch: Math.max(0, d.column - 1) + Math.max(1, d.length)};
      marks.push(editor.markText(from, to, {className: `cm-diag-${d.severity}`, title: d.message + (d.hint ? `\nhint: ${d.hint}` : "")}));
      editor.setGutterMarker(d.line - 1, "diagnostics", h("span", {class: `gutter-${d.severity}`, title: d.message}, d.severity === "error" ? "●" : "▲"));
    }
    const li = h("li", {class: cls, "data-line": here ? d.line : "", "data-column": here ? d.column : "", "data-code": d.code, tabindex: 0},
      h("span", {class: "where"}, here ? `line ${d.line}, column ${d.column}` : `${d.file}${d.line ? ":" + d.line : ""}`), " ",
      h("span", {class: "sev"}, `${d.severity}[${d.code}]`), ": ", h("span", {class: "msg"}, d.message),
      d.hint ? h("div", {class: "hint"}, `hint: ${d.hint}`) : null);
    if (here) {
      const go = () => { editor.focus(); editor.setCursor({line: d.line - 1, ch: d.column - 1}); };
      li.addEventListener("click", go);
      li.addEventListener("keydown", (e) => { if (e.key === "Enter") go(); });
    }
    ul.appendChild(li);
  }
}

async function check() {
  const r = await ask("check", "check", {policy: policyRef()});
  if (!r) return;
  if (!r.ok) { showError(r.json); return; }
  const errors = r.json.diagnostics.filter((d) => d.severity === "error").length;
  const warnings = r.json.diagnostics.filter((d) => d.severity === "warning").length;
  policyOk = r.json.ok;
  $("check-status").textContent = policyOk ? (warnings ? `ok, ${warnings} warning${warnings > 1 ? "s" : ""}` : "ok") : `${errors} error${errors === 1 ? "" : "s"}`;
  $("check-status").className = policyOk ? "ok" : "bad";
  showDiagnostics(r.json.diagnostics, r.json.file);
  if (policyOk) await refresh();
}

function onEdit() {
  const text = editor.getValue();
  state.text = text === servedText && !state.name ? null : text;
  saver.update();
  clearTimeout(checkTimer);
  checkTimer = setTimeout(check, 300);
}

// ---- the case panel --------------------------------------------------------------------------

function field(f) {
  const id = `fact-${f.name}`;
  let input;
  if (f.kind === "bool" || f.kind === "enum") {
    const options = f.kind === "bool" ? ["true", "false", "unknown"] : [...f.values, "unknown"];
    input = h("select", {id, name: f.name}, options.map((v) => h("option", {value: v, selected: v === f.value ? true : null}, v)));
  } else {
    input = h("input", {id, name: f.name, type: f.kind === "int" ? "number" : "text", value: f.value === "unknown" ? "" : f.value,
      placeholder: f.kind === "date" ? "YYYY-MM-DD or unknown" : f.kind === "set" ? `values by commas, (empty), or unknown` : "unknown",
      title: f.kind === "set" ? `a set of: ${f.values.join(", ")}` : null});
  }
  input.addEventListener("change", () => {
    let v = input.value.trim() === "" ? "unknown" : input.value.trim();
    if (f.kind === "set" && v === "(empty)") v = "";  // the empty set, as --set writes it
    state.set[f.name] = v;
    evaluate();
  });
  const where = f.changed ? "set in the page" : f.at ? `${f.at.split("/").pop()}${f.certainty ? ", " + f.certainty : ""}${f.source ? ", " + f.source : ""}` : "not in the case";
  return h("div", {class: `field${f.changed ? " changed" : ""}`, "data-fact": f.name},
    h("label", {for: id}, h("span", {class: "fact-name"}, f.name), " ", h("span", {class: "fact-type"}, f.kind === "enum" ? f.type || "enumeration" : f.kind === "set" ? `set of ${f.type || "values"}` : f.kind)),
    input,
    h("div", {class: "fact-desc"}, f.description || ""),
    h("div", {class: "fact-where"}, where));
}

function renderFacts() {
  const form = $("facts");
  const focused = document.activeElement && document.activeElement.id;
  form.replaceChildren(...facts.map(field));
  if (focused && focused.startsWith("fact-") && $(focused)) $(focused).focus();
}

function settle(values) {
  Object.assign(state.set, values);
  evaluate();
}

async function evaluate() {
  if (!policyOk) return;
  const r = await ask("evaluate", "evaluate", {policy: policyRef(), case: state.case || null, set: state.set});
  if (!r) return;
  if (!r.ok) { showError(r.json); return; }
  showError(null);
  facts = r.json.facts;
  setParagraphs(r.json.sources);
  renderFacts();
  const trace = $("trace");
  trace.replaceChildren(renderPolicyLine(r.json.policy), renderCase(r.json.case, {onSettle: settle}));
  trace.dataset.generation = String(Number(trace.dataset.generation || 0) + 1);
  writeHash();
}

// ---- the other views -------------------------------------------------------------------------

async function loadDecisions() {
  const r = await ask("facts", "facts", {policy: policyRef()});
  if (!r || !r.ok) return;
  decisions = r.json.decisions;
  const sel = $("why-decision");
  sel.replaceChildren(...decisions.map((d) => h("option", {value: d.name, selected: d.name === state.whyDecision ? true : null}, d.name)));
  if (!state.whyDecision && decisions.length) state.whyDecision = decisions[0].name;
  fillWhyValues();
  $("explore-decision").replaceChildren(h("option", {value: ""}, "every decision"),
    ...decisions.map((d) => h("option", {value: d.name}, d.name)));
}

function fillWhyValues() {
  const d = decisions.find((x) => x.name === $("why-decision").value) || decisions[0];
  if (!d) return;
  $("why-value").replaceChildren(...d.values.map((v) => h("option", {value: v, selected: v === state.whyValue ? true : null}, v)));
}

async function whyNot() {
  state.whyDecision = $("why-decision").value;
  state.whyValue = $("why-value").value;
  const r = await ask("why", "why-not", {policy: policyRef(), case: state.case || null, set: state.set,
    decision: state.whyDecision, value: state.whyValue});
  if (!r) return;
  if (!r.ok) { showError(r.json); return; }
  showError(null);
  $("why-out").replaceChildren(renderWhyNot(r.json));
  writeHash();
}

async function diff() {
  state.other = $("other").value;
  state.population = $("population").value;
  const a = state.other === "" ? {path: state.policy} : policyRef();
  const b = state.other === "" ? policyRef() : {path: state.other};
  if (state.other === "" && state.text === null) {
    showError({error: "there are no edits to compare: edit the policy, or pick a policy to compare with", hint: null});
    return;
  }
  const out = $("diff-out");
  out.replaceChildren(h("p", {class: "busy"}, "comparing…"));
  const r = await ask("diff", "diff", {policy: a, other: b, population: state.population || null});
  if (!r) return;
  if (!r.ok) { out.replaceChildren(); showError(r.json); return; }
  showError(null);
  out.replaceChildren(renderDiff(r.json.cases, "The documented cases"),
    r.json.population ? renderDiff(r.json.population, `Population: ${r.json.population.population.title || r.json.population.population.name} (${r.json.population.population.size} cases)`) : null);
  out.dataset.generation = String(Number(out.dataset.generation || 0) + 1);
  writeHash();
}

async function explore() {
  const out = $("explore-out");
  out.replaceChildren(h("p", {class: "busy"}, "exploring…"));
  const r = await ask("explore", "explore", {policy: policyRef(), decision: $("explore-decision").value || null});
  if (!r) return;
  if (!r.ok) { out.replaceChildren(); showError(r.json); return; }
  showError(null);
  out.replaceChildren(renderExplore(r.json, {onRow: (values) => {
    state.case = "";
    state.set = values;
    $("case").value = "";
    showView("trace");
    evaluate();
  }}));
}

async function graph() {
  const r = await ask("graph", "graph", {policy: policyRef()});
  if (!r) return;
  if (!r.ok) { showError(r.json); return; }
  // The server draws the SVG and escapes every name in it.
  $("graph-out").innerHTML = r.json.svg;
}

function showView(view) {
  state.view = VIEWS.includes(view) ? view : "trace";
  for (const tab of document.querySelectorAll("[role=tab]")) tab.setAttribute("aria-selected", String(tab.dataset.view === state.view));
  for (const v of document.querySelectorAll(".view")) v.hidden = v.dataset.view !== state.view;
  writeHash();
  refreshView();
}

function refreshView() {
  if (!policyOk) return;
  if (state.view === "why-not" && state.whyDecision) whyNot();
  if (state.view === "explore") explore();
  if (state.view === "graph") graph();
  if (state.view === "diff" && ($("other").value || state.text !== null)) diff();
}

async function refresh() {
  await loadDecisions();
  await evaluate();
  refreshView();
}

function writeHash() {
  history.replaceState(null, "", `#s=${encodeState()}`);
}

// ---- choosing a policy and a case --------------------------------------------------------------

async function openPolicy(path, text, name) {
  state.policy = path;
  const r = await ask("text", "policy", {path});
  servedText = r && r.ok ? r.json.text : "";
  servedVersion = r && r.ok ? r.json.version : "";
  state.text = text === undefined || text === null ? null : text;
  state.name = name || null;
  $("editor-file").textContent = state.name || path;
  editor.setValue(state.text === null ? servedText : state.text);
  saver.update();
  fillOther();
  await check();
}

function fillOther() {
  const others = served.policies.filter((p) => p.path !== state.policy && p.ok);
  $("other").replaceChildren(h("option", {value: ""}, "my edits (the text in the editor)"),
    ...others.map((p) => h("option", {value: p.path, selected: p.path === state.other ? true : null}, `${p.name} — ${p.path}`)));
  if (!state.other && others.length && state.text === null) {
    const amendment = others.find((p) => p.extends && served.policies.find((q) => q.path === state.policy && q.name === p.extends));
    $("other").value = (amendment || others[0]).path;
  }
}

// Dropping unsaved edits (another policy, Revert, a new amendment) asks first.
function mayDrop(what) {
  return state.text === null || confirm(`The text in the editor has unsaved changes. ${what} and drop them?`);
}

function fillPolicies() {
  $("policy").replaceChildren(...served.policies.map((p) => h("option", {value: p.path}, `${p.name || "(errors)"} — ${p.path}`)));
  $("policy").value = state.policy;
}

// The file now holds the editor's text: it is the served text, and the server serves it so.
async function saved(path, text, version) {
  servedText = text;
  servedVersion = version;
  state.text = editor.getValue() === text ? null : editor.getValue();
  saver.update();
  writeHash();
  const r = await api("policies");
  if (!r.ok) return;
  served = r.json;
  fillPolicies();
  fillOther();
  saver.setStatus(served.save);
}

function newAmendment() {
  const base = served.policies.find((p) => p.path === state.policy);
  if (!base || !base.ok) return;
  if (!mayDrop("Start a new amendment")) return;
  const folder = state.policy.includes("/") ? state.policy.slice(0, state.policy.lastIndexOf("/") + 1) : "";
  const file = state.policy.slice(folder.length);
  const text = `# An amendment of ${base.name}: replace, add or drop rules below.\n\n` +
    `policy my_amendment "My amendment of ${base.name}"\n  extends ${base.name} in "${file}"\n  status counterfactual\n\n`;
  openPolicy(state.policy, text, `${folder}my-amendment.decree`);
}

async function start() {
  defineDecreeMode(window.CodeMirror);
  setupToggles(document);
  editor = window.CodeMirror($("editor"), {mode: "decree", lineNumbers: true, gutters: ["diagnostics", "CodeMirror-linenumbers"],
    indentUnit: 2, tabSize: 2, viewportMargin: Infinity, extraKeys: {Tab: false, "Shift-Tab": false}});
  editor.on("change", (cm, change) => { if (change.origin !== "setValue") onEdit(); });
  saver = setupSaving({
    text: () => editor.getValue(),
    dirty: () => state.text !== null,
    target: () => state.name ? {path: state.name, served: false}
      : {path: state.policy, version: servedVersion, served: served.policies.some((p) => p.path === state.policy)},
    saved,
    reload: () => openPolicy(state.policy),
    focus: () => editor.focus(),
  });

  const r = await api("policies");
  if (!r.ok) { showError(r.json); return; }
  served = r.json;
  saver.setStatus(served.save);
  fillPolicies();
  $("case").replaceChildren(...served.cases.map((c) => h("option", {value: c.id}, c.title)), h("option", {value: ""}, "a new case (every fact unknown)"));
  $("population").replaceChildren(h("option", {value: ""}, "none"), ...served.populations.map((p) => h("option", {value: p}, p)));

  const fromHash = location.hash.startsWith("#s=") ? decodeState(location.hash.slice(3)) : null;
  if (fromHash) Object.assign(state, fromHash);
  if (!served.policies.some((p) => p.path === state.policy)) {
    const telegram = served.policies.find((p) => p.name === "telegram_1956");
    state.policy = (telegram || served.policies[0]).path;
  }
  if (!fromHash) {
    const kim = served.cases.find((c) => c.id === "ly-kim");
    state.case = kim ? kim.id : served.cases.length ? served.cases[0].id : "";
  }
  $("policy").value = state.policy;
  $("case").value = state.case;
  $("population").value = state.population || "";

  $("policy").addEventListener("change", () => {
    if (!mayDrop(`Open ${$("policy").value}`)) { $("policy").value = state.policy; return; }
    state.set = {}; state.other = ""; openPolicy($("policy").value);
  });
  $("case").addEventListener("change", () => { state.case = $("case").value; state.set = {}; evaluate(); });
  $("reset-facts").addEventListener("click", () => { state.set = {}; evaluate(); });
  $("new-amendment").addEventListener("click", newAmendment);
  $("revert").addEventListener("click", () => { if (mayDrop("Go back to the file's text")) openPolicy(state.policy); });
  $("why-decision").addEventListener("change", () => { state.whyValue = ""; fillWhyValues(); });
  $("why-go").addEventListener("click", whyNot);
  $("diff-go").addEventListener("click", diff);
  $("explore-go").addEventListener("click", explore);
  $("share").addEventListener("click", () => {
    $("share-url").value = shareUrl();
    $("share-box").hidden = false;
    $("share-url").focus();
    $("share-url").select();
  });
  $("share-close").addEventListener("click", () => { $("share-box").hidden = true; });
  for (const tab of document.querySelectorAll("[role=tab]")) tab.addEventListener("click", () => showView(tab.dataset.view));
  document.addEventListener("keydown", (e) => {
    // Alt+1 … Alt+5 switch views.
    if (e.altKey && e.key >= "1" && e.key <= String(VIEWS.length)) { e.preventDefault(); showView(VIEWS[Number(e.key) - 1]); }
  });

  const view = state.view;
  await openPolicy(state.policy, state.text, state.name);
  showView(view);
  document.body.dataset.ready = "true";
}

start();
