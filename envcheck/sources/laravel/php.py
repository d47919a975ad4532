"""A small PHP tokenizer: strings, heredocs and comments are known, so the readers work on tokens.

PHP is never executed. Because strings and comments are tokens of their own (or dropped), a
commented-out task, or `//` and `;` inside a string, cannot fool a reader. It never raises on odd input.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

MAX_NESTING = 64  # interpolation and array nesting deeper than this is not followed


@dataclass(frozen=True, slots=True)
class Token:
    """One PHP token. Comments and whitespace are dropped; `?>` becomes `;` as in PHP."""

    kind: str  # "name", "var", "string", "number", "op"
    text: str  # as written
    line: int
    start: int  # offsets into the source
    end: int
    value: str = ""  # strings: the content with simple escapes decoded
    dynamic: bool = False  # strings: interpolates a variable, so `value` is not the runtime text


_NAME_START = r"A-Za-z_\x80-\U0010FFFF"
_NAME_CHAR = r"A-Za-z0-9_\x80-\U0010FFFF"
_NAME_RE = re.compile(rf"\\?[{_NAME_START}][{_NAME_CHAR}]*(?:\\[{_NAME_START}][{_NAME_CHAR}]*)*")
_VAR_RE = re.compile(rf"\$[{_NAME_START}][{_NAME_CHAR}]*")
_NUMBER_RE = re.compile(
    r"0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO][0-7_]+|(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][+-]?\d+)?"
)
_WS_RE = re.compile(r"\s+")
_SINGLE_RE = re.compile(r"'[^'\\]*(?:\\.[^'\\]*)*'", re.S)
_HEREDOC_RE = re.compile(r"""<<<[ \t]*(?:"([A-Za-z_]\w*)"|'([A-Za-z_]\w*)'|([A-Za-z_]\w*))\r?\n""")
_OPEN_TAG_RE = re.compile(r"<\?php(?=\s)|<\?php\Z|<\?=", re.I)
_OPS = (  # longest first
    *("?->", "<=>", "...", "**=", "===", "!==", "<<=", ">>=", "??="),
    *("->", "::", "=>", "??", "==", "!=", "<>", "<=", ">=", "&&", "||", "++", "--", "+=", "-=", "*=", "/=", ".="),
    *("%=", "&=", "|=", "^=", "<<", ">>", "**", "#["),
)
_PLAIN_RE = re.compile(
    rf"(?P<var>{_VAR_RE.pattern})|(?P<name>{_NAME_RE.pattern})|(?P<number>{_NUMBER_RE.pattern})"
    rf"|(?P<op>{'|'.join(re.escape(op) for op in _OPS)}|.)",
    re.S,
)
_SINGLE_ESCAPE_RE = re.compile(r"\\([\\'])")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "v": "\v", "e": "\x1b", "f": "\f", "\\": "\\", "$": "$", '"': '"'}


def tokenize(text: str) -> list[Token]:
    """PHP tokens of `text`; text outside `<?php ... ?>` is inline HTML and yields nothing."""
    return _Lexer(text).run()


class _Lexer:
    def __init__(self, text: str) -> None:
        self.text = text
        self.newlines = [i for i, c in enumerate(text) if c == "\n"]
        self.tokens: list[Token] = []

    def line(self, pos: int) -> int:
        return bisect_right(self.newlines, pos - 1) + 1

    def emit(self, kind: str, start: int, end: int, value: str | None = None, dynamic: bool = False) -> None:
        raw = self.text[start:end]
        self.tokens.append(Token(kind, raw, self.line(start), start, end, raw if value is None else value, dynamic))

    def run(self) -> list[Token]:
        text, n = self.text, len(self.text)
        pos = self._skip_html(0)
        while pos < n:
            pos = self._step(pos)
            if text.startswith("?>", pos):
                self.emit("op", pos, pos + 2, ";")
                pos = self._skip_html(pos + 2)
        return self.tokens

    def _skip_html(self, pos: int) -> int:
        match = _OPEN_TAG_RE.search(self.text, pos)
        return match.end() if match else len(self.text)

    def _step(self, pos: int) -> int:
        """Read one token (or skip whitespace / a comment) at `pos`; returns the next position."""
        text = self.text
        c = text[pos]
        if c.isspace():
            match = _WS_RE.match(text, pos)
            return match.end() if match else pos + 1
        if c == "?" and text.startswith("?>", pos):
            return pos
        if (c == "#" and not text.startswith("#[", pos)) or (c == "/" and text.startswith("//", pos)):
            return self._line_comment_end(pos)
        if c == "/" and text.startswith("/*", pos):
            end = text.find("*/", pos + 2)
            return len(text) if end < 0 else end + 2
        if c == "'":
            return self._single(pos)
        if c in '"`':
            end, dynamic = _double_end(text, pos, c, 0)
            self.emit("string", pos, end, _decode_double(text[pos + 1 : end - 1]), dynamic)
            return end
        if c == "<" and text.startswith("<<<", pos) and (heredoc := _HEREDOC_RE.match(text, pos)):
            return self._heredoc(pos, heredoc)
        return self._plain(pos)

    def _line_comment_end(self, pos: int) -> int:
        """`//` and `#` comments end at the line end, or just before `?>` (PHP does the same)."""
        newline = self.text.find("\n", pos)
        end = len(self.text) if newline < 0 else newline
        close = self.text.find("?>", pos, end)
        return end if close < 0 else close

    def _single(self, pos: int) -> int:
        match = _SINGLE_RE.match(self.text, pos)
        end = match.end() if match else len(self.text)
        body = self.text[pos + 1 : end - 1] if match else self.text[pos + 1 :]
        self.emit("string", pos, end, _SINGLE_ESCAPE_RE.sub(r"\1", body) if "\\" in body else body)
        return end

    def _heredoc(self, pos: int, opening: re.Match[str]) -> int:
        ident = opening.group(1) or opening.group(2) or opening.group(3)
        closing = re.compile(rf"^[ \t]*{re.escape(ident)}(?![{_NAME_CHAR}])", re.M)
        found = closing.search(self.text, opening.end())
        end = found.end() if found else len(self.text)
        body = self.text[opening.end() : found.start() if found else end].rstrip("\r\n")
        nowdoc = opening.group(2) is not None
        self.emit("string", pos, end, body, dynamic=not nowdoc and "$" in body)
        return end

    def _plain(self, pos: int) -> int:
        """A variable, name, number or operator (any other single character is an operator too)."""
        match = _PLAIN_RE.match(self.text, pos)
        if match is None:  # cannot happen: the last alternative takes any character
            return pos + 1
        self.emit(match.lastgroup or "op", pos, match.end())
        return match.end()


def _double_end(text: str, pos: int, quote: str, depth: int) -> tuple[int, bool]:
    """End of the double-quoted (or backtick) string opening at `pos`, and whether it interpolates."""
    n, j, dynamic = len(text), pos + 1, False
    while j < n:
        c = text[j]
        if c == "\\":
            j += 2
        elif c == quote:
            return j + 1, dynamic
        elif c == "$" and j + 1 < n and (text[j + 1] == "{" or re.match(f"[{_NAME_START}]", text[j + 1])):
            dynamic = True
            j = _braced_end(text, j + 1, depth) if text[j + 1] == "{" else j + 1
        elif c == "{" and text.startswith("{$", j):
            dynamic = True
            j = _braced_end(text, j, depth)
        else:
            j += 1
    return n, dynamic


def _braced_end(text: str, pos: int, depth: int) -> int:
    """Past the `}` closing the interpolation `{...}` at `pos`; strings inside may hold braces."""
    if depth > MAX_NESTING:
        return pos + 1
    n, j, level = len(text), pos, 0
    while j < n:
        c = text[j]
        if c == "{":
            level += 1
        elif c == "}":
            level -= 1
            if level == 0:
                return j + 1
        elif c == "'":
            match = _SINGLE_RE.match(text, j)
            j = match.end() if match else n
            continue
        elif c == '"':
            j, _ = _double_end(text, j, '"', depth + 1)
            continue
        j += 1
    return n


def _decode_double(body: str) -> str:
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(0)), body, flags=re.S)
