"""Plan equals apply: for every configuration in fixtures/terraform/, `plan` on its real
Terraform plan and `connection` on the network `terraform apply` built from it (in moto) give
the same verdict, the same reachable/via per path, the same blocked_at type, the same
failure codes and findings. Where a data source the plan reads only at apply decides a path,
the plan leaves that path undecided (naming the address and attribute), never a guess.

The committed plans and snapshots make the pairs run everywhere; where Terraform and the
provider mirror are installed, one fresh plan and apply per configuration checks that the
committed files are what the configuration really gives."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import harness
import pytest

from conftest import run_cli

CASES = harness.cases()
PAIRS = [c for c in CASES if c.applied and not c.undecided]
UNDECIDED = [c for c in CASES if c.undecided]
Outcome = tuple[str, list[str], list[tuple[str, bool, str | None, str | None]], list[str]]


def outcome(report: dict[str, Any]) -> Outcome:
    paths = sorted(
        (p["service"], p["reachable"], p["via"], (p["blocked_at"] or {}).get("type")) for p in report["paths"]
    )
    return report["verdict"], report["predicted_failures"], paths, sorted(f["check"] for f in report["findings"])


def planned(case: harness.Case, plan: Path, before: Path) -> dict[str, Any]:
    result = run_cli("plan", str(plan), "--snapshot", str(before), "--format", "json")
    assert result.code in (0, 1, 3) and result.stderr == "", result.stderr
    [report] = [r for r in result.json["results"] if r["connection"]["name"] == case.connection]
    return dict(report)


def applied(case: harness.Case, after: Path) -> dict[str, Any]:
    result = run_cli("connection", case.connection, "--snapshot", str(after), "--format", "json")
    assert result.code in (0, 1, 3), result.stderr
    return dict(result.json)


def test_every_configuration_has_a_healthy_and_a_broken_case() -> None:
    by_config: dict[str, list[str]] = {}
    for case in PAIRS:
        by_config.setdefault(case.config, []).append(case.name)
    assert set(by_config) == {"flat", "count-module", "for-each-module", "data-sources"}
    outcomes = {c.id: outcome(applied(c, c.artifact("after"))) for c in PAIRS}
    for config, names in by_config.items():
        healthy = outcomes[f"{config}/healthy"]
        assert healthy[1] == [] and all(r is not False for _, r, _, _ in healthy[2]), (config, healthy)
        broken = [outcomes[f"{config}/{n}"] for n in names if not n.startswith("healthy")]
        # A broken twin predicts a failure or raises a finding its healthy twin does not.
        assert broken and all(b[1] or set(b[3]) - set(healthy[3]) for b in broken), (config, broken)


@pytest.mark.parametrize("case", PAIRS, ids=lambda c: c.id)
def test_the_plan_gives_the_verdicts_of_its_applied_twin(case: harness.Case) -> None:
    plan = planned(case, case.artifact("plan"), case.artifact("before"))
    live = applied(case, case.artifact("after"))

    assert outcome(plan) == outcome(live)
    assert plan["region"] == live["region"] == case.region  # the plan's own region, no --region


def test_committed_cases_break_where_their_names_say() -> None:
    # The broken twins fail for their own reason, not an incidental one.
    expected = {
        "flat/kms-private-dns-off": ("kms", True, "nat-gateway", None),
        "flat/nat-without-igw-route": ("secretsmanager", False, None, "route-table"),
        "for-each-module/s3-endpoint-other-table": ("s3", False, None, "route-table"),
        "for-each-module/kms-endpoint-sg-blocks-443": ("kms", False, None, "security-group"),
        "data-sources/s3-list-other-service": ("s3", False, None, "security-group"),
    }
    for case in PAIRS:
        report = planned(case, case.artifact("plan"), case.artifact("before"))
        if case.id in expected:
            assert expected[case.id] in outcome(report)[2], case.id
    no_self = next(c for c in PAIRS if c.id == "count-module/no-self-referencing-rule")
    report = planned(no_self, no_self.artifact("plan"), no_self.artifact("before"))
    assert report["predicted_failures"] == ["security-group-validation-failed"]


@pytest.mark.parametrize("case", UNDECIDED, ids=lambda c: c.id)
def test_a_data_source_read_at_apply_leaves_the_path_it_decides_undecided(case: harness.Case) -> None:
    result = run_cli("plan", str(case.artifact("plan")), "--snapshot", str(case.artifact("before")), "--format", "json")
    [plan] = result.json["results"]
    live = applied(case, case.artifact("after"))

    assert result.code == 3 and plan["verdict"] == "unknown" and plan["predicted_failures"] == []
    why = f"comes from {case.undecided}, known only at apply"
    undecided = [p for p in plan["paths"] if why in p["hops"][-1]["detail"]]
    assert undecided and all(p["reachable"] is None and p["hops"][-1]["verdict"] == "unknown" for p in undecided)
    assert all(p["via"] is None and p["blocked_at"] is None for p in undecided)
    # Not a guess either way: applied, the same configuration decides the path (here, open),
    # and every path of the plan is decided as applied or undecided.
    assert live["verdict"] == "pass"
    by_service = {p["service"]: p for p in live["paths"]}
    assert all(by_service[p["service"]]["reachable"] is True for p in undecided)
    for path in plan["paths"]:
        if path["service"] in by_service:
            assert path["reachable"] in (None, by_service[path["service"]]["reachable"]), path


def read_at_plan(case: harness.Case) -> set[str]:
    prior = json.loads(case.artifact("plan").read_text()).get("prior_state") or {}
    return {r["address"] for r in prior.get("values", {}).get("root_module", {}).get("resources", [])}


def test_the_data_sources_read_at_plan_time_decide_like_the_applied_network() -> None:
    # The twins of the undecided cases: the same data sources, read at plan time.
    twins = {"healthy": "pass", "healthy-s3-via-nat": "pass", "s3-list-other-service": "fail"}
    cases = {c.name: c for c in CASES if c.config == "data-sources"}
    undecided = {"s3-list-read-at-apply", "nat-read-at-apply", "subnet-read-at-apply"}
    assert set(twins) | undecided == set(cases)
    for name, verdict in twins.items():
        case = cases[name]
        assert "data.aws_prefix_list.named[0]" in read_at_plan(case)
        plan = planned(case, case.artifact("plan"), case.artifact("before"))
        assert plan["verdict"] == verdict and outcome(plan) == outcome(applied(case, case.artifact("after")))
    for name in undecided:
        assert cases[name].undecided.split(".id")[0] not in read_at_plan(cases[name])


# One fresh apply per configuration: its healthy case (the broken twins run from the committed
# files), and one case whose data source is read only at apply.
LIVE = [c for c in PAIRS if c.name == "healthy"] + [c for c in UNDECIDED if c.name == "s3-list-read-at-apply"]


@pytest.mark.skipif(harness.missing() is not None, reason=f"needs real Terraform: {harness.missing()}")
def test_a_fresh_plan_and_apply_give_the_committed_answers(tmp_path: Path) -> None:
    # The applies run side by side (each its own moto process and folder): Terraform spends
    # most of an apply waiting on the provider's pollers, so the wall time is the slowest one.
    with ThreadPoolExecutor(max_workers=len(LIVE)) as pool:
        runs = dict(zip(LIVE, pool.map(lambda c: harness.run_case(c, tmp_path / c.config), LIVE), strict=True))
    for case, fresh in runs.items():
        # The configuration part is deterministic (the values part holds what the provider makes up).
        new, old = (json.loads(p.read_text())["configuration"] for p in (fresh["plan"], case.artifact("plan")))
        assert new == old, f"{case.id}: the committed plan is stale: python fixtures/terraform/generate.py {case.id}"
        if case.undecided:
            assert planned(case, fresh["plan"], fresh["before"])["verdict"] == "unknown"
            assert applied(case, fresh["after"])["verdict"] == "pass"
            continue
        assert outcome(planned(case, fresh["plan"], fresh["before"])) == outcome(applied(case, fresh["after"]))
        assert outcome(applied(case, fresh["after"])) == outcome(applied(case, case.artifact("after")))
