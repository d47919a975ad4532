"""What supervisord and cron read in an image: the supervisord confs, and the crontabs installed or copied in."""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

from envcheck.sources.scripts.commands import option_value
from envcheck.sources.scripts.cron import IMAGE_CRONTABS
from envcheck.sources.scripts.dockerfile import DockerfileInfo
from envcheck.sources.scripts.repo_files import RepoFiles
from envcheck.sources.scripts.safe_paths import repo_glob
from envcheck.sources.scripts.supervisord import SUPERVISORD_DEFAULTS, SupervisorConf

Crontab = tuple[Path, bool | None]  # a crontab file, and whether its lines name a user (None: look at them)


def supervisord_confs(
    argv: tuple[str, ...], files: RepoFiles, docker: DockerfileInfo | None, script_dir: Path | None
) -> tuple[list[tuple[Path, SupervisorConf | None]], bool]:
    """The confs a `supervisord` command reads, parsed, and whether its main conf keeps it in front (nodaemon)."""
    conf_word = option_value(argv[1:], "-c", "--configuration")
    main = files.find(conf_word, "supervisord", docker, script_dir) if conf_word else None
    if conf_word is None and docker is not None:
        for default in SUPERVISORD_DEFAULTS:
            main = docker.resolve(default)
            if main is not None:
                conf_word = default
                break
    confs = _included_confs(files, docker, main, conf_word)
    parsed = [(path, files.supervisor_conf(path)) for path in confs]
    nodaemon = any(conf.nodaemon for path, conf in parsed if conf and (main is None or path == main))
    return parsed, nodaemon


def _included_confs(
    files: RepoFiles, docker: DockerfileInfo | None, main: Path | None, conf_word: str | None
) -> list[Path]:
    """The main conf and what its `[include]` names; without one, the image's conf.d or every discovered conf."""
    if main is None:
        found = docker.glob("/etc/supervisor/conf.d/*.conf") if docker else []
        return found or list(files.supervisord_paths)
    confs = [main]
    conf = files.supervisor_conf(main)
    for pattern in conf.includes if conf else []:
        image_pattern = posixpath.join(posixpath.dirname(posixpath.join("/", conf_word or "")), pattern)
        matches = docker.glob(image_pattern) if docker else []
        if not matches:
            matches = repo_glob(main.parent, pattern, files.ctx)
        confs += matches or [p for p in files.supervisord_paths if p != main]
    return list(dict.fromkeys(confs))


def crontab_file(
    argv: tuple[str, ...], files: RepoFiles, docker: DockerfileInfo | None, script_dir: Path | None
) -> Path | None:
    """The repo file `crontab [-u USER] FILE` installs; None for stdin or a file not found."""
    words = [w for w in argv[1:] if not w.startswith("-")]
    if "-u" in argv and len(words) > 1:
        words = words[1:]
    if words and words[-1] != "-":
        return files.find(words[-1], "crontab", docker, script_dir)
    return None


def supercronic_crontabs(
    argv: tuple[str, ...], files: RepoFiles, docker: DockerfileInfo | None, script_dir: Path | None
) -> list[Crontab]:
    """The crontab `supercronic FILE` runs; every discovered crontab when that file is not found."""
    words = [w for w in argv[1:] if not w.startswith("-")]
    found = files.find(words[-1], "crontab", docker, script_dir) if words else None
    return [(found, False)] if found else [(p, False) for p in files.crontab_paths]


def installed_crontabs(installed: list[Crontab], files: RepoFiles, docker: DockerfileInfo | None) -> list[Crontab]:
    """Crontabs the image installs: `crontab FILE`, or copies into cron's directories."""
    found = list(installed)
    if docker is not None:
        for step in docker.runs:
            for word in re.findall(r"(?:^|[\s;&|(])crontab\s+(?:-u\s+\S+\s+)?([^\s;&|)-][^\s;&|)]*)", step.text):
                path = docker.resolve(word) if step.final else None
                if path is not None:
                    found.append((path, False))
        for pattern, has_user in IMAGE_CRONTABS:
            found += [(p, has_user) for p in docker.glob(pattern)]
    return found or [(p, None) for p in files.crontab_paths]


# `echo '* * * * * …' > /etc/cron.d/app`, `>> /etc/crontab`, `… | crontab -`: a crontab written by a RUN
WRITTEN_CRONTAB = re.compile(
    r">>?\s*['\"]?(/etc/cron\.d/[^\s;&|'\"]+|/etc/crontab\b|/var/spool/cron/crontabs/[^\s;&|'\"]+|/etc/crontabs/[^\s;&|'\"]+)"
    r"|\|\s*crontab(?:\s+-u\s+\S+)?(?:\s+-)?\s*(?:$|[;&|)])"
)


def written_crontab(docker: DockerfileInfo | None) -> int | None:
    """The Dockerfile line of a final-stage RUN that writes a crontab from text (not from a repo
    file): cron then runs lines envcheck cannot read. None when there is none."""
    for step in docker.runs if docker else []:
        if step.final and WRITTEN_CRONTAB.search(step.text):
            return step.line
    return None
