"""Every rule has a bad fixture that triggers it and a good one that does not.

Fixtures are small trees under tests/fixtures/<CODE>/{bad,good}/; this one test finds them all.
A fixture is scanned with `envcheck scan <dir>`, unless it holds `args.txt`: then its one line
is the command to run instead (`{dir}` stands for the fixture directory), e.g.
`diff {dir}/old.json {dir}/new.json` for rules over a pair of revisions.
"""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path
from typing import Any

import pytest

from envcheck.rules.registry import all_rules
from tests.conftest import FIXTURES, run_cli, scan_json

CODE_DIR = re.compile(r"^[A-Z]{3}\d{3}$")
CASES = sorted(p.name for p in FIXTURES.iterdir() if CODE_DIR.match(p.name))


def run_fixture(path: Path) -> dict[str, Any]:
    args_file = path / "args.txt"
    if not args_file.exists():
        return scan_json(str(path))[1]
    args = shlex.split(args_file.read_text().strip().replace("{dir}", str(path)))
    code, out, err = run_cli(*args, "--format", "json")
    assert code in (0, 1), f"exit {code}: {err}"
    return json.loads(out)


@pytest.mark.parametrize("code", CASES)
def test_bad_fixture_triggers_the_rule(code: str) -> None:
    report = run_fixture(FIXTURES / code / "bad")
    codes = [f["code"] for f in report["findings"]]
    assert code in codes, f"{code} not reported; got {codes}"


@pytest.mark.parametrize("code", CASES)
def test_good_fixture_stays_quiet(code: str) -> None:
    report = run_fixture(FIXTURES / code / "good")
    hits = [f for f in report["findings"] if f["code"] == code]
    assert not hits, hits


def test_every_rule_has_fixtures_and_documentation() -> None:
    rules = all_rules()
    assert len({r.code for r in rules}) == len(rules)
    assert len({r.name for r in rules}) == len(rules)
    for r in rules:
        assert (FIXTURES / r.code / "bad").is_dir() and (FIXTURES / r.code / "good").is_dir(), r.code
        sections = r.sections()
        for section in ("What", "Why", "Example", "Fix"):
            assert sections.get(section), f"{r.code} docs lack {section}"
