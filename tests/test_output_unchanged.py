"""The performance work (issue 17) changes no byte of any output.

Old against new, computed here by a reference path rather than stored (the checks and their
messages change under other work; what must not change is what the optimisations do):

- the analysis: every memo (net/memo.py: route decisions, ACL and group verdicts, paths,
  prove's re-analyses) bypassed and the network's lookups done by the linear scans they
  replaced, against the normal run, on every fixture and on a generated snapshot whose
  connections share VPCs, subnets and group sets (where a wrong cache key would show);
- the writer: orjson and the streamed batch against `json.dumps(document, indent=2)` of the
  whole document, as the JSON and SARIF reports were written before;
- a cache key that ignores what decides the answer makes the comparison fail (so it can).
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from glue_netcheck.analyse.connection import analyse_connection
from glue_netcheck.analyse.results import BatchReport
from glue_netcheck.cli import app
from glue_netcheck.collect import files, inputs
from glue_netcheck.fixes import prove
from glue_netcheck.model.network import Network, NetworkAcl, RouteTable, Subnet, VpcEndpoint
from glue_netcheck.net import memo
from glue_netcheck.report import RenderOptions, json_report, render, render_batch

from conftest import FIXTURES, ROOT

SNAPSHOTS = sorted(p for p in FIXTURES.glob("*.json") if p.stem != "layouts")


@pytest.fixture(scope="module")
def fleet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Connections over several VPCs sharing subnets and group sets, NAT and endpoint VPCs."""
    path = tmp_path_factory.mktemp("fleet") / "fleet.json"
    generate = [sys.executable, str(ROOT / "benchmarks" / "generate.py"), "--vpcs", "4", "--connections", "60"]
    subprocess.run([*generate, "--output", str(path)], check=True)
    return path


# --- the reference path: what the code did before the optimisations ---------------------


def _route_table_for(self: Network, subnet: Subnet) -> RouteTable | None:
    for table in self.route_tables:
        if subnet.id in table.subnet_ids:
            return table
    return next((t for t in self.route_tables if t.vpc_id == subnet.vpc_id and t.is_main), None)


def _network_acl_for(self: Network, subnet: Subnet) -> NetworkAcl | None:
    for acl in self.network_acls:
        if subnet.id in acl.subnet_ids:
            return acl
    return next((a for a in self.network_acls if a.vpc_id == subnet.vpc_id and a.is_default), None)


def _endpoints_for(self: Network, vpc_id: str, service_name: str, kind: str) -> list[VpcEndpoint]:
    gone = ("deleted", "deleting", "rejected", "failed", "expired")
    return [
        e
        for e in self.endpoints
        if e.vpc_id == vpc_id
        and e.type.lower() == kind.lower()
        and e.service_name == service_name
        and e.state not in gone
    ]


def _subnets_in(self: Network, vpc_id: str) -> tuple[Subnet, ...]:
    return tuple(s for s in self.subnets.values() if s.vpc_id == vpc_id)


def _no_memo(self: memo.Memo, key: object, pins: object, compute: Callable[[], Any]) -> Any:
    return compute()


def _no_owner_memo(self: memo.PerOwner, owner: object, key: object, pins: object, compute: Callable[[], Any]) -> Any:
    return compute()


