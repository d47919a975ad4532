"""One container start followed through everything it runs, without running anything.

The walk enters the scripts it reaches, `sh -c` text, functions, and the programs of a
supervisord or cron it starts; every other command becomes a `Run` that says how it runs.
A script that exists but that nothing starts contributes nothing.
"""

from __future__ import annotations

import posixpath
import shlex
from dataclasses import replace
from fnmatch import fnmatchcase
from pathlib import Path

from envcheck.fs import display_path
from envcheck.model import Process
from envcheck.sources.scripts.commands import (
    ASSIGNMENT,
    NOISE,
    PASSTHROUGH,
    exec_operands,
    is_known,
    looks_like_script,
    never_returns,
    resolve_wrappers,
    script_call,
    split_command,
)
from envcheck.sources.scripts.control_flow import condition_outcome, is_endless, is_trivial_guard, loop_sleep
from envcheck.sources.scripts.cron import has_user_field
from envcheck.sources.scripts.dockerfile import DockerfileInfo
from envcheck.sources.scripts.process_managers import (
    Crontab,
    crontab_file,
    installed_crontabs,
    supercronic_crontabs,
    supervisord_confs,
    written_crontab,
)
from envcheck.sources.scripts.repo_files import RepoFiles
from envcheck.sources.scripts.shell import Block, Case, If, Item, Loop, Node, Pipeline, Simple
from envcheck.sources.scripts.supervisord import Program
from envcheck.sources.scripts.walk_state import ALL_ARGS, Frame, Origin, Run, Scope, main_marked

MAX_DEPTH = 24  # scripts, `sh -c` strings, functions and supervisord/cron programs nested in each other
MAX_COMMANDS = 20_000  # commands walked for one container start


