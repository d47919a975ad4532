"""What a container runs, read from its Dockerfile, scripts, supervisord, crontabs and compose files."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from envcheck.discover import discover
from envcheck.fs import ScanContext
from envcheck.model import Process
from envcheck.sources.scripts import (
    ProcessIndex,
    parse_crontab,
    parse_dockerfile,
    parse_shell,
    parse_supervisord,
)

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "scripts"


def index_of(root: Path) -> tuple[ProcessIndex, ScanContext]:
    ctx = ScanContext(roots=[root.resolve()])
    return ProcessIndex.build(discover([root], ctx), ctx), ctx


def start_of(root: Path, command: tuple[str, ...] | None = None, entry: tuple[str, ...] | None = None) -> list[Process]:
    index, _ = index_of(root)
    processes = index.container_processes(command, entry)
    assert processes is not None
    return processes


def one(processes: list[Process], text: str) -> Process:
    found = [p for p in processes if p.text == text]
    assert len(found) == 1, [p.text for p in processes]
    return found[0]


def tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def script_start(root: Path, script: str, cmd: str = "") -> list[Process]:
    """A one-script image: `COPY start.sh /start.sh`, `ENTRYPOINT ["/start.sh"]`."""
    dockerfile = 'FROM php:8.3-cli\nCOPY start.sh /start.sh\nENTRYPOINT ["/start.sh"]\n' + cmd
    return start_of(tree(root, {"Dockerfile": dockerfile, "start.sh": "#!/bin/sh\n" + script}))


# ---------------------------------------------------------------- the reference stack


def test_reference_entrypoint_backgrounds_worker_and_loops_scheduler() -> None:
    processes = start_of(FIXTURES / "reference")
    worker = one(processes, "php artisan queue:work redis --sleep=3 --tries=3 --timeout=300 --daemon")
    assert worker.backgrounded and not worker.supervised and not worker.main
    assert worker.source.endswith("entrypoint-production.sh")
    assert worker.location.path.endswith("docker/entrypoint-production.sh") and worker.location.line == 22
    scheduler = one(processes, "php artisan schedule:run")
    assert scheduler.loop_sleep == 60 and scheduler.backgrounded and not scheduler.main
    apache = one(processes, "apache2-foreground")
    assert apache.main and apache.supervised and not apache.backgrounded
    assert apache.location.path.endswith("reference/Dockerfile") and apache.location.line == 17  # the CMD line
    assert [p for p in processes if p.main] == [apache]


def test_reference_seeders_are_conditional_and_migrations_are_not() -> None:
    processes = start_of(FIXTURES / "reference")
    seeders = [p for p in processes if p.artisan_command() == "db:seed"]
    assert len(seeders) == 2 and all(p.conditional for p in seeders)
    assert not one(processes, "php artisan migrate --force").conditional
    assert not any(p.argv[0] in {"echo", "cd", "set"} for p in processes)  # noise is dropped


def test_unused_script_contributes_nothing() -> None:
    processes = start_of(FIXTURES / "reference")
    assert not any("entrypoint-queue-worker" in p.source for p in processes)
    assert sum(p.artisan_command() == "queue:work" for p in processes) == 1


def test_dockerfile_info_keeps_copies_and_build_runs() -> None:
    index, ctx = index_of(FIXTURES / "reference")
    (docker,) = index.dockerfiles
    assert docker.entrypoint == ("/usr/local/bin/entrypoint-production.sh",) and docker.cmd == ("apache2-foreground",)
    assert docker.copies["/usr/local/bin/entrypoint-production.sh"].name == "entrypoint-production.sh"
    assert "/usr/bin/composer" not in docker.copies  # --from an image is nothing of the repo
    assert docker.resolve("/var/www/html/artisan") == (FIXTURES / "reference" / "laravel" / "artisan").resolve()
    cache = [r for r in docker.runs if "config:cache" in r.text]
    assert len(cache) == 1 and cache[0].line == 10 and cache[0].final
    assert not next(r for r in docker.runs if "apt-get" in r.text).final
    assert ctx.findings == []


# ---------------------------------------------------------------- Dockerfile start and overrides


def test_exec_args_runs_cmd_as_main_process() -> None:
    processes = start_of(FIXTURES / "exec_args")
    assert [p.text for p in processes] == ["php artisan migrate --force", "php-fpm"]
    fpm = processes[1]
    assert fpm.main and fpm.location.line == 5 and fpm.location.path.endswith("exec_args/Dockerfile")


def test_copy_by_path_on_path_dirs() -> None:
    processes = start_of(FIXTURES / "path_lookup")
    assert one(processes, "php artisan queue:work --tries=3").backgrounded
    assert one(processes, "apache2-foreground").main


def test_script_found_by_basename_only_the_one_started() -> None:
    processes = start_of(FIXTURES / "by_basename")
    assert [p.text for p in processes] == ["php artisan horizon"]
    assert processes[0].main and processes[0].source.endswith("scripts/start-worker.sh")


def test_container_command_overrides_cmd_through_entrypoint() -> None:
    processes = start_of(FIXTURES / "reference", command=("php", "artisan", "queue:work", "--tries=3"))
    worker = one(processes, "php artisan queue:work --tries=3")
    assert worker.main and worker.source == "container command" and not worker.backgrounded
    assert not any(p.text == "apache2-foreground" for p in processes)


def test_container_entry_point_replaces_the_image_start() -> None:
    processes = start_of(FIXTURES / "reference", entry=("php", "artisan", "schedule:work"))
    assert [p.text for p in processes] == ["php artisan schedule:work"]
    assert processes[0].main and processes[0].location.path == "container command"


def test_sh_c_string_command_is_parsed() -> None:
    command = ("sh", "-c", "php artisan migrate --force && exec php artisan horizon")
    processes = start_of(FIXTURES / "exec_args", command=command)
    horizon = one(processes, "php artisan horizon")
    assert horizon.main and horizon.conditional and horizon.source == "container command"
    entrypoint_migrate, command_migrate = [p for p in processes if p.artisan_command() == "migrate"]
    assert entrypoint_migrate.source.endswith("entrypoint.sh") and command_migrate.source == "container command"
    assert not command_migrate.conditional and not command_migrate.main


def test_no_dockerfile_means_unknown(tmp_path: Path) -> None:
    index, _ = index_of(tree(tmp_path, {"start.sh": "#!/bin/sh\nphp artisan horizon\n"}))
    assert index.container_processes(None, None) is None
    assert [p.text for p in index.container_processes(("php", "artisan", "horizon"), None) or []] == [
        "php artisan horizon"
    ]


def test_missing_start_script_is_unknown(tmp_path: Path) -> None:
    index, _ = index_of(tree(tmp_path, {"Dockerfile": 'FROM php:8.3-cli\nENTRYPOINT ["/usr/local/bin/boot.sh"]\n'}))
    start = index.container_start(None, None)
    assert start.processes is None and start.unknown and "boot.sh" in start.unknown


def test_base_image_cmd_and_shell_form(tmp_path: Path) -> None:
    assert [p.text for p in start_of(tree(tmp_path / "a", {"Dockerfile": "FROM php:8.3-fpm-alpine\n"}))] == ["php-fpm"]
    shell_form = "FROM php:8.3-cli\nCMD php artisan migrate --force \\\n    && php artisan octane:start\n"
    processes = start_of(tree(tmp_path / "b", {"Dockerfile": shell_form}))
    assert [p.text for p in processes] == ["php artisan migrate --force", "php artisan octane:start"]
    assert processes[1].main and processes[1].location.line == 2


# ---------------------------------------------------------------- supervisord and cron


def test_supervisord_programs_are_supervised() -> None:
    processes = start_of(FIXTURES / "supervisord")
    supervisord = processes[0]
    assert supervisord.argv[0] == "/usr/bin/supervisord" and supervisord.main
    fpm = one(processes, "php-fpm -F")
    worker = one(processes, "php /var/www/html/artisan queue:work redis --sleep=3 --tries=3 --timeout=90")
    for program in (fpm, worker):
        assert program.supervised and program.source == "supervisord" and not program.main
    assert worker.location.path.endswith("conf.d/laravel.conf") and worker.location.line == 3
    assert not any(p.artisan_command() == "reverb:start" for p in processes)  # autostart=false


def test_crontab_every_minute_and_hourly() -> None:
    processes = start_of(FIXTURES / "cron")
    assert processes[0].argv == ("cron", "-f") and processes[0].main
    every_minute = one(processes, "php artisan schedule:run")
    assert every_minute.cron == "* * * * *" and every_minute.source == "cron" and not every_minute.conditional
    assert every_minute.location.line == 4 and every_minute.location.path.endswith("laravel.cron")
    assert one(processes, "php /var/www/html/artisan report:hourly").cron == "0 * * * *"
    assert one(processes, "php /var/www/html/artisan backup:run").cron == "@daily"


def test_supercronic_picks_its_crontab(tmp_path: Path) -> None:
    root = tree(
        tmp_path,
        {
            "Dockerfile": 'FROM php:8.3-cli\nCOPY crontab /app/crontab\nCMD ["supercronic", "/app/crontab"]\n',
            "crontab": "*/5 * * * * php artisan schedule:run\n",
            "other/crontab": "* * * * * php artisan inspire\n",
        },
    )
    processes = start_of(root)
    assert one(processes, "php artisan schedule:run").cron == "*/5 * * * *"
    assert not any(p.artisan_command() == "inspire" for p in processes)


def test_crontab_installed_by_script(tmp_path: Path) -> None:
    script = "crontab /etc/app.cron\ncron\nexec php-fpm\n"
    dockerfile_extra = "COPY app.cron /etc/app.cron\n"
    root = tree(tmp_path, {"app.cron": "@hourly php artisan schedule:run\n"})
    processes = script_start(root, script, dockerfile_extra)
    assert one(processes, "php artisan schedule:run").cron == "@hourly"
    assert one(processes, "php-fpm").main


# ---------------------------------------------------------------- the shell


def test_foreground_horizon_blocks_later_lines() -> None:
    processes = start_of(FIXTURES / "horizon")
    horizon = one(processes, "php artisan horizon")
    assert horizon.main and horizon.after_foreground is None
    assert one(processes, "php artisan schedule:run").after_foreground == "php artisan horizon"


def test_nohup_backgrounded(tmp_path: Path) -> None:
    processes = script_start(tmp_path, "nohup php artisan queue:work > /dev/null 2>&1 &\nexec php-fpm\n")
    worker = one(processes, "php artisan queue:work")
    assert worker.backgrounded and not worker.main


def test_if_guarded_seeder_is_conditional(tmp_path: Path) -> None:
    script = 'if [ "$RUN_SEEDERS" = "true" ]; then php artisan db:seed --force; fi\nphp artisan db:seed --force\n'
    processes = script_start(tmp_path, script)
    assert [p.conditional for p in processes] == [True, False]


def test_cycle_between_scripts_terminates() -> None:
    processes = start_of(FIXTURES / "cycle")
    assert [p.text for p in processes] == ["php artisan about", "php-fpm"]
    assert processes[-1].main


@pytest.mark.parametrize(
    "line",
    [
        'su -s /bin/bash www-data -c "php artisan queue:work"',
        'su -c "php artisan queue:work" www-data',
        "bash -c 'php artisan queue:work'",
        "runuser -u www-data -- php artisan queue:work",
        "gosu www-data php artisan queue:work",
        "su-exec www-data php artisan queue:work",
        "setpriv --reuid=33 --regid=33 --init-groups php artisan queue:work",
        "tini -- php artisan queue:work",
        "dumb-init php artisan queue:work",
        "timeout 3600 php artisan queue:work",
        "env APP_ENV=production php artisan queue:work",
        "QUEUE=default php artisan queue:work",
        "exec php artisan queue:work",
    ],
)
def test_wrappers_run_their_command(tmp_path: Path, line: str) -> None:
    processes = script_start(tmp_path, line + "\n")
    assert [p.text for p in processes] == ["php artisan queue:work"]
    assert processes[0].main and processes[0].location.line == 2


def test_loops_subshells_groups_and_functions(tmp_path: Path) -> None:
    script = """\
