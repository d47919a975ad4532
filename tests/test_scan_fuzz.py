"""Whatever the files hold, a scan ends in a report (exit 0 or 1), never an internal error."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import run_cli

NAMES = [
    ".env",
    ".env.example",
    "main.tf",
    "terraform.tfvars",
    "Dockerfile",
    "docker/start.sh",
    "docker/supervisord.conf",
    "docker/crontab",
    "docker-compose.yml",
    "taskdef.json",
    "artisan",
    "composer.json",
    "app/Console/Kernel.php",
    "config/queue.php",
]
FRAGMENTS = [
    "APP_ENV=production\n",
    'SESSION_DOMAIN=""\n',
    'resource "aws_ecs_task_definition" "a" {\n',
    'container_definitions = jsonencode([{ name = "web", command = ["php", "artisan", "queue:work"] }])\n',
    "}\n",
    '{"containerDefinitions": [{"name": "w", "image": "x", "environment": [{"name": "A", "value": "1"}]}]}',
    'ENTRYPOINT ["/start.sh"]\nCOPY docker/start.sh /start.sh\n',
    "php artisan schedule:run &\nwhile true; do sleep 60; done\n",
    "[program:w]\ncommand=php artisan queue:work\n",
    "* * * * * php artisan schedule:run\n",
    "services:\n  app:\n    command: php artisan horizon\n",
    "$schedule->command('x')->hourly();\n",
    "'retry_after' => env('X', 90),\n",
    "\x00\xff",
    "${",
    "<<EOF\n",
    '"',
]


@settings(max_examples=40, deadline=None)
@given(st.dictionaries(st.sampled_from(NAMES), st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=40), max_size=6)))
def test_any_tree_gives_a_report(files: dict[str, list[str]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for name, parts in files.items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("".join(parts), encoding="utf-8", errors="surrogatepass")
        code, _out, err = run_cli("scan", "--format", "json", str(root))
        assert code in (0, 1), err
        assert "internal error" not in err and "Traceback" not in err
