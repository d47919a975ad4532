"""What changed between two stacks (two revisions, two files): variables, secrets, command, image.

Values are compared as loaded and shown only through `Variable.shown`, so a secret that
changed shows two different masked hashes and never its value. Targets are paired by
family and container name; two stacks of one target each are paired whatever their names
(`.env.old` against `.env.new`).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any, Literal

from envcheck.model import Target, Variable

if TYPE_CHECKING:
    from envcheck.sources.taskdef import TaskDefinitionDoc
    from envcheck.stack import Stack

Kind = Literal["added", "removed", "changed"]
UNSET = "(unset)"


@dataclass(frozen=True)
class Change:
    """One difference; `old`/`new` are display values (secrets masked), None when absent."""

    kind: Kind
    what: str  # "environment", "secret", "command", "entryPoint", "image", "container"
    target: str  # the NEW target's id (the OLD one's when the container was removed)
    name: str
    old: str | None
    new: str | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def pair_key(target: Target, root: str | None = None) -> str:
    """`family/container` without the revision, so `fam:7/app` pairs with `fam:8/app`; a `.env`
    target by its path under `root` (the side's directory), so `a/.env` pairs with `b/.env`."""
    if target.family or target.container:
        family = (target.family or "").rsplit(":", 1)[0]
        return f"{family}/{target.container or ''}"
    if root is not None and target.dotenv_path:
        return os.path.relpath(target.dotenv_path, root)
    return target.id


def pair(
    before: list[Target], after: list[Target], roots: tuple[str | None, str | None] = (None, None)
) -> list[tuple[Target | None, Target | None]]:
    """OLD and NEW targets, paired; a side is None when the target exists on one side only.
    One target on each side is a pair whatever the names."""
    if len(before) == 1 and len(after) == 1:
        return [(before[0], after[0])]
    old_root, new_root = roots[0] or _dotenv_root(before), roots[1] or _dotenv_root(after)
    old_by = {pair_key(t, old_root): t for t in before}
    new_by = {pair_key(t, new_root): t for t in after}
    pairs: list[tuple[Target | None, Target | None]] = [(old_by.get(k), t) for k, t in new_by.items()]
    pairs.extend((t, None) for k, t in old_by.items() if k not in new_by)
    return pairs


def _dotenv_root(targets: list[Target]) -> str | None:
    """Without a known root, `.env` files are keyed under the directory they have in common."""
    dirs = [os.path.dirname(t.dotenv_path) or "." for t in targets if t.dotenv_path]
    if not dirs:
        return None
    try:
        return os.path.commonpath(dirs) or "."
    except ValueError:  # absolute and relative paths mixed
        return None


def pair_targets(
    old: Stack, new: Stack, roots: tuple[str | None, str | None] = (None, None)
) -> list[tuple[Target | None, Target | None]]:
    """The runnable targets of two stacks, paired."""
    return pair(old.runnable(), new.runnable(), roots)


def effective(target: Target) -> dict[str, Variable]:
    """The binding that wins for each name (the last one, as in dotenv and ECS)."""
    out: dict[str, Variable] = {}
    for var in target.variables:
        out[var.name] = var
    return out


def _same(a: Variable, b: Variable) -> bool:
    """Equal values; two unknown values cannot be told apart, so they are not a change."""
    return a.value == b.value


def _shown(var: Variable, secret: bool) -> str:
    """Masked when either side calls it a secret, so a value is never shown on one side only."""
    if secret and not var.secret and var.value:
        return var.model_copy(update={"secret": True}).shown
    return var.shown


def variable_changes(old: Target, new: Target, secret_names: frozenset[str] = frozenset()) -> list[Change]:
    """Variables added, removed or changed; `secret_names` are masked whatever their value looks like."""
    before, after = effective(old), effective(new)
    out = []
    for name, var in after.items():
        prev = before.get(name)
        if prev is None:
            out.append(Change("added", "environment", new.id, name, None, _shown(var, name in secret_names)))
        elif not _same(prev, var):
            secret = prev.secret or var.secret or name in secret_names
            out.append(Change("changed", "environment", new.id, name, _shown(prev, secret), _shown(var, secret)))
    for name, var in before.items():
        if name not in after:
            out.append(Change("removed", "environment", new.id, name, _shown(var, name in secret_names), None))
    return out


def secret_changes(old: Target, new: Target) -> list[Change]:
    """`secrets[]` references (ARNs are not secret: they are shown)."""
    before = {s.name: s.value_from or "<unknown>" for s in old.secrets}
    after = {s.name: s.value_from or "<unknown>" for s in new.secrets}
    out = []
    for name, ref in after.items():
        if name not in before:
            out.append(Change("added", "secret", new.id, name, None, ref))
        elif before[name] != ref:
            out.append(Change("changed", "secret", new.id, name, before[name], ref))
    out.extend(
        Change("removed", "secret", new.id, name, ref, None) for name, ref in before.items() if name not in after
    )
    return out


def _argv(value: tuple[str, ...] | None) -> str | None:
    import shlex

    return None if value is None else shlex.join(value)


def start_changes(
    old: Target, new: Target, images: tuple[dict[str, str], dict[str, str]] | None = None
) -> list[Change]:
    """command, entryPoint and image of a container."""
    out = []
    for what, a, b in (
        ("command", _argv(old.command), _argv(new.command)),
        ("entryPoint", _argv(old.entry_point), _argv(new.entry_point)),
    ):
        if a != b:
            kind: Kind = "added" if a is None else "removed" if b is None else "changed"
            out.append(Change(kind, what, new.id, what, a, b))
    if images is not None:
        a, b = images[0].get(old.id), images[1].get(new.id)
        if a != b:
            kind = "added" if a is None else "removed" if b is None else "changed"
            out.append(Change(kind, "image", new.id, "image", a, b))
    return out


def diff_targets(
    pairs: list[tuple[Target | None, Target | None]], images: tuple[dict[str, str], dict[str, str]] | None = None
) -> list[Change]:
    """Every change from OLD to NEW, pair by pair."""
    out: list[Change] = []
    for before, after in pairs:
        if before is None and after is not None:
            out.append(Change("added", "container", after.id, after.container or after.id, None, after.id))
        elif after is None and before is not None:
            out.append(Change("removed", "container", before.id, before.container or before.id, before.id, None))
        elif before is not None and after is not None:
            out.extend(variable_changes(before, after))
            out.extend(secret_changes(before, after))
            out.extend(start_changes(before, after, images))
    return out


def diff_stacks(
    old: Stack,
    new: Stack,
    images: tuple[dict[str, str], dict[str, str]] | None = None,
    roots: tuple[str | None, str | None] = (None, None),
) -> list[Change]:
    """Every change from OLD to NEW, container by container."""
    return diff_targets(pair_targets(old, new, roots), images)


def images_of(docs: Iterable[TaskDefinitionDoc]) -> dict[str, str]:
    """Target id -> image, for the containers whose image is a known string (ids as `targets_from_doc` makes them)."""
    from envcheck.fs import display_path

    out = {}
    for doc in docs:
        if not isinstance(doc.containers, list):
            continue
        shown_path = display_path(doc.path) if doc.path.is_absolute() else str(doc.path)
        base = doc.family if isinstance(doc.family, str) and doc.family else (doc.address or shown_path)
        for index, container in enumerate(doc.containers):
            if not isinstance(container, dict):
                continue
            name = container.get("name")
            cname = name if isinstance(name, str) else f"container[{index}]"
            image = container.get("image")
            if isinstance(image, str):
                out[f"{base}/{cname}"] = image
    return out
