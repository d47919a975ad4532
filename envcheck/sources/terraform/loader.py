"""The loader: reads and sniffs the .tf files, parses the directories that matter, evaluates each root.

Only directories whose raw text mentions `aws_ecs_task_definition`/`aws_ecs_service` are parsed,
plus the directories that call those as local modules (transitively): parsing costs ~7 ms/KB, and a
module with no ECS resources is never parsed (its outputs are Unknown anyway). A directory called
through `module "x" { source = "./..." }` is evaluated once per call (and per count/for_each
instance) with the call's arguments, addressed `module.x.`, and not also on its own; a directory
nobody calls is a root and gets tfvars values.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from envcheck.fs import ScanContext
from envcheck.sources.taskdef import TaskDefinitionDoc
from envcheck.sources.terraform.blocks import Block, Module, is_override, read_blocks
from envcheck.sources.terraform.budget import guarded
from envcheck.sources.terraform.evaluate import Evaluator
from envcheck.sources.terraform.hcl import parse_hcl
from envcheck.sources.terraform.instances import ModuleInstance, call_inputs, instances_of, root_inputs
from envcheck.sources.terraform.replicas import TaskDefsByName, link_services
from envcheck.sources.terraform.sqs import SqsQueue, sqs_queues
from envcheck.sources.terraform.task_definitions import task_definition
from envcheck.sources.terraform.tfvars import Tfvars
from envcheck.sources.terraform.values import SourceFile, known

_SNIFF = re.compile(r"aws_ecs_(?:task_definition|service)\b|aws_sqs_queue\b")
_LOCAL_SOURCE = re.compile(r"""["']?\bsource["']?\s*[=:]\s*"(\.{1,2}(?:/[^"]*)?)\"""")
_MAX_MODULE_DEPTH = 8


def load_terraform(tf_files: list[Path], tfvars_files: list[Path], ctx: ScanContext) -> list[TaskDefinitionDoc]:
    """One document per `aws_ecs_task_definition` (per module call and count/for_each instance)."""
    if not tf_files:
        return []
    try:
        return Loader(tf_files, tfvars_files, ctx).run()
    except Exception as exc:  # a bug here must not stop the scan; the per-file guards should catch content
        ctx.report("SRC003", f"Terraform could not be evaluated ({exc.__class__.__name__}): not checked", tf_files[0])
        return []


class Loader:
    """Reads, sniffs and parses the Terraform files, then evaluates every root directory.

    It is also the evaluator's `Workspace`: template expressions are parsed and files read through it.
    """

    def __init__(self, tf_files: list[Path], tfvars_files: list[Path], ctx: ScanContext) -> None:
        self.ctx = ctx
        self.tf_files = [Path(os.path.normpath(p.absolute())) for p in tf_files]
        self.tfvars = Tfvars([Path(os.path.normpath(p.absolute())) for p in tfvars_files], ctx, self)
        self.modules: dict[Path, Module] = {}
        self._expressions: dict[str, Any] = {}
        self.sqs_queues: list[SqsQueue] = []

    def run(self) -> list[TaskDefinitionDoc]:
        texts = {path: text for path in self.tf_files if (text := self.ctx.read_text(path)) is not None}
        by_dir: dict[Path, list[Path]] = {}
        for path in sorted(texts):
            by_dir.setdefault(path.parent, []).append(path)
        for folder in sorted(_relevant(by_dir, texts)):
            self.modules[folder] = self._load_module(folder, by_dir[folder], texts)
        called = {callee for m in self.modules.values() for call in m.calls if (callee := self.callee(m, call))}
        roots = [m for folder, m in sorted(self.modules.items()) if folder not in called]
        var_files = self.tfvars.var_files(roots, set(by_dir))
        docs: list[TaskDefinitionDoc] = []
        for module in roots:
            try:
                values = self.tfvars.root_values(module, var_files.get(module.dir, []))
                instance = ModuleInstance(
                    self, module, "", root_inputs(values), module.dir, "no default and no tfvars value"
                )
                docs += self._evaluate(instance, (module.dir,))
            except Exception as exc:  # the per-value guards should hold; this keeps the other roots if not
                where = next(iter(module.texts), module.dir)
                self.ctx.report("SRC003", f"Terraform here could not be evaluated ({exc.__class__.__name__})", where)
        for doc in docs:  # the queues are the stack's, not one task definition's: every doc carries the list
            doc.extra["sqs_queues"] = self.sqs_queues
        return docs

    # -- reading

    def _load_module(self, folder: Path, files: list[Path], texts: dict[Path, str]) -> Module:
        module = Module(folder)
        for path in sorted(files, key=is_override):
            module.texts[path] = texts[path]
            blocks = read_blocks(self.ctx, path, texts[path])
            if blocks is not None:
                module.add(blocks, is_override(path))
        return module

    def expression(self, src: str) -> Any:
        """A template's `${...}` expression parsed on its own (cached); None when it does not parse."""
        if src not in self._expressions:
            try:
                tree = parse_hcl(f"v = (\n{src}\n)")
                self._expressions[src] = tree.body.children[0].expression
            except Exception:  # whatever the parser raises, the template value is a failure, not a crash
                self._expressions[src] = None
        return self._expressions[src]

    def read_source(self, where: str, root_dir: Path) -> SourceFile | None:
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
        return None if text is None else SourceFile(path, text)

    def callee(self, module: Module, call: Block) -> Path | None:
        """The parsed directory a `module` block's local `source` names, if any."""
        attr = call.attrs.get("source")
        if attr is None:
            return None
        source = guarded(lambda: known(Evaluator(self, None, module.dir).eval(attr.expr)), attr.line, "source")
        if not isinstance(source, str) or not (source in (".", "..") or source.startswith(("./", "../"))):
            return None
        folder = Path(os.path.normpath(module.dir / source))
        return folder if folder in self.modules else None

    # -- evaluation

    def _evaluate(self, instance: ModuleInstance, stack: tuple[Path, ...]) -> list[TaskDefinitionDoc]:
        """The task definitions of one module instance, then those of the modules it calls."""
        by_name: TaskDefsByName = {}
        for block in instance.module.resource_blocks("aws_ecs_task_definition"):
            for key, scope, _doubt in instances_of(block, instance.base):
                doc = task_definition(self.ctx, instance, block, key, scope)
                if doc is not None:
                    by_name.setdefault(block.label(1), []).append((key, doc))
        link_services(instance, by_name)
        self.sqs_queues += sqs_queues(instance)
        docs = [doc for entries in by_name.values() for _, doc in entries]
        for call in instance.module.calls:
            folder = self.callee(instance.module, call)
            if folder is None or folder in stack or len(stack) > _MAX_MODULE_DEPTH:
                continue
            for key, scope, _doubt in instances_of(call, instance.base):
                name = f"module.{call.label(0)}"
                unset = f"no default, and {name} does not set it"
                prefix = f"{instance.prefix}{name}{key}."
                inputs = call_inputs(call, scope)
                child = ModuleInstance(self, self.modules[folder], prefix, inputs, instance.root_dir, unset)
                docs += self._evaluate(child, (*stack, folder))
        return docs


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
