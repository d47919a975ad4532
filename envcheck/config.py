"""The project's own settings: `.envcheck.toml`, or `[tool.envcheck]` in `pyproject.toml`,
the nearest one from the scanned path upwards (stopping at the repository root, the directory
that holds `.git`). Command-line options override them. Paths and globs in a config file are
relative to its directory.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from envcheck.errors import UsageError
from envcheck.profile import _first_error

FailOn = Literal["error", "warning", "info", "never"]
SeverityName = Literal["error", "warning", "info"]
CONFIG_NAMES = (".envcheck.toml", "pyproject.toml")


class EcsConfig(BaseModel):
    """`[tool.envcheck.ecs]` (`[ecs]` in .envcheck.toml): what `envcheck ecs` uses when no flag says."""

    model_config = ConfigDict(extra="forbid")

    family: str | None = None  # the task definition family
    region: str | None = None  # the AWS region

    def __str__(self) -> str:
        """Compact, for `envcheck config`: only what is set."""
        return ", ".join(f"{k}={v}" for k, v in self.model_dump().items() if v is not None) or "-"


class Config(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    profile: str | None = None
    select: list[str] = Field(default_factory=list)
    ignore: list[str] = Field(default_factory=list)
    fail_on: FailOn = Field(default="error", alias="fail-on")
    max_bytes: int = Field(default=5 * 1024 * 1024, alias="max-bytes", gt=0)
    severity: dict[str, SeverityName] = Field(default_factory=dict)  # code or prefix -> severity
    exclude: list[str] = Field(default_factory=list)  # globs never scanned (see envcheck/globs.py)
    per_path_ignores: dict[str, list[str]] = Field(default_factory=dict, alias="per-path-ignores")
    docs_url: str | None = Field(default=None, alias="docs-url", pattern=r"^https?://")  # SARIF helpUri base
    ecs: EcsConfig = Field(default_factory=EcsConfig)  # defaults of `envcheck ecs`
    source: str | None = Field(default=None, exclude=True)

    @field_validator("select", "ignore")
    @classmethod
    def _known_codes(cls, value: list[str]) -> list[str]:
        return [rule_code(c) for c in value]

    @field_validator("severity")
    @classmethod
    def _known_severity_codes(cls, value: dict[str, str]) -> dict[str, str]:
        return {rule_code(code): level for code, level in value.items()}

    @field_validator("per_path_ignores")
    @classmethod
    def _known_path_codes(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        return {glob: [rule_code(c) for c in codes] for glob, codes in value.items()}

    @property
    def base(self) -> Path:
        """The directory the config's paths and globs are relative to."""
        return Path(self.source).parent if self.source else Path(".")


def rule_code(text: str) -> str:
    """A rule code or a prefix of one (`SES`, `SES00`), upper-cased; anything else is an error."""
    from envcheck.rules.registry import RULES, load_rules

    load_rules()
    code = text.strip().upper()
    if not code or not any(c.startswith(code) for c in RULES):
        raise ValueError(f"unknown rule code or prefix {text!r} (`envcheck rules` lists them)")
    return code


def find_config(root: Path, explicit: Path | None = None) -> Config:
    """The nearest config from `root` (the first scanned path) upwards, or the explicit `--config` file."""
    candidates = [explicit] if explicit else [d / name for d in upwards(root) for name in CONFIG_NAMES]
    for path in candidates:
        if path is None or not path.is_file():
            if explicit:
                raise UsageError(f"config {explicit}: no such file")
            continue
        try:
            data = tomllib.loads(path.read_text("utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise UsageError(f"config {path}: {exc}") from exc
        if path.name == "pyproject.toml":
            data = data.get("tool", {}).get("envcheck")
            if data is None:
                continue
        try:
            config = Config.model_validate(data)
        except ValidationError as exc:
            raise UsageError(f"config {path}: {_first_error(exc)}") from exc
        config.source = str(path)
        if config.profile and not _is_bundled(config.profile):
            candidate = path.parent / config.profile
            if candidate.exists():
                config.profile = str(candidate)
        return config
    return Config()


def upwards(start: Path) -> list[Path]:
    """`start` and its parents up to the repository root (holding `.git`) or the filesystem root."""
    here = start.absolute()
    out = [here]
    while not (here / ".git").exists() and here.parent != here:
        here = here.parent
        out.append(here)
    return out


def _is_bundled(name: str) -> bool:
    from envcheck.profile import bundled_names

    return name in bundled_names()
