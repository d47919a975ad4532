"""The pre-commit hook, the GitHub Action and the README's CI examples, checked as far as a
test can: files parse, the action's scan step runs for real, the README's workflow uses only
inputs the action has."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO

ENVCHECK = Path(sys.executable).parent / "envcheck"


def test_pre_commit_hook_scans_the_root_when_deploy_config_changes() -> None:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    (hook,) = hooks
    assert hook["id"] == "envcheck" and hook["entry"] == "envcheck scan"
    assert hook["language"] == "python" and hook["pass_filenames"] is False
    files = re.compile(hook["files"])
    for path in [
        ".env",
        "laravel/.env.production",
        "infra/modules/app/ecs.tf",
        "infra/prod.tfvars",
        "taskdef.json",
        "Dockerfile",
        "docker/Dockerfile.worker",
        "docker/entrypoint.sh",
        "docker/supervisord.conf",
        "app/Console/Kernel.php",
        "artisan",
        "composer.lock",
        ".envcheck.toml",
        ".envcheck-baseline.json",
    ]:
        assert files.search(path), path
    for path in ["README.md", "src/main.py", "docs/rules.md"]:
        assert not files.search(path), path


def _action() -> dict:
    return yaml.safe_load((REPO / "action.yml").read_text())


def test_action_is_composite_and_passes_inputs_through_env_only() -> None:
    action = _action()
    assert action["runs"]["using"] == "composite"
    for step in action["runs"]["steps"]:
        if "run" in step:
            assert "${{" not in step["run"], f"an expression inside a script: {step.get('name')}"
            assert step["shell"] == "bash"
    used = set(re.findall(r"inputs\.([a-z-]+)", (REPO / "action.yml").read_text()))
    assert used <= set(action["inputs"]), used - set(action["inputs"])
    uploads = [s for s in action["runs"]["steps"] if s.get("uses", "").startswith("github/codeql-action/upload-sarif")]
    assert uploads and "always()" in uploads[0]["if"]


def _run_action_script(tmp_path: Path, **inputs: str) -> tuple[subprocess.CompletedProcess[str], Path, Path]:
    output, summary = tmp_path / "github_output", tmp_path / "step_summary"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("INPUT_")},
        "ENVCHECK": str(ENVCHECK),
        "RUNNER_TEMP": str(tmp_path),
        "GITHUB_OUTPUT": str(output),
        "GITHUB_STEP_SUMMARY": str(summary),
        **{f"INPUT_{k.upper()}": v for k, v in inputs.items()},
    }
    proc = subprocess.run(
        ["bash", str(REPO / ".github" / "envcheck-action.sh")],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return proc, output, summary


@pytest.mark.skipif(not ENVCHECK.exists() or shutil.which("bash") is None, reason="needs bash and the envcheck script")
def test_action_scan_step_annotates_summarises_and_reports_the_exit_code(tmp_path: Path) -> None:
    shutil.copytree(REPO / "examples" / "myteacher", tmp_path / "stack")
    (tmp_path / ".git").mkdir()
    proc, output, summary = _run_action_script(
        tmp_path, path="stack", fail_on="error", annotations="true", summary="true", sarif_file="envcheck.sarif"
    )
    assert proc.returncode == 0, proc.stderr  # the job fails later, in the Gate step
    assert "exit-code=1" in output.read_text()
    assert re.search(r"^::error file=stack/.+,line=\d+,title=SES002", proc.stdout, re.MULTILINE)
    assert summary.read_text().startswith("## envcheck:")
    assert (tmp_path / "envcheck.sarif").is_file()

    subprocess.run([str(ENVCHECK), "scan", "--write-baseline", "baseline.json", "stack"], cwd=tmp_path, check=True)
    proc, output, _ = _run_action_script(tmp_path, path="stack", baseline="baseline.json", sarif_file="")
    assert "exit-code=0" in output.read_text(), proc.stderr

    proc, output, _ = _run_action_script(tmp_path, path="stack", args="--fail-on sometimes")
    assert "exit-code=2" in output.read_text()


def _readme_blocks(lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", (REPO / "README.md").read_text(), re.DOTALL)


def test_readme_workflow_uses_the_action_as_it_is() -> None:
    workflows = [yaml.safe_load(b) for b in _readme_blocks("yaml") if "runs-on" in b]
    assert workflows
    inputs = set(_action()["inputs"])
    for workflow in workflows:
        for job in workflow["jobs"].values():
            for step in job["steps"]:
                if step.get("uses", "").startswith("OWNER/envcheck@"):
                    assert set(step.get("with", {})) <= inputs


def test_readme_ci_commands_are_valid_scan_invocations(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every `envcheck scan` line of the CI examples parses and runs (on an empty tree)."""
    from tests.conftest import run_cli

    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()
    lines = [
        line.strip().lstrip("- ").removeprefix("run: ").strip()
        for block in _readme_blocks("yaml")
        for line in block.splitlines()
        if "envcheck scan" in line
    ]
    assert len(lines) >= 2
    for line in lines:
        args = line.split()[1:]
        code, _, err = run_cli(*args)
        assert code == 0, f"{line}: {err}"
