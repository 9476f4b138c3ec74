"""Every registered check runs against its own case file, tests/checks/cases/<check-id>.json.

A case file holds a small snapshot fragment (one region's raw AWS answers, cut from a fixture
by make_case.py), the subject analysed (a connection, job or crawler) and cases: each a
patch to the fragment (RFC 6902 `add` / `replace` / `remove`) and the check's whole expected
findings. Every file has a case where the check finds a problem and its healthy twin.
"""

from __future__ import annotations

import copy
import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest

from glue_netcheck.analyse.connection import analyse_connection
from glue_netcheck.analyse.consumer import analyse_consumer
from glue_netcheck.checks import ALL
from glue_netcheck.checks.finding import Finding
from glue_netcheck.model.build import build_inventory

CASES = Path(__file__).parent / "cases"


def _step(token: str) -> str | int:
    token = token.replace("~1", "/").replace("~0", "~")
    return int(token) if token.isdigit() else token


def apply_patch(document: Any, patch: list[dict[str, Any]]) -> Any:
    """The small part of RFC 6902 the case files use, on a copy of `document`."""
    document = copy.deepcopy(document)
    for op in patch:
        *parents, last = [_step(t) for t in op["path"].split("/")[1:]]
        node = document
        for step in parents:
            node = node[step]
        if op["op"] == "remove":
            del node[last]
        elif op["op"] == "add" and isinstance(node, list):
            node.insert(len(node) if last == "-" else int(last), copy.deepcopy(op["value"]))
        elif op["op"] in ("add", "replace"):
            if op["op"] == "replace" and (last not in node if isinstance(node, dict) else last >= len(node)):
                raise KeyError(f"replace of absent {op['path']}")
            node[last] = copy.deepcopy(op["value"])
        else:
            raise ValueError(f"unsupported patch op {op}")
    return document


def findings_of(check_id: str, region: str, raw: dict[str, Any], subject: str) -> list[dict[str, Any]]:
    """The findings `check_id` gives for `subject` ("connection NAME", "job NAME", "crawler NAME")."""
    inventory = build_inventory(region, raw)
    kind, name = subject.split(" ", 1)
    if kind == "connection":
        findings = analyse_connection(inventory, name).findings
    elif kind in ("job", "crawler"):
        findings = analyse_consumer(inventory, kind, name).findings  # type: ignore[arg-type]
    else:
        raise ValueError(f"unknown subject {subject!r}")
    # `fix` is filled only by glue_netcheck.fixes.proof, never by the analysis these cases pin.
    return [_as_json(f) for f in findings if f.check == check_id]


def _as_json(finding: Finding) -> dict[str, Any]:
    """Every field as the JSON a case file holds, except `fix` (proven by re-analysis: tested in
    the fixes' own tests) and fields left at their default (so a field added to Finding later
    does not churn every case file)."""
    default = {f.name: f.default for f in dataclasses.fields(Finding) if f.default is not dataclasses.MISSING}
    whole = json.loads(json.dumps(dataclasses.asdict(finding)))  # tuples as JSON lists
    return {
        k: v for k, v in whole.items() if k != "fix" and (k not in default or json.loads(json.dumps(default[k])) != v)
    }


def load(path: Path) -> dict[str, Any]:
    case: dict[str, Any] = json.loads(path.read_text())
    return case


def _cases() -> list[tuple[str, str]]:
    return [(p.stem, c["name"]) for p in sorted(CASES.glob("*.json")) for c in load(p)["cases"]]


def test_every_registered_check_has_a_case_file() -> None:
    files = {p.stem for p in CASES.glob("*.json")}
    assert sorted(c.id for c in ALL if c.id not in files) == []
    assert sorted(files - {c.id for c in ALL}) == []  # no case file for a check that is gone


@pytest.mark.parametrize("path", sorted(CASES.glob("*.json")), ids=lambda p: p.stem)
def test_case_file_has_a_failing_case_and_a_healthy_twin(path: Path) -> None:
    case = load(path)
    assert case["check"] == path.stem
    loud = [any(f["severity"] in ("error", "warning") for f in c["findings"]) for c in case["cases"]]
    assert True in loud and False in loud, "needs a case with an error or warning and a healthy twin"


@pytest.mark.parametrize(("check_id", "name"), _cases())
def test_case(check_id: str, name: str) -> None:
    case = load(CASES / f"{check_id}.json")
    (one,) = [c for c in case["cases"] if c["name"] == name]
    raw = apply_patch(case["snapshot"], one["patch"])
    assert findings_of(check_id, case["region"], raw, case["subject"]) == one["findings"]
