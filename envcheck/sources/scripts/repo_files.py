"""The repository's start scripts, supervisord confs and crontabs: each parsed and reported once, found by name."""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from envcheck.discover import Discovered
from envcheck.fs import ScanContext
from envcheck.sources.scripts.commands import KNOWN_PROGRAMS, NOISE, SHELLS, looks_like_script
from envcheck.sources.scripts.cron import CronLine, parse_crontab
from envcheck.sources.scripts.dockerfile import PATH_DIRS, DockerfileInfo
from envcheck.sources.scripts.problems import Problem
from envcheck.sources.scripts.safe_paths import is_file
from envcheck.sources.scripts.shell import Item, parse_shell
from envcheck.sources.scripts.supervisord import SupervisorConf, parse_supervisord

T = TypeVar("T")


class RepoFiles:
    """Files a start may run or read, parsed on first use; their problems are SRC002 findings."""

    def __init__(self, ctx: ScanContext, discovered: Discovered) -> None:
        self.ctx = ctx
        self.script_paths: list[Path] = list(discovered["script"])
        self.supervisord_paths: list[Path] = list(discovered["supervisord"])
        self.crontab_paths: list[Path] = list(discovered["crontab"])
        self._discovered_scripts = {p.absolute() for p in self.script_paths}
        self._scripts: dict[Path, list[Item] | None] = {}
        self._texts: dict[tuple[str, str, int | None], list[Item]] = {}
        self._supervisor: dict[Path, SupervisorConf | None] = {}
        self._crontabs: dict[Path, list[CronLine]] = {}

    def _report(self, problems: list[Problem], path: Path | str) -> None:
        for line, message in problems:
            self.ctx.report("SRC002", message, path, line or None)

    def parse_file(self, path: Path, parse: Callable[[str], tuple[T, list[Problem]]]) -> T | None:
        """A file read and parsed, its problems reported; None when it cannot be read."""
        text = self.ctx.read_text(path)
        if text is None:
            return None
        parsed, problems = parse(text)
        self._report(problems, path)
        return parsed

    # ---- parsed files, each read and reported once

    def script(self, path: Path) -> list[Item] | None:
        """A shell script's structure; None when it cannot be read or is not a shell script."""
        key = path.absolute()
        if key not in self._scripts:
            discovered = key in self._discovered_scripts

            def shell(text: str) -> tuple[list[Item] | None, list[Problem]]:
                return parse_shell(text) if _is_shell(path, text, discovered) else (None, [])

            self._scripts[key] = self.parse_file(path, shell)
        return self._scripts[key]

    def parse_text(self, text: str, path: str, line: int | None) -> list[Item]:
        """Shell text written inside another file (`sh -c`, a cron line); its problems point into that file."""
        key = (text, path, line)
        if key not in self._texts:
            items, problems = parse_shell(text)
            base = 0 if line is None else line - 1
            self._report([(base + n if line is not None else 0, message) for n, message in problems], path)
            self._texts[key] = items
        return self._texts[key]

    def supervisor_conf(self, path: Path) -> SupervisorConf | None:
        key = path.absolute()
        if key not in self._supervisor:
            self._supervisor[key] = self.parse_file(path, parse_supervisord)
        return self._supervisor[key]

    def crontab(self, path: Path) -> list[CronLine]:
        key = path.absolute()
        if key not in self._crontabs:
            self._crontabs[key] = self.parse_file(path, parse_crontab) or []
        return self._crontabs[key]

    # ---- finding the file a command names

    def find(self, word: str, kind: str, docker: DockerfileInfo | None, script_dir: Path | None) -> Path | None:
        """The repo file a command or file argument names: COPY map, then repo paths, then basename."""
        if not word or any(c in word for c in "$`*?\x00"):
            return None
        near = [p for p in (script_dir, docker.path.parent if docker is not None else None) if p is not None]
        near += self.ctx.roots
        if "/" in word:
            if docker is not None:
                found = docker.resolve(word)
                if found is not None:
                    return found
            if not word.startswith("/"):
                for folder in near:
                    candidate = folder / word
                    if self.ctx.inside(candidate) and is_file(candidate):
                        return candidate
        elif docker is not None and kind == "script":
            for bin_dir in PATH_DIRS:
                found = docker.resolve(f"{bin_dir}/{word}")
                if found is not None:
                    return found
        return self.by_basename(posixpath.basename(word), kind, near)

    def by_basename(self, name: str, kind: str, near: list[Path]) -> Path | None:
        """A discovered file of that kind named `name` (or `name.sh`), the closest to `near` first."""
        if not name or name in KNOWN_PROGRAMS or name in NOISE or name in SHELLS:
            return None
        pool = {"script": self.script_paths, "supervisord": self.supervisord_paths, "crontab": self.crontab_paths}
        stem = name.rsplit(".", 1)[0] if looks_like_script(name) else name
        matches = [p for p in pool.get(kind, []) if p.name == name or (kind == "script" and p.name == f"{stem}.sh")]
        matches = matches or [p for p in pool.get(kind, []) if kind == "script" and p.stem == stem]
        if not matches:
            return None

        def closeness(path: Path) -> int:
            return max((len(_common(path, folder)) for folder in near), default=0)

        return max(matches, key=closeness)


def _common(a: Path, b: Path) -> tuple[str, ...]:
    out = []
    for x, y in zip(a.parts, b.parts, strict=False):
        if x != y:
            break
        out.append(x)
    return tuple(out)


def _is_shell(path: Path, text: str, discovered_script: bool) -> bool:
    """A shebang decides; without one, a `.sh` name or discovery as a script does."""
    first = text.split("\n", 1)[0]
    if first.startswith("#!"):
        interpreter = first[2:].strip().split()
        names = [posixpath.basename(w) for w in interpreter[:2]]
        return any(n in SHELLS or n == "busybox" for n in names)
    return looks_like_script(path.name) or discovered_script
