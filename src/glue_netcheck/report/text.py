"""Human output: verdict first, then each path hop by hop, then findings with their fixes."""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Sequence

from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from glue_netcheck.analyse.results import ConnectionReport, ConsumerReport
from glue_netcheck.checks.finding import SEVERITY_ORDER, Finding
from glue_netcheck.net.trace import PathResult, first_drop
from glue_netcheck.report import fix_lines

VERDICT_STYLE = {"pass": "bold green", "warn": "bold yellow", "fail": "bold red", "unknown": "bold magenta"}
HOP_STYLE = {"allow": "green", "deny": "bold red", "unknown": "magenta", "info": "cyan"}
SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def _console(color: bool, width: int) -> Console:
    return Console(
        file=io.StringIO(),
        force_terminal=color,
        no_color=not color,
        color_system="standard" if color else None,
        width=width,
        highlight=False,
        emoji=False,
    )


def _path_title(path: PathResult) -> Text:
    if path.reachable is True:
        state, style = f"reachable via {path.via}", "green"
    elif path.reachable is False and path.blocked_at:
        state, style = f"BLOCKED at {path.blocked_at.type} {path.blocked_at.id}", "bold red"
    else:
        state, style = "undecidable", "magenta"
    title = Text(f"{path.service}  {path.endpoint}:{path.port}  ")
    title.append(state, style=style)
    return title


def _headline(console: Console, verdict: str, title: str, failures: Sequence[str]) -> None:
    """Verdict first, then what Glue will say."""
    headline = Text(verdict.upper(), style=VERDICT_STYLE[verdict])
    headline.append(f"  {title}", style="bold")
    console.print(headline)
    if failures:
        console.print(Text(f"Glue will fail with: {', '.join(failures)}", style="red"))


def _render_one(console: Console, report: ConnectionReport, terraform: bool = False) -> None:
    """The verdict, then the causes with their fixes, then the evidence: the paths hop by hop."""
    conn = report.connection
    _headline(
        console,
        report.verdict,
        f"Glue connection {conn.name} ({conn.type or 'type unknown'}, {report.region})",
        report.predicted_failures,
    )
    users = ", ".join(f"{c.kind} {c.name}" for c in report.consumers) or "none yet (assuming a job and a crawler)"
    console.print(f"VPC {report.vpc_id}, subnet {conn.subnet_id} ({conn.availability_zone})")
    console.print(f"security groups: {', '.join(conn.security_group_ids) or 'none'}")
    console.print(f"used by: {users}")
    console.print()
    if not report.findings:
        console.print(Text("No findings.", style="green"))
        console.print()
    _findings(console, report.findings, terraform)
    for path in report.paths:
        _path(console, path)


def _path(console: Console, path: PathResult) -> None:
    console.print(_path_title(path))
    table = Table(show_header=True, header_style="bold", box=None, pad_edge=False, expand=False)
    table.add_column("#", justify="right")
    table.add_column("hop")
    table.add_column("resource", overflow="fold")
    table.add_column("verdict")
    table.add_column("why", overflow="fold", ratio=1)
    drop = first_drop(path.hops)
    reached = True
    for number, hop in enumerate(path.hops, 1):
        blocking = hop is drop
        verdict = Text(hop.verdict, style=HOP_STYLE[hop.verdict]) if reached else Text("not reached", style="dim")
        table.add_row(
            str(number),
            hop.type,
            hop.id,
            verdict,
            hop.detail,
            style="bold red" if blocking else None if reached else "dim",
        )
        reached = reached and not blocking  # traffic dropped here goes no further
    console.print(table)
    console.print()


def _findings(console: Console, findings: Sequence[Finding], terraform: bool = False) -> None:
    for finding in sorted(findings, key=lambda f: SEVERITY_ORDER[f.severity]):
        header = Text(f"{finding.severity.upper()} ", style=SEVERITY_STYLE[finding.severity])
        header.append(f"{finding.check} on {finding.resource}", style="bold")
        if finding.folded:
            header.append(f" (also: {', '.join(finding.folded)})")
        console.print(header)
        body = [finding.message]
        if finding.predicts:
            body.append(f"Glue will fail with: {', '.join(finding.predicts)}")
        console.print(Padding("\n".join(body), (0, 0, 0, 2)))
        lines = fix_lines(finding, terraform)
        if lines:
            console.print(Padding("Fix:", (0, 0, 0, 2)))
            for line in lines:
                # Never wrapped inside: a command must survive copy and paste.
                console.print(Text(f"    {line}"), soft_wrap=True)
        console.print()


def render(
    reports: Sequence[ConnectionReport], *, color: bool = False, width: int = 100, terraform: bool = False
) -> str:
    console = _console(color, width)
    for index, report in enumerate(reports):
        if index:
            console.rule()
        _render_one(console, report, terraform)
    return _text(console)


def render_summary(reports: Sequence[ConnectionReport], *, color: bool = False, width: int = 100) -> str:
    """A fleet at a glance: one row per connection, the worst first."""
    console = _console(color, width)
    order = {"fail": 0, "unknown": 1, "warn": 2, "pass": 3}
    table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
    for column in ("connection", "region", "verdict", "predicted failures", "blocked at"):
        table.add_column(column, overflow="fold")
    for report in sorted(reports, key=lambda r: (order[r.verdict], r.region, r.connection.name)):
        blocked = "; ".join(f"{p.service}: {p.blocked_at.type} {p.blocked_at.id}" for p in report.paths if p.blocked_at)
        table.add_row(
            report.connection.name,
            report.region,
            Text(report.verdict, style=VERDICT_STYLE[report.verdict]),
            ", ".join(report.predicted_failures) or "-",
            blocked or "-",
        )
    counts = ", ".join(
        f"{n} {v}" for v, n in sorted(Counter(r.verdict for r in reports).items(), key=lambda i: order[i[0]])
    )
    console.print(Text(f"{len(reports)} connection(s): {counts or 'none'}", style="bold"))
    if reports:
        console.print(table)
        console.print("Details: --format markdown, json or sarif; one connection: glue-netcheck connection NAME")
    return _text(console)


def render_consumer(result: ConsumerReport, *, color: bool = False, width: int = 100) -> str:
    console = _console(color, width)
    consumer = result.consumer
    _headline(
        console, result.verdict, f"Glue {consumer.kind} {consumer.name} ({result.region})", result.predicted_failures
    )
    console.print(
        f"role: {consumer.role or 'unknown'}; security configuration: {consumer.security_configuration or 'none'}"
    )
    names = ", ".join(r.connection.name for r in result.connections) or "none"
    console.print(f"connections: {names}")
    console.print()
    _findings(console, result.findings)
    for report in result.connections:
        console.rule()
        _render_one(console, report)
    return _text(console)


def _text(console: Console) -> str:
    output = str(console.file.getvalue())  # type: ignore[attr-defined]
    # rich pads table cells and padded blocks to the full width; nobody wants that in a ticket.
    return "".join(line.rstrip() + "\n" for line in output.splitlines())
