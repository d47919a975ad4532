"""What a container runs, read from its Dockerfile, start scripts, supervisord, crontabs and compose files.

Nothing is executed. The container's start (ENTRYPOINT + CMD, or the task definition's override)
is followed through the scripts it reaches with a small structural shell parser, so a script
that exists but that nothing starts contributes nothing. Each command found becomes a
`Process` that says how it runs: in the background, in a `while … sleep` loop, under
supervisord or cron, behind a foreground command that never returns, or as the main process.
"""

from __future__ import annotations

import importlib
import json
import posixpath
import re
import shlex
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any, Literal

from envcheck.discover import Discovered
from envcheck.fs import ScanContext, display_path
from envcheck.model import Location, Process

Problem = tuple[int, str]  # (1-based line, message), reported as SRC002 by the index

MAX_DEPTH = 24  # scripts, `sh -c` strings, functions and supervisord/cron programs nested in each other
MAX_COMMANDS = 20_000  # commands walked for one container start
MAX_NESTING = 40  # compound commands nested in one script

PATH_DIRS = ("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin")
SHELLS = frozenset({"sh", "bash", "dash", "ash", "zsh", "ksh", "mksh"})
CONTAINER = "container command"

# fmt: off
# Commands that are not processes worth keeping: builtins, file and text utilities, probes.
NOISE = frozenset(
    {
        ":", "[", "[[", "true", "false", "test", "echo", "printf", "cd", "pushd", "popd", "export", "set", "unset",
        "local", "declare", "typeset", "readonly", "shift", "return", "exit", "break", "continue", "read", "wait",
        "trap", "umask", "ulimit", "alias", "let", "hash", "type", "sleep", "mkdir", "rmdir", "chown", "chgrp",
        "chmod", "cp", "mv", "rm", "ln", "cat", "touch", "ls", "pwd", "install", "env", "printenv", "tee", "grep",
        "sed", "awk", "head", "cut", "tr", "sort", "uniq", "wc", "find", "basename", "dirname", "date", "id",
        "whoami", "hostname", "uname", "envsubst", "which", "stat", "sync", "nc", "curl", "wget", "ping", "getent",
        "usermod", "groupmod", "useradd", "groupadd", "adduser", "addgroup", "tail"
    }
)
# A `&&` after one of these does not make the next command conditional in practice (`cd /app && php …`).
TRIVIAL_GUARDS = frozenset(
    {"cd", "mkdir", "chown", "chmod", "export", "echo", "printf", "true", ":", "set", "touch", "cp", "mv", "ln"}
)
# Programs envcheck knows; a name among them is never matched against the repo's scripts.
KNOWN_PROGRAMS = frozenset(
    {
        "php", "apache2-foreground", "httpd-foreground", "apache2ctl", "apachectl", "apache2", "httpd", "nginx",
        "supervisord", "supervisorctl", "cron", "crond", "busybox", "supercronic", "crontab", "node", "npm",
        "composer", "frankenphp", "rr", "caddy", "tini", "tini-static", "dumb-init", "gosu", "su-exec", "su",
        "runuser", "setpriv", "sudo", "doas", "timeout", "nohup", "nice", "ionice", "stdbuf", "chpst",
        "s6-setuidgid", "docker-php-entrypoint", "python", "python3", "redis-server", "eval", "exec", "source", ".",
        "artisan"
    }
)
# fmt: on
# Entrypoints of official images that only `exec "$@"`: their CMD is the command.
PASSTHROUGH = frozenset({"docker-php-entrypoint", "docker-entrypoint.sh"})
# Usernames that mark a system crontab line (`* * * * * www-data php artisan …`).
KNOWN_USERS = frozenset(
    {"root", "www-data", "nginx", "apache", "nobody", "daemon", "app", "laravel", "www", "http", "sail", "forge"}
)
# Artisan commands that run until stopped.
ARTISAN_FOREVER = frozenset(
    {"horizon", "schedule:work", "queue:listen", "octane:start", "reverb:start", "pulse:check", "pulse:work", "serve"}
)
CRON_MACROS = frozenset({"@reboot", "@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"})
SUPERVISORD_DEFAULTS = ("/etc/supervisor/supervisord.conf", "/etc/supervisord.conf")

# wrapper -> (options that take a value, operands before the command). `su`/`sh -c` are handled apart.
WRAPPERS: dict[str, tuple[frozenset[str], int]] = {
    "nohup": (frozenset(), 0),
    "command": (frozenset(), 0),
    "time": (frozenset({"-f", "-o"}), 0),
    "nice": (frozenset({"-n", "--adjustment"}), 0),
    "ionice": (frozenset({"-c", "-n", "--class", "--classdata"}), 0),
    "stdbuf": (frozenset({"-i", "-o", "-e"}), 0),
    "tini": (frozenset({"-p", "-e"}), 0),
    "tini-static": (frozenset({"-p", "-e"}), 0),
    "dumb-init": (frozenset({"-r", "--rewrite"}), 0),
    "gosu": (frozenset(), 1),
    "su-exec": (frozenset(), 1),
    "s6-setuidgid": (frozenset(), 1),
    "timeout": (frozenset({"-s", "-k", "--signal", "--kill-after"}), 1),
    "setpriv": (
        frozenset({"--reuid", "--regid", "--groups", "--inh-caps", "--ambient-caps", "--bounding-set", "--securebits"}),
        0,
    ),
    "sudo": (frozenset({"-u", "-g", "-C", "-D", "-h", "-p", "-r", "-t", "-U", "--user", "--group", "--chdir"}), 0),
    "doas": (frozenset({"-u", "-C"}), 0),
    "runuser": (frozenset({"-u", "-g", "-G", "--user", "--group", "--supp-group", "-w"}), 0),
    "chpst": (frozenset({"-u", "-U", "-b", "-e", "-n", "-l", "-L", "-m", "-d", "-o", "-p", "-f", "-c"}), 0),
    "env": (frozenset({"-u", "--unset", "-C", "--chdir"}), 0),
}

ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
PARAMETER = re.compile(
    r"\$(?:(?P<bare>[A-Za-z_]\w*|[1-9])|\{(?P<name>[A-Za-z_]\w*|[1-9])(?:(?P<op>:?-)(?P<default>[^}$`]*))?\})"
)
ALL_ARGS = frozenset({"$@", "${@}", "$*", "${*}"})


# --------------------------------------------------------------------------- shell: tokens


@dataclass(frozen=True)
class Token:
    kind: Literal["word", "op", "nl"]
    value: str  # words with their quotes removed; `$(…)` and `${…}` kept as written
    line: int
    quoted: bool = False  # a quoted word is never a keyword


# fmt: off
OPERATORS = (
    "<<<", "&>>", ";;&", "<<-", "&&", "||", ";;", ";&", "&>", "|&", ">>", "<<", "<&", ">&", ">|", "<>",
    ";", "&", "|", "(", ")", "<", ">",
)
# fmt: on
OP_CHARS = frozenset(";&|()<>")
REDIRECTS = frozenset({"<", ">", ">>", "<<", "<<-", "<<<", "<&", ">&", ">|", "<>", "&>", "&>>"})


