"""One `aws_ecs_task_definition` block (one instance of it) to the TaskDefinitionDoc the rules check.

The container definitions are decoded from JSON with holes, so the known parts are checked even when
some values are Unknown; the document moves to the file they were read from by file()/templatefile().
"""

from __future__ import annotations

from typing import Any

from envcheck.fs import ScanContext
from envcheck.sources.taskdef import TaskDefinitionDoc
from envcheck.sources.terraform.blocks import Attr, Block
from envcheck.sources.terraform.budget import guarded
from envcheck.sources.terraform.evaluate import Evaluator
from envcheck.sources.terraform.instances import ModuleInstance
from envcheck.sources.terraform.json_with_holes import json_decode
from envcheck.sources.terraform.values import FileText, Partial, as_text, known, plain
from envcheck.values import Unknown


def task_definition(
    ctx: ScanContext, instance: ModuleInstance, block: Block, key: str, scope: Evaluator
) -> TaskDefinitionDoc | None:
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
        return attr is None or _fill_containers(ctx, doc, scope.eval(attr.expr))

    filled = guarded(fill, line, "container_definitions")
    if isinstance(filled, Unknown):
        doc.containers = filled
    return None if filled is False else doc


def _fill_containers(ctx: ScanContext, doc: TaskDefinitionDoc, value: Any) -> bool:
    """Decode the container definitions into `doc`, moving it to the file they came from.

    False after reporting JSON text (fully known) that does not parse.
    """
    source = value.source if isinstance(value, (FileText, Partial)) else None
    if source is not None:
        doc.path, doc.text = source.path, source.text
        doc.line = next((i for i, ln in enumerate(source.text.splitlines(), 1) if ln.strip()), 1)
    if isinstance(value, (str, Partial)):
        try:
            value = json_decode(value)
        except ValueError as exc:
            if isinstance(value, Partial):
                value = Unknown(f"container_definitions with unknown parts is not valid JSON ({exc})", doc.line)
            else:
                line = getattr(exc, "lineno", None) if source else doc.line
                ctx.report("SRC002", f"JSON in container_definitions does not parse: {exc}", doc.path, line)
                return False
    if not isinstance(value, (list, Unknown)):
        value = Unknown("container_definitions is not a JSON list", doc.line)
    doc.containers = plain(value)
    return True


def _family(scope: Evaluator, attr: Attr | None) -> str | Unknown | None:
    if attr is None:
        return None
    value = known(scope.eval(attr.expr))
    if isinstance(value, Unknown) or value is None:
        return value
    return as_text(value) if isinstance(value, (str, int, float)) else Unknown("family is not a string", attr.line)
