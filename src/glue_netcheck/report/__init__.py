"""The one output seam: a report value in, a string out. None of the renderers prints or
writes files; `render` is the only place that picks one by format.

Each format is one entry of `RENDERERS`, a function of (report, options) that handles the
three report kinds: one connection, one job or crawler, and a batch (`scan`, `plan`).
Renderer modules are imported on first use, so a text run never loads networkx.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum

from glue_netcheck.analyse.results import BatchReport, ConnectionReport, ConsumerReport, Report
from glue_netcheck.checks.finding import Finding


@dataclass(frozen=True)
class RenderOptions:
    color: bool = False
    width: int = 100
    # Terraform address -> (file relative to --source-dir, start line), for `plan`.
    locations: Mapping[str, tuple[str, int]] = field(default_factory=dict)
    # The snapshot file a connection or job report was analysed from (SARIF locations); None live.
    source: str | None = None


Renderer = Callable[[Report, RenderOptions], str]


def connections_of(report: Report) -> tuple[ConnectionReport, ...]:
    """Every connection report inside a report, in order."""
    if isinstance(report, ConnectionReport):
        return (report,)
    if isinstance(report, ConsumerReport):
        return report.connections
    return report.results


def fix_lines(finding: Finding, terraform: bool = False) -> list[str]:
    """The fix as lines to copy: commands whole, one per line (verified fix first, if any).
    `terraform`: for a plan, the change at the resource's address instead of CLI commands on
    resources that do not exist yet."""
    fix = finding.fix
    if terraform and fix is not None and fix.terraform:
        return fix.terraform.splitlines()
    commands = list(fix.commands) if fix is not None else []
    return commands or [line for line in finding.remediation.splitlines() if line.strip()]


def _text(report: Report, options: RenderOptions) -> str:
    from glue_netcheck.report import text

    if isinstance(report, ConsumerReport):
        return text.render_consumer(report, color=options.color, width=options.width)
    if isinstance(report, BatchReport):
        summary = text.render_summary(report.results, color=options.color, width=options.width)
        if report.kind == "scan" or not report.results:
            return summary
        # A plan is read before one deployment: every connection's whole story, then the table.
        full = text.render(report.results, color=options.color, width=options.width, terraform=True)
        return full + "\n" + summary
    return text.render([report], color=options.color, width=options.width)


def _json(report: Report, options: RenderOptions) -> str:
    from glue_netcheck.report import json_report

    if isinstance(report, ConsumerReport):
        return json_report.render_consumer(report)
    if isinstance(report, BatchReport):
        return json_report.render_many(report.results, report.addresses)
    return json_report.render(report)


def _markdown(report: Report, options: RenderOptions) -> str:
    from glue_netcheck.report import markdown

    if isinstance(report, ConsumerReport):
        return markdown.render_consumer(report)
    return markdown.render(connections_of(report))


def _sarif(report: Report, options: RenderOptions) -> str:
    from glue_netcheck.report import sarif

    return sarif.render(report, options)


def _dot(report: Report, options: RenderOptions) -> str:
    from glue_netcheck.report import dot

    return dot.render(connections_of(report))


def _html(report: Report, options: RenderOptions) -> str:
    from glue_netcheck.report import html

    return html.render(report, options)


class Format(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"
    sarif = "sarif"
    dot = "dot"
    html = "html"


RENDERERS: dict[str, Renderer] = {
    "text": _text,
    "json": _json,
    "markdown": _markdown,
    "sarif": _sarif,
    "dot": _dot,
    "html": _html,
}


def render(report: Report, fmt: str, options: RenderOptions | None = None) -> str:
    return RENDERERS[fmt](report, options or RenderOptions())


def render_batch(
    batch: BatchReport, reports: Iterable[ConnectionReport], fmt: str, options: RenderOptions | None = None
) -> Iterator[str]:
    """A scan's or plan's output in pieces. `batch` carries the kind, addresses and source (its
    `results` unused); `reports` are consumed one at a time. JSON and SARIF render and drop one
    connection report at a time, so memory stays flat in the number of connections; the other
    formats need the whole batch (a table's widths, a graph) and get it."""
    options = options or RenderOptions()
    if fmt == "json":
        from glue_netcheck.report import json_report

        yield from json_report.stream_many(reports, batch.addresses)
    elif fmt == "sarif":
        from glue_netcheck.report import sarif

        yield from sarif.stream(batch, reports, options)
    else:
        yield render(replace(batch, results=tuple(reports)), fmt, options)
