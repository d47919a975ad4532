"""Scheduled tasks that never run, or run once per replica, or drift."""

from __future__ import annotations

from collections.abc import Iterator

from envcheck import laravel
from envcheck.laravel import env
from envcheck.model import Process, Severity, Target
from envcheck.rules.common import where
from envcheck.rules.registry import Hit, rule
from envcheck.stack import Stack


def _every_minute(process: Process) -> bool:
    if process.artisan_command() == "schedule:work":
        return True
    if process.cron is not None:
        return process.cron.split()[0] in {"*", "*/1"} and all(f == "*" for f in process.cron.split()[1:5])
    if process.loop_sleep is not None:
        return process.loop_sleep <= 60
    return False


def _schedulers(stack: Stack) -> Iterator[tuple[Target, Process]]:
    for target in stack.deployed():
        for process in target.processes:
            if laravel.is_scheduler(process) and not process.after_foreground:
                yield target, process


@rule("SCH001", "scheduler-missing", Severity.ERROR, "scheduler")
def scheduler_missing(stack: Stack) -> Iterator[Hit]:
    """Tasks are scheduled, and no process runs the scheduler.

    Why: Laravel's scheduler only runs when something calls `php artisan schedule:run` every
    minute (cron) or keeps `php artisan schedule:work` running. Defining tasks in
    `app/Console/Kernel.php`, `routes/console.php` or `bootstrap/app.php` does nothing by itself:
    in the incident, six batches silently never ran. envcheck stays quiet when it cannot see
    every process of the deployed containers.
    Example: `$schedule->command('redis:monitor')->everyFiveMinutes();` and an entrypoint that
    only starts Apache.
    Fix: one scheduler for the whole app: a single-task ECS service running
    `php artisan schedule:work`, or an EventBridge rule running `schedule:run` every minute.
    Source: Laravel docs, Task Scheduling: Running the Scheduler.
    """
    schedules = stack.schedules
    if not schedules or not stack.processes_all_known():
        return
    if any(_every_minute(p) or p.artisan_command() == "schedule:run" for _, p in _schedulers(stack)):
        return
    first = schedules[0]
    yield Hit(
        f"{len(schedules)} scheduled task(s) are defined but no deployed process runs schedule:run every minute "
        "or schedule:work: they never run",
        first.location,
    )


@rule("SCH002", "scheduler-replicated", Severity.ERROR, "scheduler")
def scheduler_replicated(stack: Stack) -> Iterator[Hit]:
    """The scheduler runs in a target with several replicas, and tasks lack `onOneServer()`.

    Why: each replica runs its own scheduler, so every task runs once per replica: two
    reports, two charges, two cleanup passes racing each other. `->onOneServer()` takes a
    lock in a shared cache so that only one replica runs each task.
    Example: `schedule:run` in the entrypoint of a service with `desired_count = 2`.
    Fix: run the scheduler in a service of its own with one task, or add `->onOneServer()` to
    every task (with a shared cache store: redis, memcached, dynamodb or database).
    Source: Laravel docs, Task Scheduling: Running Tasks on One Server.
    """
    lacking = [s for s in stack.schedules if not s.on_one_server]
    if not lacking:
        return
    for target, process in _schedulers(stack):
        if target.replicas is not None and target.replicas > 1:
            yield Hit(
                f"the scheduler runs in each of {target.replicas} replicas and {len(lacking)} of "
                f"{len(stack.schedules)} task(s) lack ->onOneServer(): each runs {target.replicas} times",
                process.location,
                target.id,
            )


@rule("SCH003", "scheduler-sleep-loop", Severity.WARNING, "scheduler")
def scheduler_sleep_loop(stack: Stack) -> Iterator[Hit]:
    """`schedule:run` is driven by a `while …; sleep 60` loop.

    Why: the loop waits 60 seconds after each run, so every iteration drifts by the run's own
    duration; sooner or later a minute is skipped and the tasks due in it never run (a daily
    task at 03:00 can be missed for the day). `schedule:run` evaluates only the current minute.
    Example: `while true; do php artisan schedule:run; sleep 60; done &`.
    Fix: `php artisan schedule:work` (Laravel 8.8+), which wakes on each minute boundary, or cron.
    Source: Laravel docs, Task Scheduling: Running the Scheduler Locally; ScheduleWorkCommand.
    """
    for target, process in _schedulers(stack):
        if process.artisan_command() == "schedule:run" and process.loop_sleep is not None:
            pace = f"a `sleep {process.loop_sleep}` loop" if process.loop_sleep else "a loop with no fixed sleep"
            yield Hit(
                f"schedule:run in {pace} drifts and skips or repeats minutes; use schedule:work",
                process.location,
                target.id,
            )