class _Lexer:
    """Shell text to words and operators, with lines; here-document bodies are skipped."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.i = 0
        self.line = 1
        self.tokens: list[Token] = []
        self.problems: list[Problem] = []
        self.word: list[str] = []
        self.in_word = False
        self.quoted = False
        self.word_line = 1
        self.heredocs: list[tuple[str, bool]] = []
        self.want_delimiter: bool | None = None  # after `<<`/`<<-`: whether the body strips tabs

    def run(self) -> tuple[list[Token], list[Problem]]:
        text = self.text
        while self.i < len(text):
            c = text[self.i]
            if c == "\\":
                self._backslash()
            elif c == "\n":
                self._newline()
            elif c in " \t\r":
                self._flush()
                self.i += 1
            elif c == "#" and not self.in_word:
                end = text.find("\n", self.i)
                self.i = len(text) if end < 0 else end
            elif c == "'":
                self._single_quoted()
            elif c == '"':
                self._double_quoted()
            elif c == "$" and text[self.i + 1 : self.i + 2] in ("(", "{"):
                self._dollar()
            elif c == "`":
                self._backtick()
            elif c in OP_CHARS:
                self._operator()
            else:
                self._add(c)
                self.i += 1
        self._flush()
        if self.heredocs:
            self.problems.append((self.line, "here-document not terminated"))
        return self.tokens, self.problems

    def _add(self, chars: str, quoted: bool = False) -> None:
        if not self.in_word:
            self.in_word, self.word_line = True, self.line
        self.word.append(chars)
        self.quoted = self.quoted or quoted

    def _flush(self) -> None:
        if not self.in_word:
            return
        value = "".join(self.word)
        self.tokens.append(Token("word", value, self.word_line, self.quoted))
        if self.want_delimiter is not None:
            self.heredocs.append((value, self.want_delimiter))
            self.want_delimiter = None
        self.word, self.in_word, self.quoted = [], False, False

    def _backslash(self) -> None:
        nxt = self.text[self.i + 1 : self.i + 2]
        if nxt == "\n":  # line continuation
            self.line += 1
        elif nxt:
            self._add(nxt, quoted=True)
        self.i += 2

    def _newline(self) -> None:
        self._flush()
        self.tokens.append(Token("nl", "\n", self.line))
        self.i += 1
        self.line += 1
        if self.heredocs:
            self._skip_heredocs()

    def _skip_heredocs(self) -> None:
        text = self.text
        for delimiter, strip_tabs in self.heredocs:
            while self.i < len(text):
                end = text.find("\n", self.i)
                body_line = text[self.i : len(text) if end < 0 else end].rstrip("\r")
                self.i = len(text) if end < 0 else end + 1
                self.line += 1
                if (body_line.lstrip("\t") if strip_tabs else body_line) == delimiter:
                    break
            else:
                self.problems.append((self.line, f"here-document not terminated by {delimiter!r}"))
        self.heredocs = []

    def _closing(self, quote: str, start: int) -> int:
        end = self.text.find(quote, start)
        if end < 0:
            self.problems.append((self.line, "unterminated quote"))
            return len(self.text)
        return end

    def _single_quoted(self) -> None:
        end = self._closing("'", self.i + 1)
        body = self.text[self.i + 1 : end]
        self._add(body, quoted=True)
        self.line += body.count("\n")
        self.i = end + 1

    def _double_quoted(self) -> None:
        text = self.text
        self._add("", quoted=True)
        self.i += 1
        while self.i < len(text):
            c = text[self.i]
            if c == '"':
                self.i += 1
                return
            if c == "\\" and text[self.i + 1 : self.i + 2] in ('"', "\\", "$", "`", "\n"):
                nxt = text[self.i + 1]
                if nxt == "\n":
                    self.line += 1
                else:
                    self._add(nxt)
                self.i += 2
            elif c == "$" and text[self.i + 1 : self.i + 2] in ("(", "{"):
                self._dollar()
            elif c == "`":
                self._backtick()
            else:
                self.line += c == "\n"
                self._add(c)
                self.i += 1
        self.problems.append((self.line, "unterminated quote"))

    def _dollar(self) -> None:
        """`$(…)`, `$((…))` and `${…}` stay one raw piece of the word."""
        text = self.text
        opening = text[self.i + 1]
        closing = ")" if opening == "(" else "}"
        depth, j = 0, self.i + 1
        while j < len(text):
            c = text[j]
            if c == opening:
                depth += 1
            elif c == closing:
                depth -= 1
                if depth == 0:
                    j += 1
                    break
            elif c == "\\":
                j += 1
            elif c in "'\"":
                j = self._closing(c, j + 1)
            j += 1
        else:
            self.problems.append((self.line, f"unterminated ${opening}"))
        raw = text[self.i : j]
        self._add(raw)
        self.line += raw.count("\n")
        self.i = j

    def _backtick(self) -> None:
        end = self.i + 1
        while end < len(self.text) and self.text[end] != "`":
            end += 2 if self.text[end] == "\\" else 1
        if end >= len(self.text):
            self.problems.append((self.line, "unterminated backquote"))
        raw = self.text[self.i : end + 1]
        self._add(raw)
        self.line += raw.count("\n")
        self.i = end + 1

    def _operator(self) -> None:
        text, c = self.text, self.text[self.i]
        if c in "<>" and self.in_word and not self.quoted and "".join(self.word).isdigit():
            self.word, self.in_word = [], False  # a file descriptor: `2>&1`
        elif c == "(" and self.in_word and self.word and self.word[-1].endswith("="):
            self._array_assignment()
            return
        else:
            self._flush()
        op = next(o for o in OPERATORS if text.startswith(o, self.i))
        self.tokens.append(Token("op", op, self.line))
        self.i += len(op)
        if op in ("<<", "<<-"):
            self.want_delimiter = op == "<<-"

    def _array_assignment(self) -> None:
        end = self.text.find(")", self.i)
        end = len(self.text) - 1 if end < 0 else end
        raw = self.text[self.i : end + 1]
        self._add(raw)
        self.line += raw.count("\n")
        self.i = end + 1


# --------------------------------------------------------------------------- shell: structure


@dataclass
class Simple:
    words: list[Token]
    line: int


@dataclass
class Block:
    kind: Literal["subshell", "group"]
    body: list[Item]
    line: int


@dataclass
class If:
    branches: list[tuple[list[Item] | None, list[Item]]]  # (condition, body); the `else` has no condition
    line: int


@dataclass
class Loop:
    kind: Literal["while", "until", "for"]
    condition: list[Item]
    body: list[Item]
    line: int
    header: str  # `while true`, for after_foreground


@dataclass
class Case:
    subject: Token | None
    arms: list[tuple[list[str], list[Item]]]
    line: int


@dataclass
class Function:
    name: str
    body: Node
    line: int


Node = Simple | Block | If | Loop | Case | Function


@dataclass
class Pipeline:
    commands: list[Node]
    negated: bool = False  # `! cmd`


@dataclass
class Item:
    """An and-or list (`a && b || c`) and whether it ends with `&`."""

    parts: list[tuple[str, Pipeline]]  # ("", first), ("&&", next), ("||", next)…
    background: bool = False


def parse_shell(text: str) -> tuple[list[Item], list[Problem]]:
    """A script's structure; problems are returned, never raised."""
    tokens, problems = _Lexer(text).run()
    parser = _Parser(tokens)
    items = parser.parse_list(frozenset())
    return items, problems + parser.problems


