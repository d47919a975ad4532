"""`LaravelApp` and `load_laravel`: find each app's root, then read its versions, config and schedules.

Every file is read on its own: an unexpected failure in one becomes SRC002 for that file and the
scan goes on (`_guarded`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TypeVar

from envcheck.discover import Discovered
from envcheck.fs import ScanContext
from envcheck.model import Schedule
from envcheck.sources.laravel.composer import Composer, locked_version, major_of, read_json, requires_laravel
from envcheck.sources.laravel.config import (
    ConfigKey,
    HorizonTimeout,
    RetryAfter,
    config_keys,
    horizon_timeouts,
    retry_after,
    returned_array,
)
from envcheck.sources.laravel.env_calls import EnvRead, env_reads
from envcheck.sources.laravel.php_file import PhpFile
from envcheck.sources.laravel.schedules import SCHEDULE_READERS, ScheduledTask

T = TypeVar("T")


@dataclass
class LaravelApp:
    """One Laravel application, found by its `artisan` (or a composer.json requiring laravel/framework).

    `version` is exact from composer.lock (`10.48.4`), else the composer.json constraint (`^11.0`);
    `major` is derived from it, None when the constraint allows several majors (`^10.0|^11.0`).
    `config_keys` maps dotted config keys (`session.domain`, `queue.connections.redis.retry_after`) to
    the env var their value reads; `session_keys` and `queue_default` are views of it.
    """

    root: Path
    version: str | None = None
    major: int | None = None
    version_from: Path | None = None  # composer.lock or composer.json
    schedules: list[Schedule] = field(default_factory=list)
    tasks: list[ScheduledTask] = field(default_factory=list)
    config_env_reads: dict[str, list[EnvRead]] = field(default_factory=dict)
    config_keys: dict[str, ConfigKey] = field(default_factory=dict)
    session_keys: dict[str, ConfigKey] = field(default_factory=dict)  # "domain" -> SESSION_DOMAIN read
    queue_default: ConfigKey | None = None
    queue_retry_after: dict[str, RetryAfter] = field(default_factory=dict)
    horizon_timeouts: list[HorizonTimeout] = field(default_factory=list)  # each supervisor's literal `timeout`
    fixed_keys: set[str] = field(default_factory=set)  # config keys set to a literal: no env var is read
    config_files: dict[str, Path] = field(default_factory=dict)  # stem -> path
    schedule_files: list[Path] = field(default_factory=list)  # Kernel/bootstrap/routes files read


def load_laravel(discovered: Discovered, ctx: ScanContext) -> list[LaravelApp]:
    """One LaravelApp per root (a dir with `artisan`, or a composer.json requiring laravel/framework).

    composer.json is classified as "json" by discovery, so it is taken from there too. Files are
    tied to a root by their exact place (`<root>/config/x.php`, `<root>/app/Console/Kernel.php`...);
    a config/*.php outside any root is ignored.
    """
    files = sorted(set(discovered["laravel"]) | {p for p in discovered["json"] if p.name == "composer.json"})
    composer: Composer = {}
    roots = set()
    for path in files:
        if path.name == "artisan":
            roots.add(path.parent)
        elif path.name == "composer.json":
            composer[path] = read_json(path, ctx)
            if requires_laravel(composer[path]):
                roots.add(path.parent)
    present = set(files)
    return [_load_app(root, present, composer, ctx) for root in sorted(roots)]


def _load_app(root: Path, files: set[Path], composer: Composer, ctx: ScanContext) -> LaravelApp:
    app = LaravelApp(root=root)
    _set_version(app, files, composer, ctx)
    config = _config_dir(root, files)
    for path in sorted(p for p in files if p.parent == config and p.suffix == ".php"):
        php = _parse(path, ctx)
        if php is not None:
            _guarded(ctx, path, partial(_read_config, app, php, path))
    for relative, reader in SCHEDULE_READERS:
        path = root / relative
        if path in files and (php := _parse(path, ctx)) is not None:
            app.schedule_files.append(path)
            app.tasks.extend(_guarded(ctx, path, partial(reader, php, path)) or [])
    app.schedules = [task.schedule for task in app.tasks]
    return app


def _config_dir(root: Path, files: set[Path]) -> Path:
    """`config/`, or `app/Config/` when the app has no `config/` (BookStack's Application overrides
    configPath() to keep its config there)."""
    standard = root / "config"
    if any(p.parent == standard for p in files):
        return standard
    moved = root / "app" / "Config"
    return moved if any(p.parent == moved for p in files) else standard


def _set_version(app: LaravelApp, files: set[Path], composer: Composer, ctx: ScanContext) -> None:
    lock = app.root / "composer.lock"
    if lock in files and (version := locked_version(read_json(lock, ctx))):
        app.version, app.version_from = version, lock
    else:
        manifest = app.root / "composer.json"
        constraint = requires_laravel(composer.get(manifest)) if manifest in files else None
        if constraint:
            app.version, app.version_from = constraint.strip(), manifest
    app.major = major_of(app.version)


def _parse(path: Path, ctx: ScanContext) -> PhpFile | None:
    text = ctx.read_text(path)
    if text is None:
        return None
    return _guarded(ctx, path, partial(PhpFile.parse, text))


def _guarded(ctx: ScanContext, path: Path, work: Callable[[], T]) -> T | None:
    """Run one file's reader; an unexpected failure becomes SRC002 for that file, never a crash."""
    try:
        return work()
    except Exception as exc:  # the scan must go on whatever one file holds
        ctx.report("SRC002", f"could not read this PHP file ({exc.__class__.__name__}): nothing in it checked", path)
        return None


def _read_config(app: LaravelApp, php: PhpFile, path: Path) -> None:
    stem = path.stem
    app.config_files[stem] = path
    app.config_env_reads[stem] = env_reads(php, path)
    entries = returned_array(php)
    keys, fixed = config_keys(php, entries, stem, path)
    app.config_keys.update(keys)
    app.fixed_keys |= fixed
    if stem == "session":
        app.session_keys = {k.split(".", 1)[1]: v for k, v in keys.items() if k.count(".") == 1}
    elif stem == "queue":
        app.queue_default = keys.get("queue.default")
        app.queue_retry_after = retry_after(php, entries, path)
    elif stem == "horizon":
        app.horizon_timeouts = horizon_timeouts(php, entries, path)
