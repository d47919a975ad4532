"""What indexing (`a.b`, `a[k]`) and the binary operators do to known values, with Terraform's errors."""

from __future__ import annotations

import math
from typing import Any

from envcheck.sources.terraform.values import Failure, as_number, as_text, brief, tf_equal, tidy_number
from envcheck.values import Unknown


def lookup(value: Any, key: Any, line: int | None) -> Any:
    """value[key] / value.key, or the failure Terraform would report."""
    if isinstance(value, Unknown):
        return value
    if isinstance(value, dict):
        name = as_text(key) if isinstance(key, (str, int, float)) else None
        if name is not None and name in value:
            return value[name]
        return Failure(f"no attribute or key {brief(key)}", line)
    if isinstance(value, list):
        try:
            index = int(as_number(key))
        except (TypeError, ValueError):
            return Failure(f"a list index is not a number: {brief(key)}", line)
        if 0 <= index < len(value):
            return value[index]
        return Failure(f"index {index} is out of range", line)
    return Failure(f"cannot take {brief(key)} of {brief(value)}", line)


def logical(op: str, left: Any, right: Any, line: int | None) -> Any:
    for side in (left, right):
        if isinstance(side, bool) and side is (op == "||"):
            return side  # true || x, false && x: known whatever x is
    for side in (left, right):
        if isinstance(side, Unknown):
            return side
    if not isinstance(left, bool) or not isinstance(right, bool):
        return Failure(f"{op} needs true or false", line)
    return (left and right) if op == "&&" else (left or right)


def operate(op: str, left: Any, right: Any) -> Any:
    if op == "==":
        return tf_equal(left, right)
    if op == "!=":
        return not tf_equal(left, right)
    a, b = as_number(left), as_number(right)
    comparisons = {"<": a < b, ">": a > b, "<=": a <= b, ">=": a >= b}
    if op in comparisons:
        return comparisons[op]
    if op == "+":
        return tidy_number(a + b)
    if op == "-":
        return tidy_number(a - b)
    if op == "*":
        return tidy_number(a * b)
    if op == "/":
        return tidy_number(a / b)
    if op == "%":
        return tidy_number(math.fmod(a, b))
    raise ValueError(f"unknown operator {op}")
