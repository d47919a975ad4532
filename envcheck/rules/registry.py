"""The rule registry: code, name, severity and docs, read by the engine, `rules` and `explain`.

A rule is a function over the `Stack` that yields `Hit`s; the engine turns hits into findings
with the rule's metadata. Rules whose findings come from the loaders (SRC, DOT001) register
with `check=None` so they still have docs.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from envcheck.model import Finding, Location, Severity

if TYPE_CHECKING:
    from envcheck.stack import Stack


@dataclass(frozen=True)
class Hit:
    """What a rule found; the engine adds the rule's code, name and severity."""

    message: str
    location: Location | None = None
    target: str | None = None
    variable: str | None = None
    severity: Severity | None = None  # overrides the default (e.g. SES003 for localhost)


Check = Callable[["Stack"], Iterable[Hit]]


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: Severity
    family: str
    doc: str
    check: Check | None

    @property
    def summary(self) -> str:
        return self.doc.strip().splitlines()[0] if self.doc.strip() else self.name

    def sections(self) -> dict[str, str]:
        """The docstring split into its What / Why / Example / Fix sections."""
        out: dict[str, str] = {"What": self.summary}
        current = None
        for raw in self.doc.splitlines()[1:]:
            line = raw.strip()
            head, _, rest = line.partition(":")
            if head in {"Why", "Example", "Fix", "Source"} and _:
                current = head
                out[current] = rest.strip()
            elif current and line:
                out[current] = f"{out[current]} {line}".strip()
        return {k: v if k == "Source" else v[:1].upper() + v[1:] for k, v in out.items()}

    def run(self, stack: Stack) -> Iterator[Finding]:
        if self.check is None:
            return
        for hit in self.check(stack):
            yield Finding(
                code=self.code,
                name=self.name,
                severity=hit.severity or self.severity,
                message=hit.message,
                location=hit.location,
                target=hit.target,
                variable=hit.variable,
            )


RULES: dict[str, Rule] = {}


def rule(code: str, name: str, severity: Severity, family: str) -> Callable[[Check], Check]:
    def register(func: Check) -> Check:
        _add(Rule(code, name, severity, family, inspect.getdoc(func) or "", func))
        return func

    return register


def documented(code: str, name: str, severity: Severity, family: str, doc: str) -> None:
    """A rule whose findings a loader reports; registered for its docs and metadata."""
    _add(Rule(code, name, severity, family, inspect.cleandoc(doc), None))


def _add(r: Rule) -> None:
    if r.code in RULES:
        raise ValueError(f"duplicate rule code {r.code}")
    RULES[r.code] = r


def all_rules() -> list[Rule]:
    load_rules()
    return [RULES[c] for c in sorted(RULES)]


def load_rules() -> None:
    import envcheck.rules  # noqa: F401  (registers every family on import)


def make_finding(
    code: str, message: str, location: Location | None, target: str | None = None, variable: str | None = None
) -> Finding:
    """A finding reported outside a rule function (by a loader), with the rule's metadata."""
    load_rules()
    r = RULES[code]
    return Finding(
        code=code,
        name=r.name,
        severity=r.severity,
        message=message,
        location=location,
        target=target,
        variable=variable,
    )
