// Saving the edited policy: the Save button and Ctrl-S / Cmd-S write the editor's text, exactly as
// written, over the served file it came from (POST /api/save), only if the file on disk is still
// the one the page loaded; otherwise the page says why and offers a reload or a download. Shows
// unsaved changes (a marker, the tab's title, a warning before leaving the page).
import {api} from "./api.js";
import {h} from "./dom.js";

const $ = (id) => document.getElementById(id);

// `page` gives what the saver needs of the playground:
//   text(): the editor's text;  dirty(): whether it differs from the file as loaded or saved;
//   target(): {path, version, served} — the served file and the version it was loaded as, or
//             {path, served: false} for a text that is not a served file (a new amendment);
//   saved(path, text, version): the file now holds `text`;  reload(): open the file from disk again.
export function setupSaving(page) {
  let status = {enabled: false, why: "the server has not said whether it saves", files: {}};
  const baseTitle = document.title;

  function fileName() {
    const path = page.target().path || "policy.decree";
    return path.slice(path.lastIndexOf("/") + 1);
  }

  function download() {
    const url = URL.createObjectURL(new Blob([page.text()], {type: "text/plain;charset=utf-8"}));
    const a = h("a", {href: url, download: fileName(), hidden: true});
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 0);
  }

  // The box under the bar: a message and the actions that fit it.
  function say(kind, message, hint, actions = []) {
    const sentence = (t) => t ? t[0].toUpperCase() + t.slice(1) + (/[.!?]$/.test(t) ? "" : ".") : "";
    message = sentence(message);
    hint = sentence(hint);
    const box = $("save-box");
    box.className = `save-box ${kind}`;
    box.dataset.kind = kind;
    const buttons = {
      reload: h("button", {type: "button", id: "save-reload", onclick: () => {
        if (page.dirty() && !confirm("Reload the file from disk? Your edits in the page will be dropped.")) return;
        box.hidden = true;
        page.reload();
      }}, "Reload from disk"),
      keep: h("button", {type: "button", id: "save-keep", onclick: () => { box.hidden = true; page.focus(); }}, "Keep editing"),
      download: h("button", {type: "button", id: "save-download", onclick: download}, "Download my text"),
      close: h("button", {type: "button", id: "save-close", onclick: () => { box.hidden = true; }}, "Close"),
    };
    box.replaceChildren(...[h("span", {id: "save-message"}, message), hint ? h("span", {class: "hint"}, hint) : null,
      ...actions.map((a) => buttons[a])].filter(Boolean));
    box.hidden = false;
  }

  // Why the editor's text cannot be saved over its file ("" when it can).
  function whyNot() {
    const t = page.target();
    if (!status.enabled) return `This server is read-only: ${status.why}.`;
    if (!t.served) return `${t.path} is a new file, not one this server serves: the page saves only over served files.`;
    if (status.files && status.files[t.path]) return `${status.files[t.path]}.`;
    return "";
  }

  async function save() {
    const t = page.target();
    const why = whyNot();
    if (why) { say("refused", why, "Download your text to keep it.", ["download", "close"]); return; }
    if (!page.dirty()) { say("info", `${t.path} has no unsaved changes.`, "", ["close"]); return; }
    const text = page.text();
    $("save").disabled = true;
    const r = await api("save", {path: t.path, text, version: t.version});
    $("save").disabled = false;
    if (r.ok) {
      page.saved(t.path, text, r.json.version);
      const time = new Date().toLocaleTimeString();
      if (r.json.errors > 0) {
        const n = r.json.errors;
        say("saved-errors", `Saved ${t.path} at ${time}, as you wrote it; it has ${n} error${n === 1 ? "" : "s"}.`,
          "It will not run until they are fixed: see the list under the editor.", ["close"]);
      } else {
        say("saved", `Saved ${t.path} at ${time}.`, r.json.warnings ? `${r.json.warnings} warning${r.json.warnings === 1 ? "" : "s"}.` : "", ["close"]);
      }
      return;
    }
    if (r.json.stale) say("stale", r.json.error, r.json.hint, r.json.disk_version ? ["reload", "keep", "download"] : ["keep", "download"]);
    else say("refused", r.json.error, r.json.hint, ["download", "close"]);
  }

  function update() {
    const dirty = page.dirty();
    $("dirty").hidden = !dirty;
    document.title = dirty ? `● ${baseTitle}` : baseTitle;
    document.body.dataset.dirty = String(dirty);
    const why = whyNot();
    $("save").title = why || `Save over ${page.target().path} (Ctrl-S)`;
  }

  function setStatus(s) {
    status = s || status;
    // A read-only server has no Save: the button would only explain; Download is the way to keep a text.
    $("save").hidden = !status.enabled;
    $("read-only").hidden = status.enabled;
    $("read-only").title = status.enabled ? "" : `This server does not write its files: ${status.why}`;
    update();
  }

  $("save").addEventListener("click", save);
  $("download").addEventListener("click", download);
  window.CodeMirror.commands.save = save;  // Ctrl-S / Cmd-S in the editor
  document.addEventListener("keydown", (e) => {
    if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === "s" && !e.defaultPrevented) {
      e.preventDefault();
      save();
    }
  });
  window.addEventListener("beforeunload", (e) => {
    if (!page.dirty()) return;
    e.preventDefault();
    e.returnValue = "";
  });
  return {setStatus, update, say, save};
}
