"""Shell text to tokens: words with their quotes removed, operators, and newlines, each with its line.

`$(…)`, `${…}` and backquotes stay one raw piece of their word; here-document bodies are skipped.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from envcheck.sources.scripts.problems import Problem


def tokenize(text: str) -> tuple[list[Token], list[Problem]]:
    """The tokens of a script; problems are returned, never raised."""
    return _Lexer(text).run()


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
        self._add_raw(j)

    def _backtick(self) -> None:
        end = self.i + 1
        while end < len(self.text) and self.text[end] != "`":
            end += 2 if self.text[end] == "\\" else 1
        if end >= len(self.text):
            self.problems.append((self.line, "unterminated backquote"))
        self._add_raw(end + 1)

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
        self._add_raw(end + 1)

    def _add_raw(self, end: int) -> None:
        """The text up to `end` as one raw piece of the word, kept as written."""
        raw = self.text[self.i : end]
        self._add(raw)
        self.line += raw.count("\n")
        self.i = end