class _Parser:
    """Recursive descent over the POSIX shell grammar, lenient: a bad token is reported and skipped."""

    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.i = 0
        self.nesting = 0
        self.aborted = False
        self.problems: list[Problem] = []

    def peek(self) -> Token | None:
        return None if self.aborted or self.i >= len(self.tokens) else self.tokens[self.i]

    @staticmethod
    def is_word(tok: Token | None, *values: str) -> bool:
        return tok is not None and tok.kind == "word" and not tok.quoted and tok.value in values

    @staticmethod
    def is_op(tok: Token | None, *values: str) -> bool:
        return tok is not None and tok.kind == "op" and tok.value in values

    def expect(self, word: str, line: int) -> None:
        tok = self.peek()
        if self.is_word(tok, word) or self.is_op(tok, word):
            self.i += 1
        elif not self.aborted:
            self.problems.append((tok.line if tok else line, f"expected {word!r}"))

    def skip_newlines(self) -> None:
        while (tok := self.peek()) is not None and tok.kind == "nl":
            self.i += 1

    def parse_list(self, stops: frozenset[str]) -> list[Item]:
        items: list[Item] = []
        while (tok := self.peek()) is not None:
            if tok.kind == "nl" or self.is_op(tok, ";", "&"):
                self.i += 1
                continue
            if (tok.kind == "op" or (tok.kind == "word" and not tok.quoted)) and tok.value in stops:
                break
            parts = self.parse_and_or()
            if parts is None:
                if not self.aborted:
                    self.problems.append((tok.line, f"unexpected {tok.value!r}"))
                    self.i += 1
                continue
            item = Item(parts)
            if self.is_op(self.peek(), "&"):
                item.background = True
                self.i += 1
            items.append(item)
        return items

    def parse_and_or(self) -> list[tuple[str, Pipeline]] | None:
        first = self.parse_pipeline()
        if first is None:
            return None
        parts = [("", first)]
        while (tok := self.peek()) is not None and self.is_op(tok, "&&", "||"):
            self.i += 1
            self.skip_newlines()
            nxt = self.parse_pipeline()
            if nxt is None:
                self.problems.append((tok.line, f"nothing after {tok.value!r}"))
                break
            parts.append((tok.value, nxt))
        return parts

    def parse_pipeline(self) -> Pipeline | None:
        negated = self.is_word(self.peek(), "!")
        if negated:
            self.i += 1
        first = self.parse_command()
        if first is None:
            return None
        commands = [first]
        while (tok := self.peek()) is not None and self.is_op(tok, "|", "|&"):
            self.i += 1
            self.skip_newlines()
            nxt = self.parse_command()
            if nxt is None:
                self.problems.append((tok.line, "nothing after '|'"))
                break
            commands.append(nxt)
        return Pipeline(commands, negated)

    def parse_command(self) -> Node | None:
        tok = self.peek()
        if tok is None:
            return None
        if self.is_op(tok, "("):
            return self.compound(self.parse_subshell)
        if tok.kind == "word" and not tok.quoted:
            handlers: dict[str, Callable[[], Node]] = {
                "if": self.parse_if,
                "while": self.parse_loop,
                "until": self.parse_loop,
                "for": self.parse_for,
                "case": self.parse_case,
                "{": self.parse_group,
                "function": self.parse_function,
            }
            handler = handlers.get(tok.value)
            if handler is not None:
                return self.compound(handler)
            if tok.value in {"then", "else", "elif", "fi", "do", "done", "esac", "}"}:
                return None
            nxt = self.tokens[self.i + 1 : self.i + 3]
            if len(nxt) == 2 and self.is_op(nxt[0], "(") and self.is_op(nxt[1], ")"):
                return self.compound(self.parse_function)
        if tok.kind == "word" or (tok.kind == "op" and tok.value in REDIRECTS):
            return self.parse_simple()
        return None

    def compound(self, parse: Callable[[], Node]) -> Node | None:
        if self.nesting >= MAX_NESTING:
            tok = self.peek()
            self.problems.append((tok.line if tok else 0, "commands nested too deeply: the rest is not read"))
            self.aborted = True
            return None
        self.nesting += 1
        try:
            node: Node = parse()
        finally:
            self.nesting -= 1
        self.skip_redirections()
        return node

    def skip_redirections(self) -> None:
        while (tok := self.peek()) is not None and tok.kind == "op" and tok.value in REDIRECTS:
            self.i += 1
            if (target := self.peek()) is not None and target.kind == "word":
                self.i += 1

    def parse_simple(self) -> Simple:
        first = self.tokens[self.i]
        words: list[Token] = []
        while (tok := self.peek()) is not None:
            if tok.kind == "word":
                words.append(tok)
                self.i += 1
            elif tok.kind == "op" and tok.value in REDIRECTS:
                self.i += 1
                target = self.peek()
                if target is not None and target.kind == "word":
                    self.i += 1
                else:
                    self.problems.append((tok.line, f"{tok.value!r} has no target"))
            else:
                break
        return Simple(words, first.line)

    def take(self) -> Token:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def parse_subshell(self) -> Block:
        start = self.take()
        body = self.parse_list(frozenset({")"}))
        self.expect(")", start.line)
        return Block("subshell", body, start.line)

    def parse_group(self) -> Block:
        start = self.take()
        body = self.parse_list(frozenset({"}"}))
        self.expect("}", start.line)
        return Block("group", body, start.line)

    def parse_if(self) -> If:
        start = self.take()
        stops = frozenset({"elif", "else", "fi"})
        condition = self.parse_list(frozenset({"then"}))
        self.expect("then", start.line)
        branches: list[tuple[list[Item] | None, list[Item]]] = [(condition, self.parse_list(stops))]
        while (tok := self.peek()) is not None and self.is_word(tok, "elif", "else"):
            self.i += 1
            if tok.value == "else":
                branches.append((None, self.parse_list(frozenset({"fi"}))))
                break
            condition = self.parse_list(frozenset({"then"}))
            self.expect("then", tok.line)
            branches.append((condition, self.parse_list(stops)))
        self.expect("fi", start.line)
        return If(branches, start.line)

    def parse_loop(self) -> Loop:
        start = self.take()
        first = self.i
        condition = self.parse_list(frozenset({"do"}))
        header = " ".join([start.value] + [t.value for t in self.tokens[first : self.i] if t.kind == "word"])
        self.expect("do", start.line)
        body = self.parse_list(frozenset({"done"}))
        self.expect("done", start.line)
        kind: Literal["while", "until"] = "until" if start.value == "until" else "while"
        return Loop(kind, condition, body, start.line, header)

    def parse_for(self) -> Loop:
        start = self.take()
        first = self.i
        while (tok := self.peek()) is not None and not self.is_word(tok, "do"):
            self.i += 1
        header = " ".join([start.value] + [t.value for t in self.tokens[first : self.i] if t.kind == "word"])
        self.expect("do", start.line)
        body = self.parse_list(frozenset({"done"}))
        self.expect("done", start.line)
        return Loop("for", [], body, start.line, header)

    def parse_case(self) -> Case:
        start = self.take()
        subject = self.peek()
        if subject is not None and subject.kind == "word":
            self.i += 1
        else:
            subject = None
        self.skip_newlines()
        self.expect("in", start.line)
        arms: list[tuple[list[str], list[Item]]] = []
        while (tok := self.peek()) is not None and not self.is_word(tok, "esac"):
            if tok.kind == "nl" or self.is_op(tok, ";"):
                self.i += 1
                continue
            patterns = self.parse_patterns()
            if patterns is None:
                self.problems.append((tok.line, "expected ')' after a case pattern"))
                break
            arms.append((patterns, self.parse_list(frozenset({";;", ";&", ";;&", "esac"}))))
            if self.is_op(self.peek(), ";;", ";&", ";;&"):
                self.i += 1
        self.expect("esac", start.line)
        return Case(subject, arms, start.line)

    def parse_patterns(self) -> list[str] | None:
        if self.is_op(self.peek(), "("):
            self.i += 1
        patterns: list[str] = []
        while (tok := self.peek()) is not None and not self.is_op(tok, ")"):
            if tok.kind == "word":
                patterns.append(tok.value)
            elif not self.is_op(tok, "|"):
                return None
            self.i += 1
        if tok is None:
            return None
        self.i += 1
        return patterns

    def parse_function(self) -> Function:
        start = self.take()
        name = start.value
        if start.value == "function" and (tok := self.peek()) is not None and tok.kind == "word":
            name = tok.value
            self.i += 1
        if self.is_op(self.peek(), "("):
            self.i += 1
            self.expect(")", start.line)
        self.skip_newlines()
        body = self.parse_command()
        if body is None:
            self.problems.append((start.line, f"function {name!r} has no body"))
            body = Block("group", [], start.line)
        return Function(name, body, start.line)


# --------------------------------------------------------------------------- commands: what a command line means


def _base(word: str) -> str:
    return posixpath.basename(word)


def _unwrap_once(argv: tuple[str, ...]) -> tuple[str, ...] | None:
    """The command a wrapper (`nohup`, `gosu U`, `tini --`, `env A=B`, `VAR=x`…) runs; None if not one."""
    if argv and ASSIGNMENT.match(argv[0]):
        rest = argv[1:]
        while rest and ASSIGNMENT.match(rest[0]):
            rest = rest[1:]
        return rest
    base = _base(argv[0]) if argv else ""
    if base == "busybox" and len(argv) > 1 and argv[1] in SHELLS:
        return argv[1:]
    if base not in WRAPPERS:
        return None
    with_value, operands = WRAPPERS[base]
    i = 1
    while i < len(argv) and _is_wrapper_option(base, argv[i]):
        word = argv[i]
        i += 1
        if word == "--":
            break
        if word in with_value:
            i += 1
    return argv[i + operands :]


def _is_wrapper_option(wrapper: str, word: str) -> bool:
    if wrapper == "env" and (word == "-" or ASSIGNMENT.match(word)):
        return True
    return word.startswith("-") and word != "-"


def _shell_string(argv: tuple[str, ...]) -> str | None:
    """The shell text of `sh -c TEXT`, `su … -c TEXT`, `runuser … -c TEXT`, `eval TEXT`; else None."""
    base = _base(argv[0])
    if base == "eval":
        return " ".join(argv[1:])
    if base in ("su", "runuser"):
        return _su_command(argv[1:])
    if base not in SHELLS:
        return None
    has_c, i = False, 1
    while i < len(argv):
        word = argv[i]
        if word == "--":
            i += 1
            break
        if word in ("-o", "+o", "-O", "+O"):
            i += 2
            continue
        if not word.startswith(("-", "+")) or word in ("-", "+"):
            break
        if word.startswith("-") and not word.startswith("--") and "c" in word[1:]:
            has_c = True
        i += 1
    if not has_c:
        return None
    return argv[i] if i < len(argv) else ""


def _su_command(args: tuple[str, ...]) -> str | None:
    i = 0
    while i < len(args):
        word = args[i]
        if word in ("-c", "--command", "--session-command"):
            return args[i + 1] if i + 1 < len(args) else ""
        if word.startswith(("--command=", "--session-command=")):
            return word.split("=", 1)[1]
        if word in ("-s", "--shell", "-g", "--group", "-G", "--supp-group", "-w", "-u", "--user"):
            i += 1
        elif len(word) > 2 and word[0] == "-" and word[1] != "-" and word.endswith("c"):
            return args[i + 1] if i + 1 < len(args) else ""
        i += 1
    return None


@dataclass(frozen=True)
class _ScriptCall:
    word: str
    args: tuple[str, ...]
    sourced: bool
    explicit: bool  # run by a shell (`bash x`) or sourced: surely a script


