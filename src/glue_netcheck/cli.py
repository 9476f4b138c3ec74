"""The command line: parse, select the input, analyse, render, write, pick the exit code.

The only module that prints, writes files and chooses exit codes. Inputs come through
collect/inputs.py, reports leave through report/__init__.py.
"""

from __future__ import annotations

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
from glue_netcheck.analyse.consumer import analyse_consumer
from glue_netcheck.analyse.results import BatchReport, Report, Verdict, worst
from glue_netcheck.checks import ALL, BY_ID
from glue_netcheck.collect import files, inputs, permissions
from glue_netcheck.errors import AnalysisError
from glue_netcheck.model.glue import ConsumerKind
from glue_netcheck.report import Format, RenderOptions, render

EXIT_OK = 0  # no predicted failure (pass or warn)
EXIT_FAIL = 1  # at least one predicted failure
EXIT_ERROR = 2  # could not analyse
EXIT_UNKNOWN = 3  # inconclusive: a required path could not be decided
EXIT_INTERRUPTED = 130
EXIT_FOR_VERDICT: dict[Verdict, int] = {"pass": EXIT_OK, "warn": EXIT_OK, "fail": EXIT_FAIL, "unknown": EXIT_UNKNOWN}

app = typer.Typer(
    name="glue-netcheck",
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
    Path | None,
    typer.Option("--output", "-o", callback=_output_path, help="Write the report to FILE (atomically; - is stdout)"),
]
SnapshotOpt = Annotated[
    Path | None, typer.Option("--snapshot", help="Analyse offline from a snapshot file (no AWS call)")
]
GraphOpt = Annotated[
    Path | None,
    typer.Option(
        "--graph", callback=_graph_path, help="Also draw the paths to FILE.svg or FILE.png (needs Graphviz's `dot`)"
    ),
]
ColorOpt = Annotated[
    bool | None, typer.Option("--color/--no-color", help="Colour text output (default: when stdout is a terminal)")
]
RegionsOpt = Annotated[list[str] | None, typer.Option("--region", help="AWS region; repeat for several")]
ProfilesOpt = Annotated[list[str] | None, typer.Option("--profile", help="AWS profile; repeat for several accounts")]
AllRegionsOpt = Annotated[bool, typer.Option("--all-regions", help="Every region enabled in the account")]
RoleArnOpt = Annotated[
    str | None,
    typer.Option("--role-arn", help="Read-only role to assume in each account: a name, or an ARN with {account}"),
]
AccountsOpt = Annotated[
    Path | None, typer.Option("--accounts", help="File of account ids (one per line) for --role-arn")
]
OrganizationOpt = Annotated[
    bool, typer.Option("--organization", help="With --role-arn: every active account of the AWS Organization")
]


class FailOn(StrEnum):
    fail = "fail"
    warn = "warn"


FailOnOpt = Annotated[FailOn, typer.Option("--fail-on", help="Exit 1 on predicted failures (fail) or on warnings too")]


def fail(message: str, code: int = EXIT_ERROR) -> NoReturn:
    typer.echo(f"glue-netcheck: error: {message}", err=True)
    raise typer.Exit(code)


def warn(message: str) -> None:
    typer.echo(f"glue-netcheck: warning: {message}", err=True)


def _run(body: Callable[[], int]) -> None:
    """Every command's error boundary: one stderr line and exit 2, never a traceback."""
    try:
        code = body()
    except typer.Exit:
        raise
    except AnalysisError as exc:
        fail(str(exc), exc.exit_code)
    except KeyboardInterrupt:
        fail("interrupted", EXIT_INTERRUPTED)
    except Exception as exc:  # a bug must still not print a traceback at a user
        fail(f"internal error ({type(exc).__name__}: {exc}); please report it")
    raise typer.Exit(code)


def _options(color: bool | None, locations: dict[str, tuple[str, int]] | None = None) -> RenderOptions:
    tty = sys.stdout.isatty()
    use_color = (tty and not os.environ.get("NO_COLOR")) if color is None else color
    # On a terminal rich wraps every table to its width; elsewhere 100 columns.
    width = shutil.get_terminal_size((100, 24)).columns if tty else 100
    return RenderOptions(color=bool(use_color), width=width, locations=locations or {})


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
        warn(
            f"--graph {graph} not drawn: Graphviz's `dot` is not on PATH "
            "(install graphviz, or use --format dot / --format markdown)"
        )
    else:
        files.write_output(graph, drawn)


def progress_bar(total: int) -> Callable[[], None]:
    """A progress bar on stderr for fleet collection (only on a terminal)."""
    from rich.console import Console
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
def connection(
    name: Annotated[str, typer.Argument(help="Glue connection name")],
    region: RegionOpt = None,
    profile: ProfileOpt = None,
    fmt: FormatOpt = Format.text,
    output: OutputOpt = None,
    snapshot: SnapshotOpt = None,
    graph: GraphOpt = None,
    color: ColorOpt = None,
) -> None:
    """Analyse one Glue connection: can its jobs and crawlers reach KMS, S3 and the rest?"""

    def body() -> int:
        inventory = inputs.for_connection(inputs.Source(snapshot, region, profile), name)
        report = analyse_connection(inventory, name)
        deliver(report, fmt, output, _options(color), graph)
        return EXIT_FOR_VERDICT[report.verdict]

    _run(body)


