"""`--format html`: one self-contained page per analysis or batch. The verdict comes first,
each path is an inline SVG chain with the blocking hop marked and what lies after the drop
greyed, every finding is there with its fix and a copy button, and every user-supplied value
is escaped. The page is opened in a real headless Chromium (Debian's `chromium`), which must
load nothing from anywhere and show the verdict, the diagrams and every finding; screenshots
land in pytest's tmp_path and their paths are printed (`pytest -s`)."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import re
import shutil
import struct
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from glue_netcheck.analyse.connection import analyse_connection
from glue_netcheck.analyse.consumer import analyse_consumer
from glue_netcheck.analyse.results import BatchReport, ConnectionReport
from glue_netcheck.checks.finding import Fix
from glue_netcheck.collect.inputs import load_snapshot
from glue_netcheck.report import html
from glue_netcheck.report.svg import boxes

from conftest import FIXTURES, run_cli

NAMES = sorted(p.stem for p in FIXTURES.glob("*.json") if p.stem != "layouts")
LAYOUTS: dict[str, dict[str, Any]] = json.loads((FIXTURES / "layouts.json").read_text())
CHROMIUM = next((found for name in ("chromium", "chromium-browser") if (found := shutil.which(name))), None)
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None,
    reason="no `chromium` on PATH: the HTML page is tested in a real browser (apt-get install -y chromium)",
)


def analysis(name: str) -> ConnectionReport:
    return analyse_connection(load_snapshot(FIXTURES / f"{name}.json")["us-east-1"], "orders-db")


class Page(HTMLParser):
    """The elements of a page, each as (tag, attributes, own text), in document order."""

    def __init__(self, source: str) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str], list[str]]] = []
        self._open: list[int] = []
        self.feed(source)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {k: v or "" for k, v in attrs}, []))
        if tag not in ("meta", "br", "path", "rect", "circle", "input", "link", "img"):
            self._open.append(len(self.elements) - 1)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {k: v or "" for k, v in attrs}, []))

    def handle_endtag(self, tag: str) -> None:
        while self._open and self.elements[self._open.pop()][0] != tag:
            pass

    def handle_data(self, data: str) -> None:
        for index in self._open:
            self.elements[index][2].append(data)

    def find(self, tag: str, **attrs: str) -> list[tuple[dict[str, str], str]]:
        """Elements by tag and attribute values (a `class_` value must be one of the classes)."""
        found = []
        for name, have, text in self.elements:
            if name != tag:
                continue
            if "class_" in attrs and attrs["class_"] not in have.get("class", "").split():
                continue
            if all(have.get(k) == v for k, v in attrs.items() if k != "class_"):
                found.append((have, "".join(text)))
        return found


# --- the page itself, without a browser -------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_every_fixture_page_has_verdict_diagrams_and_findings(name: str) -> None:
    report = analysis(name)
    source = html.render(report)
    page = Page(source)

    [(verdict, verdict_text)] = page.find("section", class_="verdict")
    assert verdict["data-verdict"] == report.verdict and verdict_text.strip().startswith(report.verdict.upper())
    assert source.index('class="verdict') < source.index('class="finding') if report.findings else True
    assert [a["data-service"] for a, _ in page.find("svg")] == [p.service for p in report.paths]
    shown = {(a["data-check"], a["data-severity"], text) for a, text in page.find("div", class_="finding")}
    for f in report.findings:
        assert any(c == f.check and s == f.severity and f.message in text for c, s, text in shown), f
    assert len(shown) == len(report.findings)


@pytest.mark.parametrize("name", ["nat-without-igw-route", "healthy-nat"])
def test_nothing_is_loaded_from_anywhere(name: str) -> None:
    source = html.render(analysis(name))
    # The only URL is SVG's namespace, which is a name and never fetched.
    assert set(re.findall(r"https?://[^\s\"'<>)]+", source)) == {"http://www.w3.org/2000/svg"}
    assert not re.search(r"<(link|img|iframe|object|embed)\b|\bsrc=|@import|url\((?!#)", source)
    [(meta, _)] = Page(source).find("meta", **{"http-equiv": "Content-Security-Policy"})
    [script] = re.findall(r"<script>(.*?)</script>", source, re.S)
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    assert meta["content"].startswith("default-src 'none';") and f"'sha256-{digest}'" in meta["content"]


def test_blocking_hop_is_marked_and_what_follows_is_not_reached() -> None:
    broken, healthy = analysis("nat-without-igw-route"), analysis("healthy-nat")
    [kms] = [p for p in broken.paths if p.service == "kms"]
    states = [(b.state, b.ident) for b in boxes(kms, {}, broken.connection.subnet_id)]
    drop = LAYOUTS["nat-without-igw-route"]["public_route_table"]
    at = states.index(("deny", drop))
    # The NAT subnet's table drops it; KMS itself was never reached.
    assert states[0] == ("source", broken.connection.subnet_id)
    assert {s for s, _ in states[1:at]} == {"allow"} and states[at + 1 :]
    assert all(s == "unreached" for s, _ in states[at + 1 :])
    assert states[-1] == ("unreached", "kms.us-east-1.amazonaws.com:443")
    page = Page(html.render(broken))
    [(_, badge)] = page.find("g", class_="blocked-badge")
    assert badge == "BLOCKED HERE"
    [(_, title)] = page.find("g", class_="deny")
    assert title.startswith(f"route-table {drop}")
    rows = [(a["class"], t) for a, t in page.find("tr") if a.get("class")]
    # The trace ends at the drop: one blocking row on the page, no hop after it in its table;
    # the only other row that is not an allow is the external target's undecided hop.
    assert [c for c, _ in rows if c != "allow"] == ["deny", "unknown"]

    for path in healthy.paths:
        assert {b.state for b in boxes(path, {}, None)} <= {"source", "allow", "info", "service"}, path.service
    assert not Page(html.render(healthy)).find("g", class_="blocked-badge")


def test_a_dns_cause_is_marked_apart_from_the_drop() -> None:
    broken, healthy = analysis("kms-private-dns-off"), analysis("healthy-kms-endpoint")
    [kms] = [p for p in broken.paths if p.service == "kms"]
    assert kms.blocked_at is not None
    marked = {b.state: b.ident for b in boxes(kms, {}, None) if b.state in ("cause", "deny")}
    first_deny = next(h for h in kms.hops if h.verdict == "deny")
    if kms.blocked_at.id == first_deny.id:  # one story: the cause is the drop
        assert marked == {"deny": first_deny.id}
    else:
        assert marked == {"cause": kms.blocked_at.id, "deny": first_deny.id}
    for path in healthy.paths:
        assert not {b.state for b in boxes(path, {}, None)} & {"cause", "deny", "unreached"}, path.service


def test_an_undecidable_path_says_so() -> None:
    report, twin = analysis("transit-gateway-egress"), analysis("healthy-nat")
    page = Page(html.render(report))
    assert page.find("section", class_="verdict")[0][0]["data-verdict"] == "unknown"
    [(_, title)] = page.find("g", class_="unknown")[:1]
    assert title.startswith("transit-gateway tgw-")
    assert not page.find("g", class_="deny") and not page.find("g", class_="unreached")
    assert not Page(html.render(twin)).find("g", class_="unknown")


HOSTILE = "</script><script>document.title='pwned'</script><img src=x onerror=\"document.title='pwned'\">"


def hostile_report() -> ConnectionReport:
    report = analysis("no-route-to-kms")
    conn = dataclasses.replace(report.connection, name=f"orders{HOSTILE}", properties={"X": HOSTILE})
    finding = dataclasses.replace(report.findings[0], message=f"msg {HOSTILE}", remediation=f"aws x {HOSTILE}")
    return dataclasses.replace(report, connection=conn, findings=(finding, *report.findings[1:]))


def test_user_values_are_escaped() -> None:
    source = html.render(hostile_report())
    assert HOSTILE not in source and "<img" not in source and source.count("<script>") == 1
    page = Page(source)
    assert HOSTILE in page.find("title")[0][1]
    assert any(f"msg {HOSTILE}" in text for _, text in page.find("p", class_="message"))
    assert any(text == f"aws x {HOSTILE}" for _, text in page.find("pre"))


def test_fix_commands_each_get_a_copy_button() -> None:
    report = analysis("nat-without-igw-route")
    commands = (
        "IGW=igw-b0272511626126eee",
        "aws ec2 create-route --route-table-id rtb-e481c602953054008 --destination-cidr-block 0.0.0.0/0"
        ' --gateway-id "$IGW"',
    )
    fix = Fix(True, "kms becomes reachable via nat-gateway", commands, 'resource "aws_route" "nat" {}')
    first = dataclasses.replace(report.findings[0], fix=fix, folded=("target-reachable",))
    fixed = dataclasses.replace(report, findings=(first, *report.findings[1:]))
    page = Page(html.render(fixed))
    pres = {a["id"]: (a.get("class", ""), t) for a, t in page.find("pre")}
    buttons = [a["data-target"] for a, _ in page.find("button", class_="copy")]
    assert set(buttons) == set(pres)
    assert [t for c, t in pres.values() if c == "fix-command"] == list(commands)
    assert [t for c, t in pres.values() if c == "fix-script"] == ["\n".join(commands)]
    assert [t for c, t in pres.values() if c == "terraform"] == ['resource "aws_route" "nat" {}']
    assert any("verified fix" in t for _, t in page.find("span", class_="ok"))
    assert [t for _, t in page.find("p", class_="folded")] == ["Also reported by: target-reachable"]
    # The same finding without fix data offers its remediation to copy instead.
    plain = [(a.get("class", ""), t) for a, t in Page(html.render(report)).find("pre")]
    assert plain[0] == ("remediation", report.findings[0].remediation)
    assert {c for c, _ in plain} == {"remediation"}


def test_batch_page_leads_with_the_worst_and_names_plan_addresses() -> None:
    broken, healthy = analysis("nat-without-igw-route"), analysis("healthy-nat")
    healthy = dataclasses.replace(healthy, connection=dataclasses.replace(healthy.connection, name="events-db"))
    drop = LAYOUTS["nat-without-igw-route"]["public_route_table"]
    plan = BatchReport("plan", (healthy, broken), {drop: "aws_route_table.public"}, "plan.json")
    page = Page(html.render(plan))
    [(verdict, text)] = page.find("section", class_="verdict")[:1]
    assert verdict["data-verdict"] == "fail" and "1 fail, 1 pass" in text
    sections = page.find("section", class_="connection")
    assert [a["data-connection"] for a, _ in sections] == ["orders-db", "events-db"]
    assert [(a["href"], t) for a, t in page.find("a")] == [(f"#{s['id']}", s["data-connection"]) for s, _ in sections]
    assert any("(aws_route_table.public)" in t for a, t in page.find("div", class_="finding") if a["data-check"])
    scan = Page(html.render(BatchReport("scan", (healthy,))))
    assert scan.find("section", class_="verdict")[0][0]["data-verdict"] == "pass"


def test_job_page_has_its_own_findings_and_each_connection() -> None:
    inventory = load_snapshot(FIXTURES / "nat-without-igw-route.json")["us-east-1"]
    result = analyse_consumer(inventory, "job", "nightly-etl")
    page = Page(html.render(result))
    assert page.find("section", class_="verdict")[0][0]["data-verdict"] == result.verdict
    assert [a["data-connection"] for a, _ in page.find("section", class_="connection")] == [
        r.connection.name for r in result.connections
    ]
    messages = "".join(t for _, t in page.find("p", class_="message"))
    for f in (*result.findings, *(f for r in result.connections for f in r.findings)):
        assert f.message in messages


# --- in a real browser -------------------------------------------------------------------------

# Injected by the tests only (its hash added to the page's policy): what the browser laid out,
# what it loaded, and any policy violation, written into the DOM for --dump-dom.
PROBE = """
var probe = {violations: []};
document.addEventListener("securitypolicyviolation", function (e) { probe.violations.push(e.blockedURI); });
window.addEventListener("load", function () {
  function box(el) { var r = el.getBoundingClientRect(); return [Math.round(r.width), Math.round(r.height)]; }
  var verdict = document.querySelector("section.verdict");
  probe.verdict = [verdict.innerText, Math.round(verdict.getBoundingClientRect().top)];
  probe.diagrams = Array.from(document.querySelectorAll("svg.path-diagram")).map(function (s) {
    return [s.dataset.service, box(s)]; });
  probe.blocked = Array.from(document.querySelectorAll("g.hop.deny")).map(function (g) {
    return [g.querySelector("title").textContent, box(g)]; });
  probe.findings = Array.from(document.querySelectorAll("div.finding")).map(function (f) {
    return [f.dataset.check, f.querySelector(".message").innerText, box(f)]; });
  probe.loaded = performance.getEntriesByType("resource").map(function (e) { return e.name; });
  probe.title = document.title;
  probe.images = document.images.length;
  ACTION
  setTimeout(function () { document.body.setAttribute("data-probe", JSON.stringify(probe)); }, 50);
});
"""


def chromium(*args: str, profile: Path) -> str:
    assert CHROMIUM is not None
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--hide-scrollbars",
        # Anything the page tried to fetch from the network would fail, not quietly succeed.
        "--host-resolver-rules=MAP * ~NOTFOUND",
        f"--user-data-dir={profile}",
    ]
    done = subprocess.run([CHROMIUM, *flags, *args], capture_output=True, text=True, timeout=180, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def probed(source: str, tmp_path: Path, action: str = "") -> dict[str, Any]:
    """Open the page with PROBE injected first in <head>; what the probe saw."""
    script = PROBE.replace("ACTION", action)
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    source = source.replace("script-src ", f"script-src 'sha256-{digest}' ", 1)
    source = source.replace("<head>", f"<head><script>{script}</script>", 1)
    page = tmp_path / "probed.html"
    page.write_text(source, encoding="utf-8")
    dom = chromium("--virtual-time-budget=5000", "--dump-dom", page.as_uri(), profile=tmp_path / "profile")
    [(body, _)] = Page(dom).find("body")
    assert "data-probe" in body, dom[:2000]
    result: dict[str, Any] = json.loads(body["data-probe"])
    return result


def screenshot(source: str, tmp_path: Path, name: str, height: int = 2000) -> Path:
    page, png = tmp_path / f"{name}.html", tmp_path / f"{name}.png"
    page.write_text(source, encoding="utf-8")
    chromium(f"--screenshot={png}", f"--window-size=1200,{height}", page.as_uri(), profile=tmp_path / "shot")
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">II", data[16:24]) == (1200, height)
    print(f"\nscreenshot of {name}: {png}")
    return png


@needs_chromium
@pytest.mark.parametrize("name", ["nat-without-igw-route", "healthy-nat"])
def test_chromium_shows_verdict_diagrams_and_every_finding(name: str, tmp_path: Path) -> None:
    report = analysis(name)
    source = html.render(report)
    seen = probed(source, tmp_path)

    assert seen["violations"] == [] and seen["loaded"] == [] and seen["images"] == 0
    text, top = seen["verdict"]
    assert text.startswith(report.verdict.upper()) and top < 200  # first thing on the page
    assert [s for s, _ in seen["diagrams"]] == [p.service for p in report.paths]
    assert all(w > 300 and h > 60 for _, (w, h) in seen["diagrams"])
    blocked = [p.blocked_at.id for p in report.paths if p.blocked_at and any(h.verdict == "deny" for h in p.hops)]
    assert [t.split()[1].rstrip(":") for t, _ in seen["blocked"]] == blocked
    assert all(w > 100 and h > 40 for _, (w, h) in seen["blocked"])
    assert sorted((c, m) for c, m, _ in seen["findings"]) == sorted((f.check, f.message) for f in report.findings)
    assert all(h > 40 for _, _, (_, h) in seen["findings"])
    screenshot(source, tmp_path, name)


@needs_chromium
def test_probe_sees_a_page_that_loads_something(tmp_path: Path) -> None:
    # The probe's own positive control: the same page with one remote image must be caught.
    source = html.render(analysis("healthy-nat")).replace("<body>", '<body><img src="http://example.invalid/x.png">')
    seen = probed(source, tmp_path)
    assert seen["images"] == 1 and (seen["violations"] or seen["loaded"])


@needs_chromium
def test_chromium_runs_no_injected_script(tmp_path: Path) -> None:
    seen = probed(html.render(hostile_report()), tmp_path)
    assert seen["title"].startswith("glue-netcheck: Glue connection orders</script>") and seen["title"] != "pwned"
    assert seen["images"] == 0 and seen["violations"] == []


CLICK = """
  var first = document.querySelector("button.copy");
  probe.expected = document.getElementById(first.dataset.target).textContent;
  STUB
  first.click();
  setTimeout(function () { probe.state = first.dataset.copied; }, 20);
