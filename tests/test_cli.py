"""The command line as users and CI call it: exit codes, formats, errors, start-up cost."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.conftest import FIXTURES, REPO, run_cli, scan_json


def test_clean_tree_exits_zero(tmp_path) -> None:
    (tmp_path / ".env").write_text("APP_NAME=Demo\nAPP_URL=http://localhost\n")
    code, report = scan_json(str(tmp_path))
    assert code == 0
    assert report["findings"] == []
    assert report["summary"]["targets"] == 1


def test_findings_at_or_above_fail_on_exit_one() -> None:
    bad = str(FIXTURES / "SES001" / "bad")  # a warning
    assert run_cli("scan", bad)[0] == 0
    assert run_cli("scan", "--fail-on", "warning", bad)[0] == 1
    assert run_cli("scan", "--fail-on", "never", str(FIXTURES / "SES002" / "bad"))[0] == 0


def test_select_and_ignore_take_codes_and_prefixes() -> None:
    bad = str(FIXTURES / "SES002" / "bad")
    _, report = scan_json("--ignore", "SES", bad)
    assert not [f for f in report["findings"] if f["code"].startswith("SES")]
    _, report = scan_json("--select", "DOT", bad)
    assert report["findings"] == []


def test_usage_errors_exit_two_with_one_line(tmp_path) -> None:
    code, _, err = run_cli("scan", str(tmp_path / "missing"))
    assert code == 2 and "no such file" in err and "Traceback" not in err
    code, _, err = run_cli("scan", "--profile", "nope", str(tmp_path))
    assert code == 2 and "unknown profile" in err
    code, _, err = run_cli("scan", "--fail-on", "sometimes", str(tmp_path))
    assert code == 2 and "--fail-on" in err


def test_bad_profile_names_the_key(tmp_path) -> None:
    profile = tmp_path / "p.toml"
    profile.write_text('name = "p"\n[[variables]]\nname = "X"\ntype = "float"\n')
    code, _, err = run_cli("scan", "--profile", str(profile), str(tmp_path))
    assert code == 2 and "variables.0.type" in err


def test_bad_config_names_the_key(tmp_path) -> None:
    (tmp_path / ".envcheck.toml").write_text('profil = "laravel"\n')
    code, _, err = run_cli("scan", str(tmp_path))
    assert code == 2 and "profil" in err and ".envcheck.toml" in err


def test_pyproject_config_is_read(tmp_path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.envcheck]\nfail-on = "warning"\n')
    (tmp_path / ".env").write_text("APP_URL=https://a.example.com\nSESSION_DOMAIN=\n")
    assert run_cli("scan", str(tmp_path))[0] == 1


def test_rules_and_explain() -> None:
    code, out, _ = run_cli("rules", "--format", "json")
    rules = json.loads(out)
    assert code == 0 and {"SES001", "QUE001", "SRC003"} <= {r["code"] for r in rules}
    code, out, _ = run_cli("explain", "ses002")
    assert code == 0 and "RFC 6265" in out and "Fix" in out
    assert run_cli("explain", "XYZ999")[0] == 2


def _run_subprocess(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "envcheck", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, **(env or {})},
        timeout=120,
    )


def test_real_subprocess_on_the_reference_stack() -> None:
    proc = _run_subprocess("scan", "examples/myteacher", env={"NO_COLOR": "1", "COLUMNS": "60"})
    assert proc.returncode == 1, proc.stderr
    assert "SES002" in proc.stdout and "\x1b[" not in proc.stdout
    assert "Traceback" not in proc.stderr


def test_scan_never_imports_boto3() -> None:
    code = (
        "import sys; from envcheck.cli import main; sys.argv=['envcheck','scan','examples/myteacher','-f','json'];\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "assert 'boto3' not in sys.modules and 'botocore' not in sys.modules, 'boto3 imported'"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert proc.returncode == 0, proc.stderr


def test_verbose_says_what_each_target_runs_on_stderr(in_repo) -> None:
    code, out, err = run_cli("scan", "--verbose", "--format", "json", "examples/myteacher-fixed")
    assert code == 1 and json.loads(out)["findings"]
    assert "runs (the Dockerfile's start):" in err
    assert "queue:work redis --sleep=3 --tries=3 --timeout=300 --daemon [background]" in err
    assert "schedule:run [background, loop sleep 60]" in err
    assert "r8_EXAMPLE" not in err
