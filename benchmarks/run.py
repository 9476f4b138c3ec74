"""Benchmarks (issue 17): scan cost against reading the data, scaling, live waves, start-up.

    python benchmarks/run.py                 # everything but the 100k-connection point
    python benchmarks/run.py --full          # also 100,000 connections (minutes, GiBs)
    python benchmarks/run.py --markdown      # the table as Markdown, for the README
    git archive HEAD | tar -x -C /tmp/head && python benchmarks/run.py --source /tmp/head
                                             # a committed tree, not one being edited

What it prints (nothing here is a pass/fail test; the API-call bounds are asserted in
tests/test_collector.py):
- `scan --snapshot` of the 10,000-connection / 50-VPC snapshot against a bare `json.load` of
  the same file, both measured in this run, min and median of --repeat runs, and the ratio;
- wall time and peak RSS (of the scan process alone, from wait4) at 1k/10k(/100k)
  connections over 50 VPCs and at 10/50/250 VPCs with 10k connections;
- one live `connection` against a moto server whose every request is delayed by --delay
  seconds in this process: the call count, and the sequential waves = extra time / delay
  (calls made concurrently overlap their delays, so waves < calls when the collector overlaps);
- start-up: `glue-netcheck --help`, and `connection --snapshot` of a small fixture.

The machine is shared: wall times vary run to run; the min is the least disturbed figure.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
sys.path.insert(0, str(ROOT / "tests"))

Row = tuple[str, str]


def cli() -> list[str]:
    if os.environ.get("PYTHONPATH"):  # --source: the package of that tree, not the installed one
        return [sys.executable, "-m", "glue_netcheck"]
    script = Path(sys.executable).parent / "glue-netcheck"
    return [str(script)] if script.exists() else [sys.executable, "-m", "glue_netcheck"]


@dataclass(frozen=True)
class Measured:
    wall: float  # seconds
    cpu: float  # user + system seconds of the child: far less disturbed by a busy machine
    peak: float  # MiB, this one child's max RSS (wait4, not the cumulative RUSAGE_CHILDREN)
    code: int


def run_measured(command: list[str], env: dict[str, str] | None = None, limit_gib: float = 0) -> Measured:
    """Run one child and measure it. `limit_gib` caps its address space: on a shared machine
    a runaway scan fails instead of taking everyone's memory."""

    def cap() -> None:
        size = int(limit_gib * 2**30)
        resource.setrlimit(resource.RLIMIT_AS, (size, size))

    started = time.perf_counter()
    proc = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, preexec_fn=cap if limit_gib else None
    )
    stderr = proc.stderr.read().decode(errors="replace") if proc.stderr else ""  # never blocks the child
    _, status, usage = os.wait4(proc.pid, 0)
    measured = Measured(
        time.perf_counter() - started,
        usage.ru_utime + usage.ru_stime,
        usage.ru_maxrss / 1024,
        os.waitstatus_to_exitcode(status),
    )
    proc.returncode = measured.code
    if measured.code not in (0, 1, 3):
        tail = stderr.strip().splitlines()[-1:] or ["(no stderr)"]
        print(f"  ! {' '.join(command[-6:])}: exit {measured.code}: {tail[0][:200]}", file=sys.stderr)
    return measured


def spread(values: Iterable[float], unit: str = "s", digits: int = 2) -> str:
    ordered = sorted(values)
    return f"min {ordered[0]:.{digits}f} / median {statistics.median(ordered):.{digits}f} {unit} (n={len(ordered)})"


# --- offline scan -----------------------------------------------------------------------------


def snapshot_for(vpcs: int, connections: int) -> Path:
    path = OUT / f"large-{vpcs}x{connections}.json"
    if not path.exists():
        OUT.mkdir(parents=True, exist_ok=True)
        sizes = ["--vpcs", str(vpcs), "--connections", str(connections)]
        subprocess.run([sys.executable, str(HERE / "generate.py"), *sizes, "--output", str(path)], check=True)
    return path


def scan_command(snapshot: Path) -> list[str]:
    return [*cli(), "scan", "--snapshot", str(snapshot), "--format", "json", "--output", str(OUT / "scan.json")]


