"""composer.json and composer.lock: whether a directory is a Laravel app, and which framework version."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from envcheck.fs import ScanContext

Composer = dict[Path, dict[str, Any] | None]  # composer.json path -> its data (None: unreadable)


def read_json(path: Path, ctx: ScanContext) -> dict[str, Any] | None:
    """A composer file as a dict; SRC002 (with the line) when it is not valid JSON."""
    text = ctx.read_text(path)
    if text is None:
        return None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        ctx.report("SRC002", f"JSON does not parse: {exc.msg}", path, exc.lineno)
        return None
    except (ValueError, RecursionError):
        ctx.report("SRC002", "JSON does not parse (nested too deeply or invalid)", path)
        return None
    if not isinstance(data, dict):
        ctx.report("SRC002", "composer file is not a JSON object", path, 1)
        return None
    return data


def requires_laravel(data: dict[str, Any] | None) -> str | None:
    """The `laravel/framework` constraint of a composer.json's `require`, if it has one."""
    require = data.get("require") if data else None
    constraint = require.get("laravel/framework") if isinstance(require, dict) else None
    return constraint if isinstance(constraint, str) else None


def locked_version(data: dict[str, Any] | None) -> str | None:
    """The exact `laravel/framework` version a composer.lock installs (`10.48.4`, without the `v`)."""
    for section in ("packages", "packages-dev"):
        packages = data.get(section) if data else None
        for package in packages if isinstance(packages, list) else []:
            if isinstance(package, dict) and package.get("name") == "laravel/framework":
                version = package.get("version")
                return version.removeprefix("v") if isinstance(version, str) else None
    return None


def major_of(version: str | None) -> int | None:
    """10 for `10.48.4`, `v10.1`, `^10.10`, `~10.0`, `10.x-dev`; None when several majors are allowed."""
    if not version:
        return None
    majors = {int(m) for m in re.findall(r"(?:^|[|,\s^~>=<])v?(\d+)", version.strip())}
    return majors.pop() if len(majors) == 1 else None
