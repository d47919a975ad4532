"""The process index: every file that can tell what a container runs, and the starts followed through them."""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from envcheck.discover import Discovered
from envcheck.fs import ScanContext, display_path
from envcheck.model import Location, Process
from envcheck.sources.scripts.compose import ComposeService, parse_compose
from envcheck.sources.scripts.dockerfile import DockerfileInfo, dockerfile_info, parse_dockerfile
from envcheck.sources.scripts.procfile import parse_procfile
from envcheck.sources.scripts.repo_files import RepoFiles
from envcheck.sources.scripts.walk import Walk
from envcheck.sources.scripts.walk_state import Frame, Origin, Scope

CONTAINER = "container command"


@dataclass(frozen=True)
class ContainerStart:
    """What a container runs; `processes` is None when it cannot be known, and `unknown` says why."""

    processes: list[Process] | None
    unknown: str | None = None


class ProcessIndex(RepoFiles):
    """Every file that can tell what a container runs, read once; starts are followed on demand."""

    def __init__(self, ctx: ScanContext, discovered: Discovered) -> None:
        super().__init__(ctx, discovered)
        self.dockerfiles: list[DockerfileInfo] = []
        self.compose: list[tuple[Path, ComposeService]] = []
        self.procfile: list[tuple[Path, str, str, int]] = []

    @classmethod
    def build(cls, discovered: Discovered, ctx: ScanContext) -> ProcessIndex:
        index = cls(ctx, discovered)
        for path in discovered["dockerfile"]:
            instructions = index.parse_file(path, parse_dockerfile)
            if instructions is not None:
                index.dockerfiles.append(dockerfile_info(path, instructions, ctx))
        for path in discovered["compose"]:
            services = index.parse_file(path, partial(parse_compose, path=path))
            index.compose += [(path, service) for service in services or []]
        for path in discovered["procfile"]:
            entries = index.parse_file(path, parse_procfile)
            index.procfile += [(path, name, command, line) for name, command, line in entries or []]
        for path in index.supervisord_paths:
            index.supervisor_conf(path)
        for path in index.crontab_paths:
            index.crontab(path)
        return index

    @property
    def primary_dockerfile(self) -> DockerfileInfo | None:
        """The image's Dockerfile: the only one, else a plain `Dockerfile` nearest a root.

        None when several are equally likely (`Dockerfile.nginx` and `Dockerfile.php-fpm` side by
        side): which one built a container's image is then not known, and is not guessed.
        """
        ranked = sorted(self.dockerfiles, key=_rank)
        if len(ranked) > 1 and _rank(ranked[0])[:2] == _rank(ranked[1])[:2]:
            return None
        return ranked[0] if ranked else None

    def container_processes(
        self, command: tuple[str, ...] | None, entry_point: tuple[str, ...] | None
    ) -> list[Process] | None:
        """What a container runs: its own command/entryPoint over the image's ENTRYPOINT/CMD; None if unknown."""
        return self.container_start(command, entry_point).processes

    def container_start(
        self,
        command: tuple[str, ...] | None,
        entry_point: tuple[str, ...] | None,
        *,
        dockerfile: Path | None = None,
        origin: Location | None = None,
        environment: dict[str, str] | None = None,
    ) -> ContainerStart:
        """Like `container_processes`, with the reason when unknown; the Dockerfile and origin may be given.

        `environment` holds the values the container is given for sure: the start scripts read them
        (`case "$ROLE" in worker) …`), so a branch the container's own settings rule out is not
        counted among what it runs."""
        docker = self._dockerfile(dockerfile)
        return self._start(docker, command, entry_point, origin or Location(path=CONTAINER), environment)

    def compose_processes(self) -> dict[str, list[Process]]:
        """Per compose service, what it runs; services whose start cannot be known are left out."""
        out: dict[str, list[Process]] = {}
        for path, service in self.compose:
            docker = self._dockerfile(service.dockerfile) if service.dockerfile else None
            line = service.entrypoint_line if service.entrypoint else service.command_line
            origin = Location(path=display_path(path), line=line or service.line)
            start = self._start(docker, service.command, service.entrypoint, origin)
            if start.processes is not None:
                key = service.name if service.name not in out else f"{display_path(path)}:{service.name}"
                out[key] = start.processes
        return out

    def procfile_processes(self) -> dict[str, list[Process]]:
        """Per Procfile process type (`web`, `worker`), what it runs."""
        out: dict[str, list[Process]] = {}
        for path, name, command, line in self.procfile:
            shown = display_path(path)
            at = Location(path=shown, line=line)
            start = self._follow(("sh", "-c", command), None, at, Origin(CONTAINER, shown, line), 0, chain=False)
            out.setdefault(name, []).extend(start.processes or [])
        return out

    def _start(
        self,
        docker: DockerfileInfo | None,
        command: tuple[str, ...] | None,
        entry_point: tuple[str, ...] | None,
        given: Location,
        environment: dict[str, str] | None = None,
    ) -> ContainerStart:
        """Merge the override with the image's start as Docker does, then follow it."""
        if docker is None and not entry_point and not command:
            if self.dockerfiles:
                names = ", ".join(sorted(display_path(d.path) for d in self.dockerfiles))
                return ContainerStart(None, f"several Dockerfiles could have built its image: {names}")
            return ContainerStart(None, "no Dockerfile found for the image")
        image_ep = docker.entrypoint if docker and not entry_point else None
        ep = entry_point or image_ep or ()
        cmd = command or (docker.cmd if docker and not entry_point else None) or ()
        argv = ep + cmd
        if not argv:
            return ContainerStart(None, "the image sets no ENTRYPOINT or CMD")
        image_cmd_at = Location(path=_shown(docker), line=docker.cmd_line if docker else None)
        cmd_at = given if command or entry_point else image_cmd_at
        if entry_point:
            first = given
        elif image_ep:
            first = Location(path=_shown(docker), line=docker.entrypoint_line if docker else None)
        else:
            first = cmd_at
        origin = Origin(CONTAINER, cmd_at.path, cmd_at.line)
        return self._follow(argv, docker, first, origin, tail=len(cmd), environment=environment)

    def _follow(
        self,
        argv: tuple[str, ...],
        docker: DockerfileInfo | None,
        at: Location,
        args_at: Origin,
        tail: int,
        chain: bool = True,
        environment: dict[str, str] | None = None,
    ) -> ContainerStart:
        walk = Walk(self, docker, environment)
        top = Frame(args_origin=args_at, env=dict(environment or {}), chain=chain)
        scope = Scope(source=CONTAINER, path=at.path, line_base=None)
        try:
            walk.run(argv, scope, top, line=at.line, text=shlex.join(argv), exec_=True, tail=tail)
        except RecursionError:
            return ContainerStart(None, "the start nests too deeply to follow")
        if walk.unknown is not None:
            return ContainerStart(None, walk.unknown)
        return ContainerStart(walk.processes(top))

    def _dockerfile(self, path: Path | None) -> DockerfileInfo | None:
        if path is None:
            return self.primary_dockerfile
        try:
            wanted = path.resolve()
            return next((d for d in self.dockerfiles if d.path.resolve() == wanted), None)
        except (OSError, ValueError, RuntimeError):
            return None


def _rank(docker: DockerfileInfo) -> tuple[bool, int, str]:
    """A plain `Dockerfile` first, then the shallowest; the path only breaks ties for a stable order."""
    return (docker.path.name != "Dockerfile", len(docker.path.parts), str(docker.path))


def _shown(docker: DockerfileInfo | None) -> str:
    return display_path(docker.path) if docker else CONTAINER
