"""The assembled stack: targets with their processes, and the app-wide declarations.

Linking is explicit: a deployed container with no `command`/`entryPoint` of its own runs the
image's Dockerfile start, resolved by the process index; schedules and requirements are
app-wide. Rules read only this.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from envcheck.laravel import env
from envcheck.model import Requirement, Schedule, Target
from envcheck.profile import Profile

if TYPE_CHECKING:
    from envcheck.sources.dotenv import DotenvFile
    from envcheck.sources.laravel import LaravelApp


@dataclass
class Stack:
    profile: Profile
    targets: list[Target] = field(default_factory=list)
    templates: list[Target] = field(default_factory=list)
    dotenv_files: list[DotenvFile] = field(default_factory=list)
    apps: list[LaravelApp] = field(default_factory=list)
    requirements: list[Requirement] = field(default_factory=list)
    files: int = 0
    previous: Stack | None = None  # for transition rules: the revision before this one (`diff OLD NEW`)

    @property
    def schedules(self) -> list[Schedule]:
        return [s for app in self.apps for s in app.schedules]

    @property
    def laravel_major(self) -> int | None:
        majors = {app.major for app in self.apps if app.major is not None}
        return majors.pop() if len(majors) == 1 else None

    def deployed(self) -> list[Target]:
        return [t for t in self.targets if t.kind == "deployed"]

    def runnable(self) -> list[Target]:
        """Targets the app runs with: local and deployed, not templates."""
        return [t for t in self.targets if t.kind != "template"]

    def processes_all_known(self) -> bool:
        """Whether envcheck sees every process of every deployed target (else it stays quiet)."""
        deployed = self.deployed()
        return bool(deployed) and all(t.processes_known for t in deployed)


def is_production(target: Target) -> bool:
    """APP_ENV=production, or a deployed task definition that does not say."""
    app_env = env(target, "APP_ENV")
    if not app_env.present:
        return target.kind == "deployed"
    return app_env.known and isinstance(app_env.value, str) and app_env.value.lower() in {"production", "prod"}
