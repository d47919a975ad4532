"""Procfiles: one process type (`web`, `worker`) per line, with the shell command it runs."""

from __future__ import annotations

import re

from envcheck.sources.scripts.problems import Problem


def parse_procfile(text: str) -> tuple[list[tuple[str, str, int]], list[Problem]]:
    """`name: command` lines as (name, command, line)."""
    out: list[tuple[str, str, int]] = []
    problems: list[Problem] = []
    for number, raw in enumerate(text.splitlines(), 1):
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        match = re.match(r"^([A-Za-z0-9_-]+)\s*:\s*(.+)$", stripped)
        if match:
            out.append((match.group(1), match.group(2), number))
        else:
            problems.append((number, "not a Procfile line (`name: command`)"))
    return out, problems
