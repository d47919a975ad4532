"""`envcheck diff A B` over files, the diff model, and how the session cookie is named and scoped."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from envcheck.model import Location, Target, Variable
from envcheck.session_cookie import HYPHEN, SNAKE, UNDERSCORE, Naming, Scope, cookie_name, cookie_scope, slug, snake
from tests.conftest import REPO, run_cli

REVISIONS = REPO / "examples" / "ecs-revisions"


def rev(n: int) -> str:
    return str(REVISIONS / f"myteacher-production-app-{n}.json")


def diff_json(*args: str) -> tuple[int, dict[str, Any]]:
    code, out, err = run_cli("diff", *args, "--format", "json")
    assert code in (0, 1), f"exit {code}: {err}"
    return code, json.loads(out)


def test_revision_files_8_to_9_fire_ses007(in_repo: Path) -> None:
    code, report = diff_json(rev(8), rev(9))
    assert code == 1
    ses = [f for f in report["findings"] if f["code"] == "SES007"]
    assert len(ses) == 1 and ses[0]["severity"] == "error" and ses[0]["line"] is not None
    assert report["diff"]["changes"] == [
        {
            "kind": "changed",
            "what": "environment",
            "target": "myteacher-production-app:9/app",
            "name": "SESSION_DOMAIN",
            "old": "my-teacher-app.com",
            "new": "",
        }
    ]


def test_terraform_directories_compare_like_revisions(in_repo: Path) -> None:
    _, report = diff_json("examples/myteacher", "examples/myteacher-fixed")
    changes = {(c["kind"], c["name"]) for c in report["diff"]["changes"] if c["what"] == "environment"}
    assert ("removed", "SESSION_DOMAIN") in changes and ("added", "REPLICATE_POLLING_INTERVAL") in changes
    assert ("changed", "SESSION_DOMAIN") in changes  # the local laravel/.env: .my-teacher-app.com -> null
    local = [f for f in report["findings"] if f["code"] == "SES007" and f["path"].endswith("laravel/.env")]
    assert len(local) == 1 and local[0]["severity"] == "error"


def test_dotenv_files_and_masked_secrets(tmp_path: Path) -> None:
    old, new = tmp_path / "old.env", tmp_path / "new.env"
    old.write_text("APP_URL=https://a.example.com\nDB_PASSWORD=hunter2hunter2\nSESSION_DOMAIN=a.example.com\n")
    new.write_text("APP_URL=https://a.example.com\nDB_PASSWORD=correcthorse\nSESSION_DOMAIN=.A.example.com\n")
    code, out, err = run_cli("diff", str(old), str(new))
    assert code == 0, err
    assert "DB_PASSWORD" in out and "secret:" in out and "hunter2" not in out and "correcthorse" not in out
    assert "SES007" in out and "same cookie" in out  # leading dot and case: the same Domain


def test_usage_errors_exit_two(tmp_path: Path) -> None:
    code, _, err = run_cli("diff", str(tmp_path / "nope"), str(tmp_path))
    assert code == 2 and "no such file" in err
    code, _, err = run_cli("diff", str(tmp_path), str(tmp_path), "--format", "sarif")
    assert code == 2 and "unknown format" in err


def test_text_output_to_a_file(tmp_path: Path) -> None:
    out = tmp_path / "report.txt"
    code, stdout, _ = run_cli("diff", rev(7), rev(8), "--output", str(out))
    text = out.read_text()
    assert code == 1 and stdout == ""
    assert "myteacher-production-app:8/app" in text and "SESSION_SAME_SITE" in text and "SES007" in text


def test_help_and_scan_never_import_boto3() -> None:
    code = (
        "import sys\nfrom envcheck.cli import main\n"
        "for argv in (['envcheck', '--help'], ['envcheck', 'ecs', '--help'], ['envcheck', 'diff', '--help']):\n"
        "    sys.argv = argv\n"
        "    try:\n        main()\n    except SystemExit:\n        pass\n"
        "assert 'boto3' not in sys.modules and 'botocore' not in sys.modules, 'boto3 imported'"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert proc.returncode == 0, proc.stderr


# ------------------------------------------------------------------ how Laravel names the cookie


@pytest.mark.parametrize(
    ("app", "underscore", "hyphen", "snaked"),
    [
        ("MyTeacher", "myteacher_session", "myteacher-session", "my_teacher_session"),
        ("My Teacher App", "my_teacher_app_session", "my-teacher-app-session", "my_teacher_app_session"),
        ("[LOCAL] My Awesome App", "local_my_awesome_app_session", "local-my-awesome-app-session", None),
        ("admin.domain", "admindomain_session", "admindomain-session", "admin.domain_session"),
        ("Foo@Bar", "foo_at_bar_session", "foo-at-bar-session", None),
        ("Crème Brûlée", "creme_brulee_session", "creme-brulee-session", None),
    ],
)
def test_cookie_name_recipes(app: str, underscore: str, hyphen: str, snaked: str | None) -> None:
    """Examples from laravel/framework#59344 and #59588 (snake keeps dots and brackets)."""
    assert slug(app, "_") + "_session" == underscore
    assert slug(app) + "-session" == hyphen
    if snaked:
        assert snake(app) + "_session" == snaked


