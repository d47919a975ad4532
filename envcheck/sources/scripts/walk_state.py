"""What the walk of a container start carries: how commands run, each shell's state, and the processes found.

A `Scope` says how the commands being walked run (in the background, in a loop, under cron…)
and is inherited by everything they start; a `Frame` is one shell, with the arguments and
variables the script itself knows; a `Run` is a process found, its `main` decided at the end.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from envcheck.model import Location, Process
from envcheck.sources.scripts.commands import ASSIGNMENT
from envcheck.sources.scripts.shell import Node
from envcheck.sources.scripts.shell_tokens import Token

PARAMETER = re.compile(
    r"\$(?:(?P<bare>[A-Za-z_]\w*|[1-9])|\{(?P<name>[A-Za-z_]\w*|[1-9])(?:(?P<op>:?-)(?P<default>[^}$`]*))?\})"
)
ALL_ARGS = frozenset({"$@", "${@}", "$*", "${*}"})


@dataclass(frozen=True)
class Origin:
    """Where the positional arguments of a script were written (a Dockerfile CMD, a script line)."""

    source: str
    path: str
    line: int | None


@dataclass(frozen=True)
class Scope:
    """How the commands being walked run: inherited by everything they start."""

    source: str
    path: str
    line_base: int | None  # file line = line_base + line in the text being walked
    script_dir: Path | None = None
    background: bool = False
    conditional: bool = False
    loop_sleep: int | None = None
    supervised: bool = False
    cron: str | None = None
    after: str | None = None
    managed: bool = False
    depth: int = 0

    def line(self, line: int) -> int | None:
        return None if self.line_base is None else self.line_base + line

    @property
    def detached(self) -> bool:
        """In the background, in a sleep loop or after the shell ended: nothing here can end the shell."""
        return bool(self.background or self.after or self.loop_sleep is not None)

    def managed_by(self, source: str, path: str, script_dir: Path, *, cron: str | None = None) -> Scope:
        """A program that supervisord or cron starts: it runs on its own, whatever the command that started them."""
        return replace(
            self,
            source=source,
            path=path,
            script_dir=script_dir,
            supervised=cron is None,  # supervisord keeps its programs running; cron only starts its lines
            cron=cron,
            managed=True,
            background=False,
            loop_sleep=None,
            depth=self.depth + 1,
        )


@dataclass
class Run:
    """A process while the walk goes on; `main` is decided at the end."""

    argv: tuple[str, ...]
    source: str
    path: str
    line: int | None
    backgrounded: bool
    supervised: bool
    loop_sleep: int | None
    cron: str | None
    after: str | None
    conditional: bool
    managed: bool  # a supervisord program or a cron line: never the container's main process
    terminal: bool = False  # exec'd or never returns: the main process when its branch runs
    main: bool = False

    @classmethod
    def started(cls, argv: tuple[str, ...], scope: Scope, line: int | None) -> Run:
        return cls(
            argv=argv,
            source=scope.source,
            path=scope.path,
            line=line,
            backgrounded=scope.background,
            supervised=scope.supervised,
            loop_sleep=scope.loop_sleep,
            cron=scope.cron,
            after=scope.after,
            conditional=scope.conditional,
            managed=scope.managed,
        )

    @property
    def foreground(self) -> bool:
        return not (self.backgrounded or self.managed or self.after or self.loop_sleep is not None)

    def process(self) -> Process:
        return Process(
            argv=self.argv,
            source=self.source,
            location=Location(path=self.path, line=self.line),
            backgrounded=self.backgrounded,
            supervised=self.supervised or self.main,
            loop_sleep=self.loop_sleep,
            cron=self.cron,
            after_foreground=self.after,
            main=self.main,
            conditional=self.conditional,
        )


@dataclass
class Frame:
    """One shell: its arguments, variables and functions, and whether it has stopped."""

    args: tuple[str, ...] = ()
    args_origin: Origin | None = None
    env: dict[str, str] = field(default_factory=dict)
    functions: dict[str, Node] = field(default_factory=dict)
    chain: bool = False  # the container's own start: its exec'd command becomes PID 1
    after: str | None = None  # set once a command ends this shell: later lines never run
    main: Run | None = None  # the process that ended it
    forever: bool = False  # it ended by a command that never returns

    def child(self, args: tuple[str, ...] | None = None, chain: bool = False) -> Frame:
        """A subshell: it sees the variables and functions, and ends on its own."""
        return Frame(
            args=self.args if args is None else args,
            args_origin=self.args_origin,
            env=dict(self.env),
            functions=dict(self.functions),
            chain=chain,
        )

    # ---- ending

    def end(self, text: str, main: Run | None, forever: bool) -> None:
        if self.after is None:
            self.after, self.main, self.forever = text, main, forever

    def finish(self, scope: Scope, text: str, run: Run | None, forever: bool) -> None:
        """A command that ends its shell (exec, exit) or never returns: later lines never run."""
        if scope.detached:
            return
        if run is not None:
            run.terminal = True
        if not scope.conditional:
            self.end(text, run, forever)

    def adopt(self, scope: Scope, child: Frame, *, exec_: bool, text: str) -> None:
        """A child shell that never returns blocks this one too; an exec'd one ends it."""
        if scope.detached or scope.conditional:
            return
        if exec_:
            self.end(child.after or text, child.main, child.forever)
        elif child.forever:
            self.end(child.after or text, child.main, True)

    # ---- what the script knows

    def value(self, word: str) -> str | None:
        """A word's value when the script knows it: literal, one parameter it set or was given, or
        literal text around such parameters (`${APP_ROOT}/artisan`); None when any part is unknown."""
        if "$" not in word and "`" not in word:
            return word
        match = PARAMETER.fullmatch(word)
        if match is not None:
            return self._parameter(match)
        parts: list[str] = []
        end = 0
        for match in PARAMETER.finditer(word):
            between = word[end : match.start()]
            value = self._parameter(match)
            if "$" in between or "`" in between or value is None:
                return None
            parts += [between, value]
            end = match.end()
        rest = word[end:]
        return None if not parts or "$" in rest or "`" in rest else "".join(parts) + rest

    def _parameter(self, match: re.Match[str]) -> str | None:
        """The value of one `$NAME`, `${NAME}`, `${NAME:-default}` or `$1`, when the script knows it."""
        name = match.group("bare") or match.group("name")
        if name.isdigit():
            index = int(name) - 1
            value: str | None = self.args[index] if index < len(self.args) else None
            known = True
        else:
            value = self.env.get(name)
            known = name in self.env
        op = match.group("op")
        if op is not None and (value is None or (op == ":-" and value == "")):
            return match.group("default") if known else None
        if not known:
            return None
        return value or ""

    def expand(self, tokens: list[Token]) -> list[str]:
        """Words with what the script itself knows put in: `"$@"`, `$1`, `${1:-web}`, `$ROLE` set above."""
        out: list[str] = []
        for tok in tokens:
            if tok.value in ALL_ARGS:
                out += self.args
                continue
            value = self.value(tok.value)
            if value is None:
                out.append(tok.value)  # unknown here (the container's environment): kept as written
            elif value or tok.quoted:
                out.append(value)
        return out

    def assign(self, word: str, scope: Scope) -> None:
        """`NAME=value`: remembered when set for sure to a known value, else forgotten (unknown)."""
        name, _, raw = word.partition("=")
        value = self.value(raw)
        if value is None or scope.conditional or scope.background or scope.loop_sleep is not None:
            self.env.pop(name, None)
        else:
            self.env[name] = value

    def apply_builtin(self, argv: tuple[str, ...], scope: Scope) -> bool:
        """Builtins that change the shell itself: `shift`, `set -- …`, `export A=B`; False for any other."""
        if argv[0] == "shift":
            count = int(argv[1]) if len(argv) > 1 and argv[1].isdigit() else 1
            self.args = self.args[count:]
        elif argv[0] == "set" and "--" in argv:
            if not scope.conditional:
                self.args = argv[argv.index("--") + 1 :]
        elif argv[0] in ("export", "readonly", "declare", "local"):
            for word in argv[1:]:
                if ASSIGNMENT.match(word):
                    self.assign(word, scope)
        else:
            return False
        return True


def main_marked(runs: list[Run], top: Frame) -> list[Process]:
    """Mark the main process: what ended the start, else each exec'd branch and the last foreground."""
    if top.main is not None:
        top.main.main = True
    elif not top.forever:
        candidates = [r for r in runs if r.foreground]
        for run in candidates:
            run.main = run.main or run.terminal
        if candidates:
            candidates[-1].main = True
    return [run.process() for run in runs]
