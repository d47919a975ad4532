"""Blocks no rule reads are blanked before parsing, with every line kept where it was."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from envcheck.sources.terraform.prune import prune

TEXT = '''terraform {
  required_version = ">= 1.5"
}

resource "aws_s3_bucket" "logs" {
  bucket = "logs-${var.env}-{not a brace}"
  policy = <<EOF
{"Statement": [{"Effect": "Allow"}]}
EOF
  # a comment with a } brace
  tags = { Name = "${jsonencode({ a = "}" })}" }
}

locals {
  env = [{ name = "A", value = "1" }]
}

resource "aws_ecs_task_definition" "app" {
  family                = "app"
  container_definitions = jsonencode([{ name = "web", environment = local.env }])
}

output "arn" { value = aws_ecs_task_definition.app.arn }
'''


def test_other_resources_and_outputs_are_blanked_lines_kept() -> None:
    pruned = prune(TEXT)
    assert pruned.count("\n") == TEXT.count("\n") and len(pruned) == len(TEXT)
    assert "aws_s3_bucket" not in pruned and "terraform {" not in pruned and "output" not in pruned
    assert "locals {" in pruned and 'resource "aws_ecs_task_definition" "app"' in pruned
    lines = TEXT.splitlines()
    kept = pruned.splitlines()
    row = next(i for i, line in enumerate(lines) if "aws_ecs_task_definition" in line)
    assert kept[row] == lines[row]


def test_unsure_text_is_left_whole() -> None:
    broken = 'resource "aws_s3_bucket" "b" {\n  bucket = "unterminated\n}\n'
    assert prune(broken) == broken
    unbalanced = 'resource "aws_s3_bucket" "b" {\n'
    assert prune(unbalanced) == unbalanced


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('resourcdata "{}$%#/*<-EOF\n=abx_'))))
def test_never_raises_and_keeps_every_line(text: str) -> None:
    pruned = prune(text)
    assert len(pruned) == len(text) and pruned.count("\n") == text.count("\n")


def test_too_much_relevant_hcl_is_refused_not_parsed(tmp_path) -> None:
    from envcheck.fs import ScanContext
    from envcheck.sources.terraform import load_terraform

    block = 'resource "aws_ecs_service" "s%d" {\n  name = "%s"\n  desired_count = 1\n}\n'
    path = tmp_path / "main.tf"
    path.write_text("".join(block % (i, "x" * 200) for i in range(1400)))
    ctx = ScanContext(roots=[tmp_path.resolve()])
    assert load_terraform([path], [], ctx) == []
    assert [(f.code, "parse cap" in f.message) for f in ctx.findings] == [("SRC001", True)]
