"""Laravel apps: framework version, scheduled tasks and the env() reads of config/*.php.

PHP is never executed. A small tokenizer (strings, heredocs, comments) turns each file into
tokens, so a commented-out task, or `//` and `;` inside a string, cannot fool the readers.
Every reader works on tokens and never raises on odd input; what it cannot follow (a task
built in a helper method, a dynamic env() name) is skipped rather than guessed.

Where tasks are found:
- `app/Console/Kernel.php`, inside `function schedule(Schedule $schedule) {...}`;
- `bootstrap/app.php`, inside `->withSchedule(function (Schedule $schedule) {...})` (or `fn`);
- `routes/console.php`, `Schedule::command|job|call|exec(...)` and scheduled closure commands
  (`Artisan::command('x', fn)->daily()`, Laravel 11+).
`Schedule::daily()->onOneServer()->group(function () {...})` (and `$schedule->...->group`) is
followed: the tasks inside inherit the group's methods.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from envcheck.discover import Discovered
from envcheck.fs import ScanContext, display_path
from envcheck.model import Location, Schedule

T = TypeVar("T")

# --------------------------------------------------------------------------- tokenizer


@dataclass(frozen=True, slots=True)
class Token:
    """One PHP token. Comments and whitespace are dropped; `?>` becomes `;` as in PHP."""

    kind: str  # "name", "var", "string", "number", "op"
    text: str  # as written
    line: int
    start: int  # offsets into the source
    end: int
    value: str = ""  # strings: the content with simple escapes decoded
    dynamic: bool = False  # strings: interpolates a variable, so `value` is not the runtime text


_NAME_START = r"A-Za-z_\x80-\U0010FFFF"
_NAME_CHAR = r"A-Za-z0-9_\x80-\U0010FFFF"
_NAME_RE = re.compile(rf"\\?[{_NAME_START}][{_NAME_CHAR}]*(?:\\[{_NAME_START}][{_NAME_CHAR}]*)*")
_VAR_RE = re.compile(rf"\$[{_NAME_START}][{_NAME_CHAR}]*")
_NUMBER_RE = re.compile(
    r"0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO][0-7_]+|(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][+-]?\d+)?"
)
_WS_RE = re.compile(r"\s+")
_SINGLE_RE = re.compile(r"'[^'\\]*(?:\\.[^'\\]*)*'", re.S)
_HEREDOC_RE = re.compile(r"""<<<[ \t]*(?:"([A-Za-z_]\w*)"|'([A-Za-z_]\w*)'|([A-Za-z_]\w*))\r?\n""")
_OPEN_TAG_RE = re.compile(r"<\?php(?=\s)|<\?php\Z|<\?=", re.I)
_OPS = (  # longest first
    *("?->", "<=>", "...", "**=", "===", "!==", "<<=", ">>=", "??="),
    *("->", "::", "=>", "??", "==", "!=", "<>", "<=", ">=", "&&", "||", "++", "--", "+=", "-=", "*=", "/=", ".="),
    *("%=", "&=", "|=", "^=", "<<", ">>", "**", "#["),
)
_PLAIN_RE = re.compile(
    rf"(?P<var>{_VAR_RE.pattern})|(?P<name>{_NAME_RE.pattern})|(?P<number>{_NUMBER_RE.pattern})"
    rf"|(?P<op>{'|'.join(re.escape(op) for op in _OPS)}|.)",
    re.S,
)
_SINGLE_ESCAPE_RE = re.compile(r"\\([\\'])")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "v": "\v", "e": "\x1b", "f": "\f", "\\": "\\", "$": "$", '"': '"'}
_MAX_NESTING = 64  # interpolation and array nesting deeper than this is not followed


def tokenize(text: str) -> list[Token]:
    """PHP tokens of `text`; text outside `<?php ... ?>` is inline HTML and yields nothing."""
    return _Lexer(text).run()


class _Lexer:
    def __init__(self, text: str) -> None:
        self.text = text
        self.newlines = [i for i, c in enumerate(text) if c == "\n"]
        self.tokens: list[Token] = []

    def line(self, pos: int) -> int:
        return bisect_right(self.newlines, pos - 1) + 1

    def emit(self, kind: str, start: int, end: int, value: str | None = None, dynamic: bool = False) -> None:
        raw = self.text[start:end]
        self.tokens.append(Token(kind, raw, self.line(start), start, end, raw if value is None else value, dynamic))

    def run(self) -> list[Token]:
        text, n = self.text, len(self.text)
        pos = self._skip_html(0)
        while pos < n:
            pos = self._step(pos)
            if text.startswith("?>", pos):
                self.emit("op", pos, pos + 2, ";")
                pos = self._skip_html(pos + 2)
        return self.tokens

    def _skip_html(self, pos: int) -> int:
        match = _OPEN_TAG_RE.search(self.text, pos)
        return match.end() if match else len(self.text)

    def _step(self, pos: int) -> int:
        """Read one token (or skip whitespace / a comment) at `pos`; returns the next position."""
        text = self.text
        c = text[pos]
        if c.isspace():
            match = _WS_RE.match(text, pos)
            return match.end() if match else pos + 1
        if c == "?" and text.startswith("?>", pos):
            return pos
        if (c == "#" and not text.startswith("#[", pos)) or (c == "/" and text.startswith("//", pos)):
            return self._line_comment_end(pos)
        if c == "/" and text.startswith("/*", pos):
            end = text.find("*/", pos + 2)
            return len(text) if end < 0 else end + 2
        if c == "'":
            return self._single(pos)
        if c in '"`':
            end, dynamic = _double_end(text, pos, c, 0)
            self.emit("string", pos, end, _decode_double(text[pos + 1 : end - 1]), dynamic)
            return end
        if c == "<" and text.startswith("<<<", pos) and (heredoc := _HEREDOC_RE.match(text, pos)):
            return self._heredoc(pos, heredoc)
        return self._plain(pos)

    def _line_comment_end(self, pos: int) -> int:
        """`//` and `#` comments end at the line end, or just before `?>` (PHP does the same)."""
        newline = self.text.find("\n", pos)
        end = len(self.text) if newline < 0 else newline
        close = self.text.find("?>", pos, end)
        return end if close < 0 else close

    def _single(self, pos: int) -> int:
        match = _SINGLE_RE.match(self.text, pos)
        end = match.end() if match else len(self.text)
        body = self.text[pos + 1 : end - 1] if match else self.text[pos + 1 :]
        self.emit("string", pos, end, _SINGLE_ESCAPE_RE.sub(r"\1", body) if "\\" in body else body)
        return end

    def _heredoc(self, pos: int, opening: re.Match[str]) -> int:
        ident = opening.group(1) or opening.group(2) or opening.group(3)
        closing = re.compile(rf"^[ \t]*{re.escape(ident)}(?![{_NAME_CHAR}])", re.M)
        found = closing.search(self.text, opening.end())
        end = found.end() if found else len(self.text)
        body = self.text[opening.end() : found.start() if found else end].rstrip("\r\n")
        nowdoc = opening.group(2) is not None
        self.emit("string", pos, end, body, dynamic=not nowdoc and "$" in body)
        return end

    def _plain(self, pos: int) -> int:
        """A variable, name, number or operator (any other single character is an operator too)."""
        match = _PLAIN_RE.match(self.text, pos)
        if match is None:  # cannot happen: the last alternative takes any character
            return pos + 1
        self.emit(match.lastgroup or "op", pos, match.end())
        return match.end()


def _double_end(text: str, pos: int, quote: str, depth: int) -> tuple[int, bool]:
    """End of the double-quoted (or backtick) string opening at `pos`, and whether it interpolates."""
    n, j, dynamic = len(text), pos + 1, False
    while j < n:
        c = text[j]
        if c == "\\":
            j += 2
        elif c == quote:
            return j + 1, dynamic
        elif c == "$" and j + 1 < n and (text[j + 1] == "{" or re.match(f"[{_NAME_START}]", text[j + 1])):
            dynamic = True
            j = _braced_end(text, j + 1, depth) if text[j + 1] == "{" else j + 1
        elif c == "{" and text.startswith("{$", j):
            dynamic = True
            j = _braced_end(text, j, depth)
        else:
            j += 1
    return n, dynamic


def _braced_end(text: str, pos: int, depth: int) -> int:
    """Past the `}` closing the interpolation `{...}` at `pos`; strings inside may hold braces."""
    if depth > _MAX_NESTING:
        return pos + 1
    n, j, level = len(text), pos, 0
    while j < n:
        c = text[j]
        if c == "{":
            level += 1
        elif c == "}":
            level -= 1
            if level == 0:
                return j + 1
        elif c == "'":
            match = _SINGLE_RE.match(text, j)
            j = match.end() if match else n
            continue
        elif c == '"':
            j, _ = _double_end(text, j, '"', depth + 1)
            continue
        j += 1
    return n


def _decode_double(body: str) -> str:
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(0)), body, flags=re.S)


# --------------------------------------------------------------------------- token helpers

_OPENERS = {"(", "[", "{", "#["}
_CLOSERS = {")", "]", "}"}
_CASTS = {"int", "integer", "bool", "boolean", "string", "float", "double"}


@dataclass
class PhpFile:
    """A tokenized file and its bracket pairs, so that skipping a nested expression is one lookup."""

    text: str
    toks: list[Token]
    match: list[int]

    @classmethod
    def parse(cls, text: str) -> PhpFile:
        toks = tokenize(text)
        match = [len(toks)] * len(toks)
        stack: list[int] = []
        for i, tok in enumerate(toks):
            if tok.kind != "op":
                continue
            if tok.text in _OPENERS:
                stack.append(i)
            elif tok.text in _CLOSERS and stack:
                match[stack.pop()] = i
        return cls(text, toks, match)

    def is_op(self, i: int, *ops: str) -> bool:
        return 0 <= i < len(self.toks) and self.toks[i].kind == "op" and self.toks[i].text in ops

    def is_name(self, i: int, *names: str) -> bool:
        """Case-insensitive, as PHP function and class names are: pass `names` in lower case.

        A qualified name matches by its last part: `\\Illuminate\\Support\\Env` matches `env`.
        """
        return 0 <= i < len(self.toks) and self.toks[i].kind == "name" and _short(self.toks[i].text) in names

    def skip(self, i: int) -> int:
        """The index after token i, jumping over the bracketed group it opens."""
        if self.is_op(i, *_OPENERS):
            return self.match[i] + 1
        return i + 1

    def split(self, open_: int, close: int) -> list[tuple[int, int]]:
        """Top-level comma-separated spans between a bracket and its closer (a trailing comma is dropped)."""
        spans: list[tuple[int, int]] = []
        start = j = open_ + 1
        while j < close:
            if self.is_op(j, ","):
                spans.append((start, j))
                start = j + 1
                j += 1
            else:
                j = self.skip(j)
        if start < min(close, len(self.toks)):
            spans.append((start, min(close, len(self.toks))))
        return spans

    def find_op(self, start: int, end: int, op: str) -> int | None:
        """The first top-level `op` in [start, end)."""
        j = start
        while j < end:
            if self.is_op(j, op):
                return j
            j = self.skip(j)
        return None

    def joined(self, start: int, end: int) -> str:
        """Tokens as normalised text: `0, '3:00'` whatever the original spacing or comments."""
        parts = []
        for tok in self.toks[start:end]:
            parts.append(tok.text + " " if tok.text == "," else tok.text)
        return "".join(parts).strip()

    def raw(self, start: int, end: int) -> str:
        """The source text of tokens [start, end), as written."""
        if start >= end or start >= len(self.toks):
            return ""
        return self.text[self.toks[start].start : self.toks[min(end, len(self.toks)) - 1].end]

    def string_at(self, start: int, end: int) -> str | None:
        """The value of a span that is exactly one non-interpolating string literal."""
        if end - start == 1 and self.toks[start].kind == "string" and not self.toks[start].dynamic:
            return self.toks[start].value
        return None

    def class_at(self, start: int, end: int) -> str | None:
        """`Foo::class` or `new Foo(...)` spans: the class name as written, without a leading `\\`."""
        toks = self.toks
        if (
            end - start == 3
            and toks[start].kind == "name"
            and self.is_op(start + 1, "::")
            and self.is_name(start + 2, "class")
        ):
            return toks[start].text.lstrip("\\")
        if self.is_name(start, "new") and start + 1 < end and toks[start + 1].kind == "name":
            return toks[start + 1].text.lstrip("\\")
        return None

    def strip_casts(self, start: int, end: int) -> int:
        """Past leading `(int)` / `(bool)` casts."""
        while start + 2 < end and self.is_op(start, "(") and self.is_name(start + 1, *_CASTS):
            if not self.is_op(start + 2, ")"):
                break
            start += 3
        return start


def _short(name: str) -> str:
    return name.rsplit("\\", 1)[-1].lower()


# --------------------------------------------------------------------------- public model


@dataclass
class EnvRead:
    """One `env('NAME', default)` / `Env::get` / `Env::getOrFail` call in a config file.

    `default` is the PHP text of the default as written (`'sync'` keeps its quotes, `null` stays
    `null`); None when no default is given. `default_value` is that default as a plain string when
    it is a scalar literal (`'sync'` -> `sync`, `90` -> `90`, `true` -> `true`), else None.
    `required` is True only for `Env::getOrFail`, which throws when the variable is missing.
    """

    name: str
    default: str | None
    has_default: bool
    line: int
    required: bool = False
    path: Path | None = None
    default_value: str | None = None

    @property
    def location(self) -> Location:
        return Location(path=display_path(self.path) if self.path else "", line=self.line)


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


@dataclass
class LaravelApp:
    """One Laravel application, found by its `artisan` (or a composer.json requiring laravel/framework).

    `version` is exact from composer.lock (`10.48.4`), else the composer.json constraint (`^11.0`);
    `major` is derived from it, None when the constraint allows several majors (`^10.0|^11.0`).
    `config_keys` maps dotted config keys (`session.domain`, `queue.connections.redis.retry_after`) to
    the env var their value reads; `session_keys` and `queue_default` are views of it.
    """

    root: Path
    version: str | None = None
    major: int | None = None
    version_from: Path | None = None  # composer.lock or composer.json
    schedules: list[Schedule] = field(default_factory=list)
    tasks: list[ScheduledTask] = field(default_factory=list)
    config_env_reads: dict[str, list[EnvRead]] = field(default_factory=dict)
    config_keys: dict[str, ConfigKey] = field(default_factory=dict)
    session_keys: dict[str, ConfigKey] = field(default_factory=dict)  # "domain" -> SESSION_DOMAIN read
    queue_default: ConfigKey | None = None
    queue_retry_after: dict[str, RetryAfter] = field(default_factory=dict)
    horizon_timeouts: list[HorizonTimeout] = field(default_factory=list)  # each supervisor's literal `timeout`
    fixed_keys: set[str] = field(default_factory=set)  # config keys set to a literal: no env var is read
    config_files: dict[str, Path] = field(default_factory=dict)  # stem -> path
    schedule_files: list[Path] = field(default_factory=list)  # Kernel/bootstrap/routes files read


# --------------------------------------------------------------------------- env() reads


def _literal_value(php: PhpFile, start: int, end: int) -> str | None:
    """A scalar literal as a plain string: `'x'` -> x, `-5` -> -5, `true` -> true; else None."""
    text = php.string_at(start, end)
    if text is not None:
        return text
    span = php.toks[start:end]
    if len(span) == 1 and span[0].kind == "number":
        return span[0].text
    if len(span) == 2 and php.is_op(start, "-") and span[1].kind == "number":
        return "-" + span[1].text
    if len(span) == 1 and php.is_name(start, "true", "false"):
        return span[0].text.lower()
    return None


# Functions that read an env var like `env()`: Laravel's, and helpers apps define around it
# (Firefly III's `envNonEmpty()` returns the default for an empty value too).
ENV_FUNCTIONS = ("env", "envnonempty")


def env_call_at(php: PhpFile, i: int, path: Path | None = None) -> tuple[EnvRead, int] | None:
    """The env read starting at token i and the index of its closing paren, or None.

    `env(...)` must be a function call (not `->env(` nor `::env(`); `Env::get`/`Env::getOrFail`
    must be on a class named Env. A name that is not a plain string literal is skipped.
    """
    toks = php.toks
    if php.is_name(i, *ENV_FUNCTIONS) and php.is_op(i + 1, "(") and not php.is_op(i - 1, "->", "?->", "::"):
        if php.is_name(i - 1, "function", "new", "const"):
            return None
        open_, required = i + 1, False
    elif php.is_name(i, "env") and php.is_op(i + 1, "::") and php.is_name(i + 2, "get", "getorfail"):
        if not php.is_op(i + 3, "("):
            return None
        open_, required = i + 3, _short(toks[i + 2].text) == "getorfail"
    else:
        return None
    close = php.match[open_]
    args = php.split(open_, close)
    name = php.string_at(*args[0]) if args else None
    if not name:
        return None
    has_default = len(args) > 1 and not required
    default = php.raw(*args[1]) if has_default else None
    value = _literal_value(php, *args[1]) if has_default else None
    return EnvRead(name, default, has_default, toks[i].line, required, path, value), close


def env_reads(php: PhpFile, path: Path | None = None) -> list[EnvRead]:
    """Every env read of a file, nested ones (`env('A', env('B'))`) included, in source order."""
    reads = []
    for i in range(len(php.toks)):
        found = env_call_at(php, i, path)
        if found:
            reads.append(found[0])
    return reads


# --------------------------------------------------------------------------- config arrays


@dataclass(frozen=True)
class HorizonTimeout:
    """A Horizon supervisor's `timeout`: Horizon's workers run with it, like `queue:work --timeout`."""

    seconds: int
    location: Location


@dataclass
class _Entry:
    """One element of a PHP array literal: `key => value`, or a bare value (key None)."""

    key: str | int | None
    line: int
    value: tuple[int, int]
    children: list[_Entry] | None


def _array_bounds(php: PhpFile, start: int, end: int) -> tuple[int, int] | None:
    """The bracket pair of a span that is exactly one array literal (`[...]` or `array(...)`)."""
    if php.is_op(start, "[") and php.match[start] == end - 1:
        return start, end - 1
    if php.is_name(start, "array") and php.is_op(start + 1, "(") and php.match[start + 1] == end - 1:
        return start + 1, end - 1
    return None


def _parse_array(php: PhpFile, open_: int, close: int, depth: int = 0) -> list[_Entry]:
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
        bounds = _array_bounds(php, *value) if depth < _MAX_NESTING else None
        children = _parse_array(php, *bounds, depth + 1) if bounds else None
        entries.append(_Entry(key, php.toks[start].line, value, children))
    return entries


def _returned_array(php: PhpFile) -> list[_Entry]:
    """Entries of the array in the file's top-level `return [...]` (config files), else []."""
    j = 0
    while j < len(php.toks):
        if php.is_name(j, "return"):
            end = php.find_op(j + 1, len(php.toks), ";")
            bounds = _array_bounds(php, j + 1, len(php.toks) if end is None else end)
            return _parse_array(php, *bounds) if bounds else []
        j = php.skip(j)
    return []


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


