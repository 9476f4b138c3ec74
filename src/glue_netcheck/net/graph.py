"""The traces as one networkx graph: what the diagram renderers (Mermaid, Graphviz) draw.

Each path is a chain Glue ENIs → hop → … → service; the edge into the hop that drops the
traffic is marked `blocked` with the reason, and the chain stops there.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

import networkx as nx

from glue_netcheck.net.trace import PathResult


def trace_graph(paths: Sequence[PathResult]) -> nx.DiGraph:
    graph = nx.DiGraph()
    for path in paths:
        start = (path.service, 0)
        graph.add_node(start, label="Glue ENIs", kind="source", service=path.service)
        previous = start
        for index, hop in enumerate(path.hops, 1):
            node = (path.service, index)
            graph.add_node(
                node, label=f"{hop.type}\n{hop.id}", kind=hop.type, verdict=hop.verdict, service=path.service
            )
            blocked = hop.verdict == "deny"
            graph.add_edge(previous, node, blocked=blocked, reason=(hop.code or "") if blocked else "")
            if blocked:
                break
            previous = node
        else:
            end = (path.service, len(path.hops) + 1)
            graph.add_node(end, label=f"{path.endpoint}:{path.port}", kind="service", service=path.service)
            graph.add_edge(previous, end, blocked=False, reason="")
    return graph


def chain(graph: nx.DiGraph, service: str) -> list[tuple[object, object, dict[str, object]]]:
    """The edges of one service's path, in order."""
    nodes = sorted((n for n, data in graph.nodes(data=True) if data["service"] == service), key=lambda n: n[1])
    return [(u, v, graph.edges[u, v]) for u, v in pairwise(nodes) if graph.has_edge(u, v)]
