"""In-process corrections to moto 5.2.1's trust-policy evaluation for sts:AssumeRole.

With IAM enforcement on, moto checks an AssumeRole call in
``moto.iam.access_control.IAMRequestBase.check_action_permitted``: the caller's identity
policies must allow the action, and then ``_check_role_trust_relationship`` evaluates the
role's trust policy through ``IAMPolicyStatement.is_action_permitted``. Two points of that
evaluation differ from AWS and are replaced here, nothing else:

(a) Principal matching, ``IAMPolicyStatement._check_principal``.
    moto compares the caller ARN with the ``Principal.AWS`` value by equality, list
    membership, or (for a single string) substring containment. In AWS, naming an account
    (``arn:aws:iam::ACCOUNT:root`` or the bare 12-digit id) in a trust policy trusts every
    IAM principal of that account; whether a given user or role may then assume the role
    is decided by that principal's own identity policies (which moto already checks).

(b) Conditions, ``IAMPolicyStatement._check_conditions`` (for trust policies only) and the
    request context built by ``IAMRequestBase._check_role_trust_relationship``.
    moto only knows the ``sts:ExternalId`` key and only the ``StringEquals`` operator;
    a key it does not know is treated as "no value to compare", which makes the condition
    pass, and policy variables such as ``${aws:username}`` are compared literally. In AWS
    the AssumeRole request context carries ``sts:RoleSessionName`` (the RoleSessionName
    parameter), and ``aws:username`` is the calling IAM user's name (absent when the
    caller is not an IAM user, e.g. a role session). Condition values may reference
    context keys as ``${key}`` (optionally ``${key, 'default'}``).

Identity-policy evaluation is left exactly as moto does it: the replaced
``_check_conditions`` hands every call that is not a trust-policy evaluation back to
moto's own function. See PATCHES.md next to this file for the full list and for the
known moto differences that are deliberately NOT changed.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable
from typing import Any

SUPPORTED_MOTO_VERSION = "5.2.1"

_ACCOUNT_ID = re.compile(r"^\d{12}$")
_ACCOUNT_ROOT_ARN = re.compile(r"^arn:([^:]+):iam::(\d{12}):root$")
_CALLER_ARN = re.compile(r"^arn:([^:]+):(?:iam|sts)::(\d{12}):.+$")
_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_DEFAULTED_VARIABLE = re.compile(r"^\s*([^,\s]+)\s*,\s*'([^']*)'\s*$")

# Operators this patch evaluates. "Like" operators treat * and ? as wildcards.
# (matcher kind, case-insensitive, negated)
_OPERATORS: dict[str, tuple[str, bool, bool]] = {
    "StringEquals": ("equals", False, False),
    "StringNotEquals": ("equals", False, True),
    "StringEqualsIgnoreCase": ("equals", True, False),
    "StringNotEqualsIgnoreCase": ("equals", True, True),
    "StringLike": ("like", False, False),
    "StringNotLike": ("like", False, True),
    "ArnEquals": ("like", False, False),
    "ArnLike": ("like", False, False),
    "ArnNotEquals": ("like", False, True),
    "ArnNotLike": ("like", False, True),
}


class TrustRequestContext(dict[str, str]):
    """Condition keys of one AssumeRole request, stored under lower-cased names
    (condition key names are case-insensitive in AWS)."""

    def lookup(self, key: str) -> str | None:
        return self.get(key.strip().lower())


class _Unresolved(Exception):
    """A policy variable names a key that the request context does not have."""


def _first(data: Any, name: str) -> str | None:
    value = data.get(name) if hasattr(data, "get") else None
    if isinstance(value, list):
        return str(value[0]) if value else None
    return None if value is None else str(value)


def build_trust_request_context(iam_request: Any) -> TrustRequestContext:
    """The request context of an AssumeRole call as AWS presents it to the trust policy
    (the subset this patch supports)."""
    context = TrustRequestContext()
    caller = iam_request._access_key
    caller_arn: str = caller.arn
    context["aws:principalarn"] = caller_arn
    context["aws:principalaccount"] = caller.account_id
    # Only an IAM user has a user name; a role session has none.
    user_name = getattr(caller, "_owner_user_name", None)
    if user_name is not None and ":user/" in caller_arn:
        context["aws:username"] = user_name
    session_name = _first(iam_request._data, "RoleSessionName")
    if session_name is not None:
        context["sts:rolesessionname"] = session_name
    external_id = _first(iam_request._data, "ExternalId")
    if external_id is not None:
        context["sts:externalid"] = external_id
    return context


def _wildcard_pattern(text: str) -> str:
    return "".join(".*" if ch == "*" else "." if ch == "?" else re.escape(ch) for ch in text)


def _expected_pattern(value: Any, context: TrustRequestContext, like: bool) -> str:
    """Regular expression for one condition value after resolving ``${...}`` variables.
    Resolved text is always literal; only the policy's own * and ? are wildcards."""
    if isinstance(value, bool):
        text = "true" if value else "false"
    else:
        text = str(value)
    parts: list[str] = []
    position = 0
    for match in _VARIABLE.finditer(text):
        literal = text[position : match.start()]
        parts.append(_wildcard_pattern(literal) if like else re.escape(literal))
        parts.append(re.escape(_resolve_variable(match.group(1), context)))
        position = match.end()
    tail = text[position:]
    parts.append(_wildcard_pattern(tail) if like else re.escape(tail))
    return "".join(parts)