@rule("SCH004", "scheduler-cadence", Severity.ERROR, "scheduler")
def scheduler_cadence(stack: Stack) -> Iterator[Hit]:
    """Cron (or a loop) runs `schedule:run` less often than every minute.

    Why: `schedule:run` only runs the tasks due in the minute it is called; tasks due in the
    minutes it skips never run. `*/5 * * * *` runs an `everyMinute()` task 1 time in 5 and a
    `dailyAt('03:02')` task never.
    Example: `*/5 * * * * php /var/www/artisan schedule:run` in a crontab.
    Fix: `* * * * *`, or `php artisan schedule:work`.
    Source: Laravel docs, Task Scheduling: Running the Scheduler.
    """
    for target, process in _schedulers(stack):
        if process.artisan_command() != "schedule:run" or _every_minute(process):
            continue
        if process.cron is not None:
            how = f"cron `{process.cron}`"
        elif process.loop_sleep is not None:
            how = f"a loop sleeping {process.loop_sleep}s"
        else:
            continue
        yield Hit(
            f"schedule:run runs on {how}, less often than every minute: tasks due in between never run",
            process.location,
            target.id,
        )


@rule("SCH005", "scheduler-runs-once", Severity.ERROR, "scheduler")
def scheduler_runs_once(stack: Stack) -> Iterator[Hit]:
    """`schedule:run` is a container's whole command, or sits after a command that never returns.

    Why: `schedule:run` checks the current minute once and exits. As a container's main
    process it runs one tick, then the container stops (ECS restarts it with back-off, so tasks
    run at random). Written after a foreground `php artisan horizon`, `apache2-foreground` or
    `exec …` in a start script, it never runs at all.
    Example: `command = ["php", "artisan", "schedule:run"]`; a script running `php artisan horizon`
    and then `php artisan schedule:run`.
    Fix: `php artisan schedule:work` as the container's command, or cron every minute; start
    foreground services last.
    Source: Laravel docs, Task Scheduling; ScheduleRunCommand.
    """
    for target in stack.deployed():
        for process in target.processes:
            if process.artisan_command() != "schedule:run":
                continue
            if process.after_foreground:
                yield Hit(
                    f"schedule:run comes after `{process.after_foreground}`, which never returns: it never runs",
                    process.location,
                    target.id,
                )
            elif process.main and process.loop_sleep is None and process.cron is None:
                yield Hit(
                    "schedule:run is the container's main process: it runs one tick and exits",
                    process.location,
                    target.id,
                )


NOT_SHARED_STORES = {"file", "array"}


def _cache_store(stack: Stack, target: Target) -> tuple[str | None, str]:
    """The default cache store and the variable that sets it (CACHE_STORE from 11, CACHE_DRIVER before)."""
    major = stack.laravel_major
    framework = "CACHE_STORE" if major is not None and major >= 11 else "CACHE_DRIVER"
    name = stack.env_name("cache.default", framework)
    value = env(target, name)
    if value.present:
        return (value.value if value.known and isinstance(value.value, str) else None), name
    default = stack.config_default("cache.default")
    if default is None and major is not None:
        default = "database" if major >= 11 else "file"
    return default, name


@rule("SCH006", "one-server-lock-not-shared", Severity.ERROR, "scheduler")
def one_server_lock_not_shared(stack: Stack) -> Iterator[Hit]:
    """`onOneServer()` or `withoutOverlapping()` rely on a cache store that is not shared.

    Why: both take a lock in the default cache store. With `file` or `array` each task locks
    its own copy, so with several replicas every replica still runs the task: the lock locks
    nothing. Unset means `file` before Laravel 11 and `database` from 11 on.
    Example: `->onOneServer()` with `CACHE_DRIVER=file` and `desired_count = 2`.
    Fix: `CACHE_STORE`/`CACHE_DRIVER` = redis, memcached, dynamodb or database.
    Source: Laravel docs, Task Scheduling: Running Tasks on One Server; Preventing Task Overlaps.
    """
    locked = [t for app in stack.apps for t in app.tasks if t.on_one_server or t.without_overlapping]
    if not locked:
        return
    for target, process in _schedulers(stack):
        if target.replicas is None or target.replicas < 2:
            continue
        store, name = _cache_store(stack, target)
        if store in NOT_SHARED_STORES:
            yield Hit(
                f"{len(locked)} task(s) lock with onOneServer/withoutOverlapping in the {store!r} cache store "
                f"({name}), which each of {target.replicas} replicas keeps for itself",
                where(target, name) if target.has(name) else process.location,
                target.id,
                name,
            )
