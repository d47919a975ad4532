"""A Dockerfile read without building it: the last stage's start, where each copied file comes from, every RUN.

Official base images start something of their own (`php:*-apache` runs `apache2-foreground`),
so a stage that sets no CMD inherits theirs; `COPY --from` a stage follows that stage's copies.
"""

from __future__ import annotations

import json
import posixpath
import re
import shlex
from dataclasses import dataclass, field, replace
from fnmatch import fnmatchcase
from pathlib import Path

from envcheck.fs import ScanContext
from envcheck.sources.scripts.problems import Problem
from envcheck.sources.scripts.safe_paths import files_in, is_dir, is_file

# A container's default PATH: where a command named without a slash is found, and COPY destinations that are folders.
PATH_DIRS = ("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin")


def dockerfile_info(path: Path, instructions: list[Instruction], ctx: ScanContext) -> DockerfileInfo:
    """What the image built from these instructions starts and holds; COPY sources are looked up under `ctx`."""
    return _DockerfileReader(path, ctx).read(instructions)


@dataclass(frozen=True)
class RunStep:
    """A build-time `RUN`, kept for rules about what the image bakes in (`artisan config:cache`)."""

    line: int
    text: str
    stage: str
    final: bool  # in the last stage, the image that runs


@dataclass(frozen=True)
class CopyEntry:
    dest: str  # absolute path in the image
    source: Path  # file or directory in the repo
    is_dir: bool
    dest_is_dir: bool  # dest ends with `/`, or several sources were copied

    @property
    def image_path(self) -> str:
        """Where the copy lands: a file copied into a directory keeps its name."""
        return posixpath.join(self.dest, self.source.name) if self.dest_is_dir and not self.is_dir else self.dest

    def below(self, image_path: str) -> Path | None:
        """The repo path a directory copy puts at `image_path`; None when that path is not under it."""
        if image_path == self.dest or image_path.startswith(self.dest.rstrip("/") + "/"):
            return self.source / image_path[len(self.dest) :].lstrip("/")
        return None


@dataclass
class DockerfileInfo:
    """One Dockerfile: the last stage's start and files, and every build `RUN`."""

    path: Path
    entrypoint: tuple[str, ...] | None = None
    entrypoint_line: int | None = None
    cmd: tuple[str, ...] | None = None
    cmd_line: int | None = None
    copies: dict[str, Path] = field(default_factory=dict)  # image path -> repo file or directory
    runs: list[RunStep] = field(default_factory=list)
    workdir: str = "/"
    entries: list[CopyEntry] = field(default_factory=list, repr=False)
    env: dict[str, int] = field(default_factory=dict)  # names the last stage's `ENV` sets (inherited too) -> line

    def resolve(self, image_path: str, dirs: bool = False) -> Path | None:
        """The repo file that a path in the image was copied from (the last COPY wins)."""
        target = posixpath.normpath(posixpath.join(self.workdir, image_path))
        for entry in reversed(self.entries):
            if entry.is_dir:
                candidate = entry.below(target)
                if candidate is not None and (is_file(candidate) or (dirs and is_dir(candidate))):
                    return candidate
            elif (target == entry.dest and not entry.dest_is_dir) or (
                posixpath.dirname(target) == entry.dest and posixpath.basename(target) == entry.source.name
            ):
                return entry.source
        return None

    def glob(self, pattern: str) -> list[Path]:
        """Repo files copied to image paths matching a glob (`/etc/supervisor/conf.d/*.conf`)."""
        folder, name = posixpath.split(posixpath.normpath(pattern))
        found: list[Path] = []
        for entry in self.entries:
            if entry.is_dir:
                source_dir = entry.below(folder)
                if source_dir is not None:
                    found += [p for p in files_in(source_dir) if fnmatchcase(p.name, name)]
            else:
                dest = entry.image_path
                as_dir = entry.dest == folder and fnmatchcase(entry.source.name, name)
                if as_dir or (posixpath.dirname(dest) == folder and fnmatchcase(posixpath.basename(dest), name)):
                    found.append(entry.source)
        return list(dict.fromkeys(found))


@dataclass(frozen=True)
class Instruction:
    keyword: str
    args: str
    line: int


# fmt: off
DOCKER_KEYWORDS = frozenset(
    {
        "FROM", "RUN", "CMD", "ENTRYPOINT", "COPY", "ADD", "WORKDIR", "ENV", "ARG", "LABEL", "EXPOSE", "USER",
        "VOLUME", "HEALTHCHECK", "ONBUILD", "STOPSIGNAL", "SHELL", "MAINTAINER"
    }
)
# fmt: on
HEREDOC = re.compile(r"<<(-?)\s*[\"']?([A-Za-z_][A-Za-z0-9_]*)[\"']?")


