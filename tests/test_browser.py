"""A real browser (Debian's Chromium, driven by Selenium through /usr/bin/chromedriver) opens the HTML report and the playground.

The test set-up installs chromium and chromium-driver with apt-get when they are missing and we are root (CI).
Screenshots are written under pytest's temporary directory (the paths are printed); with
``SDELINT_UPDATE_SCREENSHOTS=1`` one of each page is also copied into docs/ for the README.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.test_html_report import HOSTILE_KEY, HOSTILE_SCRIPT, hostile_payload, shifted_example
from tests.test_serve import start_server, stop_server
from validator.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "conversation-response.json"
CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage")
TOKEN = "playground-token-1234"
WAIT = 20

# The accessibility basics, measured in the page: controls without a label, SVGs without a title, images without alt,
# and the contrast of the main text colours against the background they are shown on (WCAG 2 ratio).
A11Y_SCRIPT = """
function lum(c){var m=c.match(/\\d+(\\.\\d+)?/g).map(Number);var v=m.slice(0,3).map(function(x){x/=255;return x<=0.03928?x/12.92:Math.pow((x+0.055)/1.055,2.4);});
return 0.2126*v[0]+0.7152*v[1]+0.0722*v[2];}
function bg(el){while(el){var c=getComputedStyle(el).backgroundColor;if(c&&c!=='rgba(0, 0, 0, 0)'&&c!=='transparent'){return c;}el=el.parentElement;}return 'rgb(255, 255, 255)';}
function ratio(el){var a=lum(getComputedStyle(el).color),b=lum(bg(el));return (Math.max(a,b)+0.05)/(Math.min(a,b)+0.05);}
var unlabelled=[].slice.call(document.querySelectorAll('input,select,textarea')).filter(function(e){return !(e.labels&&e.labels.length)&&!e.getAttribute('aria-label');}).map(function(e){return e.id||e.outerHTML;});
var untitled=[].slice.call(document.querySelectorAll('svg')).filter(function(s){return !s.querySelector('title')||!s.getAttribute('role');}).map(function(s){return s.id;});
var noalt=[].slice.call(document.querySelectorAll('img')).filter(function(i){return !i.hasAttribute('alt');}).length;
var contrast={};[].slice.call(document.querySelectorAll(arguments[0])).forEach(function(el){var r=ratio(el);var k=el.tagName+'.'+el.className;if(!(k in contrast)||contrast[k]>r){contrast[k]=r;}});
return {unlabelled:unlabelled,untitled:untitled,noalt:noalt,contrast:contrast,lang:document.documentElement.lang};
"""


@pytest.fixture(scope="session")
def chromium() -> None:
    """Debian's chromium and chromium-driver, installed by apt-get when missing (CI runs as root)."""
    if CHROMIUM.exists() and CHROMEDRIVER.exists():
        return
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        pytest.fail("the browser tests need Debian's chromium and chromium-driver: apt-get install -y chromium chromium-driver (as root)")
    environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "chromium", "chromium-driver"]
    if subprocess.run(install, capture_output=True, env=environment, timeout=600).returncode != 0:  # no package lists yet: update first
        for command in (["apt-get", "update", "-qq"], install):
            done = subprocess.run(command, capture_output=True, text=True, env=environment, timeout=600)
            assert done.returncode == 0, f"{' '.join(command)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
    assert CHROMIUM.exists() and CHROMEDRIVER.exists()


