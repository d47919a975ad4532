"""The Laravel loader: versions, scheduled tasks and config env() reads, from tokens, never a crash."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from envcheck.discover import discover
from envcheck.fs import ScanContext
from envcheck.model import Schedule
from envcheck.sources.laravel import (
    LaravelApp,
    PhpFile,
    _returned_array,
    bootstrap_tasks,
    env_reads,
    kernel_tasks,
    major_of,
    routes_tasks,
    tokenize,
)

LARAVEL = Path(__file__).resolve().parent / "fixtures" / "laravel"


def _load(root: Path) -> tuple[list[LaravelApp], ScanContext]:
    from envcheck.sources.laravel import load_laravel

    ctx = ScanContext(roots=[root.resolve()])
    return load_laravel(discover([root], ctx), ctx), ctx


def _app(name: str) -> LaravelApp:
    apps, ctx = _load(LARAVEL / name)
    assert ctx.findings == []
    assert len(apps) == 1
    return apps[0]


def _line(path: Path, needle: str) -> int:
    """1-based line of the first line of `path` containing `needle`."""
    return next(i for i, text in enumerate(path.read_text().splitlines(), 1) if needle in text)


def _tasks(text: str, reader=kernel_tasks) -> list[tuple[str, str | None, bool]]:
    php = PhpFile.parse(text)
    return [(t.command, t.frequency, t.on_one_server) for t in reader(php, Path("x.php"))]


# --------------------------------------------------------------------------- schedules


def test_reference_kernel_has_six_tasks_none_on_one_server() -> None:
    app = _app("reference")
    kernel = LARAVEL / "reference" / "app" / "Console" / "Kernel.php"
    assert [(s.command, s.frequency, s.on_one_server) for s in app.schedules] == [
        ("batch:execute-scheduled-tasks", "hourly", False),
        ("redis:monitor", "everyFiveMinutes", False),
        ("holidays:refresh-cache", "dailyAt('00:00')", False),
        ("notifications:delete-expired", "dailyAt('03:00')", False),
        ("cache:clear-old", "dailyAt('03:00')", False),
        ("batch:prune-history", "weeklyOn(0, '03:00')", False),
    ]
    assert all(isinstance(s, Schedule) for s in app.schedules)
    assert [t.without_overlapping for t in app.tasks] == [True, False, False, True, False, True]
    first = app.schedules[0]
    assert first.location.line == _line(kernel, "batch:execute-scheduled-tasks")
    assert first.location.path.endswith("reference/app/Console/Kernel.php")
    # routes/console.php only defines a closure command with a purpose: not scheduled
    assert {t.declared_in for t in app.tasks} == {"kernel"}


def test_on_one_server_comments_strings_and_closures() -> None:
    app = _app("one_server")
    kernel = LARAVEL / "one_server" / "app" / "Console" / "Kernel.php"
    assert [(t.kind, t.command, t.frequency, t.on_one_server) for t in app.tasks] == [
        ("command", "reports:send --url=https://example.com/a;b", "everyFifteenMinutes", True),
        ("command", "SendReports", "twiceDaily(1, 13)", True),
        ("call", "closure", "daily->at('02:30')", True),
        ("job", "job:PruneUploads", "cron('*/10 * * * *')", False),
        ("exec", "exec:curl -fsS https://hc-ping.com/abc; echo done", "hourly", False),
        ("command", "emails:send", None, False),
    ]
    closure, exec_task, last = app.tasks[2], app.tasks[4], app.tasks[5]
    assert closure.line == _line(kernel, "$schedule->call(function")
    assert exec_task.constraints == ("weekdays", "between('8:00', '17:00')")
    assert app.tasks[1].run_in_background
    lines = kernel.read_text().splitlines()
    assert last.without_overlapping and lines[last.line - 1].strip() == "$schedule"  # where the chain starts


def test_commented_out_tasks_are_ignored() -> None:
    text = """<?php
    class Kernel { protected function schedule(Schedule $schedule) {
        // $schedule->command('a')->daily();
        # $schedule->command('b')->daily();
        /* $schedule->command('c')->daily(); */
        /**
         * $schedule->command('d')->daily();
         */
        $schedule->command('e')->daily(); // ->onOneServer()
    } }
    """
    assert _tasks(text) == [("e", "daily", False)]


def test_strings_with_comment_markers_and_semicolons() -> None:
    text = """<?php
    function schedule(Schedule $schedule) {
        $schedule->exec("echo '//'; echo \\"a;b\\" # not a comment")->hourly()->onOneServer();
        $schedule->command('x:y', ['--url' => 'http://a/*b*/;c'])->everyMinute();
    }
    """
    assert _tasks(text) == [
        ("exec:echo '//'; echo \"a;b\" # not a comment", "hourly", True),
        ("x:y", "everyMinute", False),
    ]


def test_closures_with_nested_braces_and_heredocs() -> None:
    text = """<?php
    function schedule(Schedule $schedule): void {
        $schedule->call(function () use ($schedule) {
            $x = ['a' => ['b' => fn ($y) => "{$y['}']}"]];
            $schedule->command('inside:closure')->daily();
            $s = <<<'SQL'
                SELECT '}' ; -- )
                SQL;
            if ($x) { while (true) { break; } }
        })->everyTwoHours()->onOneServer();
        $schedule->command('after:closure')->monthlyOn(4, '15:00');
    }
    """
    assert _tasks(text) == [("closure", "everyTwoHours", True), ("after:closure", "monthlyOn(4, '15:00')", False)]


def test_empty_or_parent_only_schedule_has_no_tasks() -> None:
    app = _app("empty_schedule")
    assert app.tasks == [] and app.schedules == []
    assert app.schedule_files == [LARAVEL / "empty_schedule" / "app" / "Console" / "Kernel.php"]
    assert _tasks("<?php class K { protected function schedule(Schedule $schedule): void {} }") == []


def test_only_the_schedule_method_is_read() -> None:
    text = """<?php
    class Kernel {
        abstract protected function schedule(Schedule $schedule);
        protected function other(Schedule $schedule) { $schedule->command('elsewhere')->daily(); }
        protected function schedule(Schedule $s) { $s->command('here')->weekly(); }
    }
    """
    assert _tasks(text) == [("here", "weekly", False)]


def test_routes_console_facade_closure_commands_and_groups() -> None:
    app = _app("laravel11")
    routes = [t for t in app.tasks if t.declared_in == "routes"]
    assert [(t.kind, t.command, t.frequency, t.on_one_server) for t in routes] == [
        ("command", "inspire", "hourly", False),
        ("command", "backup:run", "dailyAt('01:00')", True),
        ("job", "job:Heartbeat", "everyMinute", False),
        ("call", "closure", "everyTenMinutes", False),
        ("command", "emails:send --force", "daily", True),
        ("command", "emails:prune", "hourly", True),
    ]
    assert routes[4].constraints == ("timezone('Europe/Paris')",)
    path = LARAVEL / "laravel11" / "routes" / "console.php"
    assert routes[5].line == _line(path, "emails:prune")


def test_bootstrap_with_schedule() -> None:
    app = _app("laravel11")
    boot = [(t.command, t.frequency, t.on_one_server) for t in app.tasks if t.declared_in == "bootstrap"]
    assert boot == [("telescope:prune --hours=48", "daily", False), ("horizon:snapshot", "everyFiveMinutes", True)]
    arrow = (
        "<?php return Application::configure()->withSchedule(fn (Schedule $s) => $s->command('x')->daily())->create();"
    )
    assert _tasks(arrow, bootstrap_tasks) == [("x", "daily", False)]


def test_command_forms() -> None:
    text = """<?php
    Schedule::command(\\App\\Console\\Commands\\Prune::class)->everyThirtyMinutes();
    Schedule::job(Heartbeat::class, 'low')->everyMinute();
    Schedule::call(new DeleteRecentUsers)->daily();
    Schedule::call([Cleanup::class, 'run'])->daily();
    Schedule::command('a')->onOneServer()->timezone('UTC')->weekdays()->hourly();
    $schedule->command('not-the-facade')->daily();
    """
    assert _tasks(text, routes_tasks) == [
        ("App\\Console\\Commands\\Prune", "everyThirtyMinutes", False),
        ("job:Heartbeat", "everyMinute", False),
        ("call:DeleteRecentUsers", "daily", False),
        ("call:[Cleanup::class, 'run']", "daily", False),
        ("a", "hourly", True),
    ]


# --------------------------------------------------------------------------- config


def test_config_env_reads_with_defaults_and_get_or_fail() -> None:
    app = _app("reference")
    reads = {r.name: r for r in app.config_env_reads["app"]}
    assert "COMMENTED_OUT_VAR" not in reads
    assert (reads["APP_NAME"].default, reads["APP_NAME"].default_value) == ("'Laravel'", "Laravel")
    assert reads["APP_DEBUG"].default == "false" and reads["APP_DEBUG"].has_default
    assert reads["APP_URL"].default_value == "http://localhost"
    assert reads["ASSET_URL"].default is None and not reads["ASSET_URL"].has_default
    assert not reads["ASSET_URL"].required
    key = reads["APP_KEY"]
    assert key.required and not key.has_default and key.default is None
    assert key.line == _line(LARAVEL / "reference" / "config" / "app.php", "getOrFail")
    assert reads["APP_MAINTENANCE_STORE"].default_value == "database"  # \Illuminate\Support\Env::get
    assert reads["APP_PREVIOUS_KEYS"].default == "''"
    services = [r.name for r in app.config_env_reads["services"]]
    assert "SLACK_BOT_USER_OAUTH_TOKEN" in services  # double-quoted name
    assert not any(name.startswith("TENANT_") for name in services)  # interpolated: dynamic, skipped
    assert app.config_files["services"].name == "services.php"


def test_session_keys_and_nested_reads() -> None:
    app = _app("reference")
    assert {k: v.env for k, v in app.session_keys.items()} == {
        "driver": "SESSION_DRIVER",
        "lifetime": "SESSION_LIFETIME",
        "connection": "SESSION_CONNECTION",
        "store": "SESSION_STORE",
        "cookie": "SESSION_COOKIE",
        "domain": "COOKIE_DOMAIN",
        "secure": "SESSION_SECURE_COOKIE",
    }
    cookie = app.session_keys["cookie"]
    assert cookie.default == "Str::slug(env('APP_NAME', 'laravel'), '_').'_session'"
    assert cookie.default_value is None and cookie.direct
    session_reads = [r.name for r in app.config_env_reads["session"]]
    assert session_reads.count("APP_NAME") == 1  # the read nested in the default is found too
    assert app.config_keys["services.mailgun.endpoint"].default_value == "api.mailgun.net"
    assert app.config_keys["app.debug"].direct  # through the (bool) cast


def test_queue_default_and_retry_after() -> None:
    app = _app("reference")
    assert app.queue_default is not None
    assert (app.queue_default.env, app.queue_default.default_value) == ("QUEUE_CONNECTION", "sync")
    retry = app.queue_retry_after
    assert set(retry) == {"database", "beanstalkd", "redis"}  # sync and sqs set none
    assert (retry["database"].value, retry["database"].env) == (90, None)
    assert (retry["redis"].value, retry["redis"].env, retry["redis"].default) == (None, "REDIS_QUEUE_RETRY_AFTER", 90)
    assert retry["redis"].driver == "redis" and retry["redis"].text == "(int) env('REDIS_QUEUE_RETRY_AFTER', 90)"
    assert (retry["beanstalkd"].env, retry["beanstalkd"].default) == ("BEANSTALKD_RETRY_AFTER", None)
    assert retry["redis"].line == _line(LARAVEL / "reference" / "config" / "queue.php", "REDIS_QUEUE_RETRY_AFTER")
    l11 = _app("laravel11").queue_retry_after
    assert (l11["redis"].env, l11["redis"].default) == ("REDIS_QUEUE_RETRY_AFTER", 120)  # intval(env(.., '120'))


def test_config_outside_the_app_config_dir_is_ignored() -> None:
    app = _app("reference")
    assert "widget" not in app.config_env_reads  # packages/widget/config/widget.php
    assert sorted(app.config_env_reads) == ["app", "queue", "services", "session"]


def test_config_in_a_non_laravel_dir_is_ignored() -> None:
    apps, ctx = _load(LARAVEL / "not_laravel")
    assert apps == [] and ctx.findings == []


# --------------------------------------------------------------------------- versions and roots


def test_version_from_lock_then_composer_json() -> None:
    ref = _app("reference")
    assert (ref.version, ref.major) == ("10.48.4", 10)
    assert ref.version_from == LARAVEL / "reference" / "composer.lock"
    l11 = _app("laravel11")
    assert (l11.version, l11.major) == ("^11.0", 11)
    one = _app("one_server")
    assert (one.version, one.major) == ("^9.0|^10.0", None)
    assert (_app("empty_schedule").version, _app("empty_schedule").major) == ("9.52.16", 9)


def test_major_of() -> None:
    assert major_of("v10.48.4") == 10
    assert major_of("~10.0") == 10
    assert major_of(">=10.0 <12") is None
    assert major_of("11.x-dev") == 11
    assert major_of("dev-master") is None
    assert major_of(None) is None


def test_malformed_composer_files_are_src002_not_a_crash() -> None:
    apps, ctx = _load(LARAVEL / "malformed")
    assert len(apps) == 1 and apps[0].version is None and apps[0].major is None
    found = sorted((f.code, Path(f.location.path).name, f.location.line) for f in ctx.findings if f.location)
    assert found == [("SRC002", "composer.json", 4), ("SRC002", "composer.lock", 4)]


def test_composer_json_alone_makes_a_root(tmp_path: Path) -> None:
    (tmp_path / "composer.json").write_text('{"require": {"laravel/framework": "^12.0"}}')
    (tmp_path / "routes").mkdir()
    (tmp_path / "routes" / "console.php").write_text("<?php Schedule::command('a')->daily();")
    apps, ctx = _load(tmp_path)
    assert ctx.findings == []
    assert [(a.root, a.major, [s.command for s in a.schedules]) for a in apps] == [(tmp_path, 12, ["a"])]


def test_files_are_grouped_by_root() -> None:
    apps, ctx = _load(LARAVEL)
    roots = {a.root.name: a for a in apps}
    assert sorted(roots) == ["empty_schedule", "laravel11", "malformed", "one_server", "reference"]
    assert len(roots["reference"].tasks) == 6 and len(roots["laravel11"].tasks) == 8
    assert {f.code for f in ctx.findings} == {"SRC002"}  # only the malformed fixture


def test_unreadable_php_is_src001_and_skipped(tmp_path: Path) -> None:
    (tmp_path / "artisan").write_text("#!/usr/bin/env php\n<?php\n")
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "app.php").write_bytes(b"<?php return ['a' => env('A')];\x00")
    apps, ctx = _load(tmp_path)
    assert apps[0].config_env_reads == {}
    assert [f.code for f in ctx.findings] == ["SRC001"]


# --------------------------------------------------------------------------- the scanner itself


def test_tokenizer_basics() -> None:
    toks = tokenize("<html><?php\n$a = 'x\\'y' . \"q\\n$b\"; // c\n?>text<?php #x\n Foo\\Bar::baz();")
    assert [(t.kind, t.value) for t in toks[:6]] == [
        ("var", "$a"),
        ("op", "="),
        ("string", "x'y"),
        ("op", "."),
        ("string", "q\n$b"),
        ("op", ";"),
    ]
    assert toks[4].dynamic and not toks[2].dynamic
    assert [t.text for t in toks[6:]] == ["?>", "Foo\\Bar", "::", "baz", "(", ")", ";"]
    assert toks[7].line == 4


def test_array_parsing_keys() -> None:
    php = PhpFile.parse("<?php return ['a' => ['b' => env('X')], 0 => 'y', 'z', 'c' => array('d' => 1)];")
    entries = _returned_array(php)
    assert [e.key for e in entries] == ["a", 0, None, "c"]
    assert [e.key for e in entries[0].children or []] == ["b"]
    assert [e.key for e in entries[3].children or []] == ["d"]
    assert [r.name for r in env_reads(php)] == ["X"]


_FRAGMENTS = [
    "<?php ", "?>", "$schedule", "$s", "->", "?->", "::", "Schedule", "Artisan", "command(", "job(", "call(",
    "exec(", "group(", "withSchedule(", "function schedule(Schedule $schedule) {", "function (", "fn (", "=>",
    "use (", "{", "}", "(", ")", "[", "]", "#[", ",", ";", "'x:y'", "'", '"', "`", "\\", "{$", "${", "$a", "<<<EOT\n",
    "<<<'N'\n", "EOT", "N;", "\n", " ", "//", "#", "/*", "*/", "env(", "Env::get(", "Env::getOrFail(", "'A'",
    "return [", "'connections' => [", "'retry_after' => ", "(int)", "90", "->daily()", "->onOneServer()",
    "array(", "new ", "::class", "static ", "é", "\x00",
]  # fmt: skip


def _scan_everything(text: str) -> None:
    php = PhpFile.parse(text)
    path = Path("f.php")
    kernel_tasks(php, path)
    bootstrap_tasks(php, path)
    routes_tasks(php, path)
    env_reads(php, path)
    _returned_array(php)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_FRAGMENTS), max_size=60).map("".join))
def test_scanner_never_raises_on_php_like_text(text: str) -> None:
    _scan_everything(text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_scanner_never_raises_on_arbitrary_text(text: str) -> None:
    _scan_everything(text)
    _scan_everything("<?php " + text)


def test_deep_nesting_does_not_overflow() -> None:
    _scan_everything("<?php return " + "[" * 5000 + "]" * 5000 + ";")
    _scan_everything('<?php $a = "' + '{$x["' * 3000 + '";')
    _scan_everything("<?php Schedule::daily()->group(function () { " * 500)


def test_env_helpers_around_env_are_reads_too() -> None:
    """Firefly III reads most settings through its own envNonEmpty(); those are env reads."""
    from envcheck.sources.laravel import PhpFile, env_reads

    php = PhpFile.parse("<?php return ['domain' => envNonEmpty('COOKIE_DOMAIN', null), 'x' => $o->env('NO')];")
    assert [(r.name, r.default) for r in env_reads(php)] == [("COOKIE_DOMAIN", "null")]
