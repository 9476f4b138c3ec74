"""The command line: parse, select the input, analyse, render, write, pick the exit code.

The only module that prints, writes files and chooses exit codes. Inputs come through
collect/inputs.py, reports leave through report/__init__.py.
"""

from __future__ import annotations

import functools
import os
import shutil
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from typer._click import exceptions as click_errors  # typer 0.29 vendors click: its own classes

from glue_netcheck import __version__
from glue_netcheck.analyse.connection import analyse_connection
from glue_netcheck.analyse.results import BatchReport, Report, Verdict, noting, worst
from glue_netcheck.checks import pages
from glue_netcheck.collect import files, inputs, permissions
from glue_netcheck.errors import EXIT_ERROR, EXIT_FOR_VERDICT, EXIT_INTERRUPTED, EXIT_OK, AnalysisError
from glue_netcheck.fixes import fix_plan, prove
from glue_netcheck.fixes.render import RENDERERS as FIX_RENDERERS
from glue_netcheck.fixes.render import FixFormat
from glue_netcheck.model.glue import ConsumerKind
from glue_netcheck.report import Format, RenderOptions, render, render_batch

app = typer.Typer(
    help="Will this AWS Glue connection reach KMS, S3 and its data source from inside its VPC?",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _output_path(value: Path | None) -> Path | None:
    """`--output json` is a format name, not a file anybody wants: say so before any work."""
    if value is not None and str(value) in {f.value for f in Format}:
        raise typer.BadParameter(f"{value!s} is a format name; did you mean --format {value}?")
    return value


def _graph_path(value: Path | None) -> Path | None:
    if value is not None and value.suffix.lower() not in (".svg", ".png"):
        raise typer.BadParameter(f"{value}: the file name must end in .svg or .png")
    return value


RegionOpt = Annotated[str | None, typer.Option("--region", help="AWS region (default: the boto3 chain)")]
ProfileOpt = Annotated[str | None, typer.Option("--profile", help="AWS profile (default: the boto3 chain)")]
FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Output format")]
OutputOpt = Annotated[
    Path | None, typer.Option("--output", "-o", callback=_output_path, help="Write to FILE (-: stdout)")
]
SnapshotOpt = Annotated[Path | None, typer.Option("--snapshot", help="Read a snapshot file instead of calling AWS")]
GraphOpt = Annotated[Path | None, typer.Option("--graph", callback=_graph_path, help="Draw the paths to FILE.svg|png")]
ColorOpt = Annotated[bool | None, typer.Option("--color/--no-color", help="Colour (default: on a terminal)")]
RegionsOpt = Annotated[list[str] | None, typer.Option("--region", help="AWS region; repeat for several")]
ProfilesOpt = Annotated[list[str] | None, typer.Option("--profile", help="AWS profile; repeat for several accounts")]
AllRegionsOpt = Annotated[bool, typer.Option("--all-regions", help="Every region enabled in the account")]
RoleArnOpt = Annotated[str | None, typer.Option("--role-arn", help="Role to assume: a name, or an ARN with {account}")]
AccountsOpt = Annotated[Path | None, typer.Option("--accounts", help="File of account ids, one a line, for --role-arn")]
OrganizationOpt = Annotated[bool, typer.Option("--organization", help="With --role-arn: every account of the org")]
SourceDirOpt = Annotated[Path | None, typer.Option("--source-dir", help="The plan's .tf files", file_okay=False)]
DescribeOpt = Annotated[Path | None, typer.Option("--from-describe", help="Build it from raw Describe answers in DIR")]


FailOn = StrEnum("FailOn", ["fail", "warn"])
FailOnOpt = Annotated[FailOn, typer.Option("--fail-on", help="Exit 1 on predicted failures (fail) or on warnings too")]


def fail(message: str, code: int = EXIT_ERROR) -> NoReturn:
    typer.echo(f"glue-netcheck: error: {message}", err=True)
    raise typer.Exit(code)


def warn(message: str) -> None:
    typer.echo(f"glue-netcheck: warning: {message}", err=True)


def _guarded(command: Callable[..., int]) -> Callable[..., None]:
    """Every command's error boundary: its exit code, or one stderr line, never a traceback."""

    @functools.wraps(command)
    def run(*args: object, **kwargs: object) -> None:
        try:
            code = command(*args, **kwargs)
        except typer.Exit:
            raise
        except AnalysisError as exc:
            fail(str(exc), exc.exit_code)
        except Exception as exc:  # a bug must still not print a traceback (^C: main() says it)
            fail(f"internal error ({type(exc).__name__}: {exc}); please report it")
        raise typer.Exit(code)

    return run


def _options(
    color: bool | None, locations: dict[str, tuple[str, int]] | None = None, source: Path | None = None
) -> RenderOptions:
    tty = sys.stdout.isatty()
    use_color = (tty and not os.environ.get("NO_COLOR")) if color is None else color
    width = shutil.get_terminal_size((100, 24)).columns if tty else 100
    where = str(source) if source is not None else None  # SARIF locations name the snapshot file
    return RenderOptions(color=bool(use_color), width=width, locations=locations or {}, source=where)


def deliver(report: Report, fmt: Format, out: Path | None, options: RenderOptions, graph: Path | None = None) -> None:
    """Render, write the report, then draw the graph: the analysis is finished before any byte
    is written, so a failed run leaves no file."""
    files.write_output(out, render(report, fmt.value, options))
    if graph is None:
        return
    from glue_netcheck.report import dot

    try:
        drawn = dot.image(render(report, "dot", options), graph.suffix.lstrip(".").lower())
    except dot.DrawError as exc:
        fail(f"--graph {graph}: {exc}")
    if drawn is None:
        warn(f"--graph {graph} not drawn: Graphviz's `dot` is not on PATH (install graphviz, or use --format dot)")
    else:
        files.write_output(graph, drawn)


def progress_bar(total: int) -> Callable[[], None]:
    from rich.console import Console  # only for fleets on a terminal: rich loads lazily
    from rich.progress import Progress

    progress = Progress(console=Console(stderr=True), transient=True)
    progress.start()
    task = progress.add_task("Collecting accounts and regions", total=total)

    def advance() -> None:
        progress.advance(task)
        if progress.finished:
            progress.stop()

    return advance


@app.command()
@_guarded
def connection(
    name: Annotated[str, typer.Argument(help="Glue connection name")],
    region: RegionOpt = None,
    profile: ProfileOpt = None,
    fmt: FormatOpt = Format.text,
    output: OutputOpt = None,
    snapshot: SnapshotOpt = None,
    graph: GraphOpt = None,
    color: ColorOpt = None,
) -> int:
    """Analyse one Glue connection: can its jobs and crawlers reach KMS, S3 and the rest?"""
    inventory = inputs.for_connection(inputs.Source(snapshot, region, profile), name)
    report = prove(inventory, analyse_connection(inventory, name))
    deliver(report, fmt, output, _options(color, source=snapshot), graph)
    return EXIT_FOR_VERDICT[report.verdict]


def _consumer_command(kind: ConsumerKind) -> None:
    """`job` and `crawler`: one command each, the same code."""

    @_guarded
    def command(
        name: Annotated[str, typer.Argument(help="Glue job or crawler name")],
        region: RegionOpt = None,
        profile: ProfileOpt = None,
        fmt: FormatOpt = Format.text,
        output: OutputOpt = None,
        snapshot: SnapshotOpt = None,
        color: ColorOpt = None,
    ) -> int:
        from glue_netcheck.analyse.consumer import analyse_consumer  # only job and crawler need these
        from glue_netcheck.fixes.consumer import prove_consumer

        inventory = inputs.for_consumer(inputs.Source(snapshot, region, profile), kind, name)
        result = prove_consumer(inventory, analyse_consumer(inventory, kind, name))
        deliver(result, fmt, output, _options(color, source=snapshot))
        return EXIT_FOR_VERDICT[result.verdict]

    command.__doc__ = f"Analyse one {kind}: each of its connections, plus its security configuration and KMS keys."
    app.command(kind)(command)


_consumer_command("job")
_consumer_command("crawler")


def _fleet(
    regions: list[str] | None, profiles: list[str] | None, every: bool, role: str | None, file: Path | None, org: bool
) -> inputs.Fleet:
    """scan's and snapshot's fleet options; a progress bar on a terminal."""
    progress = progress_bar if sys.stderr.isatty() else None
    return inputs.Fleet(tuple(regions or ()), tuple(profiles or ()), every, role, file, org, on_progress=progress)


@app.command()
@_guarded
def scan(
    regions: RegionsOpt = None,
    profiles: ProfilesOpt = None,
    all_regions: AllRegionsOpt = False,
    role_arn: RoleArnOpt = None,
    accounts: AccountsOpt = None,
    organization: OrganizationOpt = False,
    fmt: FormatOpt = Format.text,
    output: OutputOpt = None,
    snapshot: SnapshotOpt = None,
    fail_on: FailOnOpt = FailOn.fail,
    color: ColorOpt = None,
) -> int:
    """Analyse every connection in the regions and accounts (or in a snapshot); exit with the worst."""
    fleet = _fleet(regions, profiles, all_regions, role_arn, accounts, organization)
    selected, verdicts = inputs.for_scan(snapshot, fleet), list[Verdict]()  # streamed: one report at a time
    reports = (prove(inv, analyse_connection(inv, n)) for inv in selected for n in sorted(inv.connections))
    batch = BatchReport("scan", (), source=str(snapshot) if snapshot else None)
    files.write_output(output, render_batch(batch, noting(reports, verdicts), fmt.value, _options(color)))
    return EXIT_FOR_VERDICT[worst(verdicts, fail_on is FailOn.warn)]


@app.command("snapshot")
@_guarded
def snapshot_command(
    output: Annotated[Path, typer.Option("--output", "-o", callback=_output_path, help="Snapshot file to write")],
    regions: RegionsOpt = None,
    profiles: ProfilesOpt = None,
    all_regions: AllRegionsOpt = False,
    role_arn: RoleArnOpt = None,
    accounts: AccountsOpt = None,
    organization: OrganizationOpt = False,
    from_describe: DescribeOpt = None,
) -> int:
    """Collect, read-only, everything the analysis needs into one versioned JSON file."""
    from glue_netcheck.collect import snapshot as snapshots

    if from_describe is not None:
        raw, notes = inputs.from_describe(from_describe, regions[0] if regions else None)
        for note in notes:
            warn(note)
        calls = 0
    else:
        raw, calls = inputs.collect_fleet(_fleet(regions, profiles, all_regions, role_arn, accounts, organization))
    files.write_output(output, snapshots.dumps(snapshots.make(raw)))
    count = sum(len(r.get("glue", {}).get("Connections", [])) for r in raw.values())
    typer.echo(f"wrote {output}: {count} connection(s) in {', '.join(sorted(raw))}, {calls} API calls", err=True)
    return EXIT_OK


@app.command("plan")
@_guarded
def plan_command(
    plan_file: Annotated[Path, typer.Argument(help="`terraform show -json tfplan` output", metavar="PLAN.json")],
    region: RegionOpt = None,
    profile: ProfileOpt = None,
    fmt: FormatOpt = Format.text,
    output: OutputOpt = None,
    snapshot: SnapshotOpt = None,
    fail_on: FailOnOpt = FailOn.fail,
    color: ColorOpt = None,
    source_dir: SourceDirOpt = None,
) -> int:
    """Pre-deployment: analyse the Glue connections in a Terraform plan, merged with what exists."""
    planned = inputs.for_plan(plan_file, inputs.Source(snapshot, region, profile), source_dir)
    if planned.note:
        warn(planned.note)
    inventory, addresses = planned.inventory, planned.addresses
    reports = tuple(prove(inventory, analyse_connection(inventory, n), addresses) for n in planned.names)
    batch = BatchReport("plan", reports, planned.addresses, str(plan_file))
    deliver(batch, fmt, output, _options(color, dict(planned.locations)))
    return EXIT_FOR_VERDICT[worst((r.verdict for r in reports), fail_on is FailOn.warn)]


@app.command("fix")
@_guarded
def fix_command(
    name: Annotated[str, typer.Argument(help="Glue connection name")],
    region: RegionOpt = None,
    profile: ProfileOpt = None,
    fmt: Annotated[FixFormat, typer.Option("--format", "-f", help="sh script, Terraform or JSON")] = FixFormat.sh,
    output: OutputOpt = None,
    snapshot: SnapshotOpt = None,
) -> int:
    """Print the smallest verified set of changes that cures the connection (changes nothing)."""
    inventory = inputs.for_connection(inputs.Source(snapshot, region, profile), name)
    plan = fix_plan(inventory, name)
    files.write_output(output, FIX_RENDERERS[fmt.value](plan))
    for line in plan.remaining:
        warn(f"not fixed: {line}")
    return plan.exit_code  # 0: every predicted failure cleared, 1: only part


@app.command("iam-policy")
@_guarded
def iam_policy(command: Annotated[str | None, typer.Option("--command", help="Only one command's")] = None) -> int:
    """Print the minimal read-only IAM policy glue-netcheck needs (all commands, or one)."""
    typer.echo(permissions.policy(command))
    return EXIT_OK


@app.command("checks")
def list_checks() -> None:
    """List every check: id, severity, title."""
    typer.echo(pages.listing(), nl=False)


@app.command()
@_guarded
def explain(check_id: Annotated[str, typer.Argument(help="A check id from `glue-netcheck checks`")]) -> int:
    """Print one check's runbook page: what it checks, how Glue fails, how to fix it."""
    typer.echo(pages.page(check_id), nl=False)
    return EXIT_OK


def _version(value: bool) -> None:
    if value:
        typer.echo(f"glue-netcheck {__version__}")
        raise typer.Exit()


VersionOpt = Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version")]


@app.callback()
def main_options(version: VersionOpt = False) -> None:
    """glue-netcheck: static reachability checks for AWS Glue connections."""


def main() -> None:
    """Usage errors are one line like every other error (click would print a usage block)."""
    try:
        code = app(standalone_mode=False)
    except click_errors.NoArgsIsHelpError as exc:
        typer.echo(exc.ctx.get_help() if exc.ctx else str(exc))
        code = EXIT_OK
    except click_errors.UsageError as exc:
        path = exc.ctx.command_path if exc.ctx else "glue-netcheck"
        typer.echo(f"glue-netcheck: error: {exc.format_message()} (see {path} --help)", err=True)
        code = EXIT_ERROR
    except (typer.Abort, KeyboardInterrupt):
        typer.echo("glue-netcheck: error: interrupted", err=True)
        code = EXIT_INTERRUPTED
    raise SystemExit(code if isinstance(code, int) else EXIT_OK)
