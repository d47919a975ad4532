"""Queues whose jobs nobody runs, or run twice, or whose worker dies unnoticed."""

from __future__ import annotations

import shlex
from collections.abc import Iterator

from envcheck import laravel
from envcheck.fs import display_path
from envcheck.laravel import env
from envcheck.model import Process, Severity, Target
from envcheck.rules.common import variable_hit, where
from envcheck.rules.registry import Hit, rule
from envcheck.stack import Stack

RETRY_MARGIN = 5  # "several seconds": Laravel's docs ask for --timeout a few seconds below retry_after


def _workers(stack: Stack) -> Iterator[tuple[Target, Process]]:
    for target in stack.deployed():
        for process in target.processes:
            if laravel.is_worker(process) and not process.after_foreground:
                yield target, process


def _scheduled_worker_connections(stack: Stack) -> set[str | None]:
    """Connections worked by scheduled `queue:work` tasks (`->everyMinute()` with `--stop-when-empty`,
    the shared-hosting pattern), when a deployed process runs the scheduler; None stands for a
    task that names no connection (it works the default one)."""
    if not any(laravel.is_scheduler(p) and not p.after_foreground for t in stack.deployed() for p in t.processes):
        return set()
    found: set[str | None] = set()
    for schedule in stack.schedules:
        try:
            words = shlex.split(schedule.command)
        except ValueError:
            continue
        if words and words[0] in {"queue:work", "queue:listen"}:
            found.add(next((w for w in words[1:] if not w.startswith("-")), None))
    return found


@rule("QUE001", "queue-worker-missing", Severity.ERROR, "queue")
def queue_worker_missing(stack: Stack) -> Iterator[Hit]:
    """The queue connection is asynchronous and no process runs a worker.

    Why: with `QUEUE_CONNECTION` set to redis, database, sqs or beanstalkd (or unset on
    Laravel 11+, where the default is database), dispatched jobs are stored and wait for
    `php artisan queue:work`, `queue:listen` or `horizon`. Without one they wait forever: the
    incident's avatar jobs sat in Redis. envcheck checks every process it can see in the
    deployed containers (start scripts, supervisord, cron) and stays quiet when it cannot see
    them all. A worker the scheduler starts (`Schedule::command('queue:work --stop-when-empty')
    ->everyMinute()`) counts when a deployed process runs the scheduler.
    Example: `QUEUE_CONNECTION=redis`, and the entrypoint only starts Apache.
    Fix: run a worker: its own ECS service running `php artisan queue:work` (best), or a
    supervisord program next to the web server.
    Source: Laravel docs, Queues: Running the Queue Worker.
    """
    if not stack.processes_all_known() or any(True for _ in _workers(stack)):
        return
    scheduled = _scheduled_worker_connections(stack)
    for target in (t for t in stack.deployed() if stack.is_app_target(t)):
        connection, explicit, name = stack.queue_connection(target)
        if connection in laravel.ASYNC_DRIVERS and not scheduled & {None, connection}:
            how = (
                f"{name}={connection}"
                if explicit
                else f"{connection} ({stack.default_note('queue.default')}; {name} is unset)"
            )
            yield variable_hit(
                target,
                name,
                f"{how} but no deployed process runs queue:work, queue:listen or horizon: jobs are never processed",
            )


def _retry_after(stack: Stack, target: Target, connection: str) -> tuple[int, str] | None:
    """The connection's retry_after (or sqs visibility timeout) and where it comes from."""
    if connection == "sqs":
        return _visibility_timeout(stack, target)
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


def _visibility_timeout(stack: Stack, target: Target) -> tuple[int, str] | None:
    """The visibility timeout of the SQS queue the worker reads, when the scanned Terraform declares it.

    The queue is matched by SQS_QUEUE (a name or a URL), or is the only one declared; a queue made
    elsewhere is unknown, so nothing is said about it.
    """
    queues = stack.sqs_queues
    wanted = env(target, stack.env_name("queue.connections.sqs.queue", "SQS_QUEUE"))
    name = wanted.text.rstrip("/").rsplit("/", 1)[-1] if wanted.known and wanted.text else None
    matched = [q for q in queues if name and q.name == name] or (queues if len(queues) == 1 and not name else [])
    if len(matched) != 1:
        return None
    queue = matched[0]
    if queue.visibility_timeout is None:
        return None
    where = f"{display_path(queue.path)}:{queue.line}"
    return queue.visibility_timeout, f"the visibility timeout of aws_sqs_queue {queue.name or ''} at {where}"


