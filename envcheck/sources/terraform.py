"""Terraform to ECS task definitions, evaluated as far as the files allow and no further.

`load_terraform` finds every `aws_ecs_task_definition` and evaluates its `container_definitions`
with a small HCL evaluator over python-hcl2's typed tree. Whatever depends on apply time (data
sources, resource attributes, module outputs, variables nobody sets, functions not implemented
here) becomes `Unknown(reason)` in place; it is never guessed. `taskdef.py` reports those.

What is resolved:
  - literals, `var.*` (module inputs, tfvars, defaults), `local.*`, `path.module`/`path.root`,
    string templates, heredocs (`<<EOF`, `<<-EOF`), conditionals and operators on known values,
    `for` expressions, splats, `count`/`for_each` over known values, and the common functions
    (jsonencode, concat, merge, tolist, tomap, lookup, format, join, ...; see `_FUNCTIONS`);
  - `file()` / `templatefile()` of files inside the scanned roots, always through
    `ScanContext.read_text` on the resolved path (a path that leaves the root is refused there,
    SRC001, and the value is Unknown). Template directives `%{...}` make the template Unknown;
  - `replicas`: the sum of `desired_count` over the `aws_ecs_service`s that reference the task
    definition in the same module instance. DAEMON services and `ignore_changes` on
    desired_count make it Unknown; a service without desired_count has the provider's 0.

Which directories are evaluated, and how:
  - Only directories whose raw text mentions `aws_ecs_task_definition`/`aws_ecs_service` are
    parsed, plus the directories that call those as local modules (transitively): parsing costs
    ~7 ms/KB. Modules with no ECS resources are never parsed: their outputs are Unknown anyway.
  - A directory called through `module "x" { source = "./..." }` is evaluated once per call (and
    per count/for_each instance) with the call's arguments, addressed `module.x.`; it is not also
    evaluated on its own. A directory nobody calls is a root and gets tfvars values.
  - tfvars for a root, lowest precedence first: variable defaults; `terraform.tfvars`,
    `terraform.tfvars.json`, `*.auto.tfvars(.json)` in its directory (what Terraform loads
    itself); then the var-files: any other `*.tfvars(.json)` in the scan that sets a variable the
    root declares and is nearer to it (longest common directory) than to any other such root. One
    var-file is applied as is; when several apply (one per environment), a variable they do not
    all set to the same value is Unknown, naming the files: envcheck does not pick an environment.
  - `override.tf` files are merged over the resources they override, as Terraform does.

Parse errors (and the RecursionError/RuntimeError python-hcl2 raises on odd input) are reported
as SRC002 and the file is skipped; so is fully known `container_definitions` text that is not JSON
(no document, so it is not reported again as SRC003). Each value is evaluated under a work budget
(`_WORK_LIMIT`): self-multiplying locals or huge loops become Unknown instead of hanging the scan.
Nothing raised by a file's content escapes `load_terraform`.

python-hcl2 is imported lazily. Its lark grammar cache normally lives in the package folder; here
the same grammar is built with the cache in `$XDG_CACHE_HOME/envcheck` (or `~/.cache/envcheck`),
seeded from the package's copy when there is one, so a read-only install is not rebuilt (2 s) on
every run. Lark checks a hash of grammar, options and versions before trusting a cache file.
"""

from __future__ import annotations

import base64
import contextvars
import dataclasses
import functools
import json
import math
import os
import posixpath
import re
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from envcheck.fs import ScanContext, display_path
from envcheck.sources.taskdef import TaskDefinitionDoc
from envcheck.values import Unknown

__all__ = ["load_terraform"]

_SNIFF = re.compile(r"aws_ecs_(?:task_definition|service)\b")
_LOCAL_SOURCE = re.compile(r"""["']?\bsource["']?\s*[=:]\s*"(\.{1,2}(?:/[^"]*)?)\"""")
_TFVARS_NAME = re.compile(r"""^\s*"?([A-Za-z_][\w-]*)"?\s*[=:]""", re.M)
_META_ARGS = frozenset({"source", "version", "count", "for_each", "providers", "depends_on"})
_MAX_INSTANCES = 100  # count/for_each expansions beyond this are evaluated once, with each/count unknown
_MAX_MODULE_DEPTH = 8
_HOLE = "\ue000"  # marks an unknown value inside JSON text while it is decoded
_MISSING = object()
_WORK_LIMIT = 300_000  # evaluation steps (and 64-char units of text made) allowed per evaluated value
_T = TypeVar("_T")

# --------------------------------------------------------------------------- public API


def load_terraform(tf_files: list[Path], tfvars_files: list[Path], ctx: ScanContext) -> list[TaskDefinitionDoc]:
    """One document per `aws_ecs_task_definition` (per module call and count/for_each instance)."""
    if not tf_files:
        return []
    try:
        return _Loader(tf_files, tfvars_files, ctx).run()
    except Exception as exc:  # a bug here must not stop the scan; the per-file guards should catch content
        ctx.report("SRC003", f"Terraform could not be evaluated ({exc.__class__.__name__}): not checked", tf_files[0])
        return []


# --------------------------------------------------------------------------- work budget

_work: contextvars.ContextVar[list[int]] = contextvars.ContextVar("envcheck_terraform_work")


class _TooMuch(Exception):
    """The work budget ran out: deliberately huge or self-multiplying input (locals that double a list)."""


def _spend(units: int = 1) -> None:
    left = _work.get(None)
    if left is not None:
        left[0] -= units
        if left[0] < 0:
            raise _TooMuch


def _guarded(compute: Callable[[], _T], line: int | None, what: str) -> _T | Unknown:
    """Run one evaluation with a fresh work budget: whatever the files make it raise becomes an Unknown."""
    token = _work.set([_WORK_LIMIT])
    try:
        return compute()
    except _TooMuch:
        return Unknown(f"{what} takes too much work to evaluate", line)
    except RecursionError:
        return Unknown(f"{what} is nested too deeply to evaluate", line)
    except Exception as exc:  # one odd value must not cost the other task definitions
        return Unknown(f"{what} could not be evaluated ({exc.__class__.__name__})", line)
    finally:
        _work.reset(token)


def _short(value: Any) -> str:
    """A value for a message: a short literal, or just its kind (never a huge repr)."""
    if isinstance(value, str):
        return json.dumps(value if len(value) <= 40 else value[:37] + "...")
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, (int, float)):
        return _text(value)[:40]
    if isinstance(value, (list, dict)):
        return "a list" if isinstance(value, list) else "a map"
    return type(value).__name__


# --------------------------------------------------------------------------- values


@dataclass(frozen=True)
class _Failure(Unknown):
    """What Terraform itself would reject (missing attribute, wrong type): unknown, and `try()` skips it."""


@dataclass(frozen=True)
class _Source:
    """A file read by file()/templatefile(): container definitions found there are reported there."""

    path: Path
    text: str


class _FileText(str):
    """The text file()/templatefile() returned: a string that remembers its file."""

    source: _Source

    def __new__(cls, text: str, source: _Source) -> _FileText:
        obj = super().__new__(cls, text)
        obj.source = source
        return obj


@dataclass(frozen=True)
class _Partial:
    """A string with holes: known text around unknown values, kept so JSON in it can still be read."""

    parts: tuple[str | Unknown, ...]
    source: _Source | None = None

    def unknown(self) -> Unknown:
        return next(p for p in self.parts if isinstance(p, Unknown))


def _known(value: Any) -> Any:
    """Where a whole value is needed, a string with holes is simply unknown."""
    return value.unknown() if isinstance(value, _Partial) else value


def _at(value: Any, line: int | None) -> Any:
    """Give an unknown without a position the position of the reference that produced it."""
    if isinstance(value, Unknown) and value.line is None and line is not None:
        return dataclasses.replace(value, line=line)
    return value


def _deep_unknown(value: Any) -> Unknown | None:
    """The first unknown anywhere inside `value`, or None when it is fully known."""
    stack = [value]
    while stack:
        _spend()
        item = stack.pop()
        if isinstance(item, Unknown):
            return item
        if isinstance(item, _Partial):
            return item.unknown()
        if isinstance(item, list):
            stack.extend(reversed(item))
        elif isinstance(item, dict):
            stack.extend(reversed(list(item.values())))
    return None


def _finish(value: Any) -> Any:
    """Plain Python values for taskdef.py: holes become Unknown, file texts plain strings."""
    _spend()
    if isinstance(value, _Partial):
        return value.unknown()
    if isinstance(value, _FileText):
        return str(value)
    if isinstance(value, list):
        return [_finish(v) for v in value]
    if isinstance(value, dict):
        return {k: _finish(v) for k, v in value.items()}
    return value


def _tidy_number(value: float | int) -> float | int:
    """Terraform has one number type: 4/2 is 2, not 2.0. Huge integers become floats (they only grow)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    if isinstance(value, int) and abs(value) > 2**63:
        return float(value)  # OverflowError past 1e308: the operator reports it
    return value


def _number(value: Any) -> float | int:
    if isinstance(value, bool) or value is None:
        raise TypeError("a number is required")
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str):
        return _tidy_number(float(value)) if re.fullmatch(r"-?\d+(\.\d+)?([eE][-+]?\d+)?", value.strip()) else _bad()
    raise TypeError("a number is required")


def _bad() -> Any:
    raise ValueError("a number is required")


def _text(value: Any) -> str:
    """A primitive as Terraform writes it into a string."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(_tidy_number(value))
    if isinstance(value, str):
        return value
    raise TypeError("a string is required")


def _same(a: Any, b: Any) -> bool:
    """Terraform equality (`true == 1` is false, unlike Python's), paid for node by node."""
    pairs = [(a, b)]
    while pairs:
        _spend()
        x, y = pairs.pop()
        if isinstance(x, list) and isinstance(y, list):
            if len(x) != len(y):
                return False
            pairs.extend(zip(x, y, strict=True))
        elif isinstance(x, dict) and isinstance(y, dict):
            if x.keys() != y.keys():
                return False
            pairs.extend((x[k], y[k]) for k in x)
        elif isinstance(x, bool) or isinstance(y, bool) or isinstance(x, (list, dict)) or isinstance(y, (list, dict)):
            if type(x) is not type(y) or x != y:
                return False
        elif x != y:
            return False
    return True


