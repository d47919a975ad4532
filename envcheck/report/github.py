"""GitHub Actions workflow commands: one annotation per finding, on the file and line.

`::error file=…,line=…,title=…::message`, escaped as the runner requires (data: `%`, CR, LF;
properties also `:` and `,`), so a message can never end the command early or inject another.
Suppressed findings get no annotation; a last plain line counts them.
"""

from __future__ import annotations

from envcheck.engine import ScanResult
from envcheck.report.common import repo_path
from envcheck.report.scrub import safe_findings

COMMAND = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(result: ScanResult) -> str:
    lines = []
    findings = safe_findings(result)
    for f in findings:
        if f.suppressed:
            continue
        props = []
        if f.location:
            props.append(f"file={escape_property(repo_path(f.location.path))}")
            if f.location.line:
                props.append(f"line={f.location.line}")
        props.append(f"title={escape_property(f'{f.code} {f.name}')}")
        message = f.message if not f.target else f"{f.message} [{f.target}]"
        lines.append(f"::{COMMAND[f.severity.value]} {','.join(props)}::{escape_data(message)}")
    suppressed = sum(1 for f in findings if f.suppressed)
    counts = ", ".join(f"{result.count(s)} {s}" for s in ("error", "warning", "info"))
    tail = f", {suppressed} suppressed" if suppressed else ""
    lines.append(f"envcheck: {counts}{tail}")
    return "\n".join(lines)
