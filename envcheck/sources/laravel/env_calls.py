"""env() reads: `env('NAME', default)`, the helpers apps define around it, and `Env::get`/`Env::getOrFail`.

A read whose name is not a plain string literal (`env($name)`) is skipped rather than guessed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from envcheck.fs import display_path
from envcheck.model import Location
from envcheck.sources.laravel.php_file import PhpFile

# Functions that read an env var like `env()`: Laravel's, and helpers apps define around it
# (Firefly III's `envNonEmpty()` returns the default for an empty value too).
ENV_FUNCTIONS = ("env", "envnonempty")


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


def env_call_at(php: PhpFile, i: int, path: Path | None = None) -> tuple[EnvRead, int] | None:
    """The env read starting at token i and the index of its closing paren, or None.

    `env(...)` must be a function call (not `->env(` nor `::env(`); `Env::get`/`Env::getOrFail`
    must be on a class named Env. A name that is not a plain string literal is skipped.
    """
    if php.is_name(i, *ENV_FUNCTIONS) and php.is_op(i + 1, "(") and not php.is_op(i - 1, "->", "?->", "::"):
        if php.is_name(i - 1, "function", "new", "const"):
            return None
        open_, required = i + 1, False
    elif php.is_name(i, "env") and php.is_op(i + 1, "::") and php.is_name(i + 2, "get", "getorfail"):
        if not php.is_op(i + 3, "("):
            return None
        open_, required = i + 3, php.is_name(i + 2, "getorfail")
    else:
        return None
    close = php.match[open_]
    args = php.split(open_, close)
    name = php.string_at(*args[0]) if args else None
    if not name:
        return None
    has_default = len(args) > 1 and not required
    default = php.raw(*args[1]) if has_default else None
    value = php.literal_at(*args[1]) if has_default else None
    return EnvRead(name, default, has_default, php.toks[i].line, required, path, value), close


def env_reads(php: PhpFile, path: Path | None = None) -> list[EnvRead]:
    """Every env read of a file, nested ones (`env('A', env('B'))`) included, in source order."""
    reads = []
    for i in range(len(php.toks)):
        found = env_call_at(php, i, path)
        if found:
            reads.append(found[0])
    return reads
