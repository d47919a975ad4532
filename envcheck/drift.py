"""Live against declared: the live task definition compared with the one Terraform declares.

The comparison is `envcheck.diff` with Terraform as OLD and live as NEW; each change becomes a
DRF finding that points at the Terraform line to edit. Values Terraform cannot know before
apply (Unknown) are never compared.
"""

from __future__ import annotations

from envcheck.diff import Change, images_of, pair, secret_changes, start_changes, variable_changes
from envcheck.model import Finding, Location, Target
from envcheck.rules.common import where
from envcheck.rules.registry import make_finding
from envcheck.sources.taskdef import TaskDefinitionDoc


def _bare(family: str | None) -> str:
    return (family or "").rsplit(":", 1)[0]


def declared_for(family: str, docs: list[TaskDefinitionDoc]) -> list[TaskDefinitionDoc]:
    """The Terraform task definitions of `family` (revision ignored)."""
    return [doc for doc in docs if isinstance(doc.family, str) and _bare(doc.family) == _bare(family)]


def drift(
    live: list[Target],
    declared: list[Target],
    images: tuple[dict[str, str], dict[str, str]],
    secret_names: frozenset[str] = frozenset(),
) -> list[Finding]:
    """DRF001 for variables and secrets, DRF002 for command, entryPoint and image."""
    out = []
    for tf, now in pair(declared, live):
        if now is None and tf is not None:
            out.append(
                make_finding(
                    "DRF001",
                    f"container {tf.container!r} is declared in Terraform but does not run live",
                    tf.location,
                    tf.id,
                )
            )
            continue
        if now is None:
            continue
        if tf is None:
            out.append(
                make_finding(
                    "DRF001",
                    f"container {now.container!r} runs live but Terraform does not declare it",
                    now.location,
                    now.id,
                )
            )
            continue
        known = [c for c in variable_changes(tf, now, secret_names) if not _unknown_in_terraform(tf, c)]
        out.extend(_variable_finding(c, tf) for c in known + secret_changes(tf, now))
        if not tf.start_unknown:
            starts = start_changes(tf, now, images)
            out.extend(_start_finding(c, tf) for c in starts if not (c.what == "image" and c.old is None))
    return out


def _unknown_in_terraform(tf: Target, change: Change) -> bool:
    var = tf.get(change.name)
    return var is not None and var.value is None


def _declared_at(tf: Target, name: str) -> Location:
    return where(tf, name)


def _variable_finding(change: Change, tf: Target) -> Finding:
    what = "secret" if change.what == "secret" else "variable"
    at = _declared_at(tf, change.name)
    if change.kind == "added":
        message = f"{what} {change.name} is set live to {change.new!r} but Terraform does not declare it"
    elif change.kind == "removed":
        message = f"{what} {change.name} is declared in Terraform as {change.old!r} but absent live"
    else:
        message = f"{what} {change.name} differs: live {change.new!r}, Terraform {change.old!r}"
    return make_finding("DRF001", message, at, change.target, change.name)


def _start_finding(change: Change, tf: Target) -> Finding:
    live = change.new if change.new is not None else "none"
    declared = change.old if change.old is not None else "none"
    return make_finding(
        "DRF002",
        f"{change.what} differs: live {live!r}, Terraform {declared!r}",
        tf.location,
        change.target,
    )


__all__ = ["declared_for", "drift", "images_of"]
