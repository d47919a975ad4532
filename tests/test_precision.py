"""Regressions from running envcheck over real public apps and Terraform (tests/README.md,
"Precision on real code"). Each test rebuilds, in a few lines of its own, the shape of real code
that produced a false positive or hid a real process; none of it is copied from those projects.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from envcheck.fs import ScanContext
from envcheck.sources.dotenv import is_template, load_dotenv
from tests.conftest import scan_json


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def _codes(report: dict[str, Any], code: str | None = None) -> list[str]:
    return [f["code"] for f in report["findings"] if code is None or f["code"] == code]


def _taskdef(containers: list[dict[str, Any]]) -> str:
    return json.dumps({"family": "shop", "containerDefinitions": containers})


# ---------------------------------------------------------------- .env files


def test_dotenv_references_are_resolved_like_phpdotenv(tmp_path: Path) -> None:
    """A domain set once and reused by reference (`${SITE_HOST}`) is the domain, not the text
    `${SITE_HOST}`: SES002 used to compare the literal reference with the APP_URL host."""
    _write(
        tmp_path,
        {
            ".env": 'SITE_HOST="shop.example.org"\n'
            "APP_URL=https://${SITE_HOST}\n"
            'SESSION_DOMAIN="${SITE_HOST}"\n'
            "MAIL_FROM_ADDRESS='noreply@${SITE_HOST}'\n"
            "LOG_PATH=${HOME}/logs\n",
        },
    )
    _, report = scan_json(str(tmp_path))
    assert _codes(report, "SES002") == []
    loaded = load_dotenv(tmp_path / ".env", ScanContext(roots=[tmp_path.resolve()]))
    assert loaded
    values = {v.name: v for v in loaded[0].variables}
    assert values["APP_URL"].value == "https://shop.example.org"
    assert values["SESSION_DOMAIN"].value == "shop.example.org"
    assert values["MAIL_FROM_ADDRESS"].value == "noreply@${SITE_HOST}"  # single quotes: no expansion
    assert values["LOG_PATH"].value is None and "HOME" in (values["LOG_PATH"].unknown_reason or "")


def test_a_reference_to_an_unset_name_is_unknown_not_a_mismatch(tmp_path: Path) -> None:
    _write(tmp_path, {".env": "APP_URL=http://localhost\nSESSION_DOMAIN=${PUBLIC_HOST}\n"})
    _, report = scan_json(str(tmp_path))
    assert _codes(report, "SES002") == []


def test_a_template_word_anywhere_in_the_name_makes_a_template(tmp_path: Path) -> None:
    """A file listing every option ("do not copy this whole file") is documentation, not a target."""
    assert is_template(Path(".env.example.complete")) and is_template(Path("example.env"))
    assert not is_template(Path(".env.dusk.local")) and not is_template(Path(".env.sampler"))
    _write(
        tmp_path,
        {".env.example.everything": "APP_ENV=production\nAPP_KEY=ChangeThisKey\nAPP_URL=https://wiki.example\n"},
    )
    _, report = scan_json(str(tmp_path))
    assert _codes(report) == []


# ---------------------------------------------------------------- the app's config


def test_config_kept_in_app_config_is_read(tmp_path: Path) -> None:
    """An app whose Application class moves its config to app/Config: its env() names count."""
    _write(
        tmp_path,
        {
            "artisan": "#!/usr/bin/env php\n<?php\n",
            "composer.json": json.dumps({"require": {"laravel/framework": "^10.0"}}),
            "app/Config/session.php": "<?php\nreturn ['cookie' => env('WIKI_SESSION_NAME', 'wiki_session')];\n",
            ".env": "WIKI_SESSION_NAME=wiki.session\n",
        },
    )
    _, report = scan_json(str(tmp_path))
    assert [(f["code"], f["variable"]) for f in report["findings"]] == [("SES010", "WIKI_SESSION_NAME")]


def test_an_empty_value_the_app_ships_in_its_example_is_not_reported(tmp_path: Path) -> None:
    """SES001 stays quiet when the app's own example leaves the variable empty on purpose."""
    config = "<?php\nreturn ['domain' => env('PORTAL_COOKIE_DOMAIN')];\n"
    files = {
        "artisan": "#!/usr/bin/env php\n<?php\n",
        "config/session.php": config,
        ".env": "PORTAL_COOKIE_DOMAIN=\n",
    }
    _, report = scan_json(str(_write(tmp_path / "shipped", {**files, ".env.example": "PORTAL_COOKIE_DOMAIN=\n"})))
    assert _codes(report, "SES001") == []
    _, report = scan_json(str(_write(tmp_path / "own", {**files, ".env.example": "PORTAL_COOKIE_DOMAIN=null\n"})))
    assert _codes(report, "SES001") == ["SES001"]


