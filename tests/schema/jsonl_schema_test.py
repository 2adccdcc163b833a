#!/usr/bin/python3
"""Every line of real `decree run --format jsonl` output validates against
docs/schema/decree-jsonl.schema.json: the first line as the header, every other line as a case
(or, with --brief, a reduced case). Each case line also says what the same case says in
`decree run --format json` (decree.trace/1), once the header's dictionary is joined back in, and
the schema refuses lines that break it (so the check can fail).

usage: jsonl_schema_test.py DECREE SOURCE_DIR
"""
import json
import subprocess
import sys

import jsonschema

decree, source_dir = sys.argv[1], sys.argv[2]
schema = json.load(open(f"{source_dir}/docs/schema/decree-jsonl.schema.json"))
jsonschema.Draft7Validator.check_schema(schema)


def validator(definition):
    return jsonschema.Draft7Validator({"$ref": f"#/definitions/{definition}", "definitions": schema["definitions"]})


whole = jsonschema.Draft7Validator(schema)
header_v, case_v, brief_v = validator("header"), validator("case"), validator("brief_case")
failures = []


def fail(what):
    failures.append(what)
    print("FAIL:", what, file=sys.stderr)


def run(args):
    p = subprocess.run([decree, "run", *args], cwd=source_dir, capture_output=True, text=True)
    if p.returncode not in (0, 2):
        fail(f"decree run {' '.join(args)} exited {p.returncode}: {p.stderr}")
    return p.stdout


# Runs that cover every kind of outcome: decided, default, conflict, not applicable, undetermined
# with what would settle it, defeated rules, obligations and flags, rules that follow from a
# decision, facts with provenance, a broken file beside good ones, JSON Lines and CSV inputs.
runs = [
    ["tests/golden/run/policy.decree", "tests/golden/run"],
    ["policies/telegram-1956.decree", "scenarios/historical"],
    ["policies/telegram-1956.decree", "scenarios"],
    ["policies/memo-draft-1956-02-02.decree", "scenarios/historical"],
    ["tests/golden/cases/policy.decree", "tests/golden/cases-jsonl/valid.jsonl"],
    ["tests/golden/cases/policy.decree", "tests/golden/cases-csv/valid.csv"],
]
lines_checked = 0
for args in runs:
    for brief in (False, True):
        flags = ["--format", "jsonl"] + (["--brief"] if brief else [])
        out = run(flags + args)
        lines = out.split("\n")
        if lines[-1] != "":
            fail(f"{args}: the output does not end in a line end")
        lines = lines[:-1]
        if len(lines) < 2:
            fail(f"{args}: expected a header and at least one case, got {len(lines)} lines")
            continue
        parsed = [json.loads(line) for line in lines]
        for i, obj in enumerate(parsed):
            v = header_v if i == 0 else (brief_v if brief else case_v)
            errors = sorted(v.iter_errors(obj), key=lambda e: list(e.path))
            for e in errors[:5]:
                fail(f"{args} brief={brief} line {i + 1}: {'/'.join(map(str, e.path))}: {e.message}")
            if whole.is_valid(obj) is not (not errors):
                fail(f"{args} line {i + 1}: the schema's top level disagrees with its definition")
            lines_checked += 1
        if parsed[0]["brief"] is not brief:
            fail(f"{args}: header says brief={parsed[0]['brief']}")
        # The same cases, in the same order, as the JSON document says them.
        doc = json.loads(run((["--brief"] if brief else []) + ["--format", "json"] + args))
        ids = [c["id"] for c in doc["cases"]]
        if [c["id"] for c in parsed[1:]] != ids:
            fail(f"{args}: the case lines are not the JSON document's cases in order")
            continue
        if parsed[0]["policy"] != doc["policy"]:
            fail(f"{args}: the header's policy differs from the JSON document's")
        titles = {d["decision"]: d for d in parsed[0]["decisions"]}
        for line, case in zip(parsed[1:], doc["cases"]):
            if brief:
                if line != case:
                    fail(f"{args} {case['id']}: the brief line differs from the JSON document's case")
                continue
            for dl, dj in zip(line["decisions"], case["decisions"]):
                for key in ("status", "outcome", "outcome_text", "value", "by", "rule", "because",
                            "decisive_facts", "applies", "default_used", "settling"):
                    if dl[key] != dj[key]:
                        fail(f"{args} {case['id']} {dl['decision']}: {key} differs: {dl[key]!r} vs {dj[key]!r}")
                if titles[dl["decision"]]["title"] != dj["title"] or titles[dl["decision"]]["default"] != dj["default"]:
                    fail(f"{args} {case['id']} {dl['decision']}: the header's title or default differs")
                if [r["rule"] for r in dl["rules"]] != [r["rule"] for r in dj["rules"]]:
                    fail(f"{args} {case['id']} {dl['decision']}: the rules differ")
                for rl, rj in zip(dl["rules"], dj["rules"]):
                    for key in ("state", "when", "failed", "defeated_by"):
                        if rl[key] != rj[key]:
                            fail(f"{args} {case['id']} {rl['rule']}: {key} differs")
                    if [(c["text"], c["value"], c["decisive"]) for c in rl["conditions"]] != \
                       [(c["text"], c["value"], c["decisive"]) for c in rj["conditions"]]:
                        fail(f"{args} {case['id']} {rl['rule']}: the conditions differ")
            for key, name in (("obligations", "obligation"), ("flags", "flag")):
                if [(x[name], x["rule"]) for x in line[key]] != [(x[name], x["rule"]) for x in case[key]]:
                    fail(f"{args} {case['id']}: {key} differ")

# The schema can fail: lines with a key missing, a key it does not know, a wrong type.
out = run(["--format", "jsonl", "tests/golden/run/policy.decree", "tests/golden/run/decided.yaml"]).split("\n")
header, case = json.loads(out[0]), json.loads(out[1])
broken = [
    ("a case without its id", {k: v for k, v in case.items() if k != "id"}, case_v),
    ("a case with a key not in the schema", dict(case, extra=1), case_v),
    ("a decision whose status is no status", dict(case, decisions=[dict(case["decisions"][0], status="maybe")]), case_v),
    ("a header of another schema", dict(header, schema="decree.jsonl/2"), header_v),
    ("a header without its rules", {k: v for k, v in header.items() if k != "rules"}, header_v),
]
for what, obj, v in broken:
    if v.is_valid(obj) or whole.is_valid(obj):
        fail(f"the schema accepts {what}")

if failures:
    print(f"{len(failures)} failure(s)", file=sys.stderr)
    sys.exit(1)
print(f"{lines_checked} lines of {len(runs) * 2} runs valid against decree-jsonl.schema.json; "
      f"{len(broken)} broken lines refused")
