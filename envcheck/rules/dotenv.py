"""`.env*` files that phpdotenv (Laravel's loader) reads differently, or refuses."""

from __future__ import annotations

import re
from collections.abc import Iterator

from envcheck.model import Location, Severity
from envcheck.rules.registry import Hit, rule
from envcheck.sources.dotenv import unquoted_whitespace
from envcheck.stack import Stack

VALID_KEY = re.compile(r"^[A-Z_][A-Z0-9_]*$")


@rule("DOT001", "dotenv-parse-error", Severity.ERROR, "dotenv")
def dotenv_parse_error(stack: Stack) -> Iterator[Hit]:
    """A line of a `.env*` file cannot be parsed.

    Why: the line's variable is lost; phpdotenv (which Laravel uses) refuses the whole file
    with an InvalidFileException, so the app boots with none of its variables.
    Example: `DB_PASSWORD="unterminated`; a line with no `=`.
    Fix: quote values that contain spaces, `#` or quotes; remove stray lines.
    Source: vlucas/phpdotenv README (Syntax); python-dotenv parser.
    """
    for parsed in stack.dotenv_files:
        for entry in parsed.entries:
            if entry.error:
                yield Hit(
                    f"cannot parse line {entry.line}: its variable is lost",
                    Location(path=parsed.path, line=entry.line),
                    parsed.path,
                )


@rule("DOT002", "dotenv-duplicate-key", Severity.WARNING, "dotenv")
def dotenv_duplicate_key(stack: Stack) -> Iterator[Hit]:
    """A key appears twice in one `.env*` file.

    Why: the later value silently wins; whoever edits the first one sees no effect.
    Example: `SESSION_DOMAIN=null` at line 20 and `SESSION_DOMAIN=.example.com` at line 41.
    Fix: keep one.
    Source: vlucas/phpdotenv and python-dotenv: the last assignment wins.
    """
    for parsed in stack.dotenv_files:
        first: dict[str, int] = {}
        for entry in parsed.entries:
            if entry.key is None or entry.error:
                continue
            if entry.key in first:
                yield Hit(
                    f"{entry.key} is set again (first at line {first[entry.key]}): the later value wins",
                    Location(path=parsed.path, line=entry.line),
                    parsed.path,
                    entry.key,
                )
            else:
                first[entry.key] = entry.line


@rule("DOT003", "dotenv-invalid-key", Severity.WARNING, "dotenv")
def dotenv_invalid_key(stack: Stack) -> Iterator[Hit]:
    """A key is lowercase or has characters outside `[A-Z0-9_]`.

    Why: by convention (and POSIX) environment names are upper case; some loaders and shells
    skip other names, and code that reads the upper-case name finds nothing.
    Example: `session_domain=example.com`; `APP-NAME=x`.
    Fix: rename it to upper case with underscores.
    Source: POSIX.1-2017, Environment Variables (8.1).
    """
    for parsed in stack.dotenv_files:
        for entry in parsed.entries:
            if entry.key is not None and not entry.error and not VALID_KEY.match(entry.key):
                yield Hit(
                    f"key {entry.key!r} is not upper case [A-Z0-9_]",
                    Location(path=parsed.path, line=entry.line),
                    parsed.path,
                    entry.key,
                )


@rule("DOT004", "dotenv-unquoted-whitespace", Severity.ERROR, "dotenv")
def dotenv_unquoted_whitespace(stack: Stack) -> Iterator[Hit]:
    """An unquoted value contains whitespace.

    Why: phpdotenv refuses the whole file ("Encountered unexpected whitespace"), so Laravel
    boots without any of it, although python-dotenv and docker accept the line.
    Example: `APP_NAME=My Teacher`.
    Fix: quote it: `APP_NAME="My Teacher"`.
    Source: vlucas/phpdotenv, Parser (unquoted values).
    """
    for parsed in stack.dotenv_files:
        for entry in parsed.entries:
            if entry.key is not None and not entry.error and unquoted_whitespace(entry.raw):
                yield Hit(
                    f"the value of {entry.key} has unquoted whitespace: phpdotenv refuses the file",
                    Location(path=parsed.path, line=entry.line),
                    parsed.path,
                    entry.key,
                )
