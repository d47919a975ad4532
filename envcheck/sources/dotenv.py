"""`.env*` files, read with python-dotenv's own parser so values mean what they mean to it.

A file becomes a target (a local place the app runs) or, for `*.example` and friends, a
template that declares which variables exist. Raw lines are kept for the DOT rules.

`${NAME}` inside an unquoted or double-quoted value is replaced as phpdotenv (Laravel's loader)
replaces it: with the value NAME got earlier in the same file. python-dotenv's parser leaves it as
written, and `SESSION_DOMAIN="${APP_DOMAIN}"` is not a domain. A reference to a name the file does
not set is resolved from the process environment at runtime, so in a target its value is unknown
(a template keeps the text: it only declares that the variable exists).
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
TEMPLATE_WORDS = {suffix.lstrip(".") for suffix in TEMPLATE_SUFFIXES}


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
    """`.env.example`, `.env.production.sample`, and also `.env.example.complete` (BookStack's list of
    every option) or `example.env`: a template word anywhere among the dotted parts of the name."""
    return any(part in TEMPLATE_WORDS for part in path.name.lower().split("."))


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
    resolved: dict[str, str | None] = {}
    for binding in bindings:
        raw = binding.original.string
        skipped = raw[: len(raw) - len(raw.lstrip("\r\n"))]
        line = binding.original.line + skipped.count("\n")  # python-dotenv counts from the blank lines it swallowed
        parsed.entries.append(DotenvEntry(binding.key, binding.value, line, raw.lstrip("\r\n"), binding.error))
        if binding.key is None or binding.error:
            continue
        value: str | None = binding.value if binding.value is not None else ""
        unknown = None
        if value and _interpolates(raw):
            value, missing = interpolate(value, resolved)
            if missing:
                unknown = f"refers to ${{{missing}}}, which this file does not set"
                value = None if not template else binding.value
        resolved[binding.key] = None if unknown else value
        target.variables.append(
            Variable(
                name=binding.key,
                value=value,
                secret=looks_secret(binding.key, value),
                unknown_reason=unknown if value is None else None,
                origin="dotenv",
                location=Location(path=shown, line=line),
            )
        )
    return target, parsed


_REFERENCE = re.compile(r"(?<!\\)\$\{([A-Za-z0-9_.]+)\}")


def _interpolates(raw: str) -> bool:
    """Whether phpdotenv expands `${...}` in this binding: unquoted and double-quoted values only."""
    _, _, after = raw.partition("=")
    return not after.lstrip().startswith("'")


def interpolate(value: str, earlier: dict[str, str | None]) -> tuple[str, str | None]:
    """`value` with each `${NAME}` replaced by NAME's value from `earlier`; and the first NAME that
    `earlier` does not know (unset in the file, or itself unknown), None when all were replaced."""
    missing: list[str] = []

    def replace(match: re.Match[str]) -> str:
        known = earlier.get(match.group(1))
        if known is None:
            missing.append(match.group(1))
            return match.group(0)
        return known

    return _REFERENCE.sub(replace, value), (missing[0] if missing else None)


_UNQUOTED = re.compile(r"^\s*(?:export\s+)?[^=#\s]+\s*=\s*(?P<value>[^'\"\s#][^#]*?)\s*(?:#.*)?$")


def unquoted_whitespace(raw: str) -> bool:
    """An unquoted value with inner whitespace: phpdotenv refuses the whole file."""
    match = _UNQUOTED.match(raw.rstrip("\r\n"))
    return bool(match and re.search(r"\s", match.group("value")))
