"""The check registry documents itself: every check has a page, docs/checks.md is current,
and `checks` / `explain` print them."""

from __future__ import annotations

import pytest

from glue_netcheck.checks import ALL, BY_ID
from glue_netcheck.checks.base import SECTIONS, Check
from glue_netcheck.checks.finding import Finding
from glue_netcheck.checks.pages import checks_markdown

from conftest import ROOT, run_cli


def test_docs_checks_md_is_current() -> None:
    assert (ROOT / "docs" / "checks.md").read_text() == checks_markdown(), (
        "docs/checks.md is stale: run `python -m glue_netcheck.checks.pages > docs/checks.md`"
    )


def test_check_ids_are_unique() -> None:
    ids = [c.id for c in ALL]
    assert sorted(i for i in set(ids) if ids.count(i) > 1) == []
    assert set(BY_ID) == set(ids)


def test_a_check_without_its_page_sections_is_rejected() -> None:
    with pytest.raises(ValueError, match="sections"):
        Check("x", "x", "error", lambda ctx: [], "What it checks\nonly this")


def test_checks_lists_every_check() -> None:
    result = run_cli("checks")
    assert result.code == 0
    listed = [line.split()[0] for line in result.stdout.splitlines()]
    assert listed == [c.id for c in ALL]


@pytest.mark.parametrize("check_id", ["kms-reachable", "self-referencing-rule", "kms-endpoint-private-dns"])
def test_explain_prints_the_page(check_id: str) -> None:
    result = run_cli("explain", check_id)
    assert result.code == 0
    for section in SECTIONS:
        assert f"\n{section}\n" in result.stdout


def test_every_check_page_has_all_sections_in_order() -> None:
    for check in ALL:
        positions = [check.doc.index(f"{s}\n") for s in SECTIONS]
        assert positions == sorted(positions), check.id


def test_unknown_failure_code_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown failure codes"):
        Finding("x", "error", "r", "m", "f", ("kms-explodes",))
