"""A path as an inline SVG diagram for the HTML page: a left-to-right chain of boxes, Glue's
ENIs -> each hop -> the service, wrapped into rows. The hop that drops the traffic is red and
badged "BLOCKED HERE", the hop that sent it there (blocked_at, when that is not the drop
itself: DNS bypassing a private endpoint) is badged "CAUSE", and everything after the drop is
grey and "not reached" whatever the tracer said about it.

The hop order and the dropping hop come from net/graph.py, the graph the Mermaid and
Graphviz renderers draw, so the three diagrams cannot disagree.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass

from glue_netcheck.net.graph import chain, trace_graph
from glue_netcheck.net.trace import Hop, PathResult

# Geometry (px): boxes in rows of PER_ROW; BADGE is the room above a box for its badge.
BOX_W, BOX_H, GAP, ROW_GAP, PAD, BADGE, PER_ROW = 160, 62, 36, 40, 10, 20, 6
# state -> (fill, stroke)
COLOURS = {
    "source": ("#ddf4ff", "#0969da"),
    "service": ("#dafbe1", "#1a7f37"),
    "allow": ("#ffffff", "#1a7f37"),
    "info": ("#ffffff", "#0969da"),
    "unknown": ("#fbefff", "#8250df"),
    "deny": ("#ffebe9", "#cf222e"),
    "cause": ("#fff8c5", "#cf222e"),
    "unreached": ("#eaeef2", "#8c959f"),
}
EDGE = {"ok": "#57606a", "drop": "#cf222e", "grey": "#8c959f"}


@dataclass(frozen=True, slots=True)
class Box:
    state: str  # a COLOURS key
    title: str
    ident: str
    note: str
    tip: str  # the full text, as the box's tooltip
    hop: Hop | None = None  # None for the ENIs and the service


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _code(hop: Hop) -> str:
    return hop.code or hop.verdict


def blocking_index(path: PathResult) -> int | None:
    """1-based index of the hop that drops the traffic: the graph's blocked edge (the first
    `deny`), else, for an unreachable path without one, the hop `blocked_at` names."""
    for _, v, data in chain(trace_graph([path]), path.service):
        if data["blocked"]:
            return int(v[1])  # type: ignore[index]
    return _named_index(path, None) if path.reachable is False else None


def _named_index(path: PathResult, skip: int | None) -> int | None:
    if path.blocked_at is None:
        return None
    for index, hop in enumerate(path.hops, 1):
        if index != skip and (hop.type, hop.id) == (path.blocked_at.type, path.blocked_at.id):
            return index
    return None


def boxes(path: PathResult, addresses: Mapping[str, str], subnet: str | None) -> list[Box]:
    """One box per node: Glue's ENIs, each hop, the service endpoint."""
    blocking = blocking_index(path)
    dropped = blocking is not None and path.hops[blocking - 1].verdict == "deny"
    cause = _named_index(path, blocking)
    out = [Box("source", "Glue ENIs", subnet or "no subnet", "start", "where Glue's traffic starts")]
    for index, hop in enumerate(path.hops, 1):
        where = f" ({addresses[hop.id]})" if hop.id in addresses else ""
        tip = f"{hop.type} {hop.id}{where}: {hop.detail}"
        if index == blocking:
            out.append(Box("deny", hop.type, hop.id, _code(hop), tip, hop))
        elif index == cause:
            out.append(Box("cause", hop.type, hop.id, f"cause: {_code(hop)}", tip, hop))
        elif dropped and blocking is not None and index > blocking:
            out.append(Box("unreached", hop.type, hop.id, "not reached", tip, hop))
        elif hop.verdict == "unknown":
            out.append(Box("unknown", hop.type, hop.id, f"unknown: {_code(hop)}", tip, hop))
        else:
            out.append(Box(hop.verdict, hop.type, hop.id, hop.verdict, tip, hop))
    end = f"{path.endpoint}:{path.port}"
    if path.reachable is True:
        out.append(Box("service", path.service, end, f"reachable via {path.via}", end))
    elif dropped:
        out.append(Box("unreached", path.service, end, "not reached", end))
    else:
        out.append(Box("unknown", path.service, end, "undecided", end))
    return out