def json_load(snapshot: Path) -> tuple[float, float]:
    """Wall and CPU seconds of a bare json.load of the file, in this process."""
    wall, cpu = time.perf_counter(), time.process_time()
    with snapshot.open("rb") as handle:
        json.load(handle)
    return time.perf_counter() - wall, time.process_time() - cpu


def ratio(repeat: int, limit_gib: float) -> list[Row]:
    """Scan and json.load of the same file, interleaved so both see the same machine load."""
    snapshot = snapshot_for(50, 10_000)
    loads, scans = [], []
    for _ in range(repeat):
        loads.append(json_load(snapshot))
        scans.append(run_measured(scan_command(snapshot), limit_gib=limit_gib))

    def times(kind: int, values: list[float]) -> str:
        base = [load[kind] for load in loads]
        medians = statistics.median(values) / statistics.median(base)
        return f"{min(values) / min(base):.0f}x (mins) / {medians:.0f}x (medians)"

    return [
        (
            f"json.load of the 10k/50-VPC snapshot ({snapshot.stat().st_size / 2**20:.1f} MiB), wall",
            spread((w for w, _ in loads), digits=3),
        ),
        ("  CPU", spread((c for _, c in loads), digits=3)),
        ("scan --snapshot of the same file, wall", spread(m.wall for m in scans)),
        ("  CPU (user + system)", spread(m.cpu for m in scans)),
        ("  ratio scan / json.load, wall", times(0, [m.wall for m in scans])),
        ("  ratio scan / json.load, CPU", times(1, [m.cpu for m in scans])),
        ("  peak RSS of the scan", spread((m.peak for m in scans), "MiB", 0)),
    ]


def floor(repeat: int) -> list[Row]:
    """What a scan costs with its analysis taken out (benchmarks/floor.py, one child per run):
    start-up, reading the snapshot into the model and writing the JSON, against json.load
    measured in the same child. No engine speed-up can bring the scan under this ratio."""
    snapshot = snapshot_for(50, 10_000)
    runs = []
    for _ in range(repeat):
        done = subprocess.run([sys.executable, str(HERE / "floor.py"), str(snapshot)], capture_output=True, text=True)
        runs.append(json.loads(done.stdout))
    floors = [r["imports"] + r["model"] + r["render"] for r in runs]
    loads = [r["json_load"] for r in runs]
    best = min(runs, key=lambda r: r["imports"] + r["model"] + r["render"])
    return [
        (
            "floor: start-up + load + JSON writing, analysis excluded",
            f"{min(floors) / min(loads):.1f}x (mins) / {statistics.median(floors) / statistics.median(loads):.1f}x "
            "(medians) json.load; imports "
            f"{best['imports']:.2f} s, model {best['model']:.2f} s, render {best['render']:.2f} s of "
            f"{best['output_mib']:.0f} MiB JSON",
        ),
        ("  analysis + proofs of the same run", spread(r["analysis"] for r in runs)),
    ]


def scaling(points: list[tuple[int, int]], repeat: int, limit_gib: float) -> list[Row]:
    rows = []
    for vpcs, connections in points:
        snapshot = snapshot_for(vpcs, connections)
        runs = [run_measured(scan_command(snapshot), limit_gib=limit_gib) for _ in range(repeat)]
        codes = sorted({m.code for m in runs})
        failed = "" if set(codes) <= {0, 1, 3} else f"  FAILED (exit {codes}; address space capped at {limit_gib} GiB)"
        rows.append(
            (
                f"scan, {connections:,} connections, {vpcs} VPCs",
                f"wall {min(m.wall for m in runs):.1f} s, CPU {min(m.cpu for m in runs):.1f} s, "
                f"peak RSS {max(m.peak for m in runs):.0f} MiB (best of {len(runs)}){failed}",
            )
        )
    return rows


# --- live: moto with a delay on every request ----------------------------------------------


