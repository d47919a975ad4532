"""What several reporters share: paths relative to the repository, and what gates."""

from __future__ import annotations

import os
from pathlib import Path

from envcheck.model import Finding

FAIL_RANK = {"error": 3, "warning": 2, "info": 1, "never": 99}


def repo_root() -> Path | None:
    """The repository holding the current directory (the nearest `.git` upwards), if any."""
    here = Path.cwd()
    for folder in (here, *here.parents):
        if (folder / ".git").exists():
            return folder
    return None


def repo_path(path: str) -> str:
    """A report path (relative to the current directory) made relative to the repository root,
    with `/` separators: what GitHub and GitLab resolve against the checkout."""
    root = repo_root()
    full = os.path.abspath(path)
    if root is not None:
        rel = os.path.relpath(full, root)
        if not rel.startswith(".."):
            return rel.replace(os.sep, "/")
    return path.replace(os.sep, "/")


def gates(finding: Finding, fail_on: str) -> bool:
    """Whether this finding fails the run at `--fail-on`: suppressed ones never do."""
    return not finding.suppressed and finding.severity.rank >= FAIL_RANK.get(fail_on, 3)


def group(finding: Finding) -> str:
    """What a finding is about: its target, else its file."""
    if finding.target:
        return finding.target
    return finding.location.path if finding.location else "(stack)"
