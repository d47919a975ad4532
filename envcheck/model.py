"""The model every source produces and every rule reads.

Sources turn files into these objects; rules never parse files. Secret values live in
`Variable.value` but are excluded from repr and serialisation: everything that is shown
goes through `Variable.shown`, which masks them.
"""

from __future__ import annotations

import hashlib
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 3, "warning": 2, "info": 1}[self.value]


class Location(BaseModel):
    model_config = ConfigDict(frozen=True)

    path: str
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path


def mask(value: str, kind: str = "secret") -> str:
    """Show a secret as `kind:sha256-prefix`: two sources can be seen to differ, never read."""
    digest = hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return f"{kind}:{digest}"


class Variable(BaseModel):
    """One binding of a target: `NAME=value` in a .env, or one `environment` entry.

    `value` is None when envcheck cannot know it (an unresolved Terraform expression);
    `unknown_reason` then says why. `origin` tells where it lives in the target.
    """

    model_config = ConfigDict(frozen=True)

    name: str
    value: str | None = Field(default=None, repr=False, exclude=True)
    secret: bool = False
    unknown_reason: str | None = None
    origin: Literal["environment", "dotenv", "env-file"] = "environment"
    location: Location

    @property
    def known(self) -> bool:
        return self.value is not None

    @property
    def shown(self) -> str:
        """The value as it may appear in a report."""
        if self.value is None:
            return "<unknown>"
        if self.secret and self.value:
            return mask(self.value)
        return self.value


class SecretRef(BaseModel):
    """A `secrets[]` entry of a container: the value comes from SSM or Secrets Manager."""

    model_config = ConfigDict(frozen=True)

    name: str
    value_from: str | None
    location: Location


class Process(BaseModel):
    """Something a target runs, and how it is run."""

    model_config = ConfigDict(frozen=True)

    argv: tuple[str, ...]
    source: str  # what started it: "container command", a script path, "supervisord", "cron"
    location: Location
    backgrounded: bool = False  # `&` or nohup
    supervised: bool = False  # supervisord program, or a container's own main process
    loop_sleep: int | None = None  # inside `while ...; sleep N; done`: N
    cron: str | None = None  # the five-field schedule when started by cron
    after_foreground: str | None = None  # a foreground command before it that never returns
    main: bool = False  # the container's foreground (PID 1) process
    conditional: bool = False  # inside an `if`/`&&`/`||`: may not run

    @property
    def text(self) -> str:
        return " ".join(self.argv)

    def artisan(self) -> tuple[str, ...] | None:
        """Arguments after `artisan` when this is a Laravel command, else None."""
        for i, arg in enumerate(self.argv):
            if arg == "artisan" or arg.endswith("/artisan"):
                return self.argv[i + 1 :]
        return None

    def artisan_command(self) -> str | None:
        args = self.artisan()
        return args[0] if args else None

    def option(self, name: str) -> str | None:
        """Value of `--name=V` or `--name V` among the artisan arguments."""
        args = self.artisan() or ()
        for i, arg in enumerate(args):
            if arg.startswith(f"--{name}="):
                return arg.split("=", 1)[1]
            if arg == f"--{name}" and i + 1 < len(args) and not args[i + 1].startswith("-"):
                return args[i + 1]
        return None

    def has_flag(self, name: str) -> bool:
        args = self.artisan() or ()
        return any(a == f"--{name}" or a.startswith(f"--{name}=") for a in args)


TargetKind = Literal["local", "deployed", "template"]


class Target(BaseModel):
    """One place the app runs with one set of variables."""

    id: str
    kind: TargetKind
    location: Location
    variables: list[Variable] = Field(default_factory=list)
    secrets: list[SecretRef] = Field(default_factory=list)
    processes: list[Process] = Field(default_factory=list)
    processes_known: bool = False  # False: envcheck cannot see what this target runs
    environment_known: bool = True  # False: the whole environment is an unresolved expression
    replicas: int | None = None
    family: str | None = None
    container: str | None = None
    stop_timeout: int | None = None
    command: tuple[str, ...] | None = None  # container `command`, when set
    entry_point: tuple[str, ...] | None = None  # container `entryPoint`, when set
    start_unknown: str | None = None  # why the container's start could not be resolved
    dotenv_path: str | None = None  # for local targets: the file they come from
    image_env: list[str] = Field(default_factory=list)  # names the image's Dockerfile `ENV` sets

    def get(self, name: str) -> Variable | None:
        """The effective binding of `name` (the last one wins, as in dotenv and ECS)."""
        found = None
        for var in self.variables:
            if var.name == name:
                found = var
        return found

    def has(self, name: str) -> bool:
        return self.get(name) is not None or any(s.name == name for s in self.secrets)

    def secret(self, name: str) -> SecretRef | None:
        return next((s for s in self.secrets if s.name == name), None)


class Schedule(BaseModel):
    model_config = ConfigDict(frozen=True)

    command: str
    frequency: str | None = None
    on_one_server: bool = False
    location: Location


class Requirement(BaseModel):
    """A variable the app needs, and who says so."""

    model_config = ConfigDict(frozen=True)

    name: str
    source: Literal["profile", "example", "config"]
    location: Location | None = None
    type: Literal["string", "integer", "positive-integer", "boolean", "url"] = "string"
    pattern: str | None = None
    pattern_help: str | None = None
    choices: tuple[str, ...] = ()


class Finding(BaseModel):
    code: str
    name: str
    severity: Severity
    message: str
    location: Location | None = None
    target: str | None = None
    variable: str | None = None
    fingerprint: str = ""
    suppressed: bool = False  # matched an inline `envcheck: ignore[...]` or the baseline; shown, never gating
    suppression: str | None = None  # why: the reason after `--`, or "baseline"

    def with_fingerprint(self) -> Finding:
        """A fingerprint that survives line moves: code, path, target, variable, message."""
        path = self.location.path if self.location else ""
        key = "\x1f".join([self.code, path, self.target or "", self.variable or "", self.message])
        return self.model_copy(update={"fingerprint": hashlib.sha256(key.encode()).hexdigest()[:16]})
