"""A progress line on stderr for scans that take a while, for people at a terminal only.

It appears after half a second (a small scan never shows it), is erased when the scan ends,
and never runs where it would pollute a log or a machine-read stream: not when stderr is not
a terminal, not under CI (`CI` set), not with `TERM=dumb`, and not when stdout carries a
machine format.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

DELAY = 0.5  # seconds before anything is drawn


def wanted(stdout_format: str | None) -> bool:
    from envcheck.report import MACHINE_FORMATS

    if stdout_format in (*MACHINE_FORMATS, "github"):
        return False
    if os.environ.get("CI") or os.environ.get("TERM") == "dumb":
        return False
    return sys.stderr.isatty()


@contextmanager
def progress(enabled: bool) -> Iterator[Callable[[Path], None] | None]:
    """Yields the callback the scan calls per file read (None when disabled)."""
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    bar = Progress(
        SpinnerColumn(),
        TextColumn("scanning"),
        BarColumn(),
        TextColumn("{task.completed} files read"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    task = bar.add_task("scan", total=None)
    timer = threading.Timer(DELAY, bar.start)
    timer.daemon = True
    timer.start()
    try:
        yield lambda _path: bar.advance(task)
    finally:
        timer.cancel()
        timer.join()
        bar.stop()
