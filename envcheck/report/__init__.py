"""Reporters: each turns findings into one output format. None ever sees a secret value.

`render` is the one entry point the command line uses; every format goes through the
secret scrub (envcheck/report/scrub.py) on its way out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from envcheck.engine import ScanResult

FORMATS = ("text", "json", "sarif", "junit", "github", "markdown")
MACHINE_FORMATS = ("json", "sarif", "junit")  # parsed by tools: nothing else may reach their stream


def render(result: ScanResult, fmt: str, *, fail_on: str = "error", docs_url: str | None = None) -> str:
    """The report as text (plain text without colour for `text`). Rule links go to `docs_url`
    (the config's `docs-url`, else `ENVCHECK_DOCS_URL`), or nowhere when neither is set."""
    import os

    docs_url = docs_url or os.environ.get("ENVCHECK_DOCS_URL") or None
    if fmt == "json":
        from envcheck.report.json import render_json

        return render_json(result)
    if fmt == "sarif":
        from envcheck.report.sarif import render_sarif

        return render_sarif(result, docs_url)
    if fmt == "junit":
        from envcheck.report.junit import render_junit

        return render_junit(result, fail_on)
    if fmt == "github":
        from envcheck.report.github import render_github

        return render_github(result)
    if fmt == "markdown":
        from envcheck.report.markdown import render_markdown

        return render_markdown(result, docs_url)
    if fmt == "text":
        import io

        from rich.console import Console

        from envcheck.report.text import render_text

        buffer = io.StringIO()
        render_text(result, Console(file=buffer, no_color=True, width=100, highlight=False))
        return buffer.getvalue().rstrip("\n")
    raise ValueError(f"unknown format {fmt!r}")
