"""Markdown for pull-request comments and job summaries (`$GITHUB_STEP_SUMMARY`, GitLab notes).

A summary table, then one table of findings per target, worst first. Every cell is escaped
(`|`, HTML, line breaks) so a message cannot break the table or inject markup; secrets are
masked like everywhere else. Suppressed findings are folded away at the end. Long reports are
cut (GitHub caps a step summary at 1 MiB) with a count of what was left out.
"""

from __future__ import annotations

from collections import defaultdict

from envcheck.engine import ScanResult
from envcheck.model import Finding
from envcheck.report.common import group
from envcheck.report.scrub import safe_findings

ICON = {"error": "🔴", "warning": "🟠", "info": "🔵"}
MAX_ROWS = 500


def cell(text: str) -> str:
    """Text safe inside a table cell."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = text.replace("|", "\\|")
    return " ".join(text.split())


def render_markdown(result: ScanResult, docs_url: str | None = None) -> str:
    findings = safe_findings(result)
    shown = [f for f in findings if not f.suppressed]
    suppressed = [f for f in findings if f.suppressed]
    errors, warnings, infos = (result.count(s) for s in ("error", "warning", "info"))
    verdict = "✅ no findings" if not shown else f"{errors} error(s), {warnings} warning(s), {infos} info"
    out = [f"## envcheck: {verdict}", ""]
    out += ["| | count |", "|---|---:|"]
    out += [f"| {ICON['error']} errors | {errors} |", f"| {ICON['warning']} warnings | {warnings} |"]
    out += [f"| {ICON['info']} info | {infos} |"]
    if suppressed:
        out.append(f"| suppressed | {len(suppressed)} |")
    out += [f"| targets | {len(result.stack.targets)} |", f"| files | {result.stack.files} |", ""]

    groups: dict[str, list[Finding]] = defaultdict(list)
    for f in shown:
        groups[group(f)].append(f)
    rows = 0
    for name in sorted(groups, key=lambda g: (-max(f.severity.rank for f in groups[g]), g)):
        if rows >= MAX_ROWS:
            break
        out += [f"### {cell(name)}", "", "| | code | finding | where |", "|---|---|---|---|"]
        for f in sorted(groups[name], key=lambda f: (-f.severity.rank, f.code)):
            if rows >= MAX_ROWS:
                break
            rows += 1
            where = f"`{cell(str(f.location))}`" if f.location else ""
            code = f"[{f.code}]({docs_url}#{f.code.lower()})" if docs_url else f.code
            out.append(f"| {ICON[f.severity.value]} | {code} {cell(f.name)} | {cell(f.message)} | {where} |")
        out.append("")
    if rows < len(shown):
        out += [f"… and {len(shown) - rows} more finding(s): see the full report (`--format json`).", ""]
    if suppressed:
        out += [f"<details><summary>{len(suppressed)} suppressed finding(s)</summary>", ""]
        out += ["| code | where | why |", "|---|---|---|"]
        for f in suppressed[:MAX_ROWS]:
            where = f"`{cell(str(f.location))}`" if f.location else cell(f.target or "")
            out.append(f"| {f.code} | {where} | {cell(f.suppression or 'inline')} |")
        out += ["", "</details>", ""]
    return "\n".join(out)
