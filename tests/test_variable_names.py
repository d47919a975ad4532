"""Names that mislead: public keys named like secrets, and names that differ from a known one in case only."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import scan_json


def test_public_keys_named_like_secrets_are_not_plaintext_secrets(tmp_path: Path) -> None:
    """Broadcasting app keys, Vite variables and Stripe's publishable key are public by design."""
    env = {
        "APP_ENV": "production",
        "PUSHER_APP_KEY": "a1b2c3d4e5f6a7b8c9d0",
        "VITE_PUSHER_APP_KEY": "a1b2c3d4e5f6a7b8c9d0",
        "STRIPE_KEY": "pk_live_51H8abcdefghijklmnopqrstuv",
        "PUSHER_APP_SECRET": "f0e1d2c3b4a5f6e7d8c9",
    }
    container = {"name": "web", "image": "app:1", "environment": [{"name": k, "value": v} for k, v in env.items()]}
    (tmp_path / "taskdef.json").write_text(json.dumps({"family": "app", "containerDefinitions": [container]}))
    _, report = scan_json(str(tmp_path))
    assert {f["variable"] for f in report["findings"] if f["code"] == "SEC001"} == {"PUSHER_APP_SECRET"}


def test_a_lower_case_name_of_a_known_variable_is_a_typo(tmp_path: Path) -> None:
    """Environment names are case-sensitive: Laravel reads FILESYSTEM_DISK, not filesystem_disk."""
    container = {"name": "web", "image": "app:1", "environment": [{"name": "filesystem_disk", "value": "s3"}]}
    (tmp_path / "taskdef.json").write_text(json.dumps({"family": "app", "containerDefinitions": [container]}))
    _, report = scan_json(str(tmp_path))
    hits = [f for f in report["findings"] if f["code"] == "REQ004"]
    assert len(hits) == 1 and "FILESYSTEM_DISK" in hits[0]["message"]
