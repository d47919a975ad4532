"""The structure of a shell script: and-or lists, pipelines, compound commands and functions.

A lenient recursive descent over the POSIX grammar: what it cannot read is a problem to report,
never an exception, so a broken script still shows the commands around the break.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from envcheck.sources.scripts.problems import Problem
from envcheck.sources.scripts.shell_tokens import REDIRECTS, Token, tokenize

MAX_NESTING = 40  # compound commands nested in one script


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
    tokens, problems = tokenize(text)
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
        header, body = self.parse_do_done(start, first)
        kind: Literal["while", "until"] = "until" if start.value == "until" else "while"
        return Loop(kind, condition, body, start.line, header)

    def parse_for(self) -> Loop:
        start = self.take()
        first = self.i
        while (tok := self.peek()) is not None and not self.is_word(tok, "do"):
            self.i += 1
        header, body = self.parse_do_done(start, first)
        return Loop("for", [], body, start.line, header)

    def parse_do_done(self, start: Token, first: int) -> tuple[str, list[Item]]:
        """A loop's header (its keyword and the words from `first`) and its `do … done` body."""
        header = " ".join([start.value] + [t.value for t in self.tokens[first : self.i] if t.kind == "word"])
        self.expect("do", start.line)
        body = self.parse_list(frozenset({"done"}))
        self.expect("done", start.line)
        return header, body

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
