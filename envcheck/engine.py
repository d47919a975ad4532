"""One scan: discover, load, assemble the stack, run the rules, return the findings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from envcheck.discover import Discovered, discover
from envcheck.fs import ScanContext
from envcheck.globs import Glob
from envcheck.model import Finding, Requirement, Target
from envcheck.policy import apply_policy
from envcheck.profile import Profile
from envcheck.rules.registry import all_rules
from envcheck.sources.taskdef import TaskDefinitionDoc
from envcheck.stack import Stack
from envcheck.suppress import apply_suppressions

if TYPE_CHECKING:
    from envcheck.sources.scripts import ProcessIndex as ProcessIndexT

# Files that say what a container runs; without any (and no deployed target) the process index is not built.
PROCESS_KINDS = ("dockerfile", "script", "supervisord", "crontab", "compose", "procfile")

# Front-end build-time variables: a deployed PHP container never reads them.
BUILD_TIME_PREFIXES = ("VITE_", "MIX_")


@dataclass
class ScanOptions:
    profile: Profile
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    max_bytes: int = 5 * 1024 * 1024
    severity: dict[str, str] = field(default_factory=dict)  # code or prefix -> severity (config)
    per_path_ignores: list[tuple[Glob, list[str]]] = field(default_factory=list)  # (config)
    exclude: list[Glob] = field(default_factory=list)  # never walked into (config, --exclude)
    on_read: Callable[[Path], None] | None = None  # progress display: called once per file read


@dataclass
class ScanResult:
    findings: list[Finding]
    stack: Stack
    context: ScanContext | None = None  # what was read (texts cached by path), for suppressions and baselines
    options: ScanOptions | None = None  # what was asked for (reporters list the rules that ran)

    def count(self, severity: str) -> int:
        """Findings of `severity` that count: suppressed ones are shown, never counted."""
        return sum(1 for f in self.findings if f.severity == severity and not f.suppressed)


def scan(
    paths: list[Path],
    options: ScanOptions,
    live_docs: list[TaskDefinitionDoc] | None = None,
    previous: Stack | None = None,
    extra: list[Finding] | None = None,
) -> ScanResult:
    """Scan `paths`; with `live_docs` (task definitions read from ECS) those are the deployed
    targets, and `paths` (the project directory) only contributes start scripts, the Laravel
    app and the `.env.example` contract. `previous` is the stack of the revision before (for
    transition rules); `extra` are findings of the caller's own (drift, unreadable env files)."""
    roots = [p.resolve() if p.is_dir() else p.resolve().parent for p in paths]
    ctx = ScanContext(roots=roots, max_bytes=options.max_bytes, exclude=options.exclude, on_read=options.on_read)
    stack = build_stack(paths, ctx, options.profile, live_docs)
    stack.previous = previous
    findings = apply_suppressions(run_rules(stack, ctx.findings + list(extra or []), options), ctx, options)
    return ScanResult(findings=findings, stack=stack, context=ctx, options=options)


def build_stack(
    paths: list[Path], ctx: ScanContext, profile: Profile, live_docs: list[TaskDefinitionDoc] | None = None
) -> Stack:
    from envcheck.sources.dotenv import load_dotenv
    from envcheck.sources.taskdef import targets_from_doc

    found = discover(paths, ctx)
    stack = Stack(profile=profile, files=found.files)
    for path in found["dotenv"]:
        loaded = load_dotenv(path, ctx)
        if loaded:
            target, parsed = loaded
            if target.kind == "template":
                stack.templates.append(target)
            elif live_docs is None:
                stack.dotenv_files.append(parsed)
                stack.targets.append(target)

    docs = live_docs if live_docs is not None else repo_task_definitions(found, ctx)
    deployed = [t for doc in docs for t in targets_from_doc(doc, ctx)]
    stack.sqs_queues = next((doc.extra["sqs_queues"] for doc in docs if "sqs_queues" in doc.extra), [])

    if deployed or any(found[kind] for kind in PROCESS_KINDS):
        from envcheck.sources.scripts import ProcessIndex

        index = ProcessIndex.build(found, ctx)
        for target in deployed:
            link_processes(target, index, ctx)
        stack.dockerfiles = index.dockerfiles
    stack.targets.extend(deployed)
    if found["laravel"]:
        from envcheck.sources.laravel import load_laravel

        stack.apps = load_laravel(found, ctx)
    stack.requirements = requirements(stack)
    mark_profile_secrets(stack)
    return stack


