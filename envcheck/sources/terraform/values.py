"""Values as the evaluator holds them, and Terraform's rules for them (one number type, strict equality).

Besides plain Python values an evaluated value can be an `Unknown` (apply-time), a `Failure` (what
Terraform would reject), a `Partial` string with holes, or the `FileText` that file() returned.
"""

from __future__ import annotations

import dataclasses
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from envcheck.sources.terraform.budget import spend
from envcheck.values import Unknown

_NUMERAL = re.compile(r"-?\d+(\.\d+)?([eE][-+]?\d+)?")
MISSING = object()  # no value at all (a variable nobody sets, an argument not given): None is a value


@dataclass(frozen=True)
class Failure(Unknown):
    """What Terraform itself would reject (missing attribute, wrong type): unknown, and `try()` skips it."""


@dataclass(frozen=True)
class SourceFile:
    """A file read by file()/templatefile(): container definitions found there are reported there."""

    path: Path
    text: str


class FileText(str):
    """The text file()/templatefile() returned: a string that remembers its file."""

    source: SourceFile

    def __new__(cls, text: str, source: SourceFile) -> FileText:
        obj = super().__new__(cls, text)
        obj.source = source
        return obj


@dataclass(frozen=True)
class Partial:
    """A string with holes: known text around unknown values, kept so JSON in it can still be read."""

    parts: tuple[str | Unknown, ...]
    source: SourceFile | None = None

    def unknown(self) -> Unknown:
        """The first hole: why the whole string is unknown."""
        return next(p for p in self.parts if isinstance(p, Unknown))


def known(value: Any) -> Any:
    """Where a whole value is needed, a string with holes is simply unknown."""
    return value.unknown() if isinstance(value, Partial) else value


def at_line(value: Any, line: int | None) -> Any:
    """Give an unknown without a position the position of the reference that produced it."""
    if isinstance(value, Unknown) and value.line is None and line is not None:
        return dataclasses.replace(value, line=line)
    return value


def first_unknown(value: Any) -> Unknown | None:
    """The first unknown anywhere inside `value`, or None when it is fully known."""
    stack = [value]
    while stack:
        spend()
        item = stack.pop()
        if isinstance(item, Unknown):
            return item
        if isinstance(item, Partial):
            return item.unknown()
        if isinstance(item, list):
            stack.extend(reversed(item))
        elif isinstance(item, dict):
            stack.extend(reversed(list(item.values())))
    return None


def plain(value: Any) -> Any:
    """Plain Python values for taskdef.py: holes become Unknown, file texts plain strings."""
    spend()
    if isinstance(value, Partial):
        return value.unknown()
    if isinstance(value, FileText):
        return str(value)
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


def tidy_number(value: float | int) -> float | int:
    """Terraform has one number type: 4/2 is 2, not 2.0. Huge integers become floats (they only grow)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    if isinstance(value, int) and abs(value) > 2**63:
        return float(value)  # OverflowError past 1e308: the operator reports it
    return value


def as_number(value: Any) -> float | int:
    """A number, or a numeral string as Terraform converts it ("2" is 2); TypeError/ValueError otherwise."""
    if isinstance(value, bool) or value is None:
        raise TypeError("a number is required")
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str):
        if not _NUMERAL.fullmatch(value.strip()):
            raise ValueError("a number is required")
        return tidy_number(float(value))
    raise TypeError("a number is required")


def as_text(value: Any) -> str:
    """A primitive as Terraform writes it into a string."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(tidy_number(value))
    if isinstance(value, str):
        return value
    raise TypeError("a string is required")


def brief(value: Any) -> str:
    """A value for a message: a short literal, or just its kind (never a huge repr)."""
    if isinstance(value, str):
        return json.dumps(value if len(value) <= 40 else value[:37] + "...")
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, (int, float)):
        return as_text(value)[:40]
    if isinstance(value, (list, dict)):
        return "a list" if isinstance(value, list) else "a map"
    return type(value).__name__


def tf_equal(a: Any, b: Any) -> bool:
    """Terraform equality (`true == 1` is false, unlike Python's), paid for node by node."""
    pairs = [(a, b)]
    while pairs:
        spend()
        x, y = pairs.pop()
        if isinstance(x, list) and isinstance(y, list):
            if len(x) != len(y):
                return False
            pairs.extend(zip(x, y, strict=True))
        elif isinstance(x, dict) and isinstance(y, dict):
            if x.keys() != y.keys():
                return False
            pairs.extend((x[k], y[k]) for k in x)
        elif isinstance(x, bool) or isinstance(y, bool) or isinstance(x, (list, dict)) or isinstance(y, (list, dict)):
            if type(x) is not type(y) or x != y:
                return False
        elif x != y:
            return False
    return True


def join_template(values: list[Any], line: int | None) -> Any:
    """Concatenate a template's pieces: a string, a string with holes, or the reason it fails."""
    parts: list[str | Unknown] = []
    spend(len(values) + sum(len(v) for v in values if isinstance(v, str)) // 64)
    for value in values:
        if isinstance(value, Failure):
            return value
        if isinstance(value, Unknown):
            parts.append(value)
        elif isinstance(value, Partial):
            parts.extend(value.parts)
        elif value is None:
            return Failure("a null value inside a string template", line)
        elif isinstance(value, (list, dict)):
            return Failure("a list or map inside a string template", line)
        else:
            parts.append(as_text(value))
    if all(isinstance(p, str) for p in parts):
        return "".join(p for p in parts if isinstance(p, str))
    return Partial(merge_text(parts))


def merge_text(parts: list[str | Unknown]) -> tuple[str | Unknown, ...]:
    """Adjacent texts joined and empty ones dropped, so equal strings with holes have equal parts."""
    out: list[str | Unknown] = []
    for part in parts:
        if isinstance(part, str) and out and isinstance(out[-1], str):
            out[-1] = out[-1] + part
        elif part != "":
            out.append(part)
    return tuple(out)
