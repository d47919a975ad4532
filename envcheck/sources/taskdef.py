"""ECS container definitions to targets, whatever carried them: Terraform, JSON files, or live ECS.

Values may be `Unknown` (from Terraform); an unknown value is reported once (SRC003) and
never guessed.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from envcheck.fs import ScanContext, display_path
from envcheck.model import Location, SecretRef, Target, Variable
from envcheck.secrets import looks_secret
from envcheck.values import Unknown


@dataclass
class TaskDefinitionDoc:
    """One task definition as found: its containers (evaluated) and where it came from."""

    containers: list[Any] | Unknown
    path: Path  # the file the container definitions are written in
    line: int | None = None  # where the task definition starts in that file
    family: str | Unknown | None = None
    address: str | None = None  # Terraform address, e.g. aws_ecs_task_definition.app
    replicas: int | Unknown | None = None
    text: str | None = None  # the file's text, to find each variable's line
    extra: dict[str, Any] = field(default_factory=dict)


def line_of_name(text: str | None, name: str, after: int | None) -> int | None:
    """Line of `name = "X"` / `"name": "X"` at or after line `after` (1-based)."""
    if not text:
        return None
    pattern = re.compile(r"""["']?name["']?\s*[:=]\s*["']""" + re.escape(name) + r"""["']""")
    lines = text.splitlines()
    start = max((after or 1) - 1, 0)
    for order in (range(start, len(lines)), range(0, start)):
        for i in order:
            if pattern.search(lines[i]):
                return i + 1
    return None


def _as_argv(value: Any) -> tuple[str, ...] | Unknown | None:
    if value is None:
        return None
    if isinstance(value, Unknown):
        return value
    if isinstance(value, str):
        return ("sh", "-c", value)
    if isinstance(value, list):
        if any(isinstance(v, Unknown) for v in value):
            return next(v for v in value if isinstance(v, Unknown))
        return tuple(str(v) for v in value)
    return None


