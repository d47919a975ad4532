"""Task definitions that ECS resolves differently from what their authors meant."""

from __future__ import annotations

from collections.abc import Iterator

from envcheck.model import Severity
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
