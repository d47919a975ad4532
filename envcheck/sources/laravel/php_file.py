"""`PhpFile`: a file's tokens with their bracket pairs, and the span readers every Laravel reader shares.

A span is a half-open range of token indexes. Skipping a nested expression is one lookup in
`match`, so the readers walk top-level tokens only and stay linear.
"""

from __future__ import annotations

from dataclasses import dataclass

from envcheck.sources.laravel.php import Token, tokenize

_OPENERS = {"(", "[", "{", "#["}
_CLOSERS = {")", "]", "}"}
_CASTS = {"int", "integer", "bool", "boolean", "string", "float", "double"}


@dataclass
class PhpFile:
    """A tokenized file and its bracket pairs, so that skipping a nested expression is one lookup."""

    text: str
    toks: list[Token]
    match: list[int]

    @classmethod
    def parse(cls, text: str) -> PhpFile:
        toks = tokenize(text)
        match = [len(toks)] * len(toks)
        stack: list[int] = []
        for i, tok in enumerate(toks):
            if tok.kind != "op":
                continue
            if tok.text in _OPENERS:
                stack.append(i)
            elif tok.text in _CLOSERS and stack:
                match[stack.pop()] = i
        return cls(text, toks, match)

    def is_op(self, i: int, *ops: str) -> bool:
        return 0 <= i < len(self.toks) and self.toks[i].kind == "op" and self.toks[i].text in ops

    def is_name(self, i: int, *names: str) -> bool:
        """Case-insensitive, as PHP function and class names are: pass `names` in lower case.

        A qualified name matches by its last part: `\\Illuminate\\Support\\Env` matches `env`.
        """
        return 0 <= i < len(self.toks) and self.toks[i].kind == "name" and _short(self.toks[i].text) in names

    def skip(self, i: int) -> int:
        """The index after token i, jumping over the bracketed group it opens."""
        if self.is_op(i, *_OPENERS):
            return self.match[i] + 1
        return i + 1

    def split(self, open_: int, close: int) -> list[tuple[int, int]]:
        """Top-level comma-separated spans between a bracket and its closer (a trailing comma is dropped)."""
        spans: list[tuple[int, int]] = []
        start = j = open_ + 1
        while j < close:
            if self.is_op(j, ","):
                spans.append((start, j))
                start = j + 1
                j += 1
            else:
                j = self.skip(j)
        if start < min(close, len(self.toks)):
            spans.append((start, min(close, len(self.toks))))
        return spans

    def find_op(self, start: int, end: int, op: str) -> int | None:
        """The first top-level `op` in [start, end)."""
        j = start
        while j < end:
            if self.is_op(j, op):
                return j
            j = self.skip(j)
        return None

    def joined(self, start: int, end: int) -> str:
        """Tokens as normalised text: `0, '3:00'` whatever the original spacing or comments."""
        parts = []
        for tok in self.toks[start:end]:
            parts.append(tok.text + " " if tok.text == "," else tok.text)
        return "".join(parts).strip()

    def raw(self, start: int, end: int) -> str:
        """The source text of tokens [start, end), as written."""
        if start >= end or start >= len(self.toks):
            return ""
        return self.text[self.toks[start].start : self.toks[min(end, len(self.toks)) - 1].end]

    def string_at(self, start: int, end: int) -> str | None:
        """The value of a span that is exactly one non-interpolating string literal."""
        if end - start == 1 and self.toks[start].kind == "string" and not self.toks[start].dynamic:
            return self.toks[start].value
        return None

    def literal_at(self, start: int, end: int) -> str | None:
        """A scalar literal as a plain string: `'x'` -> x, `-5` -> -5, `true` -> true; else None."""
        text = self.string_at(start, end)
        if text is not None:
            return text
        span = self.toks[start:end]
        if len(span) == 1 and span[0].kind == "number":
            return span[0].text
        if len(span) == 2 and self.is_op(start, "-") and span[1].kind == "number":
            return "-" + span[1].text
        if len(span) == 1 and self.is_name(start, "true", "false"):
            return span[0].text.lower()
        return None

    def class_at(self, start: int, end: int) -> str | None:
        """`Foo::class` or `new Foo(...)` spans: the class name as written, without a leading `\\`."""
        toks = self.toks
        if (
            end - start == 3
            and toks[start].kind == "name"
            and self.is_op(start + 1, "::")
            and self.is_name(start + 2, "class")
        ):
            return toks[start].text.lstrip("\\")
        if self.is_name(start, "new") and start + 1 < end and toks[start + 1].kind == "name":
            return toks[start + 1].text.lstrip("\\")
        return None

    def strip_casts(self, start: int, end: int) -> int:
        """Past leading `(int)` / `(bool)` casts."""
        while start + 2 < end and self.is_op(start, "(") and self.is_name(start + 1, *_CASTS):
            if not self.is_op(start + 2, ")"):
                break
            start += 3
        return start


def _short(name: str) -> str:
    return name.rsplit("\\", 1)[-1].lower()
