"""Module instances: one evaluation of a directory per root, module call and count/for_each instance.

An instance holds its variables (tfvars, or the calling module's arguments), memoises its locals and
says where its resources live (`module.app["eu"].`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from envcheck.sources.terraform.blocks import Attr, Block, JsonValue, Module
from envcheck.sources.terraform.budget import guarded
from envcheck.sources.terraform.evaluate import Evaluator, Workspace
from envcheck.sources.terraform.hcl import node_name
from envcheck.sources.terraform.values import MISSING, Failure, as_number, as_text, brief, known
from envcheck.values import Unknown

_MAX_INSTANCES = 100  # count/for_each expansions beyond this are evaluated once, with each/count unknown
_META_ARGS = frozenset({"source", "version", "count", "for_each", "providers", "depends_on"})


class ModuleInstance:
    """One evaluation of a module directory: its variable values, locals, and address prefix."""

    def __init__(
        self,
        workspace: Workspace,
        module: Module,
        prefix: str,
        inputs: Callable[[str], Any],
        root_dir: Path,
        unset: str,
    ) -> None:
        self.module = module
        self.prefix = prefix
        self.inputs = inputs
        self.root_dir = root_dir
        self.unset = unset  # why a variable without a value has none, for the Unknown's reason
        self._values: dict[str, Any] = {}
        self._busy: set[str] = set()
        self.base = Evaluator(workspace, self, root_dir)

    def var(self, name: str) -> Any:
        return self._memo(f"var.{name}", lambda: self._variable(name))

    def local(self, name: str) -> Any:
        attr = self.module.locals.get(name)
        if attr is None:
            return Failure(f"local.{name} is not defined")
        return self._memo(f"local.{name}", lambda: self.base.eval(attr.expr))

    def _memo(self, key: str, compute: Callable[[], Any]) -> Any:
        if key in self._values:
            return self._values[key]
        if key in self._busy:
            return Failure(f"{key} refers to itself")
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
            return Failure(f"var.{name} (not declared)")
        value = self.inputs(name)
        if value is MISSING:
            default = block.attrs.get("default")
            if default is None:
                return Unknown(f"var.{name} ({self.unset})")
            value = self.base.eval(default.expr)
        return _coerce(value, block.attrs.get("type"))


def _coerce(value: Any, type_attr: Attr | None) -> Any:
    """The conversions Terraform makes for primitive variable types ("2" for a number, 2 for a string)."""
    if type_attr is None or isinstance(value, Unknown) or value is None:
        return value
    expr = type_attr.expr
    kind = expr.value if isinstance(expr, JsonValue) else node_name(getattr(expr, "expression", expr))
    try:
        if kind == "number" and isinstance(value, str):
            return as_number(value)
        if kind == "string" and isinstance(value, (bool, int, float)):
            return as_text(value)
        if kind == "bool" and value in ("true", "false"):
            return value == "true"
    except (TypeError, ValueError):
        return Failure(f"{brief(value)} is not a {kind}")
    return value


def instances_of(block: Block, scope: Evaluator) -> list[tuple[str, Evaluator, Unknown | None]]:
    """(address key, scope with each/count bound, doubt) for each instance a count/for_each makes.

    An unknown count/for_each gives one instance whose each/count are unknown, and a doubt.
    """
    count, for_each = block.attrs.get("count"), block.attrs.get("for_each")
    if count is None and for_each is None:
        return [("", scope, None)]
    attr = count if count is not None else for_each
    assert attr is not None
    items = guarded(lambda: _expansion(known(scope.eval(attr.expr)), count is not None), attr.line, attr.name)
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
            return Failure("count is not a whole number")
        if value > _MAX_INSTANCES:
            return Unknown(f"count of {value}, more than envcheck expands")
        return list(range(int(value)))
    if isinstance(value, dict):
        pairs = [(k, value[k]) for k in sorted(value)]
    elif isinstance(value, list) and all(isinstance(v, str) for v in value):
        pairs = [(v, v) for v in sorted(set(value))]
    else:
        return Failure("for_each is not a map or a set of strings")
    if len(pairs) > _MAX_INSTANCES:
        return Unknown(f"for_each of {len(pairs)} items, more than envcheck expands")
    return pairs


def root_inputs(values: dict[str, Any]) -> Callable[[str], Any]:
    """A root module's variable values: those the tfvars set (the rest are MISSING: defaults, or Unknown)."""
    return lambda name: values.get(name, MISSING)


def call_inputs(call: Block, scope: Evaluator) -> Callable[[str], Any]:
    """A module's variable values: the call's arguments, evaluated in the caller when first needed."""

    def value(name: str) -> Any:
        attr = call.attrs.get(name)
        if attr is None or name in _META_ARGS:
            return MISSING
        return scope.eval(attr.expr)

    return value