def _consumer_command(kind: ConsumerKind) -> None:
    """`job` and `crawler`: one command each, the same code."""

    def command(
        name: Annotated[str, typer.Argument(help="Glue job or crawler name")],
        region: RegionOpt = None,
        profile: ProfileOpt = None,
        fmt: FormatOpt = Format.text,
        output: OutputOpt = None,
        snapshot: SnapshotOpt = None,
        color: ColorOpt = None,
    ) -> None:
        def body() -> int:
            inventory = inputs.for_consumer(inputs.Source(snapshot, region, profile), kind, name)
            result = analyse_consumer(inventory, kind, name)
            deliver(result, fmt, output, _options(color))
            return EXIT_FOR_VERDICT[result.verdict]

        _run(body)

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
) -> None:
    """Analyse every connection in the regions and accounts (or in a snapshot); exit with the worst."""

    def body() -> int:
        fleet = _fleet(regions, profiles, all_regions, role_arn, accounts, organization)
        selected = inputs.for_scan(snapshot, fleet)
        reports = tuple(analyse_connection(inv, name) for inv in selected for name in sorted(inv.connections))
        batch = BatchReport("scan", reports, source=str(snapshot) if snapshot else None)
        deliver(batch, fmt, output, _options(color))
        return EXIT_FOR_VERDICT[worst((r.verdict for r in reports), fail_on is FailOn.warn)]

    _run(body)


@app.command("snapshot")
def snapshot_command(
    output: Annotated[Path, typer.Option("--output", "-o", callback=_output_path, help="Snapshot file to write")],
    regions: RegionsOpt = None,
    profiles: ProfilesOpt = None,
    all_regions: AllRegionsOpt = False,
    role_arn: RoleArnOpt = None,
    accounts: AccountsOpt = None,
    organization: OrganizationOpt = False,
    from_describe: Annotated[
        Path | None,
        typer.Option("--from-describe", help="Build the snapshot from raw Describe answers in DIR (no AWS call)"),
    ] = None,
) -> None:
    """Collect, read-only, everything the analysis needs into one versioned JSON file."""
    from glue_netcheck.collect import snapshot as snapshots

    def body() -> int:
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

    _run(body)


@app.command("plan")
def plan_command(
    plan_file: Annotated[Path, typer.Argument(help="`terraform show -json tfplan` output", metavar="PLAN.json")],
    region: RegionOpt = None,
    profile: ProfileOpt = None,
    fmt: FormatOpt = Format.text,
    output: OutputOpt = None,
    snapshot: SnapshotOpt = None,
    fail_on: FailOnOpt = FailOn.fail,
    color: ColorOpt = None,
) -> None:
    """Pre-deployment: analyse the Glue connections in a Terraform plan, merged with what exists."""

    def body() -> int:
        planned = inputs.for_plan(plan_file, inputs.Source(snapshot, region, profile))
        reports = tuple(analyse_connection(planned.inventory, name) for name in planned.names)
        batch = BatchReport("plan", reports, planned.addresses, str(plan_file))
        deliver(batch, fmt, output, _options(color))
        return EXIT_FOR_VERDICT[worst((r.verdict for r in reports), fail_on is FailOn.warn)]

    _run(body)


@app.command("iam-policy")
def iam_policy(
    command: Annotated[
        str | None,
        typer.Option("--command", help="Only what this command needs: " + ", ".join(permissions.BY_COMMAND)),
    ] = None,
) -> None:
    """Print the minimal read-only IAM policy glue-netcheck needs (all commands, or one)."""
    if command is not None and command not in permissions.BY_COMMAND:
        fail(f"--command {command}: choose one of {', '.join(permissions.BY_COMMAND)}")
    typer.echo(permissions.policy(command))


@app.command("checks")
def list_checks() -> None:
    """List every check: id, severity, title."""
    width = max(len(c.id) for c in ALL)
    for check in ALL:
        typer.echo(f"{check.id:<{width}}  {check.severity:<7}  {check.title}")


@app.command()
def explain(check_id: Annotated[str, typer.Argument(help="A check id from `glue-netcheck checks`")]) -> None:
    """Print one check's runbook page: what it checks, how Glue fails, how to fix it."""
    check = BY_ID.get(check_id)
    if check is None:
        fail(f"no check {check_id!r}: `glue-netcheck checks` lists them")
    typer.echo(f"# {check.id}: {check.title}\n\nseverity: {check.severity}\n\n{check.doc}")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"glue-netcheck {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version")
    ] = False,
) -> None:
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
