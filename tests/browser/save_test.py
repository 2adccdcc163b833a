#!/usr/bin/python3
"""Saving in the playground, in headless Chromium, against `decree serve` over a copy of the
project's policies, scenarios and sources (the project's own files are never written): an edit
shows the unsaved marker and guards leaving the page; the Save button and Ctrl-S write the
editor's text to the file, byte for byte; a policy with errors is saved and said to have errors;
a file changed on disk since it was loaded is not overwritten, and the page offers to reload it or
keep editing; a read-only server (--read-only) has no Save, says why, and offers a download.

usage: save_test.py DECREE SOURCE_DIR"""
import pathlib
import shutil
import sys
import tempfile

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from browser import Browser, fail, js, start_server, stop_server

decree, root = str(pathlib.Path(sys.argv[1]).resolve()), pathlib.Path(sys.argv[2])
TELEGRAM = "policies/telegram-1956.decree"
CM = "document.querySelector('.CodeMirror').CodeMirror"

work = pathlib.Path(tempfile.mkdtemp(prefix="decree-save-page-"))
for folder in ("policies", "scenarios", "sources"):
    shutil.copytree(root / folder, work / folder)
policy_file = work / TELEGRAM
original = policy_file.read_text()


def editor_text(d):
    return js(d, f"return {CM}.getValue()")


def dirty(d):
    return d.find_element(By.ID, "dirty").is_displayed()


def box(d):
    b = d.find_element(By.ID, "save-box")
    return (b.get_attribute("data-kind"), b.text) if b.is_displayed() else (None, "")


def open_telegram(browser, url):
    d = browser.driver
    d.get(url)
    browser.wait(lambda d: js(d, "return document.body.dataset.ready") == "true", "the page never became ready")
    Select(d.find_element(By.ID, "policy")).select_by_value(TELEGRAM)
    browser.wait(lambda d: d.find_element(By.ID, "editor-file").text == TELEGRAM and editor_text(d) == policy_file.read_text(),
                 "the telegram never opened in the editor")


def ctrl_s(d):
    d.find_element(By.CSS_SELECTOR, ".CodeMirror textarea").send_keys(Keys.CONTROL, "s")


def leaving_is_guarded(d):
    return js(d, "const e = new Event('beforeunload', {cancelable: true}); window.dispatchEvent(e); return e.defaultPrevented;")


