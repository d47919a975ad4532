"""The Terraform functions envcheck evaluates (`FUNCTIONS`); any other call is Unknown.

file() and templatefile() are not here: they read files, so the evaluator handles them itself.
Each entry takes the evaluated argument list; the wrappers say how unknown arguments are treated.
"""

from __future__ import annotations

import base64
import json
import math
import posixpath
import re
from collections.abc import Callable
from typing import Any, NoReturn

from envcheck.sources.terraform.budget import spend
from envcheck.sources.terraform.json_with_holes import json_decode, json_encode
from envcheck.sources.terraform.values import (
    MISSING,
    Failure,
    Partial,
    as_number,
    as_text,
    brief,
    first_unknown,
    known,
    tf_equal,
)
from envcheck.values import Unknown


def _strict(function: Callable[..., Any]) -> Callable[[list[Any]], Any]:
    """A function of fully known values: any unknown inside any argument makes the result unknown."""

    def call(args: list[Any]) -> Any:
        for arg in args:
            hole = first_unknown(arg)
            if hole is not None:
                return hole
        return function(*args)

    return call


def _shallow(function: Callable[..., Any]) -> Callable[[list[Any]], Any]:
    """A function over collections: the arguments must be known, their elements need not be."""

    def call(args: list[Any]) -> Any:
        args = [known(a) for a in args]
        for arg in args:
            if isinstance(arg, Unknown):
                return arg
        return function(*args)

    return call


def _bad_argument() -> NoReturn:
    """Reject an argument from inside a lambda of the table (the ValueError as_number raises for "x")."""
    raise ValueError("a number is required")


def _fn_concat(*lists: Any) -> list[Any]:
    out: list[Any] = []
    for item in lists:
        if not isinstance(item, list):
            raise TypeError("concat() takes lists")
        spend(len(item))
        out.extend(item)
    return out


