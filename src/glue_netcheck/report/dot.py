"""Graphviz DOT of every path of every report (render with `dot -Tsvg`)."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Sequence

from glue_netcheck.analyse.results import ConnectionReport
from glue_netcheck.net.graph import chain, trace_graph


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def render(reports: Sequence[ConnectionReport]) -> str:
    lines = ["digraph glue_netcheck {", "  rankdir=LR;", '  node [shape=box, fontname="Helvetica"];']
    for r_index, report in enumerate(reports):
        graph = trace_graph(report.paths)
        for path in report.paths:
            prefix = f"r{r_index}_{path.service}"
            state = "reachable" if path.reachable else "BLOCKED" if path.reachable is False else "undecidable"
            lines.append(f"  subgraph cluster_{prefix} {{")
            title = f"{report.connection.name}: {path.service} {path.endpoint}:{path.port} ({state})"
            lines.append(f"    label={_quote(title)};")
            for node, data in graph.nodes(data=True):
                if data["service"] != path.service:
                    continue
                style = ", color=red, penwidth=2" if data.get("verdict") == "deny" else ""
                lines.append(f"    {prefix}_{node[1]} [label={_quote(str(data['label']))}{style}];")
            for u, v, data in chain(graph, path.service):
                attrs = (
                    f" [color=red, style=dashed, label={_quote('⛔ ' + str(data['reason']))}]"
                    if data["blocked"]
                    else ""
                )
                lines.append(f"    {prefix}_{u[1]} -> {prefix}_{v[1]}{attrs};")  # type: ignore[index]
            lines.append("  }")
    lines.append("}")
    return "\n".join(lines) + "\n"


class DrawError(Exception):
    pass


def image(source: str, fmt: str) -> bytes | None:
    """The DOT source drawn by Graphviz as `fmt` (svg or png); None when `dot` is not installed
    (a missing tool is a warning, not a failed analysis)."""
    binary = shutil.which("dot")
    if binary is None:
        return None
    try:
        drawn = subprocess.run(
            [binary, f"-T{fmt}"], input=source.encode(), capture_output=True, timeout=60, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise DrawError(f"Graphviz failed: {exc}") from None
    if drawn.returncode != 0:
        raise DrawError(f"Graphviz failed: {drawn.stderr.decode(errors='replace').strip()[:200]}")
    return drawn.stdout
