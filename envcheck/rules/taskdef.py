"""Task definitions that ECS resolves differently from what their authors meant."""

from __future__ import annotations

import re
from collections.abc import Iterator

from envcheck.fs import display_path
from envcheck.model import Location, Severity
from envcheck.rules.registry import Hit, rule
from envcheck.stack import Stack


@rule("ECS001", "duplicate-variable", Severity.WARNING, "taskdef")
def duplicate_variable(stack: Stack) -> Iterator[Hit]:
    """One container's `environment` names a variable twice.

    Why: only one value reaches the container, and which one is not what the reader of the
    Terraform expects (a `concat` of two lists that both set it, a copy-paste). Reviews read
    the first; ECS keeps one silently.
    Example: `concat(local.common_env, [{ name = "APP_ENV", value = "staging" }])` where
    `local.common_env` already sets APP_ENV.
    Fix: set each variable once; use `merge` over maps to override on purpose.
    Source: AWS ECS API reference, ContainerDefinition.environment.
    """
    for target in stack.deployed():
        seen: dict[str, int] = {}
        for var in target.variables:
            if var.name in seen:
                first = target.variables[seen[var.name]].location
                yield Hit(
                    f"{var.name} is set twice in {target.id} (first at {first}): one value silently wins",
                    var.location,
                    target.id,
                    var.name,
                )
            else:
                seen[var.name] = target.variables.index(var)


@rule("ECS002", "environment-secret-conflict", Severity.ERROR, "taskdef")
def environment_secret_conflict(stack: Stack) -> Iterator[Hit]:
    """One name is in both `environment` and `secrets` of a container.

    Why: ECS either rejects the registration or resolves the conflict in a way nobody reviews;
    the literal usually wins in reviews and loses in production, or the reverse.
    Example: `APP_KEY` in `environment` (an old literal) and in `secrets` (the SSM reference).
    Fix: keep the `secrets` entry and delete the `environment` one.
    Source: AWS ECS docs, Pass sensitive data to an Amazon ECS container.
    """
    for target in stack.deployed():
        env_names = {v.name for v in target.variables}
        for ref in target.secrets:
            if ref.name in env_names:
                yield Hit(
                    f"{ref.name} is in both environment and secrets of {target.id}",
                    ref.location,
                    target.id,
                    ref.name,
                )


SSM_NAME = re.compile(r"^/?[A-Za-z0-9_.\-/]{1,2048}$")
SSM_ARN = re.compile(r"^arn:aws[a-z-]*:ssm:[a-z0-9-]+:\d{12}:parameter/[A-Za-z0-9_.\-/]+$")
SECRETS_MANAGER_ARN = re.compile(
    r"^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@\-]+(:[^:]*:[^:]*:[^:]*)?$"
)


@rule("ECS003", "secret-reference-invalid", Severity.WARNING, "taskdef")
def secret_reference_invalid(stack: Stack) -> Iterator[Hit]:
    """A `secrets[].valueFrom` is neither an SSM parameter nor a Secrets Manager ARN.

    Why: ECS resolves `valueFrom` when the task starts; anything else fails the start with
    `ResourceInitializationError`, so the deploy never becomes healthy. A common slip is pasting
    the secret's value, or a console URL, where its ARN belongs.
    Example: `{ name = "DB_PASSWORD", valueFrom = "hunter2!" }`.
    Fix: the parameter's name or ARN (`arn:aws:ssm:region:account:parameter/name`) or the secret's
    ARN (`arn:aws:secretsmanager:region:account:secret:name`, optionally `:json-key::`).
    Source: AWS ECS docs, Pass sensitive data to an Amazon ECS container (Secret.valueFrom).
    """
    for target in stack.deployed():
        for ref in target.secrets:
            value = ref.value_from
            if value is None or SSM_ARN.match(value) or SECRETS_MANAGER_ARN.match(value):
                continue
            if not value.startswith("arn:") and SSM_NAME.match(value):
                continue
            shown = value if value.startswith(("arn:", "http")) else "a value that is not a reference"
            yield Hit(
                f"{ref.name}: valueFrom is {shown}, not an SSM parameter or Secrets Manager ARN",
                ref.location,
                target.id,
                ref.name,
            )


@rule("ECS004", "config-cached-at-build", Severity.ERROR, "taskdef")
def config_cached_at_build(stack: Stack) -> Iterator[Hit]:
    """The Dockerfile runs `artisan config:cache` (or `optimize`) while building the image.

    Why: the cached config is built from the environment of the build, and at runtime Laravel
    reads only the cache: every variable of the task definition is ignored (`env()` returns null
    outside config files once the config is cached). Caching belongs in the entrypoint, at
    container start.
    Example: `RUN php artisan config:cache` in the Dockerfile.
    Fix: run `php artisan config:cache` (or `optimize`) in the entrypoint instead.
    Source: Laravel docs, Configuration: Configuration Caching; Deployment: Optimization.
    """
    for docker in stack.dockerfiles:
        for step in docker.runs:
            if step.final and CACHE_AT_BUILD.search(step.text):
                yield Hit(
                    "the image caches its config at build time: the task definition's variables are ignored",
                    Location(path=display_path(docker.path), line=step.line),
                )


CACHE_AT_BUILD = re.compile(r"artisan\s+(config:cache|optimize)(\s|$|;|&)")
