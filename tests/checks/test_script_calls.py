"""The script parser the collector keeps the answers of: which AWS services a job script
calls, and whether it is pinned to the global STS endpoint."""

from __future__ import annotations

import pytest

from glue_netcheck.checks.script_calls import pins_global_sts, script_services

SCRIPT = """
import boto3
from awsglue.context import GlueContext
# boto3.client("sns") is commented out: not a call
sqs = boto3.client("sqs", region_name="us-east-1")
table = boto3.resource('dynamodb').Table("orders")
ssm = boto3.Session().client(service_name="ssm")
glueContext.write_dynamic_frame.from_options(frame, connection_type="dynamodb", connection_options={})
"""


def test_services_are_the_clients_resources_and_glue_sinks_created() -> None:
    assert script_services(SCRIPT) == ["dynamodb", "sqs", "ssm"]


def test_a_script_without_clients_calls_nothing() -> None:
    assert script_services("print('hello')\n# boto3.client('s3')\n") == []


@pytest.mark.parametrize(
    "text",
    [
        'boto3.client("sts", endpoint_url="https://sts.amazonaws.com")',
        "STS = 'sts.amazonaws.com'",
        'Config(sts_regional_endpoints="legacy")',
        "os.environ['AWS_STS_REGIONAL_ENDPOINTS'] = 'legacy'",
    ],
)
def test_global_sts_is_found(text: str) -> None:
    assert pins_global_sts(text)


@pytest.mark.parametrize(
    "text",
    [
        'boto3.client("sts", endpoint_url="https://sts.us-east-1.amazonaws.com")',
        'boto3.client("sts", endpoint_url="https://sts-fips.amazonaws.com")',
        'boto3.client("sts", region_name="eu-west-1")',
        '# boto3.client("sts", endpoint_url="https://sts.amazonaws.com")',
        'Config(sts_regional_endpoints="regional")',
    ],
)
def test_regional_sts_is_not_global(text: str) -> None:
    assert not pins_global_sts(text)
