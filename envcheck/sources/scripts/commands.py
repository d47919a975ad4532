"""What one command line means: the program behind its wrappers, the shell text it runs, and whether it returns.

Knows the programs of PHP/Laravel containers by name: wrappers (`gosu`, `tini`, `env A=B`),
shells and `su -c`, the commands that stay in the foreground until the container stops, and
the noise (builtins, file utilities, probes) that is not worth keeping as a process.
"""

from __future__ import annotations

import posixpath
import re
import shlex
from dataclasses import dataclass

SHELLS = frozenset({"sh", "bash", "dash", "ash", "zsh", "ksh", "mksh"})

# fmt: off
# Commands that are not processes worth keeping: builtins, file and text utilities, probes.
NOISE = frozenset(
    {
        ":", "[", "[[", "true", "false", "test", "echo", "printf", "cd", "pushd", "popd", "export", "set", "unset",
        "local", "declare", "typeset", "readonly", "shift", "return", "exit", "break", "continue", "read", "wait",
        "trap", "umask", "ulimit", "alias", "let", "hash", "type", "sleep", "mkdir", "rmdir", "chown", "chgrp",
        "chmod", "cp", "mv", "rm", "ln", "cat", "touch", "ls", "pwd", "install", "env", "printenv", "tee", "grep",
        "sed", "awk", "head", "cut", "tr", "sort", "uniq", "wc", "find", "basename", "dirname", "date", "id",
        "whoami", "hostname", "uname", "envsubst", "which", "stat", "sync", "nc", "curl", "wget", "ping", "getent",
        "usermod", "groupmod", "useradd", "groupadd", "adduser", "addgroup", "tail"
    }
)
# Programs envcheck knows; a name among them is never matched against the repo's scripts.
KNOWN_PROGRAMS = frozenset(
    {
        "php", "apache2-foreground", "httpd-foreground", "apache2ctl", "apachectl", "apache2", "httpd", "nginx",
        "supervisord", "supervisorctl", "cron", "crond", "busybox", "supercronic", "crontab", "node", "npm",
        "composer", "frankenphp", "rr", "caddy", "tini", "tini-static", "dumb-init", "gosu", "su-exec", "su",
        "runuser", "setpriv", "sudo", "doas", "timeout", "nohup", "nice", "ionice", "stdbuf", "chpst",
        "s6-setuidgid", "docker-php-entrypoint", "python", "python3", "redis-server", "eval", "exec", "source", ".",
        "artisan"
    }
)
# fmt: on
# Entrypoints of official images that only `exec "$@"`: their CMD is the command.
PASSTHROUGH = frozenset({"docker-php-entrypoint", "docker-entrypoint.sh"})
# Artisan commands that run until stopped.
ARTISAN_FOREVER = frozenset(
    {"horizon", "schedule:work", "queue:listen", "octane:start", "reverb:start", "pulse:check", "pulse:work", "serve"}
)

# wrapper -> (options that take a value, operands before the command). `su`/`sh -c` are handled apart.
WRAPPERS: dict[str, tuple[frozenset[str], int]] = {
    "nohup": (frozenset(), 0),
    "command": (frozenset(), 0),
    "time": (frozenset({"-f", "-o"}), 0),
    "nice": (frozenset({"-n", "--adjustment"}), 0),
    "ionice": (frozenset({"-c", "-n", "--class", "--classdata"}), 0),
    "stdbuf": (frozenset({"-i", "-o", "-e"}), 0),
    "tini": (frozenset({"-p", "-e"}), 0),
    "tini-static": (frozenset({"-p", "-e"}), 0),
    "dumb-init": (frozenset({"-r", "--rewrite"}), 0),
    "gosu": (frozenset(), 1),
    "su-exec": (frozenset(), 1),
    "s6-setuidgid": (frozenset(), 1),
    "timeout": (frozenset({"-s", "-k", "--signal", "--kill-after"}), 1),
    "setpriv": (
        frozenset({"--reuid", "--regid", "--groups", "--inh-caps", "--ambient-caps", "--bounding-set", "--securebits"}),
        0,
    ),
    "sudo": (frozenset({"-u", "-g", "-C", "-D", "-h", "-p", "-r", "-t", "-U", "--user", "--group", "--chdir"}), 0),
    "doas": (frozenset({"-u", "-C"}), 0),
    "runuser": (frozenset({"-u", "-g", "-G", "--user", "--group", "--supp-group", "-w"}), 0),
    "chpst": (frozenset({"-u", "-U", "-b", "-e", "-n", "-l", "-L", "-m", "-d", "-o", "-p", "-f", "-c"}), 0),
    "env": (frozenset({"-u", "--unset", "-C", "--chdir"}), 0),
}

ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")


