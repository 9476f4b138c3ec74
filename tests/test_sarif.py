"""`--format sarif` that GitHub code scanning accepts, checked against GitHub's documented
ingestion requirements and not only the schema.

Sources of the rules below ("SARIF support for code scanning", docs.github.com, and the
GitHub rules of Microsoft's SARIF validator, which GitHub's docs point to):
- every result has `locations[0].physicalLocation.artifactLocation.uri` (GitHub rejects the
  whole upload otherwise: "locationFromSarifResult: expected a physical location") and a
  `region.startLine` >= 1 (GH1001, GH1003);
- the uri is a relative path or a file: URI (GH1005); a `uriBaseId` goes with a relative uri
  and is declared in `run.originalUriBaseIds`;
- `message.text` is non-empty (GH1007); `partialFingerprints` is present (GH1015) and tells
  results apart: GitHub keys an alert on rule, path and `primaryLocationLineHash`;
- every rule has `id`, `shortDescription.text` and `fullDescription.text` of at most 1024
  characters, `help.text` (GH2012), a `name` of at most 255 characters, at most 20 tags;
- `$schema`, `version` 2.1.0, at most 20 runs, 25,000 results and 25,000 rules a run,
  locations 1 to 10 a result; `level` is none, note, warning or error.
Where Microsoft's validator (`sarif-multitool`, npm `@microsoft/sarif-multitool`) is on
PATH it is run too, with its GitHub rules switched on (tests/data/sarif/github-rules.config.xml).
"""

from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import jsonschema
import pytest

from glue_netcheck.analyse.connection import analyse_connection
from glue_netcheck.analyse.consumer import analyse_consumer
from glue_netcheck.analyse.results import BatchReport, ConnectionReport
from glue_netcheck.checks.finding import Finding
from glue_netcheck.collect.inputs import load_snapshot
from glue_netcheck.report import RenderOptions, sarif

from conftest import FIXTURES, ROOT, Aws, run_cli

DATA = Path(__file__).parent / "data" / "sarif"
SCHEMA = json.loads((DATA / "sarif-schema-2.1.0.json").read_text())
NAMES = sorted(p.stem for p in FIXTURES.glob("*.json") if p.stem != "layouts")
LAYOUTS: dict[str, dict[str, Any]] = json.loads((FIXTURES / "layouts.json").read_text())
MULTITOOL = shutil.which("sarif-multitool")


def analysis(name: str) -> ConnectionReport:
    return analyse_connection(load_snapshot(FIXTURES / f"{name}.json")["us-east-1"], "orders-db")


