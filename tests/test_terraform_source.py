"""The Terraform loader: what it evaluates, what it leaves Unknown, and that no input crashes it."""

from __future__ import annotations

import builtins
import io
import os
import pathlib
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from envcheck.fs import ScanContext
from envcheck.sources.taskdef import TaskDefinitionDoc, targets_from_doc
from envcheck.sources.terraform import load_terraform
from envcheck.sources.terraform.functions import FUNCTIONS
from envcheck.sources.terraform.hcl import grammar_cache_file
from envcheck.values import Unknown

FIXTURES = Path(__file__).parent / "fixtures" / "terraform"
EXAMPLES = Path(__file__).parent.parent / "examples"


def scan(root: Path) -> tuple[list[TaskDefinitionDoc], ScanContext]:
    """Load every .tf/.tfvars under `root`, as the engine would."""
    root = root.resolve()
    ctx = ScanContext(roots=[root])
    files = sorted(p for p in root.rglob("*") if p.is_file())
    tf = [p for p in files if p.name.endswith((".tf", ".tf.json"))]
    tfvars = [p for p in files if p.name.endswith((".tfvars", ".tfvars.json"))]
    return load_terraform(tf, tfvars, ctx), ctx


def by_address(docs: list[TaskDefinitionDoc]) -> dict[str, TaskDefinitionDoc]:
    return {doc.address or "": doc for doc in docs}


def env(container: dict[str, Any]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in container.get("environment", [])}


def codes(ctx: ScanContext) -> list[str]:
    return [f.code for f in ctx.findings]


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


# --------------------------------------------------------------------------- evaluation


def test_jsonencode_with_locals_var_defaults_and_tfvars() -> None:
    docs, ctx = scan(FIXTURES / "basic")
    (doc,) = docs
    assert doc.address == "aws_ecs_task_definition.web"
    assert doc.family == "shop-production-web"  # terraform.tfvars overrides the default "staging"
    assert doc.replicas == 3  # "3" from tfvars, converted because the variable is a number
    assert doc.path.name == "main.tf" and doc.line == 16 and doc.text and "container_definitions" in doc.text
    assert isinstance(doc.containers, list)
    (web,) = doc.containers
    assert web["command"] == ["php", "artisan", "serve"]
    values = env(web)
    assert values["APP_ENV"] == "production"
    assert values["LOG_LEVEL"] == "info"  # *.auto.tfvars
    assert values["APP_URL"] == "https://shop.example.com"
    assert ctx.findings == []


def test_unresolvable_values_are_unknown_with_a_readable_reason() -> None:
    docs, ctx = scan(FIXTURES / "basic")
    values = env(docs[0].containers[0])  # type: ignore[index]
    assert values["API_TOKEN"] == Unknown("var.api_token (no default and no tfvars value)", 22)
    assert isinstance(values["DB_HOST"], Unknown) and values["DB_HOST"].reason == "aws_db_instance.main.address"
    assert values["REDIS_HOST"].reason == "data.aws_ssm_parameter.redis.value"
    targets = targets_from_doc(docs[0], ctx)
    unknown = {f.variable: f.message for f in ctx.findings if f.code == "SRC003"}
    assert set(unknown) == {"API_TOKEN", "DB_HOST", "REDIS_HOST"}
    assert "var.api_token" in unknown["API_TOKEN"]
    token = targets[0].get("API_TOKEN")
    assert token is not None and token.value is None and token.unknown_reason is not None


