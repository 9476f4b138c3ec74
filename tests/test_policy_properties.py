"""The evaluator against a brute-force reference over a tiny universe.

The reference knows nothing of three-valued logic: every thing the request leaves open (an
unknown aws:SourceVpce, a condition key the tool does not evaluate, a NotPrincipal that names a
role without its account) is enumerated as every possible world, and each world is decided the
plain IAM way (any Deny that covers denies; else any Allow that covers allows; else implicit
deny). The evaluator must never contradict a world: when it decides, every world agrees, and
when nothing is open it must decide, exactly as the single world does.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import replace
from typing import Any
from urllib.parse import quote

from hypothesis import given, settings
from hypothesis import strategies as st

from glue_netcheck.policy.document import parse_policy
from glue_netcheck.policy.evaluate import evaluate
from glue_netcheck.policy.request import Request

ACCOUNTS = ("111122223333", "444455556666")
ROLES = (
    "arn:aws:iam::111122223333:role/etl",
    "arn:aws:iam::111122223333:role/admin",
    "arn:aws:iam::444455556666:role/etl",
)
SERVICES = ("logs.us-east-1.amazonaws.com", "glue.amazonaws.com")
ACTIONS = ("s3:GetObject", "s3:PutObject", "s3:ListBucket", "kms:Decrypt", "ec2:DescribeVpcEndpoints")
RESOURCES = (
    "arn:aws:s3:::b",
    "arn:aws:s3:::b/k",
    "arn:aws:s3:::b/t/x:y",
    "arn:aws:s3:::c/k",
    "arn:aws:kms:us-east-1:111122223333:key/1",
    "arn:aws:kms:eu-west-1:444455556666:key/2",
)
VPCES = ("vpce-1", "vpce-2", "vpce-3")
OPERATORS = ("StringEquals", "StringNotEquals", "StringLike", "StringNotLike")
QUALIFIERS = ("", "ForAnyValue:", "ForAllValues:")


# --- the reference: obviously correct, slow --------------------------------------------------


def glob(pattern: str, text: str, fold: bool = False) -> bool:
    if fold:
        pattern, text = pattern.lower(), text.lower()
    if not pattern:
        return not text
    if pattern[0] == "*":
        return any(glob(pattern[1:], text[i:]) for i in range(len(text) + 1))
    return bool(text) and pattern[0] in ("?", text[0]) and glob(pattern[1:], text[1:])


def arn_glob(pattern: str, arn: str) -> bool:
    wanted, given_ = pattern.split(":", 5), arn.split(":", 5)
    if len(wanted) == 6 and len(given_) == 6:
        return all(glob(p, a) for p, a in zip(wanted, given_, strict=True))
    return glob(pattern, arn)


def account_of(principal: str) -> str | None:
    return principal.split(":")[4] if principal.startswith("arn:") else None


def names(entries: list[tuple[str, str]], principal: str) -> bool:
    if ("AWS", "*") in entries:
        return True
    account = account_of(principal)
    if account is None:
        return ("Service", principal) in entries
    return any(
        kind == "AWS" and value in (principal, account, f"arn:aws:iam::{account}:root") for kind, value in entries
    )


def entries_of(value: Any) -> list[tuple[str, str]]:
    if value == "*":
        return [("AWS", "*")]
    return [(k, v) for k, vs in value.items() for v in ([vs] if isinstance(vs, str) else vs)]


def condition_holds(operator: str, values: str | list[str], seen: str | None) -> bool:
    values = [values] if isinstance(values, str) else values
    qualifier, _, base = operator.rpartition(":")
    if_exists = base.endswith("IfExists")
    base = base.removesuffix("IfExists")
    negated = "Not" in base
    if seen is None:  # the key is absent from the request
        return if_exists or qualifier == "ForAllValues" or (negated and not qualifier)
    like = base.endswith("Like")
    hit = any(glob(v, seen) if like else v == seen for v in values)
    return not hit if negated else hit


def covers(statement: dict[str, Any], request: Request, vpce: str | None, open_bits: dict[str, bool]) -> bool:
    """Does the statement cover the request in the world (vpce, open_bits)?"""
    assert request.principal is not None and request.resource is not None
    sid = statement["Sid"]
    if "Principal" in statement and not names(entries_of(statement["Principal"]), request.principal):
        return False
    if "NotPrincipal" in statement:
        entries = entries_of(statement["NotPrincipal"])
        account = account_of(request.principal)
        listed_account = account is not None and (
            ("AWS", account) in entries or ("AWS", f"arn:aws:iam::{account}:root") in entries
        )
        if ("AWS", "*") in entries or listed_account or ("Service", request.principal) in entries:
            return False
        if ("AWS", request.principal) in entries and not open_bits[sid + "/notprincipal"]:
            return False  # a world where naming the role alone is enough
    key = "NotAction" if "NotAction" in statement else "Action"
    if any(glob(p, request.action, fold=True) for p in statement[key]) == (key == "NotAction"):
        return False
    key = "NotResource" if "NotResource" in statement else "Resource"
    if any(arn_glob(p, request.resource) for p in statement[key]) == (key == "NotResource"):
        return False
    for operator, block in statement.get("Condition", {}).items():
        for ckey, values in block.items():
            if ckey == "aws:SourceVpce" and not condition_holds(operator, values, vpce):
                return False
            if ckey == "aws:PrincipalAccount":
                account = account_of(request.principal)
                if account is None:  # a service principal: whether it has one is not known
                    if not open_bits[sid + "/account"]:
                        return False
                elif not condition_holds(operator, values, account):
                    return False
            if ckey == "aws:PrincipalOrgID" and not open_bits[sid + "/org"]:
                return False
    return True


def worlds(statements: list[dict[str, Any]], request: Request) -> list[str]:
    """The plain IAM answer in every world the request leaves open."""
    known = request.value("aws:SourceVpce")
    vpces: list[str | None] = [None, *VPCES] if known is None else [known[0] if known else None]
    bits = [s["Sid"] + "/notprincipal" for s in statements if "NotPrincipal" in s]
    bits += [s["Sid"] + "/org" for s in statements if "aws:PrincipalOrgID" in json.dumps(s.get("Condition", {}))]
    if request.principal_type == "Service" or request.principal is None:
        bits += [s["Sid"] + "/account" for s in statements if "aws:PrincipalAccount" in json.dumps(s.get("Condition"))]
    principals = [request.principal] if request.principal else list(ROLES + SERVICES)
    resources = [request.resource] if request.resource else list(RESOURCES)
    answers = []
    for vpce, values, principal, resource in itertools.product(
        vpces, itertools.product((False, True), repeat=len(bits)), principals, resources
    ):
        open_bits = dict(zip(bits, values, strict=True))
        kind = "AWS" if str(principal).startswith("arn:") else "Service"
        world = replace(request, principal=principal, principal_type=kind, resource=resource)
        hit = [s for s in statements if covers(s, world, vpce, open_bits)]
        if any(s["Effect"] == "Deny" for s in hit):
            answers.append("explicit")
        elif any(s["Effect"] == "Allow" for s in hit):
            answers.append("allowed")
        else:
            answers.append("implicit")
    return answers


# --- generated policies ----------------------------------------------------------------------


def mutated(universe: tuple[str, ...]) -> st.SearchStrategy[str]:
    def cut(seed: str) -> st.SearchStrategy[str]:
        n = len(seed)
        return st.tuples(st.integers(0, n), st.integers(0, n), st.sampled_from(("*", "?", "", "**"))).map(
            lambda t: seed[: min(t[:2])] + t[2] + seed[max(t[:2]) :]
        )

    return st.one_of(st.sampled_from(universe), st.sampled_from(universe).flatmap(cut), st.just("*"))


actions = st.one_of(mutated(ACTIONS), st.sampled_from(ACTIONS).map(str.lower), st.sampled_from(("s3:*", "S3:Get*")))
principal_entries = st.lists(
    st.sampled_from(
        [("AWS", r) for r in ROLES]
        + [("AWS", a) for a in ACCOUNTS]
        + [("AWS", f"arn:aws:iam::{a}:root") for a in ACCOUNTS]
        + [("Service", s) for s in SERVICES]
        + [("AWS", "*")]
    ),
    min_size=1,
    max_size=3,
    unique=True,
)


def principal_element(entries: list[tuple[str, str]]) -> Any:
    if entries == [("AWS", "*")]:
        return "*"
    element: dict[str, Any] = {}
    for kind, value in entries:
        element.setdefault(kind, []).append(value)
    return {k: v[0] if len(v) == 1 else v for k, v in element.items()}


@st.composite
def conditions(draw: st.DrawFn) -> dict[str, Any]:
    found: dict[str, Any] = {}
    if draw(st.booleans()):
        operator = draw(st.sampled_from(QUALIFIERS)) + draw(st.sampled_from(OPERATORS))
        operator += draw(st.sampled_from(("", "IfExists")))
        found[operator] = {"aws:SourceVpce": draw(st.lists(mutated(VPCES), min_size=1, max_size=2))}
    if draw(st.booleans()):
        found.setdefault("StringEquals", {})["aws:PrincipalAccount"] = draw(st.sampled_from(ACCOUNTS))
    if draw(st.integers(0, 4)) == 0:
        found.setdefault("StringEquals", {})["aws:PrincipalOrgID"] = "o-1"
    return found


@st.composite
def statements(draw: st.DrawFn, sid: str) -> dict[str, Any]:
    statement: dict[str, Any] = {"Sid": sid, "Effect": draw(st.sampled_from(("Allow", "Deny")))}
    who = draw(st.sampled_from(("Principal", "Principal", "NotPrincipal", None)))
    if who == "NotPrincipal" and statement["Effect"] == "Allow":
        who = "Principal"  # IAM refuses NotPrincipal with Allow
    if who:
        statement[who] = principal_element(draw(principal_entries))
    statement[draw(st.sampled_from(("Action", "Action", "NotAction")))] = draw(
        st.lists(actions, min_size=1, max_size=3)
    )
    statement[draw(st.sampled_from(("Resource", "Resource", "NotResource")))] = draw(
        st.lists(mutated(RESOURCES), min_size=1, max_size=3)
    )
    condition = draw(conditions())
    if condition:
        statement["Condition"] = condition
    return statement


@st.composite
def policies(draw: st.DrawFn) -> list[dict[str, Any]]:
    count = draw(st.integers(0, 4))
    return [draw(statements(f"s{i}")) for i in range(count)]


@st.composite
def requests(draw: st.DrawFn) -> Request:
    principal = draw(st.sampled_from((*ROLES, *SERVICES, None)))
    vpce = draw(st.sampled_from((*VPCES, "absent", "unknown")))
    context = {} if vpce == "unknown" else {"aws:SourceVpce": () if vpce == "absent" else (vpce,)}
    return Request(
        action=draw(st.sampled_from(ACTIONS)),
        resource=draw(st.sampled_from((*RESOURCES, None))),
        principal=principal,
        principal_type="Service" if principal in SERVICES else "AWS",
        context=context,
    )


def document(statements: list[dict[str, Any]]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": statements}


@settings(max_examples=400, deadline=None)
@given(policies(), requests())
def test_the_evaluator_never_contradicts_a_possible_world(statements: list[dict[str, Any]], request: Request) -> None:
    decision = evaluate(parse_policy(document(statements)), request, "VPC endpoint")
    answers = set(worlds(statements, request))
    by_label = {s["Sid"]: s for s in statements}
    if decision.outcome == "allowed":
        assert answers == {"allowed"}
        # The statement it names allows the request in every world, not some other one.
        assert by_label[str(decision.statement)]["Effect"] == "Allow"
    elif decision.outcome == "denied":
        # Explicit: a Deny covers in every world. Implicit: no Allow covers in any world (an
        # undecided Deny may or may not be what refuses it).
        assert answers == {"explicit"} if decision.explicit else "allowed" not in answers
        if decision.explicit:
            assert by_label[str(decision.statement)]["Effect"] == "Deny"
        else:
            assert f"because no VPC endpoint policy allows the {request.action} action" in decision.reason
    if len(worlds(statements, request)) == 1:  # nothing open: it must decide, and agree
        assert decision.outcome != "undecided"


@settings(max_examples=200, deadline=None)
@given(policies(), st.sampled_from(("dict", "json", "url")), st.booleans())
def test_json_quirks_parse_to_the_same_policy(statements: list[dict[str, Any]], form: str, unwrap: bool) -> None:
    quirky: list[dict[str, Any]] = []
    for statement in statements:
        # A one-element list is written as the bare string, the way people write it.
        quirky.append({k: v[0] if isinstance(v, list) and len(v) == 1 else v for k, v in statement.items()})
    raw: dict[str, Any] = {"Version": "2012-10-17", "Statement": quirky}
    if unwrap and len(quirky) == 1:
        raw["Statement"] = quirky[0]
    given_: Any = raw if form == "dict" else json.dumps(raw) if form == "json" else quote(json.dumps(raw))
    assert parse_policy(given_) == parse_policy(document(statements))
