"""Crontabs: their schedule lines, and where in an image cron looks for them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from envcheck.sources.scripts.problems import Problem

CRON_MACROS = frozenset({"@reboot", "@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"})
CRON_FIELD = re.compile(r"^[\d*/,\-A-Za-z?LW#]+$")
# Usernames that mark a system crontab line (`* * * * * www-data php artisan …`).
KNOWN_USERS = frozenset(
    {"root", "www-data", "nginx", "apache", "nobody", "daemon", "app", "laravel", "www", "http", "sail", "forge"}
)
# Where cron reads crontabs in an image, and whether their lines name a user (system crontabs do).
IMAGE_CRONTABS = (
    ("/etc/cron.d/*", True),
    ("/etc/crontab", True),
    ("/var/spool/cron/crontabs/*", False),
    ("/etc/crontabs/*", False),
)


@dataclass(frozen=True)
class CronLine:
    schedule: str  # five fields joined by one space, or the @macro
    rest: str  # `[user] command`
    line: int

    def command(self, has_user: bool) -> str:
        """The command the line runs: after the user field when there is one, before its stdin."""
        text = self.rest.split(None, 1)[1] if has_user and len(self.rest.split(None, 1)) == 2 else self.rest
        return re.split(r"(?<!\\)%", text, maxsplit=1)[0]  # an unescaped % starts the command's stdin


def parse_crontab(text: str) -> tuple[list[CronLine], list[Problem]]:
    """Schedule lines of a crontab; environment lines and comments are skipped."""
    out: list[CronLine] = []
    problems: list[Problem] = []
    for number, raw in enumerate(text.splitlines(), 1):
        stripped = raw.strip()
        if not stripped or stripped.startswith("#") or re.match(r"^[A-Za-z_][A-Za-z0-9_]*\s*=", stripped):
            continue
        words = stripped.split(None, 1)
        if words[0].lower() in CRON_MACROS and len(words) == 2:
            out.append(CronLine(words[0].lower(), words[1], number))
            continue
        fields = stripped.split(None, 5)
        if len(fields) == 6 and all(CRON_FIELD.match(f) for f in fields[:5]):
            out.append(CronLine(" ".join(fields[:5]), fields[5], number))
        else:
            problems.append((number, "not a crontab line (five schedule fields and a command)"))
    return out, problems


def has_user_field(lines: list[CronLine]) -> bool:
    """A system crontab names a user after the schedule; detect it when nothing else says."""
    return any(len(c.rest.split()) > 1 and c.rest.split()[0] in KNOWN_USERS for c in lines)
