"""Inline suppressions: `# envcheck: ignore[SES002,SES003] -- the reason`.

A comment (`#`, `//`, `/*` or `;`) at the end of the finding's line covers that line; a
comment alone on its line covers the next line. Codes are comma-separated, prefixes work
(`ignore[SES]`), the reason after `--` is kept with the finding. A suppressed finding stays in
the JSON and SARIF reports, marked, and never fails the run.

Comments are looked for in the texts the scan already read (ScanContext's cache), in any
file: `.env`, Terraform, Dockerfiles, scripts, supervisord, crontabs. JSON has no comments:
use `per-path-ignores` for task-definition JSON. A suppression that matched nothing is
reported as SUP001, so stale ones get removed.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from envcheck.fs import ScanContext, display_path
from envcheck.model import Finding, Location

if TYPE_CHECKING:
    from pathlib import Path

    from envcheck.engine import ScanOptions

COMMENT = re.compile(
    r"(?P<marker>#|//|/\*|;)\s*envcheck:\s*ignore\[(?P<codes>[^\]\n]*)\]"
    r"(?:[ \t]*--[ \t]*(?P<reason>[^\n]*?))?[ \t]*(?:\*/)?[ \t]*$",
    re.IGNORECASE | re.MULTILINE,
)


@dataclass
class Suppression:
    path: str  # as findings show it (relative to the current directory)
    line: int  # of the comment
    covers: int  # the line whose findings it suppresses
    codes: list[str]
    reason: str | None
    used: set[str] = field(default_factory=set)

    def matches(self, finding: Finding) -> str | None:
        """The code (or prefix) of this comment that covers `finding`, if any."""
        return next((c for c in self.codes if finding.code.startswith(c)), None)


def find_suppressions(path: str, text: str) -> list[Suppression]:
    if "envcheck" not in text:
        return []
    out = []
    for match in COMMENT.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        start = text.rfind("\n", 0, match.start()) + 1
        alone = not text[start : match.start()].strip()
        codes = [c.strip().upper() for c in match.group("codes").split(",") if c.strip()]
        reason = (match.group("reason") or "").strip() or None
        out.append(Suppression(path, line, line + 1 if alone else line, codes, reason))
    return out


def apply_suppressions(findings: list[Finding], ctx: ScanContext, options: ScanOptions) -> list[Finding]:
    """Findings covered by a comment marked suppressed, plus SUP001 for comments that covered nothing."""
    by_file: dict[str, list[Suppression]] = {}
    for path, text in sorted(ctx.texts().items()):
        found = find_suppressions(display_path(path), text)
        if found:
            by_file[_key(path)] = found
    if not by_file:
        return findings
    out = []
    for f in findings:
        if f.location is not None and f.location.line and not f.suppressed:
            for s in by_file.get(_key(f.location.path), []):
                code = s.matches(f) if s.covers == f.location.line else None
                if code is not None:
                    s.used.add(code)
                    f = f.model_copy(update={"suppressed": True, "suppression": s.reason or "inline"})
                    break
        out.append(f)
    from envcheck.engine import sort_key

    return sorted(out + _unused(by_file, options), key=sort_key)


def _unused(by_file: dict[str, list[Suppression]], options: ScanOptions) -> list[Finding]:
    from envcheck.engine import selected
    from envcheck.policy import apply_policy
    from envcheck.rules.registry import RULES, make_finding

    if not selected("SUP001", options.select, options.ignore):
        return []
    out = []
    for suppressions in by_file.values():
        for s in suppressions:
            for code in s.codes:
                if code in s.used:
                    continue
                ran = [c for c in RULES if c.startswith(code) and selected(c, options.select, options.ignore)]
                if not any(c.startswith(code) for c in RULES):
                    why = f"`{code}` names no rule"
                elif not ran or _ignored_here(s.path, ran, options):
                    continue  # not checked in this run: cannot tell whether it still matches
                else:
                    target = "this line" if s.covers == s.line else "the next line"
                    why = f"no {code} finding on {target}"
                message = f"unused suppression `envcheck: ignore[{code}]`: {why}; remove it"
                out.append(make_finding("SUP001", message, Location(path=s.path, line=s.line)).with_fingerprint())
    return apply_policy(out, options)


def _ignored_here(path: str, codes: list[str], options: ScanOptions) -> bool:
    """Whether per-path ignores drop every one of `codes` in this file."""
    return all(
        any(glob.match(path) and any(code.startswith(c) for c in ignored) for glob, ignored in options.per_path_ignores)
        for code in codes
    )


def _key(path: Path | str) -> str:
    return os.path.normcase(os.path.abspath(path))