def _config_keys(php: PhpFile, entries: list[_Entry], prefix: str, path: Path) -> dict[str, ConfigKey]:
    keys: dict[str, ConfigKey] = {}
    for entry in entries:
        if entry.key is None:
            continue
        dotted = f"{prefix}.{entry.key}"
        if entry.children is not None:
            keys.update(_config_keys(php, entry.children, dotted, path))
        elif found := _value_env(php, *entry.value, path):
            keys[dotted] = found
    return keys


def _fixed_keys(php: PhpFile, entries: list[_Entry], prefix: str, path: Path) -> set[str]:
    """Dotted keys whose value reads no env var at all (`'same_site' => 'lax'`): the app ignores
    the variable the framework's skeleton reads there."""
    fixed: set[str] = set()
    for entry in entries:
        if entry.key is None:
            continue
        dotted = f"{prefix}.{entry.key}"
        if entry.children is not None:
            fixed |= _fixed_keys(php, entry.children, dotted, path)
        elif _value_env(php, *entry.value, path) is None:
            fixed.add(dotted)
    return fixed


def _retry_after(php: PhpFile, entries: list[_Entry], path: Path) -> dict[str, RetryAfter]:
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


def _retry_value(php: PhpFile, entry: _Entry, path: Path, driver: str | None) -> RetryAfter:
    start, end = entry.value
    text = " ".join(php.raw(start, end).split())
    literal = _literal_value(php, php.strip_casts(start, end), end)
    if literal is not None and _is_int(literal):
        return RetryAfter(int(literal), None, None, entry.line, path, text, driver)
    read = _value_env(php, start, end, path)
    if read is None:
        return RetryAfter(None, None, None, entry.line, path, text, driver)
    default = int(read.default_value) if read.default_value and _is_int(read.default_value) else None
    return RetryAfter(None, read.env, default, entry.line, path, text, driver)


