"""The baseline: accept what is there today, fail only on what is new."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import pytest

from envcheck.baseline import apply_baseline
from envcheck.model import Finding, Severity
from tests.conftest import REPO, run_cli, scan_json

ECS_TF = "stack/infrastructure/terraform/modules/myteacher/ecs.tf"


@pytest.fixture
def stack(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the reference stack in a repository of its own, scanned from its root."""
    (tmp_path / ".git").mkdir()
    shutil.copytree(REPO / "examples" / "myteacher", tmp_path / "stack")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _unsuppressed(report: dict) -> list[dict]:
    return [f for f in report["findings"] if not f.get("suppressed")]


def test_write_then_check_accepts_everything(stack: Path) -> None:
    n = len(scan_json("stack")[1]["findings"])
    code, _, err = run_cli("scan", "--write-baseline", "baseline.json", "stack")
    assert code == 0, err
    data = json.loads((stack / "baseline.json").read_text())
    assert data["format"] == "envcheck-baseline" and data["version"] == 1
    assert len(data["findings"]) == n and f"{n} finding(s) recorded" in err
    assert {"fingerprint", "code", "path"} <= set(data["findings"][0])
    code, report = scan_json("--baseline", "baseline.json", "stack")
    assert code == 0
    assert _unsuppressed(report) == []
    assert {f["suppression"] for f in report["findings"]} == {"baseline"}
    assert report["summary"]["suppressed"] == n and report["summary"]["error"] == 0


def test_a_new_mistake_fails_alone_after_unrelated_edits_move_lines(stack: Path) -> None:
    n = len(scan_json("stack")[1]["findings"])
    assert run_cli("scan", "--write-baseline", "baseline.json", "stack")[0] == 0
    ecs = stack / ECS_TF
    text = ecs.read_text()
    # unrelated edits: lines move in both files
    text = "# managed by terraform\n\n" + text
    assert '{ name = "APP_DEBUG", value = "false" }' in text
    text = text.replace('{ name = "APP_DEBUG", value = "false" }', '{ name = "APP_DEBUG", value = "true" }')
    ecs.write_text(text)
    env = stack / "stack/laravel/.env"
    env.write_text("# local settings\n\n\n" + env.read_text())
    code, report = scan_json("--baseline", "baseline.json", "stack")
    assert code == 1
    new = _unsuppressed(report)
    assert [f["code"] for f in new] == ["SEC002"]
    assert len(report["findings"]) == n + 1  # the accepted ones are still reported, marked


def test_the_same_mistake_in_another_file_is_new(stack: Path) -> None:
    assert run_cli("scan", "--write-baseline", "baseline.json", "stack")[0] == 0
    other = stack / "stack/other"
    other.mkdir()
    shutil.copy(stack / "stack/laravel/.env", other / ".env")
    code, report = scan_json("--baseline", "baseline.json", "stack")
    assert code == 1
    new = _unsuppressed(report)
    assert new and all(Path(f["path"]).parent.name == "other" for f in new)


def test_fixed_findings_drop_out_when_the_baseline_is_rewritten(stack: Path) -> None:
    assert run_cli("scan", "--write-baseline", "baseline.json", "stack")[0] == 0
    env = stack / "stack/laravel/.env"
    env.write_text(env.read_text().replace("SESSION_DOMAIN=.my-teacher-app.com", "SESSION_DOMAIN="))
    code, _, _ = run_cli("scan", "--baseline", "baseline.json", "--write-baseline", "baseline.json", "stack")
    assert code == 0
    codes = Counter(e["code"] for e in json.loads((stack / "baseline.json").read_text())["findings"])
    assert "SES002" not in codes


def test_occurrences_are_counted() -> None:
    f = Finding(code="X", name="x", severity=Severity.ERROR, message="m", fingerprint="abc")
    out = apply_baseline([f, f], Counter({"abc": 1}))
    assert [g.suppressed for g in out] == [True, False]


@pytest.mark.parametrize(
    ("content", "message"),
    [(None, "no such file"), ("{", "not a baseline"), ('{"findings": []}', "not an envcheck baseline")],
)
def test_bad_baseline_files_are_usage_errors(stack: Path, content: str | None, message: str) -> None:
    if content is not None:
        (stack / "baseline.json").write_text(content)
    code, _, err = run_cli("scan", "--baseline", "baseline.json", "stack")
    assert code == 2 and message in err and "Traceback" not in err


def test_inline_suppressions_are_not_written_to_the_baseline(stack: Path) -> None:
    n = len(scan_json("stack")[1]["findings"])
    env = stack / "stack/laravel/.env"
    env.write_text(
        env.read_text().replace(
            "SESSION_DOMAIN=.my-teacher-app.com", "SESSION_DOMAIN=.my-teacher-app.com # envcheck: ignore[SES002]"
        )
    )
    assert run_cli("scan", "--write-baseline", "baseline.json", "stack")[0] == 0
    codes = [e["code"] for e in json.loads((stack / "baseline.json").read_text())["findings"]]
    assert "SES002" not in codes and len(codes) == n - 1