def split_command(text: str) -> tuple[str, ...]:
    """A command string split as compose and supervisord do; on whitespace when its quotes do not close."""
    try:
        return tuple(shlex.split(text))
    except ValueError:
        return tuple(text.split())


def resolve_wrappers(argv: tuple[str, ...]) -> tuple[tuple[str, ...], str | None]:
    """The command behind its wrappers, and the shell text it runs when it is `sh -c TEXT` and the like."""
    for _ in range(16):
        if not argv:
            return argv, None
        text = shell_string(argv)
        if text is not None:
            return argv, text
        inner = unwrap_once(argv)
        if inner is None:
            return argv, None
        argv = inner
    return argv, None


def unwrap_once(argv: tuple[str, ...]) -> tuple[str, ...] | None:
    """The command a wrapper (`nohup`, `gosu U`, `tini --`, `env A=B`, `VAR=x`…) runs; None if not one."""
    if argv and ASSIGNMENT.match(argv[0]):
        rest = argv[1:]
        while rest and ASSIGNMENT.match(rest[0]):
            rest = rest[1:]
        return rest
    base = posixpath.basename(argv[0]) if argv else ""
    if base == "busybox" and len(argv) > 1 and argv[1] in SHELLS:
        return argv[1:]
    if base not in WRAPPERS:
        return None
    with_value, operands = WRAPPERS[base]
    i = 1
    while i < len(argv) and _is_wrapper_option(base, argv[i]):
        word = argv[i]
        i += 1
        if word == "--":
            break
        if word in with_value:
            i += 1
    return argv[i + operands :]


def _is_wrapper_option(wrapper: str, word: str) -> bool:
    if wrapper == "env" and (word == "-" or ASSIGNMENT.match(word)):
        return True
    return word.startswith("-") and word != "-"


def shell_string(argv: tuple[str, ...]) -> str | None:
    """The shell text of `sh -c TEXT`, `su … -c TEXT`, `runuser … -c TEXT`, `eval TEXT`; else None."""
    base = posixpath.basename(argv[0])
    if base == "eval":
        return " ".join(argv[1:])
    if base in ("su", "runuser"):
        return _su_command(argv[1:])
    if base not in SHELLS:
        return None
    has_c, i = False, 1
    while i < len(argv):
        word = argv[i]
        if word == "--":
            i += 1
            break
        if word in ("-o", "+o", "-O", "+O"):
            i += 2
            continue
        if not word.startswith(("-", "+")) or word in ("-", "+"):
            break
        if word.startswith("-") and not word.startswith("--") and "c" in word[1:]:
            has_c = True
        i += 1
    if not has_c:
        return None
    return argv[i] if i < len(argv) else ""


def _su_command(args: tuple[str, ...]) -> str | None:
    i = 0
    while i < len(args):
        word = args[i]
        if word in ("-c", "--command", "--session-command"):
            return args[i + 1] if i + 1 < len(args) else ""
        if word.startswith(("--command=", "--session-command=")):
            return word.split("=", 1)[1]
        if word in ("-s", "--shell", "-g", "--group", "-G", "--supp-group", "-w", "-u", "--user"):
            i += 1
        elif len(word) > 2 and word[0] == "-" and word[1] != "-" and word.endswith("c"):
            return args[i + 1] if i + 1 < len(args) else ""
        i += 1
    return None