def _script_call(argv: tuple[str, ...]) -> _ScriptCall | None:
    """`./x.sh a`, `bash x.sh a`, `. x.sh`, `source x.sh` as a call of a script; None otherwise."""
    base = _base(argv[0])
    if base in (".", "source"):
        return _ScriptCall(argv[1], argv[2:], True, True) if len(argv) > 1 else None
    if base in SHELLS:
        i = 1
        while i < len(argv) and argv[i].startswith(("-", "+")) and argv[i] not in ("-", "--"):
            i += 2 if argv[i] in ("-o", "+o") else 1
        i += i < len(argv) and argv[i] == "--"
        return _ScriptCall(argv[i], argv[i + 1 :], False, True) if i < len(argv) else None
    if base in NOISE or base in KNOWN_PROGRAMS:
        return None
    return _ScriptCall(argv[0], argv[1:], False, False)


def _looks_like_script(word: str) -> bool:
    return word.endswith((".sh", ".bash"))


def _known(argv: tuple[str, ...]) -> bool:
    """A program whose behaviour envcheck knows (so a start that ends in it is understood)."""
    base = _base(argv[0])
    return base in KNOWN_PROGRAMS or base in NOISE or re.match(r"^php[\d.-]", base) is not None or never_returns(argv)


def artisan_args(argv: tuple[str, ...]) -> tuple[str, ...] | None:
    for i, arg in enumerate(argv):
        if arg == "artisan" or arg.endswith("/artisan"):
            return argv[i + 1 :]
    return None


def never_returns(argv: tuple[str, ...]) -> bool:
    """Whether a command runs in the foreground until the container stops."""
    base, rest = _base(argv[0]), argv[1:]
    artisan = artisan_args(argv)
    if artisan is not None:
        command = artisan[0] if artisan else ""
        if command == "queue:work":
            return not any(a.startswith(f"--{f}") for a in artisan for f in ("once", "stop-when-empty", "max-"))
        return command in ARTISAN_FOREVER
    if base in ("apache2-foreground", "httpd-foreground", "supercronic"):
        return True
    if base in ("apache2ctl", "apachectl", "httpd", "apache2"):
        return "FOREGROUND" in " ".join(rest)
    if re.fullmatch(r"php-fpm[\d.]*", base):
        return not any(a in ("-D", "--daemonize") for a in rest)
    if base == "nginx":
        return any("daemon off" in a for a in rest)
    if base == "supervisord":
        return any(a in ("-n", "--nodaemon") for a in rest)
    if base in ("cron", "crond") or (base == "busybox" and rest[:1] == ("crond",)):
        return any(re.fullmatch(r"-\w*[fn]\w*", a) for a in rest)
    if base == "tail":
        return any(a in ("-f", "-F", "--follow") or re.fullmatch(r"-\w*[fF]\w*", a) is not None for a in rest)
    if base == "sleep":
        return rest[:1] in (("infinity",), ("inf",))
    return False


def _duration(word: str, env: dict[str, str]) -> int | None:
    """`sleep` seconds: `60`, `1m`, `$INTERVAL` set earlier, `${INTERVAL:-60}`; None when unknown."""
    match = re.fullmatch(r"\$\{?([A-Za-z_]\w*)(?::?-([^}]*))?\}?", word)
    if match:
        word = env.get(match.group(1), match.group(2) or "")
    match = re.fullmatch(r"(\d+(?:\.\d+)?)([smhd]?)", word.strip())
    if not match:
        return None
    scale = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}[match.group(2)]
    return int(float(match.group(1)) * scale)


# --------------------------------------------------------------------------- Dockerfile


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
    base_image: str | None = None
    entries: list[CopyEntry] = field(default_factory=list, repr=False)

    def resolve(self, image_path: str, dirs: bool = False) -> Path | None:
        """The repo file that a path in the image was copied from (the last COPY wins)."""
        target = posixpath.normpath(posixpath.join(self.workdir, image_path))
        for entry in reversed(self.entries):
            if entry.is_dir:
                if target == entry.dest or target.startswith(entry.dest.rstrip("/") + "/"):
                    candidate = entry.source / target[len(entry.dest) :].lstrip("/")
                    if _is_file(candidate) or (dirs and _is_dir(candidate)):
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
            if entry.is_dir and (folder == entry.dest or folder.startswith(entry.dest.rstrip("/") + "/")):
                source_dir = entry.source / folder[len(entry.dest) :].lstrip("/")
                found += [p for p in _files_in(source_dir) if fnmatchcase(p.name, name)]
            elif not entry.is_dir:
                dest = posixpath.join(entry.dest, entry.source.name) if entry.dest_is_dir else entry.dest
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
    base: str | None = None
    entrypoint: tuple[str, ...] | None = None
    entrypoint_line: int | None = None
    cmd: tuple[str, ...] | None = None
    cmd_line: int | None = None
    cmd_inherited: bool = False
    workdir: str = "/"
    shell: tuple[str, ...] = ("/bin/sh", "-c")
    entries: list[CopyEntry] = field(default_factory=list)

    def info(self, path: Path) -> DockerfileInfo:
        return DockerfileInfo(
            path,
            self.entrypoint,
            self.entrypoint_line,
            self.cmd,
            self.cmd_line,
            workdir=self.workdir,
            base_image=self.base,
            entries=list(self.entries),
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
            key = (
                posixpath.join(entry.dest, entry.source.name) if entry.dest_is_dir and not entry.is_dir else entry.dest
            )
            info.copies[key] = entry.source
        return info

    def _from(self, ins: Instruction) -> _Stage:
        words = [w for w in ins.args.split() if not w.startswith("--")]
        image = words[0] if words else ""
        name = words[2] if len(words) >= 3 and words[1].lower() == "as" else str(len(self.stages))
        parent = self._stage(image)
        if parent is not None:
            return replace(parent, name=name, entries=list(parent.entries), cmd_inherited=True)
        stage = _Stage(name, base=image)
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
                is_dir = _is_dir(found)
                entries.append(CopyEntry(dest, found, is_dir, dest_is_dir or is_dir))
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
                    [candidate] if self.ctx.inside(candidate) and (_is_file(candidate) or _is_dir(candidate)) else []
                )
            if matches:
                return matches
        return []


def _is_file(path: Path) -> bool:
    """`Path.is_file` that answers False for names the OS refuses (too long, NUL)."""
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False


def _is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except (OSError, ValueError):
        return False


def _files_in(folder: Path) -> list[Path]:
    try:
        return sorted(p for p in folder.iterdir() if _is_file(p)) if _is_dir(folder) else []
    except (OSError, ValueError):
        return []


def _repo_glob(folder: Path, pattern: str, ctx: ScanContext) -> list[Path]:
    try:
        return sorted(p for p in folder.glob(pattern) if _is_file(p) and ctx.inside(p))
    except (OSError, ValueError, NotImplementedError):
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


# --------------------------------------------------------------------------- supervisord, crontab, compose, Procfile


@dataclass(frozen=True)
class Program:
    name: str
    command: str
    line: int
    autostart: bool = True


@dataclass
class SupervisorConf:
    programs: list[Program] = field(default_factory=list)
    includes: list[str] = field(default_factory=list)
    nodaemon: bool = False


SUPERVISOR_SECTIONS = re.compile(r"^(program:|supervisord$|include$|group:|unix_http_server$|supervisorctl$)")


def parse_supervisord(text: str) -> tuple[SupervisorConf, list[Problem]]:
    """The programs of a supervisord conf (INI, read leniently: it may be another tool's conf.d file)."""
    conf = SupervisorConf()
    problems: list[Problem] = []
    sections: dict[str, dict[str, tuple[str, int]]] = {}
    headers: dict[str, int] = {}
    current: dict[str, tuple[str, int]] | None = None
    key = None
    odd_lines: list[int] = []
    for number, raw in enumerate(text.splitlines(), 1):
        stripped = raw.strip()
        if not stripped or stripped.startswith((";", "#")):
            continue
        if stripped.startswith("[") and stripped.endswith("]"):
            name = stripped[1:-1].strip()
            current = sections.setdefault(name, {})
            headers.setdefault(name, number)
            key = None
        elif current is not None and raw[:1] in (" ", "\t") and key is not None:
            value, line = current[key]
            current[key] = (f"{value} {stripped}", line)
        elif current is not None and re.match(r"^[\w.-]+\s*[=:]", stripped):
            name, _, value = re.split(r"\s*([=:])\s*", stripped, maxsplit=1)
            key = name.lower()
            current[key] = (re.sub(r"\s+;.*$", "", value).strip(), number)
        else:
            odd_lines.append(number)
    if not any(SUPERVISOR_SECTIONS.match(name) for name in sections):
        return conf, []  # not a supervisord file
    problems += [(n, "not a supervisord line") for n in odd_lines[:1]]
    for name, values in sections.items():
        if name.startswith("program:"):
            program = _program(name[len("program:") :], values)
            if program is None:
                problems.append((headers[name], f"[{name}] has no command"))
            else:
                conf.programs.append(program)
        elif name == "include" and "files" in values:
            conf.includes += values["files"][0].split()
        elif name == "supervisord" and "nodaemon" in values:
            conf.nodaemon = values["nodaemon"][0].lower() in ("true", "1", "yes", "on")
    return conf, problems


