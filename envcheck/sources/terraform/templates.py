"""Template text: splitting `${...}`/`%{...}` out of heredocs, .tf.json strings and templatefile() files.

Only the text is handled here; the evaluator evaluates the pieces.
"""

from __future__ import annotations

import re
from typing import Any


def template_pieces(text: str) -> list[tuple[str, str, int]]:
    """Split template text into ("text", s, offset), ("expr", source, offset), ("directive", source, offset)."""
    pieces: list[tuple[str, str, int]] = []
    buf: list[str] = []
    buf_start = i = 0
    while i < len(text):
        two, three = text[i : i + 2], text[i : i + 3]
        if three in ("$${", "%%{"):
            buf.append(three[1:])
            i += 3
            continue
        if two not in ("${", "%{"):
            buf.append(text[i])
            i += 1
            continue
        end = _closing_brace(text, i + 2)
        if end is None:
            raise ValueError("an unterminated ${ or %{ in a template")
        pieces.append(("text", "".join(buf), buf_start))
        buf = []
        pieces.append(("expr" if two == "${" else "directive", text[i + 2 : end], i))
        i = buf_start = end + 1
    pieces.append(("text", "".join(buf), buf_start))
    return _strip_markers([p for p in pieces if p[0] != "text" or p[1]])


def _closing_brace(text: str, start: int) -> int | None:
    """Index of the `}` closing an interpolation whose body starts at `start` (strings and nesting aware)."""
    modes: list[list[Any]] = [["code", 0]]
    i = start
    while i < len(text):
        char, mode = text[i], modes[-1]
        if mode[0] == "string":
            if char == "\\":
                i += 1
            elif char == '"':
                modes.pop()
            elif text.startswith("${", i):
                modes.append(["code", 0])
                i += 1
        elif char == '"':
            modes.append(["string", 0])
        elif char == "{":
            mode[1] += 1
        elif char == "}":
            if mode[1]:
                mode[1] -= 1
            else:
                modes.pop()
                if not modes:
                    return i
        i += 1
    return None


def _strip_markers(pieces: list[tuple[str, str, int]]) -> list[tuple[str, str, int]]:
    """`${~ x ~}` trims the whitespace of the text beside it."""
    out = list(pieces)
    for i, (kind, src, offset) in enumerate(out):
        if kind == "text":
            continue
        body = src
        if body.startswith("~"):
            body = body[1:]
            if i and out[i - 1][0] == "text":
                out[i - 1] = ("text", out[i - 1][1].rstrip(), out[i - 1][2])
        if body.endswith("~"):
            body = body[:-1]
            if i + 1 < len(out) and out[i + 1][0] == "text":
                out[i + 1] = ("text", out[i + 1][1].lstrip(), out[i + 1][2])
        out[i] = (kind, body, offset)
    return out


def heredoc_body(raw: str, trim: bool) -> str:
    """The body of a heredoc token; `<<-` strips the indentation common to its lines."""
    lines = raw.rstrip("\r\n").split("\n")
    body = [line.rstrip("\r") for line in lines[1:-1]]
    if trim:
        widths = [len(line) - len(line.lstrip(" \t")) for line in body if line.strip()]
        cut = min(widths, default=0)
        body = [line[cut:] for line in body]
    return "".join(line + "\n" for line in body)


_ESCAPE = re.compile(r"\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)", re.S)
_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}


def unescape(raw: str) -> str:
    """HCL quoted-string escapes; an unknown escape stays as written."""

    def one(match: re.Match[str]) -> str:
        code = match.group(1)
        if code[0] in "uU" and len(code) > 1:
            try:
                return chr(int(code[1:], 16))
            except (ValueError, OverflowError):
                return match.group(0)
        return _ESCAPES.get(code, match.group(0))

    return _ESCAPE.sub(one, raw)
