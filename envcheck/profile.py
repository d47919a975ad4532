"""Stack profiles: which variables a stack needs, their formats, which are secrets. Data, not code.

Bundled profiles live in `envcheck/profiles/*.toml`; `--profile` also takes a path.
A profile may extend another; its variables are added to (and override) the parent's.
"""

from __future__ import annotations

import re
import tomllib
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from envcheck.errors import UsageError


class VariableSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    required: bool = True
    secret: bool = False
    type: Literal["string", "integer", "positive-integer", "boolean", "url"] = "string"
    pattern: str | None = None
    pattern_help: str | None = None
    choices: list[str] = Field(default_factory=list)

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(f"not a valid regular expression: {exc}") from exc
        return value


class Profile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    description: str = ""
    extends: str | None = None
    variables: list[VariableSpec] = Field(default_factory=list)


def bundled_names() -> list[str]:
    folder = resources.files("envcheck") / "profiles"
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".toml"))


def load_profile(ref: str, _seen: tuple[str, ...] = ()) -> Profile:
    """A bundled profile by name, or a TOML file by path; parents merged in."""
    if ref in _seen:
        raise UsageError(f"profile {ref!r}: `extends` loops back to itself")
    text, where = _profile_text(ref)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"profile {where}: not valid TOML: {exc}") from exc
    try:
        profile = Profile.model_validate(data)
    except ValidationError as exc:
        raise UsageError(f"profile {where}: {_first_error(exc)}") from exc
    if profile.extends:
        parent = load_profile(profile.extends, (*_seen, ref))
        own = {v.name for v in profile.variables}
        merged = [v for v in parent.variables if v.name not in own] + profile.variables
        profile = profile.model_copy(update={"variables": merged})
    return profile


def _profile_text(ref: str) -> tuple[str, str]:
    if ref in bundled_names():
        return (resources.files("envcheck") / "profiles" / f"{ref}.toml").read_text("utf-8"), ref
    path = Path(ref)
    if path.suffix == ".toml" or path.exists():
        try:
            return path.read_text("utf-8"), str(path)
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"profile {ref}: cannot read: {exc}") from exc
    raise UsageError(f"unknown profile {ref!r}: bundled profiles are {', '.join(bundled_names())}, or give a path")


def _first_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    key = ".".join(str(p) for p in err["loc"]) or "(top level)"
    return f"key `{key}`: {err['msg']}"
