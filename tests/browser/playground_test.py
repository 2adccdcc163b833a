#!/usr/bin/python3
"""The playground in headless Chromium, against `decree serve` on a free port: the telegram and
L. Yu. Kim come out REFUSED by misdemeanants_answer_locally, as `decree run` says; flipping
misdemeanor changes the outcome; a typo in the policy shows its error at its line; a diff over
an amendment shows the counts `decree diff` gives; a share link opens the same state in a fresh
page. With --screenshot FILE, saves the page as the README shows it.

usage: playground_test.py DECREE SOURCE_DIR [--screenshot FILE]"""
import json
import subprocess
import sys

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from browser import Browser, fail, js, start_server, stop_server

decree, root = sys.argv[1], sys.argv[2]
screenshot = sys.argv[sys.argv.index("--screenshot") + 1] if "--screenshot" in sys.argv else None

TELEGRAM = "policies/telegram-1956.decree"
AMENDMENT = "scenarios/counterfactual/justified-not-required.decree"
POPULATION = "scenarios/populations/return-requests.yaml"


def cli_json(*args):
    out = subprocess.run([decree, *args], cwd=root, stdout=subprocess.PIPE, text=True)
    return json.loads(out.stdout)


def outcome(d, decision="return"):
    els = d.find_elements(By.CSS_SELECTOR, f"#trace .decision[data-decision={decision}] > summary .outcome")
    return els[0].text if els else None


def deciding_rule(d, decision="return"):
    els = d.find_elements(By.CSS_SELECTOR, f"#trace .decision[data-decision={decision}] > summary .deciding-rule")
    return els[0].text if els else None


expected = cli_json("run", TELEGRAM, "scenarios/historical/ly-kim.yaml", "--format", "json")["cases"][0]["decisions"][0]
assert expected["decision"] == "return"
want = f"{expected['value'].upper()} by {expected['by']}"

