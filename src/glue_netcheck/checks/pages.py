"""docs/checks.md, generated from the checks' own pages: `python -m glue_netcheck.checks.pages`."""

from __future__ import annotations

from glue_netcheck import checks  # checks.ALL loads every check: on first use, not at start-up
from glue_netcheck.checks.base import SECTIONS
from glue_netcheck.errors import AnalysisError


def listing() -> str:
    """`glue-netcheck checks`: id, severity, title, a line each."""
    width = max(len(c.id) for c in checks.ALL)
    return "".join(f"{c.id:<{width}}  {c.severity:<7}  {c.title}\n" for c in checks.ALL)


def page(check_id: str) -> str:
    """`glue-netcheck explain CHECK_ID`: the check's runbook page."""
    check = checks.BY_ID.get(check_id)
    if check is None:
        raise AnalysisError(f"no check {check_id!r}: `glue-netcheck checks` lists them")
    return f"# {check.id}: {check.title}\n\nseverity: {check.severity}\n\n{check.doc}\n"


def checks_markdown() -> str:
    lines = [
        "# Checks",
        "",
        "Generated from the checks' docstrings by `python -m glue_netcheck.checks.pages > docs/checks.md`;",
        "`glue-netcheck explain CHECK_ID` prints the same page. Do not edit by hand.",
        "",
        "| id | severity | title |",
        "|---|---|---|",
        *(f"| [`{c.id}`](#{c.id}) | {c.severity} | {c.title} |" for c in checks.ALL),
        "",
    ]
    for check in checks.ALL:
        lines += [f"## {check.id}", "", f"*{check.title}* — default severity **{check.severity}**", ""]
        for block in check.doc.split("\n\n"):
            heading, _, body = block.partition("\n")
            if heading in SECTIONS:
                lines += [f"### {heading}", "", body.strip(), ""]
            else:
                lines += [block.strip(), ""]
    return "\n".join(lines).rstrip() + "\n"


if __name__ == "__main__":
    print(checks_markdown(), end="")