def test_concat_merge_for_and_conditionals() -> None:
    (doc,), ctx = scan(FIXTURES / "functions")
    assert doc.family == "app-prod"
    app, worker = doc.containers  # type: ignore[misc]
    # merge() then a for expression over the map: sorted keys, CACHE filtered out by the `if`
    assert app["environment"] == [
        {"name": "APP_ENV", "value": "production"},
        {"name": "FEATURE_X", "value": "on"},
        {"name": "LOG_LEVEL", "value": "warning"},
        {"name": "QUEUE", "value": "sqs"},
    ]
    assert app["portMappings"] == [{"containerPort": 80}, {"containerPort": 443}]
    assert app["dockerLabels"] == {"team": "web"}
    assert worker["command"] == ["php", "artisan", "queue:work", "--queue=default,mail"]
    values = env(worker)
    assert values["WORKER_NAME"] == "MAIL"
    assert values["TIMEOUT"] == 120
    assert values["RETRY"] is True
    assert values["MODE"] == "multi"
    assert values["UNKNOWN_COND"].reason.startswith("var.missing_flag")  # unknown condition: not guessed
    assert ctx.findings == []


def test_heredoc_json_plain_and_indented() -> None:
    docs, ctx = scan(FIXTURES / "heredoc")
    found = by_address(docs)
    plain = found["aws_ecs_task_definition.plain"].containers[0]  # type: ignore[index]
    assert plain["image"] == "shop/app:1.2.3"
    values = env(plain)
    assert values["APP_ENV"] == "production"
    assert values["QUOTED"] == 'say "hi"'
    assert values["LITERAL"] == "${not_interpolated}"
    assert values["DB_HOST"] == Unknown("aws_db_instance.main.address", 14)
    # <<- bodies keep their escapes (python-hcl2's own serializer doubles them)
    trimmed = found["aws_ecs_task_definition.trimmed"].containers[0]  # type: ignore[index]
    assert trimmed["command"] == ["php", "artisan", "queue:work", "--tries=3"]
    assert env(trimmed) == {"PATH_LIKE": "C:\\temp\\x", "QUOTE": 'a "b"', "TIMEOUT": 90}
    assert ctx.findings == []


def test_file_inside_the_root_is_read_and_becomes_the_documents_path() -> None:
    (doc,), ctx = scan(FIXTURES / "file_inside")
    assert doc.path.name == "containers.json"
    assert doc.text is not None and '"APP_DEBUG"' in doc.text
    assert doc.line == 1
    assert env(doc.containers[0]) == {"APP_ENV": "production", "APP_DEBUG": "false"}  # type: ignore[index]
    (target,) = targets_from_doc(doc, ctx)
    assert target.location.path.endswith("containers.json")
    debug = target.get("APP_DEBUG")
    assert debug is not None and debug.location.line == 7
    assert ctx.findings == []


def test_templatefile_substitutes_and_directives_are_unknown() -> None:
    docs, ctx = scan(FIXTURES / "templatefile")
    found = by_address(docs)
    doc = found["aws_ecs_task_definition.app"]
    assert doc.path.name == "app.json.tpl"
    values = env(doc.containers[0])  # type: ignore[index]
    assert values["APP_ENV"] == "production"
    assert values["QUEUE"] == "JOBS"
    assert values["DB_HOST"] == Unknown("aws_db_instance.main.address", 6)  # the template's line
    loop = found["aws_ecs_task_definition.directive"]
    assert isinstance(loop.containers, Unknown)
    assert "%{for n in names}" in loop.containers.reason and "loop.json.tpl:5" in loop.containers.reason
    assert loop.path.name == "main.tf" and loop.containers.line == 16
    assert ctx.findings == []


