"""Blank out the top-level blocks no rule reads, before python-hcl2 parses a file.

python-hcl2 costs tens of milliseconds per kilobyte (a 1 MB file of S3 buckets took 66 s), and most
of an infrastructure repository is resources envcheck never looks at. So the text is split into
top-level blocks with a small scanner that knows strings, `${...}` templates, heredocs and comments;
blocks of other resource types (and outputs, providers, ...) are replaced by spaces, keeping every
newline so that line numbers stay right. Anything the scanner is unsure of leaves the text whole.
"""

from __future__ import annotations

import re

KEPT_RESOURCES = {"aws_ecs_task_definition", "aws_ecs_service", "aws_sqs_queue"}
DROPPED_KEYWORDS = {"output", "provider", "terraform", "moved", "import", "check", "removed"}
_HEADER = re.compile(r"\s*([A-Za-z_][\w-]*)\s*(?:\"([^\"]*)\")?")
_NEXT = re.compile(r"[#/\"{}<]")
_HEREDOC = re.compile(r"<<-?([A-Za-z_][\w-]*)[ \t]*\r?\n")


class _Unsure(Exception):
    """The scanner met something it does not model: parse the file as it is."""


def prune(text: str) -> str:
    """The text with irrelevant top-level blocks blanked; the text itself when unsure."""
    try:
        spans = list(_top_level_blocks(text))
    except (_Unsure, RecursionError):
        return text
    dropped = [(start, end) for start, end, brace in spans if _droppable(text[start:brace])]
    if not dropped:
        return text
    out, last = [], 0
    for start, end in dropped:
        out.append(text[last:start])
        out.append(re.sub(r"[^\n]", " ", text[start:end]))
        last = end
    out.append(text[last:])
    return "".join(out)


def _droppable(header: str) -> bool:
    match = _HEADER.match(header)
    if not match:
        return False
    keyword, label = match.group(1), match.group(2)
    if keyword in ("resource", "data"):
        return keyword == "data" or (label is not None and label not in KEPT_RESOURCES)
    return keyword in DROPPED_KEYWORDS


def _top_level_blocks(text: str) -> list[tuple[int, int, int]]:
    """(start of the block's first line, end after its closing brace, offset of its opening brace)."""
    blocks: list[tuple[int, int, int]] = []
    depth, i, n = 0, 0, len(text)
    line_start, brace = 0, 0
    while i < n:
        match = _NEXT.search(text, i)
        if match is None:
            break
        i = match.start()
        char = text[i]
        if char == "#" or text.startswith("//", i):
            i = _end_of_line(text, i)
        elif text.startswith("/*", i):
            i = _after(text, i + 2, "*/")
        elif char == "/":
            i += 1
        elif char == '"':
            i = _skip_string(text, i + 1)
        elif char == "<":
            i = _skip_heredoc(text, i)
        elif char == "{":
            if depth == 0:
                line_start, brace = text.rfind("\n", 0, i) + 1, i
            depth += 1
            i += 1
        else:  # "}"
            depth -= 1
            if depth < 0:
                raise _Unsure
            i += 1
            if depth == 0:
                blocks.append((line_start, i, brace))
    if depth != 0:
        raise _Unsure
    return blocks


def _end_of_line(text: str, i: int) -> int:
    end = text.find("\n", i)
    return len(text) if end < 0 else end


def _after(text: str, i: int, marker: str) -> int:
    end = text.find(marker, i)
    if end < 0:
        raise _Unsure
    return end + len(marker)


def _skip_string(text: str, i: int) -> int:
    """Past the closing quote of a string whose opening quote is just before `i`."""
    n = len(text)
    while i < n:
        char = text[i]
        if char == "\\":
            i += 2
        elif char == '"':
            return i + 1
        elif char == "\n":
            raise _Unsure  # HCL strings do not span lines
        elif text.startswith(("${", "%{"), i) and not text.startswith(("$${", "%%{"), i - 1 if i else 0):
            i = _skip_template(text, i + 2)
        else:
            i += 1
    raise _Unsure


def _skip_template(text: str, i: int) -> int:
    """Past the `}` that closes a `${`/`%{` whose brace is just before `i`, strings inside included."""
    depth, n = 1, len(text)
    while i < n:
        char = text[i]
        if char == '"':
            i = _skip_string(text, i + 1)
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    raise _Unsure


def _skip_heredoc(text: str, i: int) -> int:
    """Past the closing marker line of a heredoc starting at `i`, else just past the `<`."""
    match = _HEREDOC.match(text, i)
    if match is None:
        return i + 1
    marker = match.group(1)
    closing = re.compile(r"^[ \t]*" + re.escape(marker) + r"[ \t]*\r?$", re.MULTILINE)
    found = closing.search(text, match.end())
    if found is None:
        raise _Unsure
    return found.end()
