"""The JSON report: a stable shape that other tools parse (see README, JSON report).

Suppressed findings stay in the list with `"suppressed": true` and `"suppression"` (the
reason, or "baseline"); those two keys, and `summary.suppressed`, appear only when there is
something suppressed, so reports of unsuppressed runs keep their shape. Summary counts leave
suppressed findings out, like the exit code does.
"""

from __future__ import annotations

import json

from envcheck import __version__
from envcheck.engine import ScanResult


def render_json(result: ScanResult) -> str:
    from envcheck.report.scrub import safe_findings

    safe = safe_findings(result)
    findings = [
        {
            "code": f.code,
            "name": f.name,
            "severity": f.severity.value,
            "message": f.message,
            "path": f.location.path if f.location else None,
            "line": f.location.line if f.location else None,
            "target": f.target,
            "variable": f.variable,
            "fingerprint": f.fingerprint,
        }
        | ({"suppressed": True, "suppression": f.suppression} if f.suppressed else {})
        for f in safe
    ]
    summary = {
        "error": result.count("error"),
        "warning": result.count("warning"),
        "info": result.count("info"),
        "files": result.stack.files,
        "targets": len(result.stack.targets),
    }
    suppressed = sum(1 for f in safe if f.suppressed)
    if suppressed:
        summary["suppressed"] = suppressed
    return json.dumps({"envcheck": __version__, "findings": findings, "summary": summary}, indent=2, ensure_ascii=False)