def _fn_merge(*maps: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in maps:
        if item is None:
            continue
        if not isinstance(item, dict):
            raise TypeError("merge() takes maps")
        spend(len(item))
        out.update(item)
    return out


def _fn_tolist(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise TypeError("not a list")
    return value


def _fn_tomap(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise TypeError("not a map")
    return value


def _fn_toset(value: Any) -> list[Any]:
    items = _fn_tolist(value)
    out: list[Any] = []
    for item in items:
        if not any(tf_equal(item, seen) for seen in out):
            out.append(item)
    return sorted(out) if all(isinstance(i, str) for i in out) else out


def _fn_flatten(value: Any) -> Any:
    out: list[Any] = []
    stack = [iter(_fn_tolist(value))]
    while stack:
        spend()
        item = next(stack[-1], MISSING)
        if item is MISSING:
            stack.pop()
        elif isinstance(item, list):
            stack.append(iter(item))
        elif isinstance(item, (Unknown, Partial)):
            return known(item)  # it may be a list: the result's shape is unknown
        else:
            out.append(item)
    return out


def _fn_lookup(mapping: Any, key: Any, *default: Any) -> Any:
    if not isinstance(key, str):
        raise TypeError("lookup() takes a string key")
    mapping = _fn_tomap(mapping)
    if key in mapping:
        return mapping[key]
    if default:
        return default[0]
    raise KeyError(f"no key {brief(key)}")


def _fn_element(items: Any, index: Any) -> Any:
    items = _fn_tolist(items)
    if not items:
        raise IndexError("element() of an empty list")
    return items[int(as_number(index)) % len(items)]


def _fn_coalesce(args: list[Any]) -> Any:
    for arg in args:
        arg = known(arg)
        if isinstance(arg, Unknown):
            return arg
        if arg is not None and arg != "":
            return arg
    raise ValueError("no non-null, non-empty argument")


def _fn_compact(items: Any) -> list[Any]:
    out = []
    for item in _fn_tolist(items):
        item = known(item)
        if isinstance(item, Unknown):
            raise _UnknownResult(item)
        if item is not None and item != "":
            out.append(item)
    return out


class _UnknownResult(Exception):
    """Raised inside a function when one element makes the whole result unknown."""

    def __init__(self, unknown: Unknown) -> None:
        super().__init__(unknown.reason)
        self.unknown = unknown


def _catch_unknown(function: Callable[[list[Any]], Any]) -> Callable[[list[Any]], Any]:
    def call(args: list[Any]) -> Any:
        try:
            return function(args)
        except _UnknownResult as exc:
            return exc.unknown

    return call


def _fn_one(items: Any) -> Any:
    items = _fn_tolist(items)
    if len(items) > 1:
        raise ValueError("one() of a list with more than one element")
    return items[0] if items else None


def _fn_try(args: list[Any]) -> Any:
    for arg in args:
        if not isinstance(arg, Failure):
            return arg
    return args[-1] if args else Failure("try() needs arguments")


def _fn_can(args: list[Any]) -> Any:
    if len(args) != 1:
        raise TypeError("can() takes one argument")
    if isinstance(args[0], Failure):
        return False
    return args[0] if isinstance(args[0], Unknown) else True


def _fn_tostring(value: Any) -> Any:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (list, dict)):
        raise TypeError("tostring() of a list or map")
    return as_text(value)


def _fn_tobool(value: Any) -> Any:
    if value is None or isinstance(value, bool):
        return value
    if value in ("true", "false"):
        return value == "true"
    raise ValueError(f"{brief(value)} is not a bool")


def _fn_format(spec: str, *args: Any) -> str:
    """format() for the verbs configuration uses: %s %d %v %q %f %%."""
    values = iter(args)

    def verb(match: re.Match[str]) -> str:
        flags, kind = match.group(1), match.group(2)
        if kind == "%":
            return "%"
        value = next(values, MISSING)
        if value is MISSING:
            raise ValueError("format() has fewer arguments than verbs")
        if kind == "d":
            return ("%" + flags + "d") % int(as_number(value))
        if kind == "f":
            return ("%" + flags + "f") % float(as_number(value))
        if kind == "q":
            return json.dumps(as_text(value), ensure_ascii=False)
        if kind == "v" and isinstance(value, (list, dict)):
            return str(json_encode(value))
        return ("%" + flags + "s") % as_text(value)

    if any(int(w) > 1024 for w in re.findall(r"%[-+ 0#]*\.?(\d+)", spec)):
        raise ValueError("a format width over 1024")
    return re.sub(r"%([-+ 0#]*\d*(?:\.\d+)?)([sdvqf%])", verb, spec)


def _fn_replace(text: str, old: str, new: str) -> Any:
    if len(old) > 1 and old.startswith("/") and old.endswith("/"):
        return Unknown("replace() with a regular expression, which envcheck does not evaluate")
    text, old, new = as_text(text), as_text(old), as_text(new)
    spend((len(text) + (text.count(old) if old else len(text)) * len(new)) // 64)
    return text.replace(old, new)


def _fn_substr(text: str, offset: Any, length: Any) -> str:
    start, size = int(as_number(offset)), int(as_number(length))
    start = start if start >= 0 else max(len(text) + start, 0)
    return text[start:] if size < 0 else text[start : start + size]


def _fn_base64decode(text: str) -> str:
    return base64.b64decode(text, validate=True).decode("utf-8")


def _fn_jsondecode(value: Any) -> Any:
    try:
        return json_decode(value)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None


def _fn_join(sep: str, items: list[str]) -> str:
    spend((sum(map(len, items)) + len(sep) * len(items)) // 64)
    return sep.join(items)


def _fn_range(*args: Any) -> list[Any]:
    numbers = [int(as_number(a)) for a in args]
    if len(numbers) not in (1, 2, 3) or len(range(*numbers)) > 1024:
        raise ValueError("range() takes 1-3 arguments and makes at most 1024 numbers")
    return list(range(*numbers))


def _string_fn(function: Callable[..., Any]) -> Callable[[list[Any]], Any]:
    return _strict(lambda *args: function(*[as_text(a) if isinstance(a, (str, int, float)) else a for a in args]))


FUNCTIONS: dict[str, Callable[[list[Any]], Any]] = {
    "concat": _shallow(_fn_concat),
    "merge": _shallow(_fn_merge),
    "tolist": _shallow(_fn_tolist),
    "tomap": _shallow(_fn_tomap),
    "toset": _strict(_fn_toset),
    "flatten": _shallow(_fn_flatten),
    "lookup": _shallow(_fn_lookup),
    "element": _shallow(_fn_element),
    "coalesce": _fn_coalesce,
    "coalescelist": _shallow(lambda *lists: next((x for x in lists if _fn_tolist(x)), None) or _bad_argument()),
    "compact": _catch_unknown(_shallow(_fn_compact)),
    "distinct": _strict(lambda items: [x for i, x in enumerate(items) if not any(tf_equal(x, y) for y in items[:i])]),
    "contains": _strict(lambda items, value: any(tf_equal(x, value) for x in _fn_tolist(items))),
    "length": _shallow(lambda value: len(value) if isinstance(value, (str, list, dict)) else _bad_argument()),
    "keys": _shallow(lambda mapping: sorted(_fn_tomap(mapping))),
    "values": _shallow(lambda mapping: [mapping[k] for k in sorted(_fn_tomap(mapping))]),
    "zipmap": _strict(lambda keys, values: dict(zip([as_text(k) for k in keys], values, strict=True))),
    "reverse": _shallow(lambda items: list(reversed(_fn_tolist(items)))),
    "sort": _strict(lambda items: sorted(as_text(x) for x in _fn_tolist(items))),
    "one": _shallow(_fn_one),
    "range": _strict(_fn_range),
    "try": _fn_try,
    "can": _fn_can,
    "sensitive": _shallow(lambda value: value),
    "nonsensitive": _shallow(lambda value: value),
    "jsonencode": lambda args: json_encode(args[0]) if len(args) == 1 else _bad_argument(),
    "jsondecode": _shallow(_fn_jsondecode),
    "tostring": _shallow(_fn_tostring),
    "tonumber": _strict(lambda value: None if value is None else as_number(value)),
    "tobool": _strict(_fn_tobool),
    "format": _strict(_fn_format),
    "join": _strict(
        lambda sep, *lists: _fn_join(as_text(sep), [as_text(x) for items in lists for x in _fn_tolist(items)])
    ),
    "split": _string_fn(lambda sep, text: text.split(sep) if sep else list(text)),
    "lower": _string_fn(str.lower),
    "upper": _string_fn(str.upper),
    "title": _string_fn(str.title),
    "trimspace": _string_fn(str.strip),
    "chomp": _string_fn(lambda text: text.rstrip("\r\n")),
    "trim": _string_fn(lambda text, chars: text.strip(chars)),
    "trimprefix": _string_fn(str.removeprefix),
    "trimsuffix": _string_fn(str.removesuffix),
    "startswith": _string_fn(str.startswith),
    "endswith": _string_fn(str.endswith),
    "strcontains": _string_fn(lambda text, part: part in text),
    "replace": _string_fn(_fn_replace),
    "substr": _strict(lambda text, offset, length: _fn_substr(as_text(text), offset, length)),
    "base64encode": _string_fn(lambda text: base64.b64encode(text.encode("utf-8")).decode("ascii")),
    "base64decode": _string_fn(_fn_base64decode),
    "basename": _string_fn(posixpath.basename),
    "dirname": _string_fn(posixpath.dirname),
    "abs": _strict(lambda value: abs(as_number(value))),
    "ceil": _strict(lambda value: math.ceil(as_number(value))),
    "floor": _strict(lambda value: math.floor(as_number(value))),
    "max": _strict(lambda *values: max(as_number(v) for v in values)),
    "min": _strict(lambda *values: min(as_number(v) for v in values)),
}