def repo_task_definitions(found: Discovered, ctx: ScanContext) -> list[TaskDefinitionDoc]:
    """Task definitions written in the repository: Terraform, then task-definition JSON files."""
    from envcheck.sources.taskdef import load_taskdef_json

    docs: list[TaskDefinitionDoc] = []
    if found["terraform"]:
        from envcheck.sources.terraform import load_terraform  # python-hcl2 costs ~0.4 s to load

        docs = load_terraform(found["terraform"], found["tfvars"], ctx)
    read_by_terraform = {doc.path.resolve() for doc in docs}  # `file("containers.json")`: one target, not two
    return docs + [
        doc for path in found["json"] if path.resolve() not in read_by_terraform for doc in load_taskdef_json(path, ctx)
    ]


def link_processes(target: Target, index: ProcessIndexT, ctx: ScanContext) -> None:
    """A container runs its own command/entryPoint, else its image's Dockerfile start.

    When that cannot be followed, the target's processes stay unknown and the process
    rules stay quiet about the whole stack; SRC003 says why.
    """
    if target.start_unknown:
        return
    given = {v.name: v.value for v in target.variables if v.value is not None and not v.secret}
    start = index.container_start(target.command, target.entry_point, origin=target.location, environment=given)
    if start.processes is None:
        target.start_unknown = start.unknown or "its start could not be followed"
        if target.command is None and target.entry_point is None and not index.dockerfiles:
            return  # a task definition scanned without its image: nothing was there to follow
        ctx.report(
            "SRC003",
            f"what {target.id} runs is unknown ({target.start_unknown}): queue and scheduler rules were skipped",
            target.location.path,
            target.location.line,
            target=target.id,
        )
        return
    target.processes = list(start.processes)
    target.processes_known = True
    docker = index.primary_dockerfile
    if target.command is None and target.entry_point is None and docker is not None:
        # the container runs the image the Dockerfile builds, so it starts with that image's ENV
        target.image_env = sorted(docker.env)


def requirements(stack: Stack) -> list[Requirement]:
    """What the app needs: the profile's required variables and the `.env.example` contract.

    An example entry left empty or `null` documents an optional setting, and so does one the
    app's config reads with a default everywhere it reads it: neither makes the variable required.
    """
    out = [
        Requirement(
            name=spec.name,
            source="profile",
            type=spec.type,
            pattern=spec.pattern,
            pattern_help=spec.pattern_help,
            choices=tuple(spec.choices),
        )
        for spec in stack.profile.variables
        if spec.required
    ]
    named = {r.name for r in out} | defaulted_in_config(stack)
    for template in stack.templates:
        for var in template.variables:
            if var.name in named or var.name.startswith(BUILD_TIME_PREFIXES):
                continue
            if not var.value or var.value.strip().lower() in {"null", "(null)", "empty", "(empty)"}:
                continue
            named.add(var.name)
            out.append(Requirement(name=var.name, source="example", location=var.location))
    return out


def defaulted_in_config(stack: Stack) -> set[str]:
    """Variables every config read of which has a default: the app runs without them."""
    has_default: dict[str, bool] = {}
    for app in stack.apps:
        for reads in app.config_env_reads.values():
            for read in reads:
                has_default[read.name] = has_default.get(read.name, True) and read.has_default
    return {name for name, defaulted in has_default.items() if defaulted}


def mark_profile_secrets(stack: Stack) -> None:
    """Names the profile calls secret are masked like the ones matched by pattern."""
    secret_names = {spec.name for spec in stack.profile.variables if spec.secret}
    for target in stack.targets + stack.templates:
        target.variables = [
            v.model_copy(update={"secret": True}) if v.name in secret_names and not v.secret else v
            for v in target.variables
        ]


def selected(code: str, select: list[str], ignore: list[str]) -> bool:
    """Codes or prefixes (`SES`, `SES00`); ignore wins over select."""
    if any(code.startswith(p.upper()) for p in ignore):
        return False
    return not select or any(code.startswith(p.upper()) for p in select)


def run_rules(stack: Stack, source_findings: list[Finding], options: ScanOptions) -> list[Finding]:
    findings = list(source_findings)
    for rule in all_rules():
        findings.extend(rule.run(stack))
    kept = [f.with_fingerprint() for f in findings if selected(f.code, options.select, options.ignore)]
    kept = apply_policy(kept, options)
    unique = {f.fingerprint + str(f.location): f for f in kept}
    return sorted(unique.values(), key=sort_key)


def sort_key(f: Finding) -> tuple[str, int, str, str]:
    path = f.location.path if f.location else ""
    line = f.location.line if f.location and f.location.line else 0
    return (path, line, f.code, f.variable or "")