@pytest.mark.parametrize(
    "expression",
    [
        'file("../outside.json")',
        'file("${path.module}/../outside.json")',
        'templatefile("../outside.json", {})',
        'file("../../etc/passwd")',
        'file("{outside}")',  # absolute path
        'file("${path.module}/link.json")',  # a link inside the root to the file outside
    ],
)
def test_file_outside_the_root_is_refused_and_never_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, expression: str
) -> None:
    canary = tmp_path / "outside.json"
    canary.write_text('[{"name": "app", "environment": [{"name": "CANARY", "value": "leaked"}]}]')
    root = tmp_path / "root"
    expression = expression.replace("{outside}", str(canary))
    resource = f'resource "aws_ecs_task_definition" "app" {{\n  container_definitions = {expression}\n}}\n'
    write(root, {"main.tf": resource})
    (root / "link.json").symlink_to(canary)
    opened: list[str] = []
    real_open, real_io_open = builtins.open, io.open

    def spy(file: Any, *args: Any, **kwargs: Any) -> Any:
        opened.append(os.path.realpath(file) if isinstance(file, (str, os.PathLike)) else str(file))
        return real_open(file, *args, **kwargs)

    def spy_io(file: Any, *args: Any, **kwargs: Any) -> Any:
        opened.append(os.path.realpath(file) if isinstance(file, (str, os.PathLike)) else str(file))
        return real_io_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", spy)
    monkeypatch.setattr(io, "open", spy_io)
    monkeypatch.setattr(pathlib.Path, "open", lambda self, *a, **k: spy_io(self, *a, **k))
    (doc,), ctx = scan(root)
    monkeypatch.undo()

    assert isinstance(doc.containers, Unknown)
    assert "could not be read" in doc.containers.reason
    assert [f.code for f in ctx.findings] == ["SRC001"]
    assert "leaves the scanned root" in ctx.findings[0].message
    assert str(canary.resolve()) not in opened
    assert os.path.realpath("/etc/passwd") not in opened
    assert any(p.endswith("main.tf") for p in opened)  # the spy did see the reads that happened


def test_module_call_with_literal_arguments() -> None:
    docs, ctx = scan(FIXTURES / "module_call")
    found = by_address(docs)
    # the called directory is evaluated through the call only, never on its own with defaults
    assert set(found) == {"module.api.aws_ecs_task_definition.this", "aws_ecs_task_definition.lonely"}
    api = found["module.api.aws_ecs_task_definition.this"]
    assert api.family == "api-production"
    assert api.replicas == 2  # "${family}:${revision}" links the service
    assert api.path.parts[-3:] == ("modules", "app", "main.tf")
    (container,) = api.containers  # type: ignore[misc]
    assert container["name"] == "api"
    values = env(container)
    assert values["APP_ENV"] == "production"
    assert values["TOKEN"].reason == "var.token (no default, and module.api does not set it)"
    lonely = found["aws_ecs_task_definition.lonely"]  # never called: evaluated with its defaults
    assert lonely.family == "lonely-dev"
    assert ctx.findings == []


def test_desired_count_literal_var_local_and_unknown() -> None:
    docs, ctx = scan(FIXTURES / "desired_count")
    replicas = {doc.address: doc.replicas for doc in docs}
    assert replicas["aws_ecs_task_definition.literal"] == 1
    assert replicas["aws_ecs_task_definition.by_var"] == 4
    assert replicas["aws_ecs_task_definition.by_local"] == 2
    assert replicas["aws_ecs_task_definition.orphan"] is None  # no service runs it
    unknown = replicas["aws_ecs_task_definition.unknown"]
    assert isinstance(unknown, Unknown) and unknown.reason == "data.aws_ssm_parameter.count.value"
    scaled = replicas["aws_ecs_task_definition.autoscaled"]
    assert isinstance(scaled, Unknown) and "ignore_changes" in scaled.reason
    assert ctx.findings == []


def test_for_each_task_definitions_and_services_pair_by_key() -> None:
    docs, ctx = scan(FIXTURES / "for_each")
    found = by_address(docs)
    assert set(found) == {'aws_ecs_task_definition.worker["default"]', 'aws_ecs_task_definition.worker["mail"]'}
    mail = found['aws_ecs_task_definition.worker["mail"]']
    assert mail.family == "worker-mail" and mail.replicas == 1
    assert mail.containers[0]["command"][-1] == "--queue=mail"  # type: ignore[index]
    assert found['aws_ecs_task_definition.worker["default"]'].replicas == 2
    assert ctx.findings == []