class Walk:
    """One container start followed through everything it runs."""

    def __init__(
        self, files: RepoFiles, docker: DockerfileInfo | None, environment: dict[str, str] | None = None
    ) -> None:
        self.files = files
        self.docker = docker
        self.environment = dict(environment or {})  # what the container is given for sure (exported)
        self.runs: list[Run] = []
        self.scripts: list[Path] = []  # the call stack, to stop cycles
        self.expanded: set[tuple[str, Path]] = set()
        self.crontabs: list[Crontab] = []  # installed with `crontab FILE`
        self.budget = MAX_COMMANDS
        self.unknown: str | None = None

    def processes(self, top: Frame) -> list[Process]:
        """The processes found, the main one marked."""
        return main_marked(self.runs, top)

    # ---- the shell structure

    def items(self, items: list[Item], scope: Scope, frame: Frame) -> None:
        for item in items:
            if self.budget <= 0:
                return
            here = self._after(scope, frame)
            if item.background:
                here = replace(here, background=True)
            self.and_or(item.parts, here, frame)

    def and_or(self, parts: list[tuple[str, Pipeline]], scope: Scope, frame: Frame) -> None:
        guarded = True  # everything before was a trivial guard such as `cd`
        for index, (op, pipeline) in enumerate(parts):
            here = self._after(scope, frame)
            if index and not (op == "&&" and guarded):
                here = replace(here, conditional=True)
            for node in pipeline.commands:
                self.node(node, here, frame)
            guarded = guarded and is_trivial_guard(pipeline)

    @staticmethod
    def _after(scope: Scope, frame: Frame) -> Scope:
        return replace(scope, after=frame.after) if frame.after and not scope.after else scope

    def node(self, node: Node, scope: Scope, frame: Frame) -> None:
        if isinstance(node, Simple):
            self.simple(node, scope, frame)
        elif isinstance(node, Block):
            self.block(node, scope, frame)
        elif isinstance(node, If):
            self.if_(node, scope, frame)
        elif isinstance(node, Loop):
            self.loop(node, scope, frame)
        elif isinstance(node, Case):
            self.case(node, scope, frame)
        else:
            frame.functions[node.name] = node.body

    def block(self, node: Block, scope: Scope, frame: Frame) -> None:
        if node.kind == "group":
            self.items(node.body, scope, frame)
            return
        child = frame.child()
        self.items(node.body, scope, child)
        frame.adopt(scope, child, exec_=False, text="( … )")

    def loop(self, node: Loop, scope: Scope, frame: Frame) -> None:
        if node.kind == "for":
            self.items(node.body, scope, frame)
            return
        forever = is_endless(node)
        inner = replace(
            scope,
            loop_sleep=loop_sleep(node, frame.env) if scope.loop_sleep is None else scope.loop_sleep,
            conditional=scope.conditional or not forever,
        )
        self.items(node.condition, replace(inner, conditional=scope.conditional), frame)
        self.items(node.body, inner, frame)
        if forever and not (scope.detached or scope.conditional):
            frame.end(f"{node.header}; do … done", None, True)

    def if_(self, node: If, scope: Scope, frame: Frame) -> None:
        """Branches whose test the script decides run (or not) for sure; the others are conditional."""
        here = scope
        for condition, body in node.branches:
            if condition is None:  # `else`: every test before it was false, or unsure
                self.items(body, here, frame)
                return
            self.items(condition, here, frame)
            verdict = condition_outcome(condition, frame)
            if verdict is True:
                self.items(body, here, frame)
                return
            if verdict is None:
                here = replace(scope, conditional=True)
                self.items(body, here, frame)

    def case(self, node: Case, scope: Scope, frame: Frame) -> None:
        subject = frame.value(node.subject.value) if node.subject else None
        chosen = None
        if subject is not None:
            chosen = next(
                (i for i, (pats, _) in enumerate(node.arms) if any(fnmatchcase(subject, p) for p in pats)), -1
            )
        for index, (_, body) in enumerate(node.arms):
            if chosen is None:
                self.items(body, replace(scope, conditional=True), frame)
            elif index == chosen:
                self.items(body, scope, frame)

    # ---- one command

    def simple(self, node: Simple, scope: Scope, frame: Frame) -> None:
        self.budget -= 1
        words = frame.expand(node.words)
        tail = len(frame.args) if node.words and node.words[-1].value in ALL_ARGS else 0
        assignments = 0
        while assignments < len(words) and ASSIGNMENT.match(words[assignments]):
            assignments += 1
        if assignments == len(words):
            for word in words:
                frame.assign(word, scope)
            return
        argv = tuple(words[assignments:])
        text = shlex.join(argv)
        exec_ = argv[0] == "exec"
        if exec_:
            argv = exec_operands(argv[1:])
            if not argv:
                return  # `exec >log 2>&1` only redirects
        if frame.apply_builtin(argv, scope):
            return
        self.run(argv, scope, frame, line=scope.line(node.line), text=text, exec_=exec_, tail=tail)

    def run(
        self,
        argv: tuple[str, ...],
        scope: Scope,
        frame: Frame,
        *,
        line: int | None,
        text: str,
        exec_: bool = False,
        tail: int = 0,
    ) -> None:
        """Follow one command: unwrap wrappers, enter shell text and scripts, or record a process."""
        if scope.depth > MAX_DEPTH:
            return
        argv, shell_text = resolve_wrappers(argv)
        if not argv or not argv[0]:
            return
        if tail and len(argv) <= tail and frame.args_origin is not None:
            origin = frame.args_origin  # the command came from the script's arguments: say where they were written
            scope = replace(scope, source=origin.source, path=origin.path)
            line = origin.line
        if shell_text is not None:
            self.shell_text(shell_text, scope, frame, line=line, call=text, exec_=exec_)
            return
        if argv[0] in frame.functions:
            self.function(argv, scope, frame, line)
            return
        if self.script(argv, scope, frame, line=line, text=text, exec_=exec_, tail=tail):
            return
        base = posixpath.basename(argv[0])
        if base in PASSTHROUGH and len(argv) > 1:
            self.run(argv[1:], scope, frame, line=line, text=text, exec_=exec_, tail=tail)
            return
        if base == "crontab":
            installed = crontab_file(argv, self.files, self.docker, scope.script_dir)
            if installed is not None:
                self.crontabs.append((installed, False))
            return
        if base == "exit":
            frame.finish(scope, text, None, forever=False)
            return
        forever = never_returns(argv)
        if base in NOISE and not forever:
            if exec_:
                frame.finish(scope, text, None, forever=False)
            return
        if exec_ and frame.chain and not (scope.conditional or scope.background) and not is_known(argv):
            self.unknown = f"`{argv[0]}` is neither a shell script of the repository nor a program envcheck knows"
        run = Run.started(argv, scope, line)
        self.runs.append(run)
        forever = self.expand_managers(argv, scope) or forever
        if exec_ or forever:
            frame.finish(scope, text, run, forever)

    def shell_text(
        self, body: str, scope: Scope, frame: Frame, *, line: int | None, call: str = "", exec_: bool = False
    ) -> None:
        """`sh -c BODY`, `su -c BODY`, a cron line: a child shell that runs the text."""
        items = self.files.parse_text(body, scope.path, line)
        base = None if line is None else line - 1
        child = frame.child(args=(), chain=frame.chain and exec_)
        self.items(items, replace(scope, line_base=base, depth=scope.depth + 1), child)
        frame.adopt(scope, child, exec_=exec_, text=call or body)

    def function(self, argv: tuple[str, ...], scope: Scope, frame: Frame, line: int | None) -> None:
        """A shell function runs with the call's words as `$@`: a command made of them (`gosu www-data
        "$@"`) was written at the call, so that is where it is said to come from."""
        saved = frame.args, frame.args_origin
        frame.args = argv[1:]
        frame.args_origin = Origin(scope.source, scope.path, line)
        try:
            self.node(frame.functions[argv[0]], replace(scope, depth=scope.depth + 1), frame)
        finally:
            frame.args, frame.args_origin = saved

    def script(
        self,
        argv: tuple[str, ...],
        scope: Scope,
        frame: Frame,
        *,
        line: int | None,
        text: str,
        exec_: bool,
        tail: int,
    ) -> bool:
        """Enter a script of the repo that the command runs; False when it is not one."""
        call = script_call(argv)
        if call is None:
            return False
        path = self.files.find(call.word, "script", self.docker, scope.script_dir)
        items = self.files.script(path) if path is not None else None
        if path is None or items is None:
            if call.sourced:
                return True  # `. /etc/profile`: nothing of ours
            if exec_ and frame.chain and (looks_like_script(call.word) or call.explicit):
                self.unknown = f"`{call.word}` is not a shell script of the repository (no COPY or script matches it)"
            return False
        if path in self.scripts:
            return True  # a cycle: the script is already being followed
        shown = display_path(path)
        inner = replace(scope, source=shown, path=shown, line_base=0, script_dir=path.parent, depth=scope.depth + 1)
        origin = frame.args_origin if tail and len(call.args) <= tail else Origin(scope.source, scope.path, line)
        self.scripts.append(path)
        try:
            if call.sourced:
                self.items(items, inner, frame)
            else:
                # a script is a new process: what its caller set without exporting is unknown to it; the
                # container's environment reaches it, unless the caller changed or lost track of a value
                inherited = {k: v for k, v in self.environment.items() if frame.env.get(k) == v}
                child = Frame(args=call.args, args_origin=origin, env=inherited, chain=frame.chain and exec_)
                self.items(items, inner, child)
                frame.adopt(scope, child, exec_=exec_, text=text)
        finally:
            self.scripts.pop()
        return True

    # ---- supervisord and cron

    def expand_managers(self, argv: tuple[str, ...], scope: Scope) -> bool:
        """Add the programs of a supervisord or cron that this command starts; True if it stays in front."""
        base = posixpath.basename(argv[0])
        if base == "supervisord":
            return self.supervisord(argv, scope)
        if base in ("cron", "crond") or (base == "busybox" and argv[1:2] == ("crond",)):
            self.cron(installed_crontabs(self.crontabs, self.files, self.docker), scope)
        elif base == "supercronic":
            self.cron(supercronic_crontabs(argv, self.files, self.docker, scope.script_dir), scope)
        return False

    def supervisord(self, argv: tuple[str, ...], scope: Scope) -> bool:
        confs, nodaemon = supervisord_confs(argv, self.files, self.docker, scope.script_dir)
        for path, conf in confs:
            if conf is None or ("supervisord", path) in self.expanded:
                continue
            self.expanded.add(("supervisord", path))
            for program in conf.programs:
                if program.autostart:
                    self.program(program, scope.managed_by("supervisord", display_path(path), path.parent))
        return nodaemon or never_returns(argv)

    def program(self, program: Program, scope: Scope) -> None:
        argv = split_command(program.command)
        if argv:
            self.run(argv, scope, Frame(), line=program.line, text=program.command, exec_=True)

    def cron(self, files: list[Crontab], scope: Scope) -> None:
        written = written_crontab(self.docker)
        if written is not None and self.docker is not None:
            self.unknown = (
                f"cron runs a crontab that {display_path(self.docker.path)}:{written} writes with RUN, "
                "which envcheck does not read"
            )
            return
        for path, has_user in files:
            if ("cron", path) in self.expanded:
                continue
            self.expanded.add(("cron", path))
            lines = self.files.crontab(path)
            user = has_user if has_user is not None else has_user_field(lines)
            shown = display_path(path)
            for entry in lines:
                inner = scope.managed_by("cron", shown, path.parent, cron=entry.schedule)
                self.shell_text(entry.command(user), inner, Frame(), line=entry.line)
