"""The command line. The only module that prints, writes files and chooses exit codes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from glue_netcheck import __version__
from glue_netcheck.analyse.connection import ConnectionNotFound, analyse_connection
from glue_netcheck.analyse.consumer import ConsumerNotFound, analyse_consumer
from glue_netcheck.analyse.results import ConnectionReport, ConsumerReport
from glue_netcheck.checks import ALL, BY_ID
from glue_netcheck.collect import permissions
from glue_netcheck.collect import snapshot as snapshots
from glue_netcheck.errors import AnalysisError
from glue_netcheck.model.build import ModelError, build_inventory
from glue_netcheck.model.glue import ConsumerKind, Inventory
from glue_netcheck.report import dot, json_report, markdown, sarif, text

app = typer.Typer(
    name="glue-netcheck",
    help="Will this AWS Glue connection reach KMS, S3 and its data source from inside its VPC?",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

EXIT_FOR_VERDICT = {"pass": 0, "warn": 0, "fail": 1, "unknown": 3}


class Format(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"
    sarif = "sarif"
    dot = "dot"


RegionOpt = Annotated[str | None, typer.Option("--region", help="AWS region (default: the boto3 chain)")]
ProfileOpt = Annotated[str | None, typer.Option("--profile", help="AWS profile (default: the boto3 chain)")]
FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Output format")]
OutputOpt = Annotated[Path | None, typer.Option("--output", "-o", help="Write the report to FILE (atomically)")]
SnapshotOpt = Annotated[
    Path | None, typer.Option("--snapshot", help="Analyse offline from a snapshot file (no AWS call)")
]
GraphOpt = Annotated[
    Path | None,
    typer.Option("--graph", help="Also draw the paths to FILE.svg or FILE.png (needs Graphviz's `dot`)"),
]
ColorOpt = Annotated[
    bool, typer.Option("--color/--no-color", help="Colour text output (default: when stdout is a terminal)")
]


def fail(message: str, code: int = 2) -> NoReturn:
    typer.echo(f"glue-netcheck: error: {message}", err=True)
    raise typer.Exit(code)


def emit(content: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(content)
        sys.stdout.flush()
        return
    try:
        snapshots.write_atomic(output, content)
    except OSError as exc:
        fail(f"cannot write {output}: {exc.strerror or exc}")


def render(reports: Sequence[ConnectionReport], fmt: Format, color: bool | None, many: bool) -> str:
    if fmt is Format.json:
        return json_report.render_many(reports) if many else json_report.render(reports[0])
    if fmt is Format.markdown:
        return markdown.render(reports)
    if fmt is Format.sarif:
        return sarif.render(reports)
    if fmt is Format.dot:
        return dot.render(reports)
    return text.render(reports, color=_use_color(color), width=_width())


def _width() -> int:
    """The terminal's width on a terminal (rich wraps every table to it), else 100 columns."""
    return shutil.get_terminal_size((100, 24)).columns if sys.stdout.isatty() else 100


