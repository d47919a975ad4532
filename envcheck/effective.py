"""The effective settings of a run: the config file's values, overridden by the command line,
each with where it came from (`envcheck config` prints them; `scan` runs with them).

Merging: `select`, `profile`, `fail-on`, `max-bytes` on the command line replace the file's;
`ignore` and `exclude` add to them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from envcheck.config import Config
from envcheck.fs import display_path
from envcheck.globs import anchor

if TYPE_CHECKING:
    from envcheck.engine import ScanOptions

CLI = "command line"
REPLACED = {"select": "select", "profile": "profile", "fail_on": "fail-on", "max_bytes": "max-bytes"}
ADDED = {"ignore": "ignore", "exclude": "exclude"}


@dataclass(frozen=True)
class Setting:
    key: str  # as written in the config file
    value: Any
    origin: str  # "default", the config file's path, "command line", or both joined by " + "


def resolve(cfg: Config, cli: dict[str, Any]) -> dict[str, Setting]:
    """Every setting of `cfg` by field name, with `cli` values (None or empty: not given) applied."""
    source = display_path(Path(cfg.source)) if cfg.source else None
    out: dict[str, Setting] = {}
    for name, info in type(cfg).model_fields.items():
        if info.exclude:
            continue
        key = info.alias or name
        value = getattr(cfg, name)
        origin = source if source and name in cfg.model_fields_set else "default"
        given = cli.get(name)
        if given not in (None, [], {}):
            if name in ADDED:
                value = [*value, *given]
                origin = f"{origin} + {CLI}" if value != given else CLI
            else:
                value, origin = given, CLI
        out[name] = Setting(key, value, origin)
    return out


def scan_options(cfg: Config, cli: dict[str, Any]) -> ScanOptions:
    """The engine's options: the profile loaded, globs anchored (file globs at the file's
    directory, command-line globs at the current directory)."""
    from envcheck.engine import ScanOptions
    from envcheck.profile import load_profile

    settings = resolve(cfg, cli)
    return ScanOptions(
        profile=load_profile(settings["profile"].value or "laravel"),
        select=list(settings["select"].value),
        ignore=list(settings["ignore"].value),
        max_bytes=settings["max_bytes"].value,
        severity=dict(cfg.severity),
        per_path_ignores=[(g, codes) for key, codes in cfg.per_path_ignores.items() for g in anchor([key], cfg.base)],
        exclude=anchor(cfg.exclude, cfg.base) + anchor(list(cli.get("exclude") or []), Path(".")),
    )


def fail_on(cfg: Config, cli: dict[str, Any]) -> str:
    return str(resolve(cfg, cli)["fail_on"].value)