class DelayedApp:
    """WSGI middleware in front of moto: counts requests, sleeps `delay` before each one and
    records when each sleep ran, so the waves can also be read off the server's side, which a
    busy machine disturbs far less than the client's wall time."""

    def __init__(self, app: Callable[..., Any]) -> None:
        self.app = app
        self.delay = 0.0
        self.lock = threading.Lock()
        self.reset(0.0)

    def reset(self, delay: float) -> None:
        with self.lock:
            self.delay, self.calls, self.intervals = delay, 0, []

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if not environ.get("PATH_INFO", "").startswith("/moto-api"):
            with self.lock:
                self.calls += 1
            if self.delay:
                started = time.perf_counter()
                time.sleep(self.delay)
                with self.lock:
                    self.intervals.append((started, time.perf_counter()))
        return self.app(environ, start_response)

    def waves(self) -> int:
        """The longest chain of requests each sent after the previous one was answered: the
        sequential round trips a client far from the region waits for."""
        depth: list[tuple[float, int]] = []  # (end, depth) of the requests seen so far
        for start, stop in sorted(self.intervals):
            depth.append((stop, 1 + max((d for end, d in depth if end <= start), default=0)))
        return max((d for _, d in depth), default=0)


def moto_server() -> tuple[str, DelayedApp, Any]:
    import logging

    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
    from moto.server import MotoRequestHandler  # type: ignore[attr-defined]
    from werkzeug.serving import make_server

    # moto answers actions it lacks (Block Public Access) with a 500 that werkzeug logs as an
    # error with a traceback; the collector records those as unknown, as designed.
    logging.getLogger("werkzeug").setLevel(logging.CRITICAL)
    app = DelayedApp(DomainDispatcherApplication(create_backend_app))
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=MotoRequestHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    host, port = server.server_address[:2]
    return f"http://{host}:{port}", app, server


def live(delay: float, repeat: int) -> list[Row]:
    import boto3
    import requests

    from scenarios import CONNECTION, REGION, SCENARIOS, Clients

    url, app, server = moto_server()
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION=REGION, AWS_ENDPOINT_URL=url
    )
    rows = []
    try:
        for scenario in ("healthy-nat", "healthy-kms-endpoint"):
            requests.post(f"{url}/moto-api/reset", timeout=10)
            kw = {"endpoint_url": url, "region_name": REGION, "aws_access_key_id": "t", "aws_secret_access_key": "t"}
            SCENARIOS[scenario](Clients(*(boto3.client(s, **kw) for s in ("ec2", "glue", "kms"))))
            command = [*cli(), "connection", CONNECTION, "--format", "json"]
            timings: dict[float, list[float]] = {0.0: [], delay: []}
            calls, waves = set(), []
            for _ in range(repeat):
                for d in (0.0, delay):
                    app.reset(d)
                    timings[d].append(run_measured(command, env).wall)
                    calls.add(app.calls)
                waves.append(app.waves())
            app.reset(0.0)
            extra = statistics.median(timings[delay]) - statistics.median(timings[0.0])
            rows += [
                (f"live connection ({scenario}), API calls", " / ".join(str(c) for c in sorted(calls))),
                (f"  sequential waves, extra wall / delay ({delay:.2f} s)", f"{extra / delay:.1f} (medians)"),
                ("  sequential waves, longest request chain (server side)", spread(waves, "", 0)),
                ("  wall without / with the delay", f"{spread(timings[0.0])}; {spread(timings[delay])}"),
            ]
        rows += live_scan(url, app, env, delay)
    finally:
        server.shutdown()
    return rows


def live_scan(url: str, app: DelayedApp, env: dict[str, str], delay: float) -> list[Row]:
    """`scan` of 20 connections per VPC: calls grow with VPCs, not connections."""
    import boto3
    import requests

    from scenarios import REGION, Clients, fleet_vpc

    rows = []
    for vpcs in (1, 5):
        requests.post(f"{url}/moto-api/reset", timeout=10)
        kw = {"endpoint_url": url, "region_name": REGION, "aws_access_key_id": "t", "aws_secret_access_key": "t"}
        clients = Clients(*(boto3.client(s, **kw) for s in ("ec2", "glue", "kms")))
        for v in range(vpcs):
            fleet_vpc(clients, 20, f"c-{v}")
        walls = {}
        for d in (0.0, delay):
            app.reset(d)
            walls[d] = run_measured([*cli(), "scan", "--format", "json"], env).wall
        rows.append(
            (
                f"live scan, {20 * vpcs} connections in {vpcs} VPC(s)",
                f"{app.calls} calls; waves {(walls[delay] - walls[0.0]) / delay:.1f} (extra wall / delay), "
                f"{app.waves()} (longest request chain); one run",
            )
        )
        app.reset(0.0)
    return rows


