"""Config files (`config/*.php`): the returned array, which env var each key reads, and the queue and
Horizon timings the queue rules compare.

Keys are dotted as Laravel's `config()` sees them: `session.domain`, `queue.connections.redis.retry_after`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from envcheck.fs import display_path
from envcheck.model import Location
from envcheck.sources.laravel.env_calls import env_call_at
from envcheck.sources.laravel.php import MAX_NESTING
from envcheck.sources.laravel.php_file import PhpFile


@dataclass
class ConfigKey:
    """A config key whose value reads an env var: `'domain' => env('SESSION_DOMAIN')` in session.php.

    `direct` is False when the env() call is only part of the value (`explode(',', env('X'))`);
    the env var is then the first one read in the value.
    """

    env: str
    default: str | None
    line: int
    path: Path
    direct: bool = True
    default_value: str | None = None

    @property
    def location(self) -> Location:
        return Location(path=display_path(self.path), line=self.line)


@dataclass
class RetryAfter:
    """`retry_after` of one queue connection in config/queue.php.

    `value` is set for a literal (`90`); `env`/`default` for `env('REDIS_QUEUE_RETRY_AFTER', 90)`
    (with or without an `(int)` cast); `default` is None unless the default is an integer literal.
    `text` is the PHP expression as written; `driver` the connection's literal `driver`, if any.
    """

    value: int | None
    env: str | None
    default: int | None
    line: int
    path: Path
    text: str
    driver: str | None = None

    @property
    def location(self) -> Location:
        return Location(path=display_path(self.path), line=self.line)


@dataclass(frozen=True)
class HorizonTimeout:
    """A Horizon supervisor's `timeout`: Horizon's workers run with it, like `queue:work --timeout`."""

    seconds: int
    location: Location


@dataclass
class ArrayEntry:
    """One element of a PHP array literal: `key => value`, or a bare value (key None)."""

    key: str | int | None
    line: int
    value: tuple[int, int]
    children: list[ArrayEntry] | None


def returned_array(php: PhpFile) -> list[ArrayEntry]:
    """Entries of the array in the file's top-level `return [...]` (config files), else []."""
    j = 0
    while j < len(php.toks):
        if php.is_name(j, "return"):
            end = php.find_op(j + 1, len(php.toks), ";")
            bounds = _array_bounds(php, j + 1, len(php.toks) if end is None else end)
            return _parse_array(php, *bounds) if bounds else []
        j = php.skip(j)
    return []


def _array_bounds(php: PhpFile, start: int, end: int) -> tuple[int, int] | None:
    """The bracket pair of a span that is exactly one array literal (`[...]` or `array(...)`)."""
    if php.is_op(start, "[") and php.match[start] == end - 1:
        return start, end - 1
    if php.is_name(start, "array") and php.is_op(start + 1, "(") and php.match[start + 1] == end - 1:
        return start + 1, end - 1
    return None


def _parse_array(php: PhpFile, open_: int, close: int, depth: int = 0) -> list[ArrayEntry]:
    entries = []
    for start, end in php.split(open_, close):
        arrow = php.find_op(start, end, "=>")
        key: str | int | None = None
        value = (start, end)
        if arrow is not None:
            value = (arrow + 1, end)
            key = php.string_at(start, arrow)
            if key is None and arrow - start == 1 and re.fullmatch(r"\d+", php.toks[start].text):
                key = int(php.toks[start].text)
        bounds = _array_bounds(php, *value) if depth < MAX_NESTING else None
        children = _parse_array(php, *bounds, depth + 1) if bounds else None
        entries.append(ArrayEntry(key, php.toks[start].line, value, children))
    return entries


def config_keys(
    php: PhpFile, entries: list[ArrayEntry], stem: str, path: Path
) -> tuple[dict[str, ConfigKey], set[str]]:
    """The dotted keys whose value reads an env var, and the fixed ones, whose value reads none
    (`'same_site' => 'lax'`): there the app ignores the variable the framework's skeleton reads."""
    keys: dict[str, ConfigKey] = {}
    fixed: set[str] = set()
    for dotted, entry in _leaves(entries, stem):
        if found := _value_env(php, *entry.value, path):
            keys[dotted] = found
        else:
            fixed.add(dotted)
    return keys, fixed


def _leaves(entries: list[ArrayEntry], prefix: str) -> Iterator[tuple[str, ArrayEntry]]:
    """Keyed entries that are not themselves arrays, with their dotted keys, in source order."""
    for entry in entries:
        if entry.key is None:
            continue
        dotted = f"{prefix}.{entry.key}"
        if entry.children is not None:
            yield from _leaves(entry.children, dotted)
        else:
            yield dotted, entry


def _value_env(php: PhpFile, start: int, end: int, path: Path) -> ConfigKey | None:
    """The env var a config value reads: the whole value (after casts), else the first env() in it."""
    inner = php.strip_casts(start, end)
    found = env_call_at(php, inner, path)
    if found and found[1] == end - 1:
        read = found[0]
        return ConfigKey(read.name, read.default, read.line, path, True, read.default_value)
    for i in range(start, end):
        found = env_call_at(php, i, path)
        if found:
            read = found[0]
            return ConfigKey(read.name, read.default, read.line, path, False, read.default_value)
    return None


def retry_after(php: PhpFile, entries: list[ArrayEntry], path: Path) -> dict[str, RetryAfter]:
    """`retry_after` of each connection under `'connections' => [...]` in config/queue.php."""
    out: dict[str, RetryAfter] = {}
    connections = next((e.children for e in entries if e.key == "connections" and e.children), [])
    for conn in connections:
        if not isinstance(conn.key, str) or conn.children is None:
            continue
        fields = {e.key: e for e in conn.children}
        entry = fields.get("retry_after")
        if entry is None:
            continue
        driver = fields.get("driver")
        out[conn.key] = _retry_value(php, entry, path, php.string_at(*driver.value) if driver else None)
    return out


def _retry_value(php: PhpFile, entry: ArrayEntry, path: Path, driver: str | None) -> RetryAfter:
    start, end = entry.value
    text = " ".join(php.raw(start, end).split())
    seconds = _int_literal(php, start, end)
    if seconds is not None:
        return RetryAfter(seconds, None, None, entry.line, path, text, driver)
    read = _value_env(php, start, end, path)
    if read is None:
        return RetryAfter(None, None, None, entry.line, path, text, driver)
    default = int(read.default_value) if read.default_value and _is_int(read.default_value) else None
    return RetryAfter(None, read.env, default, entry.line, path, text, driver)


def horizon_timeouts(php: PhpFile, entries: list[ArrayEntry], path: Path) -> list[HorizonTimeout]:
    """Literal `timeout` of each supervisor in config/horizon.php (`defaults` and `environments`)."""
    out: list[HorizonTimeout] = []
    for entry in entries:
        if entry.children is not None:
            out += horizon_timeouts(php, entry.children, path)
        elif entry.key == "timeout":
            seconds = _int_literal(php, *entry.value)
            if seconds is not None:
                out.append(HorizonTimeout(seconds, Location(path=display_path(path), line=entry.line)))
    return out


def _int_literal(php: PhpFile, start: int, end: int) -> int | None:
    """An integer literal, `(int)` casts allowed: `90`, `(int) '90'`, `-1`."""
    literal = php.literal_at(php.strip_casts(start, end), end)
    return int(literal) if literal is not None and _is_int(literal) else None


def _is_int(text: str) -> bool:
    return bool(re.fullmatch(r"-?\d+", text.strip()))
