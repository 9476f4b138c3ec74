"""A runbook page to paste into a ticket: verdict, a table per path, findings, a Mermaid diagram."""

from __future__ import annotations

from collections.abc import Sequence

from glue_netcheck.analyse.results import ConnectionReport, ConsumerReport
from glue_netcheck.checks.finding import Finding
from glue_netcheck.net.graph import chain, trace_graph
from glue_netcheck.net.trace import PathResult, first_drop
from glue_netcheck.report import fix_lines as _fix_lines

ICON = {"allow": "✅ allow", "deny": "⛔ deny", "unknown": "❔ unknown", "info": "ℹ️ info"}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def mermaid(path: PathResult) -> str:
    """Glue ENIs → each hop → the service; the dropping edge is dotted and labelled."""
    graph = trace_graph([path])
    lines = ["```mermaid", "flowchart LR"]
    for node, data in graph.nodes(data=True):
        label = str(data["label"]).replace("\n", "<br/>").replace('"', "'")
        shape = f'(["{label}"])' if data["kind"] == "service" else f'["{label}"]'
        lines.append(f"  n{node[1]}{shape}")
        if data.get("verdict") == "deny":
            lines.append(f"  style n{node[1]} stroke:#d00,stroke-width:3px")
    for u, v, data in chain(graph, path.service):
        if data["blocked"]:
            reason = str(data["reason"]).replace('"', "'")[:60]
            lines.append(f'  n{u[1]} -.->|"⛔ {reason}"| n{v[1]}')  # type: ignore[index]
        else:
            lines.append(f"  n{u[1]} --> n{v[1]}")  # type: ignore[index]
    lines.append("```")
    return "\n".join(lines)


def _findings(findings: Sequence[Finding]) -> list[str]:
    out = []
    for f in findings:
        out.append(f"- **{f.severity}** `{f.check}` on `{f.resource}`: {_cell(f.message)}")
        if f.predicts:
            out.append(f"  - Glue will fail: {', '.join(f'`{c}`' for c in f.predicts)}")
        lines = _fix_lines(f)
        if lines:  # a fenced block: commands whole, one per line, ready to paste
            out += ["  - Fix:", "", "    ```sh", *(f"    {line}" for line in lines), "    ```", ""]
    return out


def _one(report: ConnectionReport) -> list[str]:
    conn = report.connection
    out = [
        f"## Glue connection `{conn.name}`: **{report.verdict.upper()}**",
        "",
        f"- Region: `{report.region}`, VPC `{report.vpc_id}`, subnet `{conn.subnet_id}` ({conn.availability_zone})",
        f"- Security groups: {', '.join(f'`{g}`' for g in conn.security_group_ids) or 'none'}",
        f"- Used by: {', '.join(f'{c.kind} `{c.name}`' for c in report.consumers) or 'no job or crawler yet'}",
        f"- Predicted failures: {', '.join(f'`{c}`' for c in report.predicted_failures) or 'none'}",
        "",
    ]
    out += ["### Causes and fixes", ""]
    if not report.findings:
        out.append("None.")
    out += [*_findings(report.findings), ""]
    for path in report.paths:
        state = (
            "reachable via " + str(path.via)
            if path.reachable
            else f"blocked at `{path.blocked_at.id}`"
            if path.blocked_at
            else "undecidable"
        )
        out += [
            f"### {path.service}: `{path.endpoint}:{path.port}` {state}",
            "",
            "| # | hop | resource | verdict | why |",
            "|---|---|---|---|---|",
        ]
        drop = first_drop(path.hops)
        after = False
        for i, h in enumerate(path.hops, 1):
            verdict = "➖ not reached" if after else ICON[h.verdict]
            out.append(f"| {i} | {h.type} | `{h.id}` | {verdict} | {_cell(h.detail)} |")
            after = after or h is drop
        out += ["", mermaid(path), ""]
    return out


def render_consumer(result: ConsumerReport) -> str:
    consumer = result.consumer
    lines = [
        f"# Glue {consumer.kind} `{consumer.name}`: **{result.verdict.upper()}**",
        "",
        f"- Region: `{result.region}`, role `{consumer.role}`, security configuration "
        f"`{consumer.security_configuration or 'none'}`",
        f"- Predicted failures: {', '.join(f'`{c}`' for c in result.predicted_failures) or 'none'}",
        "",
        f"## {consumer.kind.capitalize()} findings",
        "",
        *(_findings(result.findings) or ["None."]),
        "",
    ]
    for report in result.connections:
        lines += _one(report)
    return "\n".join(lines) + "\n"


def render(reports: Sequence[ConnectionReport]) -> str:
    lines = ["# glue-netcheck report", ""]
    for report in reports:
        lines += _one(report)
    return "\n".join(lines) + "\n"
