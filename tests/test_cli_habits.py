"""CLI habits (issue 15.6): usage errors are one line, -h works, output paths are checked before
the analysis runs, devices are written to and never replaced, failed runs leave no file."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from glue_netcheck.report import RENDERERS, Format

from conftest import FIXTURES, run_cli

GOOD = FIXTURES / "healthy-nat.json"


def test_every_format_has_one_renderer() -> None:
    assert set(RENDERERS) == {f.value for f in Format}


@pytest.mark.parametrize("args", [["connection"], ["connection", "x", "--bogus"], ["scan", "--format", "yaml"]])
def test_usage_errors_are_one_line(args: list[str]) -> None:
    result = run_cli(*args)
    assert result.code == 2 and result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("glue-netcheck: error: "), result.stderr
    assert "--help" in lines[0]


@pytest.mark.parametrize("name", ["json", "text", "sarif", "html"])
def test_output_named_like_a_format_suggests_format(tmp_path: Path, name: str) -> None:
    result = run_cli("connection", "orders-db", "--snapshot", str(GOOD), "--output", name)
    assert result.code == 2
    assert f"did you mean --format {name}?" in result.stderr
    assert not (Path.cwd() / name).exists()


def test_dash_h_is_help() -> None:
    short, long = run_cli("connection", "-h"), run_cli("connection", "--help")
    assert short.code == long.code == 0
    assert short.stdout == long.stdout and "--snapshot" in short.stdout


def test_graph_suffix_checked_before_the_analysis(tmp_path: Path) -> None:
    # The snapshot does not exist: had the analysis run first, the error would name it.
    result = run_cli("connection", "x", "--snapshot", str(tmp_path / "absent.json"), "--graph", str(tmp_path / "g.gif"))
    assert result.code == 2 and "--graph" in result.stderr and "absent.json" not in result.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(os.geteuid() != 0, reason="replacing /dev/null needs root; the bug only bites root")
def test_dev_null_is_written_never_replaced() -> None:
    before = os.stat("/dev/null")
    result = run_cli("connection", "orders-db", "--snapshot", str(GOOD), "--format", "json", "--output", "/dev/null")
    assert result.code == 0, result.stderr
    after = os.stat("/dev/null")
    assert stat.S_ISCHR(after.st_mode) and after.st_ino == before.st_ino


def test_fifo_is_written_in_place(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        result = run_cli("connection", "orders-db", "--snapshot", str(GOOD), "--format", "json", "--output", str(fifo))
        assert result.code == 0, result.stderr
        assert b'"verdict": "pass"' in os.read(reader, 1 << 20)
        assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    finally:
        os.close(reader)


def test_dash_is_stdout() -> None:
    result = run_cli("connection", "orders-db", "--snapshot", str(GOOD), "--format", "json", "--output", "-")
    assert result.code == 0 and '"verdict": "pass"' in result.stdout
    assert not Path("-").exists()


def test_a_failed_run_keeps_an_existing_report(tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    out.write_text("previous\n")
    result = run_cli("connection", "nope", "--snapshot", str(GOOD), "--format", "json", "--output", str(out))
    assert result.code == 2
    assert out.read_text() == "previous\n"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]
