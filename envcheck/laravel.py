"""What is Laravel's, in one place: how `env()` reads a value, which defaults apply,
and which commands are queue workers and schedulers.

Rule families speak of sessions, queues and schedules; they ask this module what a value
means to the framework. Facts are from laravel/framework's source (Illuminate\\Support\\Env,
Illuminate\\Queue\\Console\\WorkCommand, config/queue.php of laravel/laravel).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from envcheck.model import Process, Target, Variable

_KEYWORDS: dict[str, bool | str | None] = {
    "true": True,
    "(true)": True,
    "false": False,
    "(false)": False,
    "empty": "",
    "(empty)": "",
    "null": None,
    "(null)": None,
}
_QUOTED = re.compile(r"""\A(['"])(.*)\1\Z""", re.DOTALL)


@dataclass(frozen=True)
class EnvValue:
    """A variable as `env()` returns it.

    `present` False: the variable is not set at all (env() returns its default).
    `known` False: it is set, but to something envcheck cannot resolve.
    `value`: True/False/None for the keywords, '' for empty, else the string.
    """

    present: bool
    known: bool
    value: bool | str | None
    variable: Variable | None = None

    @property
    def is_null(self) -> bool:
        return self.present and self.known and self.value is None

    @property
    def is_empty(self) -> bool:
        return self.present and self.known and self.value == ""

    @property
    def truthy(self) -> bool:
        """PHP truthiness: false, null, '' and '0' are false."""
        return self.value not in (False, None, "", "0")

    @property
    def text(self) -> str:
        """The value as a string (only meaningful when known and a string)."""
        return self.value if isinstance(self.value, str) else ""


def read_env(raw: str) -> bool | str | None:
    """`env()`: keywords first (case-insensitive), then one pair of matching quotes is stripped.

    So `"false"` (with the quotes in the value) is the string `false`, which is truthy.
    """
    keyword = raw.lower()
    if keyword in _KEYWORDS:
        return _KEYWORDS[keyword]
    match = _QUOTED.match(raw)
    if match:
        return match.group(2)
    return raw


def env(target: Target, name: str) -> EnvValue:
    var = target.get(name)
    if var is None:
        if target.secret(name) is not None:
            return EnvValue(present=True, known=False, value=None)
        return EnvValue(present=False, known=True, value=None)
    if var.value is None:
        return EnvValue(present=True, known=False, value=None, variable=var)
    return EnvValue(present=True, known=True, value=read_env(var.value), variable=var)


ASYNC_DRIVERS = {"redis", "database", "sqs", "beanstalkd"}
WORKER_COMMANDS = {"queue:work", "queue:listen", "horizon"}
SCHEDULER_COMMANDS = {"schedule:run", "schedule:work"}
DEFAULT_WORKER_TIMEOUT = 60
DEFAULT_RETRY_AFTER = {"redis": 90, "database": 90, "beanstalkd": 90}
RETRY_AFTER_ENV = {
    "redis": "REDIS_QUEUE_RETRY_AFTER",
    "database": "DB_QUEUE_RETRY_AFTER",
    "beanstalkd": "BEANSTALKD_QUEUE_RETRY_AFTER",
}
SQS_DEFAULT_VISIBILITY_TIMEOUT = 30


def queue_connection(
    target: Target, major: int | None, name: str = "QUEUE_CONNECTION", config_default: str | None = None
) -> tuple[str | None, bool]:
    """The connection name jobs are pushed to, and whether it was set explicitly.

    Unset means the default of the app's config/queue.php when envcheck read it, else the
    framework's: `sync` before Laravel 11, `database` from 11 on. When neither is known the
    unset connection is treated as `sync` (no false positive).
    """
    value = env(target, name)
    if value.present:
        return (value.value if isinstance(value.value, str) else None), True
    if config_default is not None:
        return config_default, False
    return ("database" if major is not None and major >= 11 else "sync"), False


def is_worker(process: Process) -> bool:
    return process.artisan_command() in WORKER_COMMANDS


def is_scheduler(process: Process) -> bool:
    return process.artisan_command() in SCHEDULER_COMMANDS


def worker_timeout(process: Process) -> int | None:
    """`queue:work --timeout` (default 60); None when not a plain integer."""
    raw = process.option("timeout")
    if raw is None:
        return DEFAULT_WORKER_TIMEOUT
    return int(raw) if raw.isdigit() else None


def worker_connection(process: Process) -> str | None:
    """The connection argument of `queue:work [connection]`, when given."""
    args = process.artisan() or ()
    for arg in args[1:]:
        if not arg.startswith("-"):
            return arg
    return None
