"""Rules about envcheck's own inline suppressions (envcheck/suppress.py reports them)."""

from envcheck.model import Severity
from envcheck.rules.registry import documented

documented(
    "SUP001",
    "unused-suppression",
    Severity.INFO,
    "suppression",
    """An `envcheck: ignore[...]` comment matches no finding.

    Why: the mistake it silenced was fixed, moved to another line, or never happened; a stale
    suppression then waits to hide the next, unrelated finding of that code on its line. It is
    reported only for codes that ran (a code left out with `--select`, `--ignore` or
    `per-path-ignores` cannot be judged), and also when a code names no rule at all.
    Example: `SESSION_DOMAIN=.example.com  # envcheck: ignore[SES002]` after the domain was fixed;
    `# envcheck: ignore[SES02]` (a typo).
    Fix: delete the comment, or the codes in it that no longer match; write the line's finding
    code as `envcheck scan` prints it.
    Source: envcheck's suppression comments (envcheck/suppress.py); the same check as ruff's RUF100
    (unused-noqa).
    """,
)