def _int_or_none(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


def targets_from_doc(doc: TaskDefinitionDoc, ctx: ScanContext) -> list[Target]:
    """One deployed target per container definition."""
    shown_path = display_path(doc.path) if doc.path.is_absolute() else str(doc.path)
    base = doc.family if isinstance(doc.family, str) and doc.family else (doc.address or shown_path)
    if isinstance(doc.containers, Unknown):
        ctx.report(
            "SRC003",
            f"container definitions of {base} depend on {doc.containers.reason}: not checked",
            shown_path,
            doc.containers.line or doc.line,
            target=base,
        )
        return []
    replicas: int | None = None
    if isinstance(doc.replicas, Unknown):
        ctx.report(
            "SRC003", f"replica count of {base} depends on {doc.replicas.reason}", shown_path, doc.line, target=base
        )
    elif doc.replicas is not None:
        replicas = doc.replicas
    targets = []
    for index, container in enumerate(doc.containers):
        if not isinstance(container, dict):
            continue
        name = container.get("name")
        cname = name if isinstance(name, str) else f"container[{index}]"
        tid = f"{base}/{cname}"
        start = line_of_name(doc.text, cname, doc.line) if isinstance(name, str) else doc.line
        target = Target(
            id=tid,
            kind="deployed",
            location=Location(path=shown_path, line=start or doc.line),
            family=doc.family if isinstance(doc.family, str) else None,
            container=cname,
            replicas=replicas,
            stop_timeout=_int_or_none(container.get("stopTimeout")),
        )
        _load_environment(container.get("environment"), target, doc, shown_path, start, ctx)
        _load_env_files(container.get("environmentFiles"), target, doc, shown_path, start, ctx)
        _load_secrets(container.get("secrets"), target, doc, shown_path, start, ctx)
        for key, attr in (("command", "command"), ("entryPoint", "entry_point")):
            argv = _as_argv(container.get(key))
            if isinstance(argv, Unknown):
                target.start_unknown = f"{key} depends on {argv.reason}"
                ctx.report("SRC003", f"{key} of {tid} depends on {argv.reason}", shown_path, start, target=tid)
            else:
                setattr(target, attr, argv)
        targets.append(target)
    return targets


def _load_environment(
    env: Any, target: Target, doc: TaskDefinitionDoc, path: str, start: int | None, ctx: ScanContext
) -> None:
    if env is None:
        return
    if isinstance(env, Unknown):
        ctx.report(
            "SRC003",
            f"environment of {target.id} depends on {env.reason}: its variables were not checked",
            path,
            env.line or start,
            target=target.id,
        )
        target.environment_known = False
        return
    if not isinstance(env, list):
        return
    for number, entry in enumerate(env, 1):
        if not isinstance(entry, dict):
            continue
        name, raw = entry.get("name"), entry.get("value")
        if isinstance(name, Unknown):
            ctx.report(
                "SRC003",
                f"the name of environment entry {number} of {target.id} depends on {name.reason}: it was not checked",
                path,
                name.line or start,
                target=target.id,
            )
            target.environment_known = False
            continue
        if not isinstance(name, str) or isinstance(raw, (dict, list)):
            # `for key, value in <a list of {name, value}>`: the key is the index, the value the whole object
            ctx.report(
                "SRC002",
                f"environment entry {number} of {target.id} is not a pair of strings (name {_shape(name)}, value "
                f"{_shape(raw)}): ECS refuses the task definition, and the entry was not checked",
                path,
                _line_of_key(doc.text, "environment", start) or start,
                target=target.id,
            )
            target.environment_known = False
            continue
        line = line_of_name(doc.text, name, start) or start
        if isinstance(raw, Unknown):
            ctx.report(
                "SRC003",
                f"value of {name} depends on {raw.reason}; rules that need it were skipped",
                path,
                line,
                target=target.id,
                variable=name,
            )
            var = Variable(name=name, value=None, unknown_reason=raw.reason, location=Location(path=path, line=line))
        else:
            value = _scalar_text(raw)
            var = Variable(
                name=name, value=value, secret=looks_secret(name, value), location=Location(path=path, line=line)
            )
        target.variables.append(var)


def _load_env_files(
    files: Any, target: Target, doc: TaskDefinitionDoc, path: str, start: int | None, ctx: ScanContext
) -> None:
    """`environmentFiles` (S3 objects): their bindings when `envcheck ecs --env-files` read them.

    `environment` wins over the files, and a later file over an earlier one, as ECS documents;
    overridden bindings are dropped so they do not look like duplicates. A file that was not
    read leaves the environment incomplete: rules that need every variable skip the container.
    """
    if not isinstance(files, list) or not files:
        return
    read: dict[str, list[tuple[int, str, str]]] = doc.extra.get("env_files") or {}
    problems: dict[str, str] = doc.extra.get("env_file_problems") or {}
    merged: dict[str, Variable] = {}
    unread = []
    for entry in files:
        arn = entry.get("value") if isinstance(entry, dict) else None
        if not isinstance(arn, str):
            continue
        if arn in problems:
            target.environment_known = False
            ctx.report(
                "ECS005",
                f"environment file {arn} of {target.id} cannot be read ({problems[arn]}): its variables were not "
                "checked, and rules that need every variable skipped this container",
                path,
                start,
                target=target.id,
            )
            continue
        if arn not in read:
            unread.append(arn)
            continue
        shown = _s3_display(arn)
        for line, name, value in read[arn]:
            merged.pop(name, None)
            merged[name] = Variable(
                name=name,
                value=value,
                secret=looks_secret(name, value),
                origin="env-file",
                location=Location(path=shown, line=line),
            )
    if unread:
        target.environment_known = False
        ctx.report(
            "SRC003",
            f"{target.id} reads variables from {', '.join(unread)}, which were not read "
            "(`envcheck ecs --env-files` reads them): rules that need every variable skipped this container",
            path,
            start,
            target=target.id,
        )
    own = {v.name for v in target.variables}
    target.variables = [v for v in merged.values() if v.name not in own] + target.variables


def _s3_display(arn: str) -> str:
    match = re.fullmatch(r"arn:aws[a-z-]*:s3:::([^/]+)/(.+)", arn.strip())
    return f"s3://{match.group(1)}/{match.group(2)}" if match else arn


def _line_of_key(text: str | None, key: str, after: int | None) -> int | None:
    """Line of `key =` / `"key":` at or after line `after` (1-based)."""
    pattern = re.compile(r"""(^|[\s{,])["']?""" + re.escape(key) + r"""["']?\s*[:=]""")
    lines = (text or "").splitlines()
    for i in range(max((after or 1) - 1, 0), len(lines)):
        if pattern.search(lines[i]):
            return i + 1
    return None


def _shape(raw: Any) -> str:
    """How a misplaced JSON value reads in a message: its kind, never its content."""
    if isinstance(raw, dict):
        return "an object"
    if isinstance(raw, list):
        return "a list"
    if isinstance(raw, bool) or raw is None:
        return json.dumps(raw)
    if isinstance(raw, (int, float)):
        return f"the number {raw}"
    return "a string"


def _scalar_text(raw: Any) -> str:
    """ECS stores every value as a string; JSON true/1 become "true"/"1"."""
    if raw is None:
        return ""
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, (int, float)):
        return str(raw)
    if isinstance(raw, str):
        return raw
    return json.dumps(raw)


def _load_secrets(
    secrets: Any, target: Target, doc: TaskDefinitionDoc, path: str, start: int | None, ctx: ScanContext
) -> None:
    if not isinstance(secrets, list):
        return
    for entry in secrets:
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            continue
        value_from = entry.get("valueFrom")
        line = line_of_name(doc.text, entry["name"], start) or start
        target.secrets.append(
            SecretRef(
                name=entry["name"],
                value_from=value_from if isinstance(value_from, str) else None,
                location=Location(path=path, line=line),
            )
        )


def load_taskdef_json(path: Path, ctx: ScanContext) -> list[TaskDefinitionDoc]:
    """A task-definition JSON file: register shape, describe shape, or a bare container list.

    Returns [] for JSON that is not a task definition (package.json and friends).
    """
    text = ctx.read_text(path)
    if text is None or ("containerDefinitions" not in text and '"image"' not in text):
        return []
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        ctx.report("SRC002", f"JSON does not parse: {exc.msg}", path, exc.lineno)
        return []
    except RecursionError:
        ctx.report("SRC002", "JSON nested too deeply to read", path)
        return []
    if isinstance(data, dict) and isinstance(data.get("taskDefinition"), dict):
        data = data["taskDefinition"]
    if isinstance(data, dict) and isinstance(data.get("containerDefinitions"), list):
        family = data.get("family") if isinstance(data.get("family"), str) else None
        revision = data.get("revision")
        if family and isinstance(revision, int):
            family = f"{family}:{revision}"
        return [TaskDefinitionDoc(containers=data["containerDefinitions"], path=path, line=1, family=family, text=text)]
    if isinstance(data, list) and data and all(isinstance(c, dict) and "name" in c and "image" in c for c in data):
        return [TaskDefinitionDoc(containers=data, path=path, line=1, text=text)]
    return []