def exec_operands(argv: tuple[str, ...]) -> tuple[str, ...]:
    """The command after `exec` and its own options (`-a NAME`, `-c`, `-l`)."""
    while argv and argv[0] in ("-a", "-c", "-l", "--"):
        argv = argv[2:] if argv[0] == "-a" else argv[1:]
    return argv


def option_value(args: tuple[str, ...], short: str, long: str) -> str | None:
    """The value of `-c VALUE`, `--configuration VALUE` or `--configuration=VALUE`."""
    for i, word in enumerate(args):
        if word in (short, long) and i + 1 < len(args):
            return args[i + 1]
        if word.startswith(long + "="):
            return word.split("=", 1)[1]
    return None


@dataclass(frozen=True)
class ScriptCall:
    word: str
    args: tuple[str, ...]
    sourced: bool
    explicit: bool  # run by a shell (`bash x`) or sourced: surely a script


def script_call(argv: tuple[str, ...]) -> ScriptCall | None:
    """`./x.sh a`, `bash x.sh a`, `. x.sh`, `source x.sh` as a call of a script; None otherwise."""
    base = posixpath.basename(argv[0])
    if base in (".", "source"):
        return ScriptCall(argv[1], argv[2:], True, True) if len(argv) > 1 else None
    if base in SHELLS:
        i = 1
        while i < len(argv) and argv[i].startswith(("-", "+")) and argv[i] not in ("-", "--"):
            i += 2 if argv[i] in ("-o", "+o") else 1
        i += i < len(argv) and argv[i] == "--"
        return ScriptCall(argv[i], argv[i + 1 :], False, True) if i < len(argv) else None
    if base in NOISE or base in KNOWN_PROGRAMS:
        return None
    return ScriptCall(argv[0], argv[1:], False, False)


def looks_like_script(word: str) -> bool:
    return word.endswith((".sh", ".bash"))


def is_known(argv: tuple[str, ...]) -> bool:
    """A program whose behaviour envcheck knows (so a start that ends in it is understood)."""
    base = posixpath.basename(argv[0])
    return base in KNOWN_PROGRAMS or base in NOISE or re.match(r"^php[\d.-]", base) is not None or never_returns(argv)


def artisan_args(argv: tuple[str, ...]) -> tuple[str, ...] | None:
    """The words after `artisan` (`php artisan queue:work` -> `queue:work`); None when it is not artisan."""
    for i, arg in enumerate(argv):
        if arg == "artisan" or arg.endswith("/artisan"):
            return argv[i + 1 :]
    return None


def never_returns(argv: tuple[str, ...]) -> bool:
    """Whether a command runs in the foreground until the container stops."""
    base, rest = posixpath.basename(argv[0]), argv[1:]
    artisan = artisan_args(argv)
    if artisan is not None:
        command = artisan[0] if artisan else ""
        if command == "queue:work":
            return not any(a.startswith(f"--{f}") for a in artisan for f in ("once", "stop-when-empty", "max-"))
        return command in ARTISAN_FOREVER
    if base in ("apache2-foreground", "httpd-foreground", "supercronic"):
        return True
    if base in ("apache2ctl", "apachectl", "httpd", "apache2"):
        return "FOREGROUND" in " ".join(rest)
    if re.fullmatch(r"php-fpm[\d.]*", base):
        return not any(a in ("-D", "--daemonize") for a in rest)
    if base == "nginx":
        return any("daemon off" in a for a in rest)
    if base == "supervisord":
        return any(a in ("-n", "--nodaemon") for a in rest)
    if base in ("cron", "crond") or (base == "busybox" and rest[:1] == ("crond",)):
        return any(re.fullmatch(r"-\w*[fn]\w*", a) for a in rest)
    if base == "tail":
        return any(a in ("-f", "-F", "--follow") or re.fullmatch(r"-\w*[fF]\w*", a) is not None for a in rest)
    if base == "sleep":
        return rest[:1] in (("infinity",), ("inf",))
    return False
