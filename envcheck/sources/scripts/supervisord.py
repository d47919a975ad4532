"""supervisord configuration: the programs it starts, the files it includes, and whether it stays in front."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from envcheck.sources.scripts.problems import Problem

SUPERVISORD_DEFAULTS = ("/etc/supervisor/supervisord.conf", "/etc/supervisord.conf")  # read without `-c`
SUPERVISOR_SECTIONS = re.compile(r"^(program:|supervisord$|include$|group:|unix_http_server$|supervisorctl$)")


@dataclass(frozen=True)
class Program:
    name: str
    command: str
    line: int
    autostart: bool = True


@dataclass
class SupervisorConf:
    programs: list[Program] = field(default_factory=list)
    includes: list[str] = field(default_factory=list)
    nodaemon: bool = False


def parse_supervisord(text: str) -> tuple[SupervisorConf, list[Problem]]:
    """The programs of a supervisord conf (INI, read leniently: it may be another tool's conf.d file)."""
    conf = SupervisorConf()
    problems: list[Problem] = []
    sections: dict[str, dict[str, tuple[str, int]]] = {}
    headers: dict[str, int] = {}
    current: dict[str, tuple[str, int]] | None = None
    key = None
    odd_lines: list[int] = []
    for number, raw in enumerate(text.splitlines(), 1):
        stripped = raw.strip()
        if not stripped or stripped.startswith((";", "#")):
            continue
        if stripped.startswith("[") and stripped.endswith("]"):
            name = stripped[1:-1].strip()
            current = sections.setdefault(name, {})
            headers.setdefault(name, number)
            key = None
        elif current is not None and raw[:1] in (" ", "\t") and key is not None:
            value, line = current[key]
            current[key] = (f"{value} {stripped}", line)
        elif current is not None and re.match(r"^[\w.-]+\s*[=:]", stripped):
            name, _, value = re.split(r"\s*([=:])\s*", stripped, maxsplit=1)
            key = name.lower()
            current[key] = (re.sub(r"\s+;.*$", "", value).strip(), number)
        else:
            odd_lines.append(number)
    if not any(SUPERVISOR_SECTIONS.match(name) for name in sections):
        return conf, []  # not a supervisord file
    problems += [(n, "not a supervisord line") for n in odd_lines[:1]]
    for name, values in sections.items():
        if name.startswith("program:"):
            program = _program(name[len("program:") :], values)
            if program is None:
                problems.append((headers[name], f"[{name}] has no command"))
            else:
                conf.programs.append(program)
        elif name == "include" and "files" in values:
            conf.includes += values["files"][0].split()
        elif name == "supervisord" and "nodaemon" in values:
            conf.nodaemon = values["nodaemon"][0].lower() in ("true", "1", "yes", "on")
    return conf, problems


def _program(name: str, values: dict[str, tuple[str, int]]) -> Program | None:
    if "command" not in values:
        return None
    command, line = values["command"]
    autostart = values.get("autostart", ("true", 0))[0].lower() not in ("false", "0", "no", "off")
    return Program(name, command, line, autostart)
