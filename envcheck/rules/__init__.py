"""Every rule family; importing this package registers them all."""

from envcheck.rules import dotenv, queue, required, scheduler, secrets, session, source, suppression, taskdef  # noqa: F401
