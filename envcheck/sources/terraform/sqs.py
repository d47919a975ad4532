"""`aws_sqs_queue` resources: for sqs the queue's visibility timeout plays retry_after's role (QUE002)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from envcheck.sources.terraform.blocks import Block
from envcheck.sources.terraform.budget import guarded
from envcheck.sources.terraform.evaluate import Evaluator
from envcheck.sources.terraform.instances import ModuleInstance, instances_of
from envcheck.sources.terraform.values import as_number, known
from envcheck.values import Unknown

SQS_DEFAULT_VISIBILITY_TIMEOUT = 30  # seconds, when the resource does not set it (AWS and the provider agree)


@dataclass(frozen=True)
class SqsQueue:
    name: str | None  # None when it cannot be known (name_prefix, an unknown variable)
    visibility_timeout: int | None  # None when it cannot be known
    path: Path
    line: int | None


def sqs_queues(instance: ModuleInstance) -> list[SqsQueue]:
    """Every queue one module instance declares, with what can be known of its name and timeout."""
    out = []
    for block in instance.module.resource_blocks("aws_sqs_queue"):
        for _key, scope, _doubt in instances_of(block, instance.base):
            out.append(SqsQueue(_name(block, scope), _timeout(block, scope), block.path, block.line))
    return out


def _value(block: Block, scope: Evaluator, name: str) -> Any:
    attr = block.attrs.get(name)
    if attr is None:
        return None
    return guarded(lambda: known(scope.eval(attr.expr)), attr.line, name)


def _name(block: Block, scope: Evaluator) -> str | None:
    value = _value(block, scope, "name")
    return value if isinstance(value, str) else None


def _timeout(block: Block, scope: Evaluator) -> int | None:
    value = _value(block, scope, "visibility_timeout_seconds")
    if value is None:
        return SQS_DEFAULT_VISIBILITY_TIMEOUT
    if isinstance(value, Unknown):
        return None
    try:
        number = as_number(value)
    except (TypeError, ValueError):
        return None
    return int(number) if float(number).is_integer() else None