def _resolve_variable(body: str, context: TrustRequestContext) -> str:
    if body in ("*", "?", "$"):
        return body  # ${*}, ${?}, ${$} stand for the literal characters
    defaulted = _DEFAULTED_VARIABLE.match(body)
    key, default = (defaulted.group(1), defaulted.group(2)) if defaulted else (body, None)
    value = context.lookup(key)
    if value is not None:
        return value
    if default is not None:
        return default
    raise _Unresolved(key)


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else [value]


def _note(message: str) -> None:
    sys.stderr.write(f"eksgate moto patch: {message}\n")
    sys.stderr.flush()


def _condition_holds(operator: str, key: str, expected: Iterable[Any], context: TrustRequestContext) -> bool:
    if_exists = operator.endswith("IfExists")
    base = operator[: -len("IfExists")] if if_exists else operator
    actual = context.lookup(key)

    if base == "Null":
        wants_absent = [str(v).lower() == "true" for v in expected]
        return all(absent == (actual is None) for absent in wants_absent)

    rule = _OPERATORS.get(base)
    if rule is None:
        # Fail closed: an operator this patch does not evaluate never grants access.
        _note(f"trust-policy condition operator {operator!r} is not evaluated; treated as not satisfied")
        return False
    kind, ignore_case, negated = rule

    if actual is None:
        # AWS: a missing key makes a positive operator false and a negated one true;
        # ...IfExists makes the condition true when the key is missing.
        return if_exists or negated

    try:
        patterns = [_expected_pattern(v, context, like=kind == "like") for v in expected]
    except _Unresolved as missing:
        # A value that references a key the request lacks cannot match anything; the
        # patch then treats the whole condition as not satisfied (the safe reading for
        # an Allow statement, which is what trust policies contain).
        _note(f"policy variable ${{{missing}}} has no value in this request; condition not satisfied")
        return False

    flags = re.DOTALL | (re.IGNORECASE if ignore_case else 0)
    matched = any(re.fullmatch(p, actual, flags) is not None for p in patterns)
    return not matched if negated else matched


def evaluate_trust_conditions(conditions: Any, context: TrustRequestContext) -> bool:
    """AND over every operator and every key; OR over the values listed for one key."""
    if not isinstance(conditions, dict):
        return False
    for operator, block in conditions.items():
        if not isinstance(block, dict):
            return False
        for key, expected in block.items():
            if not _condition_holds(str(operator), str(key), _as_list(expected), context):
                return False
    return True


