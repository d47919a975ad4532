"""python-hcl2 access: parsing, the grammar cache, and helpers over its typed tree; the only importer of hcl2.

python-hcl2 is imported lazily (start-up time matters). Its lark grammar cache normally lives in the
package folder; here the same grammar is built with the cache in `$XDG_CACHE_HOME/envcheck` (or
`~/.cache/envcheck`), seeded from the package's copy when there is one, so a read-only install is
not rebuilt (2 s) on every run. Lark checks a hash of grammar, options and versions before trusting
a cache file.
"""

from __future__ import annotations

import functools
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any


def parse_hcl(text: str) -> Any:
    """The typed tree (hcl2.StartRule) of HCL text; raises what lark and hcl2 raise."""
    import hcl2

    return hcl2.transform(_parser().parse(text + "\n"), discard_comments=True)


def parse_problem(exc: BaseException) -> tuple[str, int | None]:
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


@functools.lru_cache(maxsize=1)
def _parser() -> Any:
    """hcl2's grammar and options (as in hcl2.parser.parser), with the cache moved (module docstring).

    Lark checks a hash of grammar, options and version before it trusts a cache file; if building
    the parser this way fails (a future hcl2), hcl2's own parser is used.
    """
    import hcl2.parser
    from hcl2.postlexer import PostLexer
    from lark import Lark

    cache = grammar_cache_file()
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


def grammar_cache_file() -> Path | None:
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


def node_line(node: Any) -> int | None:
    """The 1-based line a typed hcl2 node starts on. hcl2 keeps it in the private `_meta`: only here."""
    line = getattr(getattr(node, "_meta", None), "line", None)
    return line if isinstance(line, int) else None


def node_kind(node: Any) -> str:
    return type(node).__name__


def rule_name(node: Any) -> str:
    """The grammar's name for a node or token (`STRING_CHARS`, `interpolation`, ...), "" when it has none."""
    return str(node.lark_name()) if hasattr(node, "lark_name") else ""


def node_name(node: Any) -> str:
    """The text of an identifier-like node (identifier, keyword, true/false/null)."""
    token = getattr(node, "token", None)
    return str(getattr(token, "value", "")) if token is not None else ""


Step = tuple[str, Any]  # ("attr", name) | ("index", node) | ("const", int)


def flatten_traversal(node: Any) -> tuple[str, list[Step]] | None:
    """`a.b[0].c` as ("a", steps) when the chain starts at a name; None when it starts at a value."""
    steps: list[Step] = []
    while True:
        kind = node_kind(node)
        if kind == "ExprTermRule":
            node = node.expression
        elif kind == "GetAttrExprTermRule":
            steps.append(("attr", node_name(node.get_attr.identifier)))
            node = node.expr_term
        elif kind == "IndexExprTermRule":
            steps.append(index_step(node.children[1]))
            node = node.children[0]
        elif kind == "IdentifierRule":
            return node_name(node), steps[::-1]
        else:
            return None


def index_step(index: Any) -> Step:
    if node_kind(index) == "ShortIndexRule":
        return ("const", int(index.index.value))
    return ("index", index.index_expression)


def splat_step(step: Any) -> Step:
    if node_kind(step) == "GetAttrRule":
        return ("attr", node_name(step.identifier))
    return index_step(step)


def walk_nodes(node: Any) -> Iterator[Any]:
    """`node` and every node below it: to find names and references without evaluating anything."""
    stack = [node]
    while stack:
        item = stack.pop()
        yield item
        stack.extend(c for c in getattr(item, "children", None) or [] if c is not None and hasattr(c, "children"))