INTERVAL=30
start_worker() {
    php artisan queue:work "$@"
}
while true; do php artisan schedule:run; sleep "$INTERVAL"; done &
{ php artisan inspire; } &
( cd /app && php artisan migrate --force )
start_worker --tries=3 &
while :
do
    php artisan schedule:run --verbose
    sleep 60
done
php artisan never:runs
"""
    processes = script_start(tmp_path, script)
    looped = one(processes, "php artisan schedule:run")
    assert looped.loop_sleep == 30 and looped.backgrounded
    assert one(processes, "php artisan inspire").backgrounded
    migrate = one(processes, "php artisan migrate --force")
    assert not migrate.conditional and not migrate.backgrounded  # `cd … &&` does not make it conditional
    worker = one(processes, "php artisan queue:work --tries=3")
    assert worker.backgrounded and worker.location.line == 4
    foreground_loop = one(processes, "php artisan schedule:run --verbose")
    assert foreground_loop.loop_sleep == 60 and not foreground_loop.backgrounded
    assert one(processes, "php artisan never:runs").after_foreground == "while :; do … done"
    assert not any(p.main for p in processes)


def test_case_on_the_first_argument_picks_the_branch(tmp_path: Path) -> None:
    script = """\
case "$1" in
    worker) exec php artisan queue:work ;;
    scheduler) exec php artisan schedule:work ;;
    *) exec apache2-foreground ;;
