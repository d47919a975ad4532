"""`envcheck diff A B`: two files or directories of any kind envcheck reads, as two revisions.

A is loaded as OLD and B is scanned as `scan` scans it, with A as its previous stack, so the
transition rules (SES007) see the pair. Task-definition JSON, Terraform and `.env` files all
work, and a `.env` may be compared with a task definition (one target on each side).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from envcheck.commands.common import check_format, emit, exit_code, fail, options, terraform_docs
from envcheck.errors import UsageError


def diff_files(
    old: Annotated[Path, typer.Argument(help="The older file or directory.")],
    new: Annotated[Path, typer.Argument(help="The newer file or directory (linted like `scan`).")],
    output_format: Annotated[str, typer.Option("--format", "-f", help="text or json.")] = "text",
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write the report to this file.")] = None,
    fail_on: Annotated[
        Optional[str], typer.Option("--fail-on", help="error, warning, info or never (default: error).")
    ] = None,
    select: Annotated[Optional[list[str]], typer.Option("--select", help="Only these codes or prefixes.")] = None,
    ignore: Annotated[Optional[list[str]], typer.Option("--ignore", help="Skip these codes or prefixes.")] = None,
    profile: Annotated[
        Optional[str], typer.Option("--profile", help="Stack profile: a bundled name or a path.")
    ] = None,
    config: Annotated[Optional[Path], typer.Option("--config", help="Config file (default: found from NEW).")] = None,
) -> None:
    """Compare two revisions of a deploy (files or directories): the changes, and NEW linted with the pair's rules."""
    try:
        code = run_diff(old, new, output_format, output, fail_on, select, ignore, profile, config)
    except UsageError as exc:
        fail(str(exc))
        return
    raise typer.Exit(code)


def _root(path: Path) -> Path:
    return path.resolve() if path.is_dir() else path.resolve().parent


def run_diff(
    old: Path,
    new: Path,
    output_format: str,
    output: Path | None,
    fail_on: str | None,
    select: list[str] | None,
    ignore: list[str] | None,
    profile: str | None,
    config: Path | None,
) -> int:
    from envcheck.config import find_config
    from envcheck.diff import diff_stacks, images_of
    from envcheck.engine import build_stack, scan
    from envcheck.fs import ScanContext, display_path

    check_format(output_format)
    for path in (old, new):
        if not path.exists():
            raise UsageError(f"{path}: no such file or directory")
    cfg = find_config(new if new.is_dir() else new.parent, config)
    opts, threshold = options(cfg, profile, select, ignore, fail_on)
    ctx = ScanContext(roots=[_root(old)], max_bytes=opts.max_bytes)
    previous = build_stack([old], ctx, opts.profile)
    result = scan([new], opts, previous=previous)
    images = (images_of(terraform_docs(old, opts.max_bytes)), images_of(terraform_docs(new, opts.max_bytes)))
    roots = (display_path(_root(old)), display_path(_root(new)))
    changes = diff_stacks(previous, result.stack, images, roots)
    labels = (display_path(old.absolute()), display_path(new.absolute()))
    emit(result, output_format, output, changes, labels, previous)
    return exit_code(result, threshold)
