"""Terraform configuration as blocks and arguments, read from HCL trees and from .tf.json files.

Expressions stay unevaluated here (hcl2 nodes, or `JsonValue`s); the evaluator reads them per module instance.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from envcheck.fs import ScanContext
from envcheck.sources.terraform.hcl import node_kind, node_line, node_name, parse_hcl, parse_problem, rule_name
from envcheck.sources.terraform.prune import prune
from envcheck.sources.terraform.templates import unescape

_T = TypeVar("_T")


class Invalid(Exception):
    """A structure Terraform rejects though the grammar accepts it."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.line = line


@dataclass
class JsonValue:
    """A value from a .tf.json file: its strings are templates unless `literal`."""

    value: Any
    line: int | None
    literal: bool = False


@dataclass
class Attr:
    """An argument (`name = expr`); `path` and `line` say where findings about it point."""

    name: str
    expr: Any  # a typed hcl2 node or a JsonValue
    line: int | None
    path: Path


@dataclass
class Block:
    """A block (`resource "aws_ecs_service" "web" { ... }`): kind, labels, arguments, nested blocks."""

    kind: str
    labels: list[str]
    attrs: dict[str, Attr]
    blocks: list[Block]
    line: int | None
    path: Path

    def label(self, index: int) -> str:
        return self.labels[index] if len(self.labels) > index else ""


@dataclass
class Module:
    """One directory of .tf files, as blocks."""

    dir: Path
    texts: dict[Path, str] = field(default_factory=dict)
    variables: dict[str, Block] = field(default_factory=dict)
    locals: dict[str, Attr] = field(default_factory=dict)
    resources: list[Block] = field(default_factory=list)
    calls: list[Block] = field(default_factory=list)

    def resource_blocks(self, kind: str) -> list[Block]:
        return [b for b in self.resources if b.label(0) == kind]

    def add(self, blocks: list[Block], override: bool) -> None:
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
    def _put(table: dict[str, Block], block: Block, override: bool) -> None:
        name = block.labels[0]
        if name in table and override:
            _merge_override(table[name], block)
        elif name not in table:
            table[name] = block

    @staticmethod
    def _append(items: list[Block], block: Block, override: bool) -> None:
        same = next((b for b in items if b.labels == block.labels), None)
        if same is not None and override:
            _merge_override(same, block)
        elif same is None:
            items.append(block)


def _merge_override(base: Block, over: Block) -> None:
    """Arguments replace arguments; nested blocks of a kind the override has replace all of that kind."""
    base.attrs.update(over.attrs)
    kinds = {b.kind for b in over.blocks}
    base.blocks = [b for b in base.blocks if b.kind not in kinds] + over.blocks


# python-hcl2 parses ~15 KB a second: past this much text left after pruning, a file is refused
# (SRC001) rather than stall a pre-commit hook. Real task-definition files are a few KB.
MAX_PARSED_HCL = 256 * 1024


def is_override(path: Path) -> bool:
    """`override.tf`, `*_override.tf` (and .tf.json): merged over the other files of the directory."""
    stem = path.name.removesuffix(".json").removesuffix(".tf")
    return stem == "override" or stem.endswith("_override")


def read_blocks(ctx: ScanContext, path: Path, text: str) -> list[Block] | None:
    """The blocks of a .tf or .tf.json file, or None after an SRC002 finding."""
    if path.name.lower().endswith(".json"):
        return parsed_or_reported(ctx, path, "JSON", lambda: json_blocks(json.loads(text), path, text))
    relevant = prune(text)
    size = len(relevant) - sum(map(relevant.count, " \n\t\r"))
    if size > MAX_PARSED_HCL:
        ctx.report(
            "SRC001",
            f"{size // 1024} KB of ECS-related HCL, over the parse cap ({MAX_PARSED_HCL // 1024} KB): "
            "python-hcl2 would take minutes",
            path,
        )
        return None
    return parsed_or_reported(ctx, path, "HCL", lambda: hcl_blocks(parse_hcl(relevant), path))


def parsed_or_reported(ctx: ScanContext, path: Path, syntax: str, parse: Callable[[], _T]) -> _T | None:
    """`parse()`, or None after an SRC002 finding that says why the `syntax` ("HCL"/"JSON") does not parse."""
    try:
        return parse()
    except json.JSONDecodeError as exc:
        ctx.report("SRC002", f"JSON does not parse: {exc.msg}", path, exc.lineno)
    except Invalid as exc:
        ctx.report("SRC002", f"{syntax} does not parse: {exc}", path, exc.line)
    except Exception as exc:  # lark errors, RecursionError, hcl2's RuntimeErrors: any text must be survivable
        reason, line = parse_problem(exc)
        ctx.report("SRC002", f"{syntax} does not parse: {reason}", path, line)
    return None


def hcl_blocks(tree: Any, path: Path) -> list[Block]:
    """Top-level blocks of a parsed .tf file (top-level arguments are not Terraform and are skipped)."""
    return [_hcl_block(child, path) for child in tree.body.children if node_kind(child) == "BlockRule"]


def _hcl_block(node: Any, path: Path) -> Block:
    labels = [_label_text(label) for label in node.labels]
    attrs, blocks = hcl_body(node.body, path)
    return Block(labels[0], labels[1:], attrs, blocks, node_line(node), path)


def hcl_body(body: Any, path: Path) -> tuple[dict[str, Attr], list[Block]]:
    """Arguments and nested blocks; names used twice are errors in Terraform, so they are here."""
    attrs: dict[str, Attr] = {}
    blocks: list[Block] = []
    for child in body.children:
        if node_kind(child) == "AttributeRule":
            name = node_name(child.identifier)
            if name in attrs:
                raise Invalid(f'the argument "{name}" is set twice', node_line(child))
            attrs[name] = Attr(name, child.expression, node_line(child), path)
        elif node_kind(child) == "BlockRule":
            blocks.append(_hcl_block(child, path))
    for block in blocks:
        if block.kind in attrs:
            raise Invalid(f'"{block.kind}" is both an argument and a block', block.line)
    return attrs, blocks


def _label_text(node: Any) -> str:
    if node_kind(node) == "StringRule":
        return "".join(unescape(str(part.content.value)) for part in node.string_parts if _is_chars(part))
    return node_name(node)


def _is_chars(part: Any) -> bool:
    return rule_name(getattr(part, "content", None)) == "STRING_CHARS"


_JSON_LABELS = {"resource": 2, "data": 2, "module": 1, "variable": 1, "output": 1, "locals": 0}
_JSON_NESTED = {"lifecycle"}


def json_blocks(data: Any, path: Path, text: str) -> list[Block]:
    """Blocks of a .tf.json file (Terraform's JSON syntax)."""
    if not isinstance(data, dict):
        raise Invalid("the top level is not a JSON object", 1)
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


def _json_block(kind: str, labels: list[str], body: dict[str, Any], path: Path, text: str, line: int) -> Block:
    attrs: dict[str, Attr] = {}
    blocks: list[Block] = []
    for key, value in body.items():
        if key == "//":
            continue
        at = _json_line(text, key, line)
        if key in _JSON_NESTED and kind == "resource":
            blocks.extend(_json_block(key, [], item, path, text, at) for item in _dicts(value))
        else:
            literal = kind == "variable" and key == "default"  # Terraform reads defaults literally
            attrs[key] = Attr(key, JsonValue(value, at, literal), at, path)
    return Block(kind, labels, attrs, blocks, line, path)


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
