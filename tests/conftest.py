"""Shared test helpers: run the CLI in-process and read its JSON report."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from envcheck.cli import app

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def in_repo(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Reports give paths relative to the current directory: run from the repo root."""
    monkeypatch.chdir(REPO)
    return REPO


def run_cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception  # a crash is never an exit code a test may accept
    return result.exit_code, result.stdout, result.stderr


def scan_json(*args: str) -> tuple[int, dict[str, Any]]:
    code, out, err = run_cli("scan", "--format", "json", *args)
    assert code in (0, 1), f"exit {code}: {err}"
    return code, json.loads(out)