# ---------------------------------------------------------------- task definitions and images


def test_a_sidecar_without_the_apps_variables_needs_no_app_key(tmp_path: Path) -> None:
    """An nginx (or log router) container next to the PHP one is not the app."""
    proxy = {"name": "proxy", "image": "nginx:1.27", "command": ["nginx", "-g", "daemon off;"]}
    router = {"name": "logs", "image": "fluent/fluent-bit:3", "environment": [{"name": "AWS_REGION", "value": "x"}]}
    php = {"name": "php", "image": "shop/php:1", "environment": [{"name": "APP_ENV", "value": "production"}]}
    _write(tmp_path, {"taskdef.json": _taskdef([proxy, router, php])})
    _, report = scan_json(str(tmp_path))
    assert [f["target"] for f in report["findings"] if f["code"] == "SEC003"] == ["shop/php"]


def test_two_dockerfiles_side_by_side_are_not_guessed(tmp_path: Path) -> None:
    """With one Dockerfile per role and containers that do not say which image they run, what each
    runs is unknown (SRC003), instead of every container running the alphabetically first one."""
    _write(
        tmp_path,
        {
            "Dockerfile.proxy": 'FROM nginx:1.27\nCMD ["nginx", "-g", "daemon off;"]\n',
            "Dockerfile.php": 'FROM php:8.3-fpm\nCMD ["php-fpm"]\n',
            "taskdef.json": _taskdef(
                [
                    {
                        "name": "php",
                        "image": "shop/php:1",
                        "environment": [{"name": "QUEUE_CONNECTION", "value": "redis"}],
                    },
                ]
            ),
        },
    )
    _, report = scan_json(str(tmp_path))
    unknown = [f["message"] for f in report["findings"] if f["code"] == "SRC003"]
    assert len(unknown) == 1 and "several Dockerfiles" in unknown[0]
    assert _codes(report, "QUE001") == []


def test_a_script_variable_built_from_another_is_expanded(tmp_path: Path) -> None:
    """`BASE=/srv/app; CLI="${BASE}/artisan"; php ${CLI} queue:work` runs a worker."""
    _write(
        tmp_path,
        {
            "Dockerfile": 'FROM php:8.3-fpm\nCOPY docker/run.sh /usr/local/bin/run.sh\nCMD ["run.sh"]\n',
            "docker/run.sh": '#!/bin/sh\nBASE="/srv/app"\nCLI="${BASE}/artisan"\n'
            "php ${CLI} queue:work --timeout=50 &\nexec php-fpm\n",
            "taskdef.json": _taskdef(
                [
                    {
                        "name": "php",
                        "image": "shop/php:1",
                        "environment": [{"name": "QUEUE_CONNECTION", "value": "redis"}],
                    }
                ]
            ),
        },
    )
    _, report = scan_json(str(tmp_path))
    assert _codes(report, "QUE001") == []
    assert _codes(report, "QUE003") == ["QUE003"]  # the worker is seen, and it is unsupervised


def test_a_crontab_written_by_a_run_makes_the_start_unknown(tmp_path: Path) -> None:
    """`RUN echo '*/5 * * * * php artisan schedule:run' > /var/spool/cron/crontabs/app` and a
    container running crond: envcheck cannot read those lines, so it must not claim that nothing
    runs the scheduler (SCH001); it says what it could not follow instead."""
    _write(
        tmp_path,
        {
            "artisan": "#!/usr/bin/env php\n<?php\n",
            "app/Console/Kernel.php": "<?php\nclass Kernel {\n    protected function schedule(Schedule $schedule)\n"
            "    {\n        $schedule->command('reports:mail')->hourly();\n    }\n}\n",
            "Dockerfile": "FROM php:8.3-cli\n"
            "RUN mkdir -p /var/spool/cron/crontabs && \\\n"
            "    echo '*/5 * * * * php /app/artisan schedule:run' > /var/spool/cron/crontabs/app\n"
            'CMD ["crond", "-f"]\n',
            "taskdef.json": _taskdef(
                [{"name": "cron", "image": "shop/cron:1", "environment": [{"name": "APP_ENV", "value": "production"}]}]
            ),
        },
    )
    _, report = scan_json(str(tmp_path))
    assert _codes(report, "SCH001") == []
    unknown = [f["message"] for f in report["findings"] if f["code"] == "SRC003"]
    assert len(unknown) == 1 and "writes with RUN" in unknown[0]