@pytest.fixture(scope="module")
def browser(chromium, tmp_path_factory):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    driver.set_window_size(1200, 900)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(scope="module")
def artefacts(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("screenshots")


def screenshot(driver, artefacts: Path, name: str, width: int = 1200) -> Path:
    """A full-page screenshot at ``width``; copied into docs/ when SDELINT_UPDATE_SCREENSHOTS is set."""
    driver.set_window_size(width, 900)
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(width, min(height + 120, 2400))
    driver.execute_script("window.scrollTo(0, 0)")
    path = artefacts / f"{name}.png"
    assert driver.save_screenshot(str(path)) and path.stat().st_size > 5000
    print(f"screenshot: {path}")
    if os.environ.get("SDELINT_UPDATE_SCREENSHOTS") and width >= 1000:
        shutil.copy(path, ROOT / "docs" / f"{name}.png")
    driver.set_window_size(1200, 900)
    return path


def wait_for(condition, message: str):
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    pytest.fail(f"timed out: {message}")


def check_basics(driver, text_selectors: str) -> None:
    """Labels, SVG titles, alt texts, a language, contrast of at least 4.5:1 for the main text, and no sideways scrolling on a phone."""
    found = driver.execute_script(A11Y_SCRIPT, text_selectors)
    assert found["lang"] == "en"
    assert found["unlabelled"] == [] and found["untitled"] == [] and found["noalt"] == 0
    assert found["contrast"], "no text element measured"
    low = {element: round(ratio, 2) for element, ratio in found["contrast"].items() if ratio < 4.5}
    assert not low, f"contrast below 4.5:1: {low}"
    driver.set_window_size(375, 800)
    try:
        overflow = driver.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"the page is {overflow}px wider than a 375px screen"
    finally:
        driver.set_window_size(1200, 900)


def tab_reaches(driver, wanted: set[str], presses: int = 40) -> list[str]:
    """Ids the keyboard focus visits with Tab from the skip link at the top, until every wanted one was reached."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    driver.execute_script("document.querySelector('a.skip').focus()")  # the first stop of both pages: start there
    visited: list[str] = []
    for _ in range(presses):
        ActionChains(driver).send_keys(Keys.TAB).perform()
        visited.append(driver.execute_script("return document.activeElement.id || document.activeElement.tagName"))
        if wanted <= set(visited):
            break
    return visited


# -- the HTML report ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def report_file(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("html-report")
    (folder / "capture-2018-06-10.json").write_text(EXAMPLE.read_text())
    for days in (1, 2, 5):
        (folder / f"capture-shifted-{days}.json").write_text(shifted_example(days))
    (folder / "hostile.json").write_text(json.dumps(hostile_payload(), indent=1))
    with contextlib.chdir(folder):
        result = CliRunner().invoke(main, ["check", "--format", "html", "-o", "report.html", "--exit-zero", "."])
    assert result.exit_code == 0, result.output
    return folder / "report.html"


def test_the_report_in_a_browser(browser, report_file, artefacts):
    from selenium.webdriver.common.by import By

    browser.get(report_file.as_uri())
    assert browser.execute_script("return window.__pwned === undefined")
    rows = browser.find_elements(By.CSS_SELECTOR, "#findings-table tbody tr")
    assert len(rows) > 30
    shown = browser.find_element(By.ID, "shown-count")
    assert shown.text == f"{len(rows)} of {len(rows)} findings shown", "the page's script ran (the CSP allows it by hash)"
    # filter by text, then by severity
    browser.find_element(By.ID, "filter").send_keys("cart-arithmetic")
    visible = [row for row in rows if row.is_displayed()]
    assert 0 < len(visible) < len(rows) and all("cart-arithmetic" in row.text for row in visible)
    assert shown.text.startswith(f"{len(visible)} of")
    browser.find_element(By.ID, "filter").clear()
    browser.execute_script("var s=document.getElementById('filter'); s.dispatchEvent(new Event('input'));")
    # sort by line, descending on the second click
    line_button = browser.find_element(By.CSS_SELECTOR, "button[data-column='3']")
    line_button.click()
    line_button.click()
    lines = [int(v) for v in browser.execute_script("return [].map.call(document.querySelectorAll('#findings-table tbody tr'), r => r.cells[3].textContent)")]
    assert lines == sorted(lines, reverse=True) and lines[0] > lines[-1]
    # the hostile strings are text, not markup
    page_text = browser.find_element(By.TAG_NAME, "body").text
    assert HOSTILE_SCRIPT in page_text and HOSTILE_KEY in page_text
    assert browser.execute_script("return window.__pwned === undefined && document.images.length === 0")
    # the rule's explanation is one click away
    rows[0].find_element(By.CSS_SELECTOR, "a").click()
    anchor = browser.execute_script("return location.hash")
    assert anchor.startswith("#rule-") and "Why:" in browser.find_element(By.ID, anchor[1:]).text
    check_basics(browser, "body, h1, h2, p.muted, td, .sev-error, .sev-warning, .sev-info, a, pre, svg text")
    visited = tab_reaches(browser, {"filter", "severity-filter"})
    assert {"filter", "severity-filter"} <= set(visited), visited
    screenshot(browser, artefacts, "html-report")
    screenshot(browser, artefacts, "html-report-narrow", width=375)


# -- the playground ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def playground(tmp_path_factory):
    server = start_server(tmp_path_factory.mktemp("playground"), env={"SDELINT_TOKEN": TOKEN}, token=TOKEN)
    try:
        yield server
    finally:
        stop_server(server)


def expected_findings() -> list[dict]:
    """The example's findings as ``sdelint check --format json`` gives them at the default minimum severity."""
    with contextlib.chdir(tempfile.gettempdir()):
        result = CliRunner().invoke(main, ["check", "--format", "json", "--exit-zero", str(EXAMPLE)])
    return json.loads(result.output)["findings"]


def lint_in_page(browser, payload: str | None = None) -> None:
    from selenium.webdriver.common.by import By

    if payload is not None:
        browser.execute_script("document.getElementById('payload').value = arguments[0]", payload)
    browser.execute_script("document.getElementById('status').textContent = ''")
    browser.find_element(By.ID, "lint-button").click()
    wait_for(lambda: browser.find_element(By.ID, "status").text not in ("", "Linting\u2026"), "the lint answer")


def test_the_playground_in_a_browser(browser, playground, artefacts):
    from selenium.webdriver.common.by import By

    browser.get(playground.base + "/")  # public: the page itself needs no token
    assert browser.title == "sdelint playground"
    browser.find_element(By.ID, "example-button").click()
    payload = browser.find_element(By.ID, "payload")
    wait_for(lambda: "conversationHistoryRecords" in (payload.get_attribute("value") or ""), "the example in the text box")

    lint_in_page(browser)  # no token typed: the API refuses, and the page says why
    status = browser.find_element(By.ID, "status")
    assert "requires a token" in status.text and not browser.find_element(By.ID, "results").is_displayed()

    browser.find_element(By.ID, "token").send_keys(TOKEN)
    lint_in_page(browser)
    expected = expected_findings()
    assert status.text == f"{len(expected)} findings."
    items = browser.find_elements(By.CSS_SELECTOR, "#finding-list li")
    assert [item.find_element(By.CSS_SELECTOR, "a.rule").text for item in items] == [f["rule"] for f in expected]
    assert all(f["message"] in item.text for f, item in zip(expected, items, strict=True))
    marks = browser.find_elements(By.CSS_SELECTOR, "#marked mark")
    assert len(marks) == len({(f["line"], f["column"]) for f in expected})
    assert '"11.7"' in [mark.text for mark in marks], "cart-arithmetic marks the cart's total in the text"
    assert "token" not in browser.current_url and TOKEN not in browser.current_url

    # each finding links to its rule's documentation (fetched with the token)
    items[0].find_element(By.CSS_SELECTOR, "a.rule").click()
    doc = browser.find_element(By.ID, "rule-doc-text")
    wait_for(lambda: "Why:" in doc.text, "the rule's explanation")
    assert doc.text.startswith(expected[0]["rule"] + ":")

    # the minimum severity reaches the service: info shows the numeric-string findings the default hides
    from selenium.webdriver.support.ui import Select

    Select(browser.find_element(By.ID, "min-severity")).select_by_value("info")
    lint_in_page(browser)
    assert "numeric-string" in browser.find_element(By.ID, "finding-list").text
    Select(browser.find_element(By.ID, "min-severity")).select_by_value("warning")
    lint_in_page(browser)

    check_basics(browser, "body, h1, h2, label, p.hint, #finding-list li, .sev-error, .sev-warning, .sev-info, a, pre, #lint-button")
    visited = tab_reaches(browser, {"payload", "file", "api-version", "min-severity", "token", "lint-button", "example-button"})
    assert {"payload", "file", "api-version", "min-severity", "token", "lint-button", "example-button"} <= set(visited), visited
    screenshot(browser, artefacts, "playground")
    screenshot(browser, artefacts, "playground-narrow", width=375)

    # a hostile payload: its keys and values are shown as text, and no script of theirs runs
    lint_in_page(browser, json.dumps(hostile_payload(), indent=1))
    listed = browser.find_element(By.ID, "finding-list").text
    assert HOSTILE_SCRIPT in listed and HOSTILE_KEY in listed
    assert json.dumps(HOSTILE_KEY)[1:-1] in browser.find_element(By.ID, "marked").text, "the payload's text, as typed"
    assert browser.execute_script("return window.__pwned === undefined && document.images.length === 0")


def test_the_playground_files_are_public_and_locked_down(playground):
    """The page and its files need no token and carry a CSP without inline script; the API still needs the token."""
    status, headers, body = playground.request("GET", "/", auth=False)
    assert status == 200 and headers["content-type"].startswith("text/html")
    policy = headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "default-src 'none'" in policy
    assert b"<script>" not in body and not re.search(rb"<[^>]*\son\w+\s*=", body), "no inline script or handler"
    for path in ("/static/playground.js", "/static/playground.css", "/static/example.json"):
        status, headers, _ = playground.request("GET", path, auth=False)
        assert status == 200 and headers["x-content-type-options"] == "nosniff", path
    assert playground.request("GET", "/static/nothing.js", auth=False)[0] == 401, "unknown files are not public"
    assert playground.request("GET", "/static/nothing.js")[0] == 404
    assert playground.request("POST", "/v1/lint", EXAMPLE.read_bytes(), auth=False)[0] == 401
    assert playground.request("GET", "/v1/rules", auth=False)[0] == 401



def test_the_playground_marks_the_right_text_after_a_byte_order_mark(browser, playground):
    """A payload pasted with a byte order mark: the service counts no column for it, so line 1's marks must not shift."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    browser.get(playground.base + "/")
    browser.find_element(By.ID, "token").send_keys(TOKEN)
    Select(browser.find_element(By.ID, "min-severity")).select_by_value("info")
    event = {"sdeType": "CART_STATUS", "serverTimeStamp": "1", "cartStatus": {"currency": "ZZZ"}}
    lint_in_page(browser, "\ufeff" + json.dumps({"events": [event]}))
    marks = [mark.text for mark in browser.find_elements(By.CSS_SELECTOR, "#marked mark")]
    assert '"1"' in marks and '"ZZZ"' in marks, marks
    assert "{" in marks, "missing-field marks the object's bracket, not its first key"


def test_the_playground_marks_a_big_minified_payload_quickly(browser, playground):
    """A minified payload (one line, as the API sends it) with the most findings an answer lists: each is marked at its
    own text, astral characters before it counted as Python counts them, without rescanning the line for each finding."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    browser.get(playground.base + "/")
    browser.find_element(By.ID, "token").send_keys(TOKEN)
    Select(browser.find_element(By.ID, "min-severity")).select_by_value("warning")
    events = [{"sdeType": "CART_STATUS", "serverTimeStamp": "1528628536879",
               "cartStatus": {"serverTimeStamp": "1528628536879", "currency": f"Z\U0001f600{n % 10}"}} for n in range(1000)]
    payload = json.dumps({"events": events}, ensure_ascii=False) + " " * 1_000_000  # a long line, cheap for the service to parse
    browser.execute_script("document.getElementById('payload').value = arguments[0]", payload)
    started = time.monotonic()
    lint_in_page(browser)
    took = time.monotonic() - started
    assert browser.find_element(By.ID, "status").text == "1000 findings."
    marks = browser.execute_script("return [].map.call(document.querySelectorAll('#marked mark'), function (m) { return m.textContent; })")
    assert marks == [f'"Z\U0001f600{n % 10}"' for n in range(1000)]
    assert took < 6, f"linting and marking took {took:.1f} s"


def test_the_playground_says_when_its_server_is_gone(browser, tmp_path):
    """The server stopped after the page was opened: Lint and Load the example both say so, and the box keeps its text."""
    from selenium.webdriver.common.by import By

    server = start_server(tmp_path)
    try:
        browser.get(server.base + "/")
    finally:
        stop_server(server)
    lint_in_page(browser, '{"events": []}')
    status = browser.find_element(By.ID, "status")
    assert status.text.startswith("The server could not be reached") and "error" in status.get_attribute("class")
    browser.execute_script("document.getElementById('status').textContent = ''")
    browser.find_element(By.ID, "example-button").click()
    wait_for(lambda: status.text, "a word about the example")
    assert status.text.startswith("The example could not be loaded") and "error" in status.get_attribute("class")
    assert browser.find_element(By.ID, "payload").get_attribute("value") == '{"events": []}'


def test_the_playground_says_what_is_wrong_with_a_token(browser, playground):
    """A wrong token is called wrong, not missing; one a browser cannot send is named, not taken for a server that is down."""
    from selenium.webdriver.common.by import By

    browser.get(playground.base + "/")
    token = browser.find_element(By.ID, "token")
    status = browser.find_element(By.ID, "status")
    token.send_keys("not-" + TOKEN)
    lint_in_page(browser, '{"events": []}')
    assert status.text == "The server refused the token: check the Token field."
    token.clear()
    token.send_keys(TOKEN + "\u00e9\u20ac")
    lint_in_page(browser)
    assert "other than printable ASCII" in status.text and "could not be reached" not in status.text


def test_the_playground_counts_one_finding_in_the_singular(browser, playground):
    from selenium.webdriver.common.by import By

    browser.get(playground.base + "/")
    browser.find_element(By.ID, "token").send_keys(TOKEN)
    lint_in_page(browser, '{"events": [}')
    assert browser.find_element(By.ID, "status").text == "1 finding."
    assert browser.find_element(By.ID, "summary").text == "1 error, 0 warnings, 0 info."


def test_the_playground_shows_the_last_lint_asked_for(browser, playground):
    """Lint a big payload, then at once a small one: the big one's answer, arriving last, must not replace the small one's."""
    from selenium.webdriver.common.by import By

    browser.get(playground.base + "/")
    browser.find_element(By.ID, "token").send_keys(TOKEN)
    events = [{"sdeType": "CART_STATUS", "serverTimeStamp": "1528628536879",
               "cartStatus": {"serverTimeStamp": "1528628536879", "currency": f"ZZ{n % 10}"}} for n in range(6000)]
    small = json.dumps({"events": [{"sdeType": "CART_STATUS", "serverTimeStamp": "1528628536879",
                                    "cartStatus": {"serverTimeStamp": "1528628536879", "currency": "QQQ"}}]})
    browser.execute_script(
        "var box = document.getElementById('payload'), button = document.getElementById('lint-button');"
        "box.value = arguments[0]; button.click(); box.value = arguments[1]; button.click();",
        json.dumps({"events": events}), small)
    wait_for(lambda: browser.find_element(By.ID, "status").text == "1 finding.", "the small payload's answer")
    time.sleep(3)  # the big payload's answer comes in meanwhile
    assert browser.find_element(By.ID, "status").text == "1 finding."
    assert browser.find_element(By.ID, "marked").text == small


def test_the_playground_shows_bidi_and_control_characters_escaped(browser, playground):
    """A right-to-left override in a key or value would reverse the rest of its line on screen (the pointer, the
    line and column after it, the payload's following text): it is shown as an escape, as the text format does."""
    from selenium.webdriver.common.by import By

    browser.get(playground.base + "/")
    browser.find_element(By.ID, "token").send_keys(TOKEN)
    cart = '{"serverTimeStamp": "1528628536879", "currency": "A\u202eBCD", "x\u202eyz": 1, "tot\u2028al": "1"}'
    lint_in_page(browser, '{"events": [{"sdeType": "CART_STATUS", "serverTimeStamp": "1528628536879", "cartStatus": ' + cart + "}]}")
    listed = browser.find_element(By.ID, "finding-list").text
    marked = browser.find_element(By.ID, "marked").text
    assert "(/events/0/cartStatus/x\\u202eyz)" in listed and "(/events/0/cartStatus/tot\\u2028al)" in listed
    assert not any(char in listed + marked for char in "\u202e\u2028")
    marks = [mark.text for mark in browser.find_elements(By.CSS_SELECTOR, "#marked mark")]
    assert marks == ['"A\\u202eBCD"', '"x\\u202eyz"', '"tot\\u2028al"'], marks


def test_the_playground_checks_as_the_server_is_configured_unless_told_otherwise(browser, tmp_path):
    """The page always sent api_version=auto: a server started with a configuration naming `api-version: v1` checked
    the playground's payloads as auto (the example as v2), unlike every other client of it."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    (tmp_path / "v1.yaml").write_text("api-version: v1\n", encoding="utf-8")
    server = start_server(tmp_path, "--config", str(tmp_path / "v1.yaml"))
    try:
        browser.get(server.base + "/")
        lint_in_page(browser, EXAMPLE.read_text(encoding="utf-8"))
        summary = browser.find_element(By.ID, "summary").text
        assert "checked as API v1" in summary, summary
        assert "v1-unauthenticated" in browser.find_element(By.ID, "finding-list").text
        Select(browser.find_element(By.ID, "api-version")).select_by_value("auto")
        lint_in_page(browser)
        assert "checked as API v2" in browser.find_element(By.ID, "summary").text
    finally:
        stop_server(server)
