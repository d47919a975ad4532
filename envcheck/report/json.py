"""The JSON report: a stable shape that other tools parse (see README, JSON report)."""

from __future__ import annotations

import json

from envcheck import __version__
from envcheck.engine import ScanResult


def render_json(result: ScanResult) -> str:
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
        for f in result.findings
    ]
    summary = {
        "error": result.count("error"),
        "warning": result.count("warning"),
        "info": result.count("info"),
        "files": result.stack.files,
        "targets": len(result.stack.targets),
    }
    return json.dumps({"envcheck": __version__, "findings": findings, "summary": summary}, indent=2, ensure_ascii=False)
