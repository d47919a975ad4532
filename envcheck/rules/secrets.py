"""Secrets in the open, debug pages, broken keys and seeded default accounts in production."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterator

from envcheck import secrets as detect
from envcheck.laravel import env
from envcheck.model import Severity
from envcheck.rules.common import variable_hit, where
from envcheck.rules.registry import Hit, rule
from envcheck.stack import Stack, is_production

SEEDING_COMMANDS = {"db:seed"}


@rule("SEC001", "plaintext-secret", Severity.ERROR, "secrets")
def plaintext_secret(stack: Stack) -> Iterator[Hit]:
    """A secret is a literal in a task definition's `environment`.

    Why: anyone who can call `ecs:DescribeTaskDefinition` (or read the Terraform state, the
    repository, the CI logs) reads it, and every revision keeps it forever. Secrets are found by
    name (`*_TOKEN`, `*_SECRET`, `*_PASSWORD`, `*_KEY`, `APP_KEY`, …) or by value (`AKIA…`,
    `sk_live_…`, `r8_…`, `ghp_…`, long high-entropy strings); ARNs, parameter names and
    placeholders are not secrets, and neither are keys meant to be public (`PUSHER_APP_KEY`,
    `VITE_*`, Stripe's `pk_live_…` publishable key).
    Example: `{ name = "REPLICATE_API_TOKEN", value = "r8_…" }` in `environment`.
    Fix: store it in SSM Parameter Store or Secrets Manager and reference it from `secrets`
    (`{ name = "REPLICATE_API_TOKEN", valueFrom = "arn:aws:ssm:…" }`); rotate the exposed one.
    Source: AWS ECS docs, Pass sensitive data to an Amazon ECS container.
    """
    for target in stack.deployed():
        for var in target.variables:
            if var.value is None or var.origin != "environment" or not var.value.strip():
                continue
            if detect.is_placeholder(var.value) or detect.is_reference(var.value) or detect.is_publishable(var.value):
                continue
            kind = detect.secret_value_kind(var.value)
            if kind is None and not (detect.is_secret_name(var.name) or _secret_by_profile(stack, var.name)):
                continue
            what = f"a {kind}" if kind else "a secret by its name"
            yield Hit(
                f"{var.name} is {what} in plaintext in the task definition environment "
                f"({var.shown}); move it to `secrets`",
                var.location,
                target.id,
                var.name,
            )


def _secret_by_profile(stack: Stack, name: str) -> bool:
    return any(spec.name == name and spec.secret for spec in stack.profile.variables)


@rule("SEC002", "app-debug-in-production", Severity.ERROR, "secrets")
def app_debug_in_production(stack: Stack) -> Iterator[Hit]:
    """APP_DEBUG is on in a production target.

    Why: with debug on, Laravel's error pages show stack traces, queries and the environment
    (keys, passwords) to anyone who can trigger an error.
    Example: `APP_ENV=production` with `APP_DEBUG=true`; or `APP_DEBUG="false"` with the quotes
    inside the value, which `env()` reads as the truthy string `false`.
    Fix: `APP_DEBUG=false` in production.
    Source: Laravel docs, Configuration: Debug Mode.
    """
    for target in stack.runnable():
        debug = env(target, "APP_DEBUG")
        if is_production(target) and debug.present and debug.known and debug.truthy:
            yield variable_hit(target, "APP_DEBUG", "APP_DEBUG is on in production: error pages expose the environment")


@rule("SEC003", "app-key-invalid", Severity.ERROR, "secrets")
def app_key_invalid(stack: Stack) -> Iterator[Hit]:
    """A production target has no usable APP_KEY.

    Why: without APP_KEY every request that touches encryption (sessions, cookies, signed URLs)
    throws MissingAppKeyException; a key that does not decode to 32 bytes fails the default
    AES-256-CBC cipher ("Unsupported cipher or incorrect key length").
    Sidecars of the task (an nginx in front, a log router) are not the app and are not judged.
    Example: APP_KEY absent from the task definition's environment and secrets; `APP_KEY=base64:abc`.
    Fix: `php artisan key:generate --show`, store the result in SSM or Secrets Manager, and
    reference it from `secrets`.
    Source: laravel/framework Illuminate\\Encryption\\EncryptionServiceProvider and Encrypter::supported.
    """
    for target in stack.runnable():
        if not is_production(target) or not target.environment_known or not stack.is_app_target(target):
            continue
        key = env(target, "APP_KEY")
        problem = None
        if not key.present:
            problem = "APP_KEY is absent (environment and secrets): MissingAppKeyException"
        elif key.known and not key.text:
            problem = "APP_KEY is empty: MissingAppKeyException"
        elif key.known and key.text and _key_bytes(key.text) != 32:
            problem = "APP_KEY does not decode to 32 bytes: the default AES-256-CBC cipher rejects it"
        if problem:
            yield Hit(problem, where(target, "APP_KEY"), target.id, "APP_KEY")


def _key_bytes(text: str) -> int | None:
    if text.startswith("base64:"):
        try:
            return len(base64.b64decode(text[7:], validate=True))
        except (binascii.Error, ValueError):
            return None
    return len(text.encode())


@rule("SEC004", "seeders-in-production", Severity.WARNING, "secrets")
def seeders_in_production(stack: Stack) -> Iterator[Hit]:
    """A production target runs the database seeders.

    Why: seeders create known accounts with default passwords (the incident's `admin` and
    `testuser` with `password`) and can reset data on every start; in production they are a
    back door that stays open until someone remembers it.
    Example: `RUN_SEEDERS=true` in the task definition; `php artisan db:seed --force` in the
    entrypoint with no condition.
    Fix: seed production once, by hand or with a one-off task, then remove the switch; change
    any default passwords it created.
    Source: Laravel docs, Database: Seeding (`--force` in production).
    """
    for target in stack.runnable():
        if not is_production(target):
            continue
        run = env(target, "RUN_SEEDERS")
        if run.present and run.known and run.truthy:
            yield variable_hit(
                target, "RUN_SEEDERS", "RUN_SEEDERS is on in production: seeders create accounts with default passwords"
            )
            continue  # the seeding the switch turns on (`if [ "$RUN_SEEDERS" = true ]`) is that same finding
        for process in target.processes:
            args = process.artisan() or ()
            seeds = process.artisan_command() in SEEDING_COMMANDS or (
                bool(args) and args[0].startswith("migrate") and "--seed" in args
            )
            if seeds and not process.conditional and not process.after_foreground:
                yield Hit(
                    f"`{process.text}` runs on every start of a production container", process.location, target.id
                )


LOCAL_OK_KINDS = {"laravel-app-key", "high-entropy"}


@rule("SEC005", "secret-in-dotenv", Severity.WARNING, "secrets")
def secret_in_dotenv(stack: Stack) -> Iterator[Hit]:
    """A `.env*` file (not an example) holds what looks like a live secret.

    Why: `.env` files get committed, copied into images (`COPY . .`) and shared in chats; a live
    token there outlives everyone's memory of it. Matched by value: AWS access keys, Stripe live
    keys, Replicate, GitHub, GitLab, Slack and OpenAI tokens, private keys. A local APP_KEY is
    normal and not reported.
    Example: `REPLICATE_API_TOKEN=r8_…` in `laravel/.env`.
    Fix: keep it out of the file (a secret manager, or an untracked `.env.local`), add the file to
    `.gitignore` and `.dockerignore`, and rotate the token.
    Source: OWASP Secrets Management Cheat Sheet; GitHub secret scanning patterns.
    """
    for target in stack.runnable():
        if target.kind != "local":
            continue
        for var in target.variables:
            kind = detect.secret_value_kind(var.value) if var.value else None
            if kind and kind not in LOCAL_OK_KINDS:
                yield Hit(f"{var.name} holds a {kind} ({var.shown}) in a .env file", var.location, target.id, var.name)