def test_tf_json_is_read_as_terraform_json_syntax() -> None:
    (doc,), ctx = scan(FIXTURES / "tfjson")
    assert doc.family == "shop-production-app"
    assert doc.replicas == 3
    assert doc.containers == [{"name": "app", "environment": [{"name": "APP_ENV", "value": "production"}]}]
    assert doc.line == 12
    assert ctx.findings == []


def test_var_files_that_disagree_make_the_variable_unknown() -> None:
    (doc,), ctx = scan(FIXTURES / "varfiles")
    values = env(doc.containers[0])  # type: ignore[index]
    assert values["AWS_REGION"] == "eu-west-1"  # both environments agree
    assert values["LOG_LEVEL"] == "info"  # neither sets it: the default
    assert isinstance(values["APP_ENV"], Unknown)
    assert "prod.tfvars" in values["APP_ENV"].reason and "staging.tfvars" in values["APP_ENV"].reason
    assert isinstance(doc.family, Unknown)
    assert ctx.findings == []


def test_a_single_var_file_is_applied(tmp_path: Path) -> None:
    root = tmp_path / "stack"
    shutil.copytree(FIXTURES / "varfiles", root)
    (root / "envs" / "staging.tfvars").unlink()
    (doc,), _ = scan(root)
    assert doc.family == "app-production"


def test_only_directories_mentioning_ecs_are_parsed(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "network/main.tf": 'resource "aws_vpc" "x" {\n  cidr_block = \n}\n',  # broken, but never parsed
            "app/main.tf": 'resource "aws_ecs_task_definition" "a" {\n  container_definitions = "[]"\n}\n',
        },
    )
    docs, ctx = scan(tmp_path)
    assert [d.address for d in docs] == ["aws_ecs_task_definition.a"] and docs[0].containers == []
    assert ctx.findings == []


# --------------------------------------------------------------------------- bad input


def test_syntax_error_is_src002_with_its_line_and_other_files_still_load(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "broken/main.tf": '# aws_ecs_task_definition\nresource "aws_ecs_task_definition" "x" {\n  family = \n}\n',
            "ok/main.tf": 'resource "aws_ecs_task_definition" "ok" {\n  container_definitions = jsonencode([])\n}\n',
        },
    )
    docs, ctx = scan(tmp_path)
    assert [d.address for d in docs] == ["aws_ecs_task_definition.ok"]
    (finding,) = ctx.findings
    assert finding.code == "SRC002"
    assert finding.message.startswith("HCL does not parse: unexpected")
    assert finding.location is not None and finding.location.line == 3  # `family = ` with nothing after


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("x = " + "[" * 3000 + "]" * 3000, "nested too deeply"),  # RecursionError inside python-hcl2
        ("x = " + "{a = " * 3000 + "1" + "}" * 3000, "nested too deeply"),
        ('resource "aws_ecs_service" "s" {\n  a = 1\n  a {\n  }\n}\n', '"a" is both an argument and a block'),
        ('x = "%{ if true }open"\n', "Unterminated template if directive"),  # hcl2's RuntimeError
        ('resource "aws_ecs_service" "s" {\n  a = 1\n  a = 2\n}\n', 'the argument "a" is set twice'),
    ],
)
def test_parser_crashes_become_src002(tmp_path: Path, text: str, reason: str) -> None:
    write(tmp_path, {"main.tf": "# aws_ecs_service\n" + text})
    docs, ctx = scan(tmp_path)
    assert docs == []
    (finding,) = ctx.findings
    assert finding.code == "SRC002" and reason in finding.message


def test_invalid_json_in_container_definitions_is_src002(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "main.tf": 'resource "aws_ecs_task_definition" "a" {\n  container_definitions = file("c.json")\n}\n',
            "c.json": '[\n  {"name": "app",}\n]\n',
        },
    )
    docs, ctx = scan(tmp_path)
    assert docs == []  # reported once, as SRC002; no document for taskdef.py to report again
    (finding,) = ctx.findings
    assert finding.code == "SRC002" and finding.location is not None and finding.location.line == 2
    assert finding.location.path.endswith("c.json")