esac
"""
    root = tree(tmp_path, {"Dockerfile": 'FROM php:8.3-apache\nCOPY start.sh /start.sh\nENTRYPOINT ["/start.sh"]\n'})
    tree(root, {"start.sh": "#!/bin/sh\n" + script})
    index, _ = index_of(root)
    worker = index.container_processes(("worker",), None) or []
    assert [(p.text, p.main, p.conditional) for p in worker] == [("php artisan queue:work", True, False)]
    web = index.container_processes(None, None) or []
    assert [p.text for p in web] == ["apache2-foreground"]


def test_unknown_role_variable_keeps_every_branch_conditional(tmp_path: Path) -> None:
    script = 'if [ "$ROLE" = worker ]; then\n  exec php artisan queue:work\nelse\n  exec php-fpm\nfi\n'
    processes = script_start(tmp_path, script)
    assert [(p.text, p.conditional, p.main) for p in processes] == [
        ("php artisan queue:work", True, True),
        ("php-fpm", True, True),
    ]


def test_role_from_arguments_picks_the_branch(tmp_path: Path) -> None:
    script = """\
role=${1:-web}
if [ -z "$1" ]; then echo "no role given"; fi
if [ "$role" = "worker" ]; then
    exec php artisan queue:work
elif [ "$role" = "scheduler" ]; then
    exec php artisan schedule:work