def test_sidecars_are_not_asked_for_the_apps_variables_or_worker(tmp_path: Path) -> None:
    """An nginx in front of php-fpm in one task: REQ001, REQ002, QUE001 and SES008 judge only the app."""
    (tmp_path / "composer.json").write_text(json.dumps({"require": {"laravel/framework": "^11.0"}}))
    (tmp_path / "artisan").write_text("#!/usr/bin/env php\n<?php\n")
    (tmp_path / ".env.example").write_text("APP_NAME=Shop\nDB_HOST=127.0.0.1\n")
    proxy = {"name": "proxy", "image": "nginx:1.27", "command": ["nginx", "-g", "daemon off;"]}
    php = {
        "name": "php",
        "image": "shop:1",
        "command": ["php-fpm"],
        "environment": [
            {"name": "APP_NAME", "value": "Shop"},
            {"name": "DB_HOST", "value": "db.internal"},
            {"name": "QUEUE_CONNECTION", "value": "sync"},
            {"name": "SESSION_DRIVER", "value": "redis"},
        ],
        "secrets": [{"name": "APP_KEY", "valueFrom": "arn:aws:ssm:us-east-1:123456789012:parameter/shop/APP_KEY"}],
    }
    (tmp_path / "taskdef.json").write_text(json.dumps({"family": "shop", "containerDefinitions": [proxy, php]}))
    _, report = scan_json(str(tmp_path))
    on_proxy = [f["code"] for f in report["findings"] if f["target"] == "shop/proxy"]
    assert on_proxy == [], on_proxy


def test_a_variable_the_apps_config_does_not_read_is_not_linted(tmp_path: Path) -> None:
    """BookStack-like: config/session.php hard-codes same_site, so SESSION_SAME_SITE is ignored."""
    (tmp_path / "config").mkdir()
    (tmp_path / "artisan").write_text("#!/usr/bin/env php\n<?php\n")
    (tmp_path / "config" / "session.php").write_text(
        "<?php\nreturn [\n    'same_site' => 'lax',\n    'domain' => env('SESSION_DOMAIN'),\n];\n"
    )
    (tmp_path / ".env").write_text("SESSION_SAME_SITE=Relaxed\nSESSION_DOMAIN=example.org\nAPP_URL=http://localhost\n")
    _, report = scan_json(str(tmp_path))
    codes = {f["code"] for f in report["findings"]}
    assert "SES006" not in codes
    assert "SES002" in codes  # the domain is still read, so still linted


# ---------------------------------------------------------------- second pass


def _worker_by_schedule_tree(root: Path, task: str) -> None:
    """A Laravel 11 app whose only worker is a scheduled one, and a task definition whose scheduler
    container keeps `schedule:work` running next to php-fpm."""
    env = [{"name": "APP_ENV", "value": "production"}, {"name": "QUEUE_CONNECTION", "value": "database"}]
    _write(
        root,
        {
            "artisan": "#!/usr/bin/env php\n<?php\n",
            "composer.json": json.dumps({"require": {"laravel/framework": "^11.0"}}),
            "routes/console.php": "<?php\nuse Illuminate\\Support\\Facades\\Schedule;\n\n"
            f"Schedule::command('{task}')->everyMinute()->withoutOverlapping();\n",
            "taskdef.json": _taskdef(
                [
                    {"name": "web", "image": "shop:1", "command": ["php-fpm"], "environment": env},
                    {"name": "cron", "image": "shop:1", "command": ["php", "artisan", "schedule:work"]}
                    | {"environment": env},
                ]
            ),
        },
    )


def test_a_worker_the_scheduler_starts_every_minute_is_a_worker(tmp_path: Path) -> None:
    """rahtk, Invoice Ninja self-hosted: `queue:work --stop-when-empty` scheduled every minute
    drains the queue; QUE001 said nothing processed the jobs."""
    _worker_by_schedule_tree(tmp_path, "queue:work --stop-when-empty")
    _, report = scan_json(str(tmp_path))
    assert _codes(report, "QUE001") == []


def test_a_scheduled_worker_on_another_connection_does_not_count(tmp_path: Path) -> None:
    _worker_by_schedule_tree(tmp_path, "queue:work redis --stop-when-empty")
    _, report = scan_json(str(tmp_path))
    assert _codes(report, "QUE001") == ["QUE001", "QUE001"]


def test_a_variable_the_image_sets_with_env_is_present(tmp_path: Path) -> None:
    """Invoice Ninja's image: `ENV APP_ENV production` (legacy form) in the final stage, and a name
    set in the stage it builds on; the container, started by the image, is given both. REQ001 said
    they were absent."""
    _write(
        tmp_path,
        {
            ".env.example": "APP_ENV=local\nIS_CONTAINER=false\nDB_HOST=127.0.0.1\nMAIL_HOST=localhost\n",
            "Dockerfile": "FROM php:8.3-fpm-alpine AS base\nENV IS_CONTAINER=true OTHER=\"a b\"\n"
            "FROM base AS prod\nENV APP_ENV production\nCMD [\"php-fpm\"]\n",
            "taskdef.json": _taskdef(
                [{"name": "app", "image": "shop:1", "environment": [{"name": "DB_HOST", "value": "db.internal"}]}]
            ),
        },
    )
    _, report = scan_json(str(tmp_path))
    missing = [f["variable"] for f in report["findings"] if f["code"] == "REQ001"]
    assert missing == ["MAIL_HOST"], missing


