"""The exit codes of the contract, and the errors the CLI turns into one stderr line."""

from __future__ import annotations


class AnalysisError(Exception):
    """Could not analyse: the message says what, which resource, and what to do."""

    exit_code = 2


EXIT_OK = 0  # no predicted failure (verdict pass or warn)
EXIT_FAIL = 1  # at least one predicted failure
EXIT_ERROR = 2  # could not analyse
EXIT_UNKNOWN = 3  # inconclusive: a required path could not be decided
EXIT_INTERRUPTED = 130
EXIT_FOR_VERDICT = {"pass": EXIT_OK, "warn": EXIT_OK, "fail": EXIT_FAIL, "unknown": EXIT_UNKNOWN}
