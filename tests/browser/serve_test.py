#!/usr/bin/python3
"""`decree serve` over HTTP, without a browser: --host 0.0.0.0 says the playground is reachable
from the network; a body over the limit, a GET where a POST is needed, and a save without
--save-dir are refused with a JSON message; with --save-dir, a save writes the file. Saving over
a served file (in a copy of the policies): the text is written as sent, whole; a file changed on
disk since it was loaded, a path that leaves the served folder or is not served, and a server that
is read-only (--read-only, or --host 0.0.0.0) are refused with a message and write nothing.

usage: serve_test.py DECREE SOURCE_DIR"""
import atexit
import json
import pathlib
import shutil
import sys
import tempfile
import urllib.error
import urllib.request

from browser import fail, start_server, stop_server

decree, root = str(pathlib.Path(sys.argv[1]).resolve()), sys.argv[2]


def call(url, data=None):
    req = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


# --host 0.0.0.0: a line says so; the page is still reached on loopback.
server, url, lines = start_server(decree, root, "--host", "0.0.0.0", "--max-population", "10", lines=True)
try:
    if not any("reachable from the network" in line for line in lines):
        fail(f"--host 0.0.0.0 printed no line saying the playground is reachable from the network: {lines}")
    status, body = call(url + "api/check", b" " * (600 * 1024))
    if status != 413 or "larger than" not in body.get("error", ""):
        fail(f"a body over the limit: HTTP {status} {body}")
    status, body = call(url + "api/evaluate")
    if status != 405 or "POST" not in body.get("error", ""):
        fail(f"GET /api/evaluate: HTTP {status} {body}")
    status, body = call(url + "api/save", json.dumps({"name": "x", "policy": {"text": "policy x \"X\"\n"}}).encode())
    if status != 403 or "does not save" not in body.get("error", ""):
        fail(f"a save without --save-dir: HTTP {status} {body}")
    status, body = call(url + "api/diff", json.dumps({"policy": {"path": "policies/telegram-1956.decree"},
                                                       "other": {"path": "scenarios/counterfactual/no-friends-veto.decree"},
                                                       "population": "scenarios/populations/return-requests.yaml"}).encode())
    if status != 413 or "at most 10" not in body.get("error", ""):
        fail(f"a population over --max-population: HTTP {status} {body}")
    # A set-valued fact: the form learns it is a set, and a value set in the page comes back the
    # same way (values by commas; "" is the empty set).
    policy = {"path": "policies/telegram-1956.decree"}
    status, body = call(url + "api/facts", json.dumps({"policy": policy}).encode())
    reasons = [f for f in body.get("facts", []) if f["name"] == "stated_reasons"]
    if status != 200 or not reasons or reasons[0]["kind"] != "set" or "illness" not in reasons[0]["values"]:
        fail(f"/api/facts does not describe stated_reasons as a set: HTTP {status} {reasons or body}")
    for given, shown in (("illness,family", "illness,family"), ("", "(empty)")):
        status, body = call(url + "api/evaluate", json.dumps({"policy": policy, "set": {"stated_reasons": given}}).encode())
        reasons = [f for f in body.get("facts", []) if f["name"] == "stated_reasons"]
        if status != 200 or not reasons or reasons[0]["value"] != shown or not reasons[0]["changed"]:
            fail(f"stated_reasons set to {given!r} in the page: HTTP {status} {reasons or body}")
finally:
    stop_server(server)
print("ok: --host 0.0.0.0 warns; limits, methods and saving refused with JSON messages; a set fact in the form")

# --save-dir: the page may save an edited policy there, and only there.
folder = pathlib.Path(tempfile.mkdtemp(prefix="decree-save-"))
atexit.register(shutil.rmtree, folder, ignore_errors=True)  # removed however the test ends
server, url, _ = start_server(decree, root, "--save-dir", str(folder), lines=True)
try:
    text = "policy mine \"Mine\"\n  extends telegram_1956 in \"telegram-1956.decree\"\n"
    status, body = call(url + "api/save", json.dumps({"name": "mine", "policy": {"text": text}}).encode())
    if status != 200 or (folder / "mine.decree").read_text() != text:
        fail(f"save with --save-dir: HTTP {status} {body}")
    status, body = call(url + "api/save", json.dumps({"name": "../escape", "policy": {"text": text}}).encode())
    if status != 400:
        fail(f"a save named ../escape: HTTP {status} {body}")
    if sorted(p.name for p in folder.iterdir()) != ["mine.decree"]:
        fail(f"the save folder holds {sorted(p.name for p in folder.iterdir())}")
finally:
    stop_server(server)
print("ok: --save-dir saves there, under a checked name")

