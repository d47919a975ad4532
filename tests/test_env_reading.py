"""How Laravel's env() reads a value: the table every rule relies on.

From laravel/framework Illuminate\\Support\\Env::get: keywords are matched case-insensitively
first, then one pair of matching quotes is stripped, so `"false"` is the string `false`.
"""

from __future__ import annotations

import pytest

from envcheck.laravel import env, read_env
from envcheck.model import Location, SecretRef, Target, Variable


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("true", True),
        ("(true)", True),
        ("TRUE", True),
        ("false", False),
        ("(False)", False),
        ("null", None),
        ("(null)", None),
        ("empty", ""),
        ("(empty)", ""),
        ("", ""),
        ('"false"', "false"),
        ("'null'", "null"),
        ('"quoted"', "quoted"),
        ("'mismatched\"", "'mismatched\""),
        ("0", "0"),
        ("redis", "redis"),
    ],
)
def test_read_env_table(raw: str, expected: object) -> None:
    assert read_env(raw) == expected


def _target(**values: str | None) -> Target:
    here = Location(path="t", line=1)
    return Target(
        id="t",
        kind="deployed",
        location=here,
        variables=[Variable(name=k, value=v, location=here) for k, v in values.items()],
        secrets=[SecretRef(name="APP_KEY", value_from="arn:aws:ssm:us-east-1:1:parameter/k", location=here)],
    )


def test_presence_known_and_truthiness() -> None:
    t = _target(EMPTY="", NULL="null", QUOTED_FALSE='"false"', FALSE="false", ZERO="0", UNKNOWN=None)
    assert env(t, "EMPTY").is_empty and not env(t, "EMPTY").truthy
    assert env(t, "NULL").is_null and not env(t, "NULL").is_empty
    assert env(t, "QUOTED_FALSE").truthy, "a quoted keyword is a non-empty string: truthy"
    assert not env(t, "FALSE").truthy and not env(t, "ZERO").truthy
    unknown = env(t, "UNKNOWN")
    assert unknown.present and not unknown.known
    missing = env(t, "MISSING")
    assert not missing.present and missing.known
    secret = env(t, "APP_KEY")
    assert secret.present and not secret.known, "a secrets[] reference is set, with a value envcheck cannot see"