def test_deep_but_parseable_values_and_self_reference_do_not_crash(tmp_path: Path) -> None:
    deep = "[" * 200 + "]" * 200  # parses (250 does not): the evaluator must cope
    write(
        tmp_path,
        {
            "main.tf": (
                "locals {\n  a = local.b\n  b = local.a\n"
                + "  big = [for i in range(1000) : [for j in range(1000) : [for k in range(1000) : k]]]\n}\n"
                + 'resource "aws_ecs_task_definition" "loop" {\n  container_definitions = jsonencode(local.a)\n}\n'
                + 'resource "aws_ecs_task_definition" "deep" {\n'
                + f"  container_definitions = jsonencode({deep})\n}}\n"
                + 'resource "aws_ecs_task_definition" "big" {\n  container_definitions = jsonencode(local.big)\n}\n'
            )
        },
    )
    docs, _ = scan(tmp_path)
    found = by_address(docs)
    assert "refers to itself" in found["aws_ecs_task_definition.loop"].containers.reason  # type: ignore[union-attr]
    assert isinstance(found["aws_ecs_task_definition.big"].containers, Unknown)
    assert "too much work" in found["aws_ecs_task_definition.big"].containers.reason
    assert isinstance(found["aws_ecs_task_definition.deep"].containers, (list, Unknown))


def test_bom_and_crlf_files_parse(tmp_path: Path) -> None:
    text = '\ufeffresource "aws_ecs_task_definition" "a" {\r\n  family = "bom"\r\n}\r\n'
    (tmp_path / "main.tf").write_bytes(text.encode("utf-8"))
    (doc,), ctx = scan(tmp_path)
    assert doc.family == "bom" and ctx.findings == []


def test_grammar_cache_goes_to_the_user_cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    path = grammar_cache_file()
    assert path is not None and path.parent == tmp_path / "xdg" / "envcheck"
    import hcl2.parser

    assert path.is_file() or not Path(hcl2.parser.PARSER_FILE).is_file()  # seeded from hcl2's copy
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/dir")  # ignored, as the XDG spec says
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    path = grammar_cache_file()
    assert path is not None and path.parent == tmp_path / "home" / ".cache" / "envcheck"


# --------------------------------------------------------------------------- the reference stack


@pytest.mark.parametrize("stack", ["myteacher", "myteacher-fixed"])
def test_reference_stack_is_read_fully(stack: str) -> None:
    root = EXAMPLES / stack / "infrastructure" / "terraform"
    if not root.is_dir():
        pytest.skip("reference stack not written yet")
    docs, ctx = scan(root)
    assert docs and ctx.findings == []
    for doc in docs:
        assert doc.address and doc.address.startswith("module.")
        assert isinstance(doc.family, str)
        assert isinstance(doc.replicas, int)
        targets = targets_from_doc(doc, ctx)
        assert targets
        for target in targets:
            assert all(v.known for v in target.variables), [v.name for v in target.variables if not v.known]
    assert ctx.findings == []


# --------------------------------------------------------------------------- never raises

HCL_TOKENS = [
    'resource "aws_ecs_task_definition" "x" {',
    'resource "aws_ecs_service" "s" {',
    'module "m" {',
    'source = "./m"',
    "locals {",
    'variable "v" {',
    "}",
    "{",
    "[",
    "]",
    "(",
    ")",
    "=",
    ",",
    ":",
    "?",
    "=>",
    "...",
    ".",
    "*",
    "-",
    "!",
    "\n",
    "\n",
    "container_definitions =",
    "desired_count =",
    "task_definition = aws_ecs_task_definition.x.arn",
    "for_each =",
    "count =",
    "jsonencode(",
    "templatefile(",
    'file("../x")',
    'file("c.json")',
    "concat(",
    "merge(",
    "var.v",
    "local.l",
    "each.key",
    "count.index",
    "path.module",
    "data.a.b.c",
    "for",
    "in",
    "if",
    "true",
    "null",
    "0",
    "1.5",
    '"s"',
    '"${',
    '"${var.v}-x"',
    '"%{ if true }x%{ endif }"',
    "<<EOF\n",
    "\nEOF\n",
    '<<-EOF\n  [{"name": "${local.l}"}]\n  EOF\n',
    "#",
    "//",
    "/*",
    "*/",
    "\\",
    '"',
    "\ufeff",
    "\x00",
]


