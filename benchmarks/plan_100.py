"""Benchmark (issue 14, "Done when"): `plan` of a 100-resource real Terraform plan takes under 2 s.

    python benchmarks/plan_100.py              # min/median of 5 runs of each figure
    python benchmarks/plan_100.py --repeat 10 --format json

The plan is fixtures/terraform/wide/healthy.plan.json (`terraform show -json` of 100+
resources: many private subnets with their own tables and NAT routes, one Glue connection),
analysed against the snapshot of the account it was planned against. Two figures:
- `cli`: the whole command in a fresh process (`python -m glue_netcheck plan … --format json`),
  start-up included: what a CI step waits for;
- `in-process`: loading the plan, merging it and analysing its connections, without start-up.
Wall and CPU time (CPU time is the less disturbed figure on a shared machine). Nothing here is
a pass/fail test; the budget line says whether the figure is within 2 s.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
WIDE = ROOT / "fixtures" / "terraform" / "wide"
PLAN, BEFORE = WIDE / "healthy.plan.json", WIDE / "healthy.before.json"
BUDGET = 2.0


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def cli_once() -> tuple[float, float]:
    args = [sys.executable, "-m", "glue_netcheck", "plan", str(PLAN), "--snapshot", str(BEFORE), "--format", "json"]
    cpu, started = _children_cpu(), time.perf_counter()
    proc = subprocess.run(args, capture_output=True, text=True, check=False, env={**os.environ, "NO_COLOR": "1"})
    wall = time.perf_counter() - started
    if proc.returncode not in (0, 1, 3):
        raise SystemExit(f"plan exited {proc.returncode}: {proc.stderr.strip()}")
    return wall, _children_cpu() - cpu


def in_process_once() -> tuple[float, float]:
    from glue_netcheck.analyse.connection import analyse_connection
    from glue_netcheck.collect import inputs

    cpu, started = time.process_time(), time.perf_counter()
    planned = inputs.for_plan(PLAN, inputs.Source(BEFORE))
    reports = [analyse_connection(planned.inventory, n) for n in planned.names]
    wall = time.perf_counter() - started
    if not reports:
        raise SystemExit("the plan has no connection to analyse")
    return wall, time.process_time() - cpu


def measure(run: Any, repeat: int) -> dict[str, float]:
    samples = [run() for _ in range(repeat)]
    walls, cpus = [s[0] for s in samples], [s[1] for s in samples]
    return {
        "wall_min": min(walls),
        "wall_median": statistics.median(walls),
        "cpu_min": min(cpus),
        "cpu_median": statistics.median(cpus),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per figure (min/median); default 5")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    options = parser.parse_args(argv)
    resources = len(json.loads(PLAN.read_text())["resource_changes"])
    figures = {"cli": measure(cli_once, options.repeat), "in-process": measure(in_process_once, options.repeat)}
    if options.format == "json":
        print(json.dumps({"plan": str(PLAN.relative_to(ROOT)), "resources": resources, "figures": figures}, indent=1))
        return 0
    print(f"plan of {resources} resources ({PLAN.relative_to(ROOT)}), {options.repeat} runs each, seconds")
    print(f"{'figure':<12} {'wall min':>9} {'wall med':>9} {'cpu min':>9} {'cpu med':>9}  budget {BUDGET:.0f} s")
    for name, f in figures.items():
        within = "within" if f["wall_min"] < BUDGET else "OVER"
        row = f"{f['wall_min']:9.3f} {f['wall_median']:9.3f} {f['cpu_min']:9.3f} {f['cpu_median']:9.3f}"
        print(f"{name:<12} {row}  {within}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
