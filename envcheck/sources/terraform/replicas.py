"""replicas: how many tasks of each task definition run, from the `aws_ecs_service`s that reference it.

The sum of `desired_count` over the services of the same module instance; DAEMON services and
`ignore_changes` on desired_count make it Unknown; a service without desired_count has the provider's 0.
"""

from __future__ import annotations

import json
import re
from typing import Any

from envcheck.sources.taskdef import TaskDefinitionDoc
from envcheck.sources.terraform.blocks import Attr, Block, JsonValue
from envcheck.sources.terraform.budget import guarded
from envcheck.sources.terraform.evaluate import Evaluator
from envcheck.sources.terraform.hcl import Step, flatten_traversal, node_kind, node_name, walk_nodes
from envcheck.sources.terraform.instances import ModuleInstance, instances_of
from envcheck.sources.terraform.values import as_number, known
from envcheck.values import Unknown

TaskDefsByName = dict[str, list[tuple[str, TaskDefinitionDoc]]]  # resource name -> (address key, document)


def link_services(instance: ModuleInstance, by_name: TaskDefsByName) -> None:
    """replicas = the desired counts of the services (in this instance) that run each task definition."""
    counts: dict[int, list[int | Unknown]] = {}
    docs = {id(doc): doc for entries in by_name.values() for _, doc in entries}
    for block in instance.module.resource_blocks("aws_ecs_service"):
        attr = block.attrs.get("task_definition")
        if attr is None:
            continue
        for _key, scope, doubt in instances_of(block, instance.base):
            for doc_id, count in _service_counts(block, attr, scope, doubt, by_name):
                counts.setdefault(doc_id, []).append(count)
    for doc_id, found in counts.items():
        unknown = next((c for c in found if isinstance(c, Unknown)), None)
        docs[doc_id].replicas = unknown or sum(c for c in found if isinstance(c, int))


def _service_counts(
    block: Block, attr: Attr, scope: Evaluator, doubt: Unknown | None, by_name: TaskDefsByName
) -> list[tuple[int, int | Unknown]]:
    """(doc id, desired count) for each task definition one service instance runs."""
    refs = guarded(lambda: _referenced_docs(attr.expr, scope, by_name), attr.line, "task_definition")
    if not isinstance(refs, list):
        return []
    desired = doubt if doubt is not None else guarded(lambda: _desired_count(block, scope), block.line, "desired_count")
    return [(doc_id, desired if certain else _which(desired, attr)) for doc_id, certain in refs]


def _which(desired: int | Unknown, attr: Attr) -> Unknown:
    """The count of a service that runs one of several task definitions, not known which."""
    if isinstance(desired, Unknown):
        return desired
    return Unknown("which task definition the service runs depends on an unknown index", attr.line)


def _desired_count(block: Block, scope: Evaluator) -> int | Unknown:
    """A service's desired_count; the provider's default is 0."""
    if _ignores_desired_count(block):
        return Unknown("desired_count is changed outside Terraform (lifecycle ignore_changes)", block.line)
    strategy = block.attrs.get("scheduling_strategy")
    if strategy is not None and known(scope.eval(strategy.expr)) == "DAEMON":
        return Unknown("a DAEMON service runs one task per container instance", strategy.line)
    attr = block.attrs.get("desired_count")
    if attr is None:
        return 0
    value = known(scope.eval(attr.expr))
    if isinstance(value, Unknown):
        return value
    try:
        number = as_number(value)
    except (TypeError, ValueError):
        return Unknown("desired_count is not a number", attr.line)
    return int(number) if float(number).is_integer() else Unknown("desired_count is not a whole number", attr.line)


def _ignores_desired_count(block: Block) -> bool:
    """`lifecycle { ignore_changes = [desired_count] }`: autoscaling owns the count, not the file."""
    for lifecycle in (b for b in block.blocks if b.kind == "lifecycle"):
        attr = lifecycle.attrs.get("ignore_changes")
        if attr is not None and {"desired_count", "all"} & _names_in(attr.expr):
            return True
    return False


def _names_in(expr: Any) -> set[str]:
    """Identifier names (HCL) or strings (JSON) anywhere in an expression."""
    if isinstance(expr, JsonValue):
        value = expr.value
        items = value if isinstance(value, list) else [value]
        return {str(v) for v in items if isinstance(v, str)}
    return {node_name(node) for node in walk_nodes(expr) if node_kind(node) == "IdentifierRule"}


_TASKDEF_REF = re.compile(r"aws_ecs_task_definition\.([A-Za-z_][\w-]*)")


def _referenced_docs(expr: Any, scope: Evaluator, by_name: TaskDefsByName) -> list[tuple[int, bool]]:
    """(doc id, certain) for each task definition a service's `task_definition` refers to."""
    refs: list[tuple[str, Any]] = []  # (resource name, key, or None when any instance may be meant)
    if isinstance(expr, JsonValue):
        text = expr.value if isinstance(expr.value, str) else ""
        refs = [(name, "") for name in _TASKDEF_REF.findall(text)]
    else:
        for node in walk_nodes(expr):
            if node_kind(node) not in ("GetAttrExprTermRule", "IndexExprTermRule"):
                continue
            flat = flatten_traversal(node)
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


def _ref_key(steps: list[Step], scope: Evaluator) -> str | None:
    """The `[key]` of `aws_ecs_task_definition.x[key]` as an address suffix; None when unknown."""
    if not steps or steps[0][0] == "attr":
        return ""
    kind, step = steps[0]
    key = step if kind == "const" else known(scope.eval(step))
    if isinstance(key, bool) or not isinstance(key, (str, int)):
        return None
    return f"[{json.dumps(key)}]"