server, url = start_server(decree, root)
browser = Browser()
d = browser.driver
try:
    # 1. The telegram and L. Yu. Kim (the page opens on them), read from the trace tree.
    d.get(url)
    browser.wait(lambda d: d.execute_script("return document.body.dataset.ready") == "true", "the page never became ready")
    Select(d.find_element(By.ID, "policy")).select_by_value(TELEGRAM)
    Select(d.find_element(By.ID, "case")).select_by_value("ly-kim")
    browser.wait(lambda d: outcome(d) == want, f"the trace never showed return: {want} (it shows {outcome(d)})")
    if deciding_rule(d) != expected["rule"]:
        fail(f"the deciding rule is {deciding_rule(d)}, decree run says {expected['rule']}")
    rule = d.find_element(By.CSS_SELECTOR, f"#trace .rule.deciding[data-rule={expected['rule']}]")
    if rule.get_attribute("data-state") != "applies":
        fail("the deciding rule's block does not say it applies")
    defeated = d.find_element(By.CSS_SELECTOR, "#trace .rule[data-rule=grant_return]")
    if defeated.get_attribute("data-state") != "defeated" or "misdemeanants_answer_locally" not in defeated.text:
        fail("grant_return is not shown defeated by misdemeanants_answer_locally")
    # A citation shows its quoted clause when tapped.
    cite = rule.find_element(By.CSS_SELECTOR, ".cite")
    quote_text = cite.get_attribute("title")
    if not quote_text:
        fail("the citation carries no quote")
    # ... and the paragraph it cites, from the texts in sources/.
    paragraph = {"telegram s2": "are not sheltered from responsibility by leaving for the USSR",
                 "telegram s3": "these people should answer for their actions locally in the DPRK"}.get(cite.text)
    if paragraph is None or f"{cite.text}: " not in quote_text or paragraph not in quote_text:
        fail(f"the hover of {cite.text!r} does not show the paragraph it cites: {quote_text!r}")
    cite.click()
    browser.wait(lambda d: rule.find_element(By.CSS_SELECTOR, ".quote").is_displayed(), "the quote did not open on tap")
    print(f"ok: return {outcome(d)} — {deciding_rule(d)}")
    if screenshot:
        d.save_screenshot(screenshot)
        print(f"saved {screenshot}")

    # 2. misdemeanor = false changes the outcome; a settling button settles it.
    Select(d.find_element(By.ID, "fact-misdemeanor")).select_by_value("false")
    browser.wait(lambda d: outcome(d) not in (None, want), "the outcome did not change with misdemeanor = false")
    print(f"ok: misdemeanor = false gives return {outcome(d)}")
    if outcome(d) != "UNDETERMINED":
        fail(f"with misdemeanor = false the return should be undetermined, the page says {outcome(d)}")
    buttons = [b for b in d.find_elements(By.CSS_SELECTOR, "#trace .decision[data-decision=return] .settle")
               if b.text.startswith("if justified = true") and "GRANTED" in b.text]
    if not buttons:
        fail("no settling button 'if justified = true → GRANTED'")
    buttons[0].click()
    browser.wait(lambda d: outcome(d) == "GRANTED by embassy", "the settling button did not settle the return to GRANTED")
    print("ok: the settling button gives GRANTED by embassy")

    # 3. A typo in the policy: the error appears at its line, as the student types.
    cm = "document.querySelector('.CodeMirror').CodeMirror"
    line = js(d, f"const cm = {cm}; for (let i = 0; i < cm.lineCount(); i++) if (/^\\s*when covered and request is return_to_ussr/.test(cm.getLine(i))) return i; return -1;")
    if line < 0:
        fail("no `when covered and request is return_to_ussr` line in the telegram")
    js(d, f"const cm = {cm}; const t = cm.getLine({line}); const at = t.indexOf('covered'); cm.replaceRange('coverd', {{line: {line}, ch: at}}, {{line: {line}, ch: at + 7}});")
    browser.wait(lambda d: d.find_elements(By.CSS_SELECTOR, f"#diagnostics li.error[data-line='{line + 1}']"),
                 f"no inline error at line {line + 1}")
    err = d.find_element(By.CSS_SELECTOR, f"#diagnostics li.error[data-line='{line + 1}']").text
    if "coverd" not in err:
        fail(f"the error at line {line + 1} does not name the typo: {err}")
    if not d.find_elements(By.CSS_SELECTOR, ".CodeMirror .cm-diag-error"):
        fail("the typo is not marked in the editor")
    print(f"ok: typo → error at line {line + 1}: {err.splitlines()[0]}")
    js(d, f"{cm}.undo()")
    browser.wait(lambda d: d.find_element(By.ID, "check-status").text.startswith("ok"), "undoing the typo did not clear the error")

    # 4. An amendment compared over the documented cases and a population, as `decree diff` counts.
    d.find_element(By.CSS_SELECTOR, "[role=tab][data-view=diff]").click()
    Select(d.find_element(By.ID, "other")).select_by_value(AMENDMENT)
    Select(d.find_element(By.ID, "population")).select_by_value(POPULATION)
    d.find_element(By.ID, "diff-go").click()
    browser.wait(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#diff-out section.diff")) == 2, "the diff never appeared")
    cases = cli_json("diff", TELEGRAM, AMENDMENT, "scenarios/historical/", "--format", "json")
    pop = cli_json("diff", "--limit", "0", TELEGRAM, AMENDMENT, POPULATION, "--format", "json")
    sections = d.find_elements(By.CSS_SELECTOR, "#diff-out section.diff")
    for section, doc in zip(sections, [cases, pop]):
        got = (section.get_attribute("data-cases"), section.find_element(By.CSS_SELECTOR, ".differing").text)
        if got != (str(doc["cases"]), str(doc["differing"])):
            fail(f"the diff shows {got[1]} of {got[0]} differing, decree diff says {doc['differing']} of {doc['cases']}")
        for m in doc["summary"]["decisions"]:
            for c in m["counts"]:
                sel = f".bar[data-decision='{m['decision']}'][data-a='{c['a']}'][data-b='{c['b']}']"
                bars = section.find_elements(By.CSS_SELECTOR, sel)
                if not bars or bars[0].get_attribute("data-count") != str(c["count"]):
                    fail(f"bar {m['decision']} {c['a']} → {c['b']}: page {bars[0].get_attribute('data-count') if bars else 'missing'}, decree diff {c['count']}")
    moved = sections[1].find_elements(By.CSS_SELECTOR, ".bar.moved")
    if not moved:
        fail("the population diff has no bar of cases that moved")
    d.execute_script("arguments[0].dispatchEvent(new MouseEvent('click', {bubbles: true}))", moved[0])
    browser.wait(lambda d: sections[1].find_elements(By.CSS_SELECTOR, ".samples .case-diff"), "clicking a bar showed no sample case")
    print(f"ok: diff {cases['differing']}/{cases['cases']} documented, {pop['differing']}/{pop['cases']} in the population; a bar opens samples")

    # 5. Why not, explore (a row fills the case panel) and the rules graph.
    d.find_element(By.CSS_SELECTOR, "[role=tab][data-view=why-not]").click()
    Select(d.find_element(By.ID, "why-decision")).select_by_value("return")
    Select(d.find_element(By.ID, "why-value")).select_by_value("refused")
    d.find_element(By.ID, "why-go").click()
    browser.wait(lambda d: d.find_elements(By.CSS_SELECTOR, "#why-out .why-not .rule[data-rule=misdemeanants_answer_locally]"),
                 "why-not drew no rule that could refuse the return")
    d.find_element(By.CSS_SELECTOR, "[role=tab][data-view=explore]").click()
    browser.wait(lambda d: d.find_elements(By.CSS_SELECTOR, "#explore-out .space-decision[data-decision=return] tbody tr"),
                 "explore drew no table")
    row = d.find_element(By.CSS_SELECTOR, "#explore-out .space-decision[data-decision=return] tbody tr")
    row_outcome = row.find_element(By.CSS_SELECTOR, ".outcome").text
    row.click()
    browser.wait(lambda d: d.find_element(By.ID, "view-trace").is_displayed() and outcome(d) is not None
                 and outcome(d).split(" ")[0].lower() == row_outcome.split(" ")[0].lower(),
                 f"a row of explore ({row_outcome}) did not fill the case panel with a case that comes out so")
    d.find_element(By.CSS_SELECTOR, "[role=tab][data-view=graph]").click()
    browser.wait(lambda d: d.find_elements(By.CSS_SELECTOR, "#graph-out svg .edge[data-from=misdemeanants_answer_locally][data-to=grant_return]"),
                 "the rules graph has no edge from misdemeanants_answer_locally to grant_return")
    if d.find_element(By.ID, "view-trace").is_displayed():
        fail("the case and trace view stays on screen under the rules graph")
    print(f"ok: why-not, explore (a row → {row_outcome}), rules graph")
    d.find_element(By.CSS_SELECTOR, "[role=tab][data-view=trace]").click()
    # Back to L. Yu. Kim with misdemeanor = false, justified = true, for the share link.
    Select(d.find_element(By.ID, "case")).select_by_value("ly-kim")
    browser.wait(lambda d: outcome(d) == want, "L. Yu. Kim did not come back")
    Select(d.find_element(By.ID, "fact-misdemeanor")).select_by_value("false")
    browser.wait(lambda d: outcome(d) == "UNDETERMINED", "misdemeanor = false again")
    Select(d.find_element(By.ID, "fact-justified")).select_by_value("true")
    browser.wait(lambda d: outcome(d) == "GRANTED by embassy", "justified = true did not grant")

    # 6. The share link: the edited text, the case's facts and the view, in a fresh page.
    js(d, f"{cm}.replaceRange('# a shared exercise\\n', {{line: 0, ch: 0}})")
    browser.wait(lambda d: d.find_element(By.ID, "check-status").text.startswith("ok") and outcome(d) == "GRANTED by embassy"
                 and "shared exercise" in d.execute_script("return location.hash ? atob(location.hash.slice(3).replace(/-/g,'+').replace(/_/g,'/')) : ''"),
                 "the edited page did not settle")
    d.find_element(By.ID, "share").click()
    link = d.find_element(By.ID, "share-url").get_attribute("value")
    before = (outcome(d), deciding_rule(d))
    errors = browser.console_errors()
    if errors:
        fail(f"console errors in the playground: {errors}")
    fresh = Browser()
    try:
        f = fresh.driver
        f.get(link)
        fresh.wait(lambda f: f.execute_script("return document.body.dataset.ready") == "true", "the shared page never became ready")
        fresh.wait(lambda f: outcome(f) == before[0], f"the shared page shows {outcome(f)}, not {before[0]}")
        if deciding_rule(f) != before[1]:
            fail("the shared page's deciding rule differs")
        if Select(f.find_element(By.ID, "fact-misdemeanor")).first_selected_option.get_attribute("value") != "false":
            fail("the shared page lost misdemeanor = false")
        if not f.execute_script(f"return {cm}.getValue().startsWith('# a shared exercise')"):
            fail("the shared page lost the edited text")
        if f.find_element(By.ID, "case").get_attribute("value") != "ly-kim":
            fail("the shared page lost the case")
        if fresh.console_errors():
            fail(f"console errors in the shared page: {fresh.console_errors()}")
    finally:
        fresh.quit()
    print("ok: the share link opens the same state in a fresh page")
finally:
    browser.quit()
    stop_server(server)
print("playground: all checks passed")
