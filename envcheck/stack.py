"""The assembled stack: targets with their processes, and the app-wide declarations.

Linking is explicit: a deployed container with no `command`/`entryPoint` of its own runs the
image's Dockerfile start, resolved by the process index; schedules and requirements are
app-wide. Rules read only this.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from envcheck.known_names import LARAVEL_NAMES
from envcheck.laravel import env, queue_connection
from envcheck.model import Process, Requirement, Schedule, Target
from envcheck.profile import Profile

if TYPE_CHECKING:
    from envcheck.sources.dotenv import DotenvFile
    from envcheck.sources.laravel import LaravelApp
    from envcheck.sources.scripts import DockerfileInfo
    from envcheck.sources.terraform.sqs import SqsQueue


@dataclass
class Stack:
    profile: Profile
    targets: list[Target] = field(default_factory=list)
    templates: list[Target] = field(default_factory=list)
    dotenv_files: list[DotenvFile] = field(default_factory=list)
    apps: list[LaravelApp] = field(default_factory=list)
    requirements: list[Requirement] = field(default_factory=list)
    files: int = 0
    dockerfiles: list[DockerfileInfo] = field(default_factory=list)
    sqs_queues: list[SqsQueue] = field(default_factory=list)  # aws_sqs_queue resources the Terraform declares
    previous: Stack | None = None  # for transition rules: the revision before this one (`diff OLD NEW`)

    @property
    def schedules(self) -> list[Schedule]:
        return [s for app in self.apps for s in app.schedules]

    @property
    def laravel_major(self) -> int | None:
        majors = {app.major for app in self.apps if app.major is not None}
        return majors.pop() if len(majors) == 1 else None

    @property
    def laravel_version(self) -> tuple[int, int] | None:
        """(major, minor) when composer.lock pins it; None when unknown or ambiguous."""
        versions = {app.version for app in self.apps if app.version and app.version[:1].isdigit()}
        if len(versions) != 1:
            return None
        parts = versions.pop().split(".")
        return (int(parts[0]), int(parts[1])) if len(parts) > 1 and parts[1].isdigit() else None

    def env_name(self, key: str, default: str) -> str:
        """The variable the app's own config reads for `key` (`session.domain`): Firefly reads
        COOKIE_DOMAIN, not SESSION_DOMAIN. The framework's name when no config says otherwise."""
        names = {app.config_keys[key].env for app in self.apps if key in app.config_keys}
        return names.pop() if len(names) == 1 else default

    def ignores(self, key: str) -> bool:
        """True when the app's config sets `key` to a literal (BookStack's `'same_site' => 'lax'`):
        the variable the framework would read there does not matter, so no rule lints it."""
        return bool(self.apps) and all(key in app.fixed_keys for app in self.apps)

    def config_default(self, key: str) -> str | None:
        """The literal default of the env() read behind `key` in the app's config, when simple."""
        values = {app.config_keys[key].default_value for app in self.apps if key in app.config_keys}
        return values.pop() if len(values) == 1 else None

    def queue_connection(self, target: Target) -> tuple[str | None, bool, str]:
        """(connection, set explicitly?, the variable that sets it) for a target."""
        name = self.env_name("queue.default", "QUEUE_CONNECTION")
        connection, explicit = queue_connection(target, self.laravel_major, name, self.config_default("queue.default"))
        return connection, explicit, name

    def default_note(self, key: str) -> str:
        """Where an unset variable's default comes from, for messages: the app's config, or the
        framework version envcheck assumed."""
        if self.config_default(key) is not None:
            return "the default in the app's config"
        if self.laravel_major is not None:
            return f"the default of Laravel {self.laravel_major}"
        return "the framework default"

    def deployed(self) -> list[Target]:
        return [t for t in self.targets if t.kind == "deployed"]

    def runnable(self) -> list[Target]:
        """Targets the app runs with: local and deployed, not templates."""
        return [t for t in self.targets if t.kind != "template"]

    def app_variable_names(self) -> set[str]:
        """Names only the Laravel app would be given: Laravel's own, the app's config reads, the
        profile's and `.env.example`'s. `AWS_*` names are left out: sidecars (log routers, agents)
        are given them too."""
        names = set(LARAVEL_NAMES) | {r.name for r in self.requirements} | {v.name for v in self.profile.variables}
        names |= {v.name for t in self.templates for v in t.variables}
        names |= {read.name for app in self.apps for reads in app.config_env_reads.values() for read in reads}
        return {n for n in names if not n.startswith("AWS_")}

    def is_app_target(self, target: Target) -> bool:
        """Whether a target is the Laravel app, not a sidecar of its task (an nginx in front, a log
        router, an agent). A `.env` file always is. A container is when what it runs is known and runs
        PHP or artisan; when that is unknown, when it sets a variable only the app is given. Rules
        about the app's own settings (APP_KEY, required variables, the queue) judge only the app."""
        if target.kind != "deployed":
            return True
        if target.processes_known:
            return any(runs_php(p) for p in target.processes)
        names = {v.name for v in target.variables} | {s.name for s in target.secrets}
        return bool(names & self.app_variable_names())

    def processes_all_known(self) -> bool:
        """Whether envcheck sees every process of every deployed target (else it stays quiet)."""
        deployed = self.deployed()
        return bool(deployed) and all(t.processes_known for t in deployed)


PHP_SERVERS = {"apache2-foreground", "frankenphp", "rr"}
PHP_BINARY = re.compile(r"^php(\d[\d.]*)?(-fpm[\d.]*)?$")


def runs_php(process: Process) -> bool:
    """`php ...`, `php-fpm`, `php-fpm8.2`, artisan, or a PHP application server, also behind a
    wrapper (`gosu www-data php-fpm`, `tini -- php-fpm`)."""
    if process.artisan() is not None:
        return True
    programs = {posixpath.basename(arg) for arg in process.argv}
    return bool(programs & PHP_SERVERS) or any(PHP_BINARY.match(p) for p in programs)


def is_production(target: Target) -> bool:
    """APP_ENV=production, or a deployed task definition that does not say."""
    app_env = env(target, "APP_ENV")
    if not app_env.present:
        return target.kind == "deployed"
    return app_env.known and isinstance(app_env.value, str) and app_env.value.lower() in {"production", "prod"}
