"""What a job script calls, read from its text: pure functions for the collector, which keeps
only their answers (never the script).

The collector stores, per script location under `s3.Scripts`:
`{"CallsJobInit": bool, "Services": script_services(text), "GlobalSts": pins_global_sts(text)}`.
"""

from __future__ import annotations

import re

# boto3.client("s3"), session.client(service_name='sqs'), boto3.resource("dynamodb"), …
_CLIENT = re.compile(r"""\.(?:client|resource)\(\s*(?:service_name\s*=\s*)?["']([a-z0-9][a-z0-9-]*)["']""")
# Glue's own readers and writers that call a service from the job (getSink, from_options, …).
_GLUE_IO = re.compile(r"""connection_type\s*=\s*["'](dynamodb|kinesis)["']""", re.IGNORECASE)
# The global STS name: not sts.<region>.amazonaws.com, not sts-fips.
_GLOBAL_STS = re.compile(r"(?<![\w.-])sts\.amazonaws\.com(?![\w-])")
# botocore's switch back to the global endpoint (Config, environment or config file).
_LEGACY_STS = re.compile(r"""sts_regional_endpoints\W{1,6}legacy""", re.IGNORECASE)


def _code(text: str) -> str:
    """The text without whole-line comments (a commented-out client is not a call)."""
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))


def script_services(text: str) -> list[str]:
    """The AWS services the script creates clients or resources for, sorted, each once."""
    code = _code(text)
    found = {m.group(1) for m in _CLIENT.finditer(code)}
    found |= {m.group(1).lower() for m in _GLUE_IO.finditer(code)}
    return sorted(found)


def pins_global_sts(text: str) -> bool:
    """Whether the script calls the global sts.amazonaws.com, which no VPC endpoint serves."""
    code = _code(text)
    return bool(_GLOBAL_STS.search(code) or _LEGACY_STS.search(code))