def _program(name: str, values: dict[str, tuple[str, int]]) -> Program | None:
    if "command" not in values:
        return None
    command, line = values["command"]
    autostart = values.get("autostart", ("true", 0))[0].lower() not in ("false", "0", "no", "off")
    return Program(name, command, line, autostart)


@dataclass(frozen=True)
class CronLine:
    schedule: str  # five fields joined by one space, or the @macro
    rest: str  # `[user] command`
    line: int

    def command(self, has_user: bool) -> str:
        text = self.rest.split(None, 1)[1] if has_user and len(self.rest.split(None, 1)) == 2 else self.rest
        return re.split(r"(?<!\\)%", text, maxsplit=1)[0]  # an unescaped % starts the command's stdin


CRON_FIELD = re.compile(r"^[\d*/,\-A-Za-z?LW#]+$")


def parse_crontab(text: str) -> tuple[list[CronLine], list[Problem]]:
    """Schedule lines of a crontab; environment lines and comments are skipped."""
    out: list[CronLine] = []
    problems: list[Problem] = []
    for number, raw in enumerate(text.splitlines(), 1):
        stripped = raw.strip()
        if not stripped or stripped.startswith("#") or re.match(r"^[A-Za-z_][A-Za-z0-9_]*\s*=", stripped):
            continue
        words = stripped.split(None, 1)
        if words[0].lower() in CRON_MACROS and len(words) == 2:
            out.append(CronLine(words[0].lower(), words[1], number))
            continue
        fields = stripped.split(None, 5)
        if len(fields) == 6 and all(CRON_FIELD.match(f) for f in fields[:5]):
            out.append(CronLine(" ".join(fields[:5]), fields[5], number))
        else:
            problems.append((number, "not a crontab line (five schedule fields and a command)"))
    return out, problems


def has_user_field(lines: list[CronLine]) -> bool:
    """A system crontab names a user after the schedule; detect it when nothing else says."""
    return any(len(c.rest.split()) > 1 and c.rest.split()[0] in KNOWN_USERS for c in lines)


@dataclass(frozen=True)
class ComposeService:
    name: str
    command: tuple[str, ...] | None
    entrypoint: tuple[str, ...] | None
    dockerfile: Path | None  # the Dockerfile it builds, when it builds one
    command_line: int | None
    entrypoint_line: int | None
    line: int | None


def parse_compose(text: str, path: Path) -> tuple[list[ComposeService], list[Problem]]:
    """Services of a compose file with their `command:`/`entrypoint:` (strings split as compose does)."""
    yaml = importlib.import_module("yaml")
    try:
        data = yaml.safe_load(text)
    except Exception as exc:  # yaml.YAMLError and its kin; any bad input is a parse problem
        mark = getattr(exc, "problem_mark", None)
        return [], [((mark.line + 1) if mark is not None else 1, f"YAML does not parse: {exc.__class__.__name__}")]
    if not isinstance(data, dict):
        return [], []
    services = data.get("services")
    if not isinstance(services, dict):
        return [], []
    out = []
    problems: list[Problem] = []
    for name, spec in services.items():
        if not isinstance(spec, dict):
            continue
        name = str(name)
        service_line = _service_line(text, name)
        entries: dict[str, tuple[str, ...] | None] = {}
        for key in ("command", "entrypoint"):
            value = spec.get(key)
            entries[key] = _compose_argv(value)
            if value is not None and entries[key] is None:
                where = _key_line(text, key, service_line) or service_line or 1
                problems.append((where, f"{name}: {key} is not a string or list"))
        out.append(
            ComposeService(
                name,
                entries["command"],
                entries["entrypoint"],
                _compose_dockerfile(spec.get("build"), path),
                _key_line(text, "command", service_line),
                _key_line(text, "entrypoint", service_line),
                service_line,
            )
        )
    return out, problems


def _compose_argv(value: Any) -> tuple[str, ...] | None:
    if isinstance(value, str):
        try:
            return tuple(shlex.split(value))
        except ValueError:
            return tuple(value.split())
    if isinstance(value, list):
        return tuple(str(v) for v in value)
    return None


def _compose_dockerfile(build: Any, path: Path) -> Path | None:
    if isinstance(build, str):
        return path.parent / build / "Dockerfile"
    if isinstance(build, dict):
        context = path.parent / str(build.get("context", "."))
        return context / str(build.get("dockerfile", "Dockerfile"))
    return None


def _service_line(text: str, name: str) -> int | None:
    """Line of a service's key under `services:` (YAML loaders drop line numbers)."""
    indent = None
    inside = False
    for number, raw in enumerate(text.splitlines(), 1):
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        depth = len(raw) - len(raw.lstrip())
        if depth == 0:
            inside = re.match(r"^services\s*:", raw) is not None
            continue
        if inside:
            indent = depth if indent is None else indent
            if depth == indent and re.match(rf"^[\"']?{re.escape(name)}[\"']?\s*:", stripped):
                return number
    return None


def _key_line(text: str, key: str, within: int | None) -> int | None:
    """Line of `key:` inside the block that starts at line `within`."""
    if within is None:
        return None
    lines = text.splitlines()
    head = lines[within - 1]
    base = len(head) - len(head.lstrip())
    for number in range(within + 1, len(lines) + 1):
        raw = lines[number - 1]
        if not raw.strip() or raw.strip().startswith("#"):
            continue
        if len(raw) - len(raw.lstrip()) <= base:
            return None
        if re.match(rf"^[\"']?{re.escape(key)}[\"']?\s*:", raw.strip()):
            return number
    return None


def parse_procfile(text: str) -> tuple[list[tuple[str, str, int]], list[Problem]]:
    out: list[tuple[str, str, int]] = []
    problems: list[Problem] = []
    for number, raw in enumerate(text.splitlines(), 1):
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        match = re.match(r"^([A-Za-z0-9_-]+)\s*:\s*(.+)$", stripped)
        if match:
            out.append((match.group(1), match.group(2), number))
        else:
            problems.append((number, "not a Procfile line (`name: command`)"))
    return out, problems


# --------------------------------------------------------------------------- following a start


@dataclass
class _Run:
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


@dataclass(frozen=True)
class _Origin:
    """Where the positional arguments of a script were written (a Dockerfile CMD, a script line)."""

    source: str
    path: str
    line: int | None


@dataclass(frozen=True)
class _Scope:
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


@dataclass
class _Frame:
    """One shell: its arguments, variables and functions, and whether it has stopped."""

    args: tuple[str, ...] = ()
    args_origin: _Origin | None = None
    env: dict[str, str] = field(default_factory=dict)
    functions: dict[str, Node] = field(default_factory=dict)
    chain: bool = False  # the container's own start: its exec'd command becomes PID 1
    after: str | None = None  # set once a command ends this shell: later lines never run
    main: _Run | None = None  # the process that ended it
    forever: bool = False  # it ended by a command that never returns

    def end(self, text: str, main: _Run | None, forever: bool) -> None:
        if self.after is None:
            self.after, self.main, self.forever = text, main, forever

    def child(self, args: tuple[str, ...] | None = None, chain: bool = False) -> _Frame:
        """A subshell: it sees the variables and functions, and ends on its own."""
        return _Frame(
            args=self.args if args is None else args,
            args_origin=self.args_origin,
            env=dict(self.env),
            functions=dict(self.functions),
            chain=chain,
        )


@dataclass(frozen=True)
class ContainerStart:
    """What a container runs; `processes` is None when it cannot be known, and `unknown` says why."""

    processes: list[Process] | None
    unknown: str | None = None


