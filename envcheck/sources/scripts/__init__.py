"""What a container runs, read from its Dockerfile, start scripts, supervisord, crontabs and compose files.

Nothing is executed. The container's start (ENTRYPOINT + CMD, or the task definition's override)
is followed through the scripts it reaches with a small structural shell parser, so a script
that exists but that nothing starts contributes nothing. Each command found becomes a
`Process` that says how it runs: in the background, in a `while … sleep` loop, under
supervisord or cron, behind a foreground command that never returns, or as the main process.

Modules, from the bottom up: `shell_tokens` and `shell` (a script's structure), `commands`
(what one command line means), `dockerfile`, `supervisord`, `cron`, `compose` and `procfile`
(the files that say what starts), `repo_files` (each parsed once, found by name),
`process_managers` (what supervisord and cron read), `walk_state`, `control_flow` and `walk`
(following a start), and `index` (`ProcessIndex`, the entry point); `problems` and
`safe_paths` are shared by the readers.
"""

from envcheck.sources.scripts.commands import artisan_args, never_returns
from envcheck.sources.scripts.compose import ComposeService, parse_compose
from envcheck.sources.scripts.cron import CronLine, parse_crontab
from envcheck.sources.scripts.dockerfile import CopyEntry, DockerfileInfo, RunStep, parse_dockerfile
from envcheck.sources.scripts.index import ContainerStart, ProcessIndex
from envcheck.sources.scripts.procfile import parse_procfile
from envcheck.sources.scripts.shell import parse_shell
from envcheck.sources.scripts.supervisord import Program, SupervisorConf, parse_supervisord

__all__ = [
    "ComposeService",
    "ContainerStart",
    "CopyEntry",
    "CronLine",
    "DockerfileInfo",
    "ProcessIndex",
    "Program",
    "RunStep",
    "SupervisorConf",
    "artisan_args",
    "never_returns",
    "parse_compose",
    "parse_crontab",
    "parse_dockerfile",
    "parse_procfile",
    "parse_shell",
    "parse_supervisord",
]
