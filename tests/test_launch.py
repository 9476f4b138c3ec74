"""The console script sets the collector up before the CLI runs (glue_netcheck/launch.py)."""

from __future__ import annotations

import subprocess
import sys
import tomllib

from glue_netcheck import __version__, launch

from conftest import ROOT


def test_the_console_script_is_the_launcher() -> None:
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts["glue-netcheck"] == "glue_netcheck.launch:main"


def test_python_dash_m_runs_the_cli() -> None:
    done = subprocess.run([sys.executable, "-m", "glue_netcheck", "--version"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert __version__ in done.stdout


def test_the_launcher_raises_the_threshold_and_keeps_collections_on() -> None:
    code = (
        "import gc, sys\n"
        "from glue_netcheck import launch\n"
        "sys.argv = ['glue-netcheck', '--version']\n"
        "try:\n    launch.main()\nexcept SystemExit:\n    pass\n"
        "print(gc.isenabled(), gc.get_threshold()[0], gc.get_freeze_count() > 0)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[-3:] == ["True", str(launch.YOUNG_THRESHOLD), "True"]
