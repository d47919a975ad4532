"""File checks that answer False or nothing, never raise, for any name an image or a script wrote."""

from __future__ import annotations

from pathlib import Path

from envcheck.fs import ScanContext


def is_file(path: Path) -> bool:
    """`Path.is_file` that answers False for names the OS refuses (too long, NUL)."""
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False


def is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except (OSError, ValueError):
        return False


def files_in(folder: Path) -> list[Path]:
    try:
        return sorted(p for p in folder.iterdir() if is_file(p)) if is_dir(folder) else []
    except (OSError, ValueError):
        return []


def repo_glob(folder: Path, pattern: str, ctx: ScanContext) -> list[Path]:
    """Files matching a glob below `folder`, only those inside the scanned roots."""
    try:
        return sorted(p for p in folder.glob(pattern) if is_file(p) and ctx.inside(p))
    except (OSError, ValueError, NotImplementedError):
        return []
