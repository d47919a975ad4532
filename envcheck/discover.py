"""Walk the given paths once and sort each file into the kind of source that reads it.

Classification is by name first, then by a cheap look at the text; nothing is parsed here.
Links are followed only while they stay inside the scanned roots. The config's `exclude`
globs prune the walk; a path given on the command line is always scanned.
"""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from envcheck.fs import ScanContext
from envcheck.globs import first_match

SKIP_DIRS = {".git", ".hg", ".svn", "node_modules", "vendor", ".terraform", ".venv", "venv", "__pycache__"}
LARAVEL_FILES = {"artisan", "composer.json", "composer.lock"}


@dataclass
class Discovered:
    """The files found, by kind. Paths are absolute; order is stable (sorted)."""

    by_kind: dict[str, list[Path]] = field(default_factory=lambda: defaultdict(list))
    files: int = 0

    def __getitem__(self, kind: str) -> list[Path]:
        return self.by_kind.get(kind, [])


def classify(path: Path) -> str | None:
    """The kind of source a file is, by its name; None when envcheck does not read it."""
    name = path.name
    lower = name.lower()
    parent = path.parent.name
    if name == ".env" or name.startswith(".env.") or lower.endswith(".env"):
        return "dotenv"
    if lower.endswith((".tf", ".tf.json")):
        return "terraform"
    if lower.endswith((".tfvars", ".tfvars.json")):
        return "tfvars"
    if lower == "dockerfile" or lower.startswith("dockerfile.") or lower.endswith(".dockerfile"):
        return "dockerfile"
    if name in LARAVEL_FILES:
        return "laravel"
    if lower.endswith((".yml", ".yaml")) and ("compose" in lower):
        return "compose"
    if lower.endswith(".json"):
        return "json"
    if lower.endswith(".sh") or lower.endswith(".bash"):
        return "script"
    if lower.endswith(".conf") and ("supervisor" in lower or parent in {"supervisor", "conf.d", "supervisord"}):
        return "supervisord"
    if "crontab" in lower or parent in {"cron.d", "crontabs"}:
        return "crontab"
    if name == "Procfile":
        return "procfile"
    if lower.endswith(".php") and _is_laravel_declaration(path):
        return "laravel"
    if "." not in name and parent in {"bin", "docker", "scripts", "script", "deploy"}:
        return "script"  # extension-less start scripts; the loader checks the shebang
    return None


def _is_laravel_declaration(path: Path) -> bool:
    parts = path.parts
    if path.parent.name == "config" or parts[-3:-1] == ("app", "Config"):  # BookStack keeps its config in app/Config
        return True
    tail = "/".join(parts[-3:])
    return tail.endswith(("app/Console/Kernel.php", "routes/console.php", "bootstrap/app.php"))


def discover(paths: list[Path], ctx: ScanContext) -> Discovered:
    """Every file under `paths` that a source reads, refusing links that escape or loop."""
    found = Discovered()
    seen: set[Path] = set()
    for start in paths:
        if start.is_file() or (start.is_symlink() and not start.is_dir()):
            _add(start, found, seen, ctx)
            continue
        exclude = [g for g in ctx.exclude if not g.match(start)]  # a path asked for by name is scanned
        for dirpath, dirnames, filenames in os.walk(start, followlinks=False):
            here = Path(dirpath)
            kept = []
            for d in sorted(dirnames):
                sub = here / d
                if d in SKIP_DIRS or first_match(sub, exclude):
                    continue
                if sub.is_symlink():
                    _link_refused(sub, ctx)  # never followed; reported only when it loops or leaves
                    continue
                kept.append(d)
            dirnames[:] = kept
            for name in sorted(filenames):
                if not first_match(here / name, exclude):
                    _add(here / name, found, seen, ctx)
    for kind in found.by_kind:
        found.by_kind[kind].sort()
    return found


def _link_refused(link: Path, ctx: ScanContext) -> bool:
    """True (after an SRC001 finding) when a link loops, dangles or leads out of the scanned roots."""
    try:
        link.resolve(strict=True)
    except (OSError, RuntimeError):
        ctx.report("SRC001", "symlink loop or dangling link", link)
        return True
    if not ctx.inside(link):
        ctx.report("SRC001", "refused: the link leaves the scanned root", link)
        return True
    return False


def _add(path: Path, found: Discovered, seen: set[Path], ctx: ScanContext) -> None:
    kind = classify(path)
    if kind is None:
        return
    if path.is_symlink() and _link_refused(path, ctx):
        return
    real = path.resolve()
    if real in seen:
        return
    seen.add(real)
    found.files += 1
    found.by_kind[kind].append(path.absolute())
