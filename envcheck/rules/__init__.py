"""Every rule family; importing this package registers them all."""

from envcheck.rules import (  # noqa: F401
    dotenv,
    live,
    queue,
    required,
    scheduler,
    secrets,
    session,
    source,
    suppression,
    taskdef,
    transition,
)
