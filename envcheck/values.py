"""The marker for a value envcheck cannot know, so no rule ever guesses it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Unknown:
    """A value that depends on something envcheck cannot see (a variable with no default,
    a data source, a module output). `reason` names it, e.g. `var.api_token`."""

    reason: str
    line: int | None = None

    def __str__(self) -> str:
        return f"<unknown: {self.reason}>"
