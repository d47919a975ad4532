"""Variables the app needs: absent, empty, or not in the shape it reads."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from envcheck.fs import display_path
from envcheck.laravel import env
from envcheck.model import Location, Requirement, Severity, Target
from envcheck.rules.common import url_parts, variable_hit, where
from envcheck.rules.registry import Hit, rule
from envcheck.stack import Stack, is_production

if TYPE_CHECKING:
    from envcheck.sources.laravel import EnvRead

SOURCES = {"profile": "the stack profile", "config": "the app's config", "example": ".env.example"}


def _who(stack: Stack, req: Requirement) -> str:
    if req.source == "profile":
        return f"the {stack.profile.name} profile"
    if req.source in {"example", "config"} and req.location:
        return str(req.location)
    return SOURCES[req.source]


# Per driver, the config fields without which the active connection cannot work at all.
# A no-default env() alone does not make a variable required (AWS keys come from the task role,
# URLs are optional); these fields do, once the connection using them is the active one.
ACTIVE_FIELDS = {
    "filesystems": ("filesystems.default", "FILESYSTEM_DISK", "filesystems.disks", {"bucket", "region"}),
    "database": ("database.default", "DB_CONNECTION", "database.connections", {"host", "database", "username"}),
    "mail": ("mail.default", "MAIL_MAILER", "mail.mailers", {"host"}),
}


def config_requirements(stack: Stack, target: Target) -> list[Requirement]:
    """What the app's own config needs in this target: `Env::getOrFail` reads, the no-default reads
    behind the active disk, database connection and mailer, and APP_KEY (outside production, where
    SEC003 says more about it)."""
    out: list[Requirement] = []
    for app in stack.apps:
        app_key = app.config_keys.get("app.key")
        if app_key is not None and not is_production(target):
            out.append(Requirement(name=app_key.env, source="config", location=app_key.location))
        for reads in app.config_env_reads.values():
            out += [Requirement(name=r.name, source="config", location=_read_location(r)) for r in reads if r.required]
        for default_key, variable, prefix, fields in ACTIVE_FIELDS.values():
            active = _active(stack, target, default_key, variable)
            if active is None:
                continue
            for key, cfg in app.config_keys.items():
                head, _, field = key.rpartition(".")
                if head == f"{prefix}.{active}" and field in fields and cfg.direct and cfg.default is None:
                    out.append(Requirement(name=cfg.env, source="config", location=cfg.location))
    return out


def _read_location(read: EnvRead) -> Location | None:
    return Location(path=display_path(read.path), line=read.line) if read.path else None


def _active(stack: Stack, target: Target, default_key: str, variable: str) -> str | None:
    """The connection name in use: the target's variable, else the config's literal default."""
    value = env(target, stack.env_name(default_key, variable))
    if value.present:
        return value.value if value.known and isinstance(value.value, str) and value.value else None
    return stack.config_default(default_key)


@rule("REQ001", "required-variable-missing", Severity.ERROR, "required")
def required_variable_missing(stack: Stack) -> Iterator[Hit]:
    """A variable the app requires is absent from a deployed target (environment and secrets).

    Why: `env()` returns null for an absent variable, and code that needs a value fails at first
    use, in production: `Cannot assign null to property StableDiffusionService::$drawModelVersion`
    was the incident's six missing `REPLICATE_*`. Requirements come from the stack profile, from
    config reads that fail without a value (`Env::getOrFail`, APP_KEY, and the no-default reads behind the
    active disk, database connection and mailer, such as the s3 disk's `AWS_BUCKET`), and from
    `.env.example` (a warning when only the example asks: it is a contract, but a loose one; an entry
    the app's config reads with a default is optional). A
    no-default `env()` alone does not make a variable required. A variable the image's Dockerfile
    sets with `ENV` is present when the container runs that image's start (no `command` or
    `entryPoint` of its own).
    Example: the profile requires `REPLICATE_MODEL_VERSION`; the task definition does not set it.
    Fix: add the variable to the container's `environment`, or to `secrets` when it is one.
    Source: Laravel docs, Configuration: Environment Configuration.
    """
    for target in stack.deployed():
        if not target.environment_known or not stack.is_app_target(target):
            continue
        seen: set[str] = set()
        profile = [r for r in stack.requirements if r.source == "profile"]
        example = [r for r in stack.requirements if r.source == "example"]
        for req in [*profile, *config_requirements(stack, target), *example]:
            if req.name in seen or target.has(req.name) or req.name in target.image_env:
                continue
            seen.add(req.name)
            yield Hit(
                f"{req.name} is required by {_who(stack, req)} but absent from {target.id}",
                target.location,
                target.id,
                req.name,
                Severity.WARNING if req.source == "example" else None,
            )


@rule("REQ002", "required-variable-empty", Severity.ERROR, "required")
def required_variable_empty(stack: Stack) -> Iterator[Hit]:
    """A required variable is present but empty (or `null`).

    Why: the app reads `''` or null, the same failure as a missing variable, but harder to see
    in a review: the name is right there.
    Example: `{ name = "REPLICATE_POLLING_INTERVAL", value = "" }`.
    Fix: give it a real value, or remove it and the code that needs it.
    Source: laravel/framework Illuminate\\Support\\Env::get (keywords `empty` and `null`).
    """
    for target in stack.deployed():
        if not stack.is_app_target(target):
            continue
        for req in stack.requirements:
            value = env(target, req.name)
            if value.is_empty or value.is_null:
                shown = "empty" if value.is_empty else "null"
                yield Hit(
                    f"{req.name} is required by {_who(stack, req)} but {shown} in {target.id}",
                    where(target, req.name),
                    target.id,
                    req.name,
                )


@rule("REQ003", "variable-invalid-value", Severity.ERROR, "required")
def variable_invalid_value(stack: Stack) -> Iterator[Hit]:
    """A value does not have the type or format the profile declares.

    Why: a malformed value passes deploy and fails at first use, in production: a model version
    without its owner, a polling interval of `ten`, a URL without a scheme.
    Example: `REPLICATE_MAX_POLLING_ATTEMPTS=sixty`; `REPLICATE_MODEL_VERSION=anything-v4.0`.
    Fix: use the format the profile names (e.g. `owner/model:<64 hex>` for Replicate versions).
    Source: the stack profile (`envcheck/profiles/*.toml`), which documents each format.
    """
    specs = [r for r in stack.requirements if r.source == "profile"]
    for target in stack.runnable():
        for req in specs:
            value = env(target, req.name)
            if not (value.present and value.known and isinstance(value.value, str) and value.value):
                continue
            problem = _invalid(req, value.value)
            if problem:
                var = target.get(req.name)
                shown = var.shown if var else "?"
                yield Hit(f"{req.name}={shown!r} {problem}", where(target, req.name), target.id, req.name)


def _invalid(req: Requirement, text: str) -> str | None:
    if req.type in {"integer", "positive-integer"}:
        if not re.fullmatch(r"[+-]?\d+", text.strip()):
            return "is not an integer"
        if req.type == "positive-integer" and int(text) <= 0:
            return "is not a positive integer"
    if req.type == "url" and url_parts(text) is None:
        return "is not an absolute URL"
    if req.type == "boolean" and text.lower() not in {"true", "false", "(true)", "(false)", "1", "0"}:
        return "is not a boolean"
    if req.choices and text not in req.choices:
        return f"is not one of {', '.join(req.choices)}"
    if req.pattern and not re.search(req.pattern, text):
        return f"is not {req.pattern_help or 'in the expected format'}"
    return None


def _edit_distance_one(a: str, b: str) -> bool:
    """One insertion, deletion, substitution or adjacent transposition apart."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def _known_names(stack: Stack) -> set[str]:
    from envcheck.known_names import LARAVEL_NAMES

    names = set(LARAVEL_NAMES) | {r.name for r in stack.requirements} | {v.name for v in stack.profile.variables}
    names |= {v.name for t in stack.templates for v in t.variables}
    names |= {read.name for app in stack.apps for reads in app.config_env_reads.values() for read in reads}
    return names


@rule("REQ004", "variable-name-typo", Severity.WARNING, "required")
def variable_name_typo(stack: Stack) -> Iterator[Hit]:
    """An unknown variable name is one small edit from a known one.

    Why: the app reads the real name, finds nothing, and silently falls back to its default:
    `SESSION_DOMIAN=.example.com` leaves SESSION_DOMAIN unset. Known names are Laravel's own, the
    ones the app's config reads, the profile's and `.env.example`'s.
    Environment names are case-sensitive, so `filesystem_disk` is a typo of `FILESYSTEM_DISK` too.
    Example: `SESSION_DOMIAN`, `QUEUE_CONECTION`, `REDIS_HSOT`, `filesystem_disk`.
    Fix: correct the name.
    Source: Damerau–Levenshtein distance 1 against the known names; names that differ only in
    digits (`X_V2`, `X_V3`) are not typos.
    """
    known = _known_names(stack)
    for target in stack.runnable():
        present = {v.name for v in target.variables} | {s.name for s in target.secrets}
        for name in sorted(present - known):
            if len(name) < 6:
                continue
            close = sorted(
                k
                for k in known
                if k not in present
                and (_edit_distance_one(name, k) or name.upper() == k)
                and re.sub(r"\d", "", k) != re.sub(r"\d", "", name)
            )
            if close:
                yield variable_hit(
                    target,
                    name,
                    f"{name} is unknown; did you mean {close[0]}? (the app reads {close[0]}, which is unset)",
                )


QUOTED_KEYWORD = re.compile(r"""^(['"])\(?(true|false|null|empty)\)?\1$""", re.IGNORECASE)


@rule("REQ005", "quoted-keyword", Severity.WARNING, "required")
def quoted_keyword(stack: Stack) -> Iterator[Hit]:
    """An ECS or JSON value is a keyword wrapped in quotes that are part of the value.

    Why: in a task definition every value is already a string; writing `"\\"false\\""` puts the
    quotes into the variable. `env()` then strips them but only after checking for keywords,
    so it returns the string `false`, which PHP treats as true: `APP_DEBUG="false"` turns debug
    on. (In a `.env` file the quotes are removed by the loader, so `.env` values are fine.)
    Example: `{ name = "APP_DEBUG", value = "\\"false\\"" }` in Terraform.
    Fix: write the bare keyword: `value = "false"`.
    Source: laravel/framework Illuminate\\Support\\Env::get (keywords before quote stripping).
    """
    for target in stack.deployed():
        for var in target.variables:
            if var.value and var.origin == "environment" and QUOTED_KEYWORD.match(var.value.strip()):
                yield Hit(
                    f"{var.name} holds a quoted keyword {var.value!r}: env() returns the string, not the keyword",
                    var.location,
                    target.id,
                    var.name,
                )
