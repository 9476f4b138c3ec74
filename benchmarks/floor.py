"""The part of a scan no analysis speed-up can remove, measured in one process:

    python benchmarks/floor.py benchmarks/out/large-50x10000.json

Prints JSON: seconds of a bare `json.load` of the snapshot, of importing the CLI, of loading
the snapshot into the model, of analysing and proving (the part the engine owns), and of
rendering the proven reports as the JSON `scan` writes (orjson). Start-up + load + render is
the floor: what `scan` would cost if analysis took no time at all. benchmarks/run.py prints
it as a ratio to `json.load`, beside the real scan's.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path


def main(path: Path) -> None:
    started = time.perf_counter()
    with path.open("rb") as handle:
        json.load(handle)
    load_json = time.perf_counter() - started

    started = time.perf_counter()
    import glue_netcheck.cli  # noqa: F401  (what `scan` imports before it reads a byte)
    from glue_netcheck.analyse.connection import analyse_connection
    from glue_netcheck.analyse.results import BatchReport
    from glue_netcheck.collect import inputs
    from glue_netcheck.fixes import prove
    from glue_netcheck.report import RenderOptions, render_batch

    imports = time.perf_counter() - started

    started = time.perf_counter()
    inventories = inputs.for_scan(path, inputs.Fleet())
    model = time.perf_counter() - started

    started = time.perf_counter()
    reports = [prove(inv, analyse_connection(inv, name)) for inv in inventories for name in sorted(inv.connections)]
    analysis = time.perf_counter() - started

    started = time.perf_counter()
    size = sum(len(piece) for piece in render_batch(BatchReport("scan", ()), iter(reports), "json", RenderOptions()))
    render = time.perf_counter() - started
    print(
        json.dumps(
            {
                "json_load": load_json,
                "imports": imports,
                "model": model,
                "analysis": analysis,
                "render": render,
                "output_mib": size / 2**20,
                "connections": len(reports),
            }
        )
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]))
