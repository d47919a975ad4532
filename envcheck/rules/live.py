"""Findings of `envcheck ecs` itself: environment files it could not read, and live drift.

The command reports them (they compare what ECS holds with S3 and with Terraform, which no
rule over one stack can see); they are registered here for their docs and metadata.
"""

from envcheck.model import Severity
from envcheck.rules.registry import documented

documented(
    "ECS005",
    "env-file-unreadable",
    Severity.WARNING,
    "taskdef",
    """A live task definition's `environmentFiles` object cannot be read, so its variables were not checked.

    Why: the variables in the file reach the container, but envcheck could not see them: a
    missing object, a bucket in another account, a missing `s3:GetObject` permission, or a value
    that is not an S3 object ARN. Rules that need every variable (REQ001, SEC003) skip the
    container rather than report variables as missing. When the object is really missing or
    malformed, the task itself fails to start (ECS reads the files when it starts a task).
    Example: `"environmentFiles": [{"value": "arn:aws:s3:::my-bucket", "type": "s3"}]` (no key),
    or an object the credentials envcheck runs with may not read.
    Fix: point the ARN at an existing `.env` object (`arn:aws:s3:::bucket/path/app.env`); give
    the credentials envcheck runs with `s3:GetObject` on it (the task execution role needs it too).
    Source: AWS ECS API reference, ContainerDefinition (environmentFiles: "processed from the top down",
    `environment` takes precedence).
    """,
)

documented(
    "DRF001",
    "live-differs-from-terraform",
    Severity.WARNING,
    "drift",
    """The live task definition's variables differ from the ones Terraform declares for its family.

    Why: someone registered a revision by hand (console, CLI, a CI script) or Terraform was not
    applied: the next `terraform apply` silently reverts the live values, or the repository no
    longer says what runs. Reported per variable or secret set on one side only, or set to a
    different value (secret values are compared, and shown masked). Values Terraform only knows at
    apply time are not compared.
    Example: `REPLICATE_POLLING_INTERVAL=5` live, `10` in `ecs.tf`; `SESSION_DOMAIN` removed in
    the console but still declared in Terraform.
    Fix: decide which side is right, then put it in Terraform and apply (or re-apply to undo the
    hand edit).
    Source: AWS ECS API reference, ContainerDefinition (environment, secrets); Terraform docs, Manage
    resource drift.
    """,
)

documented(
    "DRF002",
    "live-start-differs-from-terraform",
    Severity.WARNING,
    "drift",
    """The live container's command, entryPoint or image differs from what Terraform declares.

    Why: the container runs something the repository does not say (a hand-registered revision
    with another entrypoint or image): the processes envcheck checked in the repository are not
    the ones that run. An image Terraform only knows at apply time (an ECR URL from a resource)
    is not compared; CI pipelines that deploy new image tags on purpose usually declare
    `ignore_changes` for it.
    Example: live `command: ["php", "artisan", "queue:work"]`, none in `ecs.tf`.
    Fix: declare the command and image in Terraform (or the image tag as a variable) and apply.
    Source: AWS ECS API reference, ContainerDefinition (command, entryPoint, image).
    """,
)