@rule("QUE002", "worker-timeout-exceeds-retry-after", Severity.ERROR, "queue")
def worker_timeout_exceeds_retry_after(stack: Stack) -> Iterator[Hit]:
    """A worker's `--timeout` is not several seconds below its connection's `retry_after`.

    Why: when a job has been reserved for `retry_after` seconds, the queue hands it to another
    worker, even though the first is still running it: the job runs twice (two avatars, two
    charges, two emails). Laravel's docs: `--timeout` should always be at least several seconds
    shorter than `retry_after`. The defaults are `--timeout=60` and `retry_after` 90 for redis,
    database and beanstalkd; for sqs the queue's visibility timeout plays that role: the
    `visibility_timeout_seconds` of the `aws_sqs_queue` in the scanned Terraform (30 s when it
    does not set it). A queue made outside the scan is not guessed at. A Horizon supervisor's
    `timeout` in config/horizon.php counts as the worker's `--timeout`. envcheck wants at least
    5 seconds of margin.
    Example: `php artisan queue:work redis --timeout=300` with redis' `retry_after` of 90.
    Fix: lower `--timeout` below `retry_after`, or raise `retry_after` in config/queue.php
    (`REDIS_QUEUE_RETRY_AFTER` on Laravel 11+) above the longest job.
    Source: Laravel docs, Queues: Job Expirations and Timeouts.
    """
    for target, process in _workers(stack):
        if process.artisan_command() == "horizon":
            yield from _horizon_timeouts(stack, target)
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


def _horizon_timeouts(stack: Stack, target: Target) -> Iterator[Hit]:
    """Horizon's supervisors run workers with the `timeout` of config/horizon.php, on redis."""
    limit = _retry_after(stack, target, "redis")
    if limit is None:
        return
    retry_after, origin = limit
    for app in stack.apps:
        for timeout in app.horizon_timeouts:
            if timeout.seconds + RETRY_MARGIN > retry_after:
                yield Hit(
                    f"a Horizon supervisor's timeout={timeout.seconds} is not below retry_after={retry_after} "
                    f"({origin}) on redis: a long job is handed to a second worker and runs twice",
                    timeout.location,
                    target.id,
                )


@rule("QUE003", "worker-unsupervised", Severity.WARNING, "queue")
def worker_unsupervised(stack: Stack) -> Iterator[Hit]:
    """A queue worker is started in the background of a start script, with no supervisor.

    Why: the container's main process is the web server, so ECS watches only that. When the
    backgrounded worker dies (out of memory, a fatal error, `queue:restart` after a deploy),
    nothing restarts it and no health check notices: jobs pile up silently. It also never
    receives ECS's SIGTERM: when the main process exits on a deploy, the kernel kills the worker
    at once, in the middle of its job.
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


KNOWN_CONNECTIONS = {"sync", "database", "beanstalkd", "sqs", "redis", "null", "deferred", "background", "failover"}
SHARED_PREFIXES = ("REDIS_", "DB_", "CACHE_")
SHARED_NAMES = {"APP_KEY", "QUEUE_CONNECTION", "CACHE_STORE", "CACHE_DRIVER"}


@rule("QUE005", "queue-connection-invalid", Severity.ERROR, "queue")
def queue_connection_invalid(stack: Stack) -> Iterator[Hit]:
    """QUEUE_CONNECTION is null, empty, or names no configured connection.

    Why: `null` (or `(null)`) selects Laravel's NullQueue: every dispatched job is silently
    discarded. An empty value fails with "The [] queue connection has not been configured.", and
    so does a name that config/queue.php does not define.
    Example: `QUEUE_CONNECTION=null`; `QUEUE_CONNECTION=` ; `QUEUE_CONNECTION=reddis`.
    Fix: a connection defined in config/queue.php: `redis`, `database`, `sqs`, or `sync` for tests.
    Source: laravel/framework Illuminate\\Queue\\QueueManager::getConfig and ::resolve.
    """
    configured = {conn for app in stack.apps for conn in app.queue_retry_after} | KNOWN_CONNECTIONS
    for target in stack.runnable():
        _, explicit, name = stack.queue_connection(target)
        value = env(target, name)
        if not (explicit and value.known):
            continue
        raw = value.value
        if raw is None or (isinstance(raw, str) and raw.lower() == "null"):
            problem = "selects the NullQueue: every dispatched job is silently discarded"
        elif raw == "" or raw is False or raw is True:
            problem = "is empty: `The [] queue connection has not been configured.`"
        elif isinstance(raw, str) and raw not in configured:
            problem = f"names no configured connection: `The [{raw}] queue connection has not been configured.`"
        else:
            continue
        yield variable_hit(target, name, f"{name} {problem}")


@rule("QUE006", "horizon-needs-redis", Severity.ERROR, "queue")
def horizon_needs_redis(stack: Stack) -> Iterator[Hit]:
    """A process runs `horizon` while the queue connection is not redis.

    Why: Horizon only runs workers for Redis queues; jobs pushed to another connection
    (database, sqs) are never processed, although Horizon's dashboard looks healthy.
    Example: `php artisan horizon` in supervisord with `QUEUE_CONNECTION=database`.
    Fix: `QUEUE_CONNECTION=redis`, or replace Horizon with `queue:work` for that connection.
    Source: Laravel docs, Horizon: Installation ("Horizon requires that you use Redis").
    """
    for target, process in _workers(stack):
        if process.artisan_command() != "horizon":
            continue
        connection, explicit, name = stack.queue_connection(target)
        if explicit and isinstance(connection, str) and connection not in {"redis", "sync", "null"}:
            yield Hit(
                f"horizon runs but {name}={connection}: Horizon only processes Redis queues",
                process.location,
                target.id,
                name,
            )


@rule("QUE007", "worker-stop-timeout", Severity.WARNING, "queue")
def worker_stop_timeout(stack: Stack) -> Iterator[Hit]:
    """ECS `stopTimeout` is shorter than the worker's `--timeout`.

    Why: on every deploy or scale-in ECS sends SIGTERM, waits `stopTimeout` (30 s by default,
    at most 120 s on Fargate) and then SIGKILLs. `queue:work` finishes its current job on SIGTERM,
    but a job allowed to run longer than the stop timeout is killed mid-run. This concerns
    workers that receive the signal: the container's main process, or a supervisord program. A
    worker backgrounded with `&` never receives it and dies at once: that is QUE003.
    Example: a worker container running `queue:work --timeout=120` with no `stopTimeout`.
    Fix: set the container's `stopTimeout` above the worker's `--timeout`, or shorten the jobs.
    Source: AWS ECS ContainerDefinition.stopTimeout; Laravel docs, Queues: Worker Timeouts.
    """
    for target, process in _workers(stack):
        if process.artisan_command() == "horizon" or not (process.main or process.supervised):
            continue
        if process.backgrounded:
            continue
        timeout = laravel.worker_timeout(process)
        stop = target.stop_timeout if target.stop_timeout is not None else 30
        if timeout is not None and timeout > stop:
            yield Hit(
                f"queue:work --timeout={timeout} but the container's stopTimeout is {stop}s: deploys kill jobs mid-run",
                process.location,
                target.id,
            )


def _role(target: Target) -> str:
    if any(laravel.is_worker(p) for p in target.processes):
        return "worker"
    if any(laravel.is_scheduler(p) for p in target.processes):
        return "scheduler"
    return "web"


def _same_app(a: Target, b: Target) -> bool:
    """Targets declared side by side (one Terraform module, one folder of task definitions) belong to
    one app; a monorepo's other apps are not compared with it."""
    return a.location.path.rsplit("/", 1)[0] == b.location.path.rsplit("/", 1)[0]