def target(**env: str) -> Target:
    where = Location(path=".env", line=1)
    return Target(
        id="t",
        kind="local",
        location=where,
        variables=[Variable(name=k, value=v, location=where) for k, v in env.items()],
    )


def test_cookie_name_prefers_session_cookie_then_app_name() -> None:
    how = Naming("SESSION_COOKIE", "APP_NAME", "laravel", UNDERSCORE)
    assert cookie_name(target(), how) == "laravel_session"
    assert cookie_name(target(APP_NAME="Shop Front"), how) == "shop_front_session"
    assert cookie_name(target(APP_NAME="Shop", SESSION_COOKIE="custom"), how) == "custom"
    assert cookie_name(target(APP_NAME="Shop Front"), Naming("SESSION_COOKIE", "APP_NAME", "laravel", HYPHEN)) == (
        "shop-front-session"
    )
    assert cookie_name(target(APP_NAME="ShopFront"), Naming("SESSION_COOKIE", "APP_NAME", "laravel", SNAKE)) == (
        "shop_front_session"
    )


def test_cookie_scope_as_browsers_file_it() -> None:
    host_only = Scope(None)
    for value in ("", "null", "(null)", "false"):
        assert cookie_scope(target(SESSION_DOMAIN=value), "SESSION_DOMAIN") == host_only
    assert cookie_scope(target(), "SESSION_DOMAIN") == host_only
    assert cookie_scope(target(SESSION_DOMAIN=".Example.COM"), "SESSION_DOMAIN") == Scope("example.com")
    assert cookie_scope(target(SESSION_DOMAIN="example.com"), "SESSION_DOMAIN") == Scope("example.com")
    unknown = Target(
        id="t",
        kind="deployed",
        location=Location(path="x"),
        variables=[Variable(name="SESSION_DOMAIN", value=None, location=Location(path="x"))],
    )
    assert cookie_scope(unknown, "SESSION_DOMAIN") is None


def test_the_app_config_decides_the_recipe(tmp_path: Path) -> None:
    """The skeleton's config since laravel/laravel#6636 (`Str::slug(...).'-session'`) names it with hyphens."""
    app = tmp_path / "app"
    (app / "config").mkdir(parents=True)
    (app / "artisan").write_text("#!/usr/bin/env php\n<?php\n")
    (app / "config" / "session.php").write_text(
        "<?php\nuse Illuminate\\Support\\Str;\nreturn [\n    'domain' => env('SESSION_DOMAIN'),\n"
        "    'cookie' => env('SESSION_COOKIE', Str::slug((string) env('APP_NAME', 'laravel')).'-session'),\n];\n"
    )
    (app / ".env").write_text(
        "APP_NAME='Shop Front'\nAPP_URL=https://shop.example.com\nSESSION_DOMAIN=shop.example.com\n"
    )
    old = tmp_path / "old"
    old.mkdir()
    (old / ".env").write_text("APP_NAME='Shop Front'\nAPP_URL=https://shop.example.com\n")
    _, report = diff_json(str(old), str(app))
    ses = [f for f in report["findings"] if f["code"] == "SES007"]
    assert len(ses) == 1 and "'shop-front-session'" in ses[0]["message"]


def test_a_saved_task_definition_lints_like_a_live_one(in_repo: Path) -> None:
    """`ecs --task-definition-file`: no AWS call; findings point into the file, with lines."""
    code, out, err = run_cli(
        "ecs", "--task-definition-file", rev(13), "--project-dir", "examples/myteacher-fixed", "--format", "json"
    )
    assert code == 1, err
    report = json.loads(out)
    codes = sorted(f["code"] for f in report["findings"])
    assert codes == ["QUE002", "QUE003", "QUE004", "SCH002", "SCH003", "SEC001"]
    sec = next(f for f in report["findings"] if f["code"] == "SEC001")
    assert sec["path"] == "examples/ecs-revisions/myteacher-production-app-13.json" and sec["line"] > 1
    code, out, err = run_cli(
        "ecs",
        "--task-definition-file",
        rev(9),
        "--project-dir",
        "examples/myteacher",
        "--against",
        "examples/myteacher",
    )
    assert "DRF" not in out, out  # revision 9 is what examples/myteacher's Terraform declares
    code, _, err = run_cli("ecs", "--task-definition-file", rev(9), "--revision", "9")
    assert code == 2 and "drop --family and --revision" in err


def test_the_ecs_config_table_is_validated(tmp_path: Path) -> None:
    (tmp_path / ".envcheck.toml").write_text('[ecs]\nfamilly = "x"\n')
    code, _, err = run_cli("ecs", "--task-definition-file", rev(9), "--project-dir", str(tmp_path))
    assert code == 2 and "familly" in err and ".envcheck.toml" in err


def test_without_the_app_config_the_framework_default_of_the_version_applies() -> None:
    from envcheck.profile import load_profile
    from envcheck.session_cookie import naming
    from envcheck.sources.laravel import LaravelApp
    from envcheck.stack import Stack

    profile = load_profile("laravel")
    assert naming(Stack(profile=profile)).recipe == UNDERSCORE
    assert naming(Stack(profile=profile, apps=[LaravelApp(root=Path("."), major=12)])).recipe == UNDERSCORE
    assert naming(Stack(profile=profile, apps=[LaravelApp(root=Path("."), major=13)])).recipe == SNAKE
