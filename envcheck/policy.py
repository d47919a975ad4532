"""What the project's config does to findings: severity overrides and per-path ignores.

A per-path ignore drops the finding, like `--ignore` does for the whole scan (ruff's
per-file-ignores); an inline suppression (envcheck/suppress.py) keeps it, marked.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from envcheck.globs import Glob
from envcheck.model import Finding, Severity

if TYPE_CHECKING:
    from envcheck.engine import ScanOptions


def severity_for(code: str, overrides: dict[str, str]) -> str | None:
    """The override for `code`: the longest matching code or prefix wins."""
    best = max((p for p in overrides if code.startswith(p.upper())), key=len, default=None)
    return overrides[best] if best is not None else None


def ignored_here(finding: Finding, per_path: list[tuple[Glob, list[str]]]) -> bool:
    if finding.location is None:
        return False
    for glob, codes in per_path:
        if any(finding.code.startswith(c.upper()) for c in codes) and glob.match(finding.location.path):
            return True
    return False


def apply_policy(findings: list[Finding], options: ScanOptions) -> list[Finding]:
    out = []
    for f in findings:
        if options.per_path_ignores and ignored_here(f, options.per_path_ignores):
            continue
        level = severity_for(f.code, options.severity)
        if level is not None and level != f.severity.value:
            f = f.model_copy(update={"severity": Severity(level)})
        out.append(f)
    return out
