// Small DOM helpers shared by every view: no framework, no rule logic.

// h("div", {class: "x", onclick: f}, child, "text", [more]) -> Element
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
    else if (key === "dataset") Object.assign(el.dataset, value);
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

// The cited paragraphs of the last evaluation, by "memo p4" (from the texts in sources/).
let paragraphs = {};
export function setParagraphs(p) { paragraphs = p || {}; }

// A citation: "telegram s3", its quoted clause and the paragraph it quotes shown on hover (title)
// and on tap or Enter (toggle).
export function citation(c) {
  const label = c.section ? `${c.source} ${c.section}` : c.source;
  const paragraph = paragraphs[label] ? paragraphs[label].text : "";
  const hover = [c.quote ? `"${c.quote}"` : "", paragraph ? `${label}: ${paragraph}` : ""].filter(Boolean).join("\n\n");
  const cite = h("button", {type: "button", class: "cite", title: hover, "aria-expanded": "false"}, label);
  const quote = c.quote || paragraph
    ? h("span", {class: "quote", hidden: true}, c.quote ? h("q", {}, c.quote) : null,
        paragraph ? h("span", {class: "paragraph"}, ` ${label}: ${paragraph}`) : null)
    : null;
  cite.addEventListener("click", (e) => {
    e.stopPropagation();
    if (!quote) return;
    quote.hidden = !quote.hidden;
    cite.setAttribute("aria-expanded", String(!quote.hidden));
  });
  return h("span", {class: "citation"}, cite, quote);
}

// A truth value or fact value as a small badge: true / false / unknown / a value.
export function value(v) {
  const text = typeof v === "string" ? v : JSON.stringify(v);
  const kind = text === "true" ? "true" : text === "false" ? "false" : text === "unknown" ? "unknown" : "value";
  return h("span", {class: `val val-${kind}`}, text);
}

// "REFUSED by embassy", "UNDETERMINED", "not applicable"
export function outcomeText(d) {
  if (d.status === "decided" || d.status === "default")
    return `${String(d.value).toUpperCase()}${d.by ? " by " + d.by : ""}${d.status === "default" ? " (default)" : ""}`;
  if (d.status === "not_applicable") return "not applicable";
  return String(d.status).toUpperCase().replace("_", " ");
}

// Large type and dark theme, remembered by the browser.
export function setupToggles(root) {
  const large = root.querySelector("#large-type");
  const theme = root.querySelector("#theme");
  const store = (() => { try { return window.localStorage; } catch (e) { return null; } })();
  const apply = () => {
    const isLarge = document.body.classList.contains("large");
    const isDark = document.documentElement.dataset.theme === "dark";
    if (large) large.setAttribute("aria-pressed", String(isLarge));
    if (theme) theme.setAttribute("aria-pressed", String(isDark));
  };
  if (store && store.getItem("decree-large") === "1") document.body.classList.add("large");
  const savedTheme = store && store.getItem("decree-theme");
  const prefersDark = window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches;
  document.documentElement.dataset.theme = savedTheme || (prefersDark ? "dark" : "light");
  if (large) large.addEventListener("click", () => {
    document.body.classList.toggle("large");
    if (store) store.setItem("decree-large", document.body.classList.contains("large") ? "1" : "0");
    apply();
  });
  if (theme) theme.addEventListener("click", () => {
    const dark = document.documentElement.dataset.theme !== "dark";
    document.documentElement.dataset.theme = dark ? "dark" : "light";
    if (store) store.setItem("decree-theme", dark ? "dark" : "light");
    apply();
  });
  apply();
}
