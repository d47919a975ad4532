"""The last line of defence before any report is written: no secret value leaves envcheck.

Rules build messages with `Variable.shown`, which masks secrets. This scrub does not trust
that: every finding's text is searched for (1) the value of every variable the stack marks
secret, (2) every value assigned to a secret-looking name in any text envcheck read
(a Dockerfile `ENV`, an `export` in a start script, a tfvars line), and (3) anything shaped
like a live credential (`AKIA…`, `r8_…`, `ghp_…`); each is replaced by its mask
(`secret:1a2b3c4d`, model.mask), the same mask `Variable.shown` gives.
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

from envcheck import secrets as detect
from envcheck.model import Finding, mask

if TYPE_CHECKING:
    from envcheck.engine import ScanResult

MIN_LENGTH = 6  # shorter values ("true", "redis") are not worth hiding and would mangle words
# Placeholders ("password", "changeme") are never hidden: the word "password" is in messages.
# `NAME=value`, `NAME: value`, `NAME value` (Dockerfile ENV), `--name=value`, quoted or not. A lookahead,
# so that `ENV API_TOKEN=x` is tried at `ENV` and again at `API_TOKEN`.
ASSIGNMENT = re.compile(
    r"""(?<![A-Za-z0-9_])(?=(?P<name>[A-Za-z_][A-Za-z0-9_]*)["']?[ \t]*(?:=|:|[ \t])[ \t]*["']?"""
    r"""(?P<value>[^\s"'`,;}]+))"""
)
HINT = re.compile(r"token|secret|pass|pwd|key|credential|auth|salt|dsn")  # lines worth a look (lower-cased)
HINT_ANY_CASE = re.compile(HINT.pattern, re.IGNORECASE)
SHAPES = [p for kind, p in detect.SECRET_VALUE_PATTERNS.items() if kind != "laravel-app-key"]
APP_KEY = re.compile(r"base64:[0-9A-Za-z+/]{40,}={0,2}")


_memo: dict[int, tuple[object, frozenset[str]]] = {}  # one scan result's values, for several formats


def secret_values(result: ScanResult) -> frozenset[str]:
    """Every value the reports must never show."""
    cached = _memo.get(id(result))
    if cached is not None and cached[0] is result:
        return cached[1]
    values = _collect(result)
    _memo.clear()
    _memo[id(result)] = (result, values)
    return values


def _collect(result: ScanResult) -> frozenset[str]:
    values: set[str] = set()
    stack = result.stack
    for target in [*stack.targets, *stack.templates]:
        for var in target.variables:
            if (
                var.secret
                and var.value
                and len(var.value.strip()) >= MIN_LENGTH
                and not detect.is_placeholder(var.value)
            ):
                values.update({var.value, var.value.strip()})
    texts = result.context.texts() if result.context is not None else {}
    for text in texts.values():
        values.update(_assigned_secrets(text))
    return frozenset(values)


def _assigned_secrets(text: str) -> set[str]:
    """Values assigned to secret-looking names; only lines with a hint word are parsed."""
    out: set[str] = set()
    lowered = text.lower()
    hints = HINT.finditer(lowered) if len(lowered) == len(text) else HINT_ANY_CASE.finditer(text)
    done: set[int] = set()
    for hint in hints:
        start = text.rfind("\n", 0, hint.start()) + 1
        if start in done:
            continue
        done.add(start)
        end = text.find("\n", hint.end())
        for match in ASSIGNMENT.finditer(text, start, end if end >= 0 else len(text)):
            name, value = match.group("name"), match.group("value")
            if detect.is_secret_name(name) and _worth_hiding(value):
                out.add(value)
    return out


def _worth_hiding(value: str) -> bool:
    """A real-looking secret value: not a placeholder, reference or plain lower-case word."""
    if len(value) < MIN_LENGTH or detect.is_placeholder(value) or detect.is_reference(value):
        return False
    if value.startswith(("$", "{", "<", "%")):  # ${VAR}, {{ template }}, <placeholder>
        return False
    if detect.secret_value_kind(value):
        return True
    return len(value) >= 8 and not re.fullmatch(r"[a-z]+(-[a-z]+)*", value)


def scrub(text: str, values: frozenset[str]) -> str:
    for value in _ordered(values):
        if value in text:
            text = text.replace(value, mask(value))
    for pattern in (*SHAPES, APP_KEY):
        text = pattern.sub(lambda m: mask(m.group(0)), text)
    return text


@cache
def _ordered(values: frozenset[str]) -> list[str]:
    return sorted(values, key=len, reverse=True)


def safe_findings(result: ScanResult) -> list[Finding]:
    """The result's findings with every free-text field scrubbed."""
    if not result.findings:
        return []
    values = secret_values(result)
    out = []
    for f in result.findings:
        update = {
            key: scrub(text, values)
            for key, text in (("message", f.message), ("target", f.target), ("suppression", f.suppression))
            if text
        }
        out.append(f.model_copy(update=update))
    return out