class _Walk:
    """One container start followed through everything it runs."""

    def __init__(self, index: ProcessIndex, docker: DockerfileInfo | None) -> None:
        self.index = index
        self.docker = docker
        self.runs: list[_Run] = []
        self.scripts: list[Path] = []  # the call stack, to stop cycles
        self.expanded: set[tuple[str, Path]] = set()
        self.crontabs: list[tuple[Path, bool | None]] = []  # installed with `crontab FILE`
        self.budget = MAX_COMMANDS
        self.unknown: str | None = None

    # ---- the shell structure

    def items(self, items: list[Item], scope: _Scope, frame: _Frame) -> None:
        for item in items:
            if self.budget <= 0:
                return
            here = self._after(scope, frame)
            if item.background:
                here = replace(here, background=True)
            self.and_or(item.parts, here, frame)

    def and_or(self, parts: list[tuple[str, Pipeline]], scope: _Scope, frame: _Frame) -> None:
        guarded = True  # everything before was a trivial guard such as `cd`
        for index, (op, pipeline) in enumerate(parts):
            here = self._after(scope, frame)
            if index and not (op == "&&" and guarded):
                here = replace(here, conditional=True)
            for node in pipeline.commands:
                self.node(node, here, frame)
            guarded = guarded and _trivial(pipeline)

    @staticmethod
    def _after(scope: _Scope, frame: _Frame) -> _Scope:
        return replace(scope, after=frame.after) if frame.after and not scope.after else scope

    def node(self, node: Node, scope: _Scope, frame: _Frame) -> None:
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

    def block(self, node: Block, scope: _Scope, frame: _Frame) -> None:
        if node.kind == "group":
            self.items(node.body, scope, frame)
            return
        child = frame.child()
        self.items(node.body, scope, child)
        self.adopt(frame, scope, child, exec_=False, text="( … )")

    def loop(self, node: Loop, scope: _Scope, frame: _Frame) -> None:
        if node.kind == "for":
            self.items(node.body, scope, frame)
            return
        forever = _infinite(node)
        inner = replace(
            scope,
            loop_sleep=_loop_sleep(node, frame.env) if scope.loop_sleep is None else scope.loop_sleep,
            conditional=scope.conditional or not forever,
        )
        self.items(node.condition, replace(inner, conditional=scope.conditional), frame)
        self.items(node.body, inner, frame)
        if forever and not (scope.background or scope.conditional or scope.after or scope.loop_sleep is not None):
            frame.end(f"{node.header}; do … done", None, True)

    def if_(self, node: If, scope: _Scope, frame: _Frame) -> None:
        """Branches whose test the script decides run (or not) for sure; the others are conditional."""
        here = scope
        for condition, body in node.branches:
            if condition is None:  # `else`: every test before it was false, or unsure
                self.items(body, here, frame)
                return
            self.items(condition, here, frame)
            verdict = self.evaluate(condition, frame)
            if verdict is True:
                self.items(body, here, frame)
                return
            if verdict is None:
                here = replace(scope, conditional=True)
                self.items(body, here, frame)

    def case(self, node: Case, scope: _Scope, frame: _Frame) -> None:
        subject = _value(node.subject.value, frame) if node.subject else None
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

    def expand(self, tokens: Iterable[Token | None], frame: _Frame) -> list[str]:
        """Words with what the script itself knows put in: `"$@"`, `$1`, `${1:-web}`, `$ROLE` set above."""
        out: list[str] = []
        for tok in tokens:
            if tok is None:
                continue
            if tok.value in ALL_ARGS:
                out += frame.args
                continue
            value = _value(tok.value, frame)
            if value is None:
                out.append(tok.value)  # unknown here (the container's environment): kept as written
            elif value or tok.quoted:
                out.append(value)
        return out

    def evaluate(self, condition: list[Item], frame: _Frame) -> bool | None:
        """The outcome of `[ A = B ]`, `[ -z A ]`, `test …` when the script knows both sides; else None."""
        if len(condition) != 1 or len(condition[0].parts) != 1:
            return None
        pipeline = condition[0].parts[0][1]
        node = pipeline.commands[0] if len(pipeline.commands) == 1 else None
        if not isinstance(node, Simple) or not node.words:
            return None
        words = [_value(t.value, frame) for t in node.words]
        if words[0] in ("[", "[[") and words[-1] == {"[": "]", "[[": "]]"}[words[0]]:
            operands = words[1:-1]
        elif words[0] == "test":
            operands = words[1:]
        else:
            return None
        result = _test(operands)
        return None if result is None else result != pipeline.negated

    def simple(self, node: Simple, scope: _Scope, frame: _Frame) -> None:
        self.budget -= 1
        words = self.expand(node.words, frame)
        tail = len(frame.args) if node.words and node.words[-1].value in ALL_ARGS else 0
        assignments = 0
        while assignments < len(words) and ASSIGNMENT.match(words[assignments]):
            assignments += 1
        if assignments == len(words):
            for word in words:
                _assign(word, scope, frame)
            return
        argv = tuple(words[assignments:])
        text = shlex.join(argv)
        exec_ = argv[0] == "exec"
        if exec_:
            argv = _exec_operands(argv[1:])
            if not argv:
                return  # `exec >log 2>&1` only redirects
        if self._builtin(argv, scope, frame):
            return
        self.run(argv, scope, frame, line=scope.line(node.line), text=text, exec_=exec_, tail=tail)

    @staticmethod
    def _builtin(argv: tuple[str, ...], scope: _Scope, frame: _Frame) -> bool:
        """Builtins that change the shell itself: `shift`, `set -- …`, `export A=B`."""
        if argv[0] == "shift":
            count = int(argv[1]) if len(argv) > 1 and argv[1].isdigit() else 1
            frame.args = frame.args[count:]
        elif argv[0] == "set" and "--" in argv:
            if not scope.conditional:
                frame.args = argv[argv.index("--") + 1 :]
        elif argv[0] in ("export", "readonly", "declare", "local"):
            for word in argv[1:]:
                if ASSIGNMENT.match(word):
                    _assign(word, scope, frame)
        else:
            return False
        return True

    def run(
        self,
        argv: tuple[str, ...],
        scope: _Scope,
        frame: _Frame,
        *,
        line: int | None,
        text: str,
        exec_: bool = False,
        tail: int = 0,
    ) -> None:
        """Follow one command: unwrap wrappers, enter shell text and scripts, or record a process."""
        if scope.depth > MAX_DEPTH:
            return
        argv, shell_text = _resolve_wrappers(argv)
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
            self.function(argv, scope, frame)
            return
        if self.script(argv, scope, frame, line=line, text=text, exec_=exec_, tail=tail):
            return
        base = _base(argv[0])
        if base in PASSTHROUGH and len(argv) > 1:
            self.run(argv[1:], scope, frame, line=line, text=text, exec_=exec_, tail=tail)
            return
        if base == "crontab":
            self.install_crontab(argv, scope)
            return
        if base == "exit":
            self.finish(frame, scope, text, None, forever=False)
            return
        forever = never_returns(argv)
        if base in NOISE and not forever:
            if exec_:
                self.finish(frame, scope, text, None, forever=False)
            return
        if exec_ and frame.chain and not (scope.conditional or scope.background) and not _known(argv):
            self.unknown = f"`{argv[0]}` is neither a shell script of the repository nor a program envcheck knows"
        run = self.emit(argv, scope, line)
        forever = self.expand_managers(argv, scope) or forever
        if exec_ or forever:
            self.finish(frame, scope, text, run, forever)

    def emit(self, argv: tuple[str, ...], scope: _Scope, line: int | None) -> _Run:
        run = _Run(
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
        self.runs.append(run)
        return run

    def finish(self, frame: _Frame, scope: _Scope, text: str, run: _Run | None, forever: bool) -> None:
        """A command that ends its shell (exec, exit) or never returns: later lines never run."""
        if scope.background or scope.after or scope.loop_sleep is not None:
            return
        if run is not None:
            run.terminal = True
        if not scope.conditional:
            frame.end(text, run, forever)

    def adopt(self, frame: _Frame, scope: _Scope, child: _Frame, *, exec_: bool, text: str) -> None:
        """A child shell that never returns blocks its caller too; an exec'd one ends it."""
        if scope.background or scope.after or scope.loop_sleep is not None or scope.conditional:
            return
        if exec_:
            frame.end(child.after or text, child.main, child.forever)
        elif child.forever:
            frame.end(child.after or text, child.main, True)

    def shell_text(
        self, body: str, scope: _Scope, frame: _Frame, *, line: int | None, call: str = "", exec_: bool = False
    ) -> None:
        """`sh -c BODY`, `su -c BODY`, a cron line: a child shell that runs the text."""
        items = self.index.parse_text(body, scope.path, line)
        base = None if line is None else line - 1
        child = frame.child(args=(), chain=frame.chain and exec_)
        self.items(items, replace(scope, line_base=base, depth=scope.depth + 1), child)
        self.adopt(frame, scope, child, exec_=exec_, text=call or body)

    def function(self, argv: tuple[str, ...], scope: _Scope, frame: _Frame) -> None:
        saved = frame.args
        frame.args = argv[1:]
        try:
            self.node(frame.functions[argv[0]], replace(scope, depth=scope.depth + 1), frame)
        finally:
            frame.args = saved

    def script(
        self,
        argv: tuple[str, ...],
        scope: _Scope,
        frame: _Frame,
        *,
        line: int | None,
        text: str,
        exec_: bool,
        tail: int,
    ) -> bool:
        """Enter a script of the repo that the command runs; False when it is not one."""
        call = _script_call(argv)
        if call is None:
            return False
        path = self.resolve(call.word, scope, "script")
        items = self.index.script(path) if path is not None else None
        if path is None or items is None:
            if call.sourced:
                return True  # `. /etc/profile`: nothing of ours
            if exec_ and frame.chain and (_looks_like_script(call.word) or call.explicit):
                self.unknown = f"`{call.word}` is not a shell script of the repository (no COPY or script matches it)"
            return False
        if path in self.scripts:
            return True  # a cycle: the script is already being followed
        shown = display_path(path)
        inner = replace(scope, source=shown, path=shown, line_base=0, script_dir=path.parent, depth=scope.depth + 1)
        origin = frame.args_origin if tail and len(call.args) <= tail else _Origin(scope.source, scope.path, line)
        self.scripts.append(path)
        try:
            if call.sourced:
                self.items(items, inner, frame)
            else:
                # a script is a new process: what its caller set without exporting is unknown to it
                child = _Frame(args=call.args, args_origin=origin, chain=frame.chain and exec_)
                self.items(items, inner, child)
                self.adopt(frame, scope, child, exec_=exec_, text=text)
        finally:
            self.scripts.pop()
        return True

    # ---- finding files in the repo

    def resolve(self, word: str, scope: _Scope, kind: str) -> Path | None:
        """The repo file a command or file argument names: COPY map, then repo paths, then basename."""
        if not word or any(c in word for c in "$`*?\x00"):
            return None
        docker = self.docker
        if "/" in word:
            if docker is not None:
                found = docker.resolve(word)
                if found is not None:
                    return found
            if not word.startswith("/"):
                for folder in self._folders(scope):
                    candidate = folder / word
                    if self.index.ctx.inside(candidate) and _is_file(candidate):
                        return candidate
        elif docker is not None and kind == "script":
            for bin_dir in PATH_DIRS:
                found = docker.resolve(f"{bin_dir}/{word}")
                if found is not None:
                    return found
        return self.index.by_basename(_base(word), kind, self._folders(scope))

    def _folders(self, scope: _Scope) -> list[Path]:
        folders = [scope.script_dir] if scope.script_dir else []
        if self.docker is not None:
            folders.append(self.docker.path.parent)
        return folders + list(self.index.ctx.roots)

    # ---- supervisord and cron

    def expand_managers(self, argv: tuple[str, ...], scope: _Scope) -> bool:
        """Add the programs of a supervisord or cron that this command starts; True if it stays in front."""
        base = _base(argv[0])
        if base == "supervisord":
            return self.supervisord(argv, scope)
        if base in ("cron", "crond") or (base == "busybox" and argv[1:2] == ("crond",)):
            self.cron(self.installed_crontabs(), scope)
        elif base == "supercronic":
            files = [w for w in argv[1:] if not w.startswith("-")]
            found = self.resolve(files[-1], scope, "crontab") if files else None
            self.cron([(found, False)] if found else [(p, False) for p in self.index.crontab_paths], scope)
        return False

    def supervisord(self, argv: tuple[str, ...], scope: _Scope) -> bool:
        conf_word = _option(argv[1:], "-c", "--configuration")
        main = self.resolve(conf_word, scope, "supervisord") if conf_word else None
        if conf_word is None and self.docker is not None:
            for default in SUPERVISORD_DEFAULTS:
                main = self.docker.resolve(default)
                if main is not None:
                    conf_word = default
                    break
        confs = self._supervisor_confs(main, conf_word)
        parsed = [(path, self.index.supervisor_conf(path)) for path in confs]
        nodaemon = any(conf.nodaemon for path, conf in parsed if conf and (main is None or path == main))
        inner = replace(
            scope,
            source="supervisord",
            supervised=True,
            managed=True,
            background=False,
            loop_sleep=None,
            cron=None,
            depth=scope.depth + 1,
        )
        for path, conf in parsed:
            if conf is None or ("supervisord", path) in self.expanded:
                continue
            self.expanded.add(("supervisord", path))
            for program in conf.programs:
                if program.autostart:
                    self.program(program, replace(inner, path=display_path(path), script_dir=path.parent))
        return nodaemon or never_returns(argv)

    def _supervisor_confs(self, main: Path | None, conf_word: str | None) -> list[Path]:
        if main is None:
            found = self.docker.glob("/etc/supervisor/conf.d/*.conf") if self.docker else []
            return found or list(self.index.supervisord_paths)
        confs = [main]
        conf = self.index.supervisor_conf(main)
        for pattern in conf.includes if conf else []:
            image_pattern = posixpath.join(posixpath.dirname(posixpath.join("/", conf_word or "")), pattern)
            matches = self.docker.glob(image_pattern) if self.docker else []
            if not matches:
                matches = _repo_glob(main.parent, pattern, self.index.ctx)
            confs += matches or [p for p in self.index.supervisord_paths if p != main]
        return list(dict.fromkeys(confs))

    def program(self, program: Program, scope: _Scope) -> None:
        try:
            argv = tuple(shlex.split(program.command))
        except ValueError:
            argv = tuple(program.command.split())
        if argv:
            self.run(argv, scope, _Frame(), line=program.line, text=program.command, exec_=True)

    def install_crontab(self, argv: tuple[str, ...], scope: _Scope) -> None:
        files = [w for w in argv[1:] if not w.startswith("-")]
        if "-u" in argv and len(files) > 1:
            files = files[1:]
        if files and files[-1] != "-":
            found = self.resolve(files[-1], scope, "crontab")
            if found is not None:
                self.crontabs.append((found, False))

    def installed_crontabs(self) -> list[tuple[Path, bool | None]]:
        """Crontabs the image installs: `crontab FILE`, or copies into cron's directories."""
        found = list(self.crontabs)
        docker = self.docker
        if docker is not None:
            for step in docker.runs:
                for word in re.findall(r"(?:^|[\s;&|(])crontab\s+(?:-u\s+\S+\s+)?([^\s;&|)-][^\s;&|)]*)", step.text):
                    path = docker.resolve(word) if step.final else None
                    if path is not None:
                        found.append((path, False))
            for pattern, has_user in (
                ("/etc/cron.d/*", True),
                ("/etc/crontab", True),
                ("/var/spool/cron/crontabs/*", False),
                ("/etc/crontabs/*", False),
            ):
                found += [(p, has_user) for p in docker.glob(pattern)]
        return found or [(p, None) for p in self.index.crontab_paths]

    def cron(self, files: list[tuple[Path, bool | None]], scope: _Scope) -> None:
        for path, has_user in files:
            if ("cron", path) in self.expanded:
                continue
            self.expanded.add(("cron", path))
            lines = self.index.crontab(path)
            user = has_user if has_user is not None else has_user_field(lines)
            shown = display_path(path)
            for entry in lines:
                inner = replace(
                    scope,
                    source="cron",
                    path=shown,
                    cron=entry.schedule,
                    managed=True,
                    background=False,
                    supervised=False,
                    loop_sleep=None,
                    script_dir=path.parent,
                    depth=scope.depth + 1,
                )
                self.shell_text(entry.command(user), inner, _Frame(), line=entry.line)

    # ---- the result

    def processes(self, top: _Frame) -> list[Process]:
        """Mark the main process: what ended the start, else each exec'd branch and the last foreground."""
        if top.main is not None:
            top.main.main = True
        elif not top.forever:
            candidates = [r for r in self.runs if r.foreground]
            for run in candidates:
                run.main = run.main or run.terminal
            if candidates:
                candidates[-1].main = True
        return [run.process() for run in self.runs]


def _value(word: str, frame: _Frame) -> str | None:
    """A word's value when the script knows it: literal, or one parameter it set or was given."""
    match = PARAMETER.fullmatch(word)
    if match is None:
        return None if "$" in word or "`" in word else word
    name = match.group("bare") or match.group("name")
    if name.isdigit():
        index = int(name) - 1
        value: str | None = frame.args[index] if index < len(frame.args) else None
        known = True
    else:
        value = frame.env.get(name)
        known = name in frame.env
    op = match.group("op")
    if op is not None and (value is None or (op == ":-" and value == "")):
        return match.group("default") if known else None
    if not known:
        return None
    return value or ""


def _assign(word: str, scope: _Scope, frame: _Frame) -> None:
    """`NAME=value`: remembered when set for sure to a known value, else forgotten (unknown)."""
    name, _, raw = word.partition("=")
    value = _value(raw, frame)
    if value is None or scope.conditional or scope.background or scope.loop_sleep is not None:
        frame.env.pop(name, None)
    else:
        frame.env[name] = value


def _test(operands: list[str | None]) -> bool | None:
    """`test`'s string operators over known operands; None for anything else."""
    if any(o is None for o in operands):
        return None
    if len(operands) == 3 and operands[1] in ("=", "==", "!="):
        return (operands[0] == operands[2]) != (operands[1] == "!=")
    if len(operands) == 2 and operands[0] in ("-z", "-n"):
        return (operands[1] == "") == (operands[0] == "-z")
    if len(operands) == 1:
        return operands[0] != ""
    return None


def _resolve_wrappers(argv: tuple[str, ...]) -> tuple[tuple[str, ...], str | None]:
    for _ in range(16):
        if not argv:
            return argv, None
        text = _shell_string(argv)
        if text is not None:
            return argv, text
        inner = _unwrap_once(argv)
        if inner is None:
            return argv, None
        argv = inner
    return argv, None


def _exec_operands(argv: tuple[str, ...]) -> tuple[str, ...]:
    while argv and argv[0] in ("-a", "-c", "-l", "--"):
        argv = argv[2:] if argv[0] == "-a" else argv[1:]
    return argv


def _option(args: tuple[str, ...], short: str, long: str) -> str | None:
    for i, word in enumerate(args):
        if word in (short, long) and i + 1 < len(args):
            return args[i + 1]
        if word.startswith(long + "="):
            return word.split("=", 1)[1]
    return None


def _trivial(pipeline: Pipeline) -> bool:
    first = pipeline.commands[0] if len(pipeline.commands) == 1 else None
    return isinstance(first, Simple) and bool(first.words) and first.words[0].value in TRIVIAL_GUARDS


def _simple_words(items: list[Item]) -> list[tuple[str, ...]]:
    """The word lists of the plain commands of a list (not inside nested loops)."""
    out: list[tuple[str, ...]] = []
    for item in items:
        for _, pipeline in item.parts:
            for node in pipeline.commands:
                if isinstance(node, Simple):
                    out.append(tuple(t.value for t in node.words))
                elif isinstance(node, Block):
                    out += _simple_words(node.body)
                elif isinstance(node, If):
                    for _, body in node.branches:
                        out += _simple_words(body)
    return out


def _infinite(loop: Loop) -> bool:
    words = _simple_words(loop.condition)
    if len(words) != 1:
        return False
    if loop.kind == "until":
        return words[0] in (("false",), ("/bin/false",))
    return words[0] in ((":",), ("true",), ("/bin/true",), ("[", "1", "]"), ("[", "true", "]")) or (
        words[0][:1] == ("sleep",)
    )


def _loop_sleep(loop: Loop, env: dict[str, str]) -> int:
    """Seconds slept per turn (`while sleep N` or a `sleep N` in the body); 0 when none or unknown."""
    for words in _simple_words(loop.condition) + _simple_words(loop.body):
        if words[:1] == ("sleep",) and len(words) > 1:
            return _duration(words[1], env) or 0
    return 0


# --------------------------------------------------------------------------- the index


class ProcessIndex:
    """Every file that can tell what a container runs, read once; starts are followed on demand."""

    def __init__(self, ctx: ScanContext, discovered: Discovered) -> None:
        self.ctx = ctx
        self.script_paths: list[Path] = list(discovered["script"])
        self.supervisord_paths: list[Path] = list(discovered["supervisord"])
        self.crontab_paths: list[Path] = list(discovered["crontab"])
        self.dockerfiles: list[DockerfileInfo] = []
        self.compose: list[tuple[Path, ComposeService]] = []
        self.procfile: list[tuple[Path, str, str, int]] = []
        self._discovered_scripts = {p.absolute() for p in self.script_paths}
        self._scripts: dict[Path, list[Item] | None] = {}
        self._texts: dict[tuple[str, str, int | None], list[Item]] = {}
        self._supervisor: dict[Path, SupervisorConf | None] = {}
        self._crontabs: dict[Path, list[CronLine]] = {}

    @classmethod
    def build(cls, discovered: Discovered, ctx: ScanContext) -> ProcessIndex:
        index = cls(ctx, discovered)
        for path in discovered["dockerfile"]:
            text = ctx.read_text(path)
            if text is None:
                continue
            instructions, problems = parse_dockerfile(text)
            index._report(problems, path)
            index.dockerfiles.append(_DockerfileReader(path, ctx).read(instructions))
        for path in discovered["compose"]:
            text = ctx.read_text(path)
            if text is not None:
                services, problems = parse_compose(text, path)
                index._report(problems, path)
                index.compose += [(path, service) for service in services]
        for path in discovered["procfile"]:
            text = ctx.read_text(path)
            if text is not None:
                entries, problems = parse_procfile(text)
                index._report(problems, path)
                index.procfile += [(path, name, command, line) for name, command, line in entries]
        for path in index.supervisord_paths:
            index.supervisor_conf(path)
        for path in index.crontab_paths:
            index.crontab(path)
        return index

    def _report(self, problems: list[Problem], path: Path | str) -> None:
        for line, message in problems:
            self.ctx.report("SRC002", message, path, line or None)

    # ---- parsed files, each read and reported once

    def script(self, path: Path) -> list[Item] | None:
        """A shell script's structure; None when it cannot be read or is not a shell script."""
        key = path.absolute()
        if key not in self._scripts:
            text = self.ctx.read_text(path)
            items = None
            if text is not None and _is_shell(path, text, key in self._discovered_scripts):
                items, problems = parse_shell(text)
                self._report(problems, path)
            self._scripts[key] = items
        return self._scripts[key]

    def parse_text(self, text: str, path: str, line: int | None) -> list[Item]:
        """Shell text written inside another file (`sh -c`, a cron line); its problems point into that file."""
        key = (text, path, line)
        if key not in self._texts:
            items, problems = parse_shell(text)
            base = 0 if line is None else line - 1
            self._report([(base + n if line is not None else 0, message) for n, message in problems], path)
            self._texts[key] = items
        return self._texts[key]

    def supervisor_conf(self, path: Path) -> SupervisorConf | None:
        key = path.absolute()
        if key not in self._supervisor:
            text = self.ctx.read_text(path)
            conf = None
            if text is not None:
                conf, problems = parse_supervisord(text)
                self._report(problems, path)
            self._supervisor[key] = conf
        return self._supervisor[key]

    def crontab(self, path: Path) -> list[CronLine]:
        key = path.absolute()
        if key not in self._crontabs:
            text = self.ctx.read_text(path)
            lines: list[CronLine] = []
            if text is not None:
                lines, problems = parse_crontab(text)
                self._report(problems, path)
            self._crontabs[key] = lines
        return self._crontabs[key]

    def by_basename(self, name: str, kind: str, near: list[Path]) -> Path | None:
        """A discovered file of that kind named `name` (or `name.sh`), the closest to `near` first."""
        if not name or name in KNOWN_PROGRAMS or name in NOISE or name in SHELLS:
            return None
        pool = {"script": self.script_paths, "supervisord": self.supervisord_paths, "crontab": self.crontab_paths}
        stem = name.rsplit(".", 1)[0] if _looks_like_script(name) else name
        matches = [p for p in pool.get(kind, []) if p.name == name or (kind == "script" and p.name == f"{stem}.sh")]
        matches = matches or [p for p in pool.get(kind, []) if kind == "script" and p.stem == stem]
        if not matches:
            return None

        def closeness(path: Path) -> int:
            return max((len(_common(path, folder)) for folder in near), default=0)

        return max(matches, key=closeness)

    # ---- starts

    @property
    def primary_dockerfile(self) -> DockerfileInfo | None:
        """The image's Dockerfile: the only one, else a plain `Dockerfile` nearest a root."""
        if not self.dockerfiles:
            return None
        return min(self.dockerfiles, key=lambda d: (d.path.name != "Dockerfile", len(d.path.parts), str(d.path)))

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
    ) -> ContainerStart:
        """Like `container_processes`, with the reason when unknown; the Dockerfile and origin may be given."""
        return self._start(self._dockerfile(dockerfile), command, entry_point, origin or Location(path=CONTAINER))

    def _start(
        self,
        docker: DockerfileInfo | None,
        command: tuple[str, ...] | None,
        entry_point: tuple[str, ...] | None,
        given: Location,
    ) -> ContainerStart:
        """Merge the override with the image's start as Docker does, then follow it."""
        if docker is None and not entry_point and not command:
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
        return self._follow(argv, docker, first, _Origin(CONTAINER, cmd_at.path, cmd_at.line), tail=len(cmd))

    def _follow(
        self,
        argv: tuple[str, ...],
        docker: DockerfileInfo | None,
        at: Location,
        args_at: _Origin,
        tail: int,
        chain: bool = True,
    ) -> ContainerStart:
        walk = _Walk(self, docker)
        top = _Frame(args_origin=args_at, chain=chain)
        scope = _Scope(source=CONTAINER, path=at.path, line_base=None)
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
            start = self._follow(("sh", "-c", command), None, at, _Origin(CONTAINER, shown, line), 0, chain=False)
            out.setdefault(name, []).extend(start.processes or [])
        return out


def _shown(docker: DockerfileInfo | None) -> str:
    return display_path(docker.path) if docker else CONTAINER


def _common(a: Path, b: Path) -> tuple[str, ...]:
    out = []
    for x, y in zip(a.parts, b.parts, strict=False):
        if x != y:
            break
        out.append(x)
    return tuple(out)


def _is_shell(path: Path, text: str, discovered_script: bool) -> bool:
    """A shebang decides; without one, a `.sh` name or discovery as a script does."""
    first = text.split("\n", 1)[0]
    if first.startswith("#!"):
        interpreter = first[2:].strip().split()
        names = [_base(w) for w in interpreter[:2]]
        return any(n in SHELLS or n == "busybox" for n in names)
    return _looks_like_script(path.name) or discovered_script
