"""Bad input becomes a finding with its path, never a traceback, and the scan goes on."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import scan_json


def _codes_by_path(report: dict) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for f in report["findings"]:
        out.setdefault(Path(f["path"]).name, set()).add(f["code"])
    return out


def test_binary_huge_and_truncated_files_are_findings(tmp_path: Path) -> None:
    (tmp_path / ".env").write_bytes(b"\x7fELF\x00\x00binary")
    (tmp_path / ".env.production").write_text("APP_ENV=production\nAPP_DEBUG=true\n")
    (tmp_path / ".env.huge").write_text("A=" + "x" * 2048 + "\n")
    (tmp_path / "taskdef.json").write_text('{"containerDefinitions": [{"name": "web", "image": "x"')
    (tmp_path / "latin1.env").write_bytes(b"APP_NAME=caf\xe9\n")
    _, report = scan_json("--max-bytes", "1024", str(tmp_path))
    by_path = _codes_by_path(report)
    assert by_path[".env"] == {"SRC001"}
    assert by_path[".env.huge"] == {"SRC001"}
    assert by_path["taskdef.json"] == {"SRC002"}
    assert by_path["latin1.env"] == {"SRC001"}
    assert "SEC002" in by_path[".env.production"]  # the rest of the scan went on


def test_links_that_leave_the_root_are_refused_and_never_read(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.env").write_text("APP_KEY=base64:CANARYCANARYCANARY\n")
    root = tmp_path / "root"
    root.mkdir()
    (root / ".env").symlink_to(outside / "secret.env")
    (root / "shared").symlink_to(outside, target_is_directory=True)
    _, report = scan_json(str(root))
    messages = [(f["code"], f["path"], f["message"]) for f in report["findings"]]
    assert ("SRC001", os.path.relpath(root / ".env"), "refused: the link leaves the scanned root") in messages
    assert any(code == "SRC001" and path.endswith("shared") for code, path, _ in messages)
    assert report["summary"]["targets"] == 0


def test_symlink_loops_are_findings(tmp_path: Path) -> None:
    (tmp_path / ".env.a").symlink_to(tmp_path / ".env.b")
    (tmp_path / ".env.b").symlink_to(tmp_path / ".env.a")
    (tmp_path / "loop").symlink_to(tmp_path, target_is_directory=True)
    (tmp_path / ".env").write_text("APP_NAME=x\n")
    _, report = scan_json(str(tmp_path))
    assert {Path(f["path"]).name for f in report["findings"] if f["code"] == "SRC001"} == {".env.a", ".env.b"}
    assert report["summary"]["targets"] == 1


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_file_is_a_finding(tmp_path: Path) -> None:
    path = tmp_path / ".env"
    path.write_text("A=1\n")
    path.chmod(0)
    try:
        _, report = scan_json(str(tmp_path))
    finally:
        path.chmod(0o644)
    assert [f["code"] for f in report["findings"]] == ["SRC001"]


def test_a_named_pipe_is_refused_not_read(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / ".env")  # reading it would block the scan forever
    (tmp_path / ".env.local").write_text("APP_NAME=x\n")
    _, report = scan_json(str(tmp_path))
    assert [(f["code"], Path(f["path"]).name) for f in report["findings"]] == [("SRC001", ".env")]
    assert report["summary"]["targets"] == 1
