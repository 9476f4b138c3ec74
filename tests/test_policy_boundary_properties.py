"""A role's rights through its permissions boundary against the brute-force reference of
test_policy_properties: in every possible world the effective answer is the plain IAM one —
an explicit Deny in either document denies; else allowed only when both allow; else implicit
deny. The combined decision (policy/role.py) must never contradict a world, and must decide
when nothing is left open."""

from __future__ import annotations

import itertools
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from glue_netcheck.policy.request import Request
from glue_netcheck.policy.role import action_decisions
from test_policy_properties import ACTIONS, RESOURCES, ROLES, VPCES, covers, document, statements


@st.composite
def documents(draw: st.DrawFn, prefix: str) -> list[dict[str, Any]]:
    return [draw(statements(f"{prefix}{i}")) for i in range(draw(st.integers(0, 3)))]


def plain(hit: list[dict[str, Any]]) -> str:
    if any(s["Effect"] == "Deny" for s in hit):
        return "explicit"
    return "allowed" if any(s["Effect"] == "Allow" for s in hit) else "implicit"


def effective(identity: list[dict[str, Any]], boundary: list[dict[str, Any]], request: Request) -> list[str]:
    """The effective answer in every world the request leaves open (its aws:SourceVpce, and
    the NotPrincipal / aws:PrincipalOrgID bits the tool cannot place), both documents judged in
    the same world."""
    both = identity + boundary
    bits = [s["Sid"] + "/notprincipal" for s in both if "NotPrincipal" in s]
    bits += [s["Sid"] + "/org" for s in both if "aws:PrincipalOrgID" in str(s.get("Condition", {}))]
    answers = []
    for vpce, values in itertools.product([None, *VPCES], itertools.product((False, True), repeat=len(bits))):
        open_bits = dict(zip(bits, values, strict=True))
        mine = plain([s for s in identity if covers(s, request, vpce, open_bits)])
        limit = plain([s for s in boundary if covers(s, request, vpce, open_bits)])
        if "explicit" in (mine, limit):
            answers.append("explicit")
        elif mine == limit == "allowed":
            answers.append("allowed")
        else:
            answers.append("implicit")
    return answers


@settings(max_examples=400, deadline=None)
@given(
    documents("i"),
    documents("b"),
    st.sampled_from(ACTIONS),
    st.sampled_from(RESOURCES),
    st.sampled_from(ROLES),
)
def test_identity_and_boundary_never_contradict_a_possible_world(
    identity: list[dict[str, Any]], boundary: list[dict[str, Any]], action: str, resource: str, role: str
) -> None:
    # action_decisions asks a non-"*" resource as one request, with no request context.
    request = Request(action, resource, principal=role)
    decision = action_decisions([document(identity)], [action], resource, document(boundary), principal=role)[action]
    answers = set(effective(identity, boundary, request))

    if decision.outcome == "allowed":
        assert answers == {"allowed"}
    elif decision.outcome == "denied" and decision.explicit:
        assert answers == {"explicit"}
    elif decision.outcome == "denied":
        assert "allowed" not in answers
    if len(answers) == 1 and not _open(identity + boundary):
        assert decision.outcome != "undecided"


def _open(both: list[dict[str, Any]]) -> bool:
    """Whether anything in the documents depends on what the request leaves unknown."""
    return any("Condition" in s or "NotPrincipal" in s for s in both)


def test_a_boundary_allowing_everything_changes_nothing() -> None:
    identity = document([{"Sid": "i0", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}])
    everything = document([{"Sid": "b0", "Effect": "Allow", "Action": "*", "Resource": "*"}])
    for action in ("s3:GetObject", "s3:PutObject"):
        alone = action_decisions([identity], [action], RESOURCES[0], principal=ROLES[0])[action]
        bounded = action_decisions([identity], [action], RESOURCES[0], everything, principal=ROLES[0])[action]
        assert (alone.outcome, alone.reason) == (bounded.outcome, bounded.reason)
