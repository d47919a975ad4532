"""Live ECS: task definitions, services and environment files read with boto3.

boto3 is imported inside the functions, so `envcheck scan` and `--help` never load it. Every
AWS failure becomes one `AwsError` line that names what failed and what to do (the missing
IAM permission, the missing revision, the endpoint that cannot be reached): the command turns
it into exit code 2, never a traceback.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from envcheck.errors import UsageError
from envcheck.sources.taskdef import TaskDefinitionDoc

CONNECT_TIMEOUT = 5
READ_TIMEOUT = 20
MAX_ATTEMPTS = 3
ENV_FILE_MAX_BYTES = 5 * 1024 * 1024

ACCESS_DENIED = {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "AuthorizationError"}
EXPIRED = {"ExpiredToken", "ExpiredTokenException", "RequestExpired", "TokenRefreshRequired"}
BAD_CREDENTIALS = {
    "UnrecognizedClientException",
    "InvalidClientTokenId",
    "InvalidSignatureException",
    "SignatureDoesNotMatch",
    "InvalidAccessKeyId",
    "AuthFailure",
    "IncompleteSignature",
    "MissingAuthenticationToken",
}
THROTTLED = {
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "TooManyRequestsException",
    "RequestLimitExceeded",
    "RequestThrottled",
    "RequestThrottledException",
    "SlowDown",
    "ProvisionedThroughputExceededException",
}
SERVER_SIDE = {
    "ServerException",
    "InternalFailure",
    "InternalError",
    "ServiceUnavailable",
    "ServiceUnavailableException",
}


class AwsError(UsageError):
    """An AWS call failed; the message is one line that says what to do."""


@dataclass(frozen=True)
class ServiceInfo:
    """What a service runs now: its task definition and how many copies."""

    task_definition: str  # family:revision
    desired_count: int
    max_capacity: int | None  # the application-autoscaling maximum, when a scalable target exists
    autoscaling_note: str | None = None  # why the maximum is unknown, when it could not be read

    @property
    def replicas(self) -> int:
        """The most copies that can run: the scheduler runs in each (SCH002)."""
        return max(self.desired_count, self.max_capacity or 0)


@dataclass
class EnvFiles:
    """The `environmentFiles` objects read from S3: parsed bindings, or why each could not be read."""

    bindings: dict[str, list[tuple[int, str, str]]] = field(default_factory=dict)  # ARN -> (line, name, value)
    problems: dict[str, str] = field(default_factory=dict)  # ARN -> reason


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def family_revision(arn_or_name: str) -> str:
    """`arn:aws:ecs:…:task-definition/fam:13` -> `fam:13`; `fam:13` stays."""
    return arn_or_name.rsplit("/", 1)[-1] if arn_or_name.startswith("arn:") else arn_or_name


def s3_location(arn: str) -> tuple[str, str] | None:
    """(bucket, key) of `arn:aws:s3:::bucket/key`; None when it is not an S3 object ARN."""
    match = re.fullmatch(r"arn:aws[a-z-]*:s3:::([^/]+)/(.+)", arn.strip())
    return (match.group(1), match.group(2)) if match else None


def parse_env_file(text: str) -> list[tuple[int, str, str]]:
    """An ECS environment file, read as Docker reads `--env-file` (which is what ECS does).

    `NAME=VALUE` per line; blank lines and lines starting with `#` are skipped; leading
    whitespace is dropped; the value is kept as written (quotes included: there is no shell
    or quote handling). A line without `=` or with whitespace in the name is skipped.
    """
    out = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.lstrip()
        if not line or line.startswith("#"):
            continue
        name, sep, value = line.partition("=")
        if not sep or not name or any(c.isspace() for c in name):
            continue
        out.append((number, name, value))
    return out


class LiveEcs:
    """A fresh boto3 session and its clients, with bounded retries and timeouts."""

    def __init__(
        self,
        region: str | None = None,
        profile: str | None = None,
        endpoint_url: str | None = None,
        connect_timeout: float = CONNECT_TIMEOUT,
        read_timeout: float = READ_TIMEOUT,
    ) -> None:
        import boto3
        from botocore.config import Config

        self.endpoint_url = endpoint_url
        self.read_timeout = read_timeout
        self.connect_timeout = connect_timeout
        self._config = Config(
            retries={"total_max_attempts": MAX_ATTEMPTS, "mode": "standard"},
            connect_timeout=connect_timeout,
            read_timeout=read_timeout,
        )
        self._clients: dict[str, Any] = {}
        try:
            self.session = boto3.Session(profile_name=profile, region_name=region)
        except Exception as exc:
            raise self.explain(exc, "boto3.Session", "the AWS configuration") from None
        self.region: str | None = self.session.region_name
        if not self.region:
            raise AwsError(
                "no AWS region: pass --region, set AWS_REGION (or AWS_DEFAULT_REGION), "
                "or set `region` under [tool.envcheck.ecs]"
            )

    def client(self, service: str) -> Any:
        if service not in self._clients:
            try:
                self._clients[service] = self.session.client(
                    service, endpoint_url=self.endpoint_url, config=self._config
                )
            except Exception as exc:
                raise self.explain(exc, f"{service} client", service) from None
        return self._clients[service]

    def endpoint(self, service: str = "ecs") -> str:
        client = self._clients.get(service)
        return str(client.meta.endpoint_url) if client is not None else (self.endpoint_url or f"{service} endpoint")

    # ------------------------------------------------------------------ calls

    def task_definition(self, ref: str) -> dict[str, Any]:
        """`describe_task_definition`: `family:revision`, a bare family (its latest ACTIVE revision) or an ARN."""
        client = self.client("ecs")
        try:
            answer = client.describe_task_definition(taskDefinition=ref)
        except Exception as exc:
            raise self.explain(exc, "ecs:DescribeTaskDefinition", ref) from None
        task = answer.get("taskDefinition")
        if not isinstance(task, dict) or not isinstance(task.get("containerDefinitions"), list):
            raise AwsError(f"ecs:DescribeTaskDefinition returned no container definitions for {ref}")
        return task

    def service(self, cluster: str, service: str) -> ServiceInfo:
        """The revision a service runs now, its desiredCount and its autoscaling maximum."""
        client = self.client("ecs")
        subject = f"service {service!r} in cluster {cluster!r}"
        try:
            answer = client.describe_services(cluster=cluster, services=[service])
        except Exception as exc:
            raise self.explain(exc, "ecs:DescribeServices", subject, cluster=cluster) from None
        failures = answer.get("failures") or []
        services = answer.get("services") or []
        if failures or not services:
            reason = failures[0].get("reason", "MISSING") if failures else "MISSING"
            if reason == "MISSING":
                raise AwsError(f"{subject} not found (region {self.region})")
            raise AwsError(f"ecs:DescribeServices could not describe {subject}: {reason}")
        found = services[0]
        if found.get("status") == "INACTIVE":
            raise AwsError(f"{subject} is INACTIVE (deleted): it runs nothing")
        arn = found.get("taskDefinition")
        if not isinstance(arn, str):
            raise AwsError(f"{subject} has no task definition")
        desired = found.get("desiredCount")
        maximum, note = self._autoscaling_max(cluster, service)
        return ServiceInfo(family_revision(arn), desired if isinstance(desired, int) else 0, maximum, note)

    def _autoscaling_max(self, cluster: str, service: str) -> tuple[int | None, str | None]:
        """MaxCapacity of `service/C/S`; a missing permission is a note, not a failure (it only refines replicas)."""
        from botocore.exceptions import ClientError

        resource = f"service/{cluster}/{service}"
        client = self.client("application-autoscaling")
        try:
            answer = client.describe_scalable_targets(
                ServiceNamespace="ecs", ResourceIds=[resource], ScalableDimension="ecs:service:DesiredCount"
            )
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ACCESS_DENIED:
                return None, "application-autoscaling:DescribeScalableTargets is not allowed: desiredCount only"
            raise self.explain(exc, "application-autoscaling:DescribeScalableTargets", resource) from None
        except Exception as exc:
            raise self.explain(exc, "application-autoscaling:DescribeScalableTargets", resource) from None
        targets = [t for t in answer.get("ScalableTargets") or [] if t.get("ResourceId") == resource]
        maxima = [t["MaxCapacity"] for t in targets if isinstance(t.get("MaxCapacity"), int)]
        return (max(maxima) if maxima else None), None

    def get_object(self, bucket: str, key: str) -> tuple[str | None, str | None]:
        """An S3 object as text, or why it cannot be read (a reason for ECS005, never an exception)."""
        from botocore.exceptions import ClientError

        try:
            answer = self.client("s3").get_object(Bucket=bucket, Key=key)
            data = answer["Body"].read(ENV_FILE_MAX_BYTES + 1)
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            if code in {"NoSuchKey", "404", "NotFound"}:
                return None, "no such object"
            if code == "NoSuchBucket":
                return None, f"no such bucket {bucket!r}"
            if code in ACCESS_DENIED or code == "403":
                return None, "access denied: these credentials lack the s3:GetObject permission"
            return None, str(self.explain(exc, "s3:GetObject", f"s3://{bucket}/{key}"))
        except Exception as exc:
            return None, str(self.explain(exc, "s3:GetObject", f"s3://{bucket}/{key}"))
        if len(data) > ENV_FILE_MAX_BYTES:
            return None, f"larger than {ENV_FILE_MAX_BYTES} bytes"
        if b"\x00" in data[:8192]:
            return None, "binary, not text"
        try:
            return data.decode("utf-8-sig"), None
        except UnicodeDecodeError:
            return None, "not UTF-8 text"

    # ------------------------------------------------------------------ errors

    def explain(self, exc: BaseException, permission: str, subject: str, cluster: str | None = None) -> AwsError:
        """One line for any failure of an AWS call: what failed, and what to do about it."""
        return explain(
            exc, permission, subject, region=self.region if hasattr(self, "region") else None, cluster=cluster
        )


def explain(
    exc: BaseException, permission: str, subject: str, region: str | None = None, cluster: str | None = None
) -> AwsError:
    """Map a boto3/botocore exception to an `AwsError` with one clear line."""
    from botocore import exceptions as bex

    if isinstance(exc, AwsError):
        return exc
    where = f" in {region}" if region else ""
    if isinstance(exc, bex.ProfileNotFound):
        return AwsError(f"AWS profile {exc.kwargs.get('profile')!r} not found in ~/.aws/config or ~/.aws/credentials")
    if isinstance(exc, bex.NoCredentialsError):
        return AwsError(
            "no AWS credentials found: pass --aws-profile, set AWS_PROFILE, or set AWS_ACCESS_KEY_ID and "
            "AWS_SECRET_ACCESS_KEY"
        )
    if isinstance(exc, bex.PartialCredentialsError):
        return AwsError(f"incomplete AWS credentials: {_one_line(str(exc))}")
    if isinstance(exc, (bex.SSOError, bex.TokenRetrievalError)):
        return AwsError(f"AWS SSO login needed: {_one_line(str(exc))} (run `aws sso login`)")
    if isinstance(exc, bex.CredentialRetrievalError):
        return AwsError(f"could not get AWS credentials: {_one_line(str(exc))}")
    if isinstance(exc, bex.NoRegionError):
        return AwsError("no AWS region: pass --region, set AWS_REGION, or set `region` under [tool.envcheck.ecs]")
    if isinstance(exc, bex.InvalidRegionError):
        return AwsError(f"invalid AWS region {exc.kwargs.get('region_name')!r}: expected a name like ap-northeast-1")
    if isinstance(exc, bex.ConnectTimeoutError):
        return AwsError(
            f"timed out connecting to {exc.kwargs.get('endpoint_url')} ({MAX_ATTEMPTS} attempts) for {permission}"
        )
    if isinstance(exc, bex.ReadTimeoutError):
        return AwsError(
            f"{exc.kwargs.get('endpoint_url')} did not answer {permission} in time ({MAX_ATTEMPTS} attempts)"
        )
    if isinstance(exc, bex.EndpointConnectionError):
        return AwsError(
            f"cannot reach the AWS endpoint {exc.kwargs.get('endpoint_url')}: "
            "check --endpoint-url (or AWS_ENDPOINT_URL), --region and the network"
        )
    if isinstance(exc, bex.ClientError):
        return _client_error(exc, permission, subject, where, cluster)
    if isinstance(exc, bex.BotoCoreError):
        return AwsError(f"{permission} on {subject} failed: {_one_line(str(exc))}")
    if isinstance(exc, ValueError) and "endpoint" in str(exc).lower():
        return AwsError(f"invalid endpoint URL: {_one_line(str(exc))}")
    return AwsError(f"{permission} on {subject} failed: {exc.__class__.__name__}: {_one_line(str(exc))}")


def _client_error(exc: Any, permission: str, subject: str, where: str, cluster: str | None) -> AwsError:
    error = exc.response.get("Error", {})
    code = str(error.get("Code", "") or "")
    message = _one_line(error.get("Message", "") or "")
    if code in ACCESS_DENIED:
        who = re.search(r"\b(?:User|Role|arn):?\s*(arn:aws[^\s]*)", message)
        principal = f" ({who.group(1)})" if who else ""
        return AwsError(f"access denied: these credentials{principal} lack the {permission} permission ({subject})")
    if code in EXPIRED:
        return AwsError(f"the AWS credentials have expired ({code}): refresh them (e.g. `aws sso login`) and retry")
    if code in BAD_CREDENTIALS:
        return AwsError(f"AWS rejected the credentials ({code}): check the access key, secret and session token")
    if code in THROTTLED:
        return AwsError(f"AWS throttled {permission} ({code}) after {MAX_ATTEMPTS} attempts: retry later")
    if code == "ClientException" and "unable to describe task definition" in message.lower():
        return AwsError(f"task definition {subject} not found{where} ({permission}: {message})")
    if code == "ClusterNotFoundException":
        return AwsError(f"cluster {cluster or subject!r} not found{where}")
    if code == "ServiceNotFoundException":
        return AwsError(f"{subject} not found{where}")
    if code in SERVER_SIDE:
        return AwsError(f"AWS failed on {permission} ({code}) after {MAX_ATTEMPTS} attempts: {message}")
    return AwsError(f"{permission} on {subject} failed: {code or 'error'}: {message}")


def read_env_files(task: dict[str, Any], connect: Callable[[], LiveEcs]) -> EnvFiles:
    """Every `environmentFiles` object of a task definition, read from S3.

    `connect` is called only for a well-formed S3 ARN, so a malformed one is reported (ECS005)
    without credentials or network. An AWS failure on one object is that object's reason.
    """
    out = EnvFiles()
    for container in task.get("containerDefinitions") or []:
        if not isinstance(container, dict):
            continue
        for entry in container.get("environmentFiles") or []:
            arn = entry.get("value") if isinstance(entry, dict) else None
            if not isinstance(arn, str) or arn in out.bindings or arn in out.problems:
                continue
            where = s3_location(arn)
            if where is None:
                out.problems[arn] = "not an S3 object ARN: expected arn:aws:s3:::bucket/key.env"
                continue
            try:
                text, problem = connect().get_object(*where)
            except AwsError as exc:
                text, problem = None, str(exc)
            if text is None:
                out.problems[arn] = problem or "unreadable"
            else:
                out.bindings[arn] = parse_env_file(text)
    return out


def task_from_file(path: Path) -> dict[str, Any]:
    """A task definition saved as JSON (`aws ecs describe-task-definition` output, or the register shape)."""
    import json

    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot read: {exc}") from None
    except json.JSONDecodeError as exc:
        raise UsageError(f"{path}: not JSON (line {exc.lineno}: {exc.msg})") from None
    if isinstance(data, dict) and isinstance(data.get("taskDefinition"), dict):
        data = data["taskDefinition"]
    if not isinstance(data, dict) or not isinstance(data.get("containerDefinitions"), list):
        raise UsageError(f"{path}: not a task definition (no containerDefinitions)")
    return data


def live_doc(
    task: dict[str, Any],
    replicas: int | None,
    env_files: EnvFiles | None,
    source: Path | None = None,
    text: str | None = None,
) -> TaskDefinitionDoc:
    """A described task definition as the engine's TaskDefinitionDoc.

    `path` is `ecs:family:revision` (relative, so reports show it as is, with no line), or the
    saved JSON file it was read from (`source`, with `text` for line numbers). Env-file bindings
    and problems travel in `extra` for `targets_from_doc`.
    """
    family = task.get("family") if isinstance(task.get("family"), str) else "task-definition"
    revision = task.get("revision")
    name = f"{family}:{revision}" if isinstance(revision, int) else str(family)
    extra: dict[str, Any] = {"live": True}
    if env_files is not None:
        extra["env_files"] = {arn: list(rows) for arn, rows in env_files.bindings.items()}
        extra["env_file_problems"] = dict(env_files.problems)
    return TaskDefinitionDoc(
        containers=copy.deepcopy(task["containerDefinitions"]),
        path=source.absolute() if source is not None else Path(f"ecs:{name}"),
        line=1 if source is not None else None,
        family=name,
        replicas=replicas,
        text=text if source is not None else None,
        extra=extra,
    )
