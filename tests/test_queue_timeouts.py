"""QUE002 beyond `queue:work --timeout`: Horizon's supervisor timeout counts too."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import scan_json

HORIZON = """<?php
return [
    'defaults' => [
        'supervisor-1' => ['connection' => 'redis', 'queue' => ['default'], 'timeout' => {timeout}],
    ],
    'environments' => ['production' => ['supervisor-1' => ['maxProcesses' => 10]]],
];
"""


def _app(root: Path, timeout: int) -> None:
    (root / "config").mkdir(parents=True)
    (root / "artisan").write_text("#!/usr/bin/env php\n<?php\n")
    (root / "composer.json").write_text(json.dumps({"require": {"laravel/framework": "^10.0"}}))
    (root / "config" / "horizon.php").write_text(HORIZON.replace("{timeout}", str(timeout)))
    container = {
        "name": "horizon",
        "image": "app:1",
        "command": ["php", "artisan", "horizon"],
        "environment": [{"name": "QUEUE_CONNECTION", "value": "redis"}],
    }
    (root / "taskdef.json").write_text(json.dumps({"family": "app", "containerDefinitions": [container]}))


def test_horizon_timeout_above_retry_after(tmp_path: Path) -> None:
    _app(tmp_path, 120)
    _, report = scan_json(str(tmp_path))
    hits = [f for f in report["findings"] if f["code"] == "QUE002"]
    assert len(hits) == 1 and "timeout=120" in hits[0]["message"] and hits[0]["path"].endswith("horizon.php")


def test_horizon_timeout_below_retry_after(tmp_path: Path) -> None:
    _app(tmp_path, 60)
    _, report = scan_json(str(tmp_path))
    assert not [f for f in report["findings"] if f["code"] == "QUE002"]


SQS_TF = """
resource "aws_sqs_queue" "jobs" {
  name = "app-jobs"
%s}

resource "aws_ecs_task_definition" "worker" {
  family = "app-worker"
  container_definitions = jsonencode([{
    name    = "worker"
    image   = "app:1"
    command = ["php", "artisan", "queue:work", "sqs", "--timeout=600"]
    environment = [
      { name = "QUEUE_CONNECTION", value = "sqs" },
      { name = "SQS_QUEUE", value = aws_sqs_queue.jobs.name },
    ]
  }])
}
"""


def _que002(root: Path, queue_body: str) -> list[dict]:
    (root / "main.tf").write_text(SQS_TF % queue_body)
    _, report = scan_json(str(root))
    return [f for f in report["findings"] if f["code"] == "QUE002"]


def test_sqs_worker_against_the_declared_visibility_timeout(tmp_path: Path) -> None:
    hits = _que002(tmp_path, "  visibility_timeout_seconds = 300\n")
    assert len(hits) == 1 and "retry_after=300" in hits[0]["message"]


def test_sqs_worker_below_the_declared_visibility_timeout(tmp_path: Path) -> None:
    assert _que002(tmp_path, "  visibility_timeout_seconds = 900\n") == []


def test_sqs_queue_without_a_timeout_has_the_aws_default(tmp_path: Path) -> None:
    hits = _que002(tmp_path, "")
    assert len(hits) == 1 and "retry_after=30" in hits[0]["message"]


def test_sqs_queue_made_elsewhere_is_not_guessed(tmp_path: Path) -> None:
    container = {
        "name": "worker",
        "image": "app:1",
        "command": ["php", "artisan", "queue:work", "sqs", "--timeout=600"],
        "environment": [{"name": "QUEUE_CONNECTION", "value": "sqs"}],
    }
    (tmp_path / "taskdef.json").write_text(json.dumps({"family": "w", "containerDefinitions": [container]}))
    _, report = scan_json(str(tmp_path))
    assert not [f for f in report["findings"] if f["code"] == "QUE002"]
