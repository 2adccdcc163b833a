#!/usr/bin/python3
"""`decree run|diff|explore|report --format html`: one self-contained file each. For each command:
the JSON embedded in the page is exactly what `--format json` prints; the element skeleton (tags,
ids, classes and data-view outside scripts and styles) matches tests/golden/html/NAME.skeleton
(UPDATE_GOLDEN=1 rewrites it); nothing is loaded from elsewhere (no src or href, no URL); and the
file, opened in headless Chromium, draws its view with no console error.

usage: html_test.py DECREE SOURCE_DIR"""
import json
import os
import pathlib
import subprocess
import sys
import tempfile
from html.parser import HTMLParser

from selenium.webdriver.common.by import By

from browser import Browser, fail

decree, root = sys.argv[1], sys.argv[2]
golden = pathlib.Path(root) / "tests" / "golden" / "html"
TELEGRAM = "policies/telegram-1956.decree"

PAGES = {
    "run": ["run", TELEGRAM, "scenarios/historical/"],
    "diff": ["diff", TELEGRAM, "scenarios/counterfactual/justified-not-required.decree", "scenarios/historical/"],
    "explore": ["explore", TELEGRAM, "--decision", "return"],
    "report": ["report", TELEGRAM, "scenarios/historical/"],
}


class Skeleton(HTMLParser):
    """The page's elements outside <script> and <style>, one line each, indented by depth."""

    VOID = {"meta", "link", "br", "img", "input", "hr"}

    def __init__(self):
        super().__init__()
        self.lines, self.depth, self.raw = [], 0, None
        self.data_json, self.scripts, self.external = None, [], []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for key in ("src", "href"):
            if key in a:
                self.external.append(f"<{tag} {key}={a[key]}>")
        if tag in ("script", "style"):
            self.raw = (tag, a)
            return
        keep = " ".join(f'{k}="{a[k]}"' for k in ("id", "class", "data-view") if k in a)
        self.lines.append("  " * self.depth + f"<{tag}{' ' + keep if keep else ''}>")
        if tag not in self.VOID:
            self.depth += 1

    def handle_endtag(self, tag):
        if self.raw and tag == self.raw[0]:
            self.raw = None
            return
        if tag not in self.VOID:
            self.depth -= 1

    def handle_data(self, data):
        if self.raw and self.raw[0] == "script":
            if self.raw[1].get("type") == "application/json" and self.raw[1].get("id") == "decree-data":
                self.data_json = data
                self.lines.append("  " * self.depth + '<script type="application/json" id="decree-data">')
            else:
                self.scripts.append(data)
                self.lines.append("  " * self.depth + f'<script type="{self.raw[1].get("type", "")}">')
        elif self.raw and self.raw[0] == "style":
            self.lines.append("  " * self.depth + "<style>")


def run(args):
    return subprocess.run([decree, *args], cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


tmp = pathlib.Path(tempfile.mkdtemp(prefix="decree-html-"))
files = {}
for name, args in PAGES.items():
    html = run([*args, "--format", "html"])
    data = run([*args, "--format", "json"])
    if html.returncode != data.returncode or html.returncode not in (0, 1):
        fail(f"{name}: --format html exited {html.returncode}, json {data.returncode}: {html.stderr}")
    page = Skeleton()
    page.feed(html.stdout)
    if page.data_json is None:
        fail(f"{name}: no <script type=application/json id=decree-data> in the page")
    if json.loads(page.data_json) != json.loads(data.stdout):
        fail(f"{name}: the embedded JSON differs from --format json")
    if page.external:
        fail(f"{name}: the page loads other files: {page.external}")
    # The SVG namespace is a name, not an address; no other URL may appear.
    bare = html.stdout.replace('"http://www.w3.org/2000/svg"', "")
    if "http://" in bare or "https://" in bare:
        fail(f"{name}: the page holds a URL")
    if not html.stdout.startswith("<!doctype html>"):
        fail(f"{name}: the page does not start with <!doctype html>")
    skeleton = "\n".join(page.lines) + "\n"
    expected = golden / f"{name}.skeleton"
    if os.environ.get("UPDATE_GOLDEN"):
        expected.parent.mkdir(parents=True, exist_ok=True)
        expected.write_text(skeleton)
    elif not expected.exists() or expected.read_text() != skeleton:
        fail(f"{name}: the skeleton differs from {expected} (UPDATE_GOLDEN=1 rewrites it; read the diff):\n{skeleton}")
    f = tmp / f"{name}.html"
    f.write_text(html.stdout)
    files[name] = (f, json.loads(data.stdout))
    print(f"ok: {name}: embedded JSON, skeleton, no network")

browser = Browser()
d = browser.driver
try:
    for name, (f, doc) in files.items():
        d.get(f.as_uri())
        browser.wait(lambda d: d.execute_script("return document.body.dataset.ready") == "true", f"{name}: the page never drew")
        if name == "run":
            shown = len(d.find_elements(By.CSS_SELECTOR, "section.case"))
            if shown != len(doc["cases"]):
                fail(f"run: {shown} cases drawn, {len(doc['cases'])} in the JSON")
            for c in doc["cases"]:
                o = d.find_element(By.CSS_SELECTOR, f"section.case[data-case='{c['id']}'] .decision[data-decision=return]")
                if o.get_attribute("data-outcome") != c["decisions"][0]["outcome"]:
                    fail(f"run: {c['id']} drawn as {o.get_attribute('data-outcome')}")
        elif name == "diff":
            if d.find_element(By.CSS_SELECTOR, "section.diff .differing").text != str(doc["differing"]):
                fail("diff: the count of differing cases is not the JSON's")
            if len(d.find_elements(By.CSS_SELECTOR, ".case-diff")) != len(doc["differences"]):
                fail("diff: not every differing case is drawn")
        elif name == "explore":
            rows = len(d.find_elements(By.CSS_SELECTOR, ".space-decision[data-decision=return] > table tbody tr"))
            if rows != len(doc["decisions"][0]["rows"]):
                fail(f"explore: {rows} rows drawn, {len(doc['decisions'][0]['rows'])} in the JSON")
        elif name == "report":
            if len(d.find_elements(By.CSS_SELECTOR, ".report-obligation")) != len(doc["reports"]):
                fail("report: not every obligation is drawn")
        errors = browser.console_errors()
        if errors:
            fail(f"{name}: console errors: {errors}")
        print(f"ok: {name}: drawn in Chromium with no console error")
finally:
    browser.quit()
print("html: all checks passed")
