#!/usr/bin/python3
"""`decree serve` over HTTP, without a browser: --host 0.0.0.0 says the playground is reachable
from the network; a body over the limit, a GET where a POST is needed, and a save without
--save-dir are refused with a JSON message; with --save-dir, a save writes the file.

usage: serve_test.py DECREE SOURCE_DIR"""
import json
import pathlib
import sys
import tempfile
import urllib.error
import urllib.request

from browser import fail, start_server, stop_server

decree, root = sys.argv[1], sys.argv[2]


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