def draw(reports: Sequence[ConnectionReport], graph: Path | None) -> None:
    """Render the DOT graph with Graphviz; a missing `dot` is a warning, not a failed analysis."""
    if graph is None:
        return
    fmt = graph.suffix.lstrip(".").lower()
    if fmt not in ("svg", "png"):
        fail(f"--graph {graph}: the file name must end in .svg or .png")
    binary = shutil.which("dot")
    if binary is None:
        typer.echo(
            f"glue-netcheck: warning: --graph {graph} not drawn: Graphviz's `dot` is not on PATH "
            "(install graphviz, or use --format dot / --format markdown)",
            err=True,
        )
        return
    try:
        drawn = subprocess.run(
            [binary, f"-T{fmt}"], input=dot.render(reports).encode(), capture_output=True, timeout=60, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        fail(f"--graph {graph}: Graphviz failed: {exc}")
    if drawn.returncode != 0:
        fail(f"--graph {graph}: Graphviz failed: {drawn.stderr.decode(errors='replace').strip()[:200]}")
    snapshots.write_atomic_bytes(graph, drawn.stdout)


def _use_color(color: bool | None) -> bool:
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR") if color is None else color


def _build(region: str, raw: dict[str, Any]) -> Inventory:
    try:
        return build_inventory(region, raw)
    except ModelError as exc:
        raise AnalysisError(f"unexpected answer from AWS: {exc}") from None


def worst_exit(reports: Sequence[ConnectionReport], warn_fails: bool = False) -> int:
    """1 over 3 over 0; with --fail-on warn a warning verdict counts as a failure."""
    codes = {1 if warn_fails and r.verdict == "warn" else EXIT_FOR_VERDICT[r.verdict] for r in reports}
    return 1 if 1 in codes else 3 if 3 in codes else 0


def _pick_region(
    inventories: dict[str, Inventory],
    region: str | None,
    where: str,
    wanted: Callable[[Inventory], bool] | None = None,
) -> Inventory:
    if region is not None:
        if region not in inventories:
            fail(f"{where} has no region {region} (it has {', '.join(sorted(inventories))})")
        return inventories[region]
    if len(inventories) == 1:
        return next(iter(inventories.values()))
    matching = [inv for inv in inventories.values() if wanted is None or wanted(inv)]
    if len(matching) == 1:
        return matching[0]
    configured = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
    if configured in inventories:
        return inventories[configured]
    fail(f"{where} covers several regions ({', '.join(sorted(inventories))}): pass --region")


def _live_inventory(region: str | None, profile: str | None, name: str) -> Inventory:
    from glue_netcheck.collect import aws  # boto3 is imported only when AWS is called

    reader = aws.AwsReader(region=region, profile=profile)
    return _build(reader.region, aws.collect_connection(reader, name))


def _run(body: Callable[[], int]) -> None:
    """Every command's error boundary: one stderr line and exit 2, never a traceback."""
    try:
        code = body()
    except typer.Exit:
        raise
    except AnalysisError as exc:
        fail(str(exc), exc.exit_code)
    except KeyboardInterrupt:
        fail("interrupted", 130)
    except Exception as exc:  # a bug must still not print a traceback at a user
        fail(f"internal error ({type(exc).__name__}: {exc}); please report it")
    raise typer.Exit(code)


@app.command()
def connection(
    name: Annotated[str, typer.Argument(help="Glue connection name")],
    region: RegionOpt = None,
    profile: ProfileOpt = None,
    fmt: FormatOpt = Format.text,
    output: OutputOpt = None,
    snapshot: SnapshotOpt = None,
    graph: GraphOpt = None,
    color: ColorOpt = None,  # type: ignore[assignment]
) -> None:
    """Analyse one Glue connection: can its jobs and crawlers reach KMS, S3 and the rest?"""

    def body() -> int:
        if snapshot is not None:
            inventories = snapshots.load(snapshot)
            inventory = _pick_region(inventories, region, f"snapshot {snapshot}", lambda inv: name in inv.connections)
        else:
            inventory = _live_inventory(region, profile, name)
        try:
            report = analyse_connection(inventory, name)
        except ConnectionNotFound:
            known = ", ".join(sorted(inventory.connections)[:10]) or "none"
            fail(f"Glue connection {name!r} not found in {inventory.region} (known: {known})")
        emit(render([report], fmt, color, many=False), output)
        draw([report], graph)
        return EXIT_FOR_VERDICT[report.verdict]

    _run(body)


def render_consumer(result: ConsumerReport, fmt: Format, color: bool | None) -> str:
    if fmt is Format.json:
        return json_report.render_consumer(result)
    if fmt is Format.markdown:
        return markdown.render_consumer(result)
    if fmt is Format.sarif:
        return sarif.render_consumer(result)
    if fmt is Format.dot:
        return dot.render(result.connections)
    return text.render_consumer(result, color=_use_color(color), width=_width())


def _consumer_command(
    kind: ConsumerKind,
    name: str,
    region: str | None,
    profile: str | None,
    fmt: Format,
    output: Path | None,
    snapshot: Path | None,
    color: bool | None,
) -> None:
    def body() -> int:
        if snapshot is not None:
            inventories = snapshots.load(snapshot)
            inventory = _pick_region(
                inventories, region, f"snapshot {snapshot}", lambda inv: inv.consumer(kind, name) is not None
            )
        else:
            from glue_netcheck.collect import aws

            reader = aws.AwsReader(region=region, profile=profile)
            inventory = _build(reader.region, aws.collect_consumer(reader, kind, name))
        try:
            result = analyse_consumer(inventory, kind, name)
        except ConsumerNotFound:
            fail(f"Glue {kind} {name!r} not found in {inventory.region}")
        emit(render_consumer(result, fmt, color), output)
        return EXIT_FOR_VERDICT[result.verdict]

    _run(body)


@app.command()
def job(
    name: Annotated[str, typer.Argument(help="Glue job name")],
    region: RegionOpt = None,
    profile: ProfileOpt = None,
    fmt: FormatOpt = Format.text,
    output: OutputOpt = None,
    snapshot: SnapshotOpt = None,
    color: ColorOpt = None,  # type: ignore[assignment]
) -> None:
    """Analyse one job: each of its connections, plus its security configuration and KMS keys."""
    _consumer_command("job", name, region, profile, fmt, output, snapshot, color)


@app.command()
def crawler(
    name: Annotated[str, typer.Argument(help="Glue crawler name")],
    region: RegionOpt = None,
    profile: ProfileOpt = None,
    fmt: FormatOpt = Format.text,
    output: OutputOpt = None,
    snapshot: SnapshotOpt = None,
    color: ColorOpt = None,  # type: ignore[assignment]
) -> None:
    """Analyse one crawler: each of its connections, plus its security configuration and KMS keys."""
    _consumer_command("crawler", name, region, profile, fmt, output, snapshot, color)


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


def _fleet_inventories(
    regions: list[str] | None,
    all_regions: bool,
    profiles: list[str] | None,
    role_arn: str | None,
    accounts_file: Path | None,
    organization: bool,
) -> tuple[dict[str, Any], int]:
    """Collect every (account, region) asked for, concurrently, with a progress bar on a terminal."""
    from glue_netcheck.collect import aws, fleet

    profile_list: list[str | None] = list(profiles or []) or [None]
    if all_regions:
        region_list = fleet.all_regions(profile_list[0], regions[0] if regions else None)
    else:
        region_list = list(regions or []) or [aws.AwsReader(profile=profile_list[0]).region]
    accounts: list[str] = []
    if role_arn:
        if accounts_file is not None:
            try:
                accounts = [line.strip() for line in accounts_file.read_text().splitlines() if line.strip()]
            except OSError as exc:
                fail(f"--accounts {accounts_file}: {exc.strerror or exc}")
        elif organization:
            accounts = fleet.accounts_from_organizations(profile_list[0])
        else:
            fail("--role-arn needs --accounts FILE or --organization")
    targets = fleet.plan_targets(region_list, list(profiles or []), accounts, role_arn)
    if not sys.stderr.isatty():
        return fleet.collect(targets)
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("Collecting accounts and regions", total=len(targets))
        return fleet.collect(targets, on_done=lambda _: progress.advance(task))


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
    color: ColorOpt = None,  # type: ignore[assignment]
) -> None:
    """Analyse every connection in the regions and accounts (or in a snapshot); exit with the worst."""

    def body() -> int:
        if snapshot is not None:
            inventories = snapshots.load(snapshot)
            wanted = set(regions or [])
            unknown = wanted - {inv.region for inv in inventories.values()}
            if unknown:
                fail(f"snapshot {snapshot} has no region {', '.join(sorted(unknown))}")
            selected = [inv for inv in inventories.values() if not wanted or inv.region in wanted]
        else:
            raw, _ = _fleet_inventories(regions, all_regions, profiles, role_arn, accounts, organization)
            selected = [_build(data.get("region", key), data) for key, data in raw.items()]
        ordered = sorted(selected, key=lambda inv: inv.region)  # deterministic, live or snapshot
        reports = [analyse_connection(inv, name) for inv in ordered for name in sorted(inv.connections)]
        if fmt is Format.text:
            emit(text.render_summary(reports, color=_use_color(color), width=_width()), output)
        else:
            emit(render(reports, fmt, color, many=True), output)
        return worst_exit(reports, fail_on is FailOn.warn)

    _run(body)


