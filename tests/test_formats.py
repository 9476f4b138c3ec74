"""Every output format says the same thing: for every fixture the findings agree across JSON,
Markdown and SARIF; SARIF validates against the official 2.1.0 schema; Markdown draws a
Mermaid diagram per path; text fits 80 columns; DOT and --graph draw the same paths."""

from __future__ import annotations

import json
import os
import re
import stat
import sys
from pathlib import Path

import jsonschema
import pytest

from glue_netcheck.analyse.connection import analyse_connection
from glue_netcheck.collect.inputs import load_snapshot
from glue_netcheck.report import dot, json_report, markdown, sarif, text

from conftest import FIXTURES, run_cli

SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif" / "sarif-schema-2.1.0.json").read_text())
NAMES = sorted(p.stem for p in FIXTURES.glob("*.json") if p.stem != "layouts")


def reports(name: str):  # type: ignore[no-untyped-def]
    inventory = load_snapshot(FIXTURES / f"{name}.json")["us-east-1"]
    return [analyse_connection(inventory, "orders-db")]


@pytest.mark.parametrize("name", NAMES)
def test_formats_agree(name: str) -> None:
    rs = reports(name)
    from_json = {(f["check"], f["resource"]) for f in json.loads(json_report.render(rs[0]))["findings"]}
    document = json.loads(sarif.render(rs))
    from_sarif = {
        (r["ruleId"], r["locations"][0]["logicalLocations"][0]["name"]) for r in document["runs"][0]["results"]
    }
    from_markdown = set(re.findall(r"^- \*\*\w+\*\* `([^`]+)` on `([^`]+)`", markdown.render(rs), re.M))
    assert from_json == from_sarif == from_markdown
    assert len(document["runs"][0]["results"]) == len(rs[0].findings)
    jsonschema.validate(document, SCHEMA)


def test_sarif_rules_describe_every_check() -> None:
    driver = json.loads(sarif.render(reports("no-route-to-kms")))["runs"][0]["tool"]["driver"]
    ids = [rule["id"] for rule in driver["rules"]]
    assert len(ids) == len(set(ids))
    kms = next(rule for rule in driver["rules"] if rule["id"] == "kms-reachable")
    assert kms["defaultConfiguration"]["level"] == "error"
    assert kms["helpUri"].endswith("#kms-reachable") and kms["shortDescription"]["text"]


@pytest.mark.parametrize("name", ["kms-private-dns-off", "healthy-nat", "transit-gateway-egress"])
def test_markdown_draws_each_path(name: str) -> None:
    rs = reports(name)
    page = markdown.render(rs)
    assert page.count("```mermaid") == len(rs[0].paths)
    for path in rs[0].paths:
        if path.reachable is False:
            assert '-.->|"⛔ ' in page and "stroke:#d00" in page
    assert "## Glue connection `orders-db`" in page and "| # | hop | resource | verdict | why |" in page


@pytest.mark.parametrize("name", NAMES)
def test_text_fits_80_columns(name: str) -> None:
    """Everything wraps to 80 columns but the fix commands, which stand whole on their own lines
    under "Fix:" so that they survive copy and paste."""
    lines = text.render(reports(name), width=80).splitlines()
    in_fix = False
    for line in lines:
        in_fix = line == "  Fix:" or (in_fix and line.startswith("    "))
        if not (in_fix and line.startswith("    ")):
            assert len(line) <= 80, line
    assert lines[0].split()[0] in ("PASS", "WARN", "FAIL", "UNKNOWN")


@pytest.mark.parametrize("name", NAMES)
def test_text_says_causes_before_evidence_and_nothing_after_the_drop(name: str) -> None:
    rs = reports(name)
    output = text.render(rs, width=80)
    first_path = min((output.find(f"\n{p.service}  ") for p in rs[0].paths), default=-1)
    for finding in rs[0].findings:
        assert output.find(f"{finding.check} on {finding.resource}") < first_path
    for path in rs[0].paths:
        drop = next((i for i, h in enumerate(path.hops) if h.verdict == "deny"), None)
        if drop is not None and drop + 1 < len(path.hops):
            assert "not reached" in output


def test_color_only_when_asked() -> None:
    rs = reports("no-route-to-kms")
    assert "\x1b[" in text.render(rs, color=True)
    assert "\x1b[" not in text.render(rs, color=False)


def test_dot_marks_the_dropping_edge() -> None:
    rs = reports("kms-endpoint-sg-blocks-443")
    graph = dot.render(rs)
    assert graph.startswith("digraph glue_netcheck {")
    assert graph.count("subgraph cluster_") == len(rs[0].paths) >= 2
    assert '[color=red, style=dashed, label="⛔ ENI_SG_RULES_MISMATCH"]' in graph


def test_graph_without_graphviz_warns_and_still_reports(tmp_path: Path) -> None:
    env = {"PATH": str(tmp_path), "AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "x"}
    result = run_cli(
        "connection",
        "orders-db",
        "--snapshot",
        str(FIXTURES / "no-route-to-kms.json"),
        "--graph",
        str(tmp_path / "g.svg"),
        env={**env, "PATH": f"{tmp_path}:{os.path.dirname(sys.executable)}"},
    )
    assert result.code == 1 and result.stdout.startswith("FAIL")
    assert "Graphviz's `dot` is not on PATH" in result.stderr
    assert not (tmp_path / "g.svg").exists()


def test_graph_is_drawn_with_graphviz(tmp_path: Path) -> None:
    # A stand-in for Graphviz's dot (not installed on CI): checks its input is DOT, writes a file.
    fake = tmp_path / "dot"
    fake.write_text('#!/bin/sh\ninput=$(cat)\ncase "$input" in digraph*) echo "<svg>$1</svg>";; *) exit 1;; esac\n')
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    out = tmp_path / "paths.svg"
    env = {
        "PATH": f"{tmp_path}:{os.path.dirname(sys.executable)}:/usr/bin:/bin",
        "AWS_ACCESS_KEY_ID": "x",
        "AWS_SECRET_ACCESS_KEY": "x",
    }
    result = run_cli(
        "connection", "orders-db", "--snapshot", str(FIXTURES / "healthy-nat.json"), "--graph", str(out), env=env
    )
    assert result.code == 0, result.stderr
    assert out.read_text().strip() == "<svg>-Tsvg</svg>"


@pytest.mark.parametrize("name", NAMES)
def test_the_trace_ends_at_the_drop_and_blocked_at_is_the_cause(name: str) -> None:
    """One story per path: nothing after the first drop, and blocked_at names either that
    dropping hop or the DNS hop that sent the traffic the public way."""
    for report in reports(name):
        for path in report.paths:
            drops = [i for i, h in enumerate(path.hops) if h.verdict == "deny"]
            if not drops:
                assert path.blocked_at is None
                continue
            assert drops == [len(path.hops) - 1], path.hops
            assert path.blocked_at is not None
            named = [h for h in path.hops if (h.type, h.id) == (path.blocked_at.type, path.blocked_at.id)]
            assert any(h.verdict == "deny" for h in named) or (
                path.bypassed_endpoint and any(h.verdict == "info" for h in named)
            ), (path.blocked_at, path.hops)
