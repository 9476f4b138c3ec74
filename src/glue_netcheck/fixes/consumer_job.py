"""Candidate fixes that change the job's own definition (UpdateJob, fixes/consumer_edits.py):
a connection it names that does not exist is removed from it; a subnet with fewer free
addresses than its workers, where no network change cures that (no other subnet with room),
gets fewer workers. Crawlers get none: a crawler names its connections in its targets, and a
JDBC or MongoDB target cannot do without one. Nothing here decides a candidate works:
fixes/consumer.py proves it.
"""

from __future__ import annotations

from glue_netcheck.analyse.results import ConsumerReport
from glue_netcheck.checks.finding import Finding
from glue_netcheck.fixes.candidates import Candidate
from glue_netcheck.fixes.consumer_edits import UpdateJob
from glue_netcheck.model.glue import Inventory

MIN_WORKERS = 2  # Glue's least NumberOfWorkers for the G worker types


def missing_connection(inventory: Inventory, report: ConsumerReport, finding: Finding) -> list[Candidate]:
    consumer = report.consumer
    # The finding's resource is the missing connection's name (its warning about connections
    # that disagree names a subnet: not this builder's).
    if consumer.kind != "job" or finding.resource not in report.consumer.connections:
        return []
    if finding.resource in inventory.connections:
        return []
    return [(UpdateJob(consumer.name, without_connection=finding.resource),)]


def fewer_workers(inventory: Inventory, report: ConsumerReport, finding: Finding) -> list[Candidate]:
    """As many workers as leave the subnet twice the addresses they take (subnet-free-ips
    warns below that: concurrent runs and lingering Glue_ ENIs hold addresses too)."""
    consumer = report.consumer
    subnet = inventory.network.subnets.get(finding.resource)
    if consumer.kind != "job" or subnet is None or subnet.available_ips is None:
        return []
    workers = subnet.available_ips // 2
    if workers < MIN_WORKERS or (consumer.workers is not None and workers >= consumer.workers):
        return []
    return [(UpdateJob(consumer.name, workers=workers, was=consumer.workers),)]
