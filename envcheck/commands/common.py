"""What `ecs` and `diff` share with `scan`: options from config and flags, the report, the exit code."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from envcheck.errors import UsageError

if TYPE_CHECKING:
    from envcheck.config import Config
    from envcheck.diff import Change
    from envcheck.engine import ScanOptions, ScanResult
    from envcheck.sources.taskdef import TaskDefinitionDoc
    from envcheck.stack import Stack

FAIL_RANK = {"error": 3, "warning": 2, "info": 1, "never": 99}


def note(message: str) -> None:
    """What the command decided on its own (which family, how many replicas): stderr, one line."""
    typer.echo(f"envcheck: {message}", err=True)


def fail(message: str) -> None:
    typer.echo(f"envcheck: error: {message}", err=True)
    raise typer.Exit(2)


def codes(values: list[str] | None) -> list[str]:
    """Codes or prefixes, repeatable or comma-separated; an unknown one is a usage error."""
    from envcheck.config import rule_code

    try:
        return [rule_code(c) for v in values or [] for c in v.split(",") if c.strip()]
    except ValueError as exc:
        raise UsageError(str(exc)) from exc


def options(
    cfg: Config, profile: str | None, select: list[str] | None, ignore: list[str] | None, fail_on: str | None
) -> tuple[ScanOptions, str]:
    """The scan options and the --fail-on threshold, merged with the config as `scan` merges them
    (envcheck/effective.py: severity overrides, per-path ignores and excludes included)."""
    from envcheck.effective import fail_on as effective_fail_on
    from envcheck.effective import scan_options

    given = {"profile": profile, "select": codes(select), "ignore": codes(ignore), "fail_on": fail_on}
    threshold = effective_fail_on(cfg, given)
    if threshold not in FAIL_RANK:
        raise UsageError(f"--fail-on {threshold!r}: choose from {', '.join(FAIL_RANK)}")
    return scan_options(cfg, given), threshold


def check_format(output_format: str, allowed: tuple[str, ...] = ("text", "json")) -> None:
    if output_format not in allowed:
        raise UsageError(f"unknown format {output_format!r}: choose from {', '.join(allowed)}")


def terraform_docs(path: Path, max_bytes: int) -> list[TaskDefinitionDoc]:
    """The task definitions the Terraform (and task-definition JSON) under `path` declares."""
    from envcheck.discover import discover
    from envcheck.engine import repo_task_definitions
    from envcheck.fs import ScanContext

    root = path.resolve() if path.is_dir() else path.resolve().parent
    ctx = ScanContext(roots=[root], max_bytes=max_bytes)
    return repo_task_definitions(discover([path], ctx), ctx)


def exit_code(result: ScanResult, threshold: str) -> int:
    worst = max((f.severity.rank for f in result.findings if not f.suppressed), default=0)
    return 1 if worst >= FAIL_RANK[threshold] else 0


def emit(
    result: ScanResult,
    output_format: str,
    output: Path | None,
    changes: list[Change] | None = None,
    labels: tuple[str, str] = ("", ""),
    previous: Stack | None = None,
) -> None:
    """The report as `scan` writes it; with `changes`, the diff comes first (text) or under `diff` (json)."""
    if changes is None:
        from envcheck.cli import _emit

        _emit(result, output_format, output)
        return
    changes = scrubbed(changes, result, previous)
    if output_format == "json":
        from envcheck.report.json import render_json

        report = json.loads(render_json(result))
        data = {"envcheck": report.pop("envcheck"), "diff": diff_json(changes, labels), **report}
        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
        if output:
            output.write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text)
        return
    from rich.console import Console

    from envcheck.report.text import render_text

    if output:
        with output.open("w", encoding="utf-8") as handle:
            console = Console(file=handle, no_color=True, width=100)
            render_changes(console, changes, labels)
            render_text(result, console)
    else:
        console = Console(highlight=False)
        render_changes(console, changes, labels)
        render_text(result, console)


def scrubbed(changes: list[Change], result: ScanResult, previous: Stack | None) -> list[Change]:
    """The report's secret scrub, applied to the diff's values too (OLD's secrets included)."""
    from dataclasses import replace

    from envcheck.report.scrub import MIN_LENGTH, scrub, secret_values

    values = set(secret_values(result))
    if previous is not None:
        values |= {
            v.value
            for t in previous.targets
            for v in t.variables
            if v.secret and v.value and len(v.value) >= MIN_LENGTH
        }
    frozen = frozenset(values)
    return [
        replace(c, old=scrub(c.old, frozen) if c.old else c.old, new=scrub(c.new, frozen) if c.new else c.new)
        for c in changes
    ]


def diff_json(changes: list[Change], labels: tuple[str, str]) -> dict[str, Any]:
    return {"old": labels[0], "new": labels[1], "changes": [c.as_dict() for c in changes]}


def render_changes(console: Any, changes: list[Change], labels: tuple[str, str]) -> None:
    """The changes, one table per target: change, what, name, old, new (secrets masked)."""
    from rich.table import Table

    head = f"{labels[0]} -> {labels[1]}: "
    if not changes:
        console.print(head + "no changes to variables, secrets, command, entryPoint or image", markup=False)
        console.print()
        return
    console.print(head + f"{len(changes)} change(s)", markup=False)
    targets: dict[str, list[Change]] = {}
    for c in changes:
        targets.setdefault(c.target, []).append(c)
    for target, rows in targets.items():
        console.print(f"\n{target}", markup=False)
        table = Table(show_edge=False, pad_edge=False, box=None)
        table.add_column("change", no_wrap=True)
        table.add_column("what", no_wrap=True)
        table.add_column("name", no_wrap=True)
        table.add_column("old", overflow="fold")
        table.add_column("new", overflow="fold")
        for c in rows:
            table.add_row(c.kind, c.what, c.name, _cell(c.old), _cell(c.new))
        console.print(table)
    console.print()


def _cell(value: str | None) -> str:
    if value is None:
        return "-"
    return repr(value) if value == "" or value != value.strip() else value
