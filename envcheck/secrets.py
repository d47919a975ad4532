"""What counts as a secret, by name or by value, and what is only a reference or placeholder.

Decided once, when a variable is loaded, so that its value is masked from then on.
"""

from __future__ import annotations

import math
import re
from collections import Counter

SECRET_NAME = re.compile(
    r"(^|_)(TOKEN|SECRET|PASSWORD|PASSWD|PASS|PWD|KEY|PRIVATE_KEY|API_KEY|CREDENTIALS?|AUTH|SALT|DSN)$"
)
NOT_SECRET_NAME = re.compile(
    r"(_KEY_ID|_ID|_PUBLIC_KEY|_PUBLISHABLE_KEY|_SITE_KEY|_KEY_PREFIX|_KEY_PATH|_FILE|_ARN|_NAME|_URL_KEY|_CACHE_KEY)$"
    r"|^(VITE_|MIX_)"  # built into the JavaScript bundle: public by design
    r"|^(PUSHER|REVERB)_APP_KEY$"  # the broadcasting key browsers connect with; its _SECRET is the secret
)
PUBLISHABLE_VALUE = re.compile(r"^pk_(live|test)_")  # Stripe's publishable keys (STRIPE_KEY in Cashier)

SECRET_VALUE_PATTERNS: dict[str, re.Pattern[str]] = {
    "aws-access-key": re.compile(r"\b(AKIA|ASIA)[0-9A-Z]{16}\b"),
    "stripe-live": re.compile(r"\b[sr]k_live_[0-9a-zA-Z]{16,}"),
    "replicate-token": re.compile(r"\br8_[0-9A-Za-z]{20,}"),
    "github-token": re.compile(r"\b(gh[pousr]_[0-9A-Za-z]{30,}|github_pat_[0-9A-Za-z_]{40,})"),
    "slack-token": re.compile(r"\bxox[abprs]-[0-9A-Za-z-]{10,}"),
    "gitlab-token": re.compile(r"\bglpat-[0-9A-Za-z_-]{20,}"),
    "openai-key": re.compile(r"\bsk-(proj-)?[0-9A-Za-z_-]{32,}"),
    "private-key": re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
    "laravel-app-key": re.compile(r"^base64:[0-9A-Za-z+/]{40,}={0,2}$"),
}

PLACEHOLDER = re.compile(
    r"^(|null|none|nil|changeme|change[-_ ]?me|todo|tbd|xxx+|\*+|placeholder|dummy|example|secret|password|"
    r"<[^>]*>|\$\{[^}]*\}|\{\{[^}]*\}\}|%[A-Z_]+%|your[-_].*|replace[-_].*|.*[-_]here)$",
    re.IGNORECASE,
)
REFERENCE = re.compile(r"^(arn:aws[a-z-]*:|/[\w./-]+$|ssm:|secretsmanager:|vault:|op://|sm://)")


def is_secret_name(name: str) -> bool:
    upper = name.upper()
    return bool(SECRET_NAME.search(upper)) and not NOT_SECRET_NAME.search(upper)


def secret_value_kind(value: str) -> str | None:
    """The kind of live secret a value looks like, or None."""
    for kind, pattern in SECRET_VALUE_PATTERNS.items():
        if pattern.search(value):
            return kind
    if _high_entropy(value):
        return "high-entropy"
    return None


def is_placeholder(value: str) -> bool:
    return bool(PLACEHOLDER.match(value.strip()))


def is_reference(value: str) -> bool:
    """An ARN or parameter name points at a secret; it is not one."""
    return bool(REFERENCE.match(value.strip()))


def is_publishable(value: str) -> bool:
    """A key that is meant to be public, though its variable is named like a secret."""
    return bool(PUBLISHABLE_VALUE.match(value.strip()))


def looks_secret(name: str, value: str | None) -> bool:
    """Whether to mask this variable's value from now on."""
    if value is not None and is_publishable(value):
        return False
    if is_secret_name(name):
        return True
    return value is not None and secret_value_kind(value) is not None


def _high_entropy(value: str) -> bool:
    """Long, mixed-alphabet tokens; hex digests (≤ 4 bits/char) and paths are not counted."""
    if len(value) < 24 or any(c in value for c in " /:.@=,;"):
        return False
    classes = sum(bool(re.search(p, value)) for p in ("[a-z]", "[A-Z]", "[0-9]"))
    if classes < 3:
        return False
    counts = Counter(value)
    entropy = -sum(n / len(value) * math.log2(n / len(value)) for n in counts.values())
    return entropy >= 4.3
