"""What a script's control structures mean for the commands in them: guards, tests, endless and sleeping loops."""

from __future__ import annotations

import re

from envcheck.sources.scripts.shell import Block, If, Item, Loop, Pipeline, Simple
from envcheck.sources.scripts.walk_state import Frame

# A `&&` after one of these does not make the next command conditional in practice (`cd /app && php …`).
TRIVIAL_GUARDS = frozenset(
    {"cd", "mkdir", "chown", "chmod", "export", "echo", "printf", "true", ":", "set", "touch", "cp", "mv", "ln"}
)


def is_trivial_guard(pipeline: Pipeline) -> bool:
    first = pipeline.commands[0] if len(pipeline.commands) == 1 else None
    return isinstance(first, Simple) and bool(first.words) and first.words[0].value in TRIVIAL_GUARDS


def condition_outcome(condition: list[Item], frame: Frame) -> bool | None:
    """The outcome of `[ A = B ]`, `[ -z A ]`, `test …` when the script knows both sides; else None."""
    if len(condition) != 1 or len(condition[0].parts) != 1:
        return None
    pipeline = condition[0].parts[0][1]
    node = pipeline.commands[0] if len(pipeline.commands) == 1 else None
    if not isinstance(node, Simple) or not node.words:
        return None
    words = [frame.value(t.value) for t in node.words]
    if words[0] in ("[", "[[") and words[-1] == {"[": "]", "[[": "]]"}[words[0]]:
        operands = words[1:-1]
    elif words[0] == "test":
        operands = words[1:]
    else:
        return None
    result = _test(operands)
    return None if result is None else result != pipeline.negated


def _test(operands: list[str | None]) -> bool | None:
    """`test`'s string operators over known operands; None for anything else."""
    if any(o is None for o in operands):
        return None
    if len(operands) == 3 and operands[1] in ("=", "==", "!="):
        return (operands[0] == operands[2]) != (operands[1] == "!=")
    if len(operands) == 2 and operands[0] in ("-z", "-n"):
        return (operands[1] == "") == (operands[0] == "-z")
    if len(operands) == 1:
        return operands[0] != ""
    return None


def is_endless(loop: Loop) -> bool:
    """`while true`, `while :`, `until false`, `while sleep N`: a loop that only the container's stop ends."""
    words = _simple_words(loop.condition)
    if len(words) != 1:
        return False
    if loop.kind == "until":
        return words[0] in (("false",), ("/bin/false",))
    return words[0] in ((":",), ("true",), ("/bin/true",), ("[", "1", "]"), ("[", "true", "]")) or (
        words[0][:1] == ("sleep",)
    )


def loop_sleep(loop: Loop, env: dict[str, str]) -> int:
    """Seconds slept per turn (`while sleep N` or a `sleep N` in the body); 0 when none or unknown."""
    for words in _simple_words(loop.condition) + _simple_words(loop.body):
        if words[:1] == ("sleep",) and len(words) > 1:
            return _sleep_seconds(words[1], env) or 0
    return 0


def _simple_words(items: list[Item]) -> list[tuple[str, ...]]:
    """The word lists of the plain commands of a list (not inside nested loops)."""
    out: list[tuple[str, ...]] = []
    for item in items:
        for _, pipeline in item.parts:
            for node in pipeline.commands:
                if isinstance(node, Simple):
                    out.append(tuple(t.value for t in node.words))
                elif isinstance(node, Block):
                    out += _simple_words(node.body)
                elif isinstance(node, If):
                    for _, body in node.branches:
                        out += _simple_words(body)
    return out


def _sleep_seconds(word: str, env: dict[str, str]) -> int | None:
    """`sleep` seconds: `60`, `1m`, `$INTERVAL` set earlier, `${INTERVAL:-60}`; None when unknown."""
    match = re.fullmatch(r"\$\{?([A-Za-z_]\w*)(?::?-([^}]*))?\}?", word)
    if match:
        word = env.get(match.group(1), match.group(2) or "")
    match = re.fullmatch(r"(\d+(?:\.\d+)?)([smhd]?)", word.strip())
    if not match:
        return None
    scale = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}[match.group(2)]
    return int(float(match.group(1)) * scale)
