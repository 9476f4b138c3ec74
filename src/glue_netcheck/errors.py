"""Errors the CLI turns into one stderr line and exit code 2 ("could not analyse")."""

from __future__ import annotations


class AnalysisError(Exception):
    """Could not analyse: the message says what, which resource, and what to do."""

    exit_code = 2
