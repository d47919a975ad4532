"""Compose files: each service's `command:` and `entrypoint:`, the Dockerfile it builds, and their lines.

PyYAML is imported only when a compose file is read; YAML loaders drop line numbers, so the
lines are found again in the text.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from envcheck.sources.scripts.commands import split_command
from envcheck.sources.scripts.problems import Problem


@dataclass(frozen=True)
class ComposeService:
    name: str
    command: tuple[str, ...] | None
    entrypoint: tuple[str, ...] | None
    dockerfile: Path | None  # the Dockerfile it builds, when it builds one
    command_line: int | None
    entrypoint_line: int | None
    line: int | None


def parse_compose(text: str, path: Path) -> tuple[list[ComposeService], list[Problem]]:
    """Services of a compose file with their `command:`/`entrypoint:` (strings split as compose does)."""
    yaml = importlib.import_module("yaml")
    try:
        data = yaml.safe_load(text)
    except Exception as exc:  # yaml.YAMLError and its kin; any bad input is a parse problem
        mark = getattr(exc, "problem_mark", None)
        return [], [((mark.line + 1) if mark is not None else 1, f"YAML does not parse: {exc.__class__.__name__}")]
    if not isinstance(data, dict):
        return [], []
    services = data.get("services")
    if not isinstance(services, dict):
        return [], []
    out = []
    problems: list[Problem] = []
    for name, spec in services.items():
        if not isinstance(spec, dict):
            continue
        name = str(name)
        service_line = _service_line(text, name)
        entries: dict[str, tuple[str, ...] | None] = {}
        for key in ("command", "entrypoint"):
            value = spec.get(key)
            entries[key] = _compose_argv(value)
            if value is not None and entries[key] is None:
                where = _key_line(text, key, service_line) or service_line or 1
                problems.append((where, f"{name}: {key} is not a string or list"))
        out.append(
            ComposeService(
                name,
                entries["command"],
                entries["entrypoint"],
                _compose_dockerfile(spec.get("build"), path),
                _key_line(text, "command", service_line),
                _key_line(text, "entrypoint", service_line),
                service_line,
            )
        )
    return out, problems


def _compose_argv(value: Any) -> tuple[str, ...] | None:
    if isinstance(value, str):
        return split_command(value)
    if isinstance(value, list):
        return tuple(str(v) for v in value)
    return None


def _compose_dockerfile(build: Any, path: Path) -> Path | None:
    if isinstance(build, str):
        return path.parent / build / "Dockerfile"
    if isinstance(build, dict):
        context = path.parent / str(build.get("context", "."))
        return context / str(build.get("dockerfile", "Dockerfile"))
    return None


def _service_line(text: str, name: str) -> int | None:
    """Line of a service's key under `services:` (YAML loaders drop line numbers)."""
    indent = None
    inside = False
    for number, raw in enumerate(text.splitlines(), 1):
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        depth = len(raw) - len(raw.lstrip())
        if depth == 0:
            inside = re.match(r"^services\s*:", raw) is not None
            continue
        if inside:
            indent = depth if indent is None else indent
            if depth == indent and _is_key(stripped, name):
                return number
    return None


def _key_line(text: str, key: str, within: int | None) -> int | None:
    """Line of `key:` inside the block that starts at line `within`."""
    if within is None:
        return None
    lines = text.splitlines()
    head = lines[within - 1]
    base = len(head) - len(head.lstrip())
    for number in range(within + 1, len(lines) + 1):
        raw = lines[number - 1]
        if not raw.strip() or raw.strip().startswith("#"):
            continue
        if len(raw) - len(raw.lstrip()) <= base:
            return None
        if _is_key(raw.strip(), key):
            return number
    return None


def _is_key(line: str, key: str) -> bool:
    """Whether a stripped YAML line is `key:` (the key maybe quoted)."""
    return re.match(rf"^[\"']?{re.escape(key)}[\"']?\s*:", line) is not None
