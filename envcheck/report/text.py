"""The terminal report: findings grouped by target, worst first, readable without colour."""

from __future__ import annotations

import textwrap
from collections import defaultdict

from rich.console import Console
from rich.text import Text

from envcheck.engine import ScanResult
from envcheck.model import Finding, Target

STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
INDENT = 8
LABEL = {"error": "error", "warning": "warn ", "info": "info "}


def _group(finding: Finding) -> str:
    if finding.target:
        return finding.target
    return finding.location.path if finding.location else "(stack)"


def render_text(result: ScanResult, console: Console) -> None:
    """Every finding that counts; suppressed ones only as a number in the summary line."""
    from envcheck.report.scrub import safe_findings

    groups: dict[str, list[Finding]] = defaultdict(list)
    for finding in safe_findings(result):
        if not finding.suppressed:
            groups[_group(finding)].append(finding)
    targets = {t.id: t for t in result.stack.targets}
    for name in sorted(groups, key=lambda g: (-max(f.severity.rank for f in groups[g]), g)):
        header = Text(name, style="bold underline")
        if name in targets:
            header.append(f"  {_describe(targets[name])}", style="dim")
        console.print(header)
        for f in sorted(groups[name], key=lambda f: (-f.severity.rank, f.code)):
            line = Text("  ")
            line.append(LABEL[f.severity.value], style=STYLE[f.severity.value])
            line.append(f" {f.code} ", style="bold")
            line.append(f"{f.name}", style="dim")
            console.print(line)
            for chunk in textwrap.wrap(
                f.message, width=max(console.width - INDENT, 30), break_on_hyphens=False, break_long_words=False
            ):
                console.print(Text(" " * INDENT + chunk))
            if f.location:
                console.print(Text(f"{' ' * INDENT}at {f.location}", style="dim"), overflow="ignore", crop=False)
        console.print()
    console.print(summary_line(result))


def _describe(target: Target) -> str:
    """What a target is, at a glance: where it runs, how many copies, where it is written."""
    parts: list[str] = [target.kind if target.kind != "local" else "local .env"]
    if target.replicas is not None:
        parts.append(f"{target.replicas} replica{'s' if target.replicas != 1 else ''}")
    if target.kind == "deployed" and target.location.path != target.id:
        name = target.location.path.rsplit("/", 1)[-1]
        parts.append(f"{name}:{target.location.line}" if target.location.line else name)
    return "(" + ", ".join(parts) + ")"


def summary_line(result: ScanResult) -> Text:
    errors, warnings, infos = result.count("error"), result.count("warning"), result.count("info")
    stack = result.stack
    suppressed = sum(1 for f in result.findings if f.suppressed)
    text = Text()
    if len(result.findings) == suppressed:
        text.append("✓ no findings", style="bold green")
    else:
        text.append(f"{errors} error(s)", style="bold red" if errors else "")
        text.append(", ")
        text.append(f"{warnings} warning(s)", style="yellow" if warnings else "")
        text.append(f", {infos} info")
    if suppressed:
        text.append(f" ({suppressed} suppressed)")
    text.append(f" in {len(stack.targets)} target(s) from {stack.files} file(s)", style="dim")
    return text
