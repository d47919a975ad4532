"""Scheduled tasks, read from the three places Laravel declares them; PHP is never executed.

- `app/Console/Kernel.php`, inside `function schedule(Schedule $schedule) {...}`;
- `bootstrap/app.php`, inside `->withSchedule(function (Schedule $schedule) {...})` (or `fn`);
- `routes/console.php`, `Schedule::command|job|call|exec(...)` and scheduled closure commands
  (`Artisan::command('x', fn)->daily()`, Laravel 11+).
`Schedule::daily()->onOneServer()->group(function () {...})` (and `$schedule->...->group`) is
followed: the tasks inside inherit the group's methods. A task built in a helper method is skipped
rather than guessed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from envcheck.fs import display_path
from envcheck.model import Location, Schedule
from envcheck.sources.laravel.php import MAX_NESTING
from envcheck.sources.laravel.php_file import PhpFile


@dataclass
class ScheduledTask:
    """A scheduled task with everything the chain says; `schedule` is the model's view of it.

    `frequency` is the timing methods of the chain as text, joined by `->` when there are several
    (`hourly`, `dailyAt('03:00')`, `daily->at('13:00')`); None when the chain sets none (Laravel then
    runs the task every minute). Day/time filters (`weekdays`, `between(...)`, `timezone(...)`,
    `when`, `environments`, ...) go to `constraints`. `methods` is every method of the chain, in order.
    """

    kind: str  # "command", "job", "call", "exec" (scheduled closure commands are "command")
    command: str
    frequency: str | None
    on_one_server: bool
    without_overlapping: bool
    run_in_background: bool
    constraints: tuple[str, ...]
    methods: tuple[str, ...]
    path: Path
    line: int
    declared_in: str  # "kernel", "bootstrap", "routes"

    @property
    def location(self) -> Location:
        return Location(path=display_path(self.path), line=self.line)

    @property
    def schedule(self) -> Schedule:
        return Schedule(
            command=self.command, frequency=self.frequency, on_one_server=self.on_one_server, location=self.location
        )


_TASK_VERBS = {"command", "job", "call", "exec"}
_FREQUENCY = {
    "cron", "hourly", "hourlyat", "daily", "dailyat", "at", "twicedaily", "twicedailyat", "weekly", "weeklyon",
    "monthly", "monthlyon", "twicemonthly", "lastdayofmonth", "quarterly", "quarterlyon", "yearly", "yearlyon",
}  # fmt: skip
_CONSTRAINTS = {
    "weekdays", "weekends", "mondays", "tuesdays", "wednesdays", "thursdays", "fridays", "saturdays", "sundays",
    "days", "between", "unlessbetween", "timezone", "when", "skip", "environments", "eveninmaintenancemode",
}  # fmt: skip
_CLOSURE_COMMAND_OWN = {"purpose", "describe"}  # ClosureCommand methods that do not schedule it


@dataclass
class _Call:
    name: str
    args: list[tuple[int, int]]
    text: str  # `dailyAt('03:00')`, or `hourly` without arguments


def _chain(php: PhpFile, j: int) -> tuple[list[_Call], int]:
    """Method calls `::a(...)->b(...)->c(...)` starting at the operator at j; returns them and the end."""
    calls: list[_Call] = []
    ops: tuple[str, ...] = ("->", "?->", "::")
    toks = php.toks
    while j + 2 < len(toks) and php.is_op(j, *ops) and toks[j + 1].kind == "name" and php.is_op(j + 2, "("):
        close = php.match[j + 2]
        args = php.split(j + 2, close)
        name = toks[j + 1].text
        text = name if not args else f"{name}({', '.join(php.joined(*a) for a in args)})"
        calls.append(_Call(name, args, text))
        j, ops = close + 1, ("->", "?->")
    return calls, min(j, len(toks))


@dataclass
class _Closure:
    body: tuple[int, int]
    params: set[str]


def _closure(php: PhpFile, start: int, end: int) -> _Closure | None:
    """The body and parameters of `function (...) use (...) {...}` or `fn (...) => expr` in a span."""
    j = start
    while j < end and php.is_name(j, "static"):
        j += 1
    is_fn = php.is_name(j, "fn")
    if not php.is_name(j, "function", "fn"):
        return None
    j += 1
    if php.is_op(j, "&"):
        j += 1
    if not is_fn and j < end and php.toks[j].kind == "name":  # a named method: `function schedule(`
        j += 1
    if not php.is_op(j, "("):
        return None
    close = php.match[j]
    params = _params(php, j, close)
    if is_fn:
        arrow = php.find_op(close + 1, end, "=>")
        return _Closure((arrow + 1, end), params) if arrow is not None else None
    k = close + 1
    while k < end and not php.is_op(k, "{", ";"):
        k = php.skip(k)
    if k >= end or php.is_op(k, ";"):  # an abstract or interface method has no body
        return None
    return _Closure((k + 1, php.match[k]), params)


def _params(php: PhpFile, open_: int, close: int) -> set[str]:
    """Parameter variables, keeping only those typed `Schedule` when there are any."""
    typed: set[str] = set()
    untyped: set[str] = set()
    for start, end in php.split(open_, close):
        names = [t.text for t in php.toks[start:end] if t.kind == "var"]
        if not names:
            continue
        is_schedule = any(php.is_name(k, "schedule") for k in range(start, end))
        (typed if is_schedule else untyped).add(names[0])
    return typed or untyped


class _TaskScanner:
    """Finds the tasks declared in one token range of one file."""

    def __init__(self, php: PhpFile, path: Path, declared_in: str) -> None:
        self.php, self.path, self.declared_in = php, path, declared_in
        self.tasks: list[ScheduledTask] = []

    def scan(self, start: int, end: int, variables: set[str], inherited: list[_Call], depth: int = 0) -> None:
        php, toks = self.php, self.php.toks
        j = start
        while j < min(end, len(toks)):
            if self._starts_chain(j, variables):
                calls, after = _chain(php, j + 1)
                if calls:
                    self._take(j, calls, variables, inherited, depth)
                    j = max(after, j + 1)
                    continue
            j += 1

    def _starts_chain(self, j: int, variables: set[str]) -> bool:
        """`$schedule->`, `Schedule::` or `Artisan::command(`, not itself part of a longer expression."""
        php, tok = self.php, self.php.toks[j]
        if php.is_op(j - 1, "->", "?->", "::") or php.is_name(j - 1, "new", "function", "const"):
            return False
        if tok.kind == "var":
            return tok.text in variables and php.is_op(j + 1, "->", "?->")
        if php.is_name(j, "schedule"):
            return php.is_op(j + 1, "::")
        return php.is_name(j, "artisan") and php.is_op(j + 1, "::") and php.is_name(j + 2, "command")

    def _take(self, j: int, calls: list[_Call], variables: set[str], inherited: list[_Call], depth: int) -> None:
        php, first = self.php, calls[0]
        verb = first.name.lower()
        if php.is_name(j, "artisan"):
            rest = [c for c in calls[1:] if c.name.lower() not in _CLOSURE_COMMAND_OWN]
            signature = php.string_at(*first.args[0]) if first.args else None
            if rest and signature and signature.split():
                self._add("command", signature.split()[0], j, inherited, rest)
        elif verb in _TASK_VERBS:
            self._add(verb, self._describe(verb, first.args), j, inherited, calls[1:])
        elif calls[-1].name.lower() == "group" and calls[-1].args and depth < MAX_NESTING:
            closure = _closure(php, *calls[-1].args[0])
            if closure:
                self.scan(*closure.body, variables | closure.params, inherited + calls[:-1], depth + 1)

    def _describe(self, verb: str, args: list[tuple[int, int]]) -> str:
        """What the task runs: the command string, a class name, `closure`, `job:Class`, `exec:...`."""
        php = self.php
        if not args:
            return verb
        start, end = args[0]
        text = php.string_at(start, end)
        cls = php.class_at(start, end)
        if verb == "command":
            return (text.strip() if text is not None else None) or cls or php.joined(start, end)
        if verb == "call" and _closure(php, start, end):
            return "closure"
        if verb == "exec":
            return "exec:" + (text.strip() if text is not None else php.joined(start, end))
        return f"{verb}:" + (cls or php.joined(start, end))

    def _add(self, kind: str, command: str, j: int, inherited: list[_Call], own: list[_Call]) -> None:
        """Record a task; a group's timing applies only when the task sets none of its own."""
        methods = inherited + own
        names = [c.name.lower() for c in methods]
        timing = [c.text for c in (own if _timing(own) else inherited) if _is_timing(c)]
        self.tasks.append(
            ScheduledTask(
                kind=kind,
                command=command,
                frequency="->".join(timing) or None,
                on_one_server="ononeserver" in names,
                without_overlapping="withoutoverlapping" in names,
                run_in_background="runinbackground" in names,
                constraints=tuple(c.text for c in methods if c.name.lower() in _CONSTRAINTS),
                methods=tuple(c.text for c in methods),
                path=self.path,
                line=self.php.toks[j].line,
                declared_in=self.declared_in,
            )
        )