server, url = start_server(decree, str(work))
browser = Browser()
d = browser.driver
try:
    open_telegram(browser, url)
    if not d.find_element(By.ID, "save").is_displayed() or dirty(d) or leaving_is_guarded(d):
        fail("a freshly opened policy should show Save, no unsaved marker, and let the page be left")

    # 1. An edit: the marker, the tab's title, a guard on leaving; the Save button writes it.
    js(d, f"{CM}.replaceRange('# saved with the button\\n', {{line: 0, ch: 0}})")
    browser.wait(lambda d: dirty(d), "an edit did not show the unsaved marker")
    if not d.title.startswith("●") or not leaving_is_guarded(d):
        fail(f"an unsaved edit should mark the title ({d.title!r}) and guard leaving the page")
    d.find_element(By.ID, "save").click()
    browser.wait(lambda d: box(d)[0] == "saved", f"the Save button did not save: {box(d)}")
    if policy_file.read_text() != editor_text(d) or not policy_file.read_text().startswith("# saved with the button\n"):
        fail("the file on disk is not the editor's text after Save")
    if dirty(d) or d.title.startswith("●") or leaving_is_guarded(d):
        fail("after Save the page still says there are unsaved changes")
    print(f"ok: the Save button wrote {TELEGRAM}: {box(d)[1]}")

    # 2. Ctrl-S in the editor, then a policy with an error: saved as written, and said to have errors.
    js(d, f"{CM}.replaceRange('# saved with Ctrl-S\\n', {{line: 0, ch: 0}})")
    browser.wait(lambda d: dirty(d), "the second edit did not show the unsaved marker")
    ctrl_s(d)
    browser.wait(lambda d: box(d)[0] == "saved" and not dirty(d), f"Ctrl-S did not save: {box(d)}")
    if policy_file.read_text() != editor_text(d) or not policy_file.read_text().startswith("# saved with Ctrl-S\n# saved with the button\n"):
        fail("the file on disk is not the editor's text after Ctrl-S")
    print("ok: Ctrl-S wrote the file")
    js(d, f"const cm = {CM}; cm.replaceRange('\\nrule half_written', {{line: cm.lastLine()}})")
    browser.wait(lambda d: d.find_element(By.ID, "check-status").text.endswith("error") and dirty(d),
                 "a half-written rule did not show an error")
    ActionChains(d).key_down(Keys.CONTROL).send_keys("s").key_up(Keys.CONTROL).perform()
    browser.wait(lambda d: box(d)[0] == "saved-errors", f"a policy with an error was not saved with a word about it: {box(d)}")
    if "1 error" not in box(d)[1] or not policy_file.read_text().endswith("\nrule half_written"):
        fail(f"the save of a policy with an error: {box(d)[1]!r}, file ends {policy_file.read_text()[-30:]!r}")
    print(f"ok: a policy with an error is saved: {box(d)[1]}")

    # 3. The file changes on disk behind the page: Save refuses, and the page offers reload or keep editing.
    policy_file.write_text(original + "# changed by another editor\n")
    js(d, f"{CM}.replaceRange('# my edit\\n', {{line: 0, ch: 0}})")
    browser.wait(lambda d: dirty(d), "the edit before the conflict was not marked")
    mine = editor_text(d)
    d.find_element(By.ID, "save").click()
    browser.wait(lambda d: box(d)[0] == "stale", f"a file changed on disk was not refused: {box(d)}")
    if "changed on disk" not in box(d)[1] or policy_file.read_text() != original + "# changed by another editor\n":
        fail(f"the refusal should say the file changed on disk and leave it alone: {box(d)[1]!r}")
    for button in ("save-reload", "save-keep", "save-download"):
        if not d.find_element(By.ID, button).is_displayed():
            fail(f"the refusal offers no {button}")
    d.find_element(By.ID, "save-keep").click()
    browser.wait(lambda d: box(d)[0] is None, "Keep editing did not close the message")
    if editor_text(d) != mine or not dirty(d):
        fail("Keep editing lost the edits")
    print("ok: a file changed on disk is not overwritten; Keep editing keeps the edits")
    ctrl_s(d)
    browser.wait(lambda d: box(d)[0] == "stale", "a second save of a stale file was not refused")
    d.find_element(By.ID, "save-reload").click()
    browser.wait(lambda d: d.switch_to.alert, "reloading with unsaved edits did not ask first")
    d.switch_to.alert.accept()
    browser.wait(lambda d: editor_text(d) == policy_file.read_text() and not dirty(d), "Reload from disk did not bring the file's text")
    js(d, f"{CM}.replaceRange('# after the reload\\n', {{line: 0, ch: 0}})")
    browser.wait(lambda d: dirty(d), "the edit after the reload was not marked")
    ctrl_s(d)
    browser.wait(lambda d: box(d)[0] in ("saved", "saved-errors") and not dirty(d), f"saving after the reload failed: {box(d)}")
    if policy_file.read_text() != "# after the reload\n" + original + "# changed by another editor\n":
        fail("saving after the reload did not write the reloaded text with the new edit")
    print("ok: Reload from disk, then Save, keeps the other editor's change")
    # The refusals above are HTTP 409 answers, which Chromium logs as failed loads: expected here.
    errors = [e for e in browser.console_errors()
              if not (e.get("source") == "network" and "/api/save" in e["message"] and "409" in e["message"])]
    if errors:
        fail(f"console errors in the playground: {errors}")
finally:
    browser.quit()
    stop_server(server)

# 4. A read-only server: no Save, a word saying why, Ctrl-S explains and offers a download.
before = policy_file.read_text()
server, url = start_server(decree, str(work), "--read-only")
browser = Browser()
d = browser.driver
try:
    open_telegram(browser, url)
    if d.find_element(By.ID, "save").is_displayed():
        fail("a read-only server shows a Save button")
    badge = d.find_element(By.ID, "read-only")
    if not badge.is_displayed() or "--read-only" not in badge.get_attribute("title"):
        fail(f"a read-only server does not say so: {badge.get_attribute('title')!r}")
    if not d.find_element(By.ID, "download").is_displayed():
        fail("a read-only server offers no download")
    js(d, f"{CM}.replaceRange('# not to be written\\n', {{line: 0, ch: 0}})")
    browser.wait(lambda d: dirty(d), "an edit on a read-only server was not marked unsaved")
    ctrl_s(d)
    browser.wait(lambda d: box(d)[0] == "refused", "Ctrl-S on a read-only server said nothing")
    if "read-only" not in box(d)[1] or not d.find_element(By.ID, "save-download").is_displayed():
        fail(f"Ctrl-S on a read-only server should say why and offer a download: {box(d)[1]!r}")
    if policy_file.read_text() != before:
        fail("a read-only server wrote the file")
    print(f"ok: read-only: {box(d)[1]}")
finally:
    browser.quit()
    stop_server(server)
    shutil.rmtree(work, ignore_errors=True)
print("save: all checks passed")