@app.command("snapshot")
def snapshot_command(
    output: Annotated[Path, typer.Option("--output", "-o", help="Snapshot file to write")],
    regions: RegionsOpt = None,
    profiles: ProfilesOpt = None,
    all_regions: AllRegionsOpt = False,
    role_arn: RoleArnOpt = None,
    accounts: AccountsOpt = None,
    organization: OrganizationOpt = False,
) -> None:
    """Collect, read-only, everything the analysis needs into one versioned JSON file."""

    def body() -> int:
        raw, calls = _fleet_inventories(regions, all_regions, profiles, role_arn, accounts, organization)
        document = snapshots.make(raw)
        emit(snapshots.dumps(document), output)
        count = sum(len(r["glue"]["Connections"]) for r in raw.values())
        typer.echo(f"wrote {output}: {count} connection(s) in {', '.join(sorted(raw))}, {calls} API calls", err=True)
        return 0

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
    color: ColorOpt = None,  # type: ignore[assignment]
) -> None:
    """Pre-deployment: analyse the Glue connections in a Terraform plan, merged with what exists."""

    def body() -> int:
        from glue_netcheck.collect import terraform

        plan = terraform.load(plan_file)
        if snapshot is not None:
            inventories = snapshots.load(snapshot)
            base_region = _pick_region(inventories, region, f"snapshot {snapshot}").region
            raw_base = snapshots.raw_region(snapshot, base_region)
        else:
            raw_base, base_region = _live_base(plan, region, profile)
        merged, names = terraform.apply(raw_base, plan, base_region)
        try:
            inventory = build_inventory(base_region, merged)
        except ModelError as exc:
            raise terraform.PlanError(f"{plan.source}: {exc}") from None
        reports = [analyse_connection(inventory, name) for name in names if name in inventory.connections]
        if fmt is Format.text:
            emit(text.render_summary(reports, color=_use_color(color), width=_width()), output)
        elif fmt is Format.json:
            emit(json_report.render_many(reports, plan.addresses), output)
        elif fmt is Format.sarif:
            emit(sarif.render(reports, plan.addresses), output)
        else:
            emit(render(reports, fmt, color, many=True), output)
        return worst_exit(reports, fail_on is FailOn.warn)

    _run(body)


def _live_base(plan: Any, region: str | None, profile: str | None) -> tuple[dict[str, Any], str]:
    """The live account's side of a plan: Glue resources and the VPCs the plan builds on."""
    from glue_netcheck.collect import aws, terraform

    reader = aws.AwsReader(region=region, profile=profile)
    raw = aws.collect_region(reader, terraform.existing_ids(plan, "subnet-"), terraform.existing_ids(plan, "vpc-"))
    return raw, reader.region


@app.command("iam-policy")
def iam_policy(
    command: Annotated[
        str | None, typer.Option("--command", help="Only what this command needs: " + ", ".join(permissions.BY_COMMAND))
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


def version_callback(value: bool) -> None:
    if value:
        typer.echo(f"glue-netcheck {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool, typer.Option("--version", callback=version_callback, is_eager=True, help="Show the version")
    ] = False,
) -> None:
    """glue-netcheck: static reachability checks for AWS Glue connections."""


def main() -> None:
    app()
