"""The dotenv loader: python-dotenv's parser with line numbers, and no crash on any text."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from envcheck.fs import ScanContext
from envcheck.sources.dotenv import is_template, load_dotenv, unquoted_whitespace


def _load(tmp_path: Path, text: str, name: str = ".env"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    ctx = ScanContext(roots=[tmp_path.resolve()])
    return load_dotenv(path, ctx), ctx


def test_bindings_keep_their_lines(tmp_path: Path) -> None:
    loaded, _ = _load(tmp_path, "# comment\nA=1\n\nexport B='two words'\nC=\n")
    assert loaded
    target, parsed = loaded
    assert [(v.name, v.value, v.location.line) for v in target.variables] == [
        ("A", "1", 2),
        ("B", "two words", 4),
        ("C", "", 5),
    ]
    assert target.kind == "local" and not parsed.template


def test_examples_are_templates() -> None:
    assert is_template(Path(".env.example")) and is_template(Path(".env.production.example"))
    assert not is_template(Path(".env.production"))


def test_secrets_are_flagged_at_load(tmp_path: Path) -> None:
    loaded, _ = _load(tmp_path, "DB_PASSWORD=hunter2hunter2\nAPP_NAME=x\n")
    assert loaded
    by_name = {v.name: v for v in loaded[0].variables}
    assert by_name["DB_PASSWORD"].secret and "hunter2" not in by_name["DB_PASSWORD"].shown
    assert "hunter2" not in repr(by_name["DB_PASSWORD"]) and "hunter2" not in by_name["DB_PASSWORD"].model_dump_json()
    assert by_name["APP_NAME"].shown == "x"


def test_unquoted_whitespace_matches_phpdotenv() -> None:
    assert unquoted_whitespace("APP_NAME=My App\n")
    assert not unquoted_whitespace('APP_NAME="My App"\n')
    assert not unquoted_whitespace("LOG_LEVEL=debug # a comment\n")
    assert not unquoted_whitespace("EMPTY=\n")


def test_binary_file_is_a_finding(tmp_path: Path) -> None:
    path = tmp_path / ".env"
    path.write_bytes(b"A=1\x00\xff")
    ctx = ScanContext(roots=[tmp_path.resolve()])
    assert load_dotenv(path, ctx) is None
    assert [f.code for f in ctx.findings] == ["SRC001"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text())
def test_never_raises_on_arbitrary_text(tmp_path: Path, text: str) -> None:
    path = tmp_path / ".env"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    ctx = ScanContext(roots=[tmp_path.resolve()])
    ctx._texts.clear()
    load_dotenv(path, ctx)
