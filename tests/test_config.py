"""The project config: found upwards, validated, merged with the command line, explained."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_cli, scan_json

BROKEN_ENV = "APP_URL=http://staging.example.com\nSESSION_SECURE_COOKIE=true\nSESSION_DOMAIN=\n"  # SES003, SES001


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository root: the upward search stops at its `.git`."""
    (tmp_path / ".git").mkdir()
    return tmp_path


def _codes(report: dict) -> list[str]:
    return sorted(f["code"] for f in report["findings"])


def test_config_is_found_upwards_from_the_scanned_path(repo: Path) -> None:
    (repo / ".envcheck.toml").write_text('ignore = ["SES003"]\n')
    app = repo / "apps" / "web"
    app.mkdir(parents=True)
    (app / ".env").write_text(BROKEN_ENV)
    _, report = scan_json(str(app))
    assert _codes(report) == ["SES001"]


def test_the_nearest_config_wins_and_pyproject_without_a_table_is_skipped(repo: Path) -> None:
    (repo / ".envcheck.toml").write_text('ignore = ["SES003"]\n')
    app = repo / "app"
    app.mkdir()
    (app / "pyproject.toml").write_text("[project]\nname = 'x'\n")  # no [tool.envcheck]: look further up
    (app / ".env").write_text(BROKEN_ENV)
    assert _codes(scan_json(str(app))[1]) == ["SES001"]
    (app / "pyproject.toml").write_text('[tool.envcheck]\nignore = ["SES001"]\n')
    assert _codes(scan_json(str(app))[1]) == ["SES003"]


def test_the_search_stops_at_the_repository_root(tmp_path: Path) -> None:
    (tmp_path / ".envcheck.toml").write_text('ignore = ["SES"]\n')  # above the repository: not read
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / ".env").write_text(BROKEN_ENV)
    assert _codes(scan_json(str(repo))[1]) == ["SES001", "SES003"]


def test_severity_overrides_change_the_gate(repo: Path) -> None:
    (repo / ".env").write_text("APP_URL=https://a.example.com\nSESSION_DOMAIN=\n")  # SES001, a warning
    assert run_cli("scan", str(repo))[0] == 0
    (repo / ".envcheck.toml").write_text('[severity]\nSES001 = "error"\n')
    code, report = scan_json(str(repo))
    assert code == 1 and report["findings"][0]["severity"] == "error"
    (repo / ".envcheck.toml").write_text('[severity]\nSES = "info"\nSES001 = "error"\n')  # the longest wins
    assert scan_json(str(repo))[1]["findings"][0]["severity"] == "error"


def test_select_and_ignore_take_prefixes_in_the_file(repo: Path) -> None:
    (repo / ".env").write_text(BROKEN_ENV)
    (repo / ".envcheck.toml").write_text('select = ["SES00"]\nignore = ["SES003"]\n')
    assert _codes(scan_json(str(repo))[1]) == ["SES001"]


def test_exclude_globs_are_never_scanned(repo: Path) -> None:
    for sub in ("web", "legacy", "web/old"):
        (repo / sub).mkdir(parents=True, exist_ok=True)
        (repo / sub / ".env").write_text(BROKEN_ENV)
    (repo / "web" / ".env.bak").write_text(BROKEN_ENV)
    (repo / ".envcheck.toml").write_text('exclude = ["legacy", "web/old", "*.bak"]\n')
    _, report = scan_json(str(repo))
    assert {f["path"].replace("\\", "/").rsplit("/", 2)[-2] for f in report["findings"]} == {"web"}
    assert report["summary"]["targets"] == 1
    # a path given by name is scanned even when a glob covers it
    assert scan_json(str(repo / "legacy"))[1]["summary"]["targets"] == 1


def test_exclude_on_the_command_line_is_relative_to_the_current_directory(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (repo / "a").mkdir()
    (repo / "a" / ".env").write_text(BROKEN_ENV)
    (repo / "b").mkdir()
    (repo / "b" / ".env").write_text(BROKEN_ENV)
    monkeypatch.chdir(repo)
    _, report = scan_json("--exclude", "a/*", ".")
    assert report["summary"]["targets"] == 1


def test_per_path_ignores_drop_codes_only_there(repo: Path) -> None:
    for sub in ("laravel", "other"):
        (repo / sub).mkdir()
        (repo / sub / ".env").write_text(BROKEN_ENV)
    (repo / ".envcheck.toml").write_text('[per-path-ignores]\n"laravel/.env" = ["SES003"]\n"*.env" = ["SES001"]\n')
    _, report = scan_json(str(repo))
    assert [(Path(f["path"]).parent.name, f["code"]) for f in report["findings"]] == [("other", "SES003")]


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ('fail-on = "sometimes"\n', "fail-on"),
        ('[severity]\nSES001 = "fatal"\n', "severity.SES001"),
        ('[severity]\nXYZ001 = "error"\n', "severity"),
        ('ignore = ["NOPE"]\n', "ignore"),
        ('[per-path-ignores]\n"a" = ["QQQ"]\n', "per-path-ignores"),
        ("max-bytes = 0\n", "max-bytes"),
        ('exlude = ["x"]\n', "exlude"),
        ('docs-url = "ftp://x"\n', "docs-url"),
    ],
)
def test_bad_values_name_the_key_and_the_file(repo: Path, text: str, key: str) -> None:
    (repo / ".envcheck.toml").write_text(text)
    code, _, err = run_cli("scan", str(repo))
    assert code == 2 and key in err and ".envcheck.toml" in err and "Traceback" not in err


def test_unknown_codes_on_the_command_line_are_an_error(repo: Path) -> None:
    code, _, err = run_cli("scan", "--select", "XYZ", str(repo))
    assert code == 2 and "XYZ" in err


def test_config_command_shows_each_value_and_where_it_came_from(repo: Path) -> None:
    (repo / "pyproject.toml").write_text('[tool.envcheck]\nprofile = "myteacher"\nignore = ["DOT003"]\n')
    code, out, _ = run_cli("config", str(repo), "--format", "json", "--ignore", "SEC004", "--fail-on", "warning")
    assert code == 0
    data = json.loads(out)
    settings = data["settings"]
    assert data["config"].endswith("pyproject.toml")
    assert settings["profile"]["value"] == "myteacher" and settings["profile"]["origin"].endswith("pyproject.toml")
    assert settings["ignore"]["value"] == ["DOT003", "SEC004"]
    assert settings["ignore"]["origin"].endswith("pyproject.toml + command line")
    assert settings["fail-on"] == {"value": "warning", "origin": "command line"}
    assert settings["max-bytes"] == {"value": 5 * 1024 * 1024, "origin": "default"}
    code, out, _ = run_cli("config", str(repo))
    assert code == 0 and "command line" not in out and "default" in out and "pyproject.toml" in out


def test_config_command_without_a_file_says_so(repo: Path) -> None:
    code, out, _ = run_cli("config", str(repo))
    assert code == 0 and "none found" in out
    code, _, err = run_cli("config", str(repo), "--config", str(repo / "missing.toml"))
    assert code == 2 and "missing.toml" in err