# --- start-up ---------------------------------------------------------------------------------


def startup(repeat: int) -> list[Row]:
    fixture = ROOT / "fixtures" / "healthy-nat.json"
    commands = {
        "python -c pass (interpreter alone)": [sys.executable, "-c", "pass"],
        "glue-netcheck --help": [*cli(), "--help"],
        f"connection --snapshot {fixture.name}": [*cli(), "connection", "orders-db", "--snapshot", str(fixture)],
    }
    rows = []
    for label, command in commands.items():
        run_measured(command)  # warm the page cache
        rows.append((f"start-up: {label}", spread(run_measured(command).wall for _ in range(max(repeat, 5)))))
    return rows


def machine() -> str:
    cpu = platform.processor()
    info = Path("/proc/cpuinfo")
    if info.exists():
        cpu = next(
            (ln.split(":", 1)[1].strip() for ln in info.read_text().splitlines() if ln.startswith("model name")), cpu
        )
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores, {cpu}, {memory:.0f} GiB, Python {platform.python_version()}"


def commit(source: Path | None) -> str:
    """What was measured: the tree's commit, and whether the working tree had local edits."""
    if source is not None:
        return f"tree {source} (PYTHONPATH)"
    head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "src"], capture_output=True, text=True)
    return f"working tree at {head.stdout.strip()}{' with uncommitted edits in src/' if dirty.stdout.strip() else ''}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure (min/median); default 3")
    parser.add_argument("--scaling-repeat", type=int, default=1, help="runs per scaling point; default 1")
    parser.add_argument("--full", action="store_true", help="also 100,000 connections (minutes, GiBs of memory)")
    parser.add_argument("--delay", type=float, default=0.3, help="seconds added to every moto request")
    parser.add_argument("--memory-cap", type=float, default=12.0, help="GiB of address space per scan process")
    parser.add_argument("--skip", action="append", default=[], choices=("ratio", "floor", "scaling", "live", "startup"))
    parser.add_argument("--markdown", action="store_true")
    parser.add_argument(
        "--source",
        type=Path,
        help="measure the package of this tree (e.g. `git archive HEAD | tar -x -C DIR`), not the working tree",
    )
    args = parser.parse_args()
    if args.source:
        os.environ["PYTHONPATH"] = str((args.source / "src").resolve())

    points = [(50, 1_000), (50, 10_000), *([(50, 100_000)] if args.full else []), (10, 10_000), (250, 10_000)]
    sections: list[tuple[str, Callable[[], list[Row]]]] = [
        ("ratio", lambda: ratio(args.repeat, args.memory_cap)),
        ("floor", lambda: floor(args.repeat)),
        ("scaling", lambda: scaling(points, args.scaling_repeat, args.memory_cap)),
        ("live", lambda: live(args.delay, args.repeat)),
        ("startup", lambda: startup(args.repeat)),
    ]
    rows: list[Row] = []
    for name, section in sections:
        if name not in args.skip:
            started = time.perf_counter()
            rows += section()
            print(f"[{name} done in {time.perf_counter() - started:.0f} s]", file=sys.stderr)
    print(f"machine: {machine()}")
    print(f"package: {commit(args.source)}")
    if args.markdown:
        print("\n| what | figure |\n|---|---|")
        for label, value in rows:
            print(f"| {label.strip()} | {value} |")
        return
    width = max(len(r[0]) for r in rows)
    for label, value in rows:
        print(f"{label:<{width}}  {value}")


if __name__ == "__main__":
    main()