def _horizon_timeouts(php: PhpFile, entries: list[_Entry], path: Path) -> list[HorizonTimeout]:
    """Literal `timeout` of each supervisor in config/horizon.php (`defaults` and `environments`)."""
    out: list[HorizonTimeout] = []
    for entry in entries:
        if entry.children is not None:
            out += _horizon_timeouts(php, entry.children, path)
        elif entry.key == "timeout":
            start, end = entry.value
            literal = _literal_value(php, php.strip_casts(start, end), end)
            if literal is not None and _is_int(literal):
                out.append(HorizonTimeout(int(literal), Location(path=display_path(path), line=entry.line)))
    return out


def _is_int(text: str) -> bool:
    return bool(re.fullmatch(r"-?\d+", text.strip()))


# --------------------------------------------------------------------------- schedules

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
        elif calls[-1].name.lower() == "group" and calls[-1].args and depth < _MAX_NESTING:
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


# --------------------------------------------------------------------------- composer


Composer = dict[Path, dict[str, Any] | None]  # composer.json path -> its data (None: unreadable)


def _read_json(path: Path, ctx: ScanContext) -> dict[str, Any] | None:
    """A composer file as a dict; SRC002 (with the line) when it is not valid JSON."""
    text = ctx.read_text(path)
    if text is None:
        return None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        ctx.report("SRC002", f"JSON does not parse: {exc.msg}", path, exc.lineno)
        return None
    except (ValueError, RecursionError):
        ctx.report("SRC002", "JSON does not parse (nested too deeply or invalid)", path)
        return None
    if not isinstance(data, dict):
        ctx.report("SRC002", "composer file is not a JSON object", path, 1)
        return None
    return data


