"""CI formats: SARIF (validated against the OASIS schema), JUnit, GitHub annotations, Markdown,
and several reports from one run."""

from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from envcheck.engine import ScanResult
from envcheck.model import Finding, Location, Severity
from envcheck.profile import load_profile
from envcheck.report import render
from envcheck.report.github import escape_data, escape_property
from envcheck.rules.registry import RULES, load_rules
from envcheck.stack import Stack
from tests.conftest import REPO, run_cli, scan_json

SARIF_SCHEMA = REPO.parent / "shared" / "data" / "sarif-schema-2.1.0.json"


@pytest.fixture
def stack(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The reference stack in a repository of its own, with one inline suppression, scanned from its root."""
    (tmp_path / ".git").mkdir()
    shutil.copytree(REPO / "examples" / "myteacher", tmp_path / "stack")
    env = tmp_path / "stack/laravel/.env"
    env.write_text(
        env.read_text().replace(
            "SESSION_SECURE_COOKIE=true", "SESSION_SECURE_COOKIE=true # envcheck: ignore[SES003] -- local"
        )
    )
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _scan(fmt: str, *args: str) -> tuple[int, str]:
    code, out, err = run_cli("scan", "--format", fmt, *args, "stack")
    assert code in (0, 1), err
    return code, out


# SARIF


def test_sarif_validates_against_the_oasis_schema(stack: Path) -> None:
    if not SARIF_SCHEMA.is_file():
        pytest.skip(f"the OASIS SARIF 2.1.0 schema is not at {SARIF_SCHEMA} (see ../shared/data/README.md)")
    import jsonschema

    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    _, out = _scan("sarif")
    log = json.loads(out)
    errors = sorted(validator_class(schema).iter_errors(log), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:5])


def test_sarif_has_what_code_scanning_needs(stack: Path) -> None:
    _, report = scan_json("stack")
    _, out = _scan("sarif")
    run = json.loads(out)["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == sorted({f["code"] for f in report["findings"]})
    load_rules()
    for r in rules:
        rule = RULES[r["id"]]
        assert r["properties"]["envcheck-name"] == rule.name and r["shortDescription"]["text"] == rule.summary
        assert r["name"] == rule.name.title().replace("-", "")  # session-domain-mismatch: SessionDomainMismatch
        assert rule.sections()["Why"] in r["fullDescription"]["text"]
        assert "Fix" in r["help"]["text"] and "**Fix.**" in r["help"]["markdown"]
        assert r["defaultConfiguration"]["level"] in {"error", "warning", "note"}
        assert "helpUri" not in r  # no docs-url configured: no absolute URL to give
    assert len(run["results"]) == len(report["findings"])
    by_fingerprint = {f["fingerprint"]: f for f in report["findings"]}
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        finding = by_fingerprint[result["partialFingerprints"]["envcheck/v1"]]
        location = result["locations"][0]["physicalLocation"]
        uri = location["artifactLocation"]["uri"]
        assert location["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        assert uri.startswith("stack/") and not urlsplit(uri).scheme, "relative to the repository root"
        assert location["region"]["startLine"] == finding["line"]
        assert result["message"]["text"] == finding["message"]
        assert ("suppressions" in result) == bool(finding.get("suppressed"))
    suppressed = [r for r in run["results"] if "suppressions" in r]
    assert [(r["ruleId"], r["suppressions"]) for r in suppressed] == [
        ("SES003", [{"kind": "inSource", "status": "accepted", "justification": "local"}])
    ]


def test_sarif_help_uri_from_docs_url_and_baseline_suppressions_are_external(stack: Path) -> None:
    config = stack / "stack/.envcheck.toml"  # the nearest config: the stack's own
    config.write_text(config.read_text() + 'docs-url = "https://example.org/envcheck/docs/rules.md"\n')
    assert run_cli("scan", "--write-baseline", "baseline.json", "stack")[0] == 0
    _, out = _scan("sarif", "--baseline", "baseline.json")
    run = json.loads(out)["runs"][0]
    assert run["tool"]["driver"]["informationUri"] == "https://example.org/envcheck/docs/rules.md"
    for r in run["tool"]["driver"]["rules"]:
        assert r["helpUri"] == f"https://example.org/envcheck/docs/rules.md#{r['id'].lower()}"
    kinds = {s["kind"] for r in run["results"] for s in r["suppressions"]}
    assert kinds == {"inSource", "external"}


# JUnit


def test_junit_is_one_suite_per_target_and_one_case_per_family(stack: Path) -> None:
    code, report = scan_json("stack")
    _, out = _scan("junit")
    root = ET.fromstring(out)
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    load_rules()
    families = {r.family for r in RULES.values()}
    for suite in suites:
        cases = suite.findall("testcase")
        assert {c.get("name") for c in cases} == families
        assert int(suite.get("tests", -1)) == len(cases)
        assert int(suite.get("failures", -1)) == sum(1 for c in cases if c.find("failure") is not None)
    assert int(root.get("tests", -1)) == sum(int(s.get("tests", 0)) for s in suites)
    failures = [(s.get("name"), c.get("name"), c.find("failure")) for s in suites for c in s.findall("testcase")]
    failing = [f for f in failures if f[2] is not None]
    assert failing and code == 1, "a run that fails has failing test cases"
    text = "\n".join(f[2].text or "" for f in failing)
    errors = [f for f in report["findings"] if f["severity"] == "error" and not f.get("suppressed")]
    for f in errors:
        assert f["code"] in text and f["message"] in text
    assert "SES003" not in text, "a suppressed finding is never a failure"
    env_suite = next(s for s in suites if s.get("name", "").endswith("laravel/.env"))
    session = next(c for c in env_suite.findall("testcase") if c.get("name") == "session")
    assert "SES003" in (session.findtext("system-out") or "")


def test_junit_failures_follow_fail_on(stack: Path) -> None:
    _, out = _scan("junit", "--fail-on", "never")
    assert ET.fromstring(out).get("failures") == "0"
    _, out = _scan("junit", "--fail-on", "warning")
    root = ET.fromstring(out)
    assert "SES001" in "".join(f.text or "" for f in root.iter("failure"))


# GitHub annotations


def test_github_escaping() -> None:
    assert escape_data("100% done\r\nnext") == "100%25 done%0D%0Anext"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"


def _result(*findings: Finding) -> ScanResult:
    return ScanResult(findings=list(findings), stack=Stack(profile=load_profile("laravel")))


def test_github_annotations_cannot_be_broken_by_a_message() -> None:
    evil = Finding(
        code="SES002",
        name="session-domain-mismatch",
        severity=Severity.ERROR,
        message="line one\n::error::injected 100%",
        location=Location(path="dir,with:odd/.env", line=3),
        target="t",
    )
    info = evil.model_copy(update={"severity": Severity.INFO, "location": None, "message": "plain"})
    hidden = evil.model_copy(update={"suppressed": True, "suppression": "x", "message": "hidden"})
    lines = render(_result(evil, info, hidden), "github").splitlines()
    assert lines[0] == (
        "::error file=dir%2Cwith%3Aodd/.env,line=3,title=SES002 session-domain-mismatch"
        "::line one%0A::error::injected 100%25 [t]"
    )
    assert lines[1].startswith("::notice title=SES002") and "file=" not in lines[1]
    assert not any("hidden" in line for line in lines)
    assert lines[-1] == "envcheck: 1 error, 0 warning, 1 info, 1 suppressed"


def test_github_annotations_of_the_reference_stack(stack: Path) -> None:
    _, report = scan_json("stack")
    _, out = _scan("github")
    annotations = [line for line in out.splitlines() if line.startswith("::")]
    assert len(annotations) == sum(1 for f in report["findings"] if not f.get("suppressed"))
    pattern = re.compile(r"^::(error|warning|notice) file=stack/[^,]+,line=\d+,title=[A-Z]{3}\d{3} [a-z-]+::.+$")
    assert all(pattern.match(line) for line in annotations), annotations


# Markdown


def test_markdown_summary_groups_and_escaping() -> None:
    evil = Finding(
        code="SES002",
        name="session-domain-mismatch",
        severity=Severity.ERROR,
        message="a | b <script>alert(1)</script>\nnext",
        location=Location(path="app/.env", line=2),
        target="app/.env",
    )
    other = evil.model_copy(update={"target": "web/app", "severity": Severity.WARNING, "message": "w"})
    hidden = evil.model_copy(update={"suppressed": True, "suppression": "known | issue"})
    md = render(_result(evil, other, hidden), "markdown")
    assert md.startswith("## envcheck: 1 error(s), 1 warning(s), 0 info")
    assert "| suppressed | 1 |" in md
    assert "### app/.env" in md and "### web/app" in md and md.index("### app/.env") < md.index("### web/app")
    assert "a \\| b &lt;script&gt;alert(1)&lt;/script&gt; next" in md
    assert "<script>" not in md
    assert "<details><summary>1 suppressed finding(s)</summary>" in md and "known \\| issue" in md
    for line in md.splitlines():
        if line.startswith(("| 🔴 |", "| 🟠 |")):
            assert len(re.findall(r"(?<!\\)\|", line)) == 5, line


def test_markdown_of_a_clean_run() -> None:
    md = render(_result(), "markdown")
    assert md.startswith("## envcheck: ✅ no findings")


# Several reports from one run


def test_one_run_writes_several_reports(stack: Path) -> None:
    (stack / "out").mkdir()
    outputs = ["sarif=out/e.sarif", "junit=out/e.xml", "markdown=out/e.md", "github=out/e.txt", "json=out/e.json"]
    code, out, err = run_cli("scan", "stack", *[arg for o in outputs for arg in ("-o", o)])
    assert code == 1, err
    assert "SES002" in out, "stdout keeps the --format report (text)"
    assert json.loads((stack / "out/e.sarif").read_text())["version"] == "2.1.0"
    ET.fromstring((stack / "out/e.xml").read_text())
    assert (stack / "out/e.md").read_text().startswith("## envcheck")
    assert (stack / "out/e.txt").read_text().startswith("::")
    assert json.loads((stack / "out/e.json").read_text())["summary"]["error"] >= 1


def test_plain_output_file_takes_the_format(stack: Path) -> None:
    code, out, _ = run_cli("scan", "stack", "--format", "json", "-o", "r.json", "-o", "sarif=r.sarif")
    assert code == 1 and out == ""
    assert "findings" in json.loads((stack / "r.json").read_text())
    assert (stack / "r.sarif").is_file()
    code, out, _ = run_cli("scan", "stack", "--format", "sarif", "--fail-on", "never")
    assert code == 0 and json.loads(out)["version"] == "2.1.0"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-o", "yaml=x"], "unknown format 'yaml'"),
        (["-o", "a.txt", "-o", "b.txt"], "only one plain FILE"),
        (["-o", "json="], "no file"),
        (["--format", "xml"], "unknown format"),
        (["-o", "json=missing-dir/x.json"], "cannot write"),
    ],
)
def test_output_usage_errors(stack: Path, args: list[str], message: str) -> None:
    code, _, err = run_cli("scan", "stack", *args)
    assert code == 2 and message in err, err


# Progress on long runs


@pytest.mark.parametrize(
    ("tty", "env", "fmt", "expected"),
    [
        (True, {}, "text", True),
        (True, {}, None, True),  # every report goes to files: the person at the terminal still waits
        (True, {"CI": "true"}, "text", False),
        (True, {"TERM": "dumb"}, "text", False),
        (False, {}, "text", False),
        (True, {}, "json", False),
        (True, {}, "sarif", False),
        (True, {}, "github", False),
    ],
)
def test_progress_only_for_people_at_a_terminal(
    monkeypatch: pytest.MonkeyPatch, tty: bool, env: dict[str, str], fmt: str | None, expected: bool
) -> None:
    import sys

    from envcheck.progress import wanted

    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("TERM", raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: tty)
    assert wanted(fmt) is expected


def test_progress_counts_files_and_cleans_up(monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    import envcheck.progress as progress_module

    monkeypatch.setattr(progress_module, "DELAY", 0.0)
    with progress_module.progress(True) as on_read:
        assert on_read is not None
        time.sleep(0.05)  # the display has started
        for _ in range(3):
            on_read(Path("x"))
    with progress_module.progress(False) as on_read:
        assert on_read is None
