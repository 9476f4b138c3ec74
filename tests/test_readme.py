"""The README shows real output and the real IAM policy. `UPDATE_README=1 pytest
tests/test_readme.py` rewrites the blocks."""

from __future__ import annotations

import os
import re

from typer.testing import CliRunner

from glue_netcheck.cli import app
from glue_netcheck.collect.permissions import policy

from conftest import FIXTURES, ROOT

README = ROOT / "README.md"


def _block(marker: str, content: str, text: str) -> tuple[str, str]:
    pattern = re.compile(rf"(<!-- {marker} -->\n)(.*?)(<!-- /)", re.S)
    match = pattern.search(text)
    assert match, f"README lacks the {marker} block"
    return match.group(2), pattern.sub(lambda m: m.group(1) + content + m.group(3), text)


def _check(marker: str, content: str) -> None:
    text = README.read_text()
    current, updated = _block(marker, content, text)
    if os.environ.get("UPDATE_README"):
        README.write_text(updated)
        return
    assert current == content, f"README {marker} block is stale: UPDATE_README=1 pytest tests/test_readme.py"


def test_sample_output_is_current() -> None:
    result = CliRunner().invoke(
        app, ["connection", "orders-db", "--snapshot", str(FIXTURES / "kms-private-dns-off.json"), "--no-color"]
    )
    assert result.exit_code == 1
    _check("sample:text", f"```text\n{result.stdout}```\n")


def test_job_sample_is_current() -> None:
    result = CliRunner().invoke(
        app, ["job", "nightly-etl", "--snapshot", str(FIXTURES / "healthy-nat.json"), "--no-color"]
    )
    assert result.exit_code == 0
    _check("sample:job", f"```text\n{result.stdout}```\n")


def test_markdown_sample_is_current() -> None:
    result = CliRunner().invoke(
        app,
        ["connection", "orders-db", "--snapshot", str(FIXTURES / "kms-endpoint-sg-blocks-443.json"), "-f", "markdown"],
    )
    assert result.exit_code == 1
    # Two levels down, so the page's headings nest under the README's section.
    _check("sample:markdown", re.sub(r"^#", "###", result.stdout, flags=re.M))


def test_iam_policy_is_current() -> None:
    _check("iam:actions", f"```json\n{policy()}\n```\n")
