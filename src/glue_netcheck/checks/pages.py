"""docs/checks.md, generated from the checks' own pages: `python -m glue_netcheck.checks.pages`."""

from __future__ import annotations

from glue_netcheck.checks import ALL
from glue_netcheck.checks.base import SECTIONS


def checks_markdown() -> str:
    lines = [
        "# Checks",
        "",
        "Generated from the checks' docstrings by `python -m glue_netcheck.checks.pages > docs/checks.md`;",
        "`glue-netcheck explain CHECK_ID` prints the same page. Do not edit by hand.",
        "",
        "| id | severity | title |",
        "|---|---|---|",
        *(f"| [`{c.id}`](#{c.id}) | {c.severity} | {c.title} |" for c in ALL),
        "",
    ]
    for check in ALL:
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