"""
API = """Object.defineProperty(navigator, "clipboard", {configurable: true, value: {writeText: function (t) {
    probe.copied = t; return Promise.resolve(); }}});"""
# No Clipboard API (an old browser, or a page opened over plain http): the textarea fallback.
FALLBACK = """Object.defineProperty(navigator, "clipboard", {configurable: true, value: undefined});
  document.execCommand = function (command) {
    probe.copied = document.activeElement.value; return command === "copy"; };"""


@needs_chromium
@pytest.mark.parametrize("stub", [API, FALLBACK], ids=["clipboard-api", "textarea-fallback"])
def test_copy_button_copies_the_fix(stub: str, tmp_path: Path) -> None:
    report = analysis("nat-without-igw-route")
    seen = probed(html.render(report), tmp_path, CLICK.replace("STUB", stub))
    assert seen["expected"] == report.findings[0].remediation
    assert seen["copied"] == seen["expected"] and seen["state"] == "yes"


@needs_chromium
def test_cli_writes_the_page_chromium_opens(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    snapshot = str(FIXTURES / "nat-without-igw-route.json")
    done = run_cli("connection", "orders-db", "--snapshot", snapshot, "--format", "html", "--output", str(out))
    assert done.code == 1 and done.stdout == "", done.stderr
    report = analysis("nat-without-igw-route")
    seen = probed(out.read_text(encoding="utf-8"), tmp_path)
    assert seen["verdict"][0].startswith("FAIL") and seen["violations"] == [] and seen["loaded"] == []
    assert [s for s, _ in seen["diagrams"]] == [p.service for p in report.paths]
    assert sorted(c for c, _, _ in seen["findings"]) == sorted(f.check for f in report.findings)