def _is_timing(call: _Call) -> bool:
    name = call.name.lower()
    return name in _FREQUENCY or name.startswith("every")


def _timing(calls: list[_Call]) -> bool:
    return any(_is_timing(c) for c in calls)


def kernel_tasks(php: PhpFile, path: Path) -> list[ScheduledTask]:
    """Tasks in `function schedule(Schedule $schedule) {...}` of app/Console/Kernel.php."""
    scanner = _TaskScanner(php, path, "kernel")
    for j in range(len(php.toks)):
        if php.is_name(j, "function") and php.is_name(j + 1, "schedule") and php.is_op(j + 2, "("):
            closure = _closure(php, j, len(php.toks))
            if closure:
                scanner.scan(*closure.body, closure.params, [])
    return scanner.tasks


def bootstrap_tasks(php: PhpFile, path: Path) -> list[ScheduledTask]:
    """Tasks in `->withSchedule(function (Schedule $schedule) {...})` of bootstrap/app.php."""
    scanner = _TaskScanner(php, path, "bootstrap")
    for j in range(len(php.toks)):
        if php.is_op(j - 1, "->", "?->") and php.is_name(j, "withschedule") and php.is_op(j + 1, "("):
            args = php.split(j + 1, php.match[j + 1])
            closure = _closure(php, *args[0]) if args else None
            if closure:
                scanner.scan(*closure.body, closure.params, [])
    return scanner.tasks


def routes_tasks(php: PhpFile, path: Path) -> list[ScheduledTask]:
    """`Schedule::...` facade tasks and scheduled closure commands anywhere in routes/console.php."""
    scanner = _TaskScanner(php, path, "routes")
    scanner.scan(0, len(php.toks), set(), [])
    return scanner.tasks


# Where each kind of file sits under an app root, and the reader of its tasks.
SCHEDULE_READERS: tuple[tuple[str, Callable[[PhpFile, Path], list[ScheduledTask]]], ...] = (
    ("app/Console/Kernel.php", kernel_tasks),
    ("bootstrap/app.php", bootstrap_tasks),
    ("routes/console.php", routes_tasks),
)
