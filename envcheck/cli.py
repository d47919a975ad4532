"""The command line: `envcheck scan`, `envcheck rules`, `envcheck explain`.

Exit codes gate deploys: 0 nothing at or above --fail-on, 1 findings at or above it,
2 usage, config or environment errors (one line on stderr, never a traceback).
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console

from envcheck import __version__
from envcheck.errors import UsageError

app = typer.Typer(
    name="envcheck",
    help="Lint ops configuration (.env, Terraform, ECS task definitions, start scripts) before deploy.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

FAIL_RANK = {"error": 3, "warning": 2, "info": 1, "never": 99}
FORMATS = ("text", "json", "sarif", "junit", "github", "markdown")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"envcheck {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        Optional[bool], typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = None,
) -> None:
    """envcheck: catch configuration mistakes before they reach production."""


def _fail(message: str) -> None:
    typer.echo(f"envcheck: error: {message}", err=True)
    raise typer.Exit(2)


def _codes(values: list[str] | None) -> list[str]:
    from envcheck.config import rule_code

    try:
        return [rule_code(c) for v in values or [] for c in v.split(",") if c.strip()]
    except ValueError as exc:
        raise UsageError(str(exc)) from exc


def _overrides(
    profile: str | None,
    select: list[str] | None,
    ignore: list[str] | None,
    fail_on: str | None,
    max_bytes: int | None,
    exclude: list[str] | None,
) -> dict[str, object]:
    """Command-line values by config field name; None or empty where not given."""
    return {
        "profile": profile,
        "select": _codes(select),
        "ignore": _codes(ignore),
        "fail_on": fail_on,
        "max_bytes": max_bytes,
        "exclude": list(exclude or []),
    }


@app.command()
def scan(
    paths: Annotated[Optional[list[Path]], typer.Argument(help="Files or directories to scan (default: .).")] = None,
    output_format: Annotated[
        str, typer.Option("--format", "-f", help="text, json, sarif, junit, github or markdown.")
    ] = "text",
    output: Annotated[
        Optional[list[str]],
        typer.Option(
            "--output",
            "-o",
            help="FILE: write the --format report there instead of stdout; FORMAT=FILE: also write that format"
            " (repeatable, e.g. -o sarif=envcheck.sarif -o markdown=summary.md).",
        ),
    ] = None,
    fail_on: Annotated[
        Optional[str], typer.Option("--fail-on", help="error, warning, info or never (default: error).")
    ] = None,
    baseline: Annotated[
        Optional[Path], typer.Option("--baseline", help="Findings recorded in this file pass: only new ones fail.")
    ] = None,
    write_baseline: Annotated[
        Optional[Path], typer.Option("--write-baseline", help="Record every current finding in this file (exit 0).")
    ] = None,
    select: Annotated[Optional[list[str]], typer.Option("--select", help="Only these codes or prefixes.")] = None,
    ignore: Annotated[Optional[list[str]], typer.Option("--ignore", help="Skip these codes or prefixes.")] = None,
    profile: Annotated[
        Optional[str], typer.Option("--profile", help="Stack profile: a bundled name or a path.")
    ] = None,
    config: Annotated[
        Optional[Path], typer.Option("--config", help="Config file (default: found at the root).")
    ] = None,
    max_bytes: Annotated[Optional[int], typer.Option("--max-bytes", help="Skip files larger than this.")] = None,
    exclude: Annotated[
        Optional[list[str]], typer.Option("--exclude", help="Never scan paths matching this glob (repeatable).")
    ] = None,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Say on stderr what each target runs and how it was linked.")
    ] = False,
) -> None:
    """Scan files and directories and report configuration mistakes."""
    from envcheck.config import find_config
    from envcheck.effective import fail_on as effective_fail_on
    from envcheck.effective import scan_options
    from envcheck.engine import scan as run_scan
    from envcheck.progress import progress, wanted

    targets = paths or [Path(".")]
    try:
        for p in targets:
            if not p.exists() and not p.is_symlink():
                raise UsageError(f"{p}: no such file or directory")
        if output_format not in FORMATS:
            raise UsageError(f"unknown format {output_format!r}: choose from {', '.join(FORMATS)}")
        stdout_format, files = _outputs(output or [], output_format)
        root = targets[0] if targets[0].is_dir() else targets[0].parent
        cfg = find_config(root, config)
        overrides = _overrides(profile, select, ignore, fail_on, max_bytes, exclude)
        threshold = effective_fail_on(cfg, overrides)
        if threshold not in FAIL_RANK:
            raise UsageError(f"--fail-on {threshold!r}: choose from {', '.join(FAIL_RANK)}")
        options = scan_options(cfg, overrides)
        accepted = _load_baseline(baseline)
        with progress(wanted(stdout_format)) as on_read:
            options.on_read = on_read
            result = run_scan(targets, options)
        if verbose:
            from envcheck.report.linking import describe_stack
            from envcheck.report.scrub import scrub, secret_values

            hidden = secret_values(result)
            for line in describe_stack(result.stack):
                typer.echo(scrub(line, hidden), err=True)
        if accepted is not None:
            from envcheck.baseline import apply_baseline

            result.findings = apply_baseline(result.findings, accepted)
        if write_baseline is not None:
            from envcheck.baseline import write_baseline as record

            recorded = record(write_baseline, result.findings)
            typer.echo(f"envcheck: {recorded} finding(s) recorded in {write_baseline}", err=True)
        _write_reports(result, stdout_format, files, threshold, cfg.docs_url)
    except UsageError as exc:
        _fail(str(exc))
        return
    if write_baseline is not None:
        raise typer.Exit(0)
    raise typer.Exit(_exit_code(result, threshold))


def _exit_code(result: object, threshold: str) -> int:
    """1 when a finding that is not suppressed is at or above `threshold`, else 0."""
    from envcheck.engine import ScanResult

    assert isinstance(result, ScanResult)
    worst = max((f.severity.rank for f in result.findings if not f.suppressed), default=0)
    return 1 if worst >= FAIL_RANK[threshold] else 0


def _outputs(values: list[str], default_format: str) -> tuple[str | None, list[tuple[str, Path]]]:
    """The format printed on stdout (None once `-o FILE` takes it) and the files to write."""
    import re

    stdout: str | None = default_format
    files: list[tuple[str, Path]] = []
    for value in values:
        head, sep, tail = value.partition("=")
        if sep and re.fullmatch(r"[a-z]+", head):
            if head not in FORMATS:
                raise UsageError(f"--output {value}: unknown format {head!r}: choose from {', '.join(FORMATS)}")
            if not tail:
                raise UsageError(f"--output {value}: no file after `=`")
            files.append((head, Path(tail)))
        elif stdout is None:
            raise UsageError(f"--output {value}: only one plain FILE (for --format); use FORMAT=FILE for more")
        else:
            files.append((default_format, Path(value)))
            stdout = None
    return stdout, files


def _load_baseline(path: Path | None) -> Counter[str] | None:
    if path is None:
        return None
    from envcheck.baseline import load_baseline

    return load_baseline(path)


def _write_reports(
    result: object, stdout_format: str | None, files: list[tuple[str, Path]], threshold: str, docs_url: str | None
) -> None:
    from envcheck.engine import ScanResult
    from envcheck.report import render

    assert isinstance(result, ScanResult)
    for fmt, path in files:
        try:
            path.write_text(render(result, fmt, fail_on=threshold, docs_url=docs_url) + "\n", encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"--output {path}: cannot write: {exc.strerror or exc}") from exc
    if stdout_format == "text":
        from envcheck.report.text import render_text

        render_text(result, Console(highlight=False))
    elif stdout_format is not None:
        sys.stdout.write(render(result, stdout_format, fail_on=threshold, docs_url=docs_url) + "\n")


def _emit(result: object, output_format: str, output: Path | None) -> None:
    """One report in `output_format`, to `output` or stdout (kept for callers of the old signature)."""
    files = [(output_format, output)] if output else []
    _write_reports(result, None if output else output_format, files, "error", None)


@app.command("config")
def show_config(
    path: Annotated[Path, typer.Argument(help="Where the scan would start (default: .).")] = Path("."),
    output_format: Annotated[str, typer.Option("--format", "-f", help="text or json.")] = "text",
    config: Annotated[Optional[Path], typer.Option("--config", help="Config file (default: found upwards).")] = None,
    profile: Annotated[Optional[str], typer.Option("--profile", help="Stack profile.")] = None,
    select: Annotated[Optional[list[str]], typer.Option("--select", help="Only these codes or prefixes.")] = None,
    ignore: Annotated[Optional[list[str]], typer.Option("--ignore", help="Skip these codes or prefixes.")] = None,
    fail_on: Annotated[Optional[str], typer.Option("--fail-on", help="error, warning, info or never.")] = None,
    max_bytes: Annotated[Optional[int], typer.Option("--max-bytes", help="Skip files larger than this.")] = None,
    exclude: Annotated[Optional[list[str]], typer.Option("--exclude", help="Never scan this glob.")] = None,
) -> None:
    """Show the effective configuration and where each value came from (default, file, command line)."""
    from envcheck.config import find_config
    from envcheck.effective import resolve
    from envcheck.fs import display_path

    try:
        if not path.exists():
            raise UsageError(f"{path}: no such file or directory")
        cfg = find_config(path if path.is_dir() else path.parent, config)
        settings = resolve(cfg, _overrides(profile, select, ignore, fail_on, max_bytes, exclude))
    except UsageError as exc:
        _fail(str(exc))
        return
    rows = [(s.key, s.value, s.origin) for s in settings.values()]
    if output_format == "json":
        data = {"config": cfg.source, "settings": {k: {"value": v, "origin": o} for k, v, o in rows}}
        sys.stdout.write(json.dumps(data, indent=2, default=str) + "\n")
        return
    if output_format != "text":
        _fail(f"unknown format {output_format!r}: choose from text, json")
    from rich.table import Table

    console = Console(highlight=False)
    where = display_path(Path(cfg.source)) if cfg.source else "(none found: defaults)"
    console.print(f"config file: {where}", markup=False)
    table = Table(show_edge=False, pad_edge=False, box=None)
    for column in ("key", "value", "from"):
        table.add_column(column, overflow="fold")
    for key, value, origin in rows:
        table.add_row(key, json.dumps(value, default=str), origin)
    console.print(table)


@app.command("rules")
def list_rules(
    output_format: Annotated[str, typer.Option("--format", "-f", help="text, json or markdown.")] = "text",
) -> None:
    """List every rule with its code, name, severity and summary (markdown: the full docs)."""
    from envcheck.rules.registry import all_rules

    rules = all_rules()
    if output_format == "markdown":
        from envcheck.docs import render_markdown

        sys.stdout.write(render_markdown(rules))
        return
    if output_format == "json":
        data = [
            {"code": r.code, "name": r.name, "severity": r.severity.value, "family": r.family, "summary": r.summary}
            for r in rules
        ]
        sys.stdout.write(json.dumps(data, indent=2) + "\n")
        return
    if output_format != "text":
        _fail(f"unknown format {output_format!r}: choose from text, json, markdown")
    from rich.table import Table

    table = Table(show_edge=False, pad_edge=False, box=None)
    for column in ("code", "name", "severity", "summary"):
        table.add_column(column, overflow="fold")
    for r in rules:
        table.add_row(r.code, r.name, r.severity.value, r.summary)
    Console(highlight=False).print(table)


@app.command()
def explain(code: Annotated[str, typer.Argument(help="A rule code, e.g. SES002.")]) -> None:
    """Show a rule's documentation: what, why, an example and the fix."""
    from envcheck.rules.registry import RULES, load_rules

    load_rules()
    rule = RULES.get(code.upper())
    if rule is None:
        _fail(f"unknown rule {code!r}; `envcheck rules` lists them")
        return
    console = Console(highlight=False)
    console.print(f"[bold]{rule.code}[/bold] {rule.name} ({rule.severity.value}, {rule.family})", markup=True)
    from envcheck.docs import source_links

    sections = rule.sections()
    for section, body in sections.items():
        console.print(f"\n[bold]{section}[/bold]", markup=True)
        console.print(body, markup=False)
    for label, url in source_links(sections.get("Source", "")):
        console.print(f"  {label}: {url}", markup=False)


# `ecs` and `diff` are in envcheck/commands/ (boto3 loads only when `ecs` runs).
from envcheck.commands import register as _register_commands  # noqa: E402

_register_commands(app)


def main() -> None:
    """Entry point: a bug in envcheck is one line and exit 2 (ENVCHECK_DEBUG=1 shows the traceback)."""
    import os

    try:
        app()
    except Exception as exc:  # the last line of defence; loaders report bad input as findings
        if os.environ.get("ENVCHECK_DEBUG"):
            raise
        sys.stderr.write(f"envcheck: internal error: {exc.__class__.__name__}: {exc} (ENVCHECK_DEBUG=1 for details)\n")
        sys.exit(2)
