"""SARIF 2.1.0 for GitHub code scanning (and any other SARIF consumer).

Choices that matter to code scanning: every result has a physical location with a path
relative to the repository root (`uriBaseId: %SRCROOT%`; upload-sarif rejects a result
without one, github/codeql-action#2459); `partialFingerprints` carry envcheck's own
fingerprint, which ignores line moves, so an alert survives unrelated edits; suppressed
findings stay in the log with a `suppressions` entry (`inSource` for an inline comment,
`external` for the baseline) and GitHub shows them as closed, not as new alerts.
`helpUri` needs an absolute URL and envcheck cannot know where its docs are published: it is
written only when `docs-url` (config) or `ENVCHECK_DOCS_URL` is set; the full help (what,
why, example, fix) is always embedded in `help`, which GitHub shows with the alert.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any
from urllib.parse import quote

from envcheck import __version__
from envcheck.engine import ScanResult
from envcheck.model import Finding
from envcheck.report.common import repo_path, repo_root
from envcheck.report.scrub import safe_findings
from envcheck.rules.registry import RULES, Rule, load_rules

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
LEVEL = {"error": "error", "warning": "warning", "info": "note"}
SECURITY_SEVERITY = {"error": "8.0", "warning": "5.0", "info": "2.0"}
FINGERPRINT_KEY = "envcheck/v1"


def render_sarif(result: ScanResult, docs_url: str | None = None) -> str:
    load_rules()
    docs_url = docs_url or os.environ.get("ENVCHECK_DOCS_URL") or None
    findings = safe_findings(result)
    used = sorted({f.code for f in findings})
    index = {code: i for i, code in enumerate(used)}
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "envcheck",
                "version": __version__,
                "semanticVersion": __version__,
                "rules": [_rule(RULES[code], docs_url) for code in used],
            }
            | ({"informationUri": docs_url} if docs_url else {})
        },
        "invocations": [{"executionSuccessful": True}],
        "results": [_result(f, index[f.code], result) for f in findings],
        "columnKind": "unicodeCodePoints",
    }
    root = repo_root()
    if root is not None:
        run["originalUriBaseIds"] = {"%SRCROOT%": {"uri": root.as_uri().rstrip("/") + "/"}}
    log = {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(log, indent=2, ensure_ascii=False)


def _rule(rule: Rule, docs_url: str | None) -> dict[str, Any]:
    sections = rule.sections()
    what, why = sections.get("What", rule.summary), sections.get("Why", "")
    text = "\n\n".join(f"{name}: {body}" for name, body in sections.items())
    markdown = "\n\n".join(f"**{name}.** {body}" for name, body in sections.items())
    tags = [rule.family]
    properties: dict[str, Any] = {"tags": tags, "envcheck-name": rule.name}
    if rule.family == "secrets":
        tags.append("security")
        properties["security-severity"] = SECURITY_SEVERITY[rule.severity.value]
    out: dict[str, Any] = {
        "id": rule.code,
        "name": "".join(part.capitalize() for part in rule.name.split("-")),  # SARIF wants PascalCase
        "shortDescription": {"text": what},
        "fullDescription": {"text": f"{what} {why}".strip()},
        "help": {"text": text, "markdown": markdown},
        "defaultConfiguration": {"level": LEVEL[rule.severity.value]},
        "properties": properties,
    }
    if docs_url:
        out["helpUri"] = f"{docs_url}#{rule.code.lower()}"
    return out


def _result(f: Finding, rule_index: int, result: ScanResult) -> dict[str, Any]:
    out: dict[str, Any] = {
        "ruleId": f.code,
        "ruleIndex": rule_index,
        "level": LEVEL[f.severity.value],
        "message": {"text": f.message},
        "locations": [_location(f, result)],
        "partialFingerprints": {FINGERPRINT_KEY: f.fingerprint},
    }
    properties = {k: v for k, v in (("target", f.target), ("variable", f.variable)) if v}
    if properties:
        out["properties"] = properties
    if f.suppressed:
        kind = "external" if f.suppression == "baseline" else "inSource"
        suppression: dict[str, Any] = {"kind": kind, "status": "accepted"}
        if f.suppression:
            suppression["justification"] = f.suppression
        out["suppressions"] = [suppression]
    return out


def _location(f: Finding, result: ScanResult) -> dict[str, Any]:
    """Where the finding is; one without a file points at its target's file, else the scanned root."""
    where = f.location
    if where is None:
        target = next((t for t in result.stack.targets if t.id == f.target), None)
        where = target.location if target is not None else None
    path = where.path if where is not None else _scanned_root(result)
    physical: dict[str, Any] = {"artifactLocation": {"uri": quote(repo_path(path), safe="/"), "uriBaseId": "%SRCROOT%"}}
    if where is not None and where.line:
        physical["region"] = {"startLine": where.line}
    return {"physicalLocation": physical}


def _scanned_root(result: ScanResult) -> str:
    roots = result.context.roots if result.context is not None else []
    return os.path.relpath(roots[0]) if roots else str(Path("."))
