"""The work budget: each evaluated value may take so many steps, so hostile input cannot hang a scan.

Self-multiplying locals or huge loops run the budget out; `guarded` turns that (and anything else
the files make evaluation raise) into an Unknown for the one value, not a failed scan.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from typing import TypeVar

from envcheck.values import Unknown

_WORK_LIMIT = 300_000  # evaluation steps (and 64-char units of text made) allowed per evaluated value
_T = TypeVar("_T")
_work: contextvars.ContextVar[list[int]] = contextvars.ContextVar("envcheck_terraform_work")


class _TooMuch(Exception):
    """The work budget ran out: deliberately huge or self-multiplying input (locals that double a list)."""


def spend(units: int = 1) -> None:
    left = _work.get(None)
    if left is not None:
        left[0] -= units
        if left[0] < 0:
            raise _TooMuch


def guarded(compute: Callable[[], _T], line: int | None, what: str) -> _T | Unknown:
    """Run one evaluation with a fresh work budget: whatever the files make it raise becomes an Unknown."""
    token = _work.set([_WORK_LIMIT])
    try:
        return compute()
    except _TooMuch:
        return Unknown(f"{what} takes too much work to evaluate", line)
    except RecursionError:
        return Unknown(f"{what} is nested too deeply to evaluate", line)
    except Exception as exc:  # one odd value must not cost the other task definitions
        return Unknown(f"{what} could not be evaluated ({exc.__class__.__name__})", line)
    finally:
        _work.reset(token)