def principal_entry_matches(entry: Any, caller_arn: str) -> bool:
    """Does one ``Principal.AWS`` entry of a trust policy name the caller?"""
    if not isinstance(entry, str):
        return False
    if entry == "*" or entry == caller_arn:
        return True
    caller = _CALLER_ARN.match(caller_arn)
    if caller is None:
        return False
    caller_partition, caller_account = caller.group(1), caller.group(2)
    if _ACCOUNT_ID.match(entry):
        return entry == caller_account
    root = _ACCOUNT_ROOT_ARN.match(entry)
    return root is not None and root.group(1) == caller_partition and root.group(2) == caller_account


def apply() -> list[str]:
    """Install the replacements; returns the names of the moto functions replaced."""
    import moto
    from moto.iam import access_control

    if moto.__version__ != SUPPORTED_MOTO_VERSION:
        raise RuntimeError(
            f"the trust-policy patch is written for moto {SUPPORTED_MOTO_VERSION}, found {moto.__version__}: "
            f"pip install 'moto[server]=={SUPPORTED_MOTO_VERSION}'"
        )
    request_cls = access_control.IAMRequestBase
    statement_cls = access_control.IAMPolicyStatement
    policy_cls = access_control.IAMPolicy
    permission_result = access_control.PermissionResult
    for owner, name in (
        (request_cls, "_check_role_trust_relationship"),
        (statement_cls, "_check_principal"),
        (statement_cls, "_check_conditions"),
    ):
        if not callable(getattr(owner, name, None)):
            raise RuntimeError(f"moto.iam.access_control.{owner.__name__}.{name} not found: moto internals changed")

    moto_check_conditions: Callable[..., bool] = statement_cls._check_conditions

    # Replaces moto.iam.access_control.IAMRequestBase._check_role_trust_relationship.
    # Same flow as moto (trust policy of the target role, caller ARN as principal), but the
    # condition context is a TrustRequestContext with sts:RoleSessionName, aws:username, ...
    def check_role_trust_relationship(self: Any, role_arn: str) -> bool:
        role = self.backend.get_role_by_arn(role_arn)
        trust_policy = policy_cls(role.assume_role_policy_document)
        result = trust_policy.is_action_permitted(
            self._action,
            role_arn,
            self._access_key.arn,
            build_trust_request_context(self),
        )
        return bool(result == permission_result.PERMITTED)

    # Replaces moto.iam.access_control.IAMPolicyStatement._check_principal (called only for
    # trust policies). A Principal of "*", the caller's exact ARN, the caller's account id
    # or that account's root ARN matches; a statement without Principal keeps moto's answer.
    def check_principal(self: Any, principal: str) -> bool:
        expected = self._statement.get("Principal")
        if not expected:
            return True
        if expected == "*":
            return True
        if not isinstance(expected, dict):
            return False
        return any(principal_entry_matches(entry, principal) for entry in _as_list(expected.get("AWS")))

    # Replaces moto.iam.access_control.IAMPolicyStatement._check_conditions, for trust
    # policies only (recognised by the TrustRequestContext that the replaced
    # _check_role_trust_relationship passes); identity policies keep moto's behaviour.
    def check_conditions(self: Any, incoming_condition_values: Any) -> bool:
        if not isinstance(incoming_condition_values, TrustRequestContext):
            return moto_check_conditions(self, incoming_condition_values)
        conditions = self._statement.get("Condition")
        if not conditions:
            return True
        return evaluate_trust_conditions(conditions, incoming_condition_values)

    request_cls._check_role_trust_relationship = check_role_trust_relationship
    statement_cls._check_principal = check_principal
    statement_cls._check_conditions = check_conditions
    return [
        "moto.iam.access_control.IAMRequestBase._check_role_trust_relationship",
        "moto.iam.access_control.IAMPolicyStatement._check_principal",
        "moto.iam.access_control.IAMPolicyStatement._check_conditions",
    ]
