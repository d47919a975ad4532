"""The project's own settings: `.envcheck.toml`, or `[tool.envcheck]` in `pyproject.toml`,
at the scanned root. Command-line options override them.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from envcheck.errors import UsageError
from envcheck.profile import _first_error

FailOn = Literal["error", "warning", "info", "never"]


class Config(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    profile: str | None = None
    select: list[str] = Field(default_factory=list)
    ignore: list[str] = Field(default_factory=list)
    fail_on: FailOn = Field(default="error", alias="fail-on")
    max_bytes: int = Field(default=5 * 1024 * 1024, alias="max-bytes", gt=0)
    source: str | None = Field(default=None, exclude=True)


def find_config(root: Path, explicit: Path | None = None) -> Config:
    """The config at `root` (the first scanned path), or the explicit `--config` file."""
    candidates = [explicit] if explicit else [root / ".envcheck.toml", root / "pyproject.toml"]
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


def _is_bundled(name: str) -> bool:
    from envcheck.profile import bundled_names

    return name in bundled_names()
