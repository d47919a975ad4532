"""`envcheck ecs`: a live task definition linted with the scan's rules; `ecs diff OLD NEW`; drift.

The live definition is the deployed target; the project directory (default `.`) supplies what
a task definition does not hold: the image's start (Dockerfile ENTRYPOINT and the scripts it
runs), the Laravel schedules and the `.env.example` contract. boto3 is loaded only here, when
the command runs. What the command decides on its own (family, revision, replicas) is said on
stderr; an AWS failure is one line there and exit code 2.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from envcheck.commands.common import check_format, emit, exit_code, fail, note, options, terraform_docs
from envcheck.errors import UsageError

if TYPE_CHECKING:
    from collections.abc import Callable

    from envcheck.config import Config
    from envcheck.model import Finding
    from envcheck.sources.ecs import LiveEcs, ServiceInfo
    from envcheck.sources.taskdef import TaskDefinitionDoc

ecs_app = typer.Typer(
    help="Lint a live ECS task definition with the same rules as `scan`; `ecs diff OLD NEW` compares revisions.",
    add_completion=False,
    pretty_exceptions_enable=False,
)

FamilyOpt = Annotated[
    Optional[str],
    typer.Option(
        "--family",
        help="Task definition family (default: `family` in the config's ecs table, else the one family "
        "the Terraform under --project-dir declares).",
    ),
]
RegionOpt = Annotated[Optional[str], typer.Option("--region", help="AWS region (default: config, AWS_REGION).")]
AwsProfileOpt = Annotated[Optional[str], typer.Option("--aws-profile", help="AWS named profile.")]
EndpointOpt = Annotated[
    Optional[str], typer.Option("--endpoint-url", help="ECS/S3 endpoint, e.g. a local moto_server (AWS_ENDPOINT_URL).")
]
ProjectOpt = Annotated[
    Path,
    typer.Option("--project-dir", help="The app's repository: start scripts, Laravel app, .env.example, Terraform."),
]
EnvFilesOpt = Annotated[
    bool, typer.Option("--env-files", help="Read the containers' environmentFiles from S3 and lint them too.")
]
FormatOpt = Annotated[
    str, typer.Option("--format", "-f", help="text, json, sarif, junit, github or markdown (ecs diff: text or json).")
]
OutputOpt = Annotated[Optional[Path], typer.Option("--output", "-o", help="Write the report to this file.")]
FailOnOpt = Annotated[Optional[str], typer.Option("--fail-on", help="error, warning, info or never (default: error).")]
SelectOpt = Annotated[Optional[list[str]], typer.Option("--select", help="Only these codes or prefixes.")]
IgnoreOpt = Annotated[Optional[list[str]], typer.Option("--ignore", help="Skip these codes or prefixes.")]
ProfileOpt = Annotated[Optional[str], typer.Option("--profile", help="Stack profile: a bundled name or a path.")]
ConfigOpt = Annotated[Optional[Path], typer.Option("--config", help="Config file (default: found from --project-dir).")]


@dataclass
class Request:
    """Everything one run was asked for (flags of `ecs`, or of `ecs diff` over the group's)."""

    family: str | None = None
    revision: int | None = None
    service: str | None = None
    cluster: str | None = None
    region: str | None = None
    aws_profile: str | None = None
    endpoint_url: str | None = None
    project_dir: Path = Path(".")
    env_files: bool = False
    against: Path | None = None
    task_definition_file: Path | None = None
    output_format: str = "text"
    output: Path | None = None
    fail_on: str | None = None
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    profile: str | None = None
    config: Path | None = None

    def merged(self, group: Request | None) -> Request:
        """This request's values where given, the `ecs` group's (`envcheck ecs --region R diff ...`) elsewhere."""
        if group is None:
            return self
        default = Request()
        for name in self.__dataclass_fields__:
            if getattr(self, name) == getattr(default, name):
                setattr(self, name, getattr(group, name))
        return self


class Session:
    """The run's settings, its config and lazy AWS and Terraform access (each at most once)."""

    def __init__(self, request: Request) -> None:
        from envcheck.config import find_config

        self.request = request
        project = request.project_dir
        if not project.is_dir():
            raise UsageError(f"--project-dir {project}: not a directory")
        self.cfg: Config = find_config(project, request.config)
        self.options, self.threshold = options(
            self.cfg, request.profile, request.select, request.ignore, request.fail_on
        )
        self.config_family = self.cfg.ecs.family
        self.region = request.region or self.cfg.ecs.region
        self.live: Callable[[], LiveEcs] = cache(self._connect)
        self.terraform: Callable[[], list[TaskDefinitionDoc]] = cache(
            lambda: terraform_docs(project, self.options.max_bytes)
        )

    def _connect(self) -> LiveEcs:
        from envcheck.sources.ecs import LiveEcs

        return LiveEcs(region=self.region, profile=self.request.aws_profile, endpoint_url=self.request.endpoint_url)

    def family(self) -> str:
        """--family, else the config's, else the single family in the Terraform under --project-dir."""
        if self.request.family:
            return self.request.family
        if self.config_family:
            note(f"family {self.config_family} (from {self.cfg.source})")
            return self.config_family
        from envcheck.fs import display_path

        docs = [d for d in self.terraform() if isinstance(d.family, str) and d.family]
        families = sorted({d.family for d in docs if isinstance(d.family, str)})
        where = self.request.project_dir
        if len(families) == 1:
            doc = docs[0]
            note(f"family {families[0]} (from the Terraform: {display_path(doc.path.resolve())}:{doc.line or 1})")
            return families[0]
        if families:
            raise UsageError(
                f"the Terraform under {where} declares several families ({', '.join(families)}): pass --family"
            )
        raise UsageError(
            f"no --family, no `family` under [tool.envcheck.ecs], and no aws_ecs_task_definition family in the "
            f"Terraform under {where}"
        )

    def replicas(self, name: str, info: ServiceInfo | None) -> int | None:
        """The service's count when --service is given, else the desired_count Terraform declares for the family."""
        from envcheck.drift import declared_for
        from envcheck.fs import display_path

        if info is not None:
            scaled = f", autoscaling maximum {info.max_capacity}" if info.max_capacity is not None else ""
            note(
                f"replicas {info.replicas} (service {self.request.service}: desiredCount {info.desired_count}{scaled})"
            )
            if info.autoscaling_note:
                note(info.autoscaling_note)
            return info.replicas
        declared = [d for d in declared_for(name, self.terraform()) if isinstance(d.replicas, int)]
        if len(declared) == 1:
            doc = declared[0]
            assert isinstance(doc.replicas, int)
            note(
                f"replicas {doc.replicas} (the desired_count Terraform declares for {name.rsplit(':', 1)[0]}, "
                f"{display_path(doc.path.resolve())}; --service and --cluster read the live count)"
            )
            return doc.replicas
        note("replicas unknown (no --service, and no Terraform service for this family): SCH002 stays quiet")
        return None

    def doc(self, task: dict[str, Any], info: ServiceInfo | None = None, replicas: bool = True) -> TaskDefinitionDoc:
        from envcheck.sources.ecs import live_doc, read_env_files

        name = f"{task.get('family')}:{task.get('revision')}"
        files = read_env_files(task, self.live) if self.request.env_files else None
        source = self.request.task_definition_file
        text = source.read_text(encoding="utf-8-sig") if source is not None else None
        return live_doc(task, self.replicas(name, info) if replicas else None, files, source, text)


# ---------------------------------------------------------------------------------- ecs


@ecs_app.callback(invoke_without_command=True)
def ecs(
    ctx: typer.Context,
    family: FamilyOpt = None,
    revision: Annotated[
        Optional[int], typer.Option("--revision", help="Revision number (default: the service's, else the latest).")
    ] = None,
    service: Annotated[
        Optional[str], typer.Option("--service", help="Lint the revision this service runs; replicas from it.")
    ] = None,
    cluster: Annotated[
        Optional[str], typer.Option("--cluster", help="The service's cluster (default: default).")
    ] = None,
    region: RegionOpt = None,
    aws_profile: AwsProfileOpt = None,
    endpoint_url: EndpointOpt = None,
    project_dir: ProjectOpt = Path("."),
    env_files: EnvFilesOpt = False,
    against: Annotated[
        Optional[Path], typer.Option("--against", help="Report drift from the Terraform under this path (DRF*).")
    ] = None,
    task_definition_file: Annotated[
        Optional[Path],
        typer.Option(
            "--task-definition-file",
            help="Lint a saved `aws ecs describe-task-definition` JSON as if it were live (no ECS call).",
        ),
    ] = None,
    output_format: FormatOpt = "text",
    output: OutputOpt = None,
    fail_on: FailOnOpt = None,
    select: SelectOpt = None,
    ignore: IgnoreOpt = None,
    profile: ProfileOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Lint a live task definition (--revision N, or what --service runs) with the rules of `scan`."""
    request = Request(
        family=family,
        revision=revision,
        service=service,
        cluster=cluster,
        region=region,
        aws_profile=aws_profile,
        endpoint_url=endpoint_url,
        project_dir=project_dir,
        env_files=env_files,
        against=against,
        task_definition_file=task_definition_file,
        output_format=output_format,
        output=output,
        fail_on=fail_on,
        select=list(select or []),
        ignore=list(ignore or []),
        profile=profile,
        config=config,
    )
    if ctx.invoked_subcommand is not None:
        ctx.obj = request
        return
    try:
        code = run_ecs(request)
    except UsageError as exc:
        fail(str(exc))
        return
    raise typer.Exit(code)


def run_ecs(request: Request) -> int:
    from envcheck import cli
    from envcheck.engine import scan

    check_format(request.output_format, tuple(cli.FORMATS))
    if request.cluster and not request.service:
        raise UsageError("--cluster needs --service")
    if request.task_definition_file is not None and (request.family or request.revision is not None):
        raise UsageError("--task-definition-file is the task definition: drop --family and --revision")
    if request.against is not None and not request.against.exists():
        raise UsageError(f"--against {request.against}: no such file or directory")
    run = Session(request)
    info = run.live().service(request.cluster or "default", request.service) if request.service else None
    task = _task(run, info)
    doc = run.doc(task, info)
    extra = drift_findings(run, doc) if request.against is not None else []
    result = scan([request.project_dir], run.options, live_docs=[doc], extra=extra)
    emit(result, request.output_format, request.output)
    return exit_code(result, run.threshold)


def _task(run: Session, info: ServiceInfo | None) -> dict[str, Any]:
    """The task definition asked for: a saved file, --revision of the family, what the service runs, or the latest."""
    from envcheck.sources.ecs import task_from_file

    request = run.request
    if request.task_definition_file is not None:
        return task_from_file(request.task_definition_file)
    if info is not None and request.revision is None and not request.family:
        return run.live().task_definition(info.task_definition)
    service_family = info.task_definition.rsplit(":", 1)[0] if info is not None else None
    family = request.family or service_family or run.family()
    if request.revision is not None:
        return run.live().task_definition(f"{family}:{request.revision}")
    task = run.live().task_definition(family)
    note(f"revision {task.get('revision')} (the latest ACTIVE of {family}; --revision picks another)")
    return task


def drift_findings(run: Session, doc: TaskDefinitionDoc) -> list[Finding]:
    """DRF findings: the live definition against the one the Terraform under --against declares."""
    from envcheck.diff import images_of
    from envcheck.drift import declared_for, drift
    from envcheck.fs import ScanContext
    from envcheck.sources.taskdef import targets_from_doc

    against = run.request.against
    assert against is not None
    same = against.resolve() == run.request.project_dir.resolve()
    docs = run.terraform() if same else terraform_docs(against, run.options.max_bytes)
    family = str(doc.family)
    declared_docs = declared_for(family, docs)
    if not declared_docs:
        found = sorted({d.family for d in docs if isinstance(d.family, str)})
        listed = f" (it declares {', '.join(found)})" if found else ""
        raise UsageError(f"--against {against}: no task definition of family {family.rsplit(':', 1)[0]}{listed}")
    scratch = ScanContext(roots=[against.resolve() if against.is_dir() else against.resolve().parent])
    declared = [t for d in declared_docs for t in targets_from_doc(d, scratch)]
    live = targets_from_doc(doc, ScanContext(roots=[run.request.project_dir.resolve()]))
    secret_names = frozenset(spec.name for spec in run.options.profile.variables if spec.secret)
    return drift(live, declared, (images_of(declared_docs), images_of([doc])), secret_names)


# ---------------------------------------------------------------------------------- ecs diff


@ecs_app.command("diff")
def ecs_diff(
    ctx: typer.Context,
    old: Annotated[str, typer.Argument(help="The older revision: a number, or family:revision.")],
    new: Annotated[str, typer.Argument(help="The newer revision: a number, or family:revision.")],
    family: FamilyOpt = None,
    region: RegionOpt = None,
    aws_profile: AwsProfileOpt = None,
    endpoint_url: EndpointOpt = None,
    project_dir: ProjectOpt = Path("."),
    env_files: EnvFilesOpt = False,
    output_format: FormatOpt = "text",
    output: OutputOpt = None,
    fail_on: FailOnOpt = None,
    select: SelectOpt = None,
    ignore: IgnoreOpt = None,
    profile: ProfileOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Compare two revisions: what changed, what the change breaks (SES007), and NEW linted as `ecs` lints it."""
    request = Request(
        family=family,
        region=region,
        aws_profile=aws_profile,
        endpoint_url=endpoint_url,
        project_dir=project_dir,
        env_files=env_files,
        output_format=output_format,
        output=output,
        fail_on=fail_on,
        select=list(select or []),
        ignore=list(ignore or []),
        profile=profile,
        config=config,
    ).merged(ctx.obj if isinstance(ctx.obj, Request) else None)
    try:
        code = run_ecs_diff(request, old, new)
    except UsageError as exc:
        fail(str(exc))
        return
    raise typer.Exit(code)


def parse_ref(text: str) -> tuple[str | None, int]:
    """`13` -> (None, 13); `family:13` (or a task-definition ARN) -> (family, 13)."""
    from envcheck.sources.ecs import family_revision

    name = family_revision(text.strip())
    family, _, number = name.rpartition(":")
    if not number.isdigit():
        raise UsageError(f"{text!r} is not a revision: give a number or family:revision")
    return (family or None), int(number)


def run_ecs_diff(request: Request, old: str, new: str) -> int:
    from envcheck.diff import diff_stacks, images_of
    from envcheck.engine import build_stack, scan
    from envcheck.fs import ScanContext

    check_format(request.output_format)
    (old_family, old_rev), (new_family, new_rev) = parse_ref(old), parse_ref(new)
    run = Session(request)
    default = request.family or (None if old_family and new_family else run.family())
    refs = [f"{old_family or new_family or default}:{old_rev}", f"{new_family or old_family or default}:{new_rev}"]
    before, after = (run.live().task_definition(ref) for ref in refs)
    old_doc = run.doc(before, replicas=False)
    new_doc = run.doc(after)
    project = request.project_dir
    ctx = ScanContext(roots=[project.resolve()], max_bytes=run.options.max_bytes)
    previous = build_stack([project], ctx, run.options.profile, live_docs=[old_doc])
    result = scan([project], run.options, live_docs=[new_doc], previous=previous)
    changes = diff_stacks(previous, result.stack, (images_of([old_doc]), images_of([new_doc])))
    labels = (str(old_doc.family), str(new_doc.family))
    emit(result, request.output_format, request.output, changes, labels, previous)
    return exit_code(result, run.threshold)
