"""The session cookie as a browser keys it: its name (derived as Laravel derives it) and its scope.

A browser keeps one cookie per name, domain, host-only flag and path. A cookie set with a
Domain attribute and a host-only one of the same name are two cookies (Chrome and Firefox
store the first as `.example.com`), while `Domain=.example.com` and `Domain=example.com` are the
same one (the leading dot is ignored). SES007 compares these, not the text of SESSION_DOMAIN.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

from envcheck.laravel import env
from envcheck.model import Target

if TYPE_CHECKING:
    from envcheck.stack import Stack

# How the default name is derived from APP_NAME: (function, separator, suffix).
UNDERSCORE = ("slug", "_", "_session")  # Str::slug(name, '_').'_session': the default from 5.5 through 12.x
HYPHEN = ("slug", "-", "-session")  # Str::slug(name).'-session': the laravel/laravel skeleton since #6636 (2025)
SNAKE = ("snake", "_", "_session")  # Str::snake(name).'_session': the framework's own config from 13 (#56172)

_DERIVED = re.compile(
    r"""(?:Str::|str_)(slug|snake)\(\s*(?:\(string\)\s*)?env\(\s*['"]([A-Z0-9_]+)['"]\s*"""
    r"""(?:,\s*['"]([^'"]*)['"])?\s*\)\s*(?:,\s*['"]([^'"]*)['"])?\s*\)\s*\.\s*['"]([^'"]*)['"]"""
)


def slug(title: str, separator: str = "-") -> str:
    """Laravel's `Str::slug` (language `en`): ASCII, lower case, words joined by `separator`."""
    flip = "_" if separator == "-" else "-"
    text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    text = re.sub(f"[{re.escape(flip)}]+", separator, text)
    text = text.replace("@", f"{separator}at{separator}")
    text = re.sub(rf"[^{re.escape(separator)}\w\s]+", "", text.lower())
    text = re.sub(rf"[{re.escape(separator)}\s]+", separator, text)
    return text.strip(separator)


def snake(value: str, delimiter: str = "_") -> str:
    """Laravel's `Str::snake`: `MyTeacher` -> `my_teacher` (spaces dropped, not slugged)."""
    if value and all("a" <= c <= "z" for c in value):  # PHP's ctype_lower
        return value
    value = re.sub(r"\s+", "", _ucwords(value))
    return re.sub(r"(.)(?=[A-Z])", rf"\1{delimiter}", value).lower()


def _ucwords(value: str) -> str:
    return re.sub(r"(^|\s)(\S)", lambda m: m.group(1) + m.group(2).upper(), value)


@dataclass(frozen=True)
class Naming:
    """How the app names its cookie: the variable that overrides it and the fallback recipe."""

    variable: str  # SESSION_COOKIE, or what the app's config/session.php reads
    app_variable: str  # APP_NAME
    app_default: str  # env('APP_NAME', 'laravel')
    recipe: tuple[str, str, str]


def naming(stack: Stack) -> Naming:
    """From the app's config/session.php when envcheck read it, else the framework's own default for
    the version (an app without the file runs the framework's: slug with `_` through 12, snake from 13)."""
    variable = stack.env_name("session.cookie", "SESSION_COOKIE")
    recipe = SNAKE if (stack.laravel_major or 0) >= 13 else UNDERSCORE
    app_variable, app_default = "APP_NAME", "laravel"
    defaults = {app.config_keys["session.cookie"].default for app in stack.apps if "session.cookie" in app.config_keys}
    if len(defaults) == 1:
        match = _DERIVED.search(defaults.pop() or "")
        if match:
            func, app_variable, default, separator, suffix = match.groups()
            app_default = default if default is not None else ""
            recipe = (func, separator or ("_" if func == "snake" else "-"), suffix)
    return Naming(variable, app_variable, app_default, recipe)


def cookie_name(target: Target, how: Naming) -> str | None:
    """The session cookie's name for this target; None when it depends on an unknown value."""
    explicit = env(target, how.variable)
    if explicit.present:
        return explicit.value if explicit.known and isinstance(explicit.value, str) else None
    app = env(target, how.app_variable)
    if not app.known:
        return None
    name = how.app_default if not app.present else app.value
    if not isinstance(name, str):
        return None
    func, separator, suffix = how.recipe
    return (slug(name, separator) if func == "slug" else snake(name, separator)) + suffix


@dataclass(frozen=True)
class Scope:
    """Where the browser files the cookie: host-only (domain None) or a domain and its subdomains."""

    domain: str | None

    def describe(self) -> str:
        return "a host-only cookie" if self.domain is None else f"a cookie for {self.domain} and its subdomains"


def cookie_scope(target: Target, variable: str) -> Scope | None:
    """SESSION_DOMAIN as the browser applies it; None when envcheck cannot know it.

    Unset, `null`, `''` and `false` all give no Domain attribute (host-only). A Domain value loses
    one leading dot and its case (RFC 6265 §5.2.3), so `.Example.com` is `example.com`.
    """
    value = env(target, variable)
    if not value.known:
        return None
    if not value.present or value.value in (None, "", False):
        return Scope(None)
    if not isinstance(value.value, str):
        return None
    text = value.value.strip()
    text = text[1:] if text.startswith(".") else text
    return Scope(text.lower()) if text else Scope(None)