LEAVES = [
    *["1", "-2", "0.5", "true", "null", '"a"', '"${var.v}"', '"x-${local.l}"', "var.v", "local.l", "var.nope"],
    *["each.value", "count.index", "data.d.x.y", "aws_db.x.addr", "path.module", "module.m.out", '"c.json"'],
    *["[]", "{}", '"%{ for x in [1] }${x}%{ endfor }"'],
]


@st.composite
def expressions(draw: st.DrawFn, depth: int = 3) -> str:
    """Mostly-valid HCL expressions, to drive the evaluator rather than the parser."""
    leaves = st.sampled_from(LEAVES)
    if depth == 0:
        return draw(leaves)
    sub = expressions(depth - 1)
    functions = [*sorted(FUNCTIONS), "file", "templatefile", "cidrsubnet", "provider::x::y"]
    shape = draw(st.integers(0, 12))
    a, b, c = draw(sub), draw(sub), draw(sub)
    return [
        draw(leaves),
        f"[{a}, {b}]",
        f"{{ k = {a}, name = {b} }}",
        f"{draw(st.sampled_from(functions))}({a}, {b})",
        f"{a} ? {b} : {c}",
        f"{a} {draw(st.sampled_from(['+', '-', '*', '/', '%', '==', '!=', '<', '>=', '&&', '||']))} {b}",
        f"[for x in {a} : {b}]",
        f"{{for k, v in {a} : k => {b}}}",
        f"{a}[{b}]",
        f"{a}.name",
        f"{a}[*].name",
        f'"${{{a}}}-${{{b}}}"',
        f"<<EOF\n[${{{a}}}]\nEOF\n",
    ][shape]


def load_text(text: str, name: str = "main.tf") -> None:
    """Write `text` into a fresh root (beside a JSON file it may name) and load it; it must not raise."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp).resolve()
        (root / "c.json").write_text('[{"name": "app"}]')
        (root / name).write_text(text, encoding="utf-8", errors="surrogatepass")
        tfvars = root / "terraform.tfvars"
        tfvars.write_text(text, encoding="utf-8", errors="surrogatepass")
        ctx = ScanContext(roots=[root])
        docs = load_terraform([root / name], [tfvars], ctx)
        for doc in docs:
            targets_from_doc(doc, ctx)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(), st.sampled_from(["main.tf", "main.tf.json"]))
def test_never_raises_on_arbitrary_text(text: str, name: str) -> None:
    load_text("# aws_ecs_task_definition\n" + text if name == "main.tf" else text, name)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(HCL_TOKENS), max_size=60).map(" ".join))
def test_never_raises_on_hcl_like_tokens(text: str) -> None:
    load_text(text)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(expressions(), expressions(), expressions(), expressions())
def test_never_raises_when_evaluating_odd_expressions(containers: str, local: str, default: str, count: str) -> None:
    load_text(
        f'variable "v" {{\n  default = {default}\n}}\n'
        f"locals {{\n  l = {local}\n}}\n"
        f'resource "aws_ecs_task_definition" "x" {{\n  family = {local}\n  container_definitions = {containers}\n}}\n'
        f'resource "aws_ecs_service" "s" {{\n  task_definition = aws_ecs_task_definition.x.arn\n'
        f"  desired_count = {count}\n}}\n"
    )
