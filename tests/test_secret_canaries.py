"""A tested guarantee: no secret value reaches any report, whatever the source or the format.

Canary secrets are planted in every kind of source envcheck reads (.env files, task-definition
JSON, a Terraform literal, tfvars, a Dockerfile ENV, a start script and its command line, a
file that does not parse); every output format must show them masked (`secret:<sha256 prefix>`)
or not at all.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from envcheck.engine import ScanOptions, scan
from envcheck.model import Finding, Severity, mask
from envcheck.profile import load_profile
from envcheck.report import FORMATS, render
from tests.conftest import run_cli

CANARIES = {
    "dotenv": "Zq7dotenvPw7f3a9Q2xZ",
    "dotenv-stripe": "sk_live_Zq7Stripe0123456789abcdef",
    "dotenv-unparsed": "Zq7UnterminatedQuote91",
    "dotenv-other": "Zq7StagingPw55fe21LmN",
    "dotenv-github": "ghp_Zq7Github0123456789abcdefghijABCDEF",
    "taskdef-replicate": "r8_Zq7Replicate0123456789abcdefABCD",
    "taskdef-name": "Zq7TaskdefMail6Tq93Lw",
    "taskdef-aws": "Zq7AwsSecret/9xQ+Zz8Kw71LmNoPqRsTuV",
    "taskdef-argv": "Zq7ArgvTok93Hq7",
    "taskdef-argv-env": "Zq7ArgvPw44Zx81",
    "terraform": "Zq7TerraformPw83kLq2",
    "terraform-app-key": "base64:Q2FuYXJ5QXBwS2V5Q2FuYXJ5QXBwS2V5Q2FuYXJ5QUs=",
    "tfvars": "Zq7TfvarsPusher4Rt8Zq",
    "hcl-unparsed": "Zq7BrokenHcl77Wq2e",
    "dockerfile": "Zq7DockerfileTok5Mz1",
    "script": "Zq7ScriptSecret2Kd9",
    "script-argv": "Zq7ScriptArgv8Hw3",
}

FILES = {
    ".env": f"""APP_ENV=production
APP_URL=https://shop.example.com
DB_PASSWORD={CANARIES["dotenv"]}
STRIPE_SECRET={CANARIES["dotenv-stripe"]}
APP_DEBUG=true
BROKEN_TOKEN="{CANARIES["dotenv-unparsed"]}
""",
    ".env.staging": f"""APP_ENV=production
DB_PASSWORD={CANARIES["dotenv-other"]}
GITHUB_TOKEN={CANARIES["dotenv-github"]}
""",
    "infra/taskdef.json": json.dumps(
        {
            "family": "shop-worker",
            "containerDefinitions": [
                {
                    "name": "worker",
                    "image": "shop:1",
                    "command": [
                        "sh",
                        "-c",
                        f"WORKER_PASSWORD={CANARIES['taskdef-argv-env']} php artisan queue:work"
                        f" --token={CANARIES['taskdef-argv']} &",
                    ],
                    "environment": [
                        {"name": "APP_ENV", "value": "production"},
                        {"name": "REPLICATE_API_TOKEN", "value": CANARIES["taskdef-replicate"]},
                        {"name": "MAIL_PASSWORD", "value": CANARIES["taskdef-name"]},
                        {"name": "AWS_SECRET_ACCESS_KEY", "value": CANARIES["taskdef-aws"]},
                    ],
                }
            ],
        },
        indent=1,
    ),
    "infra/main.tf": f"""variable "pusher_secret" {{}}
resource "aws_ecs_task_definition" "app" {{
  family = "shop-web"
  container_definitions = jsonencode([{{
    name  = "web"
    image = "shop:1"
    environment = [
      {{ name = "APP_ENV", value = "production" }},
      {{ name = "APP_KEY", value = "{CANARIES["terraform-app-key"]}" }},
      {{ name = "PUSHER_APP_SECRET", value = var.pusher_secret }},
      {{ name = "DB_PASSWORD", value = "{CANARIES["terraform"]}" }},
    ]
  }}])
}}
""",
    "infra/prod.tfvars": f'pusher_secret = "{CANARIES["tfvars"]}"\n',
    "infra/broken.tf": f"""resource "aws_ecs_task_definition" "broken" {{
  family = "x"
  api_token = "{CANARIES["hcl-unparsed"]}" {{
""",
    "Dockerfile": f"""FROM php:8.3-fpm
ENV INTERNAL_API_TOKEN={CANARIES["dockerfile"]} \\
    APP_ENV=production
COPY docker/start.sh /usr/local/bin/start.sh
ENTRYPOINT ["/usr/local/bin/start.sh"]
CMD ["php-fpm", "-F"]
""",
    "docker/start.sh": f"""#!/bin/sh
export WORKER_SECRET={CANARIES["script"]}
php artisan queue:work --timeout=120 --password={CANARIES["script-argv"]} &
exec "$@"
""",
}


@pytest.fixture
def planted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / ".git").mkdir()
    for name, text in FILES.items():
        path = tmp_path / "stack" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _leaks(text: str) -> list[str]:
    return [kind for kind, value in CANARIES.items() if value in text]


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_format_shows_a_planted_secret(planted: Path, fmt: str) -> None:
    code, out, err = run_cli("scan", "--format", fmt, "stack")
    assert code == 1, err
    assert not _leaks(out + err), f"{fmt} shows {_leaks(out + err)}"


def test_the_findings_that_name_secrets_show_their_masks(planted: Path) -> None:
    _, out, _ = run_cli("scan", "--format", "json", "stack")
    messages = " ".join(f["message"] for f in json.loads(out)["findings"])
    for kind in ("taskdef-replicate", "taskdef-name", "terraform", "tfvars", "terraform-app-key"):
        assert mask(CANARIES[kind]) in messages, kind
    assert mask(CANARIES["dotenv"]) != mask(CANARIES["dotenv-other"]), "two values differ, visibly"


def test_files_written_with_output_and_the_baseline_hold_no_secret(planted: Path) -> None:
    outputs = [arg for fmt in FORMATS for arg in ("-o", f"{fmt}=out.{fmt}")]
    code, _, err = run_cli("scan", "stack", *outputs)
    assert code == 1, err
    assert run_cli("scan", "--write-baseline", "baseline.json", "stack")[0] == 0
    for path in [*(planted / f"out.{fmt}" for fmt in FORMATS), planted / "baseline.json"]:
        assert not _leaks(path.read_text()), f"{path.name} shows {_leaks(path.read_text())}"


def test_the_last_scrub_catches_a_rule_that_forgot_to_mask(planted: Path) -> None:
    """A message built from a raw value (a bug in a rule) is still masked in every format."""
    result = scan([Path("stack")], ScanOptions(profile=load_profile("laravel")))
    leaky = Finding(
        code="SEC001",
        name="plaintext-secret",
        severity=Severity.ERROR,
        message=" ".join(f"{kind}={value}" for kind, value in CANARIES.items()),
        target="stack/.env",
    ).with_fingerprint()
    result.findings.append(leaky)
    for fmt in FORMATS:
        text = render(result, fmt)
        assert not _leaks(text), f"{fmt} shows {_leaks(text)}"
    assert mask(CANARIES["dotenv"]) in render(result, "json")
