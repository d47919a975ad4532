"""The baseline: the findings a project has accepted, so that only new ones fail the gate.

`scan --write-baseline FILE` records the fingerprint of every finding (with its code and path,
for the humans reviewing the file); `scan --baseline FILE` marks findings whose fingerprint is
recorded as suppressed ("baseline"). Fingerprints hash code, path, target, variable and message,
never the line (model.Finding.with_fingerprint): an edit elsewhere in the file that moves a
finding keeps it accepted, and the same check on another file is new (keying on the rule alone,
as checkov's baseline does, hides those: bridgecrewio/checkov#7647). Paths are relative to the
current directory: write and use a baseline from the same directory (the repository root).

Fingerprints are counted: a baseline holding one occurrence accepts one, and a second identical
finding is new.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from envcheck import __version__
from envcheck.errors import UsageError
from envcheck.model import Finding

FORMAT = "envcheck-baseline"
VERSION = 1


def write_baseline(path: Path, findings: list[Finding]) -> int:
    """Record every finding not suppressed inline; returns how many."""
    kept = [f for f in findings if not f.suppressed or f.suppression == "baseline"]
    entries = sorted(
        (
            {"fingerprint": f.fingerprint, "code": f.code, "path": f.location.path if f.location else None}
            | ({"variable": f.variable} if f.variable else {})
            for f in kept
        ),
        key=lambda e: (e["path"] or "", e["code"], e["fingerprint"]),
    )
    data = {"format": FORMAT, "version": VERSION, "envcheck": __version__, "findings": entries}
    try:
        path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"baseline {path}: cannot write: {exc.strerror or exc}") from exc
    return len(entries)


def load_baseline(path: Path) -> Counter[str]:
    """Fingerprints and how many times each was accepted; a bad file is a usage error."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise UsageError(f"baseline {path}: no such file (create it with --write-baseline)") from exc
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UsageError(f"baseline {path}: not a baseline file ({exc})") from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("findings"), list):
        raise UsageError(f"baseline {path}: not an envcheck baseline (no `format: {FORMAT}`)")
    if data.get("version") != VERSION:
        raise UsageError(f"baseline {path}: version {data.get('version')!r} is not supported (expected {VERSION})")
    counts: Counter[str] = Counter()
    for i, entry in enumerate(data["findings"]):
        if not isinstance(entry, dict) or not isinstance(entry.get("fingerprint"), str):
            raise UsageError(f"baseline {path}: findings[{i}] has no fingerprint")
        counts[entry["fingerprint"]] += 1
    return counts


def apply_baseline(findings: list[Finding], accepted: Counter[str]) -> list[Finding]:
    """Findings in the baseline marked suppressed ("baseline"); inline suppressions are kept."""
    left = Counter(accepted)
    out = []
    for f in findings:
        if not f.suppressed and left[f.fingerprint] > 0:
            left[f.fingerprint] -= 1
            f = f.model_copy(update={"suppressed": True, "suppression": "baseline"})
        out.append(f)
    return out