def _join_template(values: list[Any], line: int | None) -> Any:
    """Concatenate a template's pieces: a string, a string with holes, or the reason it fails."""
    parts: list[str | Unknown] = []
    _spend(len(values) + sum(len(v) for v in values if isinstance(v, str)) // 64)
    for value in values:
        if isinstance(value, _Failure):
            return value
        if isinstance(value, Unknown):
            parts.append(value)
        elif isinstance(value, _Partial):
            parts.extend(value.parts)
        elif value is None:
            return _Failure("a null value inside a string template", line)
        elif isinstance(value, (list, dict)):
            return _Failure("a list or map inside a string template", line)
        else:
            parts.append(_text(value))
    if all(isinstance(p, str) for p in parts):
        return "".join(p for p in parts if isinstance(p, str))
    return _Partial(_merge_text(parts))


def _merge_text(parts: list[str | Unknown]) -> tuple[str | Unknown, ...]:
    out: list[str | Unknown] = []
    for part in parts:
        if isinstance(part, str) and out and isinstance(out[-1], str):
            out[-1] = out[-1] + part
        elif part != "":
            out.append(part)
    return tuple(out)


# --------------------------------------------------------------------------- JSON with holes


def _encode(value: Any) -> Any:
    """jsonencode(): a string, or a string with holes where values are unknown."""
    if isinstance(value, Unknown):
        return value
    out: list[str | Unknown] = []
    _encode_into(value, out)
    parts = _merge_text(out)
    if all(isinstance(p, str) for p in parts):
        return "".join(p for p in parts if isinstance(p, str))
    return _Partial(parts)


def _encode_into(value: Any, out: list[str | Unknown]) -> None:
    _spend(1 + (len(value) // 64 if isinstance(value, str) else 0))
    if isinstance(value, Unknown):
        out.append(value)
    elif isinstance(value, _Partial):
        out.append('"')
        out.extend(json.dumps(p, ensure_ascii=False)[1:-1] if isinstance(p, str) else p for p in value.parts)
        out.append('"')
    elif isinstance(value, list):
        out.append("[")
        for i, item in enumerate(value):
            out.append("," if i else "")
            _encode_into(item, out)
        out.append("]")
    elif isinstance(value, dict):
        out.append("{")
        for i, (key, item) in enumerate(value.items()):
            out.append(("," if i else "") + json.dumps(str(key), ensure_ascii=False) + ":")
            _encode_into(item, out)
        out.append("}")
    else:
        out.append(json.dumps(str(value) if isinstance(value, str) else value, ensure_ascii=False))


def _decode(value: Any) -> Any:
    """jsondecode(): values; holes in the text come back as the unknowns they stand for.

    Raises ValueError when the text is not JSON.
    """
    if isinstance(value, Unknown):
        return value
    if isinstance(value, str):
        _spend(len(value) // 64)
        return json.loads(value)
    if not isinstance(value, _Partial):
        raise TypeError("a string is required")
    holes: list[Unknown] = []
    chunks: list[str] = []
    in_string = escaped = False
    for part in value.parts:
        if isinstance(part, Unknown):
            token = f"{_HOLE}{len(holes)}{_HOLE}"
            holes.append(part)
            chunks.append(token if in_string else f'"{token}"')
            continue
        chunks.append(part)
        for char in part:  # track whether the next hole falls inside a JSON string
            if escaped:
                escaped = False
            elif in_string and char == "\\":
                escaped = True
            elif char == '"':
                in_string = not in_string
    return _restore(json.loads("".join(chunks)), holes)


def _restore(value: Any, holes: list[Unknown]) -> Any:
    _spend()
    if isinstance(value, str) and _HOLE in value:
        match = re.search(f"{_HOLE}(\\d+){_HOLE}", value)
        if match is None or int(match.group(1)) >= len(holes):
            return value
        hole = holes[int(match.group(1))]
        return hole if match.group(0) == value else Unknown(hole.reason, hole.line)
    if isinstance(value, list):
        return [_restore(v, holes) for v in value]
    if isinstance(value, dict):
        for key in value:
            restored = _restore(key, holes) if _HOLE in key else key
            if isinstance(restored, Unknown):
                return restored  # an unknown key makes the whole object unknown
        return {k: _restore(v, holes) for k, v in value.items()}
    return value


# --------------------------------------------------------------------------- templates


def _template_pieces(text: str) -> list[tuple[str, str, int]]:
    """Split template text into ("text", s, offset), ("expr", source, offset), ("directive", source, offset)."""
    pieces: list[tuple[str, str, int]] = []
    buf: list[str] = []
    buf_start = i = 0
    while i < len(text):
        two, three = text[i : i + 2], text[i : i + 3]
        if three in ("$${", "%%{"):
            buf.append(three[1:])
            i += 3
            continue
        if two not in ("${", "%{"):
            buf.append(text[i])
            i += 1
            continue
        end = _closing_brace(text, i + 2)
        if end is None:
            raise ValueError("an unterminated ${ or %{ in a template")
        pieces.append(("text", "".join(buf), buf_start))
        buf = []
        pieces.append(("expr" if two == "${" else "directive", text[i + 2 : end], i))
        i = buf_start = end + 1
    pieces.append(("text", "".join(buf), buf_start))
    return _strip_markers([p for p in pieces if p[0] != "text" or p[1]])


def _closing_brace(text: str, start: int) -> int | None:
    """Index of the `}` closing an interpolation whose body starts at `start` (strings and nesting aware)."""
    modes: list[list[Any]] = [["code", 0]]
    i = start
    while i < len(text):
        char, mode = text[i], modes[-1]
        if mode[0] == "string":
            if char == "\\":
                i += 1
            elif char == '"':
                modes.pop()
            elif text.startswith("${", i):
                modes.append(["code", 0])
                i += 1
        elif char == '"':
            modes.append(["string", 0])
        elif char == "{":
            mode[1] += 1
        elif char == "}":
            if mode[1]:
                mode[1] -= 1
            else:
                modes.pop()
                if not modes:
                    return i
        i += 1
    return None


def _strip_markers(pieces: list[tuple[str, str, int]]) -> list[tuple[str, str, int]]:
    """`${~ x ~}` trims the whitespace of the text beside it."""
    out = list(pieces)
    for i, (kind, src, offset) in enumerate(out):
        if kind == "text":
            continue
        body = src
        if body.startswith("~"):
            body = body[1:]
            if i and out[i - 1][0] == "text":
                out[i - 1] = ("text", out[i - 1][1].rstrip(), out[i - 1][2])
        if body.endswith("~"):
            body = body[:-1]
            if i + 1 < len(out) and out[i + 1][0] == "text":
                out[i + 1] = ("text", out[i + 1][1].lstrip(), out[i + 1][2])
        out[i] = (kind, body, offset)
    return out


def _heredoc_body(raw: str, trim: bool) -> str:
    """The body of a heredoc token; `<<-` strips the indentation common to its lines."""
    lines = raw.rstrip("\r\n").split("\n")
    body = [line.rstrip("\r") for line in lines[1:-1]]
    if trim:
        widths = [len(line) - len(line.lstrip(" \t")) for line in body if line.strip()]
        cut = min(widths, default=0)
        body = [line[cut:] for line in body]
    return "".join(line + "\n" for line in body)


_ESCAPE = re.compile(r"\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)", re.S)
_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}


def _unescape(raw: str) -> str:
    """HCL quoted-string escapes; an unknown escape stays as written."""

    def one(match: re.Match[str]) -> str:
        code = match.group(1)
        if code[0] in "uU" and len(code) > 1:
            try:
                return chr(int(code[1:], 16))
            except (ValueError, OverflowError):
                return match.group(0)
        return _ESCAPES.get(code, match.group(0))

    return _ESCAPE.sub(one, raw)


# --------------------------------------------------------------------------- hcl2 access


def _node_line(node: Any) -> int | None:
    """The 1-based line a typed hcl2 node starts on. hcl2 keeps it in the private `_meta`: only here."""
    line = getattr(getattr(node, "_meta", None), "line", None)
    return line if isinstance(line, int) else None


def _kind(node: Any) -> str:
    return type(node).__name__


def _name(node: Any) -> str:
    """The text of an identifier-like node (identifier, keyword, true/false/null)."""
    token = getattr(node, "token", None)
    return str(getattr(token, "value", "")) if token is not None else ""


def _cache_file() -> Path | None:
    """Where the grammar cache goes: `$XDG_CACHE_HOME/envcheck` (else `~/.cache/envcheck`), seeded from
    hcl2's own copy when it has one. None when there is no usable directory."""
    import hcl2.parser
    import lark
    from hcl2 import __version__ as hcl2_version

    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):  # the XDG spec says to ignore a relative value
        base = os.path.join(os.path.expanduser("~"), ".cache")
    if not os.path.isabs(base):
        return None
    name = f"hcl2-{hcl2_version}-lark-{lark.__version__}-py{sys.version_info[0]}{sys.version_info[1]}.cache"
    target = Path(base) / "envcheck" / name
    packaged = getattr(hcl2.parser, "PARSER_FILE", None)
    try:
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not target.exists() and packaged is not None and Path(packaged).is_file():
            _copy_atomically(Path(packaged), target)
    except OSError:
        return target if target.is_file() else None
    return target


def _copy_atomically(source: Path, target: Path) -> None:
    """Copy beside the target, then rename: a concurrent run never reads half a cache."""
    with tempfile.NamedTemporaryFile(dir=target.parent, delete=False) as tmp:
        try:
            with source.open("rb") as handle:
                shutil.copyfileobj(handle, tmp)
            tmp.flush()
            os.replace(tmp.name, target)
        except OSError:
            Path(tmp.name).unlink(missing_ok=True)
            raise


@functools.lru_cache(maxsize=1)
def _parser() -> Any:
    """hcl2's grammar and options (as in hcl2.parser.parser), with the cache moved (module docstring).

    Lark checks a hash of grammar, options and version before it trusts a cache file; if building
    the parser this way fails (a future hcl2), hcl2's own parser is used.
    """
    import hcl2.parser
    from hcl2.postlexer import PostLexer
    from lark import Lark

    cache = _cache_file()
    if cache is None:
        return hcl2.parser.parser()
    try:
        return Lark.open(
            "hcl2.lark",
            parser="lalr",
            cache=str(cache),
            rel_to=hcl2.parser.__file__,
            propagate_positions=True,
            postlex=PostLexer(),
        )
    except Exception:  # any failure of this shortcut: fall back to the library's own way
        return hcl2.parser.parser()


def _parse_hcl(text: str) -> Any:
    """The typed tree (hcl2.StartRule) of HCL text; raises what lark and hcl2 raise."""
    import hcl2

    return hcl2.transform(_parser().parse(text + "\n"), discard_comments=True)


def _parse_problem(exc: BaseException) -> tuple[str, int | None]:
    """A readable reason and line for anything the HCL parser raised."""
    from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedToken

    exc = getattr(exc, "orig_exc", None) or exc  # lark wraps transformer errors in VisitError
    line = getattr(exc, "line", None)
    line = line if isinstance(line, int) and line > 0 else None
    if isinstance(exc, RecursionError):
        return "nested too deeply", line
    if isinstance(exc, UnexpectedEOF):
        return "unexpected end of file", line
    if isinstance(exc, UnexpectedToken):
        token = str(exc.token)
        if not token:
            return "unexpected end of file", line
        shown = token if len(token) <= 40 else token[:37] + "..."
        return f"unexpected {shown!r} at column {exc.column}", line
    if isinstance(exc, UnexpectedCharacters):
        return f"unexpected character {exc.char!r} at column {exc.column}", line
    if isinstance(exc, RuntimeError) and str(exc):
        return str(exc).splitlines()[0], line
    return exc.__class__.__name__, line


# --------------------------------------------------------------------------- configuration model


class _Invalid(Exception):
    """A structure Terraform rejects though the grammar accepts it."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.line = line


@dataclass
class _Json:
    """A value from a .tf.json file: its strings are templates unless `literal`."""

    value: Any
    line: int | None
    literal: bool = False


@dataclass
class _Attr:
    name: str
    expr: Any  # a typed hcl2 node or a _Json
    line: int | None
    path: Path


@dataclass
class _Block:
    kind: str
    labels: list[str]
    attrs: dict[str, _Attr]
    blocks: list[_Block]
    line: int | None
    path: Path

    def label(self, index: int) -> str:
        return self.labels[index] if len(self.labels) > index else ""


@dataclass
class _Module:
    """One directory of .tf files, as blocks."""

    dir: Path
    texts: dict[Path, str] = field(default_factory=dict)
    variables: dict[str, _Block] = field(default_factory=dict)
    locals: dict[str, _Attr] = field(default_factory=dict)
    resources: list[_Block] = field(default_factory=list)
    calls: list[_Block] = field(default_factory=list)

    def resource_blocks(self, kind: str) -> list[_Block]:
        return [b for b in self.resources if b.label(0) == kind]

    def add(self, blocks: list[_Block], override: bool) -> None:
        """Take a file's blocks; an override file merges into what it names, as Terraform does."""
        for block in blocks:
            if block.kind == "locals":
                for name, attr in block.attrs.items():
                    if override or name not in self.locals:
                        self.locals[name] = attr
            elif block.kind == "variable" and block.labels:
                self._put(self.variables, block, override)
            elif block.kind == "resource" and len(block.labels) == 2:
                self._append(self.resources, block, override)
            elif block.kind == "module" and block.labels:
                self._append(self.calls, block, override)

    @staticmethod
    def _put(table: dict[str, _Block], block: _Block, override: bool) -> None:
        name = block.labels[0]
        if name in table and override:
            _merge(table[name], block)
        elif name not in table:
            table[name] = block

    @staticmethod
    def _append(items: list[_Block], block: _Block, override: bool) -> None:
        same = next((b for b in items if b.labels == block.labels), None)
        if same is not None and override:
            _merge(same, block)
        elif same is None:
            items.append(block)


def _merge(base: _Block, over: _Block) -> None:
    base.attrs.update(over.attrs)
    kinds = {b.kind for b in over.blocks}
    base.blocks = [b for b in base.blocks if b.kind not in kinds] + over.blocks


def _is_override(path: Path) -> bool:
    stem = path.name.removesuffix(".json").removesuffix(".tf")
    return stem == "override" or stem.endswith("_override")


def _hcl_blocks(tree: Any, path: Path) -> list[_Block]:
    """Top-level blocks of a parsed .tf file (top-level arguments are not Terraform and are skipped)."""
    return [_hcl_block(child, path) for child in tree.body.children if _kind(child) == "BlockRule"]


def _hcl_block(node: Any, path: Path) -> _Block:
    labels = [_label_text(label) for label in node.labels]
    attrs, blocks = _hcl_body(node.body, path)
    return _Block(labels[0], labels[1:], attrs, blocks, _node_line(node), path)


def _hcl_body(body: Any, path: Path) -> tuple[dict[str, _Attr], list[_Block]]:
    """Arguments and nested blocks; names used twice are errors in Terraform, so they are here."""
    attrs: dict[str, _Attr] = {}
    blocks: list[_Block] = []
    for child in body.children:
        if _kind(child) == "AttributeRule":
            name = _name(child.identifier)
            if name in attrs:
                raise _Invalid(f'the argument "{name}" is set twice', _node_line(child))
            attrs[name] = _Attr(name, child.expression, _node_line(child), path)
        elif _kind(child) == "BlockRule":
            blocks.append(_hcl_block(child, path))
    for block in blocks:
        if block.kind in attrs:
            raise _Invalid(f'"{block.kind}" is both an argument and a block', block.line)
    return attrs, blocks


def _label_text(node: Any) -> str:
    if _kind(node) == "StringRule":
        return "".join(_unescape(str(part.content.value)) for part in node.string_parts if _is_chars(part))
    return _name(node)


def _is_chars(part: Any) -> bool:
    content = getattr(part, "content", None)
    return content is not None and hasattr(content, "lark_name") and content.lark_name() == "STRING_CHARS"


_JSON_LABELS = {"resource": 2, "data": 2, "module": 1, "variable": 1, "output": 1, "locals": 0}
_JSON_NESTED = {"lifecycle"}


def _json_blocks(data: Any, path: Path, text: str) -> list[_Block]:
    """Blocks of a .tf.json file (Terraform's JSON syntax)."""
    if not isinstance(data, dict):
        raise _Invalid("the top level is not a JSON object", 1)
    blocks = []
    for kind, content in data.items():
        depth = _JSON_LABELS.get(kind)
        if depth is None:
            continue
        for labels, body in _json_labelled(content, depth, ()):
            line = _json_line(text, labels[-1] if labels else kind, 1)
            blocks.append(_json_block(kind, labels, body, path, text, line))
    return blocks


def _json_labelled(content: Any, depth: int, labels: tuple[str, ...]) -> Iterator[tuple[list[str], dict[str, Any]]]:
    for item in content if isinstance(content, list) else [content]:
        if not isinstance(item, dict):
            continue
        if depth == 0:
            yield list(labels), item
            continue
        for key, value in item.items():
            yield from _json_labelled(value, depth - 1, (*labels, key))


def _json_block(kind: str, labels: list[str], body: dict[str, Any], path: Path, text: str, line: int) -> _Block:
    attrs: dict[str, _Attr] = {}
    blocks: list[_Block] = []
    for key, value in body.items():
        if key == "//":
            continue
        at = _json_line(text, key, line)
        if key in _JSON_NESTED and kind == "resource":
            blocks.extend(_json_block(key, [], item, path, text, at) for item in _dicts(value))
        else:
            literal = kind == "variable" and key == "default"  # Terraform reads defaults literally
            attrs[key] = _Attr(key, _Json(value, at, literal), at, path)
    return _Block(kind, labels, attrs, blocks, line, path)


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [v for v in (value if isinstance(value, list) else [value]) if isinstance(v, dict)]


def _json_line(text: str, key: str, after: int) -> int:
    """Line of the first `"key":` at or after line `after`: JSON keeps no positions."""
    lines = text.splitlines()
    needle = re.compile(re.escape(json.dumps(key)) + r"\s*:")
    for i in range(max(after - 1, 0), len(lines)):
        if needle.search(lines[i]):
            return i + 1
    return after


# --------------------------------------------------------------------------- evaluation


class _Instance:
    """One evaluation of a module directory: its variable values, locals, and address prefix."""

    def __init__(
        self, loader: _Loader, module: _Module, prefix: str, inputs: Callable[[str], Any], root_dir: Path, unset: str
    ) -> None:
        self.loader = loader
        self.module = module
        self.prefix = prefix
        self.inputs = inputs
        self.root_dir = root_dir
        self.unset = unset  # why a variable without a value has none, for the Unknown's reason
        self._values: dict[str, Any] = {}
        self._busy: set[str] = set()
        self.base = _Eval(loader, self, root_dir)

    def var(self, name: str) -> Any:
        return self._memo(f"var.{name}", lambda: self._variable(name))

    def local(self, name: str) -> Any:
        attr = self.module.locals.get(name)
        if attr is None:
            return _Failure(f"local.{name} is not defined")
        return self._memo(f"local.{name}", lambda: self.base.eval(attr.expr))

    def _memo(self, key: str, compute: Callable[[], Any]) -> Any:
        if key in self._values:
            return self._values[key]
        if key in self._busy:
            return _Failure(f"{key} refers to itself")
        self._busy.add(key)
        try:
            value = compute()
        finally:
            self._busy.discard(key)
        self._values[key] = value
        return value

    def _variable(self, name: str) -> Any:
        block = self.module.variables.get(name)
        if block is None:
            return _Failure(f"var.{name} is not declared")
        value = self.inputs(name)
        if value is _MISSING:
            default = block.attrs.get("default")
            if default is None:
                return Unknown(f"var.{name} ({self.unset})")
            value = self.base.eval(default.expr)
        return _coerce(value, block.attrs.get("type"))


def _coerce(value: Any, type_attr: _Attr | None) -> Any:
    """The conversions Terraform makes for primitive variable types ("2" for a number, 2 for a string)."""
    if type_attr is None or isinstance(value, Unknown) or value is None:
        return value
    expr = type_attr.expr
    kind = expr.value if isinstance(expr, _Json) else _name(getattr(expr, "expression", expr))
    try:
        if kind == "number" and isinstance(value, str):
            return _number(value)
        if kind == "string" and isinstance(value, (bool, int, float)):
            return _text(value)
        if kind == "bool" and value in ("true", "false"):
            return value == "true"
    except (TypeError, ValueError):
        return _Failure(f"{_short(value)} is not a {kind}")
    return value


_NODE_HANDLERS = {
    "ExprTermRule": "_term",
    "ConditionalRule": "_conditional",
    "BinaryOpRule": "_binary",
    "UnaryOpRule": "_unary",
    "IntLitRule": "_int",
    "FloatLitRule": "_float",
    "LiteralValueRule": "_literal",
    "StringRule": "_string",
    "HeredocTemplateRule": "_heredoc",
    "HeredocTrimTemplateRule": "_heredoc",
    "TupleRule": "_tuple",
    "ObjectRule": "_object",
    "IdentifierRule": "_traversal",
    "GetAttrExprTermRule": "_traversal",
    "IndexExprTermRule": "_traversal",
    "AttrSplatExprTermRule": "_splat",
    "FullSplatExprTermRule": "_splat",
    "FunctionCallRule": "_call",
    "ForTupleExprRule": "_for_tuple",
    "ForObjectExprRule": "_for_object",
}

Step = tuple[str, Any]  # ("attr", name) | ("index", node) | ("const", int)


class _Eval:
    """Evaluates expressions for one module instance; `bindings` hold for-iterators, each and count.

    `isolated` is a templatefile() scope (only its variables); `shift` maps the lines of a
    re-parsed template expression back to the file.
    """

    def __init__(
        self,
        loader: _Loader,
        instance: _Instance | None,
        root_dir: Path,
        bindings: dict[str, Any] | None = None,
        isolated: bool = False,
        shift: int = 0,
    ) -> None:
        self.loader = loader
        self.instance = instance
        self.root_dir = root_dir
        self.bindings = bindings or {}
        self.isolated = isolated
        self.shift = shift

    def bound(self, extra: dict[str, Any]) -> _Eval:
        return _Eval(self.loader, self.instance, self.root_dir, {**self.bindings, **extra}, self.isolated, self.shift)

    def shifted(self, shift: int) -> _Eval:
        return _Eval(self.loader, self.instance, self.root_dir, self.bindings, self.isolated, shift)

    def line(self, node: Any) -> int | None:
        if isinstance(node, _Json):
            return node.line
        line = _node_line(node)
        return None if line is None else line + self.shift

    def eval(self, node: Any) -> Any:
        _spend()
        if isinstance(node, _Json):
            return self._json(node)
        handler = _NODE_HANDLERS.get(_kind(node))
        if handler is None:
            return Unknown("an expression envcheck does not evaluate", self.line(node))
        return getattr(self, handler)(node)

    # -- literals and structure

    def _json(self, node: _Json) -> Any:
        value = node.value
        if isinstance(value, str):
            return value if node.literal else self._template(value, node.line, node.line)
        if isinstance(value, list):
            return [self._json(_Json(v, node.line, node.literal)) for v in value]
        if isinstance(value, dict):
            return {k: self._json(_Json(v, node.line, node.literal)) for k, v in value.items()}
        return value

    def _term(self, node: Any) -> Any:
        return self.eval(node.expression)

    def _int(self, node: Any) -> Any:
        return int(node.token.value)

    def _float(self, node: Any) -> Any:
        return _tidy_number(float(node.token.value))

    def _literal(self, node: Any) -> Any:
        return {"true": True, "false": False, "null": None}.get(_name(node))

    def _tuple(self, node: Any) -> Any:
        return [self.eval(element) for element in node.elements]

    def _object(self, node: Any) -> Any:
        out: dict[str, Any] = {}
        for element in node.elements:
            key = self._object_key(element.key)
            if isinstance(key, Unknown):
                return key  # an unknown key makes the whole object unknown
            out[key] = self.eval(element.expression)
        return out

    def _object_key(self, key: Any) -> Any:
        if _kind(key) == "ObjectElemKeyRule":
            inner = key.value
            if _kind(inner) == "IdentifierRule":
                return _name(inner)
            value = _known(self.eval(inner))
        else:
            value = _known(self.eval(key.expression))
        if isinstance(value, Unknown):
            return value
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            return _text(value)
        return _Failure("an object key is not a string", self.line(key))

    # -- strings

    def _string(self, node: Any) -> Any:
        values: list[Any] = []
        only_interpolation = len(node.string_parts) == 1
        for part in node.string_parts:
            content = part.content
            kind = content.lark_name() if hasattr(content, "lark_name") else ""
            if kind == "STRING_CHARS":
                values.append(_unescape(str(content.value)))
            elif kind in ("ESCAPED_INTERPOLATION", "ESCAPED_DIRECTIVE"):
                values.append(str(content.value)[1:])
            elif kind == "interpolation":
                values.append(_at(self.eval(content.expression), self.line(node)))
            else:
                return Unknown("a template directive %{...}, which envcheck does not evaluate", self.line(node))
        if only_interpolation and values and not isinstance(values[0], str):
            return values[0]  # "${x}" is x itself, whatever its type
        return _join_template(values, self.line(node))

    def _heredoc(self, node: Any) -> Any:
        trim = _kind(node) == "HeredocTrimTemplateRule"
        body = _heredoc_body(str(node.heredoc.value), trim)
        start = self.line(node)
        return self._template(body, None if start is None else start + 1, start)

    def _template(self, text: str, first_line: int | None, where: int | None) -> Any:
        """Evaluate template text (heredoc body, .tf.json string, templatefile())."""
        try:
            pieces = _template_pieces(text)
        except ValueError as exc:
            return _Failure(str(exc), where)
        values: list[Any] = []
        for kind, src, offset in pieces:
            line = None if first_line is None else first_line + text.count("\n", 0, offset)
            if kind == "text":
                values.append(src)
            elif kind == "directive":
                return Unknown(f"a template directive %{{{src.strip()}}}, which envcheck does not evaluate", line)
            else:
                values.append(self._embedded(src, line))
        if len(pieces) == 1 and pieces[0][0] == "expr":
            return values[0]
        return _join_template(values, where)

    def _embedded(self, src: str, line: int | None) -> Any:
        """An expression inside template text, parsed on its own; its unknowns point at `line`."""
        node = self.loader.expression(src)
        if node is None:
            return _Failure("an expression in a template does not parse", line)
        value = self.shifted((line or 2) - 2).eval(node)
        if isinstance(value, Unknown) and line is not None:
            return dataclasses.replace(value, line=line)
        return value

    # -- operators

    def _conditional(self, node: Any) -> Any:
        cond = _known(self.eval(node.condition))
        if isinstance(cond, Unknown):
            yes, no = self.eval(node.if_true), self.eval(node.if_false)
            return yes if _same(yes, no) and _deep_unknown(yes) is None else cond
        if cond in ("true", "false"):
            cond = cond == "true"
        if not isinstance(cond, bool):
            return _Failure("a condition is not true or false", self.line(node))
        return self.eval(node.if_true if cond else node.if_false)

    def _binary(self, node: Any) -> Any:
        op = str(node.binary_term.binary_operator.token.value).strip()
        left = _known(self.eval(node.children[0]))
        right = _known(self.eval(node.binary_term.expr_term))
        line = self.line(node)
        if op in ("&&", "||"):
            return _logical(op, left, right, line)
        for side in (left, right):
            if isinstance(side, Unknown):
                return side
        try:
            return _operate(op, left, right)
        except (TypeError, ValueError, ZeroDivisionError, OverflowError) as exc:
            return _Failure(f"{op}: {exc}", line)

    def _unary(self, node: Any) -> Any:
        value = _known(self.eval(node.expr_term))
        if isinstance(value, Unknown):
            return value
        try:
            if node.operator.strip() == "!":
                if not isinstance(value, bool):
                    raise TypeError("! needs true or false")
                return not value
            return _tidy_number(-_number(value))
        except (TypeError, ValueError) as exc:
            return _Failure(str(exc), self.line(node))

    # -- references

    def _traversal(self, node: Any) -> Any:
        flat = _flatten(node)
        if flat is not None:
            return self._reference(flat[0], flat[1], node)
        kind = _kind(node)
        if kind == "GetAttrExprTermRule":
            return self._apply(self.eval(node.expr_term), [("attr", _name(node.get_attr.identifier))], node)
        return self._apply(self.eval(node.children[0]), [_index_step(node.children[1])], node)

    def _reference(self, root: str, steps: list[Step], node: Any) -> Any:
        """Resolve `root.steps...`: bindings, var, local, path; everything else is known only at apply."""
        line = self.line(node)
        if root in self.bindings:
            return self._apply(self.bindings[root], steps, node)
        if self.isolated:
            return _Failure(f"{root} is not a variable of this templatefile()", line)
        head = steps[0][1] if steps and steps[0][0] == "attr" else None
        if self.instance is not None and head is not None:
            if root == "var":
                return self._apply(_at(self.instance.var(head), line), steps[1:], node)
            if root == "local":
                return self._apply(_at(self.instance.local(head), line), steps[1:], node)
            if root == "path" and head in ("module", "root", "cwd"):
                where = self.instance.module.dir if head == "module" else self.root_dir
                return self._apply(str(where), steps[1:], node)
        return Unknown(self._render(root, steps), line)

    def _render(self, root: str, steps: list[Step]) -> str:
        """`aws_db_instance.x.address`, `data.aws_ssm_parameter.p["k"].value`: the reason a value is unknown."""
        out = root
        for kind, value in steps:
            if kind == "attr":
                out += f".{value}"
                continue
            key = value if kind == "const" else _known(self.eval(value))
            out += f"[{json.dumps(key)}]" if isinstance(key, (str, int)) and not isinstance(key, bool) else "[...]"
        return out

    def _apply(self, value: Any, steps: list[Step], node: Any) -> Any:
        for kind, step in steps:
            if isinstance(value, Unknown):
                return value
            if kind == "attr":
                key: Any = step
            elif kind == "const":
                key = step
            else:
                key = _known(self.eval(step))
                if isinstance(key, Unknown):
                    return key
            value = _lookup(_known(value), key, self.line(node))
        return value

    def _splat(self, node: Any) -> Any:
        base = _known(self.eval(node.expr_term))
        if isinstance(base, Unknown):
            return base
        steps = [_splat_step(s) for s in node.attr_splat.get_attrs]
        items = [] if base is None else base if isinstance(base, list) else [base]
        return [self._apply(item, steps, node) for item in items]

    # -- for expressions

    def _iterations(self, node: Any) -> list[_Eval] | Unknown:
        """One evaluator per element kept by the for expression's `if`, or why that is unknown."""
        intro = node.for_intro
        collection = _known(self.eval(intro.iterable))
        if isinstance(collection, Unknown):
            return collection
        if isinstance(collection, dict):
            pairs = [(k, collection[k]) for k in sorted(collection)]
        elif isinstance(collection, list):
            pairs = list(enumerate(collection))
        else:
            return _Failure("a for expression needs a list or a map", self.line(node))
        first = _name(intro.first_iterator)
        second = _name(intro.second_iterator) if intro.second_iterator is not None else None
        out = []
        for key, value in pairs:
            scope = self.bound({first: key, second: value} if second else {first: value})
            if node.condition is not None:
                keep = _known(scope.eval(node.condition.condition_expr))
                if isinstance(keep, Unknown):
                    return keep
                if not isinstance(keep, bool):
                    return _Failure("a for condition is not true or false", self.line(node))
                if not keep:
                    continue
            out.append(scope)
        return out

    def _for_tuple(self, node: Any) -> Any:
        scopes = self._iterations(node)
        if isinstance(scopes, Unknown):
            return scopes
        return [scope.eval(node.value_expr) for scope in scopes]

    def _for_object(self, node: Any) -> Any:
        scopes = self._iterations(node)
        if isinstance(scopes, Unknown):
            return scopes
        out: dict[str, Any] = {}
        for scope in scopes:
            key = _known(scope.eval(node.key_expr))
            if isinstance(key, Unknown):
                return key
            if isinstance(key, bool) or not isinstance(key, (str, int, float)):
                return _Failure("a for expression key is not a string", self.line(node))
            value = scope.eval(node.value_expr)
            if node.ellipsis is not None:
                out.setdefault(_text(key), []).append(value)
            elif _text(key) in out:
                return _Failure(f"the key {_short(_text(key))} appears twice (use ... to group)", self.line(node))
            else:
                out[_text(key)] = value
        return out

    # -- functions

    def _call(self, node: Any) -> Any:
        name = "::".join(_name(i) for i in node.identifiers)
        line = self.line(node)
        rule = node.arguments
        args = [self.eval(a) for a in (rule.arguments if rule is not None else [])]
        if rule is not None and rule.has_ellipsis and args:
            spread = _known(args[-1])
            if isinstance(spread, Unknown):
                return spread
            if not isinstance(spread, list):
                return _Failure(f"{name}(...): the last argument is not a list", line)
            args = args[:-1] + spread
        if name in ("file", "templatefile"):
            return self._file(name, args, line)
        function = _FUNCTIONS.get(name)
        if function is None:
            return Unknown(f"{name}(), which envcheck does not evaluate", line)
        try:
            return _at(function(args), line)
        except RecursionError:
            raise
        except Exception as exc:  # functions run on whatever the files hold: a bad argument is Terraform's error
            return _Failure(f"{name}(): {exc or exc.__class__.__name__}", line)

    def _file(self, name: str, args: list[Any], line: int | None) -> Any:
        """file()/templatefile() of a file inside the scanned roots, read only through ScanContext."""
        if not args:
            return _Failure(f"{name}() needs a path", line)
        where = _known(args[0])
        if isinstance(where, Unknown):
            return Unknown(f"{name}() of {where.reason}", line)
        if not isinstance(where, str):
            return _Failure(f"{name}(): the path is not a string", line)
        source = self.loader.read_source(where, self.root_dir)
        if source is None:
            return Unknown(f'{name}("{where}"), which could not be read', line)
        if name == "file":
            return _FileText(source.text, source)
        variables = _known(args[1]) if len(args) > 1 else {}
        if isinstance(variables, Unknown):
            return variables
        if not isinstance(variables, dict):
            return _Failure("templatefile(): the variables are not a map", line)
        scope = _Eval(self.loader, None, self.root_dir, dict(variables), isolated=True)
        result = scope._template(source.text, 1, 1)
        if isinstance(result, Unknown):  # its line is in the template: say which file
            reason = f"{result.reason} ({display_path(source.path)}:{result.line})"
            return dataclasses.replace(result, reason=reason, line=line)
        if isinstance(result, _Partial):
            return dataclasses.replace(result, source=source)
        return _FileText(result, source) if isinstance(result, str) else result


def _flatten(node: Any) -> tuple[str, list[Step]] | None:
    """`a.b[0].c` as ("a", steps) when the chain starts at a name; None when it starts at a value."""
    steps: list[Step] = []
    while True:
        kind = _kind(node)
        if kind == "ExprTermRule":
            node = node.expression
        elif kind == "GetAttrExprTermRule":
            steps.append(("attr", _name(node.get_attr.identifier)))
            node = node.expr_term
        elif kind == "IndexExprTermRule":
            steps.append(_index_step(node.children[1]))
            node = node.children[0]
        elif kind == "IdentifierRule":
            return _name(node), steps[::-1]
        else:
            return None


def _index_step(index: Any) -> Step:
    if _kind(index) == "ShortIndexRule":
        return ("const", int(index.index.value))
    return ("index", index.index_expression)


def _splat_step(step: Any) -> Step:
    if _kind(step) == "GetAttrRule":
        return ("attr", _name(step.identifier))
    return _index_step(step)


def _lookup(value: Any, key: Any, line: int | None) -> Any:
    """value[key] / value.key, or the failure Terraform would report."""
    if isinstance(value, Unknown):
        return value
    if isinstance(value, dict):
        name = _text(key) if isinstance(key, (str, int, float)) else None
        if name is not None and name in value:
            return value[name]
        return _Failure(f"no attribute or key {_short(key)}", line)
    if isinstance(value, list):
        try:
            index = int(_number(key))
        except (TypeError, ValueError):
            return _Failure(f"a list index is not a number: {_short(key)}", line)
        if 0 <= index < len(value):
            return value[index]
        return _Failure(f"index {index} is out of range", line)
    return _Failure(f"cannot take {_short(key)} of {_short(value)}", line)


def _logical(op: str, left: Any, right: Any, line: int | None) -> Any:
    for side in (left, right):
        if isinstance(side, bool) and side is (op == "||"):
            return side  # true || x, false && x: known whatever x is
    for side in (left, right):
        if isinstance(side, Unknown):
            return side
    if not isinstance(left, bool) or not isinstance(right, bool):
        return _Failure(f"{op} needs true or false", line)
    return (left and right) if op == "&&" else (left or right)


def _operate(op: str, left: Any, right: Any) -> Any:
    if op == "==":
        return _same(left, right)
    if op == "!=":
        return not _same(left, right)
    a, b = _number(left), _number(right)
    comparisons = {"<": a < b, ">": a > b, "<=": a <= b, ">=": a >= b}
    if op in comparisons:
        return comparisons[op]
    if op == "+":
        return _tidy_number(a + b)
    if op == "-":
        return _tidy_number(a - b)
    if op == "*":
        return _tidy_number(a * b)
    if op == "/":
        return _tidy_number(a / b)
    if op == "%":
        return _tidy_number(math.fmod(a, b))
    raise ValueError(f"unknown operator {op}")


# --------------------------------------------------------------------------- functions


def _strict(function: Callable[..., Any]) -> Callable[[list[Any]], Any]:
    """A function of fully known values: any unknown inside any argument makes the result unknown."""

    def call(args: list[Any]) -> Any:
        for arg in args:
            hole = _deep_unknown(arg)
            if hole is not None:
                return hole
        return function(*args)

    return call


def _shallow(function: Callable[..., Any]) -> Callable[[list[Any]], Any]:
    """A function over collections: the arguments must be known, their elements need not be."""

    def call(args: list[Any]) -> Any:
        args = [_known(a) for a in args]
        for arg in args:
            if isinstance(arg, Unknown):
                return arg
        return function(*args)

    return call


def _fn_concat(*lists: Any) -> list[Any]:
    out: list[Any] = []
    for item in lists:
        if not isinstance(item, list):
            raise TypeError("concat() takes lists")
        _spend(len(item))
        out.extend(item)
    return out


def _fn_merge(*maps: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in maps:
        if item is None:
            continue
        if not isinstance(item, dict):
            raise TypeError("merge() takes maps")
        _spend(len(item))
        out.update(item)
    return out


def _fn_tolist(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise TypeError("not a list")
    return value


def _fn_tomap(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise TypeError("not a map")
    return value


def _fn_toset(value: Any) -> list[Any]:
    items = _fn_tolist(value)
    out: list[Any] = []
    for item in items:
        if not any(_same(item, seen) for seen in out):
            out.append(item)
    return sorted(out) if all(isinstance(i, str) for i in out) else out


def _fn_flatten(value: Any) -> Any:
    out: list[Any] = []
    stack = [iter(_fn_tolist(value))]
    while stack:
        _spend()
        item = next(stack[-1], _MISSING)
        if item is _MISSING:
            stack.pop()
        elif isinstance(item, list):
            stack.append(iter(item))
        elif isinstance(item, (Unknown, _Partial)):
            return _known(item)  # it may be a list: the result's shape is unknown
        else:
            out.append(item)
    return out


def _fn_lookup(mapping: Any, key: Any, *default: Any) -> Any:
    if not isinstance(key, str):
        raise TypeError("lookup() takes a string key")
    mapping = _fn_tomap(mapping)
    if key in mapping:
        return mapping[key]
    if default:
        return default[0]
    raise KeyError(f"no key {_short(key)}")


def _fn_element(items: Any, index: Any) -> Any:
    items = _fn_tolist(items)
    if not items:
        raise IndexError("element() of an empty list")
    return items[int(_number(index)) % len(items)]


def _fn_coalesce(args: list[Any]) -> Any:
    for arg in args:
        arg = _known(arg)
        if isinstance(arg, Unknown):
            return arg
        if arg is not None and arg != "":
            return arg
    raise ValueError("no non-null, non-empty argument")


def _fn_compact(items: Any) -> list[Any]:
    out = []
    for item in _fn_tolist(items):
        item = _known(item)
        if isinstance(item, Unknown):
            raise _UnknownResult(item)
        if item is not None and item != "":
            out.append(item)
    return out


class _UnknownResult(Exception):
    """Raised inside a function when one element makes the whole result unknown."""

    def __init__(self, unknown: Unknown) -> None:
        super().__init__(unknown.reason)
        self.unknown = unknown


def _catch_unknown(function: Callable[[list[Any]], Any]) -> Callable[[list[Any]], Any]:
    def call(args: list[Any]) -> Any:
        try:
            return function(args)
        except _UnknownResult as exc:
            return exc.unknown

    return call


def _fn_one(items: Any) -> Any:
    items = _fn_tolist(items)
    if len(items) > 1:
        raise ValueError("one() of a list with more than one element")
    return items[0] if items else None


def _fn_try(args: list[Any]) -> Any:
    for arg in args:
        if not isinstance(arg, _Failure):
            return arg
    return args[-1] if args else _Failure("try() needs arguments")


def _fn_can(args: list[Any]) -> Any:
    if len(args) != 1:
        raise TypeError("can() takes one argument")
    if isinstance(args[0], _Failure):
        return False
    return args[0] if isinstance(args[0], Unknown) else True


def _fn_tostring(value: Any) -> Any:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (list, dict)):
        raise TypeError("tostring() of a list or map")
    return _text(value)


def _fn_tobool(value: Any) -> Any:
    if value is None or isinstance(value, bool):
        return value
    if value in ("true", "false"):
        return value == "true"
    raise ValueError(f"{_short(value)} is not a bool")


def _fn_format(spec: str, *args: Any) -> str:
    """format() for the verbs configuration uses: %s %d %v %q %f %%."""
    values = iter(args)

    def verb(match: re.Match[str]) -> str:
        flags, kind = match.group(1), match.group(2)
        if kind == "%":
            return "%"
        value = next(values, _MISSING)
        if value is _MISSING:
            raise ValueError("format() has fewer arguments than verbs")
        if kind == "d":
            return ("%" + flags + "d") % int(_number(value))
        if kind == "f":
            return ("%" + flags + "f") % float(_number(value))
        if kind == "q":
            return json.dumps(_text(value), ensure_ascii=False)
        if kind == "v" and isinstance(value, (list, dict)):
            return str(_encode(value))
        return ("%" + flags + "s") % _text(value)

    if any(int(w) > 1024 for w in re.findall(r"%[-+ 0#]*\.?(\d+)", spec)):
        raise ValueError("a format width over 1024")
    return re.sub(r"%([-+ 0#]*\d*(?:\.\d+)?)([sdvqf%])", verb, spec)


def _fn_replace(text: str, old: str, new: str) -> Any:
    if len(old) > 1 and old.startswith("/") and old.endswith("/"):
        return Unknown("replace() with a regular expression, which envcheck does not evaluate")
    text, old, new = _text(text), _text(old), _text(new)
    _spend((len(text) + (text.count(old) if old else len(text)) * len(new)) // 64)
    return text.replace(old, new)


def _fn_substr(text: str, offset: Any, length: Any) -> str:
    start, size = int(_number(offset)), int(_number(length))
    start = start if start >= 0 else max(len(text) + start, 0)
    return text[start:] if size < 0 else text[start : start + size]


def _fn_base64decode(text: str) -> str:
    return base64.b64decode(text, validate=True).decode("utf-8")


def _fn_jsondecode(value: Any) -> Any:
    try:
        return _decode(value)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None


def _fn_join(sep: str, items: list[str]) -> str:
    _spend((sum(map(len, items)) + len(sep) * len(items)) // 64)
    return sep.join(items)


def _fn_range(*args: Any) -> list[Any]:
    numbers = [int(_number(a)) for a in args]
    if len(numbers) not in (1, 2, 3) or len(range(*numbers)) > 1024:
        raise ValueError("range() takes 1-3 arguments and makes at most 1024 numbers")
    return list(range(*numbers))


def _string_fn(function: Callable[..., Any]) -> Callable[[list[Any]], Any]:
    return _strict(lambda *args: function(*[_text(a) if isinstance(a, (str, int, float)) else a for a in args]))


_FUNCTIONS: dict[str, Callable[[list[Any]], Any]] = {
    "concat": _shallow(_fn_concat),
    "merge": _shallow(_fn_merge),
    "tolist": _shallow(_fn_tolist),
    "tomap": _shallow(_fn_tomap),
    "toset": _strict(_fn_toset),
    "flatten": _shallow(_fn_flatten),
    "lookup": _shallow(_fn_lookup),
    "element": _shallow(_fn_element),
    "coalesce": _fn_coalesce,
    "coalescelist": _shallow(lambda *lists: next((x for x in lists if _fn_tolist(x)), None) or _bad()),
    "compact": _catch_unknown(_shallow(_fn_compact)),
    "distinct": _strict(lambda items: [x for i, x in enumerate(items) if not any(_same(x, y) for y in items[:i])]),
    "contains": _strict(lambda items, value: any(_same(x, value) for x in _fn_tolist(items))),
    "length": _shallow(lambda value: len(value) if isinstance(value, (str, list, dict)) else _bad()),
    "keys": _shallow(lambda mapping: sorted(_fn_tomap(mapping))),
    "values": _shallow(lambda mapping: [mapping[k] for k in sorted(_fn_tomap(mapping))]),
    "zipmap": _strict(lambda keys, values: dict(zip([_text(k) for k in keys], values, strict=True))),
    "reverse": _shallow(lambda items: list(reversed(_fn_tolist(items)))),
    "sort": _strict(lambda items: sorted(_text(x) for x in _fn_tolist(items))),
    "one": _shallow(_fn_one),
    "range": _strict(_fn_range),
    "try": _fn_try,
    "can": _fn_can,
    "sensitive": _shallow(lambda value: value),
    "nonsensitive": _shallow(lambda value: value),
    "jsonencode": lambda args: _encode(args[0]) if len(args) == 1 else _bad(),
    "jsondecode": _shallow(_fn_jsondecode),
    "tostring": _shallow(_fn_tostring),
    "tonumber": _strict(lambda value: None if value is None else _number(value)),
    "tobool": _strict(_fn_tobool),
    "format": _strict(_fn_format),
    "join": _strict(lambda sep, *lists: _fn_join(_text(sep), [_text(x) for items in lists for x in _fn_tolist(items)])),
    "split": _string_fn(lambda sep, text: text.split(sep) if sep else list(text)),
    "lower": _string_fn(str.lower),
    "upper": _string_fn(str.upper),
    "title": _string_fn(str.title),
    "trimspace": _string_fn(str.strip),
    "chomp": _string_fn(lambda text: text.rstrip("\r\n")),
    "trim": _string_fn(lambda text, chars: text.strip(chars)),
    "trimprefix": _string_fn(str.removeprefix),
    "trimsuffix": _string_fn(str.removesuffix),
    "startswith": _string_fn(str.startswith),
    "endswith": _string_fn(str.endswith),
    "strcontains": _string_fn(lambda text, part: part in text),
    "replace": _string_fn(_fn_replace),
    "substr": _strict(lambda text, offset, length: _fn_substr(_text(text), offset, length)),
    "base64encode": _string_fn(lambda text: base64.b64encode(text.encode("utf-8")).decode("ascii")),
    "base64decode": _string_fn(_fn_base64decode),
    "basename": _string_fn(posixpath.basename),
    "dirname": _string_fn(posixpath.dirname),
    "abs": _strict(lambda value: abs(_number(value))),
    "ceil": _strict(lambda value: math.ceil(_number(value))),
    "floor": _strict(lambda value: math.floor(_number(value))),
    "max": _strict(lambda *values: max(_number(v) for v in values)),
    "min": _strict(lambda *values: min(_number(v) for v in values)),
}


# --------------------------------------------------------------------------- the loader


class _Loader:
    """Reads, sniffs and parses the Terraform files, then evaluates every root directory."""

    def __init__(self, tf_files: list[Path], tfvars_files: list[Path], ctx: ScanContext) -> None:
        self.ctx = ctx
        self.tf_files = [Path(os.path.normpath(p.absolute())) for p in tf_files]
        self.tfvars_files = [Path(os.path.normpath(p.absolute())) for p in tfvars_files]
        self.modules: dict[Path, _Module] = {}
        self._expressions: dict[str, Any] = {}
        self._tfvars: dict[Path, dict[str, Any] | None] = {}

    def run(self) -> list[TaskDefinitionDoc]:
        texts = {path: text for path in self.tf_files if (text := self.ctx.read_text(path)) is not None}
        by_dir: dict[Path, list[Path]] = {}
        for path in sorted(texts):
            by_dir.setdefault(path.parent, []).append(path)
        for folder in sorted(_relevant(by_dir, texts)):
            self.modules[folder] = self._load_module(folder, by_dir[folder], texts)
        called = {callee for m in self.modules.values() for call in m.calls if (callee := self.callee(m, call))}
        roots = [m for folder, m in sorted(self.modules.items()) if folder not in called]
        var_files = self._assign_var_files(roots, set(by_dir))
        docs: list[TaskDefinitionDoc] = []
        for module in roots:
            try:
                values = self._root_values(module, var_files.get(module.dir, []))
                instance = _Instance(
                    self, module, "", _lookup_input(values), module.dir, "no default and no tfvars value"
                )
                docs += self._evaluate(instance, (module.dir,))
            except Exception as exc:  # the per-value guards should hold; this keeps the other roots if not
                where = next(iter(module.texts), module.dir)
                self.ctx.report("SRC003", f"Terraform here could not be evaluated ({exc.__class__.__name__})", where)
        return docs

    # -- reading

    def _load_module(self, folder: Path, files: list[Path], texts: dict[Path, str]) -> _Module:
        module = _Module(folder)
        for path in sorted(files, key=_is_override):
            module.texts[path] = texts[path]
            blocks = self._parse_file(path, texts[path])
            if blocks is not None:
                module.add(blocks, _is_override(path))
        return module

    def _parse_file(self, path: Path, text: str) -> list[_Block] | None:
        """The file's blocks, or None after an SRC002 finding."""
        is_json = path.name.lower().endswith(".json")
        try:
            if is_json:
                return _json_blocks(json.loads(text), path, text)
            return _hcl_blocks(_parse_hcl(text), path)
        except json.JSONDecodeError as exc:
            self.ctx.report("SRC002", f"JSON does not parse: {exc.msg}", path, exc.lineno)
        except _Invalid as exc:
            self.ctx.report("SRC002", f"{'JSON' if is_json else 'HCL'} does not parse: {exc}", path, exc.line)
        except Exception as exc:  # lark errors, RecursionError, hcl2's RuntimeErrors: any text must be survivable
            reason, line = _parse_problem(exc)
            self.ctx.report("SRC002", f"{'JSON' if is_json else 'HCL'} does not parse: {reason}", path, line)
        return None

    def expression(self, src: str) -> Any:
        """A template's `${...}` expression parsed on its own (cached); None when it does not parse."""
        if src not in self._expressions:
            try:
                tree = _parse_hcl(f"v = (\n{src}\n)")
                self._expressions[src] = tree.body.children[0].expression
            except Exception:  # whatever the parser raises, the template value is a failure, not a crash
                self._expressions[src] = None
        return self._expressions[src]

    def read_source(self, where: str, root_dir: Path) -> _Source | None:
        """A file named by file()/templatefile(): the resolved path goes to ctx.read_text, which refuses
        anything outside the scanned roots (SRC001)."""
        if "\x00" in where:
            return None
        raw = Path(where)
        try:
            path = Path(os.path.realpath(raw if raw.is_absolute() else root_dir / raw))
        except (OSError, ValueError):
            return None
        text = self.ctx.read_text(path)
        return None if text is None else _Source(path, text)

    def callee(self, module: _Module, call: _Block) -> Path | None:
        """The parsed directory a `module` block's local `source` names, if any."""
        attr = call.attrs.get("source")
        if attr is None:
            return None
        source = _guarded(lambda: _known(_Eval(self, None, module.dir).eval(attr.expr)), attr.line, "source")
        if not isinstance(source, str) or not (source in (".", "..") or source.startswith(("./", "../"))):
            return None
        folder = Path(os.path.normpath(module.dir / source))
        return folder if folder in self.modules else None

    # -- tfvars

    def _tfvars_values(self, path: Path) -> dict[str, Any] | None:
        if path not in self._tfvars:
            self._tfvars[path] = self._read_tfvars(path)
        return self._tfvars[path]

    def _read_tfvars(self, path: Path) -> dict[str, Any] | None:
        text = self.ctx.read_text(path)
        if text is None:
            return None
        if path.name.lower().endswith(".json"):
            try:
                data = json.loads(text)
            except json.JSONDecodeError as exc:
                self.ctx.report("SRC002", f"JSON does not parse: {exc.msg}", path, exc.lineno)
                return None
            except RecursionError:
                self.ctx.report("SRC002", "JSON does not parse: nested too deeply", path)
                return None
            return data if isinstance(data, dict) else {}
        try:
            attrs, _ = _hcl_body(_parse_hcl(text).body, path)
        except _Invalid as exc:
            self.ctx.report("SRC002", f"HCL does not parse: {exc}", path, exc.line)
            return None
        except Exception as exc:  # as for .tf files: any text must be survivable
            reason, line = _parse_problem(exc)
            self.ctx.report("SRC002", f"HCL does not parse: {reason}", path, line)
            return None
        scope = _Eval(self, None, path.parent)

        def value(attr: _Attr) -> Any:
            return _guarded(lambda: scope.eval(attr.expr), attr.line, f"var.{attr.name}")

        return {name: value(attr) for name, attr in attrs.items()}

    def _assign_var_files(self, roots: list[_Module], tf_dirs: set[Path]) -> dict[Path, list[Path]]:
        """Each var-file goes to the nearest root(s) declaring a variable it sets (module docstring)."""
        out: dict[Path, list[Path]] = {}
        for path in self.tfvars_files:
            if _is_auto_tfvars(path) and path.parent in tf_dirs:
                continue  # Terraform loads it for its own directory
            text = self.ctx.read_text(path)
            if text is None:
                continue
            names = set(_TFVARS_NAME.findall(text))
            owners = [m for m in roots if names & set(m.variables)]
            if not owners:
                continue
            best = max(_shared_depth(path.parent, m.dir) for m in owners)
            for module in owners:
                if _shared_depth(path.parent, module.dir) == best:
                    out.setdefault(module.dir, []).append(path)
        return out

    def _root_values(self, module: _Module, var_files: list[Path]) -> dict[str, Any]:
        """Variable values for a root: auto-loaded tfvars, then the var-files (agreeing, or Unknown)."""
        values: dict[str, Any] = {}
        for path in _auto_tfvars(module.dir, self.tfvars_files):
            values.update(self._tfvars_values(path) or {})
        sets = [(path, self._tfvars_values(path) or {}) for path in var_files]
        for name in module.variables:
            given = [(path, found.get(name, _MISSING)) for path, found in sets]
            if not given:
                continue
            first = given[0][1]
            if all(value is not _MISSING and _same(value, first) for _, value in given):
                values[name] = first
            elif any(value is not _MISSING for _, value in given):
                names = " and ".join(display_path(p) for p, _ in given[:3])
                values[name] = Unknown(f"var.{name} (differs between {names})")
        return values

    # -- evaluation

    def _evaluate(self, instance: _Instance, stack: tuple[Path, ...]) -> list[TaskDefinitionDoc]:
        """The task definitions of one module instance, then those of the modules it calls."""
        by_name: dict[str, list[tuple[str, TaskDefinitionDoc]]] = {}
        for block in instance.module.resource_blocks("aws_ecs_task_definition"):
            for key, scope, _doubt in _instances(block, instance.base):
                doc = self._task_definition(instance, block, key, scope)
                if doc is not None:
                    by_name.setdefault(block.label(1), []).append((key, doc))
        self._link_services(instance, by_name)
        docs = [doc for entries in by_name.values() for _, doc in entries]
        for call in instance.module.calls:
            folder = self.callee(instance.module, call)
            if folder is None or folder in stack or len(stack) > _MAX_MODULE_DEPTH:
                continue
            for key, scope, _doubt in _instances(call, instance.base):
                name = f"module.{call.label(0)}"
                unset = f"no default, and {name} does not set it"
                prefix = f"{instance.prefix}{name}{key}."
                inputs = _call_inputs(call, scope)
                child = _Instance(self, self.modules[folder], prefix, inputs, instance.root_dir, unset)
                docs += self._evaluate(child, (*stack, folder))
        return docs

    def _task_definition(self, instance: _Instance, block: _Block, key: str, scope: _Eval) -> TaskDefinitionDoc | None:
        """The document, or None when its JSON does not parse (reported here as SRC002, not again as SRC003)."""
        attr = block.attrs.get("container_definitions")
        path = attr.path if attr else block.path
        line = attr.line if attr else block.line
        doc = TaskDefinitionDoc(
            containers=Unknown("container_definitions is not set", line),
            path=path,
            line=line,
            address=f"{instance.prefix}aws_ecs_task_definition.{block.label(1)}{key}",
            text=instance.module.texts.get(path),
        )

        def fill() -> bool:
            doc.family = _family(scope, block.attrs.get("family"))
            return attr is None or self._fill_containers(doc, scope.eval(attr.expr))

        filled = _guarded(fill, line, "container_definitions")
        if isinstance(filled, Unknown):
            doc.containers = filled
        return None if filled is False else doc

    def _fill_containers(self, doc: TaskDefinitionDoc, value: Any) -> bool:
        """Decode the container definitions into `doc`, moving it to the file they came from.

        False after reporting JSON text (fully known) that does not parse.
        """
        source = value.source if isinstance(value, (_FileText, _Partial)) else None
        if source is not None:
            doc.path, doc.text = source.path, source.text
            doc.line = next((i for i, ln in enumerate(source.text.splitlines(), 1) if ln.strip()), 1)
        if isinstance(value, (str, _Partial)):
            try:
                value = _decode(value)
            except ValueError as exc:
                if isinstance(value, _Partial):
                    value = Unknown(f"container_definitions with unknown parts is not valid JSON ({exc})", doc.line)
                else:
                    line = getattr(exc, "lineno", None) if source else doc.line
                    self.ctx.report("SRC002", f"JSON in container_definitions does not parse: {exc}", doc.path, line)
                    return False
        if not isinstance(value, (list, Unknown)):
            value = Unknown("container_definitions is not a JSON list", doc.line)
        doc.containers = _finish(value)
        return True

    def _link_services(self, instance: _Instance, by_name: dict[str, list[tuple[str, TaskDefinitionDoc]]]) -> None:
        """replicas = the desired counts of the services (in this instance) that run each task definition."""
        counts: dict[int, list[int | Unknown]] = {}
        docs = {id(doc): doc for entries in by_name.values() for _, doc in entries}
        for block in instance.module.resource_blocks("aws_ecs_service"):
            attr = block.attrs.get("task_definition")
            if attr is None:
                continue
            for _key, scope, doubt in _instances(block, instance.base):
                for doc_id, count in _service_counts(block, attr, scope, doubt, by_name):
                    counts.setdefault(doc_id, []).append(count)
        for doc_id, found in counts.items():
            unknown = next((c for c in found if isinstance(c, Unknown)), None)
            docs[doc_id].replicas = unknown or sum(c for c in found if isinstance(c, int))


def _service_counts(
    block: _Block, attr: _Attr, scope: _Eval, doubt: Unknown | None, by_name: dict[str, list[tuple[str, Any]]]
) -> list[tuple[int, int | Unknown]]:
    """(doc id, desired count) for each task definition one service instance runs."""
    refs = _guarded(lambda: _referenced_docs(attr.expr, scope, by_name), attr.line, "task_definition")
    if not isinstance(refs, list):
        return []
    desired: int | Unknown = doubt if doubt is not None else _desired_guarded(block, scope)
    return [(doc_id, desired if certain else _which(desired, attr)) for doc_id, certain in refs]


def _desired_guarded(block: _Block, scope: _Eval) -> int | Unknown:
    return _guarded(lambda: _desired_count(block, scope), block.line, "desired_count")


def _which(desired: int | Unknown, attr: _Attr) -> Unknown:
    if isinstance(desired, Unknown):
        return desired
    return Unknown("which task definition the service runs depends on an unknown index", attr.line)


def _lookup_input(values: dict[str, Any]) -> Callable[[str], Any]:
    return lambda name: values.get(name, _MISSING)


def _call_inputs(call: _Block, scope: _Eval) -> Callable[[str], Any]:
    """A module's variable values: the call's arguments, evaluated in the caller when first needed."""

    def value(name: str) -> Any:
        attr = call.attrs.get(name)
        if attr is None or name in _META_ARGS:
            return _MISSING
        return scope.eval(attr.expr)

    return value


def _relevant(by_dir: dict[Path, list[Path]], texts: dict[Path, str]) -> set[Path]:
    """Directories worth parsing: those mentioning ECS resources, and their callers (transitively)."""
    hits = {d for d, files in by_dir.items() if any(_SNIFF.search(texts[f]) for f in files)}
    callers: dict[Path, set[Path]] = {}
    for folder, files in by_dir.items():
        for path in files:
            if "source" not in texts[path]:
                continue
            for match in _LOCAL_SOURCE.finditer(texts[path]):
                callee = Path(os.path.normpath(folder / match.group(1)))
                callers.setdefault(callee, set()).add(folder)
    relevant, todo = set(hits), list(hits)
    while todo:
        for caller in callers.get(todo.pop(), ()):
            if caller in by_dir and caller not in relevant:
                relevant.add(caller)
                todo.append(caller)
    return relevant


def _is_auto_tfvars(path: Path) -> bool:
    name = path.name
    return name in ("terraform.tfvars", "terraform.tfvars.json") or name.endswith((".auto.tfvars", ".auto.tfvars.json"))


def _auto_tfvars(folder: Path, tfvars: list[Path]) -> list[Path]:
    """The files Terraform loads by itself, in its order of precedence (lowest first)."""
    mine = [p for p in tfvars if p.parent == folder and _is_auto_tfvars(p)]
    order = {"terraform.tfvars": 0, "terraform.tfvars.json": 1}
    return sorted(mine, key=lambda p: (order.get(p.name, 2), p.name))


def _shared_depth(a: Path, b: Path) -> int:
    try:
        return len(Path(os.path.commonpath([a, b])).parts)
    except ValueError:
        return 0


def _instances(block: _Block, scope: _Eval) -> list[tuple[str, _Eval, Unknown | None]]:
    """(address key, scope with each/count bound, doubt) for each instance a count/for_each makes.

    An unknown count/for_each gives one instance whose each/count are unknown, and a doubt.
    """
    count, for_each = block.attrs.get("count"), block.attrs.get("for_each")
    if count is None and for_each is None:
        return [("", scope, None)]
    attr = count if count is not None else for_each
    assert attr is not None
    items = _guarded(lambda: _expansion(_known(scope.eval(attr.expr)), count is not None), attr.line, attr.name)
    if isinstance(items, Unknown):
        doubt = Unknown(f"{attr.name} depends on {items.reason}", attr.line)
        name = "count" if count is not None else "each"
        return [("", scope.bound({name: doubt}), doubt)]
    if count is not None:
        return [(f"[{i}]", scope.bound({"count": {"index": i}}), None) for i in items]
    return [(f"[{json.dumps(k)}]", scope.bound({"each": {"key": k, "value": v}}), None) for k, v in items]


def _expansion(value: Any, is_count: bool) -> Any:
    """The indexes (count) or key/value pairs (for_each) of a known value; Unknown otherwise."""
    if isinstance(value, Unknown):
        return value
    if is_count:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            return _Failure("count is not a whole number")
        if value > _MAX_INSTANCES:
            return Unknown(f"count of {value}, more than envcheck expands")
        return list(range(int(value)))
    if isinstance(value, dict):
        pairs = [(k, value[k]) for k in sorted(value)]
    elif isinstance(value, list) and all(isinstance(v, str) for v in value):
        pairs = [(v, v) for v in sorted(set(value))]
    else:
        return _Failure("for_each is not a map or a set of strings")
    if len(pairs) > _MAX_INSTANCES:
        return Unknown(f"for_each of {len(pairs)} items, more than envcheck expands")
    return pairs


def _family(scope: _Eval, attr: _Attr | None) -> str | Unknown | None:
    if attr is None:
        return None
    value = _known(scope.eval(attr.expr))
    if isinstance(value, Unknown) or value is None:
        return value
    return _text(value) if isinstance(value, (str, int, float)) else Unknown("family is not a string", attr.line)


def _desired_count(block: _Block, scope: _Eval) -> int | Unknown:
    """A service's desired_count; the provider's default is 0."""
    if _ignores_desired_count(block):
        return Unknown("desired_count is changed outside Terraform (lifecycle ignore_changes)", block.line)
    strategy = block.attrs.get("scheduling_strategy")
    if strategy is not None and _known(scope.eval(strategy.expr)) == "DAEMON":
        return Unknown("a DAEMON service runs one task per container instance", strategy.line)
    attr = block.attrs.get("desired_count")
    if attr is None:
        return 0
    value = _known(scope.eval(attr.expr))
    if isinstance(value, Unknown):
        return value
    try:
        number = _number(value)
    except (TypeError, ValueError):
        return Unknown("desired_count is not a number", attr.line)
    return int(number) if float(number).is_integer() else Unknown("desired_count is not a whole number", attr.line)


def _ignores_desired_count(block: _Block) -> bool:
    for lifecycle in (b for b in block.blocks if b.kind == "lifecycle"):
        attr = lifecycle.attrs.get("ignore_changes")
        if attr is not None and {"desired_count", "all"} & _names_in(attr.expr):
            return True
    return False


def _names_in(expr: Any) -> set[str]:
    """Identifier names (HCL) or strings (JSON) anywhere in an expression."""
    if isinstance(expr, _Json):
        value = expr.value
        items = value if isinstance(value, list) else [value]
        return {str(v) for v in items if isinstance(v, str)}
    return {_name(node) for node in _walk(expr) if _kind(node) == "IdentifierRule"}


def _walk(node: Any) -> Iterator[Any]:
    stack = [node]
    while stack:
        item = stack.pop()
        yield item
        stack.extend(c for c in getattr(item, "children", None) or [] if c is not None and hasattr(c, "children"))


_TASKDEF_REF = re.compile(r"aws_ecs_task_definition\.([A-Za-z_][\w-]*)")


def _referenced_docs(
    expr: Any, scope: _Eval, by_name: dict[str, list[tuple[str, TaskDefinitionDoc]]]
) -> list[tuple[int, bool]]:
    """(doc id, certain) for each task definition a service's `task_definition` refers to."""
    refs: list[tuple[str, Any]] = []  # (resource name, key, or None when any instance may be meant)
    if isinstance(expr, _Json):
        text = expr.value if isinstance(expr.value, str) else ""
        refs = [(name, "") for name in _TASKDEF_REF.findall(text)]
    else:
        for node in _walk(expr):
            if _kind(node) not in ("GetAttrExprTermRule", "IndexExprTermRule"):
                continue
            flat = _flatten(node)
            if flat and flat[0] == "aws_ecs_task_definition" and flat[1] and flat[1][0][0] == "attr":
                refs.append((flat[1][0][1], _ref_key(flat[1][1:], scope)))
    out: list[tuple[int, bool]] = []
    for name, key in dict.fromkeys(refs):
        for doc_key, doc in by_name.get(name, []):
            if key is None or key == doc_key or (key == "" and len(by_name[name]) == 1):
                entry = (id(doc), key is not None)
                if entry not in out:
                    out.append(entry)
    return out


def _ref_key(steps: list[Step], scope: _Eval) -> str | None:
    """The `[key]` of `aws_ecs_task_definition.x[key]` as an address suffix; None when unknown."""
    if not steps or steps[0][0] == "attr":
        return ""
    kind, step = steps[0]
    key = step if kind == "const" else _known(scope.eval(step))
    if isinstance(key, bool) or not isinstance(key, (str, int)):
        return None
    return f"[{json.dumps(key)}]"