def parse_dockerfile(text: str) -> tuple[list[Instruction], list[Problem]]:
    """Instructions with their first line: continuations joined, comments dropped, heredocs kept."""
    lines = text.splitlines()
    escape = "\\"
    for raw in lines:
        directive = re.fullmatch(r"#\s*escape\s*=\s*([\\`])\s*", raw.strip(), re.IGNORECASE)
        if directive:
            escape = directive.group(1)
        if not raw.strip().startswith("#"):
            break
    instructions: list[Instruction] = []
    problems: list[Problem] = []
    i = 0
    while i < len(lines):
        start = i + 1
        raw = lines[i]
        i += 1
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        logical, i = _join_continuations(raw, lines, i, escape)
        keyword, _, args = logical.strip().partition(" ")
        keyword = keyword.upper()
        if keyword in ("RUN", "COPY", "ADD"):
            args, i = _with_heredocs(args, lines, i)
        if keyword not in DOCKER_KEYWORDS:
            problems.append((start, f"unknown instruction {keyword[:40]!r}"))
            continue
        instructions.append(Instruction(keyword, args.strip(), start))
    if instructions and not any(ins.keyword == "FROM" for ins in instructions):
        problems.append((instructions[0].line, "no FROM instruction"))
    return instructions, problems


ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def env_names(args: str) -> list[str]:
    """Names an `ENV` sets: `ENV A=1 B="x y"`, or the legacy `ENV NAME value with spaces`."""
    try:
        words = shlex.split(args, posix=True)
    except ValueError:
        return []
    if not words:
        return []
    if "=" not in words[0]:
        return [words[0]] if ENV_NAME.fullmatch(words[0]) else []
    names = [w.split("=", 1)[0] for w in words if "=" in w]
    return [n for n in names if ENV_NAME.fullmatch(n)]


def _join_continuations(raw: str, lines: list[str], i: int, escape: str) -> tuple[str, int]:
    parts: list[str] = []
    current = raw
    while True:
        stripped = current.rstrip()
        if not stripped.endswith(escape):
            parts.append(current)
            return " ".join(parts), i
        parts.append(stripped[:-1])
        while i < len(lines) and (not lines[i].strip() or lines[i].lstrip().startswith("#")):
            i += 1
        if i >= len(lines):
            return " ".join(parts), i
        current = lines[i]
        i += 1


def _with_heredocs(args: str, lines: list[str], i: int) -> tuple[str, int]:
    for strip, delimiter in HEREDOC.findall(args):
        body: list[str] = []
        while i < len(lines):
            line = lines[i]
            i += 1
            if (line.lstrip("\t") if strip else line).rstrip("\r") == delimiter:
                break
            body.append(line)
        args += "\n" + "\n".join(body)
    return args, i


BASE_IMAGE_CMDS = (
    (re.compile(r"^(?:docker\.io/)?(?:library/)?php:.*apache"), ("apache2-foreground",)),
    (re.compile(r"^(?:docker\.io/)?(?:library/)?php:.*fpm"), ("php-fpm",)),
    (re.compile(r"^(?:docker\.io/)?(?:library/)?nginx(?::|@|$)"), ("nginx", "-g", "daemon off;")),
    (re.compile(r"^(?:docker\.io/)?(?:library/)?httpd(?::|@|$)"), ("httpd-foreground",)),
)


@dataclass
class _Stage:
    name: str
    entrypoint: tuple[str, ...] | None = None
    entrypoint_line: int | None = None
    cmd: tuple[str, ...] | None = None
    cmd_line: int | None = None
    cmd_inherited: bool = False
    workdir: str = "/"
    shell: tuple[str, ...] = ("/bin/sh", "-c")
    entries: list[CopyEntry] = field(default_factory=list)
    env: dict[str, int] = field(default_factory=dict)

    def info(self, path: Path) -> DockerfileInfo:
        return DockerfileInfo(
            path,
            self.entrypoint,
            self.entrypoint_line,
            self.cmd,
            self.cmd_line,
            workdir=self.workdir,
            entries=list(self.entries),
            env=dict(self.env),
        )


