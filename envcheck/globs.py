"""Path globs of the config (`exclude`, `per-path-ignores`), one meaning everywhere.

A pattern is relative to the directory of the file that wrote it (the config file, or the
current directory for a command-line option). Without `/` it matches a file or directory
name at any depth below that directory (`*.bak`, `legacy`); with `/` it matches the path
from there (`laravel/.env`, `infra/old/*`). A matched directory covers everything below it,
and `*` crosses `/`, as in ruff. Patterns are anchored once, when read, so a finding's path
(relative to the current directory) and a walked path (absolute) are matched the same way.
"""

from __future__ import annotations

import os
from fnmatch import fnmatchcase
from pathlib import Path
from typing import NamedTuple


class Glob(NamedTuple):
    base: str  # absolute directory, posix separators
    pattern: str  # as written, `./` and outer `/` removed
    text: str  # as written, for messages
    anchored: bool  # had a `/`: matched from `base`, not by name

    def match(self, path: Path | str) -> bool:
        rel = os.path.relpath(os.path.abspath(path), self.base).replace("\\", "/")
        if rel == ".." or rel.startswith("../"):
            return False
        if self.anchored:
            return fnmatchcase(rel, self.pattern) or fnmatchcase(rel, self.pattern + "/*")
        return any(fnmatchcase(part, self.pattern) for part in rel.split("/"))


def anchor(patterns: list[str], base: Path) -> list[Glob]:
    root = os.path.abspath(base)
    out = []
    for text in patterns:
        pattern = text.replace("\\", "/").strip()
        while pattern.startswith("./"):
            pattern = pattern[2:]
        anchored = "/" in pattern.rstrip("/")
        pattern = pattern.strip("/")
        if pattern:
            out.append(Glob(root, pattern, text, anchored))
    return out


def first_match(path: Path | str, globs: list[Glob]) -> Glob | None:
    return next((g for g in globs if g.match(path)), None)
