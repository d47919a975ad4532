"""`envcheck ecs` against moto's server on 127.0.0.1: boto3 talks real HTTP to it, nothing is patched.

The session fixture starts one ThreadedMotoServer and loads the reference revisions 7-13 with
examples/load_revisions.py, as a new user would. Each test gets fake credentials through the
environment and a home without ~/.aws, so the developer's own AWS setup never leaks in.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO, run_cli, scan_json

FAMILY = "myteacher-production-app"
CLUSTER = "myteacher-production-cluster"
SERVICE = "myteacher-production-app-service"
FIXED = "examples/myteacher-fixed"
REGION = "ap-northeast-1"
FAKE_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": REGION,
    "AWS_EC2_METADATA_DISABLED": "true",
}


@pytest.fixture(scope="session")
def moto_url() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    url = f"http://{host}:{port}"
    env = {**_isolated_env(Path(REPO / "tests")), **FAKE_ENV}
    proc = subprocess.run(
        [sys.executable, "examples/load_revisions.py", "--endpoint-url", url],
        cwd=REPO,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    yield url
    server.stop()


def _isolated_env(home: Path) -> dict[str, str]:
    import os

    keep = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    missing = str(home / "no-such-aws-dir" / "file")
    return {**keep, "AWS_CONFIG_FILE": missing, "AWS_SHARED_CREDENTIALS_FILE": missing}


@pytest.fixture
def aws(moto_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Any:
    """Fake credentials and the moto endpoint in the environment (botocore reads AWS_ENDPOINT_URL)."""
    import os

    for key in list(os.environ):
        if key.startswith("AWS_"):
            monkeypatch.delenv(key)
    for key, value in {**FAKE_ENV, "AWS_ENDPOINT_URL": moto_url}.items():
        monkeypatch.setenv(key, value)
    missing = str(tmp_path / "no-aws" / "file")
    monkeypatch.setenv("AWS_CONFIG_FILE", missing)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", missing)
    monkeypatch.chdir(REPO)
    import boto3

    return boto3.Session(region_name=REGION)


def ecs_json(*args: str) -> tuple[int, dict[str, Any], str]:
    code, out, err = run_cli("ecs", *args, "--format", "json")
    assert code in (0, 1), f"exit {code}: {err}"
    return code, json.loads(out), err


def codes(report: dict[str, Any]) -> Counter[str]:
    return Counter(f["code"] for f in report["findings"])


def test_revision_13_reports_what_scan_reports_on_the_fixed_repo(aws: Any) -> None:
    code, report, err = ecs_json("--revision", "13", "--project-dir", FIXED)
    assert code == 1
    _, scanned = scan_json(FIXED)
    assert (
        codes(report)
        == codes(scanned)
        == Counter({"QUE002": 1, "QUE003": 1, "QUE004": 1, "SCH002": 1, "SCH003": 1, "SEC001": 1})
    )
    sec = next(f for f in report["findings"] if f["code"] == "SEC001")
    assert sec["path"] == f"ecs:{FAMILY}:13" and sec["line"] is None and sec["target"] == f"{FAMILY}:13/app"
    assert "r8_EXAMPLE" not in json.dumps(report)
    assert "family myteacher-production-app (from the Terraform" in err and "replicas 2" in err


def test_inside_the_project_the_family_comes_from_terraform(aws: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO / FIXED)
    code, out, err = run_cli("ecs", "--revision", "13")
    assert code == 1, err
    assert "SCH002" in out and f"{FAMILY}:13/app" in out
    assert "infrastructure/terraform/modules/myteacher/ecs.tf" in err


def test_config_names_the_family_and_region(aws: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    (tmp_path / ".envcheck.toml").write_text(f'[ecs]\nfamily = "{FAMILY}"\nregion = "{REGION}"\n')
    _, report, err = ecs_json("--revision", "12", "--project-dir", str(tmp_path))
    assert f"family {FAMILY} (from " in err and ".envcheck.toml" in err
    assert {f["target"] for f in report["findings"]} == {f"{FAMILY}:12/app"}
    assert "SEC001" in codes(report)


def test_without_revision_the_latest_active_one_is_linted(aws: Any) -> None:
    _, report, err = ecs_json("--family", FAMILY, "--project-dir", FIXED)
    assert "revision 13 (the latest ACTIVE" in err
    assert {f["target"] for f in report["findings"]} == {f"{FAMILY}:13/app"}


def test_service_gives_the_revision_and_the_replicas(aws: Any) -> None:
    code, report, err = ecs_json("--service", SERVICE, "--cluster", CLUSTER, "--project-dir", FIXED)
    assert code == 1
    assert f"replicas 2 (service {SERVICE}: desiredCount 2)" in err
    sch = next(f for f in report["findings"] if f["code"] == "SCH002")
    assert sch["target"] == f"{FAMILY}:13/app" and "each of 2 replicas" in sch["message"]


def test_autoscaling_maximum_counts_as_replicas(aws: Any) -> None:
    ecs = aws.client("ecs")
    ecs.create_cluster(clusterName="scaled")
    ecs.create_service(cluster="scaled", serviceName="web", taskDefinition=f"{FAMILY}:13", desiredCount=2)
    aws.client("application-autoscaling").register_scalable_target(
        ServiceNamespace="ecs",
        ResourceId="service/scaled/web",
        ScalableDimension="ecs:service:DesiredCount",
        MinCapacity=2,
        MaxCapacity=6,
    )
    _, report, err = ecs_json("--service", "web", "--cluster", "scaled", "--project-dir", FIXED)
    assert "replicas 6 (service web: desiredCount 2, autoscaling maximum 6)" in err
    sch = next(f for f in report["findings"] if f["code"] == "SCH002")
    assert "each of 6 replicas" in sch["message"]


def test_diff_7_8_reports_ses007_and_the_changes(aws: Any) -> None:
    code, report, _ = ecs_json("diff", "7", "8", "--project-dir", "examples/myteacher")
    assert code == 1
    ses = [f for f in report["findings"] if f["code"] == "SES007"]
    assert len(ses) == 1 and ses[0]["severity"] == "info" and "same cookie" in ses[0]["message"]
    changes = {(c["kind"], c["name"], c["old"], c["new"]) for c in report["diff"]["changes"]}
    assert changes == {
        ("changed", "SESSION_DOMAIN", ".my-teacher-app.com", "my-teacher-app.com"),
        ("added", "SESSION_SAME_SITE", None, "lax"),
    }
    assert report["diff"]["old"] == f"{FAMILY}:7" and report["diff"]["new"] == f"{FAMILY}:8"


def test_diff_8_9_is_the_stale_cookie_deploy(aws: Any) -> None:
    _, report, _ = ecs_json("diff", f"{FAMILY}:8", f"{FAMILY}:9", "--project-dir", "examples/myteacher")
    ses = [f for f in report["findings"] if f["code"] == "SES007"]
    assert len(ses) == 1 and ses[0]["severity"] == "error"
    assert "'myteacher_session'" in ses[0]["message"] and "rename SESSION_COOKIE" in ses[0]["message"]


def test_diff_9_11_removing_an_empty_domain_changes_no_cookie(aws: Any) -> None:
    _, report, _ = ecs_json("diff", "9", "11", "--project-dir", "examples/myteacher")
    ses = [f for f in report["findings"] if f["code"] == "SES007"]
    assert len(ses) == 1 and ses[0]["severity"] == "info"
    assert "from '' to unset" in ses[0]["message"] and "host-only cookie either way" in ses[0]["message"]
    removed = {c["name"] for c in report["diff"]["changes"] if c["kind"] == "removed"}
    assert removed == {"SESSION_DOMAIN", "RUN_SEEDERS"}


def test_diff_text_shows_a_table_and_masks_secrets(aws: Any) -> None:
    ecs = aws.client("ecs")
    for token in ("r8_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "r8_BBBBBBBBBBBBBBBBBBBBBBBBBBBBBB"):
        ecs.register_task_definition(
            family="tokens",
            containerDefinitions=[
                {
                    "name": "app",
                    "image": "x",
                    "memory": 128,
                    "environment": [{"name": "REPLICATE_API_TOKEN", "value": token}],
                }
            ],
        )
    code, out, err = run_cli(
        "ecs", "diff", "tokens:1", "tokens:2", "--project-dir", str(REPO / "tests" / "fixtures" / "laravel")
    )
    assert code == 1, err
    assert "REPLICATE_API_TOKEN" in out and "secret:" in out
    assert "r8_AAAA" not in out and "r8_BBBB" not in out


def test_env_files_are_read_from_s3_and_environment_wins(aws: Any, tmp_path: Path) -> None:
    s3 = aws.client("s3")
    s3.create_bucket(Bucket="envcheck-env", CreateBucketConfiguration={"LocationConstraint": REGION})
    s3.put_object(
        Bucket="envcheck-env",
        Key="prod/app.env",
        Body=b"# shared settings\nAPP_URL=https://shop.example.com\nSESSION_DOMAIN=other.example.org\nAPP_DEBUG=true\n",
    )
    aws.client("ecs").register_task_definition(
        family="with-files",
        containerDefinitions=[
            {
                "name": "app",
                "image": "x",
                "memory": 128,
                "environment": [{"name": "APP_ENV", "value": "production"}, {"name": "APP_DEBUG", "value": "false"}],
                "environmentFiles": [
                    {"value": "arn:aws:s3:::envcheck-env/prod/app.env", "type": "s3"},
                    {"value": "arn:aws:s3:::envcheck-env/prod/missing.env", "type": "s3"},
                ],
            }
        ],
    )
    _, report, _ = ecs_json("--family", "with-files", "--env-files", "--project-dir", str(tmp_path))
    by_code = {f["code"]: f for f in report["findings"]}
    assert by_code["SES002"]["path"] == "s3://envcheck-env/prod/app.env" and by_code["SES002"]["line"] == 3
    assert "SEC002" not in by_code  # APP_DEBUG=false in `environment` wins over the file's true
    assert "missing.env" in by_code["ECS005"]["message"] and "no such object" in by_code["ECS005"]["message"]
    _, without, _ = ecs_json("--family", "with-files", "--project-dir", str(tmp_path))
    assert "SES002" not in codes(without) and "SRC003" in codes(without) and "ECS005" not in codes(without)


def test_env_file_access_denied_is_ecs005_not_a_failure(aws: Any, tmp_path: Path) -> None:
    aws.client("ecs").register_task_definition(
        family="other-account",
        containerDefinitions=[
            {
                "name": "app",
                "image": "x",
                "memory": 128,
                "environmentFiles": [{"value": "arn:aws:s3:::no-such-bucket-envcheck/app.env", "type": "s3"}],
            }
        ],
    )
    _, report, _ = ecs_json("--family", "other-account", "--env-files", "--project-dir", str(tmp_path))
    ecs005 = [f for f in report["findings"] if f["code"] == "ECS005"]
    assert len(ecs005) == 1 and "no such bucket" in ecs005[0]["message"]


def test_drift_against_the_terraform_of_each_revision(aws: Any) -> None:
    _, same, _ = ecs_json("--revision", "13", "--project-dir", FIXED, "--against", FIXED)
    assert not [f for f in same["findings"] if f["code"].startswith("DRF")]
    _, old, _ = ecs_json("--revision", "9", "--project-dir", "examples/myteacher", "--against", "examples/myteacher")
    assert not [f for f in old["findings"] if f["code"].startswith("DRF")]
    _, drifted, _ = ecs_json("--revision", "13", "--project-dir", FIXED, "--against", "examples/myteacher")
    drf = {f["variable"]: f for f in drifted["findings"] if f["code"] == "DRF001"}
    assert set(drf) == {
        "SESSION_DOMAIN",
        "RUN_SEEDERS",
        "REPLICATE_MODEL_VERSION",
        "REPLICATE_MODEL_VERSION_V2",
        "REPLICATE_MODEL_VERSION_V3",
        "REPLICATE_TRANSPARENT_MODEL_VERSION",
        "REPLICATE_MAX_POLLING_ATTEMPTS",
        "REPLICATE_POLLING_INTERVAL",
    }
    assert drf["SESSION_DOMAIN"]["path"].endswith("modules/myteacher/ecs.tf") and drf["SESSION_DOMAIN"]["line"] == 50


def test_drift_masks_secret_values_and_reports_commands(aws: Any, tmp_path: Path) -> None:
    (tmp_path / "ecs.tf").write_text(
        'resource "aws_ecs_task_definition" "app" {\n  family = "drifty"\n'
        '  container_definitions = jsonencode([{ name = "app", image = "x", command = ["php", "artisan", "horizon"],\n'
        '    environment = [{ name = "STRIPE_SECRET", value = "sk_live_AAAAAAAAAAAAAAAAAAAAAAAA" }] }])\n}\n'
    )
    aws.client("ecs").register_task_definition(
        family="drifty",
        containerDefinitions=[
            {
                "name": "app",
                "image": "x",
                "memory": 128,
                "command": ["php", "artisan", "queue:work"],
                "environment": [{"name": "STRIPE_SECRET", "value": "sk_live_BBBBBBBBBBBBBBBBBBBBBBBB"}],
            }
        ],
    )
    _, report, _ = ecs_json("--family", "drifty", "--project-dir", str(tmp_path), "--against", str(tmp_path))
    text = json.dumps(report)
    assert "sk_live_" not in text
    drf1 = next(f for f in report["findings"] if f["code"] == "DRF001")
    assert drf1["variable"] == "STRIPE_SECRET" and drf1["message"].count("secret:") == 2
    drf2 = next(f for f in report["findings"] if f["code"] == "DRF002")
    assert "queue:work" in drf2["message"] and "horizon" in drf2["message"]


def test_against_a_terraform_without_the_family_is_an_error(aws: Any) -> None:
    code, _, err = run_cli("ecs", "--revision", "13", "--project-dir", FIXED, "--against", "tests/fixtures/SES001")
    assert code == 2 and "no task definition of family myteacher-production-app" in err


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--revision", "99"], "task definition myteacher-production-app:99 not found in ap-northeast-1"),
        (["--family", "nope", "--revision", "1"], "task definition nope:1 not found"),
        (["--service", "nope", "--cluster", CLUSTER], f"service 'nope' in cluster '{CLUSTER}' not found"),
        (["--service", SERVICE, "--cluster", "nocluster"], "cluster 'nocluster' not found"),
        (["--revision", "13", "--aws-profile", "nosuch"], "AWS profile 'nosuch' not found"),
        (["--revision", "13", "--region", "not a region!"], "invalid AWS region 'not a region!'"),
        (
            ["--revision", "13", "--endpoint-url", "http://127.0.0.1:9"],
            "cannot reach the AWS endpoint http://127.0.0.1:9",
        ),
        (["--cluster", CLUSTER], "--cluster needs --service"),
    ],
)
def test_each_failure_is_one_line_and_exit_2(aws: Any, args: list[str], expected: str) -> None:
    code, out, err = run_cli("ecs", *args, "--project-dir", FIXED)
    errors = [line for line in err.splitlines() if line.startswith("envcheck: error:")]
    assert code == 2 and out == ""
    assert len(errors) == 1 and expected in errors[0], err
    assert "Traceback" not in err


def test_no_credentials_and_no_region(aws: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    code, _, err = run_cli("ecs", "--revision", "13", "--project-dir", FIXED)
    assert code == 2 and "envcheck: error: no AWS credentials found" in err
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    code, _, err = run_cli("ecs", "--revision", "13", "--project-dir", FIXED)
    assert code == 2 and "envcheck: error: no AWS region" in err


def test_the_loader_refuses_an_endpoint_with_other_revisions(aws: Any, moto_url: str) -> None:
    proc = subprocess.run(
        [sys.executable, "examples/load_revisions.py", "--endpoint-url", moto_url],
        cwd=REPO,
        capture_output=True,
        text=True,
        env={**_isolated_env(REPO / "tests"), **FAKE_ENV},
        timeout=120,
    )
    assert proc.returncode == 0 and "already registered" in proc.stdout


def test_group_options_reach_ecs_diff(aws: Any) -> None:
    code, out, err = run_cli("ecs", "--project-dir", "examples/myteacher", "--format", "json", "diff", "8", "9")
    assert code == 1, err
    report = json.loads(out)
    assert [f["severity"] for f in report["findings"] if f["code"] == "SES007"] == ["error"]