# Saving over a served file, in a copy of the project's policies, scenarios and sources.
work = pathlib.Path(tempfile.mkdtemp(prefix="decree-save-http-"))
atexit.register(shutil.rmtree, work, ignore_errors=True)
for part in ("policies", "scenarios", "sources"):
    shutil.copytree(pathlib.Path(root) / part, work / part)
TELEGRAM = "policies/telegram-1956.decree"
telegram = work / TELEGRAM
original = telegram.read_text()
post = lambda url, endpoint, body: call(url + "api/" + endpoint, json.dumps(body).encode())
server, url, lines = start_server(decree, str(work), lines=True)
try:
    if not any("saves an edited policy over the file it came from" in line for line in lines):
        fail(f"serve does not say that the page saves over the served files: {lines}")
    status, body = call(url + "api/policies")
    if status != 200 or body.get("save", {}).get("enabled") is not True:
        fail(f"/api/policies does not say the page may save: HTTP {status} {body.get('save')}")
    status, body = post(url, "policy", {"path": TELEGRAM})
    version = body.get("version")
    if status != 200 or body.get("text") != original or not version:
        fail(f"/api/policy gives no text and version: HTTP {status} {body}")
    edited = "# my note, kept as written\n" + original + "rule half_written\n"
    status, body = post(url, "save", {"path": TELEGRAM, "text": edited, "version": version})
    if status != 200 or telegram.read_text() != edited or body.get("errors", 0) < 1 or body.get("ok") is not False:
        fail(f"a save of a policy with an error: HTTP {status} {body}")
    leftovers = [p.name for p in telegram.parent.iterdir() if p.name.startswith(".")]
    if leftovers:
        fail(f"the save left temporary files beside the policy: {leftovers}")
    status, body = post(url, "policy", {"path": TELEGRAM})
    if status != 200 or body.get("text") != edited or body.get("version") == version:
        fail(f"after the save, the server does not serve the saved text: HTTP {status}")
    saved_version = body["version"]
    print(f"ok: a save writes the text as sent ({len(edited)} bytes; {body.get('version')}), with its error counted")

    # Changed on disk since the page loaded it: refused, the other change kept.
    theirs = original + "# changed by another editor\n"
    telegram.write_text(theirs)
    status, body = post(url, "save", {"path": TELEGRAM, "text": "# mine\n" + original, "version": saved_version})
    if status != 409 or body.get("stale") is not True or "changed on disk" not in body.get("error", "") or telegram.read_text() != theirs:
        fail(f"a save over a file changed on disk: HTTP {status} {body}")
    status, body = post(url, "policy", {"path": TELEGRAM})
    if status != 200 or body.get("text") != theirs:
        fail(f"opening a file changed on disk does not give its new text: HTTP {status}")
    print("ok: a file changed on disk since it was loaded is not overwritten, and opening it again reads it")

    # Paths the server does not serve, or that leave its folder.
    for path in ("policies/../../outside.decree", "../" + TELEGRAM, str(work.parent / "outside.decree"),
                 "policies/new.decree", "scenarios/historical/ly-kim.yaml"):
        status, body = post(url, "save", {"path": path, "text": "policy x \"X\"\n", "version": saved_version})
        if status != 403 or not body.get("error"):
            fail(f"a save to {path}: HTTP {status} {body}")
        if ".." in path and "leaves the folders" not in body["error"]:
            fail(f"a save to {path} does not say it leaves the served folders: {body['error']}")
    if (work / "policies/new.decree").exists() or (work.parent / "outside.decree").exists():
        fail("a refused save wrote a file")
    print("ok: paths outside the served policies are refused")
finally:
    stop_server(server)

# Read-only servers: --read-only, and one reachable from the network.
for args, why in ((["--read-only"], "--read-only"), (["--host", "0.0.0.0"], "reachable from the network")):
    before = telegram.read_text()
    server, url, lines = start_server(decree, str(work), *args, lines=True)
    try:
        if not any("read-only" in line and why in line for line in lines):
            fail(f"serve {args} does not say it is read-only and why: {lines}")
        status, body = call(url + "api/policies")
        if body.get("save", {}).get("enabled") is not False or why not in (body["save"].get("why") or ""):
            fail(f"/api/policies under {args}: {body.get('save')}")
        version = post(url, "policy", {"path": TELEGRAM})[1]["version"]
        status, body = post(url, "save", {"path": TELEGRAM, "text": "# mine\n" + before, "version": version})
        if status != 403 or why not in body.get("error", "") or telegram.read_text() != before:
            fail(f"a save under {args}: HTTP {status} {body}")
    finally:
        stop_server(server)
print("ok: --read-only and --host 0.0.0.0 save nothing and say why")