@pytest.fixture
def reference(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(memo.Memo, "get", _no_memo)
    monkeypatch.setattr(memo.PerOwner, "get", _no_owner_memo)
    for name, scan in (
        ("route_table_for", _route_table_for),
        ("network_acl_for", _network_acl_for),
        ("endpoints_for", _endpoints_for),
        ("subnets_in", _subnets_in),
    ):
        monkeypatch.setattr(Network, name, scan)
    prove_module = sys.modules["glue_netcheck.fixes.proof"]
    monkeypatch.setattr(prove_module._MEMO, "of", lambda inventory: {})  # no proof shared


def _old_json(reports: list[Any]) -> str:
    """The batch document as it was written before: one json.dumps of the whole of it."""
    document = {
        "schema_version": json_report.SCHEMA_VERSION,
        "results": [json_report.report_dict(r) for r in reports],
        "summary": json_report.summary(reports),
    }
    return json.dumps(document, indent=2) + "\n"


def _scan(path: Path, fmt: str) -> str:
    result = CliRunner().invoke(app, ["scan", "--snapshot", str(path), "--format", fmt])
    assert result.exit_code in (0, 1, 3), result.output
    return result.stdout


def _old_scan(path: Path) -> str:
    """`scan --format json` as it was computed before, in this process."""
    reports = [
        prove(inventory, analyse_connection(inventory, name))
        for inventory in inputs.for_scan(path, inputs.Fleet((), (), False, None, None, False))
        for name in sorted(inventory.connections)
    ]
    return _old_json(reports)


# --- the comparisons ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", [*SNAPSHOTS, "fleet"], ids=lambda p: getattr(p, "stem", p))
def test_scan_json_is_the_reference_output(path: Path | str, fleet: Path, request: pytest.FixtureRequest) -> None:
    snapshot = fleet if path == "fleet" else Path(path)
    new = _scan(snapshot, "json")
    request.getfixturevalue("reference")
    old = _old_scan(snapshot)
    assert json.loads(new)["results"], "nothing compared"
    assert new == old


@pytest.mark.parametrize("path", SNAPSHOTS, ids=lambda p: p.stem)
def test_connection_and_job_json_are_the_reference_output(path: Path, reference: None) -> None:
    # `reference` is active: the CLI's own outputs (orjson) against json.dumps of the same dicts.
    connection = CliRunner().invoke(app, ["connection", "orders-db", "--snapshot", str(path), "--format", "json"])
    inventory = inputs.load_snapshot(path)
    (only,) = inventory.values()
    report = prove(only, analyse_connection(only, "orders-db"))
    assert connection.stdout == json.dumps(json_report.report_dict(report), indent=2) + "\n"
    job = CliRunner().invoke(app, ["job", "nightly-etl", "--snapshot", str(path), "--format", "json"])
    if job.exit_code != 2:  # a fixture without the job says so (exit 2), nothing to compare
        assert job.stdout == json.dumps(json.loads(job.stdout), indent=2) + "\n"


def test_sarif_streamed_is_one_json_dumps_of_the_document(fleet: Path) -> None:
    new = _scan(fleet, "sarif")
    document = json.loads(new)
    assert document["runs"][0]["results"], "nothing compared"
    assert new == json.dumps(document, indent=2) + "\n"
    empty = "".join(render_batch(BatchReport("scan", ()), iter(()), "sarif", RenderOptions()))
    assert empty == json.dumps(json.loads(empty), indent=2) + "\n"
    assert json.loads(empty)["runs"][0]["results"] == []


def test_streamed_json_of_no_connection_is_the_reference() -> None:
    streamed = "".join(render_batch(BatchReport("scan", ()), iter(()), "json"))
    assert streamed == _old_json([]) == render(BatchReport("scan", ()), "json")


@pytest.mark.parametrize(
    "value",
    [
        {"a": 'é—…\u2028\x7f\x1f\x00"\\/\t\n', "b": [], "c": {}, "d": [1, None, True, False], "e": "𝄞 ☃"},
        {"big": 2**70, "nested": [[], {}, [{"x": []}]]},
        {1: "non-str key"},
        "\ud800 lone surrogate",
        [],
    ],
)
def test_dumps_is_json_dumps_indent_2(value: Any) -> None:
    assert json_report.dumps(value) == json.dumps(value, indent=2)


def test_a_wrong_cache_key_is_caught(fleet: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Key the group verdicts on the peer and port alone (not which groups): the fleet's
    output must differ from the reference, or the comparisons above could not fail."""
    groups = sys.modules["glue_netcheck.net.security_groups"]
    monkeypatch.setattr(groups, "_MEMO", memo.Memo())
    monkeypatch.setattr(groups, "groups_key", lambda groups, direction: ())
    broken = _scan(fleet, "json")
    monkeypatch.undo()
    assert broken != _scan(fleet, "json")


# --- streaming to the output ------------------------------------------------------------------


def _failing() -> Iterator[str]:
    yield '{\n  "results": ['
    raise RuntimeError("analysis failed half-way")


def test_a_stream_that_fails_leaves_no_file(tmp_path: Path) -> None:
    out = tmp_path / "scan.json"
    with pytest.raises(RuntimeError):
        files.write_output(out, _failing())
    assert list(tmp_path.iterdir()) == []
    out.write_text("previous run\n")
    with pytest.raises(RuntimeError):
        files.write_output(out, _failing())
    assert out.read_text() == "previous run\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["scan.json"]


def test_a_stream_that_fails_writes_nothing_to_stdout(capfdbinary: pytest.CaptureFixture[bytes]) -> None:
    with pytest.raises(RuntimeError):
        files.write_output(None, _failing())
    assert capfdbinary.readouterr().out == b""
    files.write_output(None, iter(["a", b"b", "c\n"]))
    assert capfdbinary.readouterr().out == b"abc\n"


def test_a_stream_is_written_whole_to_a_file(tmp_path: Path) -> None:
    out = tmp_path / "scan.json"
    files.write_output(out, iter(["{", "}\n"]))
    assert out.read_text() == "{}\n"