def _requires_laravel(data: dict[str, Any] | None) -> str | None:
    require = data.get("require") if data else None
    constraint = require.get("laravel/framework") if isinstance(require, dict) else None
    return constraint if isinstance(constraint, str) else None


def _locked_version(data: dict[str, Any] | None) -> str | None:
    for section in ("packages", "packages-dev"):
        packages = data.get(section) if data else None
        for package in packages if isinstance(packages, list) else []:
            if isinstance(package, dict) and package.get("name") == "laravel/framework":
                version = package.get("version")
                return version.removeprefix("v") if isinstance(version, str) else None
    return None


def major_of(version: str | None) -> int | None:
    """10 for `10.48.4`, `v10.1`, `^10.10`, `~10.0`, `10.x-dev`; None when several majors are allowed."""
    if not version:
        return None
    majors = {int(m) for m in re.findall(r"(?:^|[|,\s^~>=<])v?(\d+)", version.strip())}
    return majors.pop() if len(majors) == 1 else None


# --------------------------------------------------------------------------- loading


def load_laravel(discovered: Discovered, ctx: ScanContext) -> list[LaravelApp]:
    """One LaravelApp per root (a dir with `artisan`, or a composer.json requiring laravel/framework).

    composer.json is classified as "json" by discovery, so it is taken from there too. Files are
    tied to a root by their exact place (`<root>/config/x.php`, `<root>/app/Console/Kernel.php`...);
    a config/*.php outside any root is ignored.
    """
    files = sorted(set(discovered["laravel"]) | {p for p in discovered["json"] if p.name == "composer.json"})
    composer: Composer = {}
    roots = set()
    for path in files:
        if path.name == "artisan":
            roots.add(path.parent)
        elif path.name == "composer.json":
            composer[path] = _read_json(path, ctx)
            if _requires_laravel(composer[path]):
                roots.add(path.parent)
    present = set(files)
    return [_load_app(root, present, composer, ctx) for root in sorted(roots)]


