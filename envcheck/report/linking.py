"""`--verbose`: how envcheck linked what it read, so a surprising finding (or a silent rule) can be
traced to the files behind it. Written to stderr; values are never shown, only names and places."""

from __future__ import annotations

from envcheck.fs import display_path
from envcheck.model import Process, Target
from envcheck.stack import Stack


def describe_stack(stack: Stack) -> list[str]:
    lines = [f"envcheck: {stack.files} file(s) read; profile {stack.profile.name}"]
    for app in stack.apps:
        version = app.version or "unknown version"
        lines.append(f"  laravel app at {display_path(app.root)} ({version}): {len(app.schedules)} scheduled task(s)")
    for target in stack.targets:
        lines += _target(target)
    for template in stack.templates:
        lines.append(f"  template {template.id}: declares {len(template.variables)} variable(s)")
    return lines


def _target(target: Target) -> list[str]:
    replicas = f", {target.replicas} replica(s)" if target.replicas is not None else ""
    head = f"  {target.kind} {target.id} ({target.location}{replicas}): {len(target.variables)} variable(s)"
    if target.secrets:
        head += f", {len(target.secrets)} secret reference(s)"
    lines = [head]
    if target.kind != "deployed":
        return lines
    if not target.processes_known:
        reason = target.start_unknown or "no command, entryPoint or Dockerfile to follow"
        return [*lines, f"    runs: unknown ({reason}): queue and scheduler rules skip the stack"]
    how = "its own command/entryPoint" if target.command or target.entry_point else "the Dockerfile's start"
    lines.append(f"    runs ({how}):")
    return lines + [f"      {_process(p)}" for p in target.processes] if target.processes else [*lines, "      nothing"]


def _process(process: Process) -> str:
    flags = [
        name
        for name, on in (
            ("main", process.main),
            ("background", process.backgrounded),
            ("supervised", process.supervised),
            ("conditional", process.conditional),
        )
        if on
    ]
    if process.loop_sleep is not None:
        flags.append(f"loop sleep {process.loop_sleep}")
    if process.cron:
        flags.append(f"cron {process.cron}")
    if process.after_foreground:
        flags.append(f"never reached (after {process.after_foreground})")
    shown = process.text if len(process.text) <= 80 else process.text[:77] + "..."
    suffix = f" [{', '.join(flags)}]" if flags else ""
    return f"{shown}{suffix}  ({process.location})"