else
    exec apache2-foreground
fi
"""
    root = tree(tmp_path, {"Dockerfile": 'FROM php:8.3-apache\nCOPY start.sh /start.sh\nENTRYPOINT ["/start.sh"]\n'})
    tree(root, {"start.sh": "#!/bin/sh\n" + script})
    index, _ = index_of(root)
    for command, expected in ((("worker",), "php artisan queue:work"), (None, "apache2-foreground")):
        processes = index.container_processes(command, None) or []
        assert [(p.text, p.main, p.conditional) for p in processes] == [(expected, True, False)]


def test_odd_names_do_not_break_resolution(tmp_path: Path) -> None:
    long_name = "x" * 600
    dockerfile = f'FROM php:8.3-cli\nCOPY {long_name} /app/\nENTRYPOINT ["/app/{long_name}.sh"]\n'
    index, _ = index_of(tree(tmp_path, {"Dockerfile": dockerfile}))
    assert index.container_processes(None, None) is None
    assert index.container_processes(("php", "artisan", "x\x00y"), ("/bin/\x00sh",)) is None


def test_heredocs_and_comments_are_not_commands(tmp_path: Path) -> None:
    script = """\
cat > /etc/app.ini <<'EOF'
php artisan not:a:command
EOF
# php artisan commented:out
echo "php artisan in:a:string" # trailing comment
exec php-fpm
"""
    assert [p.text for p in script_start(tmp_path, script)] == ["php-fpm"]


# ---------------------------------------------------------------- compose and Procfile


def test_compose_services() -> None:
    index, _ = index_of(FIXTURES / "compose")
    services = index.compose_processes()
    assert set(services) == {"app", "worker", "scheduler"}  # redis: its image's start is unknown
    assert [p.text for p in services["app"]] == ["php-fpm"]
    worker = services["worker"]
    assert [p.text for p in worker] == ["php artisan queue:work --tries=3"]
    assert worker[0].main and worker[0].location.path.endswith("docker-compose.yml") and worker[0].location.line == 7
    (scheduler,) = services["scheduler"]
    assert scheduler.artisan_command() == "schedule:run" and scheduler.loop_sleep == 60


def test_procfile() -> None:
    index, _ = index_of(FIXTURES / "compose")
    procs = index.procfile_processes()
    assert [p.text for p in procs["worker"]] == ["php artisan queue:work --tries=3"]
    assert procs["web"][0].argv[0] == "vendor/bin/heroku-php-apache2"


# ---------------------------------------------------------------- parse problems and robustness


def test_parse_problems_are_reported_with_lines(tmp_path: Path) -> None:
    root = tree(
        tmp_path,
        {
            "Dockerfile": 'FROM php:8.3-cli\nCOPY start.sh /start.sh\nENTRYPOINT ["/start.sh"]\n',
            "start.sh": "#!/bin/sh\nif true; then\n  php artisan inspire\n",
            "docker/supervisor/app.conf": "[program:x]\nautostart=true\n",
            "crontab": "* * * php artisan\n",
        },
    )
    index, ctx = index_of(root)
    assert index.container_processes(None, None) is not None
    found = {(f.code, Path(f.location.path).name if f.location else "", f.location.line if f.location else None)
             for f in ctx.findings}  # fmt: skip
    assert ("SRC002", "start.sh", 2) in found or ("SRC002", "start.sh", 4) in found
    assert ("SRC002", "app.conf", 1) in found
    assert ("SRC002", "crontab", 1) in found


def test_supervisord_parser_ignores_other_conf_files() -> None:
    conf, problems = parse_supervisord("server {\n  listen 80;\n}\n")
    assert conf.programs == [] and problems == []


def test_crontab_parser_shapes() -> None:
    lines, problems = parse_crontab("PATH=/usr/bin\n*/5 1-5 * * mon-fri root run %stdin\n@reboot php x\nbad\n")
    assert [(c.schedule, c.command(True)) for c in lines] == [("*/5 1-5 * * mon-fri", "run "), ("@reboot", "x")]
    assert problems == [(4, "not a crontab line (five schedule fields and a command)")]


def test_dockerfile_parser_heredoc_and_escape() -> None:
    text = "# escape=`\nFROM php:8.3-cli\nRUN <<EOF\nphp artisan config:cache\nEOF\nCMD php `\n  artisan horizon\n"
    instructions, problems = parse_dockerfile(text)
    assert [(i.keyword, i.line) for i in instructions] == [("FROM", 2), ("RUN", 3), ("CMD", 6)]
    assert "config:cache" in instructions[1].args and instructions[2].args.split() == ["php", "artisan", "horizon"]
    assert problems == []


PIECES = [
    *"abc $\"'`\\(){};&|<>#=\n\t*[]-:@%/.",
    *("if ", "then ", "fi", "do", "done", "while true", "exec ", "<<EOF", "$@", "su -c ", "sh -c ", "case "),
    *("FROM ", "COPY ", "ENTRYPOINT ", "CMD ", "--from=0 ", "/start.sh", "[program:x]\ncommand=", "* * * * * "),
    *("supervisord", "cron", "services:\n  a:\n    command: "),
]
TEXT = st.lists(st.sampled_from(PIECES), max_size=80).map("".join) | st.text(max_size=200)


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_parsers_never_raise(text: str) -> None:
    parse_shell(text)
    parse_dockerfile(text)
    parse_supervisord(text)
    parse_crontab(text)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(script=st.text(max_size=300), dockerfile=st.text(max_size=200), conf=st.text(max_size=200))
def test_following_arbitrary_files_never_raises(script: str, dockerfile: str, conf: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        tree(
            root,
            {
                "Dockerfile": dockerfile,
                "start.sh": script,
                "supervisord.conf": conf,
                "crontab": conf,
                "docker-compose.yml": conf,
                "docker/Dockerfile": 'FROM x\nCMD ["/start.sh"]\n',
            },
        )
        index, _ = index_of(root)
        index.container_processes(None, None)
        index.container_processes(("sh", "-c", script), None)
        index.container_processes(("supervisord",), ("cron",))
        index.container_start(None, None, dockerfile=root / "docker" / "Dockerfile")
        index.compose_processes()