class _DockerfileReader:
    """Interprets instructions: stages, the start, and where each copied file comes from."""

    def __init__(self, path: Path, ctx: ScanContext) -> None:
        self.path = path
        self.ctx = ctx
        self.stages: list[_Stage] = []
        self.runs: list[tuple[int, str, int]] = []  # line, text, stage index
        self.contexts = self._contexts()

    def _contexts(self) -> list[Path]:
        """Build contexts to try: the Dockerfile's directory and its parents up to a scanned root."""
        folder = self.path.parent
        out = [folder]
        for parent in folder.parents:
            if not self.ctx.inside(parent):
                break
            out.append(parent)
        return out

    def read(self, instructions: list[Instruction]) -> DockerfileInfo:
        for ins in instructions:
            if ins.keyword == "FROM":
                self.stages.append(self._from(ins))
                continue
            if not self.stages:
                if ins.keyword == "ARG":  # build arguments before the first FROM
                    continue
                self.stages.append(_Stage("0"))
            self._apply(ins, self.stages[-1])
        last = self.stages[-1] if self.stages else _Stage("0")
        info = last.info(self.path)
        info.runs = [
            RunStep(line, text, self.stages[index].name, index == len(self.stages) - 1)
            for line, text, index in self.runs
        ]
        for entry in info.entries:
            info.copies[entry.image_path] = entry.source
        return info

    def _from(self, ins: Instruction) -> _Stage:
        words = [w for w in ins.args.split() if not w.startswith("--")]
        image = words[0] if words else ""
        name = words[2] if len(words) >= 3 and words[1].lower() == "as" else str(len(self.stages))
        parent = self._stage(image)
        if parent is not None:
            return replace(parent, name=name, entries=list(parent.entries), env=dict(parent.env), cmd_inherited=True)
        stage = _Stage(name)
        for pattern, cmd in BASE_IMAGE_CMDS:
            if pattern.match(image):
                stage.cmd, stage.cmd_line, stage.cmd_inherited = cmd, ins.line, True
        return stage

    def _stage(self, ref: str) -> _Stage | None:
        for index, stage in enumerate(self.stages):
            if stage.name.lower() == ref.lower() or str(index) == ref:
                return stage
        return None

    def _apply(self, ins: Instruction, stage: _Stage) -> None:
        if ins.keyword == "ENTRYPOINT":
            stage.entrypoint, stage.entrypoint_line = self._command(ins.args, stage), ins.line
            if stage.cmd_inherited:  # setting ENTRYPOINT resets a CMD from the base image
                stage.cmd, stage.cmd_line, stage.cmd_inherited = None, None, False
        elif ins.keyword == "CMD":
            stage.cmd, stage.cmd_line, stage.cmd_inherited = self._command(ins.args, stage), ins.line, False
        elif ins.keyword == "WORKDIR" and ins.args:
            stage.workdir = posixpath.normpath(posixpath.join(stage.workdir, ins.args.split()[0]))
        elif ins.keyword == "SHELL":
            shell = _json_list(ins.args)
            if shell:
                stage.shell = shell
        elif ins.keyword == "RUN":
            self.runs.append((ins.line, ins.args, len(self.stages) - 1))
        elif ins.keyword in ("COPY", "ADD"):
            stage.entries += self._copy(ins, stage)
        elif ins.keyword == "ENV":
            stage.env.update(dict.fromkeys(env_names(ins.args), ins.line))

    @staticmethod
    def _command(args: str, stage: _Stage) -> tuple[str, ...]:
        """Exec form (a JSON array) as is; shell form through the stage's shell."""
        exec_form = _json_list(args)
        if exec_form is not None:
            return exec_form
        return (*stage.shell, args) if args else ()

    def _copy(self, ins: Instruction, stage: _Stage) -> list[CopyEntry]:
        rest = ins.args.split("\n", 1)[0].strip()
        flags: dict[str, str] = {}
        while rest.startswith("--"):
            flag, _, rest = rest.partition(" ")
            name, _, value = flag[2:].partition("=")
            flags[name] = value
            rest = rest.lstrip()
        words = _json_list(rest) or tuple(rest.split())
        if len(words) < 2:
            return []
        *sources, dest = words
        dest = posixpath.normpath(posixpath.join(stage.workdir, dest)) + ("/" if dest.endswith("/") else "")
        dest_is_dir = dest.endswith("/") or dest in PATH_DIRS or len(sources) > 1 or any(map(_is_glob, sources))
        dest = dest.rstrip("/") or "/"
        entries = []
        for source in sources:
            for found in self._sources(source, flags.get("from")):
                found_is_dir = is_dir(found)
                entries.append(CopyEntry(dest, found, found_is_dir, dest_is_dir or found_is_dir))
        return entries

    def _sources(self, source: str, from_stage: str | None) -> list[Path]:
        """Repo paths a COPY source names; `--from=<stage>` goes through that stage's copies."""
        if from_stage is not None:
            stage = self._stage(from_stage)
            if stage is None:  # another image: nothing of the repo
                return []
            found = stage.info(self.path).resolve(source, dirs=True)
            return [found] if found is not None else []
        if "://" in source or source.startswith("git@"):
            return []
        relative = source.lstrip("/") or "."
        for folder in self.contexts:
            if _is_glob(relative):
                try:
                    matches = sorted(folder.glob(relative))
                except (ValueError, OSError, NotImplementedError):
                    matches = []
                matches = [m for m in matches if self.ctx.inside(m)]
            else:
                candidate = Path(posixpath.normpath(str(folder / relative)))
                matches = (
                    [candidate] if self.ctx.inside(candidate) and (is_file(candidate) or is_dir(candidate)) else []
                )
            if matches:
                return matches
        return []


def _is_glob(word: str) -> bool:
    return any(c in word for c in "*?[")


def _json_list(args: str) -> tuple[str, ...] | None:
    if not args.strip().startswith("["):
        return None
    try:
        value = json.loads(args)
    except (ValueError, RecursionError):
        return None
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    return None