def _origin(i: int) -> tuple[int, int]:
    return PAD + (i % PER_ROW) * (BOX_W + GAP), PAD + BADGE + (i // PER_ROW) * (BADGE + BOX_H + ROW_GAP)


def _edge(i: int, target: Box, prefix: str) -> str:
    kind = "drop" if target.state == "deny" else "grey" if target.state == "unreached" else "ok"
    dash = ' stroke-dasharray="5,4"' if kind != "ok" else ""
    (x1, y1), (x2, y2) = _origin(i), _origin(i + 1)
    if y1 == y2:
        d = f"M{x1 + BOX_W},{y1 + BOX_H // 2} L{x2 - 2},{y2 + BOX_H // 2}"
    else:  # down from this box, back across, down into the first box of the next row
        mid = y1 + BOX_H + ROW_GAP // 2 + 4
        d = f"M{x1 + BOX_W // 2},{y1 + BOX_H} V{mid} H{x2 + BOX_W // 2} V{y2 - 2}"
    return (
        f'<path d="{d}" fill="none" stroke="{EDGE[kind]}" stroke-width="{2.5 if kind == "drop" else 1.5}"{dash}'
        f' marker-end="url(#{prefix}-{kind})"/>'
    )


def _text(x: int, y: int, text: str, size: int, fill: str, extra: str = "") -> str:
    return f'<text x="{x}" y="{y}" text-anchor="middle" font-size="{size}" fill="{fill}"{extra}>{_e(text)}</text>'


def _box(i: int, box: Box) -> str:
    x, y = _origin(i)
    cx = x + BOX_W // 2
    fill, stroke = COLOURS.get(box.state, COLOURS["allow"])
    ink = "#57606a" if box.state == "unreached" else "#1f2328"
    dash = ' stroke-dasharray="4,3"' if box.state == "unreached" else ""
    thick = 3 if box.state in ("deny", "cause") else 1.5
    note_ink = stroke if box.state in ("deny", "cause", "unknown", "unreached") else "#57606a"
    out = [
        f'<g class="hop {box.state}"><title>{_e(box.tip)}</title>',
        f'<rect x="{x}" y="{y}" width="{BOX_W}" height="{BOX_H}" rx="6" fill="{fill}" stroke="{stroke}"'
        f' stroke-width="{thick}"{dash}/>',
        _text(cx, y + 18, _short(box.title, 24), 12, ink, ' font-weight="600"'),
        _text(cx, y + 35, _short(box.ident, 25), 10, ink, ' font-family="monospace"'),
        _text(cx, y + 52, _short(box.note, 25), 10, note_ink),
    ]
    if box.state == "cause":
        out.append(_text(cx, y - 6, "CAUSE", 12, "#9a6700", ' font-weight="700" class="cause-badge"'))
    if box.state == "deny":
        # A drawn stop sign, not an emoji: headless and server fonts often have none.
        out.append(
            f'<g class="blocked-badge"><circle cx="{cx - 54}" cy="{y - 10}" r="6" fill="#cf222e"/>'
            f'<path d="M{cx - 57},{y - 13} l6,6 m0,-6 l-6,6" stroke="#fff" stroke-width="1.6"/>'
            + _text(cx + 6, y - 6, "BLOCKED HERE", 12, "#cf222e", ' font-weight="700"')
            + "</g>"
        )
    out.append("</g>")
    return "".join(out)


def diagram(path: PathResult, addresses: Mapping[str, str], prefix: str, subnet: str | None = None) -> str:
    """`prefix` keeps the arrow markers' ids unique among several diagrams on one page."""
    nodes = boxes(path, addresses, subnet)
    rows = (len(nodes) + PER_ROW - 1) // PER_ROW
    width = PAD * 2 + min(len(nodes), PER_ROW) * (BOX_W + GAP) - GAP
    height = PAD * 2 + rows * (BADGE + BOX_H) + (rows - 1) * ROW_GAP
    state = "reachable" if path.reachable else "blocked" if path.reachable is False else "undecidable"
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="path-diagram" data-service="{_e(path.service)}"'
        f' width="{width}" height="{height}" viewBox="0 0 {width} {height}"'
        f' aria-label="{_e(f"{path.service} path, {state}")}"><defs>'
    ]
    out += [
        f'<marker id="{prefix}-{name}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7"'
        f' orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="{colour}"/></marker>'
        for name, colour in EDGE.items()
    ]
    out.append("</defs>")
    out += [_edge(i, nodes[i + 1], prefix) for i in range(len(nodes) - 1)]
    out += [_box(i, box) for i, box in enumerate(nodes)]
    out.append("</svg>")
    return "".join(out)
