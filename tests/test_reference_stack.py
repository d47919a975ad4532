"""The bundled reference stack: the incident before and after its fixes.

The JSON reports are snapshots (tests/snapshots/*.json). After a deliberate change, rewrite
them with `ENVCHECK_UPDATE_SNAPSHOTS=1 python -m pytest tests/test_reference_stack.py` and
review the diff like code.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import REPO, run_cli, scan_json

SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"


@pytest.mark.parametrize("stack", ["myteacher", "myteacher-fixed"])
def test_json_report_matches_snapshot(in_repo: Path, stack: str) -> None:
    _, report = scan_json(f"examples/{stack}")
    snapshot = SNAPSHOTS / f"{stack}.json"
    if os.environ.get("ENVCHECK_UPDATE_SNAPSHOTS"):
        snapshot.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    assert report == json.loads(snapshot.read_text(encoding="utf-8"))


def test_before_the_fixes_every_incident_mistake_is_reported(in_repo: Path) -> None:
    code, report = scan_json("examples/myteacher")
    assert code == 1
    codes = Counter(f["code"] for f in report["findings"])
    assert codes == Counter(
        {"REQ001": 6, "SES001": 1, "SES002": 1, "SES003": 1, "QUE001": 1, "SCH001": 1, "SEC001": 1, "SEC004": 1}
    )
    missing = {f["variable"] for f in report["findings"] if f["code"] == "REQ001"}
    assert missing == {
        "REPLICATE_MODEL_VERSION",
        "REPLICATE_MODEL_VERSION_V2",
        "REPLICATE_MODEL_VERSION_V3",
        "REPLICATE_TRANSPARENT_MODEL_VERSION",
        "REPLICATE_MAX_POLLING_ATTEMPTS",
        "REPLICATE_POLLING_INTERVAL",
    }
    local = {f["code"] for f in report["findings"] if f["path"].endswith("laravel/.env")}
    assert local == {"SES002", "SES003"}


def test_after_the_fixes_the_latent_bugs_remain(in_repo: Path) -> None:
    code, report = scan_json("examples/myteacher-fixed")
    assert code == 1
    codes = Counter(f["code"] for f in report["findings"])
    assert codes == Counter({"QUE002": 1, "QUE003": 1, "QUE004": 1, "SCH002": 1, "SCH003": 1, "SEC001": 1})


def test_the_token_is_never_printed(in_repo: Path) -> None:
    token = "r8_EXAMPLEnotARealTokenJustForTheDemo0001"
    assert token in (REPO / "examples/myteacher/infrastructure/terraform/modules/myteacher/ecs.tf").read_text()
    for fmt in ("text", "json"):
        _, out, err = run_cli("scan", "--format", fmt, "examples/myteacher")
        assert token not in out and token not in err
        assert "r8_EXAMPLE" not in out
