"""Queues whose jobs nobody runs, or run twice, or whose worker dies unnoticed."""

from __future__ import annotations

from collections.abc import Iterator

from envcheck import laravel
from envcheck.fs import display_path
from envcheck.laravel import env
from envcheck.model import Process, Severity, Target
from envcheck.rules.common import where
from envcheck.rules.registry import Hit, rule
from envcheck.stack import Stack

RETRY_MARGIN = 5  # "several seconds": Laravel's docs ask for --timeout a few seconds below retry_after


def _workers(stack: Stack) -> Iterator[tuple[Target, Process]]:
    for target in stack.deployed():
        for process in target.processes:
            if laravel.is_worker(process) and not process.after_foreground:
                yield target, process


@rule("QUE001", "queue-worker-missing", Severity.ERROR, "queue")
def queue_worker_missing(stack: Stack) -> Iterator[Hit]:
    """The queue connection is asynchronous and no process runs a worker.

    Why: with `QUEUE_CONNECTION` set to redis, database, sqs or beanstalkd (or unset on
    Laravel 11+, where the default is database), dispatched jobs are stored and wait for
    `php artisan queue:work`, `queue:listen` or `horizon`. Without one they wait forever: the
    incident's avatar jobs sat in Redis. envcheck checks every process it can see in the
    deployed containers (start scripts, supervisord, cron) and stays quiet when it cannot see
    them all.
    Example: `QUEUE_CONNECTION=redis`, and the entrypoint only starts Apache.
    Fix: run a worker: its own ECS service running `php artisan queue:work` (best), or a
    supervisord program next to the web server.
    Source: Laravel docs, Queues: Running the Queue Worker.
    """
    if not stack.processes_all_known() or any(True for _ in _workers(stack)):
        return
    for target in stack.deployed():
        connection, explicit, name = stack.queue_connection(target)
        if connection in laravel.ASYNC_DRIVERS:
            how = f"{name}={connection}" if explicit else f"the default queue connection ({connection})"
            yield Hit(
                f"{how} but no deployed process runs queue:work, queue:listen or horizon: jobs are never processed",
                where(target, name),
                target.id,
                name,
            )


def _retry_after(stack: Stack, target: Target, connection: str) -> tuple[int, str] | None:
    """The connection's retry_after (or sqs visibility timeout) and where it comes from."""
    if connection == "sqs":
        return laravel.SQS_DEFAULT_VISIBILITY_TIMEOUT, "the SQS default visibility timeout"
    for app in stack.apps:
        configured = app.queue_retry_after.get(connection)
        if configured is None:
            continue
        where_set = display_path(configured.path) if configured.path else "config/queue.php"
        if configured.env is None:
            return (configured.value, f"retry_after in {where_set}") if configured.value is not None else None
        value = env(target, configured.env)
        if value.present:
            return (int(value.text), configured.env) if value.text.isdigit() else None
        if configured.default is not None:
            return configured.default, f"the default of {configured.env} in {where_set}"
        return None
    if connection in laravel.DEFAULT_RETRY_AFTER:
        name = laravel.RETRY_AFTER_ENV[connection]
        value = env(target, name)
        if value.present:
            return (int(value.text), name) if value.text.isdigit() else None
        return laravel.DEFAULT_RETRY_AFTER[connection], f"the default retry_after of {connection}"
    return None


@rule("QUE002", "worker-timeout-exceeds-retry-after", Severity.ERROR, "queue")
def worker_timeout_exceeds_retry_after(stack: Stack) -> Iterator[Hit]:
    """A worker's `--timeout` is not several seconds below its connection's `retry_after`.

    Why: when a job has been reserved for `retry_after` seconds, the queue hands it to another
    worker, even though the first is still running it: the job runs twice (two avatars, two
    charges, two emails). Laravel's docs: `--timeout` should always be at least several seconds
    shorter than `retry_after`. The defaults are `--timeout=60` and `retry_after` 90 for redis,
    database and beanstalkd; for sqs the queue's visibility timeout (30 s by default) plays
    that role. envcheck wants at least 5 seconds of margin.
    Example: `php artisan queue:work redis --timeout=300` with redis' `retry_after` of 90.
    Fix: lower `--timeout` below `retry_after`, or raise `retry_after` in config/queue.php
    (`REDIS_QUEUE_RETRY_AFTER` on Laravel 11+) above the longest job.
    Source: Laravel docs, Queues: Job Expirations and Timeouts.
    """
    for target, process in _workers(stack):
        if process.artisan_command() == "horizon":
            continue
        timeout = laravel.worker_timeout(process)
        connection = laravel.worker_connection(process) or stack.queue_connection(target)[0]
        if timeout is None or timeout == 0 or connection is None:
            continue
        limit = _retry_after(stack, target, connection)
        if limit is None:
            continue
        retry_after, origin = limit
        if timeout + RETRY_MARGIN > retry_after:
            yield Hit(
                f"queue:work --timeout={timeout} is not below retry_after={retry_after} ({origin}) on {connection}: "
                "a long job is handed to a second worker and runs twice",
                process.location,
                target.id,
            )


@rule("QUE003", "worker-unsupervised", Severity.WARNING, "queue")
def worker_unsupervised(stack: Stack) -> Iterator[Hit]:
    """A queue worker is started in the background of a start script, with no supervisor.

    Why: the container's main process is the web server, so ECS watches only that. When the
    backgrounded worker dies (out of memory, a fatal error, `queue:restart` after a deploy),
    nothing restarts it and no health check notices: jobs pile up silently.
    Example: `php artisan queue:work &` in the entrypoint, before `exec apache2-foreground`.
    Fix: run the worker as its own ECS service (its main process, restarted by ECS), or under
    supervisord with `autorestart=true`.
    Source: Laravel docs, Queues: Supervisor Configuration; AWS ECS, essential containers.
    """
    for target, process in _workers(stack):
        if process.backgrounded and not process.supervised:
            yield Hit(
                f"`{process.text}` runs in the background with no supervisor: when it dies nothing restarts it",
                process.location,
                target.id,
            )


@rule("QUE004", "worker-daemon-flag", Severity.INFO, "queue")
def worker_daemon_flag(stack: Stack) -> Iterator[Hit]:
    """`queue:work --daemon` is used.

    Why: since Laravel 5.3 `queue:work` always runs as a daemon; the flag does nothing. It
    usually means the start command was copied from an old tutorial, and the rest of it
    (`--timeout`, `--tries`, supervision) deserves a second look.
    Example: `php artisan queue:work redis --daemon`.
    Fix: drop `--daemon`.
    Source: Laravel 5.3 upgrade guide; Illuminate\\Queue\\Console\\WorkCommand.
    """
    for target, process in _workers(stack):
        if process.artisan_command() == "queue:work" and process.has_flag("daemon"):
            yield Hit("--daemon has had no effect since Laravel 5.3", process.location, target.id)