_SCHEDULE_READERS: tuple[tuple[str, Callable[[PhpFile, Path], list[ScheduledTask]]], ...] = (
    ("app/Console/Kernel.php", kernel_tasks),
    ("bootstrap/app.php", bootstrap_tasks),
    ("routes/console.php", routes_tasks),
)


def _load_app(root: Path, files: set[Path], composer: Composer, ctx: ScanContext) -> LaravelApp:
    app = LaravelApp(root=root)
    _set_version(app, files, composer, ctx)
    config = _config_dir(root, files)
    for path in sorted(p for p in files if p.parent == config and p.suffix == ".php"):
        php = _parse(path, ctx)
        if php is not None:
            _guarded(ctx, path, partial(_read_config, app, php, path))
    for relative, reader in _SCHEDULE_READERS:
        path = root / relative
        if path in files and (php := _parse(path, ctx)) is not None:
            app.schedule_files.append(path)
            app.tasks.extend(_guarded(ctx, path, partial(reader, php, path)) or [])
    app.schedules = [task.schedule for task in app.tasks]
    return app


def _config_dir(root: Path, files: set[Path]) -> Path:
    """`config/`, or `app/Config/` when the app has no `config/` (BookStack's Application overrides
    configPath() to keep its config there)."""
    standard = root / "config"
    if any(p.parent == standard for p in files):
        return standard
    moved = root / "app" / "Config"
    return moved if any(p.parent == moved for p in files) else standard


