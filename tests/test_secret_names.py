"""Which names and values count as secrets: public keys named like secrets are not."""

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
