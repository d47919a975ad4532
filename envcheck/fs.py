"""Reading files the way a linter must: never outside the scanned roots, never a crash.

Every refusal becomes an SRC001 finding with the path, and the scan goes on.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from envcheck.globs import Glob
from envcheck.model import Finding, Location

DEFAULT_MAX_BYTES = 5 * 1024 * 1024


def display_path(path: Path) -> str:
    """Paths in reports are relative to the current directory when they can be."""
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)


@dataclass
class ScanContext:
    """What every loader shares: the roots it may read, the size cap, and its findings."""

    roots: list[Path]
    max_bytes: int = DEFAULT_MAX_BYTES
    findings: list[Finding] = field(default_factory=list)
    exclude: list[Glob] = field(default_factory=list)  # config `exclude`: discovery never walks into these
    on_read: Callable[[Path], None] | None = None  # progress: called once per file read
    _texts: dict[Path, str | None] = field(default_factory=dict)

    def texts(self) -> dict[Path, str]:
        """Every text read so far, by absolute path (suppressions are found in these)."""
        return {path: text for path, text in self._texts.items() if text is not None}

    def inside(self, path: Path) -> bool:
        """True when `path`, with every link resolved, lies under one of the roots."""
        try:
            real = path.resolve(strict=False)
        except (OSError, RuntimeError):
            return False
        return any(real == root or root in real.parents for root in self.roots)

    def report(
        self,
        code: str,
        message: str,
        path: Path | str,
        line: int | None = None,
        target: str | None = None,
        variable: str | None = None,
    ) -> None:
        from envcheck.rules.registry import make_finding

        shown = display_path(path) if isinstance(path, Path) else path
        self.findings.append(make_finding(code, message, Location(path=shown, line=line), target, variable))

    def read_text(self, path: Path) -> str | None:
        """The file's text, or None after reporting why it cannot be read (SRC001)."""
        key = path.absolute()
        if key in self._texts:
            return self._texts[key]
        text = self._read(path)
        self._texts[key] = text
        if self.on_read is not None:
            self.on_read(path)
        return text

    def _read(self, path: Path) -> str | None:
        if not self.inside(path):
            self.report("SRC001", "refused: the path leaves the scanned root", path)
            return None
        try:
            info = path.stat()
            if not stat.S_ISREG(info.st_mode):
                self.report("SRC001", "not a regular file (a pipe, socket or device is never read)", path)
                return None
            size = info.st_size
            if size > self.max_bytes:
                self.report("SRC001", f"too large to read ({size} bytes, cap {self.max_bytes})", path)
                return None
            with path.open("rb") as handle:
                data = handle.read(self.max_bytes + 1)
        except RuntimeError:
            self.report("SRC001", "symlink loop", path)
            return None
        except OSError as exc:
            self.report("SRC001", f"cannot read: {exc.strerror or exc.__class__.__name__}", path)
            return None
        if b"\x00" in data[:8192]:
            self.report("SRC001", "binary file (NUL bytes), not text", path)
            return None
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            self.report("SRC001", "not UTF-8 text", path, line)
            return None