def test_an_image_env_does_not_reach_a_container_with_its_own_entry_point(tmp_path: Path) -> None:
    """With an `entryPoint` of its own, which image the container runs is not known: no credit."""
    _write(
        tmp_path,
        {
            ".env.example": "APP_ENV=local\n",
            "Dockerfile": "FROM php:8.3-fpm\nENV APP_ENV=production\n",
            "taskdef.json": _taskdef([{"name": "app", "image": "other:1", "entryPoint": ["php-fpm"]}]),
        },
    )
    _, report = scan_json(str(tmp_path))
    assert [f["variable"] for f in report["findings"] if f["code"] == "REQ001"] == ["APP_ENV"]


def test_a_list_iterated_as_a_map_is_reported_not_dropped(tmp_path: Path) -> None:
    """nagoyameshi: `for key, value in var.env : { name = key, value = value }` over a list of
    `{name, value}` objects makes entries named 0 and 1 whose value is the whole object. ECS
    refuses that; envcheck used to drop the entries silently and lint an empty environment."""
    _write(
        tmp_path,
        {
            "main.tf": """
variable "env" {
  default = [{ name = "SESSION_DRIVER", value = "file" }]
}
resource "aws_ecs_task_definition" "web" {
  family = "shop"
  container_definitions = jsonencode([{
    name  = "web"
    image = "shop:1"
    environment = [for key, value in var.env : { name = key, value = value }]
  }])
}
""",
        },
    )
    _, report = scan_json(str(tmp_path))
    found = [f for f in report["findings"] if f["code"] == "SRC002"]
    assert len(found) == 1 and "name the number 0, value an object" in found[0]["message"], found
    assert found[0]["line"] == 10



def _role_tree(root: Path, containers: list[dict[str, Any]]) -> None:
    """Lychee-like: one image whose entrypoint picks web or worker from a variable, and runs the
    chosen command through a helper function (`as_app php artisan …`)."""
    _write(
        root,
        {
            "artisan": "#!/usr/bin/env php\n<?php\n",
            "composer.json": json.dumps({"require": {"laravel/framework": "^11.0"}}),
            "Dockerfile": 'FROM php:8.3-cli\nCOPY start.sh /usr/local/bin/start.sh\nENTRYPOINT ["start.sh"]\n'
            'CMD ["php", "artisan", "serve"]\n',
            "start.sh": "#!/bin/sh\nset -e\n"
            'as_app() {\n  exec gosu www-data "$@"\n}\n'
            "ROLE=${ROLE:-web}\n"
            'case "$ROLE" in\n'
            "  web) as_app \"$@\" ;;\n"
            "  jobs) as_app php artisan queue:work --timeout=600 ;;\n"
            "  *) exit 1 ;;\n"
            "esac\n",
            "taskdef.json": _taskdef(containers),
        },
    )


def test_a_branch_the_containers_own_variable_rules_out_is_not_run(tmp_path: Path) -> None:
    """The `jobs` container sets ROLE=jobs: it runs the worker only, not `artisan serve`; the web
    container with ROLE=web never runs the worker, so QUE002 speaks about the jobs container alone,
    at the line of start.sh that wrote the command (not the Dockerfile's CMD)."""
    base = [{"name": "APP_ENV", "value": "production"}, {"name": "QUEUE_CONNECTION", "value": "redis"}]
    _role_tree(
        tmp_path,
        [
            {"name": "web", "image": "shop:1", "environment": [*base, {"name": "ROLE", "value": "web"}]},
            {"name": "jobs", "image": "shop:1", "environment": [*base, {"name": "ROLE", "value": "jobs"}]},
        ],
    )
    _, report = scan_json(str(tmp_path))
    hits = [(f["target"], f["path"].rsplit("/", 1)[-1], f["line"]) for f in report["findings"] if f["code"] == "QUE002"]
    assert hits == [("shop/jobs", "start.sh", 9)], hits


def test_a_variable_the_container_does_not_set_leaves_both_branches_possible(tmp_path: Path) -> None:
    base = [{"name": "APP_ENV", "value": "production"}, {"name": "QUEUE_CONNECTION", "value": "redis"}]
    _role_tree(tmp_path, [{"name": "app", "image": "shop:1", "environment": base}])
    _, report = scan_json(str(tmp_path))
    assert [f["target"] for f in report["findings"] if f["code"] == "QUE002"] == ["shop/app"]