def _set_version(app: LaravelApp, files: set[Path], composer: Composer, ctx: ScanContext) -> None:
    lock = app.root / "composer.lock"
    if lock in files and (version := _locked_version(_read_json(lock, ctx))):
        app.version, app.version_from = version, lock
    else:
        manifest = app.root / "composer.json"
        constraint = _requires_laravel(composer.get(manifest)) if manifest in files else None
        if constraint:
            app.version, app.version_from = constraint.strip(), manifest
    app.major = major_of(app.version)


def _parse(path: Path, ctx: ScanContext) -> PhpFile | None:
    text = ctx.read_text(path)
    if text is None:
        return None
    return _guarded(ctx, path, partial(PhpFile.parse, text))


def _guarded(ctx: ScanContext, path: Path, work: Callable[[], T]) -> T | None:
    """Run one file's reader; an unexpected failure becomes SRC002 for that file, never a crash."""
    try:
        return work()
    except Exception as exc:  # the scan must go on whatever one file holds
        ctx.report("SRC002", f"could not read this PHP file ({exc.__class__.__name__}): nothing in it checked", path)
        return None


def _read_config(app: LaravelApp, php: PhpFile, path: Path) -> None:
    stem = path.stem
    app.config_files[stem] = path
    app.config_env_reads[stem] = env_reads(php, path)
    entries = _returned_array(php)
    keys = _config_keys(php, entries, stem, path)
    app.config_keys.update(keys)
    app.fixed_keys |= _fixed_keys(php, entries, stem, path)
    if stem == "session":
        app.session_keys = {k.split(".", 1)[1]: v for k, v in keys.items() if k.count(".") == 1}
    elif stem == "queue":
        app.queue_default = keys.get("queue.default")
        app.queue_retry_after = _retry_after(php, entries, path)
    elif stem == "horizon":
        app.horizon_timeouts = _horizon_timeouts(php, entries, path)