def github_problems(document: dict[str, Any]) -> list[str]:
    """What GitHub's ingestion would reject or mis-file in a SARIF document (module docstring)."""
    problems: list[str] = []

    def need(ok: object, what: str) -> None:
        if not ok:
            problems.append(what)

    need(document.get("$schema"), "no $schema")
    need(document.get("version") == "2.1.0", "version is not 2.1.0")
    runs = document.get("runs") or []
    need(1 <= len(runs) <= 20, "runs: 1 to 20")
    for r, run in enumerate(runs):
        driver = run.get("tool", {}).get("driver", {})
        need(driver.get("name"), f"run {r}: no tool.driver.name")
        rules = driver.get("rules")
        need(isinstance(rules, list) and len(rules) <= 25_000, f"run {r}: rules[] missing or too many")
        rules = rules or []
        ids = [rule.get("id") for rule in rules]
        need(len(ids) == len(set(ids)) and all(ids), f"run {r}: rule ids missing or repeated")
        for rule in rules:
            for field in ("shortDescription", "fullDescription"):
                text = (rule.get(field) or {}).get("text") or ""
                need(len(text.strip()) > 0 and len(text) <= 1024, f"rule {rule.get('id')}: {field}.text")
            need(((rule.get("help") or {}).get("text") or "").strip(), f"rule {rule.get('id')}: help.text")
            need(len(rule.get("name", "")) <= 255, f"rule {rule.get('id')}: name over 255")
            need(len(rule.get("properties", {}).get("tags", [])) <= 20, f"rule {rule.get('id')}: over 20 tags")
        bases = run.get("originalUriBaseIds") or {}
        results = run.get("results")
        need(isinstance(results, list) and len(results) <= 25_000, f"run {r}: results[] missing or too many")
        seen: dict[tuple[str, str, str], int] = {}
        for i, result in enumerate(results or []):
            where = f"run {r} result {i}"
            need(result.get("ruleId") in ids, f"{where}: ruleId not among the rules")
            if "ruleIndex" in result:
                need(ids[result["ruleIndex"]] == result.get("ruleId"), f"{where}: ruleIndex names another rule")
            need(result.get("level", "warning") in ("none", "note", "warning", "error"), f"{where}: level")
            need(((result.get("message") or {}).get("text") or "").strip(), f"{where}: no message.text")
            locations = result.get("locations") or []
            need(1 <= len(locations) <= 10, f"{where}: locations: 1 to 10")
            for location in locations[:1]:
                physical = location.get("physicalLocation") or {}
                artifact = physical.get("artifactLocation") or {}
                uri = artifact.get("uri") or ""
                need(uri, f"{where}: no physicalLocation.artifactLocation.uri")
                scheme = urlparse(uri).scheme
                need(scheme in ("", "file"), f"{where}: uri {uri!r} is not a file path")
                if "uriBaseId" in artifact:
                    need(not scheme, f"{where}: uriBaseId with an absolute uri")
                    need(artifact["uriBaseId"] in bases, f"{where}: uriBaseId not in originalUriBaseIds")
                start = (physical.get("region") or {}).get("startLine")
                need(isinstance(start, int) and start >= 1, f"{where}: region.startLine >= 1")
                line_hash = (result.get("partialFingerprints") or {}).get("primaryLocationLineHash")
                need(line_hash, f"{where}: no partialFingerprints.primaryLocationLineHash")
                key = (str(result.get("ruleId")), uri, str(line_hash))
                need(key not in seen, f"{where}: same rule, file and fingerprint as result {seen.get(key)}")
                seen[key] = i
    return problems


def multitool_problems(document: dict[str, Any], tmp_path: Path) -> list[str]:
    """Microsoft's validator with GitHub's rules: every error it reports, or its crash."""
    assert MULTITOOL is not None
    log, out = tmp_path / "report.sarif", tmp_path / "validation.sarif"
    log.write_text(json.dumps(document))
    config = DATA / "github-rules.config.xml"
    subprocess.run(
        [
            MULTITOOL,
            "validate",
            str(log),
            "--rule-kind",
            "Ghas",
            "-c",
            str(config),
            "--log",
            "ForceOverwrite",
            "-o",
            str(out),
        ],
        capture_output=True,
        timeout=300,
        check=False,
    )
    run = json.loads(out.read_text())["runs"][0]
    found = [f"{r['ruleId']}: {r['message'].get('text', r['message'])}" for r in run.get("results", [])]
    for invocation in run.get("invocations", []):
        found += [str(n["message"]) for n in invocation.get("toolExecutionNotifications", [])]
    return found


def results(text: str) -> list[dict[str, Any]]:
    document = json.loads(text)
    assert github_problems(document) == []
    jsonschema.validate(document, SCHEMA)
    found: list[dict[str, Any]] = document["runs"][0]["results"]
    return found


def uri(result: dict[str, Any]) -> tuple[str, str | None, int]:
    physical = result["locations"][0]["physicalLocation"]
    artifact = physical["artifactLocation"]
    return artifact["uri"], artifact.get("uriBaseId"), physical["region"]["startLine"]


# --- the rules themselves can fail ------------------------------------------------------------


def test_the_github_rules_reject_what_github_rejects() -> None:
    document = json.loads(sarif.render(analysis("nat-without-igw-route")))
    assert github_problems(document) == []
    # The shape this renderer had before: logical locations only, no fingerprints.
    for result in document["runs"][0]["results"]:
        del result["locations"][0]["physicalLocation"], result["partialFingerprints"]
    document["runs"][0]["tool"]["driver"]["rules"][0]["fullDescription"] = {"text": "x" * 1025}
    problems = github_problems(document)
    assert "run 0 result 0: no physicalLocation.artifactLocation.uri" in problems
    assert "run 0 result 0: region.startLine >= 1" in problems
    assert "run 0 result 0: no partialFingerprints.primaryLocationLineHash" in problems
    assert any(p.endswith("fullDescription.text") for p in problems)


