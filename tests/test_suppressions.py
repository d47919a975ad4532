"""Inline suppressions in every kind of file envcheck reads, and SUP001 for stale ones."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from envcheck.suppress import find_suppressions
from tests.conftest import FIXTURES, REPO, run_cli, scan_json

BROKEN_ENV = "APP_URL=http://staging.example.com\nSESSION_SECURE_COOKIE=true\nSESSION_DOMAIN=\n"  # SES003, SES001


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _copy(src: Path, dest: Path) -> Path:
    shutil.copytree(src, dest)
    return dest


def _by_code(report: dict) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for f in report["findings"]:
        out.setdefault(f["code"], []).append(f)
    return out


def test_comment_syntax() -> None:
    text = (
        "A=1 # envcheck: ignore[SES002, ses003] -- known, see OPS-12\n"
        "# envcheck: ignore[QUE003]\n"
        "B=2\n"
        "// envcheck: ignore[SEC001] -- rotating */\n"
        'C="envcheck: ignore[SES001]"\n'  # not a comment
        "D=4 ; envcheck:ignore[DOT] --\n"
    )
    found = find_suppressions("f", text)
    assert [(s.line, s.covers, s.codes, s.reason) for s in found] == [
        (1, 1, ["SES002", "SES003"], "known, see OPS-12"),
        (2, 3, ["QUE003"], None),
        (4, 5, ["SEC001"], "rotating"),
        (6, 6, ["DOT"], None),
    ]


def test_dotenv_same_line_and_line_before(repo: Path) -> None:
    (repo / ".env").write_text(
        "APP_URL=http://staging.example.com\n"
        "SESSION_SECURE_COOKIE=true # envcheck: ignore[SES003] -- staging has no TLS yet\n"
        "# envcheck: ignore[SES]\n"
        "SESSION_DOMAIN=\n"
    )
    code, report = scan_json("--fail-on", "warning", ".")
    assert code == 0, "suppressed findings never fail the run"
    found = _by_code(report)
    assert found["SES003"][0]["suppressed"] is True
    assert found["SES003"][0]["suppression"] == "staging has no TLS yet"
    assert found["SES001"][0]["suppression"] == "inline"
    assert report["summary"]["error"] == 0 and report["summary"]["warning"] == 0
    assert report["summary"]["suppressed"] == 2
    assert "SUP001" not in found


def test_text_report_counts_suppressed_findings_without_listing_them(repo: Path) -> None:
    (repo / ".env").write_text("APP_URL=https://a.example.com\nSESSION_DOMAIN= # envcheck: ignore[SES001]\n")
    code, out, _ = run_cli("scan", ".")
    assert code == 0
    assert "SES001" not in out and "1 suppressed" in out


def test_a_comment_covers_only_its_line_or_the_next(repo: Path) -> None:
    (repo / ".env").write_text(
        "# envcheck: ignore[SES001]\n"
        "\n"
        "SESSION_DOMAIN=\n"  # two lines below the comment: not covered
        "APP_URL=https://a.example.com # envcheck: ignore[SES002]\n"
    )
    _, report = scan_json(".")
    found = _by_code(report)
    assert "suppressed" not in found["SES001"][0]
    assert sorted(f["line"] for f in found["SUP001"]) == [1, 4]


def test_terraform_suppression_keeps_the_fingerprint(repo: Path) -> None:
    stack = _copy(REPO / "examples" / "myteacher", repo / "stack")
    _, before = scan_json("stack")
    ecs = stack / "infrastructure/terraform/modules/myteacher/ecs.tf"
    lines = ecs.read_text().splitlines(keepends=True)
    sec = next(f for f in before["findings"] if f["code"] == "SEC001")
    i = sec["line"] - 1
    assert "REPLICATE_API_TOKEN" in lines[i]
    lines[i] = lines[i].rstrip("\n") + "  # envcheck: ignore[SEC001] -- rotated in OPS-7\n"
    ecs.write_text("".join(lines))
    _, after = scan_json("stack")
    sec_after = _by_code(after)["SEC001"][0]
    assert sec_after["suppressed"] is True and sec_after["suppression"] == "rotated in OPS-7"
    assert sec_after["fingerprint"] == sec["fingerprint"]
    assert after["summary"]["error"] == before["summary"]["error"] - 1
    assert "SUP001" not in _by_code(after)


def test_dockerfile_line_before(repo: Path) -> None:
    app = _copy(FIXTURES / "ECS004" / "bad", repo / "app")
    docker = app / "Dockerfile"
    lines = docker.read_text().splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if "config:cache" in line)
    lines.insert(at, "# envcheck: ignore[ECS004] -- the entrypoint re-caches at start\n")
    docker.write_text("".join(lines))
    _, report = scan_json("app")
    found = _by_code(report)
    assert found["ECS004"][0]["suppressed"] is True
    assert "SUP001" not in found


def test_script_same_line(repo: Path) -> None:
    app = _copy(FIXTURES / "QUE003" / "bad", repo / "app")
    script = app / "docker" / "start.sh"
    script.write_text(script.read_text().replace("--tries=3 &", "--tries=3 &  # envcheck: ignore[QUE003]"))
    _, report = scan_json("app")
    assert _by_code(report)["QUE003"][0]["suppressed"] is True


def test_unused_suppressions_are_reported_once_per_code(repo: Path) -> None:
    (repo / ".env").write_text(
        "APP_URL=https://a.example.com\nAPP_NAME=x # envcheck: ignore[SES002, SES999, SES001] -- old\n"
    )
    code, report = scan_json(".")
    unused = _by_code(report)["SUP001"]
    assert code == 0 and all(f["severity"] == "info" for f in unused)
    messages = sorted(f["message"] for f in unused)
    assert len(messages) == 3
    assert any("`SES999` names no rule" in m for m in messages)
    assert all(f["line"] == 2 for f in unused)


def test_codes_that_did_not_run_are_not_called_unused(repo: Path) -> None:
    (repo / ".env").write_text("APP_URL=https://a.example.com # envcheck: ignore[SES002]\n")
    _, report = scan_json("--ignore", "SES", ".")
    assert report["findings"] == []
    (repo / ".envcheck.toml").write_text('[per-path-ignores]\n".env" = ["SES002"]\n')
    _, report = scan_json(".")
    assert report["findings"] == []
    (repo / ".envcheck.toml").write_text('ignore = ["SUP001"]\n')
    _, report = scan_json(".")
    assert report["findings"] == []


def test_suppressed_findings_do_not_gate_but_others_still_do(repo: Path) -> None:
    (repo / "a").mkdir()
    (repo / "a" / ".env").write_text(BROKEN_ENV.replace("=true\n", "=true # envcheck: ignore[SES003]\n"))
    assert run_cli("scan", "a")[0] == 0
    (repo / "b").mkdir()
    (repo / "b" / ".env").write_text(BROKEN_ENV)
    assert run_cli("scan", ".")[0] == 1