def _shared_names(target: Target) -> set[str]:
    names = {v.name for v in target.variables} | {s.name for s in target.secrets}
    return {n for n in names if n in SHARED_NAMES or n.startswith(SHARED_PREFIXES)}


def _fingerprint(target: Target, name: str) -> str | None:
    """Comparable form of a value: the literal, or the secret's reference; None when unknown."""
    ref = target.secret(name)
    if ref is not None:
        return f"secret:{ref.value_from}" if ref.value_from else None
    var = target.get(name)
    if var is None:
        return "<absent>"
    return var.value


@rule("QUE008", "worker-env-drift", Severity.ERROR, "queue")
def worker_env_drift(stack: Stack) -> Iterator[Hit]:
    """The web and worker (or scheduler) targets of one app disagree on shared settings.

    Why: the web tier pushes jobs where its variables say; a worker with another
    `QUEUE_CONNECTION`, `REDIS_*` or `DB_*` reads another queue or database, and one with another
    `APP_KEY` cannot decrypt the payloads (`The MAC is invalid.`). Such drift creeps in when
    worker task definitions are copied and edited by hand.
    Example: web `REDIS_HOST=cache-a`, worker `REDIS_HOST=cache-b`.
    Only targets declared side by side (one Terraform module, one folder of task definitions) are
    compared, so a monorepo's other apps are left alone.
    Fix: build every container's environment from one shared list (a Terraform local).
    Source: Laravel docs, Queues (connections); Encryption (APP_KEY).
    """
    deployed = [t for t in stack.deployed() if t.processes_known and t.environment_known and stack.is_app_target(t)]
    webs = [t for t in deployed if _role(t) == "web"]
    for other in (t for t in deployed if _role(t) != "web"):
        for web in (w for w in webs if _same_app(w, other)):
            for name in sorted(_shared_names(web) | _shared_names(other)):
                left, right = _fingerprint(web, name), _fingerprint(other, name)
                if left is None or right is None or left == right:
                    continue
                shown = "is absent from one of them" if "<absent>" in (left, right) else "differs"
                yield Hit(
                    f"{name} {shown} between {web.id} (web) and {other.id} ({_role(other)})",
                    where(other, name),
                    other.id,
                    name,
                )