# --- where each result points --------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_every_snapshot_finding_points_at_the_snapshot(name: str) -> None:
    report = analysis(name)
    where = f"fixtures/{name}.json"
    found = results(sarif.render(report, RenderOptions(source=where)))
    assert [(r["ruleId"], r["locations"][0]["logicalLocations"][0]["name"]) for r in found] == [
        (f.check, f.resource) for f in report.findings
    ]
    assert {uri(r) for r in found} <= {(where, "%SRCROOT%", 1)}
    levels = {"error": "error", "warning": "warning", "info": "note"}
    assert [r["level"] for r in found] == [levels[f.severity] for f in report.findings]


def test_a_live_finding_names_region_and_resource() -> None:
    report = analysis("nat-without-igw-route")
    drop = LAYOUTS["nat-without-igw-route"]["public_route_table"]
    found = results(sarif.render(report))
    assert {uri(r) for r in found} == {(f"aws/us-east-1/{drop}", "%SRCROOT%", 1)}
    # Each alert has its own fingerprint, stable from one run to the next.
    prints = [r["partialFingerprints"]["primaryLocationLineHash"] for r in found]
    assert len(set(prints)) == len(found) == 1
    assert prints == [r["partialFingerprints"]["primaryLocationLineHash"] for r in results(sarif.render(report))]
    healthy = results(sarif.render(analysis("healthy-nat")))
    assert all(uri(r)[0].startswith("aws/us-east-1/") for r in healthy)


def test_hostile_resource_names_stay_one_relative_path() -> None:
    report = analysis("no-route-to-kms")
    odd = dataclasses.replace(report.findings[0], resource='sg-1/../../etc?x=1#"a b"')
    [result] = results(sarif.render(dataclasses.replace(report, findings=(odd,))))
    assert uri(result) == ("aws/us-east-1/sg-1%2F..%2F..%2Fetc%3Fx%3D1%23%22a%20b%22", "%SRCROOT%", 1)


def plan_of(name: str, address: str) -> tuple[BatchReport, Finding]:
    """A plan of the broken connection and a healthy one; only the blocking resource has an
    address (is in the plan); the healthy connection's findings are on live resources."""
    report, other = analysis(name), analysis("healthy-nat")
    other = dataclasses.replace(other, connection=dataclasses.replace(other.connection, name="events-db"))
    blocked = next(f for f in report.findings if f.severity == "error")
    return BatchReport("plan", (report, other), {blocked.resource: address}, "infra/plan.json"), blocked


def test_plan_results_point_at_the_resource_block_when_sources_are_given() -> None:
    plan, blocked = plan_of("nat-without-igw-route", "aws_route_table.public")
    with_source = RenderOptions(locations={"aws_route_table.public": ("./infra/network.tf", 42)})
    found = results(sarif.render(plan, with_source))
    at = {(r["properties"]["scope"], r["locations"][0]["logicalLocations"][0]["name"]): uri(r) for r in found}
    assert at[("orders-db", blocked.resource)] == ("infra/network.tf", "%SRCROOT%", 42)
    # The healthy connection's findings are on resources outside the plan: the plan file.
    others = {where for (scope, _), where in at.items() if scope == "events-db"}
    assert others == {("infra/plan.json", "%SRCROOT%", 1)}
    names = {r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] for r in found}
    assert "aws_route_table.public" in names

    # No sources: every result on the plan file; moved lines keep every alert's identity.
    without = results(sarif.render(plan))
    assert {uri(r) for r in without} == {("infra/plan.json", "%SRCROOT%", 1)}
    moved = results(sarif.render(plan, RenderOptions(locations={"aws_route_table.public": ("infra/network.tf", 80)})))
    assert [r["partialFingerprints"] for r in moved] == [r["partialFingerprints"] for r in found]
    assert [r["partialFingerprints"] for r in without] == [r["partialFingerprints"] for r in found]


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/work/repo/infra/main.tf", ("file:///work/repo/infra/main.tf", None, 7)),
        ("C:\\repo\\infra\\main.tf", ("file:///C:/repo/infra/main.tf", None, 7)),
        ("infra\\my stack\\main.tf", ("infra/my%20stack/main.tf", "%SRCROOT%", 7)),
        ("././main.tf", ("main.tf", "%SRCROOT%", 7)),
    ],
)
def test_paths_become_relative_uris_or_file_uris(path: str, expected: tuple[str, str | None, int]) -> None:
    plan, blocked = plan_of("nat-without-igw-route", "aws_route_table.public")
    found = results(sarif.render(plan, RenderOptions(locations={"aws_route_table.public": (path, 7)})))
    assert next(uri(r) for r in found if r["ruleId"] == blocked.check) == expected


