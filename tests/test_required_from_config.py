"""REQ001 from the app's own config: what fails without a value, and what merely reads one."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import scan_json

FILESYSTEMS = """<?php
return [
    'default' => env('FILESYSTEM_DISK', 'local'),
    'disks' => [
        'local' => ['driver' => 'local', 'root' => storage_path('app')],
        's3' => [
            'driver' => 's3',
            'key' => env('AWS_ACCESS_KEY_ID'),
            'secret' => env('AWS_SECRET_ACCESS_KEY'),
            'region' => env('AWS_DEFAULT_REGION'),
            'bucket' => env('AWS_BUCKET'),
            'url' => env('AWS_URL'),
        ],
    ],
];
"""

SERVICES = """<?php
use Illuminate\\Support\\Env;
return [
    'billing' => ['key' => Env::getOrFail('BILLING_API_KEY')],
    'optional' => ['hook' => env('OPTIONAL_WEBHOOK_URL')],
];
"""


def _app(root: Path, environment: dict[str, str]) -> None:
    (root / "config").mkdir(parents=True)
    (root / "artisan").write_text("#!/usr/bin/env php\n<?php\n")
    (root / "composer.json").write_text(json.dumps({"require": {"laravel/framework": "^11.0"}}))
    (root / "config" / "filesystems.php").write_text(FILESYSTEMS)
    (root / "config" / "services.php").write_text(SERVICES)
    container = {
        "name": "web",
        "image": "app:1",
        "environment": [{"name": k, "value": v} for k, v in environment.items()],
    }
    (root / "taskdef.json").write_text(json.dumps({"family": "app", "containerDefinitions": [container]}))


def _missing(report: dict) -> dict[str, str]:
    return {f["variable"]: f["severity"] for f in report["findings"] if f["code"] == "REQ001"}


def test_the_active_s3_disk_needs_its_bucket_and_region_not_keys(tmp_path: Path) -> None:
    _app(tmp_path, {"FILESYSTEM_DISK": "s3", "BILLING_API_KEY": "x"})
    _, report = scan_json(str(tmp_path))
    assert _missing(report) == {"AWS_BUCKET": "error", "AWS_DEFAULT_REGION": "error"}


def test_an_inactive_disk_needs_nothing(tmp_path: Path) -> None:
    _app(tmp_path, {"BILLING_API_KEY": "x"})
    _, report = scan_json(str(tmp_path))
    assert _missing(report) == {}


def test_get_or_fail_is_required_and_a_no_default_read_is_not(tmp_path: Path) -> None:
    _app(tmp_path, {"APP_ENV": "production"})
    _, report = scan_json(str(tmp_path))
    assert _missing(report) == {"BILLING_API_KEY": "error"}
    finding = next(f for f in report["findings"] if f["variable"] == "BILLING_API_KEY")
    assert "config/services.php" in finding["message"]


def test_app_key_is_required_outside_production_too(tmp_path: Path) -> None:
    """config/app.php reads APP_KEY: a staging task without it fails like production (REQ001 there)."""
    _app(tmp_path, {"APP_ENV": "staging", "BILLING_API_KEY": "x"})
    (tmp_path / "config" / "app.php").write_text(
        "<?php\nreturn ['key' => env('APP_KEY'), 'cipher' => 'AES-256-CBC'];\n"
    )
    _, report = scan_json(str(tmp_path))
    assert _missing(report) == {"APP_KEY": "error"}
    assert not [f for f in report["findings"] if f["code"] == "SEC003"]  # not production: SEC003 is silent


def test_an_example_variable_the_config_reads_with_a_default_is_not_required(tmp_path: Path) -> None:
    """`.env.example` lists optional settings too; one the config defaults everywhere is not a requirement."""
    _app(tmp_path, {"APP_ENV": "production", "BILLING_API_KEY": "x"})
    (tmp_path / "config" / "mail.php").write_text(
        "<?php\nreturn ['mailers' => ['smtp' => ['port' => env('MAIL_PORT', 587)]], 'from' => env('MAIL_FROM')];\n"
    )
    (tmp_path / ".env.example").write_text("MAIL_PORT=587\nMAIL_FROM=hello@example.com\n")
    _, report = scan_json(str(tmp_path))
    assert _missing(report) == {"MAIL_FROM": "warning"}
