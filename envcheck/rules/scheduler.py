"""Scheduled tasks that never run, or run once per replica, or drift."""

from __future__ import annotations

from collections.abc import Iterator

from envcheck import laravel
from envcheck.model import Process, Severity, Target
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