def test_a_line_below_one_is_line_one() -> None:
    plan, blocked = plan_of("nat-without-igw-route", "aws_route_table.public")
    found = results(sarif.render(plan, RenderOptions(locations={"aws_route_table.public": ("main.tf", 0)})))
    assert next(uri(r) for r in found if r["ruleId"] == blocked.check) == ("main.tf", "%SRCROOT%", 1)


def test_job_findings_are_located_and_scoped() -> None:
    inventory = load_snapshot(FIXTURES / "catalog-encrypted.json")["us-east-1"]
    result = analyse_consumer(inventory, "job", "nightly-etl")
    found = results(sarif.render(result, RenderOptions(source="snap.json")))
    expected = [("job/nightly-etl", f.check) for f in result.findings]
    expected += [(r.connection.name, f.check) for r in result.connections for f in r.findings]
    assert [(r["properties"]["scope"], r["ruleId"]) for r in found] == expected
    assert {uri(r) for r in found} <= {("snap.json", "%SRCROOT%", 1)}


def test_old_entry_points_give_the_same_document() -> None:
    report = analysis("nat-without-igw-route")
    new = sarif.render(report)
    assert sarif.render([report]) == new == sarif.render(report, RenderOptions())
    plan, _ = plan_of("nat-without-igw-route", "aws_route_table.public")
    old_plan = json.loads(sarif.render(list(plan.results), plan.addresses))["runs"][0]["results"]
    assert [r["locations"][0]["logicalLocations"] for r in old_plan] == [
        r["locations"][0]["logicalLocations"] for r in json.loads(sarif.render(plan))["runs"][0]["results"]
    ]
    inventory = load_snapshot(FIXTURES / "nat-without-igw-route.json")["us-east-1"]
    job = analyse_consumer(inventory, "job", "nightly-etl")
    assert sarif.render_consumer(job) == sarif.render(job)


# --- through the CLI, as a CI job runs it -----------------------------------------------------


def test_cli_plan_sarif_points_every_result_at_the_plan_file(aws: Aws) -> None:
    plan = "terraform/count-module/no-self-referencing-rule.plan.json"  # a real plan that fails
    done = run_cli("plan", plan, "--format", "sarif", env=aws.env, cwd=FIXTURES)
    assert done.code == 1, done.stderr
    found = results(done.stdout)
    assert found and {uri(r) for r in found} == {(plan, "%SRCROOT%", 1)}


def test_cli_snapshot_sarif_points_at_the_snapshot() -> None:
    done = run_cli(
        "connection", "orders-db", "--snapshot", "fixtures/no-route-to-kms.json", "--format", "sarif", cwd=ROOT
    )
    found = results(done.stdout)
    assert found and {uri(r) for r in found} == {("fixtures/no-route-to-kms.json", "%SRCROOT%", 1)}


# --- Microsoft's validator, GitHub rules ------------------------------------------------------


@pytest.mark.skipif(MULTITOOL is None, reason="no sarif-multitool on PATH (npm install -g @microsoft/sarif-multitool)")
def test_microsoft_validator_with_github_rules(tmp_path: Path) -> None:
    report = analysis("nat-without-igw-route")
    plan, _ = plan_of("nat-without-igw-route", "aws_route_table.public")
    documents = {
        "snapshot": sarif.render(report, RenderOptions(source="fixtures/nat-without-igw-route.json")),
        "live": sarif.render(report),
        "plan": sarif.render(plan, RenderOptions(locations={"aws_route_table.public": ("infra/network.tf", 42)})),
    }
    for kind, text in documents.items():
        assert multitool_problems(json.loads(text), tmp_path) == [], kind
    # Its positive control: the same document with a web URL and no region is refused.
    bad = json.loads(documents["live"])
    for result in bad["runs"][0]["results"]:
        physical = result["locations"][0]["physicalLocation"]
        physical["artifactLocation"] = {"uri": "https://console.aws.amazon.com/vpc"}
        del physical["region"]
    problems = multitool_problems(bad, tmp_path)
    assert any(p.startswith("GH1003") for p in problems) and any(p.startswith("GH1005") for p in problems)
