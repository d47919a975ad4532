"""Variables the app needs: absent, empty, or not in the shape it reads."""

from __future__ import annotations

import re
from collections.abc import Iterator

from envcheck.laravel import env
from envcheck.model import Requirement, Severity
from envcheck.rules.common import url_parts, where
from envcheck.rules.registry import Hit, rule
from envcheck.stack import Stack

SOURCES = {"profile": "the stack profile", "config": "the app's config", "example": ".env.example"}


def _who(stack: Stack, req: Requirement) -> str:
    if req.source == "profile":
        return f"the {stack.profile.name} profile"
    if req.source == "example" and req.location:
        return str(req.location.path)
    return SOURCES[req.source]


@rule("REQ001", "required-variable-missing", Severity.ERROR, "required")
def required_variable_missing(stack: Stack) -> Iterator[Hit]:
    """A variable the app requires is absent from a deployed target (environment and secrets).

    Why: `env()` returns null for an absent variable, and code that needs a value fails at first
    use, in production: `Cannot assign null to property StableDiffusionService::$drawModelVersion`
    was the incident's six missing `REPLICATE_*`. Requirements come from the stack profile, from
    config reads that fail without a value, and from `.env.example` (a warning when only the
    example asks: it is a contract, but a loose one).
    Example: the profile requires `REPLICATE_MODEL_VERSION`; the task definition does not set it.
    Fix: add the variable to the container's `environment`, or to `secrets` when it is one.
    Source: Laravel docs, Configuration: Environment Configuration.
    """
    for target in stack.deployed():
        if not target.environment_known:
            continue
        for req in stack.requirements:
            if not target.has(req.name):
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
