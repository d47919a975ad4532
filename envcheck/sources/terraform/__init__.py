"""Terraform to ECS task definitions, evaluated as far as the files allow and no further.

`load_terraform` finds every `aws_ecs_task_definition` and evaluates its `container_definitions`
with a small HCL evaluator over python-hcl2's typed tree. Whatever depends on apply time (data
sources, resource attributes, module outputs, variables nobody sets, functions not implemented
here) becomes `Unknown(reason)` in place; it is never guessed. `taskdef.py` reports those.

What is resolved:
  - literals, `var.*` (module inputs, tfvars, defaults), `local.*`, `path.module`/`path.root`,
    string templates, heredocs (`<<EOF`, `<<-EOF`), conditionals and operators on known values,
    `for` expressions, splats, `count`/`for_each` over known values, and the common functions
    (jsonencode, concat, merge, tolist, tomap, lookup, format, join, ...; see `functions.FUNCTIONS`);
  - `file()` / `templatefile()` of files inside the scanned roots, always through
    `ScanContext.read_text` on the resolved path (a path that leaves the root is refused there,
    SRC001, and the value is Unknown). Template directives `%{...}` make the template Unknown;
  - `replicas`: the sum of `desired_count` over the `aws_ecs_service`s that reference the task
    definition in the same module instance (replicas.py).

Which directories are parsed and how modules are called: loader.py; which tfvars apply to a root:
tfvars.py. `override.tf` files are merged over the resources they override, as Terraform does.

Parse errors (and the RecursionError/RuntimeError python-hcl2 raises on odd input) are reported
as SRC002 and the file is skipped; so is fully known `container_definitions` text that is not JSON
(no document, so it is not reported again as SRC003). Each value is evaluated under a work budget
(budget.py): self-multiplying locals or huge loops become Unknown instead of hanging the scan.
Nothing raised by a file's content escapes `load_terraform`.

The modules, from the bottom up: budget, values, json_with_holes, templates, hcl (the only importer
of python-hcl2, lazily), blocks, operators, functions, evaluate, instances, tfvars, task_definitions,
replicas, loader.
"""

from envcheck.sources.terraform.loader import load_terraform

__all__ = ["load_terraform"]
