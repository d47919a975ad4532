"""jsonencode/jsondecode over values with unknown parts, so container definitions stay readable around them."""

from __future__ import annotations

import json
import re
from typing import Any

from envcheck.sources.terraform.budget import spend
from envcheck.sources.terraform.values import Partial, merge_text
from envcheck.values import Unknown

_HOLE = "\ue000"  # marks an unknown value inside JSON text while it is decoded


def json_encode(value: Any) -> Any:
    """jsonencode(): a string, or a string with holes where values are unknown."""
    if isinstance(value, Unknown):
        return value
    out: list[str | Unknown] = []
    _encode_into(value, out)
    parts = merge_text(out)
    if all(isinstance(p, str) for p in parts):
        return "".join(p for p in parts if isinstance(p, str))
    return Partial(parts)


def _encode_into(value: Any, out: list[str | Unknown]) -> None:
    spend(1 + (len(value) // 64 if isinstance(value, str) else 0))
    if isinstance(value, Unknown):
        out.append(value)
    elif isinstance(value, Partial):
        out.append('"')
        out.extend(json.dumps(p, ensure_ascii=False)[1:-1] if isinstance(p, str) else p for p in value.parts)
        out.append('"')
    elif isinstance(value, list):
        out.append("[")
        for i, item in enumerate(value):
            out.append("," if i else "")
            _encode_into(item, out)
        out.append("]")
    elif isinstance(value, dict):
        out.append("{")
        for i, (key, item) in enumerate(value.items()):
            out.append(("," if i else "") + json.dumps(str(key), ensure_ascii=False) + ":")
            _encode_into(item, out)
        out.append("}")
    else:
        out.append(json.dumps(str(value) if isinstance(value, str) else value, ensure_ascii=False))


def json_decode(value: Any) -> Any:
    """jsondecode(): values; holes in the text come back as the unknowns they stand for.

    Raises ValueError when the text is not JSON.
    """
    if isinstance(value, Unknown):
        return value
    if isinstance(value, str):
        spend(len(value) // 64)
        return json.loads(value)
    if not isinstance(value, Partial):
        raise TypeError("a string is required")
    holes: list[Unknown] = []
    chunks: list[str] = []
    in_string = escaped = False
    for part in value.parts:
        if isinstance(part, Unknown):
            token = f"{_HOLE}{len(holes)}{_HOLE}"
            holes.append(part)
            chunks.append(token if in_string else f'"{token}"')
            continue
        chunks.append(part)
        for char in part:  # track whether the next hole falls inside a JSON string
            if escaped:
                escaped = False
            elif in_string and char == "\\":
                escaped = True
            elif char == '"':
                in_string = not in_string
    return _restore(json.loads("".join(chunks)), holes)


def _restore(value: Any, holes: list[Unknown]) -> Any:
    spend()
    if isinstance(value, str) and _HOLE in value:
        match = re.search(f"{_HOLE}(\\d+){_HOLE}", value)
        if match is None or int(match.group(1)) >= len(holes):
            return value
        hole = holes[int(match.group(1))]
        return hole if match.group(0) == value else Unknown(hole.reason, hole.line)
    if isinstance(value, list):
        return [_restore(v, holes) for v in value]
    if isinstance(value, dict):
        for key in value:
            restored = _restore(key, holes) if _HOLE in key else key
            if isinstance(restored, Unknown):
                return restored  # an unknown key makes the whole object unknown
        return {k: _restore(v, holes) for k, v in value.items()}
    return value
