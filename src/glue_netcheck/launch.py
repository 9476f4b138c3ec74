"""The console script (`glue-netcheck`, `python -m glue_netcheck`): the process's collector
settings first, then the CLI.

The engine allocates millions of small immutable objects and makes next to no reference
cycles (a 10k-connection scan's full collections free nothing). At CPython's default
threshold (a collection every 700 net allocations) the collector walks the ever larger heap
of the model again and again: a sixth of a scan's time and of start-up's imports went there
(benchmarks/run.py). Collections stay on, rarer; what the imports built is frozen out of
them, since modules live as long as the process.
"""

from __future__ import annotations

import gc

YOUNG_THRESHOLD = 100_000  # net allocations between young collections (CPython's default: 700)


def main() -> None:
    gc.set_threshold(YOUNG_THRESHOLD, 50, 50)
    from glue_netcheck.cli import main as cli_main

    gc.freeze()
    cli_main()
