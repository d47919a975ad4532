"""`.env*` files, read with python-dotenv's own parser so values mean what they mean to it.

A file becomes a target (a local place the app runs) or, for `*.example` and friends, a
template that declares which variables exist. Raw lines are kept for the DOT rules.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from envcheck.fs import ScanContext, display_path
from envcheck.model import Location, Target, Variable
from envcheck.secrets import looks_secret

TEMPLATE_SUFFIXES = (".example", ".dist", ".sample", ".template", ".tpl", ".defaults")


@dataclass(frozen=True)
class DotenvEntry:
    key: str | None
    value: str | None
    line: int
    raw: str
    error: bool


@dataclass
class DotenvFile:
    path: str
    entries: list[DotenvEntry] = field(default_factory=list)
    template: bool = False


def is_template(path: Path) -> bool:
    return path.name.lower().endswith(TEMPLATE_SUFFIXES)


def load_dotenv(path: Path, ctx: ScanContext) -> tuple[Target, DotenvFile] | None:
    text = ctx.read_text(path)
    if text is None:
        return None
    from dotenv.parser import parse_stream

    shown = display_path(path)
    template = is_template(path)
    parsed = DotenvFile(path=shown, template=template)
    target = Target(
        id=shown,
        kind="template" if template else "local",
        location=Location(path=shown, line=1),
        dotenv_path=shown,
    )
    try:
        bindings = list(parse_stream(io.StringIO(text)))
    except Exception as exc:  # python-dotenv is robust, but a linter must not trust that
        ctx.report("SRC002", f"dotenv parser failed: {exc.__class__.__name__}", path)
        return target, parsed
    for binding in bindings:
        raw = binding.original.string
        skipped = raw[: len(raw) - len(raw.lstrip("\r\n"))]
        line = binding.original.line + skipped.count("\n")  # python-dotenv counts from the blank lines it swallowed
        parsed.entries.append(DotenvEntry(binding.key, binding.value, line, raw.lstrip("\r\n"), binding.error))
        if binding.key is None or binding.error:
            continue
        value = binding.value if binding.value is not None else ""
        target.variables.append(
            Variable(
                name=binding.key,
                value=value,
                secret=looks_secret(binding.key, value),
                origin="dotenv",
                location=Location(path=shown, line=line),
            )
        )
    return target, parsed


_UNQUOTED = re.compile(r"^\s*(?:export\s+)?[^=#\s]+\s*=\s*(?P<value>[^'\"\s#][^#]*?)\s*(?:#.*)?$")


def unquoted_whitespace(raw: str) -> bool:
    """An unquoted value with inner whitespace: phpdotenv refuses the whole file."""
    match = _UNQUOTED.match(raw.rstrip("\r\n"))
    return bool(match and re.search(r"\s", match.group("value")))
